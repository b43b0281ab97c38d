"""git hooks and notes sync from ``ckptlog install-hooks --git``, in real repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from lsm.install.githooks import GIT_HOOKS
from tests.commit.harness import CKPTLOG, Sandbox

USER_POST_COMMIT = (
    '#!/bin/sh\necho "user post-commit $(git rev-parse --short HEAD)" >> "$HOOK_LOG"\n'
)
USER_PRE_COMMIT = '#!/bin/sh\n[ -e block ] && { echo "blocked by lint" >&2; exit 3; }\nexit 0\n'
USER_REF_TX = '#!/bin/sh\necho "ref-tx $1 $(cat | wc -l)" >> "$HOOK_LOG"\n'


def _hooks_dir(sb: Sandbox) -> Path:
    return sb.root / ".git" / "hooks"


def _snapshot(d: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in d.iterdir() if p.is_file()}


def _sandbox(tmp_path: Path, name: str = "repo") -> Sandbox:
    sb = Sandbox(tmp_path / name, {"app.py": "import sys\n"}, hooks=())
    sb.env["HOOK_LOG"] = str(tmp_path / f"{name}-hooks.log")
    sb.env["CKPTLOG_STATE_DIR"] = str(tmp_path / "state")
    return sb


def _user_hooks(sb: Sandbox) -> None:
    for name, text in (
        ("post-commit", USER_POST_COMMIT),
        ("pre-commit", USER_PRE_COMMIT),
        ("reference-transaction", USER_REF_TX),
    ):
        path = _hooks_dir(sb) / name
        path.write_text(text)
        path.chmod(0o750)


def test_hooks_chain_existing_ones_and_uninstall_restores_them(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path)
    _user_hooks(sb)
    before = _snapshot(_hooks_dir(sb))
    out = sb.ckptlog("install-hooks", "--git").stdout
    assert "kept as post-commit.ckptlog-prev" in out
    assert sb.ckptlog("install-hooks", "--git").stdout.strip() == "git hooks: nothing to change"
    for name in GIT_HOOKS:
        assert os.access(_hooks_dir(sb) / name, os.X_OK), name

    key = sb.claude("app.py", "import sys\nprint(sys.argv)\n")
    sb.add("app.py")
    commit = sb.commit("AI line")
    assert f"  {key} 2" in sb.attestations()  # ckptlog's post-commit ran
    log = Path(sb.env["HOOK_LOG"]).read_text().splitlines()
    assert f"user post-commit {commit[:7]}" in log  # ... and so did the user's
    assert any(line.startswith("ref-tx committed ") and not line.endswith(" 0") for line in log)

    (sb.root / "block").write_text("")
    sb.add("block")
    done = sb.run("git", "commit", "-q", "-m", "blocked", check=False)
    assert done.returncode != 0 and "blocked by lint" in done.stderr  # the user hook rules
    assert sb.head() == commit

    sb.ckptlog("uninstall-hooks", "--git")
    assert _snapshot(_hooks_dir(sb)) == before


def test_core_hooks_path_is_respected(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path)
    husky = sb.root / ".husky" / "_"
    husky.mkdir(parents=True)
    (husky / "post-commit").write_text('#!/bin/sh\necho husky >> "$HOOK_LOG"\n')
    (husky / "post-commit").chmod(0o755)
    sb.git("config", "core.hooksPath", ".husky/_")
    sb.ckptlog("install-hooks", "--git", "--no-notes-sync")
    assert (husky / "post-commit.ckptlog-prev").exists() and (husky / "pre-commit").exists()
    assert not (_hooks_dir(sb) / "post-commit").exists()
    sb.claude("app.py", "import sys\nimport os\n")
    sb.add("app.py")
    sb.commit("x")
    assert sb.note() is not None
    assert Path(sb.env["HOOK_LOG"]).read_text() == "husky\n"
    doctor = sb.ckptlog("doctor").stdout
    assert "live git post-commit" in doctor and "live git pre-commit" in doctor


def test_default_pre_commit_runs_ckptlog_only_to_conclude_a_pick(tmp_path: Path) -> None:
    """git deletes CHERRY_PICK_HEAD before post-commit: the gated pre-commit remembers it."""
    sb = _sandbox(tmp_path)
    sb.ckptlog("install-hooks", "--git", "--no-notes-sync")
    assert "CHERRY_PICK_HEAD" in (_hooks_dir(sb) / "pre-commit").read_text()
    main = sb.git("branch", "--show-current")
    sb.git("checkout", "-q", "-b", "side")
    key = sb.claude("app.py", "import sys\nside\nkept\n")
    sb.add("app.py")
    source = sb.commit("side")
    sb.git("checkout", "-q", main)
    (sb.root / "app.py").write_text("import sys\nmain\n")
    sb.add("app.py")
    sb.commit("main")
    assert sb.run("git", "cherry-pick", source, check=False).returncode != 0
    (sb.root / "app.py").write_text("import sys\nmain\nkept\n")
    sb.add("app.py")
    sb.env["GIT_EDITOR"] = "true"
    sb.git("cherry-pick", "--continue")
    # The source's surviving line keeps its session, through the pre-commit record.
    assert f"  {key} 3" in sb.attestations()
    ungated = sb.ckptlog("install-hooks", "--git", "--no-notes-sync", "--pre-commit").stdout
    assert "pre-commit" in ungated
    assert "CHERRY_PICK_HEAD" not in (_hooks_dir(sb) / "pre-commit").read_text()


def test_a_rebase_starts_ckptlog_once_not_once_per_commit(tmp_path: Path) -> None:
    """The sequencer's post-commit is filtered in the shell; post-rewrite moves every note."""
    sb = _sandbox(tmp_path)
    sb.ckptlog("install-hooks", "--git", "--no-notes-sync")
    main = sb.git("branch", "--show-current")
    sb.git("checkout", "-q", "-b", "topic")
    keys = []
    for n in range(3):
        keys.append(sb.claude(f"f{n}.py", f"print({n})\n"))
        sb.add(f"f{n}.py")
        sb.commit(f"ai {n}")
    sb.git("checkout", "-q", main)
    (sb.root / "base.txt").write_text("base\n")
    sb.add("base.txt")
    sb.commit("base")
    sb.git("checkout", "-q", "topic")
    events = sb.root / ".git" / "ai" / "lsm" / "events.jsonl"
    before = events.read_text().count('"post_commit"')
    sb.git("rebase", "-q", main)
    assert events.read_text().count('"post_commit"') == before  # no Python per pick
    for n, rev in enumerate(["HEAD~2", "HEAD~1", "HEAD"]):
        assert f"  {keys[n]} 1" in sb.attestations(rev)  # post-rewrite shifted each note


