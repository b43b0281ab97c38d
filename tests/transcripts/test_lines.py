"""The bounded line reader, checked against a plain split of the same bytes."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from lsm.transcripts.lines import LineReader, next_line_start


def reference(data: bytes, start: int, cap: int | None) -> tuple[list[bytes], int, int]:
    """(lines kept, bytes of oversized lines, oversized count) for complete lines after start."""
    kept: list[bytes] = []
    dropped = count = 0
    pos = start
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            break
        line = data[pos : nl + 1]
        if cap is None or len(line) - 1 <= cap:
            kept.append(line)
        else:
            dropped += len(line)
            count += 1
        pos = nl + 1
    return kept, dropped, count


alphabet = st.sampled_from([b"a", b"b", b"\n", b"\r", b"\xff", b" "])


@given(
    chunks=st.lists(alphabet, max_size=300),
    cap=st.one_of(st.none(), st.integers(0, 20)),
)
def test_reader_matches_a_plain_split(chunks: list[bytes], cap: int | None) -> None:
    data = b"".join(chunks)
    reader = LineReader(io.BufferedReader(io.BytesIO(data), 8), 0, len(data), cap)
    lines = list(reader)
    kept, dropped, count = reference(data, 0, cap)
    assert lines == kept
    assert reader.oversized_lines <= count + 1
    last_nl = data.rfind(b"\n") + 1
    tail = len(data) - last_nl
    if reader.skipping:
        # Ended inside an oversized unterminated line: everything was consumed.
        assert reader.offset == len(data)
        assert cap is not None and tail > cap
        assert reader.oversized_lines == count + 1
        assert reader.discarded_bytes == dropped + tail
    else:
        assert reader.offset == last_nl
        assert reader.partial_bytes == tail
        assert (reader.oversized_lines, reader.discarded_bytes) == (count, dropped)


@given(chunks=st.lists(alphabet, max_size=200), pos=st.integers(0, 200))
def test_next_line_start(chunks: list[bytes], pos: int) -> None:
    data = b"".join(chunks)
    pos = min(pos, len(data))
    found, inside = next_line_start(io.BytesIO(data), pos, len(data))
    if pos == 0 or data[pos - 1 : pos] == b"\n":
        assert (found, inside) == (pos, False)
    elif (nl := data.find(b"\n", pos)) >= 0:
        assert (found, inside) == (nl + 1, False)
    else:
        assert (found, inside) == (len(data), True)


def test_reader_resumes_inside_a_skipped_line(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"rest of a long line\nnext\n")
    with path.open("rb") as f:
        reader = LineReader(f, 5, path.stat().st_size, 100, skipping=True)
        assert list(reader) == [b"next\n"]
    assert (reader.resumed_bytes, reader.discarded_bytes, reader.oversized_lines) == (15, 0, 0)
    assert not reader.skipping


def test_reader_notices_a_file_shorter_than_promised(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"one\ntw")
    with path.open("rb") as f:
        reader = LineReader(f, 0, 100, None)
        assert list(reader) == [b"one\n"]
    assert reader.truncated and reader.offset == 4
