"""The standard-library decoder of small parses gives exactly what orjson gives."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lsm.transcripts import decode

CASES = [
    # refused by orjson, taken by json.loads
    b"NaN",
    b"[Infinity]",
    b"-Infinity",
    b"1e400",
    b"-1e400",
    b"1" * 400,
    b"1" * 4300,
    b'"\\ud800"',
    b'"\\udc00x"',
    b'"\\uDFFF"',
    b'"\\ud83d"',
    b'"\\ud800\\u0041"',
    b'{"\\ud800":1}',
    # refused by both
    b"\xef\xbb\xbf{}",
    b"\xed\xa0\x80",
    b'"\xed\xa0\x80"',
    b"\xa0{}",
    b"1" * 5000,
    b"\x0c{}",
    b"{}\x0c",
    b"{}\x00",
    b"[1,]",
    b'{"a":1,}',
    b'"\x01"',
    b'"\\x41"',
    b"01",
    b"1.",
    b".5",
    b"nul",
    b"",
    b"  \n",
    b"[" * 5000 + b"]" * 5000,
    # taken by both, with the same result
    b'"\\ud83d\\ude00"',
    b'"\\uD83D\\uDE00"',
    b'"\\\\ud800"',
    b"18446744073709551615",
    b"18446744073709551616",
    b"-9223372036854775808",
    b"-9223372036854775809",
    b"12345678901234567890123",
    b"1" * 300,
    b"1.5e-400",
    b"-0",
    b"-0.0",
    b"0.1",
    b"1E+5",
    b"100000000000000000000e-20",
    b'{"a":1,"b":2,"a":3}',
    b" {}\r\n",
    b"\t[]\n",
    b'"\x7f"',
    b'"\\u0000"',
    b'"a\\/b"',
    b'"caf\xc3\xa9"',
    b"[" * 1000 + b"]" * 1000,  # deeper than json's recursion limit: handed to orjson
]


def _outcome(loads: Any, data: bytes | str) -> tuple[str, Any]:
    try:
        value = loads(data)
    except ValueError:
        return ("refused", None)
    return ("ok", value)


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 is not 1.0, -0.0 is not 0.0)."""
    pending = [(a, b)]  # no recursion: some cases nest 1000 deep
    while pending:
        x, y = pending.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, float):
            if math.copysign(1.0, x) != math.copysign(1.0, y) or x != y:
                return False
        elif isinstance(x, list | tuple):
            if len(x) != len(y):
                return False
            pending.extend(zip(x, y, strict=True))
        elif isinstance(x, dict):
            if list(x) != list(y):
                return False
            pending.extend((x[k], y[k]) for k in x)
        elif x != y:
            return False
    return True


@pytest.mark.parametrize("data", CASES, ids=lambda c: repr(c[:24]))
@pytest.mark.parametrize("kind", ["bytes", "str"])
def test_same_as_orjson(data: bytes, kind: str) -> None:
    value: bytes | str = data if kind == "bytes" else data.decode("utf-8", "replace")
    expected = _outcome(orjson.loads, value)
    got = _outcome(decode.loads, value)
    assert got[0] == expected[0]
    assert _same(got[1], expected[1])


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(1 << 63), max_value=(1 << 64) - 1)  # what orjson can write
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_json)
def test_same_as_orjson_on_any_document(value: Any) -> None:
    data = orjson.dumps(value)
    assert _same(decode.loads(data), orjson.loads(data))


@given(st.from_regex(r"\A-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?\Z"))
def test_same_numbers_as_orjson(number: str) -> None:
    assert _same(_outcome(decode.loads, number), _outcome(orjson.loads, number))


def test_loads_for_picks_orjson_only_for_big_parses() -> None:
    assert decode.loads_for(0) is decode.loads
    assert decode.loads_for(decode.ORJSON_MIN_BYTES - 1) is decode.loads
    assert decode.loads_for(decode.ORJSON_MIN_BYTES) is orjson.loads