def test_global_hooks_chain_the_repositorys_own(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Ada Lovelace\n")
    original = gitconfig.read_bytes()
    sb.env.update({"HOME": str(home), "GIT_CONFIG_GLOBAL": str(gitconfig)})
    (_hooks_dir(sb) / "post-commit").write_text(USER_POST_COMMIT)
    (_hooks_dir(sb) / "post-commit").chmod(0o755)
    sb.ckptlog("install-hooks", "--git", "--global")
    hooks_path = sb.git("config", "--global", "core.hooksPath")
    assert Path(hooks_path) == tmp_path / "state" / "git-hooks"
    sb.claude("app.py", "import sys\nimport re\n")
    sb.add("app.py")
    commit = sb.commit("global")
    assert sb.note() is not None
    assert f"user post-commit {commit[:7]}" in Path(sb.env["HOOK_LOG"]).read_text()
    sb.ckptlog("uninstall-hooks", "--git", "--global")
    assert gitconfig.read_bytes() == original
    assert not (tmp_path / "state" / "git-hooks").exists()


def test_a_missing_ckptlog_never_fails_the_commit(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path)
    sb.ckptlog("install-hooks", "--git")
    for name in GIT_HOOKS:
        path = _hooks_dir(sb) / name
        path.write_text(path.read_text().replace(CKPTLOG, str(tmp_path / "gone" / "ckptlog")))
    sb.write("app.py", "import sys\nimport io\n")
    sb.add("app.py")
    done = sb.run("git", "commit", "-q", "-m", "still works")
    assert "ckptlog: " in done.stderr and "is missing" in done.stderr


def _bare(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare


def test_notes_travel_with_push_and_fetch(tmp_path: Path) -> None:
    bare = _bare(tmp_path)
    a = _sandbox(tmp_path, "a")
    a.git("remote", "add", "origin", str(bare))
    out = a.ckptlog("install-hooks", "--git").stdout
    assert "remote.origin.fetch" in out
    key = a.claude("app.py", "import sys\nprint('a')\n")
    a.add("app.py")
    a.commit("from a")
    a.git("push", "-q", "origin", "main")  # pre-push pushes the notes too
    remote_notes = subprocess.run(
        ["git", "-C", str(bare), "rev-parse", "refs/notes/ai"], capture_output=True, text=True
    )
    assert remote_notes.returncode == 0

    b = Sandbox(tmp_path / "b", None, hooks=())
    b.env["CKPTLOG_STATE_DIR"] = str(tmp_path / "state")
    b.git("remote", "add", "origin", str(bare))
    b.ckptlog("install-hooks", "--git")
    b.git("fetch", "-q", "origin")  # the refspec brings refs/notes/ai-remote/origin
    b.git("reset", "-q", "--hard", "origin/main")
    assert b.git("rev-parse", "refs/notes/ai-remote/origin") == a.git("rev-parse", "refs/notes/ai")
    shown = b.ckptlog("show", "--verbose").stdout  # a read merges the fetched notes first
    assert f"[{key}]" in shown
    assert b.note() == a.note()

    # Both sides annotate one commit differently: fetch merges, the local note wins.
    b.git("notes", "--ref=ai", "add", "-f", "-m", "local\n---\n{}", "HEAD")
    b.ckptlog("notes", "fetch")
    assert b.note() == "local\n---\n{}\n"
    assert b.ckptlog("notes", "push").stdout.startswith("pushed refs/notes/ai to origin")
    # a changed the same note meanwhile: a diverged edit, and a's side wins on a.
    a.git("notes", "--ref=ai", "add", "-f", "-m", "a-side\n---\n{}", "HEAD")
    a.ckptlog("notes", "fetch")
    assert a.note() == "a-side\n---\n{}\n"
    assert (
        a.git("merge-base", "--is-ancestor", "refs/notes/ai-remote/origin", "refs/notes/ai") == ""
    )


def _fake_ckptlog(tmp_path: Path) -> tuple[Path, Path]:
    """An executable that records each call (its arguments, then its stdin) in a log."""
    log = tmp_path / "calls.log"
    fake = tmp_path / "fake-ckptlog"
    fake.write_text(f'#!/bin/sh\n{{ echo "call $*"; cat; }} >> {log}\n')
    fake.chmod(0o755)
    return fake, log


def _script(tmp_path: Path, name: str, fake: Path) -> Path:
    from lsm.install.githooks import hook_script

    path = tmp_path / name
    path.write_text(hook_script(name, str(fake), '"$0.prev"'))
    path.chmod(0o755)
    return path


def test_the_reference_transaction_filter_passes_on_exactly_what_ckptlog_acts_on(
    tmp_path: Path,
) -> None:
    """Run by sh with this test as its parent (no git command line to read): HEAD, branch and
    stash updates reach ckptlog with every ref line intact (none lost, the last one even without
    its newline); notes and tag updates, and the ``prepared`` state, start nothing."""
    fake, log = _fake_ckptlog(tmp_path)
    hook = _script(tmp_path, "reference-transaction", fake)
    a, b = "1" * 40, "2" * 40
    cases = {
        f"{a} {b} refs/notes/ai\n": False,
        f"{a} {b} refs/tags/v1\n{a} {b} refs/notes/ai\n": False,
        f"{a} {b} HEAD\n": True,
        f"{a} {b} refs/notes/ai\n{a} {b} refs/heads/main\n": True,
        f"{a} {b} refs/stash": True,
    }
    for refs, wanted in cases.items():
        log.unlink(missing_ok=True)
        for state in ("prepared", "committed"):
            subprocess.run([str(hook), state], input=refs, text=True, check=True, cwd=tmp_path)
        calls = log.read_text() if log.exists() else ""
        full = refs if refs.endswith("\n") else refs + "\n"
        assert calls == (f"call git-hook reference-transaction committed\n{full}" if wanted else "")


def test_the_pick_filter_finds_git_state_in_every_kind_of_git_dir(tmp_path: Path) -> None:
    """``.git`` at the top, ``$GIT_DIR`` of a linked worktree, and a ``.git`` file (a separate
    git dir, as a submodule's): ckptlog pre-commit runs only while CHERRY_PICK_HEAD,
    REVERT_HEAD or MERGE_MSG is there."""
    fake, log = _fake_ckptlog(tmp_path)
    hook = _script(tmp_path, "pre-commit", fake)
    plain = tmp_path / "plain"
    subprocess.run(["git", "init", "-q", str(plain)], check=True)
    subprocess.run(
        ["git", "-C", str(plain), "commit", "-q", "--allow-empty", "-m", "x"], check=True
    )
    linked = tmp_path / "linked"
    subprocess.run(["git", "-C", str(plain), "worktree", "add", "-q", str(linked)], check=True)
    separate = tmp_path / "separate"
    subprocess.run(
        ["git", "init", "-q", "--separate-git-dir", str(tmp_path / "sep.git"), str(separate)],
        check=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    where = {
        plain: (plain / ".git", env),
        linked: (
            plain / ".git" / "worktrees" / "linked",
            {**env, "GIT_DIR": str(plain / ".git" / "worktrees" / "linked")},
        ),
        separate: (tmp_path / "sep.git", env),
    }
    for top, (gitdir, hook_env) in where.items():
        for state in (None, "CHERRY_PICK_HEAD", "REVERT_HEAD", "MERGE_MSG"):
            log.unlink(missing_ok=True)
            if state is not None:
                (gitdir / state).write_text("x\n")
            subprocess.run([str(hook)], cwd=top, env=hook_env, check=True)
            ran = log.exists() and log.read_text().startswith("call pre-commit")
            assert ran == (state is not None), (top.name, state)
            if state is not None:
                (gitdir / state).unlink()
