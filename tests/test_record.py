"""lsm.record: the dataclass and NamedTuple replacements of the hook path (eq, repr, replace...)."""

from __future__ import annotations

import pickle
import typing

import pytest

from cli.hook import HookArgs
from lsm.model import Checkpoint, CheckpointKind, FileEntry, LineStats
from lsm.record import NamedTuple
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


class _Point(NamedTuple):
    """A point."""

    x: int
    y: str | None = None

    def doubled(self) -> int:
        return self.x * 2


class _TypingPoint(typing.NamedTuple):
    """A point."""

    x: int
    y: str | None = None

    def doubled(self) -> int:
        return self.x * 2


def test_named_tuple_makes_the_class_typing_named_tuple_makes() -> None:
    ours, theirs = _Point(1), _TypingPoint(1)
    assert tuple(ours) == tuple(theirs) == (1, None) and isinstance(ours, tuple)
    assert type(ours).__mro__[1:] == type(theirs).__mro__[1:] == (tuple, object)
    assert repr(ours) == "_Point(x=1, y=None)" and repr(theirs) == "_TypingPoint(x=1, y=None)"
    for name in ("_fields", "_field_defaults", "__doc__", "__module__"):
        assert getattr(_Point, name) == getattr(_TypingPoint, name), name
    assert _Point.__qualname__ == "_Point"
    assert ours.doubled() == 2 and ours._replace(y="a") == _Point(1, "a")
    assert _Point._make([2, "b"]).y == "b" and ours._asdict() == {"x": 1, "y": None}
    assert pickle.loads(pickle.dumps(ours)) == ours
    # The annotations stay the strings written (typing's are ForwardRef objects).
    assert _Point.__annotations__ == {"x": "int", "y": "str | None"}
    # A body's own dunder methods are kept (LineStats adds with +).
    assert LineStats(1, 2) + LineStats(3) == LineStats(4, 2)


def test_named_tuple_refuses_what_typing_named_tuple_refuses() -> None:
    with pytest.raises(TypeError, match="field b without a default follows"):

        class _Bad(NamedTuple):
            a: int = 1
            b: int  # type: ignore[misc]

    with pytest.raises(AttributeError, match="cannot overwrite NamedTuple attribute _make"):

        class _Worse(NamedTuple):
            a: int

            def _make(self) -> None:  # type: ignore[misc]
                pass
