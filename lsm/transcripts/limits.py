"""The caps a transcript parse honours, and how a parse reports hitting one.

Every cap degrades the result instead of failing it: the parse skips what is
over the cap, carries on, and says so in :class:`CapHit` records so that the
caller can print a warning and log a ``cap_hit`` event.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from lsm.errors import ConfigError
from lsm.record import FrozenRecord

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "DEFAULT_MAX_PLAN_STATE_BYTES",
    "DEFAULT_MAX_TRANSCRIPT_BYTES",
    "CapHit",
    "CapKind",
    "TranscriptLimits",
]

#: Default :attr:`TranscriptLimits.max_transcript_bytes`: 32 MiB, the value the
#: remediation plan proposed (never adopted by git-ai, semantics doc 4.5).
DEFAULT_MAX_TRANSCRIPT_BYTES = 32 * 1024 * 1024
#: Default :attr:`TranscriptLimits.max_line_bytes`: 1 MiB, the record cap of
#: git-ai's open work (PR #1780, semantics doc 4.1).
DEFAULT_MAX_LINE_BYTES = 1024 * 1024
#: Default :attr:`TranscriptLimits.max_plan_state_bytes`.
DEFAULT_MAX_PLAN_STATE_BYTES = 1024 * 1024

CapKind: TypeAlias = Literal["transcript_bytes", "line_bytes", "plan_state_bytes"]


class TranscriptLimits(FrozenRecord):
    """Caps for one parse call.

    :param max_transcript_bytes: the most bytes one call parses. When more is
        new, the call keeps the newest part: it skips forward to the first line
        boundary at or after ``end - max_transcript_bytes`` and reports the
        skipped bytes as a ``transcript_bytes`` cap hit. ``None`` lifts the cap.
    :param max_line_bytes: the longest line (without its newline) that is
        parsed. A longer line is skipped, read in chunks and never held whole,
        and reported as a ``line_bytes`` cap hit. ``None`` lifts the cap.
    :param max_plan_state_bytes: the most plan text kept between calls to
        rebuild plans that are edited (Claude and Droid); past it the oldest
        plans are forgotten and reported as a ``plan_state_bytes`` cap hit.
    """

    __slots__ = ("max_line_bytes", "max_plan_state_bytes", "max_transcript_bytes")
    _fields = ("max_transcript_bytes", "max_line_bytes", "max_plan_state_bytes")

    max_transcript_bytes: int | None
    max_line_bytes: int | None
    max_plan_state_bytes: int

    def __init__(
        self,
        max_transcript_bytes: int | None = DEFAULT_MAX_TRANSCRIPT_BYTES,
        max_line_bytes: int | None = DEFAULT_MAX_LINE_BYTES,
        max_plan_state_bytes: int = DEFAULT_MAX_PLAN_STATE_BYTES,
    ) -> None:
        for name, value in (
            ("max_transcript_bytes", max_transcript_bytes),
            ("max_line_bytes", max_line_bytes),
        ):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ConfigError(f"{name} must be a positive integer or None, not {value!r}")
        if not isinstance(max_plan_state_bytes, int) or max_plan_state_bytes < 0:
            raise ConfigError(
                f"max_plan_state_bytes must be a non-negative integer, not {max_plan_state_bytes!r}"
            )
        set_field = object.__setattr__
        set_field(self, "max_transcript_bytes", max_transcript_bytes)
        set_field(self, "max_line_bytes", max_line_bytes)
        set_field(self, "max_plan_state_bytes", max_plan_state_bytes)


class CapHit(FrozenRecord):
    """One cap that a parse call ran into.

    :param kind: which cap (``transcript_bytes``, ``line_bytes`` or ``plan_state_bytes``).
    :param bytes: how many bytes were skipped (or, for plans, forgotten) because of it.
    :param count: how many times: 1 for the transcript gap, the number of
        oversized lines, or the number of plans forgotten.
    :param limit: the cap's value.
    """

    __slots__ = ("bytes", "count", "kind", "limit")
    _fields = ("kind", "bytes", "count", "limit")

    kind: CapKind
    bytes: int
    count: int
    limit: int

    def __init__(self, kind: CapKind, bytes: int, count: int, limit: int) -> None:
        set_field = object.__setattr__
        set_field(self, "kind", kind)
        set_field(self, "bytes", bytes)
        set_field(self, "count", count)
        set_field(self, "limit", limit)
