"""Small helpers that give Python the Rust semantics git-ai's parsers rely on.

git-ai tests text with ``str::trim`` (Unicode ``White_Space``) and reads JSON
through ``serde_json::Value`` indexing, where a missing key, a wrong type or a
non-object parent all read as "absent". Python's ``str.strip()`` also strips
``\\x1c``-``\\x1f`` (not White_Space), so it cannot be used as is.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RUST_WHITESPACE", "get", "get_str", "is_blank", "rust_trim"]

#: The characters with the Unicode White_Space property, which Rust's
#: ``char::is_whitespace`` (and so ``str::trim``) uses.
RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def rust_trim(text: str) -> str:
    """``str::trim``: strip leading and trailing White_Space characters."""
    return text.strip(RUST_WHITESPACE)


def is_blank(text: str) -> bool:
    """``text.trim().is_empty()`` in Rust terms."""
    return not text.strip(RUST_WHITESPACE)


def get(value: Any, key: str) -> Any:
    """``value[key]`` as serde_json reads it: ``None`` unless ``value`` is an object with it."""
    if isinstance(value, dict):
        return value.get(key)
    return None


def get_str(value: Any, key: str) -> str | None:
    """``value[key].as_str()``: the string under ``key``, or ``None``."""
    if isinstance(value, dict):
        found = value.get(key)
        if isinstance(found, str):
            return found
    return None
