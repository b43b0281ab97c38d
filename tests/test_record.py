"""lsm.record: the dataclass replacement on the hook path (eq, repr, replace, frozen)."""

from __future__ import annotations

import pytest

from cli.hook import HookArgs
from lsm.model import Checkpoint, CheckpointKind, FileEntry
from lsm.transcripts.limits import TranscriptLimits


def test_replace_copies_with_changes_through_init() -> None:
    cp = Checkpoint(CheckpointKind.HUMAN, "d", "Ada", [FileEntry("a.py")], 5)
    other = cp.replace(entries=[], timestamp=6)
    assert type(other) is Checkpoint
    assert (other.entries, other.timestamp, other.author) == ([], 6, "Ada")
    assert (cp.entries, cp.timestamp) == ([FileEntry("a.py")], 5)  # the original is unchanged
    assert cp.replace() == cp and cp.replace() is not cp
    with pytest.raises(TypeError, match="has no field nope"):
        cp.replace(nope=1)


def test_frozen_records_replace_too() -> None:
    limits = TranscriptLimits()
    changed = limits.replace(max_line_bytes=10)
    assert changed.max_line_bytes == 10 and limits.max_line_bytes != 10
    with pytest.raises(AttributeError):
        changed.max_line_bytes = 11  # type: ignore[misc]


def test_records_compare_and_print_by_field() -> None:
    a = HookArgs(preset="claude", paths=["x"])
    assert a == HookArgs(preset="claude", paths=["x"]) and a != HookArgs(preset="human")
    assert repr(a).startswith("HookArgs(preset='claude', hook_input=None, paths=['x'],")
    assert HookArgs.__match_args__ == HookArgs._fields  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        hash(a)
