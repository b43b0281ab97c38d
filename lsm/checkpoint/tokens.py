"""git-ai's code tokenizer (``tokenize_non_whitespace``), over UTF-8 bytes.

Token-aligned attribution diffs a changed hunk token by token, so a human
re-indenting or re-wrapping a line keeps its original authors. The lexer is
git-ai's, rule for rule: two-character operators, quoted strings with
backslash escapes (a string left open runs to the end of the range),
numbers (``0x``/``0o``/``0b`` prefixes; digits, ``.`` and ``_``; ``e``/``E``
with an optional sign), identifiers (Rust ``is_alphabetic`` or ``_`` to
start, ``is_alphanumeric`` or ``_`` to continue), single-character
punctuation, and any other character alone. Whitespace (Rust's class) is
skipped. Positions are byte offsets into the whole content. Pure; cannot fail.
"""

from __future__ import annotations

from lsm.checkpoint.textutil import RUST_WS, is_alphabetic, is_alphanumeric
from lsm.record import NamedTuple

__all__ = ["Token", "tokenize"]

_TWO_CHAR_OPS = frozenset(
    [
        "==", "!=", "<=", ">=", "&&", "||", "::", "->", "=>", "..", "++", "--",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>",
    ]
)  # fmt: skip
_WS = frozenset(RUST_WS)
_DIGITS = frozenset("0123456789")
_RADIX = frozenset("xXoObB")


class Token(NamedTuple):
    """A lexeme and its byte span ``[start, end)`` in the content."""

    lexeme: str
    start: int
    end: int


def tokenize(content: bytes, start: int, end: int) -> list[Token]:
    """Tokens of ``content[start:end]`` (a line-aligned range)."""
    if start >= end:
        return []
    text = content[start:end].decode("utf-8", "replace")
    n = len(text)
    if len(text) == end - start:
        offs: list[int] | None = None  # ASCII: char index == byte index
    else:
        offs = [0] * (n + 1)
        acc = 0
        for k, ch in enumerate(text):
            offs[k] = acc
            cp = ord(ch)
            acc += 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
        offs[n] = acc

    spans: list[tuple[str, int, int]] = []
    i = 0
    while i < n:
        ch = text[i]
        if ch in _WS:
            i += 1
            continue
        if i + 1 < n and ch + text[i + 1] in _TWO_CHAR_OPS:
            spans.append((ch + text[i + 1], i, i + 2))
            i += 2
            continue
        if ch in "\"'`":
            j = i + 1
            escaped = False
            while j < n:
                c = text[j]
                j += 1
                if escaped:
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == ch:
                    break
            spans.append((text[i:j], i, j))
            i = j
            continue
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            j = i
            if ch == "0" and i + 1 < n and text[i + 1] in _RADIX:
                j = i + 2
                while j < n and (text[j].isascii() and (text[j].isalnum() or text[j] == "_")):
                    j += 1
                spans.append((text[i:j], i, j))
                i = j
                continue
            while j < n:
                c = text[j]
                if c in _DIGITS or c == "." or c == "_":
                    j += 1
                elif (c == "e" or c == "E") and j + 1 < n:
                    j += 1
                    if text[j] == "+" or text[j] == "-":
                        j += 1
                else:
                    break
            spans.append((text[i:j], i, j))
            i = j
            continue
        if ch == "_" or is_alphabetic(ch):
            j = i + 1
            while j < n and (text[j] == "_" or is_alphanumeric(text[j])):
                j += 1
            spans.append((text[i:j], i, j))
            i = j
            continue
        spans.append((ch, i, i + 1))  # punctuation and any other character
        i += 1

    if offs is None:
        return [Token(lex, start + a, start + b) for lex, a, b in spans]
    return [Token(lex, start + offs[a], start + offs[b]) for lex, a, b in spans]
