"""git's hooks and notes sync: what ``install-hooks --git`` sets up.

Hooks. Each installed hook is a small ``/bin/sh`` script marked
``ckptlog-managed``: it runs the hook that was there before (so husky,
the pre-commit framework or a hand-written hook keep working), then
ckptlog, and exits with the previous hook's status, never with ckptlog's
(ckptlog never fails a git command; a missing ckptlog is one warning
line). Hooks that git feeds on stdin (post-rewrite, reference-transaction,
pre-push) get a copy of it each. ``reference-transaction`` calls ckptlog
only in its ``committed`` state: the other states carry no authorship work,
and a Python start-up three times per ref update is not free.

* ``--repo`` (default): the repository's hooks directory, as git finds it
  (``core.hooksPath`` respected: husky's ``.husky/_`` gets the scripts). A
  hook already there is renamed ``<name>.ckptlog-prev`` and chained;
  uninstall renames it back (byte for byte, mode included).
* ``--global``: a hooks directory of ckptlog's (``<user state>/git-hooks``)
  becomes the global ``core.hooksPath``; each script chains to the hook of
  the previous global ``core.hooksPath`` if there was one, else to the
  repository's own ``.git/hooks/<name>`` (which a global hooksPath would
  otherwise silence). A repository with its own ``core.hooksPath`` (husky)
  does not run global hooks: ``doctor`` says so; install there with ``--repo``.

``pre-commit`` starts ckptlog only while a cherry-pick or revert is being
concluded (git's ``CHERRY_PICK_HEAD``, ``REVERT_HEAD`` or ``MERGE_MSG``, the
last what ``cherry-pick -n`` leaves; one ``git rev-parse`` in the shell):
git deletes those files before post-commit runs, so the pick's source must
be remembered here. With ``--pre-commit`` it runs for every commit and also
takes a human checkpoint of the changed files with AI state; post-commit
takes that checkpoint itself before the note (``commit.checkpoint_first``),
one process less per commit. Either way a human rewrite of an AI line made
after the last checkpoint counts as human (git-ai, which does neither,
commits it as AI: "stale AI attestation", #2344).

Notes sync (``--no-notes-sync`` leaves it out), per research §8.3:

* fetch: every remote gets the refspec
  ``+refs/notes/ai*:refs/notes/ai-remote/<remote>*`` (git config), so
  ``git fetch``/``pull`` bring the remote's notes into a remote-tracking
  ref; a pattern, because a plain refspec makes ``git fetch`` fail on a
  remote that has no notes yet. The merge into ``refs/notes/ai`` (local
  side winning) happens in the ``pre-push`` hook, in ``ckptlog notes fetch``,
  and before every read command (:func:`lsm.notesync.merge_tracking`).
* push: the ``pre-push`` hook fetches and merges the remote's notes, then
  pushes ``refs/notes/ai`` to the same remote, never forced (up to three
  tries when it lost a race), and never fails the user's push.

With ``--global`` the refspecs cannot be set for every repository; the
``pre-push`` hook still fetches, merges and pushes.

What can fail: :class:`~lsm.errors.InstallError` (not in a repository, a
hooks directory that cannot be written), :class:`~lsm.errors.GitError`.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
from pathlib import Path

from lsm.errors import InstallError
from lsm.git import Git
from lsm.install.base import Change, HookStatus, InstallContext, write_file
from lsm.install.state import FileRecord, InstallState, digest, user_state_dir

__all__ = [
    "GIT_HOOKS",
    "MARKER",
    "NOTES_REFSPEC",
    "OPTIONAL_HOOKS",
    "GitHooksInstaller",
    "hook_script",
    "repo_state",
]

#: The hooks ``--git`` installs, in the order they are listed.
GIT_HOOKS = (
    "pre-commit",
    "post-commit",
    "post-rewrite",
    "post-checkout",
    "post-merge",
    "reference-transaction",
    "pre-push",
)
#: Hooks whose script depends on an install option (``--pre-commit``: ungated).
OPTIONAL_HOOKS = ("pre-commit",)
_STDIN_HOOKS = frozenset({"post-rewrite", "reference-transaction", "pre-push"})
# A failing previous hook aborts these git commands: ckptlog does not run then.
_ABORTING = frozenset({"pre-commit", "pre-push"})
MARKER = "# ckptlog-managed hook"
PREV_SUFFIX = ".ckptlog-prev"
NOTES_REFSPEC = "+refs/notes/ai*:refs/notes/ai-remote/{remote}*"


def _ckptlog_call(name: str) -> str:
    if name in ("post-commit", "pre-commit"):
        return f'"$ckptlog" {name}'
    return f'"$ckptlog" git-hook {name} "$@"'


#: The git subcommand of the hook's parent process in ``ckptlog_cmd`` (empty
#: where it cannot be told: no /proc, or a parent that is not git), for the
#: filters below.
_GIT_COMMAND = [
    "ckptlog_git_command() {",
    "  ckptlog_cmd=",
    '  [ -r "/proc/$PPID/cmdline" ] || return 0',
    "  set -- $(tr '\\000' ' ' < \"/proc/$PPID/cmdline\")",
    '  [ "${1##*/}" = git ] && ckptlog_cmd="$2"',
    "  return 0",
    "}",
]


#: reference-transaction runs for every ref update of every git command
#: (ckptlog's own notes writes included, twice each); this shell filter passes
#: on only what ckptlog can act on: a HEAD, branch or stash update that no
#: other hook of ours sees (a commit, merge, rebase, cherry-pick, revert,
#: checkout, switch, pull or am has its own). It reads the refs with shell
#: builtins only, keeping them in ``ckptlog_refs`` for ckptlog: an update it
#: drops costs one ``sh``, no other process (``cat`` and ``grep`` cost a
#: ``git commit`` 9 processes). The parent's command line is read where /proc
#: has it; elsewhere the filter lets it through and ckptlog decides (the same
#: rule, in Python). The one exception is the branch update that ends a
#: rebase: when the rebase rewrote nothing (a fast-forward) no post-rewrite
#: follows, and the working log moves from there (lsm.commit.rewrites); when
#: the sequencer's list (``rewritten-list``, ``rewritten``) names commits, post-rewrite follows and
#: does it (the test is here, not in Python: a 50-commit rebase spent 60 ms
#: starting ckptlog for nothing).
_REF_FILTER = [
    "ckptlog_wants() {",
    "  ckptlog_refs= ckptlog_hit= ckptlog_branch= ckptlog_line=",
    '  while IFS= read -r ckptlog_line || [ -n "$ckptlog_line" ]; do',
    '    ckptlog_refs="$ckptlog_refs$ckptlog_line',
    '"',
    '    case "${ckptlog_line##* }" in',
    "      refs/heads/*) ckptlog_hit=1 ckptlog_branch=1 ;;",
    "      HEAD|refs/stash) ckptlog_hit=1 ;;",
    "    esac",
    "    ckptlog_line=",
    "  done",
    '  [ -n "$ckptlog_hit" ] || return 1',
    "  ckptlog_git_command",
    '  case "$ckptlog_cmd" in',
    '    "") return 0 ;;',
    '    rebase) ckptlog_dir="${GIT_DIR:-.git}"',
    '      [ -n "$ckptlog_branch" ] && ! [ -s "$ckptlog_dir/rebase-merge/rewritten-list" ] &&',
    '        ! [ -s "$ckptlog_dir/rebase-apply/rewritten" ]; return ;;',
    "    commit|merge|cherry-pick|revert|checkout|switch|pull|am) return 1 ;;",
    "  esac",
    "  return 0",
    "}",
]


#: pre-commit without ``--pre-commit``: ckptlog only while a pick is concluded.
#: git's state files are looked for in ``$GIT_DIR`` (git exports it to hooks of
#: a linked worktree) or ``.git`` (the hook runs at the top of the work tree);
#: only where that is no directory (a submodule's ``.git`` file) does ``git
#: rev-parse --git-path`` find them, one process more for every commit.
_PICK_FILTER = [
    "ckptlog_wants() {",
    '  ckptlog_dir="${GIT_DIR:-.git}"',
    '  if [ -d "$ckptlog_dir" ]; then',
    "    for ckptlog_f in CHERRY_PICK_HEAD REVERT_HEAD MERGE_MSG; do",
    '      [ -e "$ckptlog_dir/$ckptlog_f" ] && return 0',
    "    done",
    "    return 1",
    "  fi",
    "  git rev-parse --git-path CHERRY_PICK_HEAD --git-path REVERT_HEAD --git-path MERGE_MSG \\",
    '    2>/dev/null | { while IFS= read -r f; do [ -e "$f" ] && exit 0; done; exit 1; }',
    "}",
]


#: post-commit: a rebase's own commits (the sequencer runs post-commit for each
#: pick) are left to post-rewrite, which moves their notes in one batch; git-ai
#: skips them too. Without this a 50-commit rebase started Python 50 times. A
#: `git commit` the user runs while a rebase is stopped still goes through.
_REBASE_FILTER = [
    "ckptlog_wants() {",
    "  ckptlog_git_command",
    '  [ "$ckptlog_cmd" != rebase ]',
    "}",
]


def hook_script(name: str, ckptlog: str, prev: str, *, every_commit: bool = False) -> str:
    """The text of hook ``name``: chain to ``prev`` (a shell word), then run ckptlog.

    :param every_commit: pre-commit runs ckptlog for every commit (``--pre-commit``),
        not only while a cherry-pick or revert is concluded.
    """
    call = _ckptlog_call(name)
    gated = name == "reference-transaction"
    if (name == "pre-commit" and not every_commit) or name == "post-commit":
        call = f"if ckptlog_wants; then {call}; fi"
    lines = [
        "#!/bin/sh",
        f"{MARKER} ({name}): installed by `ckptlog install-hooks`, removed by"
        " `ckptlog uninstall-hooks`.",
        "# Runs the hook that was here before, then ckptlog; exits with the previous",
        "# hook's status (ckptlog never fails a git command).",
        f"ckptlog={shlex.quote(ckptlog)}",
        f"prev={prev}",
        "status=0",
        'if [ ! -x "$ckptlog" ]; then',
        f'  echo "ckptlog: $ckptlog is missing; the {name} hook did nothing'
        ' (run ckptlog install-hooks again)" >&2',
        '  [ -x "$prev" ] && exec "$prev" "$@"',
        "  exit 0",
        "fi",
    ]
    if gated:
        lines += _GIT_COMMAND + _REF_FILTER
    elif name == "pre-commit" and not every_commit:
        lines += _PICK_FILTER
    elif name == "post-commit":
        lines += _GIT_COMMAND + _REBASE_FILTER
    if name in _STDIN_HOOKS:
        fed = f'{call} < "$input" || :'
        lines += [
            'if [ -x "$prev" ] && input=$(mktemp "${TMPDIR:-/tmp}/ckptlog-hook.XXXXXX"); then',
            '  cat > "$input"',
            '  "$prev" "$@" < "$input"; status=$?',
        ]
        if name in _ABORTING:
            lines.append('  if [ "$status" -ne 0 ]; then rm -f "$input"; exit "$status"; fi')
        lines.append(
            f'  if [ "$1" = committed ] && ckptlog_wants < "$input"; then {fed}; fi'
            if gated
            else f"  {fed}"
        )
        lines += [
            '  rm -f "$input"',
            '  exit "$status"',
            "fi",
            'if [ -x "$prev" ]; then exec "$prev" "$@"; fi',
        ]
        if gated:
            lines += [
                "# git does not mind a hook that leaves its input unread.",
                'if [ "$1" != committed ]; then exit 0; fi',
                "ckptlog_wants || exit 0",
                f"printf '%s' \"$ckptlog_refs\" | {call} || :",
                "exit 0",
            ]
        else:
            lines += [f"{call} || :", "exit 0"]
    else:
        lines += ['if [ -x "$prev" ]; then', '  "$prev" "$@"; status=$?']
        if name in _ABORTING:
            lines.append('  if [ "$status" -ne 0 ]; then exit "$status"; fi')
        lines += ["fi", f"{call} || :", 'exit "$status"']
    return "\n".join(lines) + "\n"


def repo_state(git: Git) -> InstallState:
    """The repository scope's install state (``<common dir>/ai/install``)."""
    return InstallState(_common_dir(git) / "ai" / "install")


