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
    assert HookArgs.__match_args__ == HookArgs._fields
    with pytest.raises(TypeError):
        hash(a)


def test_struct_fields_are_declared_once() -> None:
    from lsm.checkpoint.runner import CheckpointResult

    a, b = CheckpointResult(), CheckpointResult(seq=3)
    assert CheckpointResult.__slots__ == CheckpointResult._fields
    assert len(CheckpointResult._fields) == 13
    assert (a.seq, b.seq, a.log) == (None, 3, "")
    a.files.append("x")
    assert b.files == []  # a fresh list per instance
    assert CheckpointResult(1, "log").log == "log"  # positional, in declaration order
    with pytest.raises(TypeError, match="has no field bogus"):
        CheckpointResult(bogus=1)  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        a.bogus = 1  # type: ignore[attr-defined]  # slots: no stray attributes
