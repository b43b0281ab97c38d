"""Line helpers of git-ai's commit path, with its exact notion of a line.

Two splittings occur and must not be confused:

* :func:`split_keep`: lines *with* their ``\\n`` (``split_lines_preserving_terminators``),
  the units of every in-memory Myers diff here; a last line without ``\\n``
  counts;
* :func:`rust_lines`: Rust's ``str::lines()``: split on ``\\n``, one trailing
  ``\\r`` dropped, no empty last line (gap filling compares these texts).

Python's ``str.splitlines`` splits on a dozen other characters and is never
used. Pure functions; nothing here can fail.
"""

from __future__ import annotations

__all__ = [
    "eq_ignoring_eol",
    "is_line_subsequence",
    "normalize_eol",
    "rust_lines",
    "split_keep",
]


def split_keep(text: str) -> list[str]:
    """``text`` cut after every ``\\n``; a non-empty tail is the last line."""
    if not text:
        return []
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def normalize_eol(text: str) -> str:
    """CRLF -> LF (git-ai ``normalize_line_endings``; a lone CR stays)."""
    return text.replace("\r\n", "\n") if "\r\n" in text else text


def eq_ignoring_eol(a: str, b: str) -> bool:
    """Equal once CRLF and LF are treated alike (``content_eq_ignoring_line_endings``)."""
    return a == b or normalize_eol(a) == normalize_eol(b)


def is_line_subsequence(needle: str, haystack: str) -> bool:
    """The lines of ``needle`` appear in order in ``haystack`` (CRLF-normalised, with ``\\n``).

    An empty ``needle`` is a subsequence of anything (git-ai ``line_sequence_contains``).
    """
    want = split_keep(normalize_eol(needle))
    if not want:
        return True
    i = 0
    for line in split_keep(normalize_eol(haystack)):
        if line == want[i]:
            i += 1
            if i == len(want):
                return True
    return False


def rust_lines(text: str) -> list[str]:
    """Rust's ``str::lines()``: no terminators, a trailing ``\\r`` dropped per line."""
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]