def _toplevel(ctx: InstallContext) -> Git:
    git = Git(ctx.cwd, env=ctx.env)
    code, out, _ = git.run(["rev-parse", "--show-toplevel"], check=False)
    top = out.decode("utf-8", "surrogateescape").strip()
    if code != 0 or not top:
        raise InstallError(
            f"{ctx.cwd} is not inside a git work tree",
            hint="Run install-hooks in the repository, or use --global for every repository.",
        )
    return Git(top, env=ctx.env)


def _common_dir(git: Git) -> Path:
    out = git.output(["rev-parse", "--git-common-dir"]).decode("utf-8", "surrogateescape").strip()
    path = Path(out)
    return path if path.is_absolute() else (git.root / path).resolve()


def repo_hooks_dir(git: Git) -> Path:
    """Where git looks for this repository's hooks (``core.hooksPath`` respected)."""
    out = git.output(["rev-parse", "--git-path", "hooks"]).decode("utf-8", "surrogateescape")
    path = Path(out.strip())
    return path if path.is_absolute() else git.root / path


def _global_dir(ctx: InstallContext) -> Path:
    return user_state_dir(ctx.env) / "git-hooks"


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None


def _ckptlog_in(script: str) -> str | None:
    for line in script.splitlines():
        if line.startswith("ckptlog="):
            words = shlex.split(line[len("ckptlog=") :])
            return words[0] if words else None
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a == b


