"""Golden tests: each fixture's exact message list and model (tests/transcripts/golden.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from lsm.transcripts import (
    ParseOptions,
    TextMessage,
    ToolUse,
    dumps_message,
    message_from_json,
    parse_transcript,
)
from tests.transcripts.golden import GOLDEN
from tests.transcripts.helpers import FIXTURES, PLAIN, agent_for, as_json, fixture_names


def test_every_fixture_has_a_golden_entry() -> None:
    assert sorted(GOLDEN) == fixture_names()


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_messages_and_model(name: str, tmp_path: Path) -> None:
    agent, model, expected = GOLDEN[name]
    assert agent == agent_for(name)
    # Copy the transcript (and Droid's settings) so the test reads a real file in tmp_path.
    for source in FIXTURES.glob(name.removesuffix(".jsonl") + ".*"):
        shutil.copy(source, tmp_path / source.name)
    result = parse_transcript(agent, tmp_path / name)  # defaults: redaction and model on
    summary = result.summary
    assert as_json(result.messages) == expected
    assert summary.model == model
    assert summary.status == "ok"
    size = (tmp_path / name).stat().st_size
    assert (summary.start_offset, summary.end_offset, summary.size) == (0, size, size)
    assert summary.messages == len(expected)
    assert (summary.invalid_lines, summary.blank_lines, summary.partial_bytes) == (0, 0, 0)
    assert summary.cap_hits == ()
    assert summary.watermark is not None and summary.watermark.offset == size


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_round_trips_through_serde_form(name: str) -> None:
    agent, _, expected = GOLDEN[name]
    messages = parse_transcript(agent, FIXTURES / name, options=PLAIN).messages
    for message, serde in zip(messages, expected, strict=True):
        assert message_from_json(serde) == message
        # dumps_message is git-ai's byte form; the keys of tool inputs are sorted.
        dumped = orjson.loads(dumps_message(message))
        assert dumped == serde
        assert list(dumped) == list(serde)


def test_thinking_blocks_are_assistant_messages_by_default() -> None:
    messages = parse_transcript(
        "claude", FIXTURES / "claude-code-with-thinking.jsonl", options=PLAIN
    ).messages
    second = messages[1]
    assert isinstance(second, TextMessage) and second.type == "assistant"
    assert second.text.startswith('The user wants me to add another "hello world" console log')


@pytest.mark.parametrize(("mode", "kinds"), [("thinking", 2), ("drop", 0)])
def test_thinking_modes(mode: str, kinds: int) -> None:
    options = ParseOptions(model=False, redact=False, thinking=mode)  # type: ignore[arg-type]
    legacy = parse_transcript("claude", FIXTURES / "claude-code-with-thinking.jsonl", options=PLAIN)
    other = parse_transcript(
        "claude", FIXTURES / "claude-code-with-thinking.jsonl", options=options
    )
    thinking = [m for m in other.messages if m.type == "thinking"]
    assert len(thinking) == kinds
    # Thinking blocks are messages 1 and 4 of the legacy list; everything else is unchanged.
    rest = [m for i, m in enumerate(legacy.messages) if i not in (1, 4)]
    assert [m for m in other.messages if m.type != "thinking"] == rest
    if kinds:
        assert [m.text for m in thinking] == [
            legacy.messages[1].text,  # type: ignore[union-attr]
            legacy.messages[4].text,  # type: ignore[union-attr]
        ]


def test_dumps_message_matches_serde_layout() -> None:
    assert dumps_message(TextMessage("user", "hi")) == b'{"type":"user","text":"hi"}'
    assert (
        dumps_message(ToolUse("Edit", {"z": 1, "a": {"y": 2, "b": 3}}, "t"))
        == b'{"type":"tool_use","name":"Edit","input":{"a":{"b":3,"y":2},"z":1},"timestamp":"t"}'
    )
