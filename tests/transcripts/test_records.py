"""The transcript records behave as the frozen dataclasses they replaced did."""

from __future__ import annotations

import copy
import pickle

import pytest

from lsm.transcripts import (
    CapHit,
    ParseOptions,
    TextMessage,
    ToolUse,
    TranscriptLimits,
    Watermark,
)
from lsm.transcripts.ingest import IngestResult


def test_messages_equal_only_their_own_kind() -> None:
    text = TextMessage("user", "a")
    assert text == TextMessage("user", "a", None)
    assert hash(text) == hash(TextMessage("user", "a", None))
    assert text != TextMessage("user", "a", "t")
    assert text != ToolUse("user", "a")
    assert text != ("user", "a", None)
    assert not text == ("user", "a", None)  # noqa: SIM201 - __eq__ itself
    assert repr(text) == "TextMessage(type='user', text='a', timestamp=None)"
    tool = ToolUse("Edit", {"x": 1}, "t")
    assert (tool.type, tool.to_json()) == (
        "tool_use",
        {"type": "tool_use", "name": "Edit", "input": {"x": 1}, "timestamp": "t"},
    )
    assert tool == ToolUse("Edit", {"x": 1}, "t")
    with pytest.raises(AttributeError):
        tool.name = "Write"  # type: ignore[misc]


def test_limits_and_options_are_frozen_hashable_values() -> None:
    limits = TranscriptLimits()
    assert limits == TranscriptLimits(32 * 1024 * 1024, 1024 * 1024, 1024 * 1024)
    assert hash(limits) == hash(TranscriptLimits())
    assert limits != TranscriptLimits(max_line_bytes=None)
    assert repr(TranscriptLimits(1, 2, 3)) == (
        "TranscriptLimits(max_transcript_bytes=1, max_line_bytes=2, max_plan_state_bytes=3)"
    )
    with pytest.raises(AttributeError):
        limits.max_line_bytes = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del limits.max_line_bytes
    for clone in (copy.copy(limits), copy.deepcopy(limits), pickle.loads(pickle.dumps(limits))):
        assert clone == limits
    options = ParseOptions(redact=False)
    assert options.limits == TranscriptLimits()
    assert (options.redact, options.thinking, options.model, options.codex_home) == (
        False,
        "assistant",
        True,
        None,
    )
    assert options == ParseOptions(TranscriptLimits(), False) != ParseOptions()
    assert pickle.loads(pickle.dumps(options)) == options
    with pytest.raises(AttributeError):
        options.redact = True  # type: ignore[misc]
    hit = CapHit("line_bytes", 10, 1, 4)
    assert (hit.kind, hit.bytes, hit.count, hit.limit) == ("line_bytes", 10, 1, 4)
    same = CapHit("line_bytes", 10, 1, 4)
    assert hit == same and hash(hit) == hash(same)


def test_watermark_state_defaults_to_a_fresh_dict() -> None:
    a = Watermark("claude", 0, 0, b"", 0, b"")
    b = Watermark("claude", 0, 0, b"", 0, b"")
    assert a == b and a.state == {} and a.state is not b.state and a.skipping is None
    assert Watermark.from_bytes(a.to_bytes()) == a
    with pytest.raises(AttributeError):
        a.offset = 1  # type: ignore[misc]


def test_ingest_result_is_mutable_with_fresh_lists() -> None:
    a, b = IngestResult("claude", "s"), IngestResult("claude", "s")
    assert a == b and a.warnings is not b.warnings and a.cap_hits is not b.cap_hits
    a.messages += 2
    a.warnings.append("w")
    assert a != b
    assert repr(b) == (
        "IngestResult(agent='claude', session='s', status='ok', messages=0, batches=0, "
        "start=0, end=0, model=None, restarted=False, warnings=[], cap_hits=[])"
    )
