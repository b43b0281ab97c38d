"""SIGKILL during each rewrite hook: the store is left in the old state or the new one.

Each scenario prepares a repository, copies it (the control), and runs the
same git command in both with fixed commit dates (so both make the same
commits): normally in the control, and in the original with
``CKPTLOG_KILL_AT`` set, so that the hook process doing the rewrite's store
transition dies at that point (``os._exit(137)``, as a SIGKILL). git carries
on: a dead post-* hook does not undo its command. Afterwards the original's
working logs must equal, log by log, either their state before the command
or the control's state after it, never a mix (a log reset without its
INITIAL, stash state in both the stash and the work tree, or in neither);
``ckptlog verify`` must pass, and a checkpoint must still work.

Each hook's transition is one store commit (a writer batch), written after
the notes; kill points cover the transition's start and every durable step
of the commit. The default suite runs one point per scenario; ``-m slow``
runs them all.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lsm.commit.worklog import StoreLog
from lsm.ids import HUMAN
from tests.commit.harness import ALL_HOOKS, Sandbox
from tests.commit.rewrite_kit import BASE, ai, commit_ai, commit_human

DATES = {
    "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z",
    "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
}
POINTS = [
    "rewrite.in_transition",
    "append.before_write",
    "append.torn_write",
    "append.after_write",
    "append.after_sync",
    "append.in_index_txn",
    "append.after_commit",
]
#: The point the default suite uses: inside the index transaction, mid-commit.
QUICK = "append.in_index_txn"

LogState = dict[str, tuple[bool, dict[str, list[tuple[int, int, str]]], bool]]


def state(sb: Sandbox) -> LogState:
    """Every log: (archived, its folded AI spans per path, has INITIAL)."""
    out: LogState = {}
    with sb.store() as store:
        for info in store.logs():
            folded = StoreLog(store, info.name).state(None)
            spans = {
                p: sorted(
                    (la.start_line, la.end_line, la.author_id)
                    for la in vf.line_attrs
                    if la.author_id != HUMAN
                )
                for p, vf in folded.files.items()
            }
            spans = {p: s for p, s in spans.items() if s}
            if spans or info.has_initial or info.checkpoints:
                out[info.name] = (info.archived_ms is not None, spans, info.has_initial)
    return out


def clone(sb: Sandbox, dest: Path) -> Sandbox:
    shutil.copytree(sb.root, dest, symlinks=True)
    twin = object.__new__(Sandbox)
    twin.root = dest
    twin.env = dict(sb.env)
    twin.outputs = []
    twin.transcripts = sb.transcripts
    return twin


def _amend(sb: Sandbox) -> list[str]:
    commit_ai(sb, "f.txt", BASE + "AI1\n")
    ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    ai(sb, "g.txt", "wip\n")
    sb.add("f.txt")
    return ["git", "commit", "-q", "--amend", "-m", "amended"]


def _rebase(sb: Sandbox) -> list[str]:
    sb.git("checkout", "-q", "-b", "feat")
    commit_ai(sb, "g.txt", "g1\n")
    commit_ai(sb, "f.txt", BASE + "AI\n")
    ai(sb, "w.txt", "wip\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "f.txt", "top\n" + BASE)
    sb.git("checkout", "-q", "feat")
    return ["git", "rebase", "-q", "main"]


def _reset_soft(sb: Sandbox) -> list[str]:
    commit_ai(sb, "f.txt", BASE + "AI1\n")
    ai(sb, "g.txt", "wip\n")
    return ["git", "reset", "-q", "--soft", "HEAD~1"]


def _stash_push(sb: Sandbox) -> list[str]:
    ai(sb, "f.txt", BASE + "AI1\n")
    sb.write("g.txt", "g\n")
    sb.add("g.txt")
    sb.commit("g")
    ai(sb, "g.txt", "g\nAI\n")
    return ["git", "stash", "push", "-q", "--", "f.txt"]


def _stash_pop(sb: Sandbox) -> list[str]:
    ai(sb, "f.txt", BASE + "AI1\n")
    sb.git("stash", "-q")
    ai(sb, "g.txt", "other\n")
    return ["git", "stash", "pop", "-q"]


def _checkout_paths(sb: Sandbox) -> list[str]:
    ai(sb, "f.txt", BASE + "wip\n")
    ai(sb, "h.txt", "new\n")
    return ["git", "checkout", "--", "f.txt"]


def _switch(sb: Sandbox) -> list[str]:
    sb.git("branch", "other")
    commit_human(sb, "f.txt", BASE + "h\n")
    sb.git("checkout", "-q", "other")
    ai(sb, "x.txt", "x\n")  # the target base has a log of its own: a merge
    sb.git("checkout", "-q", "main")
    ai(sb, "y.txt", "y\n")
    return ["git", "checkout", "-q", "other"]


SCENARIOS: dict[str, Callable[[Sandbox], list[str]]] = {
    "amend": _amend,
    "rebase": _rebase,
    "reset-soft": _reset_soft,
    "stash-push": _stash_push,
    "stash-pop": _stash_pop,
    "checkout-paths": _checkout_paths,
    "switch-merge": _switch,
}


def _run_killed(tmp_path: Path, scenario: str, point: str) -> None:
    sb = Sandbox(tmp_path / "repo", {"f.txt": BASE}, hooks=ALL_HOOKS)
    command = SCENARIOS[scenario](sb)
    before = state(sb)
    control = clone(sb, tmp_path / "control")
    control.env.update(DATES)
    control.run(*command)
    after = state(control)
    assert after != before, "the command changed nothing: not a test of its transition"

    sb.env.update(DATES)
    sb.env["CKPTLOG_KILL_AT"] = point
    # A dead post-* hook does not undo git's command; checkout and switch pass
    # its status on (the harness's one-line hook scripts ``exec`` ckptlog;
    # install-hooks' scripts exit with the previous hook's status instead).
    sb.run(*command, check=False)
    del sb.env["CKPTLOG_KILL_AT"]
    got = state(sb)
    for name in sorted(set(before) | set(after) | set(got)):
        assert got.get(name) in (before.get(name), after.get(name)), (name, point)
    assert got in (before, after), "some logs moved and others did not"
    sb.ckptlog("verify")
    ai(sb, "z.txt", "after the crash\n")  # the store still takes checkpoints


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_kill_inside_the_transition(tmp_path: Path, scenario: str) -> None:
    _run_killed(tmp_path, scenario, QUICK)


@pytest.mark.slow
@pytest.mark.parametrize("point", [p for p in POINTS if p != QUICK])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_kill_at_every_point(tmp_path: Path, scenario: str, point: str) -> None:
    _run_killed(tmp_path, scenario, point)
