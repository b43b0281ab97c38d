"""--log values: exact names, unique abbreviations, revisions; ambiguity and absence are errors."""

from __future__ import annotations

import pytest

from lsm.errors import InputError, NotFoundError
from lsm.logname import resolve_log

A = "a1b2c3d4" + "0" * 32
B = "a1b2ffff" + "1" * 32
C = "c0ffee00" + "2" * 32
LOGS = [A, B, f"old-{C}", "initial", f"worktrees/w1/{C}", f"worktrees/w2/{C}"]


def test_exact_names_and_unique_abbreviations() -> None:
    assert resolve_log(A, LOGS) == A
    assert resolve_log("initial", LOGS) == "initial"
    assert resolve_log("a1b2c3", LOGS) == A
    assert resolve_log("old-c0ff", LOGS) == f"old-{C}"
    assert resolve_log("init", LOGS) == "initial"


def test_an_abbreviation_prefers_the_current_worktree() -> None:
    with pytest.raises(InputError, match="matches 2 working logs"):
        resolve_log("c0ffee", [f"worktrees/w1/{C}", f"worktrees/w2/{C}"])
    assert resolve_log("c0ffee", [f"worktrees/w1/{C}", C]) == C  # the main worktree's
    assert resolve_log("c0ffee", LOGS, prefix="worktrees/w2/") == f"worktrees/w2/{C}"


def test_ambiguous_and_too_short_abbreviations() -> None:
    with pytest.raises(InputError, match=r"--log a1b2 matches 2 working logs") as info:
        resolve_log("a1b2", LOGS)
    assert "more characters" in info.value.hint
    with pytest.raises(NotFoundError):
        resolve_log("a1b", LOGS)  # under 4 characters: not taken as an abbreviation


def test_revisions_through_git_and_unknown_values() -> None:
    commits = {"HEAD~1": B, "main": "f" * 40}
    assert resolve_log("HEAD~1", LOGS, commit_of=commits.get) == B
    with pytest.raises(NotFoundError, match="commit ffffffffffff has no working log"):
        resolve_log("main", LOGS, commit_of=commits.get)
    with pytest.raises(NotFoundError, match="--log zzz: no working log") as info:
        resolve_log("zzz", LOGS, commit_of=commits.get)
    assert "ckptlog inspect logs" in info.value.hint
    with pytest.raises(NotFoundError, match="--base deadbeef"):
        resolve_log("deadbeef", LOGS, flag="--base")
