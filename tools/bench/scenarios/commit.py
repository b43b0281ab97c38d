"""The commit path: ``ckptlog post-commit`` after an AI commit, a whole ``git commit`` with our
hooks, and the git-ai peer. Inputs come from :mod:`tools.bench.commitinputs` (a real repository
whose working log holds the case's history, an AI edit checkpointed by the installed ckptlog).

* ``ckptlog-post-commit``: the installed ``ckptlog post-commit --strict --verbose`` in a
  repository where the AI commit was just made with no hooks: exactly the work the post-commit
  hook does, from the same state every run (a fresh copy of the template).
* ``ckptlog-post-commit-reference``: the same commit after a history of
  ``reference_checkpoints`` (default 1000) instead of ``checkpoints``: the other side of the
  flatness ratio, run alternately with the first (``interleave = true`` in the case).
* ``gitai-post-commit``: :mod:`tools.bench.peers.gitai_postcommit`, git-ai's post-commit
  modelled on git-ai's own files of the same log (a measured Python child).
* ``git-commit-hooked``: ``git commit`` of the staged AI edit with ckptlog's git hooks, as
  ``ckptlog install-hooks --git`` sets them up when the installed build has that command, else
  the one-line scripts of docs/commit.md (``pre-commit``, ``post-commit``, and
  ``reference-transaction`` in its ``committed`` state; the context's ``hooks`` says which).
* ``git-commit-post-commit-hook``: the same commit with only the ``post-commit`` hook.
* ``git-commit-bare``: the same commit with no hooks (the reference of "added time").

A run that did not do the work fails instead of being timed as a fast one: post-commit must print
its summary for C with the AI line count the edit made and no warning; a hooked commit must leave
a note on HEAD and no warning; the bare commit must leave none. ``ckptlog post-commit`` rows also
report what the command says about itself: ``inner_ms`` (its own duration, without interpreter
start-up and imports) and ``git_processes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tools.bench.scenario import BenchEnv, Command, Context, Metrics, Scenario, requires

#: ``ckptlog post-commit --verbose``'s summary line (cli/githooks.py).
SUMMARY = re.compile(
    r"ckptlog: note on (?P<commit>[0-9a-f]+): (?P<ai>\d+) AI, (?P<human>\d+) known-human, "
    r"(?P<unknown>\d+) untracked line\(s\); (?P<carried>\d+) uncommitted AI line\(s\) carried "
    r"over \((?P<git>\d+) git processes, (?P<ms>\d+) ms\)"
)
WARNING = re.compile(r"ckptlog(?: [a-z-]+)?: (?:warning|.* is missing)")
REFERENCE_CHECKPOINTS = 1000
_AVAILABLE = requires("commit", ckptlog=True)
HOOKS_ALL = ("pre-commit", "post-commit", "reference-transaction")
"""The hooks a ``git commit`` runs that ckptlog installs (post-rewrite, post-checkout,
post-merge and pre-push never run for a plain commit)."""


# --------------------------------------------------------------------------------------------
# ckptlog post-commit


def _setup_post_commit(reference: bool) -> Callable[[BenchEnv], Context]:
    def setup(env: BenchEnv) -> Context:
        from tools.bench import commitinputs

        n = int(env.param("reference_checkpoints", REFERENCE_CHECKPOINTS)) if reference else None
        return commitinputs.prepare(env, "committed", checkpoints=n)

    return setup


def _post_commit(context: Context) -> Command:
    argv = (context["ckptlog"], "post-commit", "--strict", "--verbose")
    return Command(argv=argv, cwd=context["repo"], env=context["env"])


def check_post_commit(context: Context, output: str) -> str | None:
    """The summary names C and the edit's AI lines; no warning (a degraded run is not timed)."""
    for line in output.splitlines():
        if WARNING.search(line):
            return f"ckptlog warned: {line.strip()}"
    found = SUMMARY.search(output)
    if found is None:
        return f"no post-commit summary in the output: {output.strip()[-300:]!r}"
    if not context["commit"].startswith(found["commit"]):
        return f"the note went on {found['commit']}, not {context['commit'][:12]}"
    if int(found["ai"]) != context["ai_lines"]:
        return f"the note attests {found['ai']} AI lines, the edit made {context['ai_lines']}"
    return None


def post_commit_metrics(context: Context, output: str) -> Metrics:
    found = SUMMARY.search(output)
    assert found is not None  # the check passed
    return {"inner_ms": float(found["ms"]), "git_processes": float(found["git"])}


# --------------------------------------------------------------------------------------------
# the git-ai peer


def _setup_peer(env: BenchEnv) -> Context:
    from tools.bench import commitinputs

    return commitinputs.prepare(env, "committed")


def _peer(context: Context) -> Metrics:
    import os
    from pathlib import Path

    from tools.bench.peers.gitai_postcommit import post_commit

    os.environ.update(context["env"])  # the git environment ours runs with
    result = post_commit(Path(context["repo"]), context["base"], context["commit"])
    if result.committed_lines != context["ai_lines"]:
        raise RuntimeError(
            f"the model attested {result.committed_lines} lines, the edit made "
            f"{context['ai_lines']}"
        )
    return {
        "checkpoints_read": float(result.checkpoints_read),
        "blobs_read": float(result.blobs_read),
        "git_processes": float(result.git_processes),
        **result.timings,
    }


