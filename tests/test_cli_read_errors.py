"""The read-command error table: each command x each failure -> exit code, one message, a hint.

Read commands never create a store and never write one. When they cannot do
their job they print one ``Error: <what>`` line and one ``hint:`` line that
fits the command (never a traceback, never "internal error"), and exit 1 (2
for a bad option value). A read-only store, or a read-only ``.git``, is read
as usual. Permission cases run the command as another user (``nobody``,
through ``setpriv``) when the tests run as root, since root reads anything.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitutil import GIT_ENV, init_repo

ROOT_USER = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
#: Read commands, each with its arguments.
COMMANDS = {
    "inspect stats": ["inspect", "stats"],
    "inspect files": ["inspect", "files"],
    "inspect history": ["inspect", "history", "a.py"],
    "inspect events": ["inspect", "events"],
    "dump": ["dump"],
    "verify": ["verify", "--no-lmdb-check"],
}
LOG_COMMANDS = ("inspect files", "inspect history", "dump")

# situation -> (exit status, what the message says, what the hint says); None: the command works.
EXPECTED: dict[str, tuple[int, str, str] | None] = {
    "no store": (1, "no store at", "nothing has been checkpointed here yet"),
    "not a repository": (1, "is not inside a git work tree", "pass -C PATH (or --store DIR)"),
    "unknown --log": (1, "--log zzzz: no working log", "ckptlog inspect logs"),
    "read-only store": None,
    "read-only .git": None,
    "foreign owner": (1, "Permission denied", "permissions"),
    "corrupt data.mdb": (1, "", "verify --fix"),
}


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKPTLOG_")}
    env.update(GIT_ENV)
    # Another user's repository: git refuses it unless told it is safe.
    env.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "safe.directory",
            "GIT_CONFIG_VALUE_0": "*",
            "CKPTLOG_COMPACTION_AUTO": "0",
        }
    )
    return env


def _open_tree(path: Path) -> None:
    # tmp_path is private to root: let the other user reach what the test made.
    for parent in [path, *path.parents]:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        parent.chmod(mode | stat.S_IXOTH | stat.S_IROTH)


def _chown(path: Path, uid: int) -> None:
    for p in [path, *path.rglob("*")]:
        os.lchown(p, uid, uid)


def _run(
    cwd: Path, args: list[str], env: dict[str, str], *, as_other: bool
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "cli", *args]
    if as_other:
        argv = [SETPRIV, "--reuid", "65534", "--regid", "65534", "--clear-groups", *argv]  # type: ignore[list-item]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    home = tmp_path / "home"
    home.mkdir()
    repo = init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "cli", "checkpoint", "--strict", "mock_ai", "a.py"],
        cwd=repo, env=_env(home), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    fresh = init_repo(tmp_path / "fresh", {"a.py": "x = 1\n"})
    plain = tmp_path / "plain"
    plain.mkdir()
    return {"home": home, "repo": repo, "fresh": fresh, "plain": plain}


def _situation(name: str, w: dict[str, Path]) -> tuple[Path, list[str], bool]:
    """Set the situation up; (cwd, extra args, run as the other user)."""
    repo, store = w["repo"], w["repo"] / ".git" / "ai" / "lsm"
    if name == "no store":
        return w["fresh"], [], False
    if name == "not a repository":
        return w["plain"], [], False
    if name == "unknown --log":
        return repo, ["--log", "zzzz"], False
    if name == "corrupt data.mdb":
        data = store / "index" / "data.mdb"
        raw = bytearray(data.read_bytes())
        raw[4096:8192] = b"\xde\xad\xbe\xef" * 1024  # the first meta-adjacent page
        data.write_bytes(bytes(raw))
        return repo, [], False
    if not (ROOT_USER and SETPRIV):
        if name == "foreign owner":
            pytest.skip("needs root to make a store another user's")
        target = store if name == "read-only store" else repo / ".git"
        for p in [target, *target.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        return repo, [], False
    _open_tree(w["home"])
    _chown(w["home"], 65534)
    if name == "foreign owner":
        _open_tree(repo)  # the repository is readable; its ai/ dir stays root's, 0700
        return repo, [], True
    _open_tree(repo)
    _chown(repo, 65534)
    target = store if name == "read-only store" else repo / ".git"
    for p in [target, *target.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode & ~0o222)
    return repo, [], True


def _check(command: str, situation: str, done: subprocess.CompletedProcess[str]) -> str | None:
    """What is wrong with one command's outcome in one situation (None: as the table says)."""
    if "Traceback" in done.stderr or "internal error" in done.stderr:
        return f"{command}: a traceback or an internal error: {done.stderr[-300:]}"
    expected = EXPECTED[situation]
    if expected is None:
        return None if done.returncode == 0 else f"{command}: exit {done.returncode}: {done.stderr}"
    code, what, hint = expected
    lines = done.stderr.strip().splitlines()
    if (
        done.returncode != code
        or len(lines) != 2
        or not lines[0].startswith("Error: ")
        or what not in lines[0]
        or not lines[1].startswith("  hint: ")
        or hint not in lines[1]
    ):
        return f"{command}: exit {done.returncode}, stderr {done.stderr!r}"
    return None


@pytest.mark.parametrize("situation", list(EXPECTED))
def test_read_command_error_table(world: dict[str, Path], situation: str) -> None:
    cwd, extra, as_other = _situation(situation, world)
    store = cwd / ".git" / "ai" / "lsm"
    existed = store.exists()
    problems = []
    for command, args in COMMANDS.items():
        if situation == "unknown --log" and command not in LOG_COMMANDS:
            continue
        done = _run(cwd, [*args, *extra], _env(world["home"]), as_other=as_other)
        problem = _check(command, situation, done)
        if problem:
            problems.append(problem)
        assert store.exists() == existed, f"{command} created a store"
    assert not problems, "\n".join(problems)


def test_a_bad_option_value_names_the_option(world: dict[str, Path]) -> None:
    done = _run(
        world["repo"], ["compact", "--policy", "weird"], _env(world["home"]), as_other=False
    )
    assert done.returncode == 2
    assert "Invalid value for --policy" in done.stderr and "ckptlog.toml" not in done.stderr
    done = _run(
        world["repo"], ["inspect", "events", "--since", "soon"], _env(world["home"]), as_other=False
    )
    assert done.returncode == 2 and "--since" in done.stderr