class GitHooksInstaller:
    """git hooks and notes sync (see the module docstring)."""

    name = "git"
    title = "git hooks"

    def detect(self, ctx: InstallContext) -> bool:
        """``--all`` includes git hooks globally, or in a work tree."""
        if ctx.scope == "global":
            return True
        try:
            _toplevel(ctx)
        except InstallError:
            return False
        return True

    def hooks(self, ctx: InstallContext) -> tuple[str, ...]:
        names = list(GIT_HOOKS)
        if ctx.options.get("no_notes_sync"):
            names.remove("pre-push")
        return tuple(names)

    # ------------------------------------------------------------------ install

    def install(self, ctx: InstallContext) -> list[Change]:
        if ctx.scope == "global":
            return self._install_global(ctx)
        git = _toplevel(ctx)
        state = repo_state(git)
        hooks_dir = repo_hooks_dir(git)
        changes = self._write_hooks(ctx, state, hooks_dir, '"$0' + PREV_SUFFIX + '"')
        if not ctx.options.get("no_notes_sync"):
            changes += self._add_refspecs(ctx, git, state, bool(changes))
        return changes

    def _write_hooks(
        self, ctx: InstallContext, state: InstallState, hooks_dir: Path, prev: str | None
    ) -> list[Change]:
        changes: list[Change] = []
        for name in self.hooks(ctx):
            path = hooks_dir / name
            chain = prev if prev is not None else self._global_prev(ctx, name)
            want = hook_script(
                name, ctx.ckptlog, chain, every_commit=bool(ctx.options.get("pre_commit"))
            ).encode()
            have = _read(path)
            if have == want:
                continue
            ours = have is not None and MARKER.encode() in have
            if have is not None and not ours:
                saved = path.with_name(name + PREV_SUFFIX)
                detail = f"the existing hook is kept as {saved.name} and runs first"
                changes.append(Change(self.name, "update", str(path), detail, have, want))
                if not ctx.dry_run:
                    if saved.exists():  # an older chained hook: keep its bytes in the backups
                        state.settings.setdefault("replaced_prev", []).append(
                            [str(saved), state.backup(saved, saved.read_bytes())]
                        )
                    os.replace(path, saved)
            else:
                action = "create" if have is None else "update"
                changes.append(Change(self.name, action, str(path), "", have, want))
            if ctx.dry_run:
                continue
            created = not hooks_dir.exists()
            write_file(path, want)
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            rec = state.files.get(str(path))
            if rec is None:
                state.files[str(path)] = FileRecord(
                    self.name, None, digest(want), [str(hooks_dir)] if created else []
                )
            else:
                rec.written = digest(want)
            state.save()
        return changes

    def _global_prev(self, ctx: InstallContext, name: str) -> str:
        before = ctx.user_state.settings.get("global_hooks_path_before")
        if before:
            return shlex.quote(str(Path(os.path.expanduser(before)) / name))
        return f'"$(git rev-parse --git-common-dir 2>/dev/null)/hooks/{name}"'

    def _install_global(self, ctx: InstallContext) -> list[Change]:
        git = Git(ctx.home, env=ctx.env)
        hooks_dir = _global_dir(ctx)
        state = ctx.user_state
        current = git.config_global("core.hooksPath")
        changes: list[Change] = []
        if "global_hooks_path_before" not in state.settings and (
            current is None or Path(os.path.expanduser(current)) != hooks_dir
        ):
            state.settings["global_hooks_path_before"] = current
        changes += self._write_hooks(ctx, state, hooks_dir, None)
        if current is None or Path(os.path.expanduser(current)) != hooks_dir:
            detail = f"git config --global core.hooksPath {hooks_dir}"
            if current:
                detail += f" (was {current}; its hooks are chained)"
            changes.append(Change(self.name, "config", "~/.gitconfig", detail))
            if not ctx.dry_run:
                git.run(["config", "--global", "core.hooksPath", str(hooks_dir)])
        if not ctx.dry_run:
            state.save()
        if not ctx.options.get("no_notes_sync"):
            changes.append(
                Change(
                    self.name,
                    "note",
                    "notes sync",
                    "the pre-push hook pushes refs/notes/ai (after fetching and merging the "
                    "remote's); for fetch on every `git fetch`, run `ckptlog install-hooks "
                    "--git --repo` in a repository, or `ckptlog notes fetch`",
                )
            )
        return changes

    def _add_refspecs(
        self, ctx: InstallContext, git: Git, state: InstallState, explain: bool
    ) -> list[Change]:
        changes: list[Change] = []
        remotes = git.output(["remote"]).decode("utf-8", "surrogateescape").split()
        added = state.settings.setdefault("refspecs", [])
        for remote in remotes:
            spec = NOTES_REFSPEC.format(remote=remote)
            _code, out, _ = git.run(["config", "--get-all", f"remote.{remote}.fetch"], check=False)
            if spec in out.decode("utf-8", "surrogateescape").splitlines():
                continue
            changes.append(
                Change(
                    self.name,
                    "config",
                    f"remote.{remote}.fetch",
                    f"git config --add remote.{remote}.fetch '{spec}' (fetch brings its notes)",
                )
            )
            if not ctx.dry_run:
                git.run(["config", "--add", f"remote.{remote}.fetch", spec])
                if [remote, spec] not in added:
                    added.append([remote, spec])
        if not ctx.dry_run:
            if not added:
                del state.settings["refspecs"]
            state.save()
        if not remotes and explain:
            changes.append(
                Change(
                    self.name,
                    "note",
                    "notes sync",
                    "no remote yet: the pre-push hook will push and fetch notes; run "
                    "install-hooks again after `git remote add` for fetch on `git fetch`",
                )
            )
        return changes

    # ------------------------------------------------------------------ uninstall

    def uninstall(self, ctx: InstallContext) -> list[Change]:
        if ctx.scope == "global":
            hooks_dir = _global_dir(ctx)
            state = ctx.user_state
            git = Git(ctx.home, env=ctx.env)
        else:
            git = _toplevel(ctx)
            state = repo_state(git)
            hooks_dir = repo_hooks_dir(git)
        changes = self._remove_hooks(ctx, state, hooks_dir)
        if ctx.scope == "global":
            changes += self._restore_global_path(ctx, git, state, hooks_dir)
        else:
            changes += self._remove_refspecs(ctx, git, state)
        return changes

    def _remove_hooks(
        self, ctx: InstallContext, state: InstallState, hooks_dir: Path
    ) -> list[Change]:
        changes: list[Change] = []
        for name in GIT_HOOKS:
            path = hooks_dir / name
            have = _read(path)
            saved = path.with_name(name + PREV_SUFFIX)
            rec = state.files.get(str(path))
            if have is None or MARKER.encode() not in have:
                if have is not None and rec is not None:
                    changes.append(
                        Change(
                            self.name,
                            "note",
                            str(path),
                            "not a ckptlog hook any more (replaced since install): left alone",
                        )
                    )
                    if not ctx.dry_run:
                        del state.files[str(path)]
                continue
            original = _read(saved)
            if original is not None:
                changes.append(
                    Change(
                        self.name, "restore", str(path), f"{saved.name} put back", have, original
                    )
                )
                if not ctx.dry_run:
                    os.replace(saved, path)
            else:
                changes.append(Change(self.name, "delete", str(path), "", have, None))
                if not ctx.dry_run:
                    path.unlink()
            if not ctx.dry_run and rec is not None:
                for d in rec.created_dirs:
                    with contextlib.suppress(OSError):
                        Path(d).rmdir()
                del state.files[str(path)]
        if not ctx.dry_run:
            state.save()
        return changes

    def _restore_global_path(
        self, ctx: InstallContext, git: Git, state: InstallState, hooks_dir: Path
    ) -> list[Change]:
        current = git.config_global("core.hooksPath")
        if current is None or Path(os.path.expanduser(current)) != hooks_dir:
            return []
        before = state.settings.get("global_hooks_path_before")
        if before:
            detail = f"git config --global core.hooksPath {before} (as before install-hooks)"
            args = ["config", "--global", "core.hooksPath", before]
        else:
            detail = "git config --global --unset core.hooksPath (it was unset before)"
            args = ["config", "--global", "--unset", "core.hooksPath"]
        if not ctx.dry_run:
            git.run(args)
            state.settings.pop("global_hooks_path_before", None)
            state.save()
            with contextlib.suppress(OSError):
                hooks_dir.rmdir()
        return [Change(self.name, "config", "~/.gitconfig", detail)]

    def _remove_refspecs(self, ctx: InstallContext, git: Git, state: InstallState) -> list[Change]:
        changes: list[Change] = []
        for remote, spec in list(state.settings.get("refspecs", [])):
            _code, out, _ = git.run(["config", "--get-all", f"remote.{remote}.fetch"], check=False)
            if spec in out.decode("utf-8", "surrogateescape").splitlines():
                changes.append(
                    Change(
                        self.name,
                        "config",
                        f"remote.{remote}.fetch",
                        f"git config --unset remote.{remote}.fetch '{spec}'",
                    )
                )
                if not ctx.dry_run:
                    git.run(
                        ["config", "--fixed-value", "--unset", f"remote.{remote}.fetch", spec],
                        check=False,
                    )
        if not ctx.dry_run and "refspecs" in state.settings:
            del state.settings["refspecs"]
            state.save()
        return changes

    # ------------------------------------------------------------------ status

    def status(self, ctx: InstallContext) -> list[HookStatus]:
        try:
            git = _toplevel(ctx)
        except InstallError as exc:
            return [HookStatus(self.name, str(ctx.cwd), False, detail=exc.what)]
        hooks_dir = repo_hooks_dir(git)
        out: list[HookStatus] = []
        local_path = git.config_local("core.hooksPath")
        global_path = git.config_global("core.hooksPath")
        for name in GIT_HOOKS:
            path = hooks_dir / name
            data = _read(path)
            if data is None or MARKER.encode() not in data:
                detail = "not installed" if data is None else "a hook that is not ckptlog's"
                if (
                    local_path
                    and global_path
                    and Path(os.path.expanduser(global_path)) == _global_dir(ctx)
                ):
                    detail += (
                        f" (core.hooksPath={local_path} here hides ckptlog's global hooks;"
                        " install with --repo)"
                    )
                out.append(HookStatus(f"git {name}", str(path), False, detail=detail))
                continue
            text = data.decode("utf-8", "replace")
            exe = _ckptlog_in(text)
            runs = exe is not None and os.access(exe, os.X_OK)
            executable = os.access(path, os.X_OK)
            current = exe is not None and _same_file(exe, ctx.ckptlog)
            detail = ""
            if not executable:
                detail = "the script is not executable"
            elif not runs:
                detail = f"{exe} is missing"
            chained = path.with_name(name + PREV_SUFFIX)
            if chained.exists():
                detail = (detail + "; " if detail else "") + f"chains to {chained.name}"
            out.append(
                HookStatus(f"git {name}", str(path), executable and runs, exe, current, detail)
            )
        remotes = git.output(["remote"]).decode("utf-8", "surrogateescape").split()
        for remote in remotes:
            spec = NOTES_REFSPEC.format(remote=remote)
            _code, got, _ = git.run(["config", "--get-all", f"remote.{remote}.fetch"], check=False)
            live = spec in got.decode("utf-8", "surrogateescape").splitlines()
            out.append(
                HookStatus(
                    "notes fetch",
                    f"remote.{remote}.fetch",
                    live,
                    detail=""
                    if live
                    else "notes arrive only through pre-push / ckptlog notes fetch",
                )
            )
        return out
