"""Per-file line stats, as git-ai's ``compute_file_line_stats`` (semantics 2.7).

Both sides are normalised CRLF -> LF (a bare ``\\r`` stays, so line counts
keep matching the originals), diffed with Myers plus ``postprocess_lines``
(git's slider heuristics with the indent score), and every inserted or
deleted line counts once; ``*_sloc`` counts those that are not blank after
Rust's ``trim``. Pure; cannot fail.
"""

from __future__ import annotations

from lsm.checkpoint.myers import diff, hunks, indent_level, intern, postprocess
from lsm.checkpoint.textutil import has_non_whitespace, line_spans
from lsm.model import LineStats

__all__ = ["file_line_stats"]


def _lines(data: bytes) -> list[bytes]:
    return [data[s:e] for s, e in line_spans(data)]


def _normalized(data: bytes, lines: list[bytes]) -> list[bytes]:
    """The lines of ``data`` with CRLF read as LF (``lines`` itself when there is none)."""
    return _lines(data.replace(b"\r\n", b"\n")) if b"\r\n" in data else lines


def file_line_stats(old: bytes, new: bytes) -> LineStats:
    """Lines added and deleted between two versions of a file."""
    old_lines = _lines(old)
    new_lines = _lines(new)
    t1, t2, values = intern(_normalized(old, old_lines), _normalized(new, new_lines))
    removed, added = diff(t1, t2)
    levels: dict[int, int] = {}

    def indent_of(tok: int) -> int:
        level = levels.get(tok)
        if level is None:
            value = values[tok]
            assert isinstance(value, bytes)
            level = levels[tok] = indent_level(value)
        return level

    postprocess(removed, added, t1, t2, indent_of)
    adds = dels = adds_sloc = dels_sloc = 0
    for b0, b1, a0, a1 in hunks(removed, added):
        for line in old_lines[b0:b1]:
            dels += 1
            dels_sloc += has_non_whitespace(line)
        for line in new_lines[a0:a1]:
            adds += 1
            adds_sloc += has_non_whitespace(line)
    return LineStats(adds, dels, adds_sloc, dels_sloc)
