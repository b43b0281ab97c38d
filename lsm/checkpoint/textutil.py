"""Text helpers with Rust's semantics, over UTF-8 bytes.

git-ai's offsets are UTF-8 byte offsets and its character classes are
Rust's. The attribution code therefore works on ``bytes`` and uses these
helpers wherever git-ai asks a ``char`` question: whitespace (Unicode
White_Space, not Python's ``isspace``), alphabetic/alphanumeric (Unicode
Alphabetic), ``str::trim`` and char boundaries. Nothing here can fail: bytes
that are not valid UTF-8 are decoded with replacement, which only happens
for slices cut inside a character.
"""

from __future__ import annotations

from bisect import bisect_right

from lsm.checkpoint.unicode_tables import ALPHABETIC, ALPHANUMERIC, WHITESPACE

__all__ = [
    "RUST_WS",
    "bytes_is_whitespace",
    "ceil_char_boundary",
    "floor_char_boundary",
    "has_non_whitespace",
    "is_alphabetic",
    "is_alphanumeric",
    "is_char_boundary",
    "is_whitespace",
    "line_spans",
    "rust_trim",
]

#: Every code point Rust's ``char::is_whitespace`` accepts, as one string.
RUST_WS = "".join(
    chr(cp) for i in range(0, len(WHITESPACE), 2) for cp in range(WHITESPACE[i], WHITESPACE[i + 1])
)
_WS_SET = frozenset(RUST_WS)
_ASCII_WS = b" \t\n\x0b\x0c\r"


def is_whitespace(ch: str) -> bool:
    """Rust ``char::is_whitespace``."""
    return ch in _WS_SET


def is_alphabetic(ch: str) -> bool:
    """Rust ``char::is_alphabetic`` (Unicode Alphabetic)."""
    cp = ord(ch)
    if cp < 0x80:
        return ("a" <= ch <= "z") or ("A" <= ch <= "Z")
    return bisect_right(ALPHABETIC, cp) & 1 == 1


def is_alphanumeric(ch: str) -> bool:
    """Rust ``char::is_alphanumeric`` (Alphabetic or Numeric)."""
    cp = ord(ch)
    if cp < 0x80:
        return ch.isalnum()
    return bisect_right(ALPHANUMERIC, cp) & 1 == 1


def rust_trim(text: str) -> str:
    """Rust ``str::trim``: strip Unicode White_Space from both ends."""
    return text.strip(RUST_WS)


def bytes_is_whitespace(data: bytes) -> bool:
    """git-ai's ``data_is_whitespace``: non-empty, valid UTF-8, all whitespace."""
    if not data:
        return False
    if data.isascii():
        return not data.strip(_ASCII_WS)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.strip(RUST_WS)


def has_non_whitespace(data: bytes) -> bool:
    """True when some character of the (valid UTF-8) slice is not whitespace."""
    if data.isascii():
        return bool(data.strip(_ASCII_WS))
    return bool(data.decode("utf-8", "replace").strip(RUST_WS))


def is_char_boundary(data: bytes, idx: int) -> bool:
    """Rust ``str::is_char_boundary`` on UTF-8 bytes."""
    if idx <= 0 or idx >= len(data):
        return idx == 0 or idx == len(data)
    return (data[idx] & 0xC0) != 0x80


def floor_char_boundary(data: bytes, idx: int) -> int:
    """The largest char boundary ``<= idx``."""
    i = min(idx, len(data))
    while i > 0 and not is_char_boundary(data, i):
        i -= 1
    return i


def ceil_char_boundary(data: bytes, idx: int) -> int:
    """The smallest char boundary ``>= idx``."""
    i = min(idx, len(data))
    while i < len(data) and not is_char_boundary(data, i):
        i += 1
    return i


def line_spans(data: bytes) -> list[tuple[int, int]]:
    """Byte spans of the lines of ``data``, each including its ``\\n``.

    A last line without a terminator is included; empty content has no lines
    (git-ai's ``LineBoundaries`` and ``collect_line_metadata``).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    find = data.find
    while True:
        nl = find(b"\n", start)
        if nl < 0:
            break
        spans.append((start, nl + 1))
        start = nl + 1
    if start < len(data):
        spans.append((start, len(data)))
    return spans
