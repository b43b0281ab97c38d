"""JSON decoding on the transcript path: the standard library for small inputs, orjson for big.

orjson parses a few times faster than :mod:`json`, but importing it costs
a process 15-20 ms (its module init imports ``dataclasses``, ``uuid``,
``datetime`` and ``json``): on Claude transcripts the standard library
wins below about 4 MiB (it takes ~6 ms per MiB, orjson ~2 ms plus its
import), and a hook's increment is usually a few KiB. So a parse call picks
its decoder from the number of bytes it is about to read (:func:`loads_for`):
below :data:`ORJSON_MIN_BYTES` it uses :func:`loads`, else ``orjson.loads``.

:func:`loads` accepts and returns exactly what ``orjson.loads`` does, so the
choice never changes a result:

* bytes must be valid UTF-8 (the ``utf-8`` codec also refuses encoded
  surrogates, as orjson does); a UTF-8 BOM is refused by both;
* ``NaN``, ``Infinity`` and ``-Infinity`` are refused, and so is a number
  that overflows a float (``1e400``);
* an integer outside ``[-2**63, 2**64)`` becomes the nearest float;
* a document with a ``\\uD800``-``\\uDFFF`` escape (a lone surrogate, which
  orjson refuses, or half of a pair), or nested deeper than Python's
  recursion limit, is handed to orjson itself, imported then.

Every refusal raises :class:`ValueError` (``json.JSONDecodeError``,
``UnicodeDecodeError`` and ``orjson.JSONDecodeError`` are all ``ValueError``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

__all__ = ["ORJSON_MIN_BYTES", "loads", "loads_for"]

#: Parse calls reading at least this many bytes use orjson (see the module doc).
ORJSON_MIN_BYTES = 4 << 20

_MIN_INT = -(1 << 63)
_MAX_INT = 1 << 64  # exclusive: orjson reads unsigned 64-bit integers too
_INF = float("inf")
#: A ``\\u`` escape of a UTF-16 surrogate (it may also match after an escaped
#: backslash, as in ``\\\\ud800``; such a document merely goes to orjson).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _parse_float(text: str) -> float:
    value = float(text)
    if value == _INF or value == -_INF:
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _parse_int(text: str) -> int | float:
    value = int(text)  # more than 4300 digits: ValueError, as orjson refuses them too
    if _MIN_INT <= value < _MAX_INT:
        return value
    return _parse_float(text)


def _parse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_decode = json.JSONDecoder(
    parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant
).decode


def _orjson_loads(data: bytes | str) -> Any:
    import orjson

    return orjson.loads(data)


def loads(data: bytes | str) -> Any:
    """``orjson.loads(data)``, done by the standard library where it gives the same result.

    A ``str`` is taken as it is: it must not hold a lone surrogate (which
    orjson refuses), as no ``str`` decoded from UTF-8 or parsed from JSON by
    this module or orjson does.

    :raises ValueError: for anything orjson refuses.
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) is not None:
        return _orjson_loads(data)
    try:
        return _decode(text)
    except RecursionError:
        return _orjson_loads(data)


def loads_for(nbytes: int) -> Callable[[bytes | str], Any]:
    """The decoder for a call that parses ``nbytes`` bytes: :func:`loads` or ``orjson.loads``."""
    if nbytes < ORJSON_MIN_BYTES:
        return loads
    import orjson

    loads_fast: Callable[[bytes | str], Any] = orjson.loads
    return loads_fast