# --------------------------------------------------------------------------------------------
# a whole git commit


def _hook_script(name: str, ckptlog: str) -> str:
    """docs/commit.md's one-line hook, as a script (reference-transaction: ``committed`` only)."""
    import shlex

    exe = shlex.quote(ckptlog)
    if name in ("pre-commit", "post-commit"):
        body = f"{exe} {name} || :\nexit 0\n"
    elif name == "reference-transaction":
        body = (
            f'if [ "$1" = committed ]; then {exe} git-hook {name} "$@" || :; '
            "else cat > /dev/null; fi\nexit 0\n"
        )
    else:
        body = f'{exe} git-hook {name} "$@" || :\nexit 0\n'
    return "#!/bin/sh\n" + body


def _install_hooks(context: Context, names: tuple[str, ...]) -> str:
    """Set up ``names`` in the copy's ``.git/hooks``; return how (for the report)."""
    import os
    import subprocess
    from pathlib import Path

    repo = Path(context["repo"])
    ckptlog = context["ckptlog"]
    hooks = repo / ".git" / "hooks"
    if names == HOOKS_ALL:
        probe = subprocess.run(
            [ckptlog, "install-hooks", "--help"], capture_output=True, check=False, timeout=60
        )
        if probe.returncode == 0:
            home = repo.parent / "home"
            home.mkdir(exist_ok=True)
            env = {
                **os.environ,
                **context["env"],
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_STATE_HOME": str(home / ".local" / "state"),
            }
            done = subprocess.run(
                [ckptlog, "install-hooks", "--git", "--no-notes-sync"],
                cwd=repo,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0 or not (hooks / "post-commit").exists():
                raise RuntimeError(f"install-hooks failed: {(done.stderr or done.stdout)[-500:]}")
            return "ckptlog install-hooks --git --no-notes-sync"
    hooks.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = hooks / name
        path.write_text(_hook_script(name, ckptlog))
        path.chmod(0o755)
    return "harness scripts: " + ", ".join(names)


def setup_git_commit(names: tuple[str, ...]) -> Callable[[BenchEnv], Context]:
    def setup(env: BenchEnv) -> Context:
        from tools.bench import commitinputs

        context = commitinputs.prepare(env, "staged")
        context["hooks"] = _install_hooks(context, names) if names else "none"
        context["expect_note"] = bool(names)
        return context

    return setup


def git_commit_command(context: Context) -> Command:
    from tools.bench.commitinputs import COMMIT_MESSAGE

    argv = ("git", "commit", "-q", "-m", COMMIT_MESSAGE)
    return Command(argv=argv, cwd=context["repo"], env=context["env"])


def check_git_commit(context: Context, output: str) -> str | None:
    """A new commit; a note on it when hooks ran (and no warning), none without them."""
    import subprocess

    for line in output.splitlines():
        if WARNING.search(line):
            return f"a hook warned: {line.strip()}"
    head = subprocess.run(
        ["git", "-C", context["repo"], "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not head or head == context["base"]:
        return "git commit made no commit"
    note = subprocess.run(
        ["git", "-C", context["repo"], "notes", "--ref=ai", "show", head],
        capture_output=True,
        text=True,
        check=False,
    )
    if context["expect_note"] and note.returncode != 0:
        return f"no note on {head[:12]} after a commit with hooks ({context['hooks']})"
    if not context["expect_note"] and note.returncode == 0:
        return f"a note on {head[:12]} after a commit without hooks"
    return None


def _post_commit_scenario(name: str, summary: str, reference: bool) -> Scenario:
    return Scenario(
        name=name,
        summary=summary,
        setup=_setup_post_commit(reference),
        command=_post_commit,
        check=check_post_commit,
        output_metrics=post_commit_metrics,
        available=_AVAILABLE,
    )


def _git_commit_scenario(name: str, summary: str, hooks: tuple[str, ...]) -> Scenario:
    return Scenario(
        name=name,
        summary=summary,
        setup=setup_git_commit(hooks),
        command=git_commit_command,
        check=check_git_commit,
        available=_AVAILABLE,
    )


SCENARIOS = (
    _post_commit_scenario(
        "ckptlog-post-commit",
        "installed `ckptlog post-commit` right after an AI commit (the hook's work)",
        reference=False,
    ),
    _post_commit_scenario(
        "ckptlog-post-commit-reference",
        "the same post-commit after a `reference_checkpoints` (1k) history",
        reference=True,
    ),
    Scenario(
        name="gitai-post-commit",
        summary="model of git-ai's post-commit: 3 full reads of the log, a blob read per entry",
        setup=_setup_peer,
        run=_peer,
        available=_AVAILABLE,
    ),
    _git_commit_scenario(
        "git-commit-hooked", "`git commit` of the AI edit with ckptlog's git hooks", HOOKS_ALL
    ),
    _git_commit_scenario(
        "git-commit-post-commit-hook",
        "`git commit` of the AI edit with only the post-commit hook",
        ("post-commit",),
    ),
    _git_commit_scenario("git-commit-bare", "`git commit` of the AI edit without hooks", ()),
)
