"""Incremental parsing gives the same messages as one full parse, at every split point.

A transcript grows while an agent runs; each checkpoint parses what is new from
the watermark of the last one. These tests cut every fixture at every byte
offset and check that the pieces add up to the one-shot parse (which itself
equals the golden list).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsm.transcripts import Message, Watermark, stream_transcript
from tests.transcripts.golden import GOLDEN
from tests.transcripts.helpers import FIXTURES, PLAIN, agent_for, as_json, fixture_names, parse

SMALL = [name for name in fixture_names() if (FIXTURES / name).stat().st_size <= 12_000]
LARGE = [name for name in fixture_names() if name not in SMALL]


@pytest.mark.parametrize("name", fixture_names())
def test_growing_one_byte_at_a_time(name: str, tmp_path: Path) -> None:
    """A call after every appended byte: every offset is a call boundary once."""
    data = (FIXTURES / name).read_bytes()
    agent = agent_for(name)
    path = tmp_path / name
    path.write_bytes(b"")
    messages: list[Message] = []
    watermark: Watermark | None = None
    with path.open("ab", buffering=0) as grow:
        for i in range(len(data)):
            grow.write(data[i : i + 1])
            result = parse(agent, path, watermark)
            summary = result.summary
            assert not summary.restarted
            assert summary.watermark is not None
            # The watermark never passes an unterminated line.
            end = summary.end_offset
            assert end == 0 or data[end - 1 : end] == b"\n"
            assert summary.partial_bytes == i + 1 - end
            messages += result.messages
            watermark = summary.watermark
    assert as_json(messages) == GOLDEN[name][2]


def _splits(name: str, tmp_path: Path) -> None:
    """For every split point: parse the first part, append the rest, parse from the mark."""
    data = (FIXTURES / name).read_bytes()
    agent = agent_for(name)
    expected = GOLDEN[name][2]
    path = tmp_path / "t.jsonl"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDWR)
    try:
        for split in range(len(data) + 1):
            # ftruncate + pwrite: far cheaper than rewriting the file for every split.
            os.ftruncate(fd, split)
            first = parse(agent, path)
            os.pwrite(fd, data[split:], split)
            second = parse(agent, path, first.summary.watermark)
            assert not second.summary.restarted, split
            assert second.summary.end_offset == len(data), split
            assert as_json(first.messages + second.messages) == expected, split
    finally:
        os.close(fd)


@pytest.mark.parametrize("name", SMALL)
def test_two_calls_at_every_split_point(name: str, tmp_path: Path) -> None:
    _splits(name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", LARGE)
def test_two_calls_at_every_split_point_large(name: str, tmp_path: Path) -> None:
    _splits(name, tmp_path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(fixture_names()),
    cuts=st.lists(st.floats(min_value=0, max_value=1), max_size=12),
)
def test_any_number_of_steps(name: str, cuts: list[float], tmp_path: Path) -> None:
    data = (FIXTURES / name).read_bytes()
    agent = agent_for(name)
    points = sorted({int(c * len(data)) for c in cuts} | {len(data)})
    path = tmp_path / "steps.jsonl"
    path.write_bytes(b"")
    messages: list[Message] = []
    watermark = None
    done = 0
    for point in points:
        with path.open("ab") as f:
            f.write(data[done:point])
        done = point
        result = parse(agent, path, watermark)
        messages += result.messages
        watermark = result.summary.watermark
    assert as_json(messages) == GOLDEN[name][2]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(fixture_names()), size=st.integers(1, 5), stop=st.integers(0, 6))
def test_resuming_from_a_batch_watermark(name: str, size: int, stop: int, tmp_path: Path) -> None:
    """A caller that stored `stop` batches and then died resumes from the last batch's mark."""
    agent = agent_for(name)
    path = FIXTURES / name
    kept: list[Message] = []
    mark: Watermark | None = None
    with stream_transcript(agent, path, options=PLAIN) as stream:
        for i, batch in enumerate(stream.batches(max_messages=size)):
            if i == stop:
                break
            kept += batch.messages
            mark = batch.watermark
            # Batches end on line boundaries and survive serialization.
            assert Watermark.from_bytes(mark.to_bytes()) == mark
    rest = parse(agent, path, mark)
    assert not rest.summary.restarted
    assert as_json(kept + rest.messages) == GOLDEN[name][2]


def test_batches_end_with_the_final_watermark() -> None:
    path = FIXTURES / "droid-session.jsonl"
    with stream_transcript("droid", path, options=PLAIN) as stream:
        batches = list(stream.batches(max_messages=3))
        summary = stream.summary
    # Lines give 2+2 messages, then 1+1+1, then 1: a batch closes at the line that reaches 3.
    assert [len(b.messages) for b in batches] == [4, 3, 1]
    assert batches[-1].watermark == summary.watermark
    assert [m for b in batches for m in b.messages] == parse("droid", path).messages
    offsets = [b.watermark.offset for b in batches]
    assert offsets == sorted(offsets) and offsets[-1] == path.stat().st_size
