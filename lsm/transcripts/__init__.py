"""Streaming transcript parsers for Claude Code, Codex and Droid.

Each parser reads a JSONL transcript one bounded line at a time, from a byte
offset, and yields messages in git-ai's transcript model (user, assistant,
thinking, plan, tool_use), redacted by default::

    >>> from lsm.transcripts import stream_transcript
    >>> stream = stream_transcript("claude", path, watermark=saved)   # doctest: +SKIP
    >>> for batch in stream.batches():                                # doctest: +SKIP
    ...     store(batch.messages, batch.watermark.to_bytes())

See docs/transcripts.md for the rules, the caps, the incremental semantics
and where we differ from git-ai.
"""

from __future__ import annotations

from lsm.transcripts.base import AgentParser, ThinkingMode
from lsm.transcripts.limits import (
    DEFAULT_MAX_LINE_BYTES,
    DEFAULT_MAX_PLAN_STATE_BYTES,
    DEFAULT_MAX_TRANSCRIPT_BYTES,
    CapHit,
    CapKind,
    TranscriptLimits,
)
from lsm.transcripts.model import (
    Message,
    TextMessage,
    TextType,
    ToolUse,
    dumps_message,
    message_from_json,
)
from lsm.transcripts.models import (
    claude_model,
    codex_model,
    droid_model,
    droid_settings_path,
    extract_model,
)
from lsm.transcripts.redact import redact_json, redact_message, redact_text
from lsm.transcripts.stream import (
    AGENTS,
    Batch,
    ParseOptions,
    ParseResult,
    ParseStatus,
    ParseSummary,
    TranscriptStream,
    make_parser,
    parse_transcript,
    stream_transcript,
)
from lsm.transcripts.watermark import RestartReason, SkipKind, Watermark

__all__ = [
    "AGENTS",
    "DEFAULT_MAX_LINE_BYTES",
    "DEFAULT_MAX_PLAN_STATE_BYTES",
    "DEFAULT_MAX_TRANSCRIPT_BYTES",
    "AgentParser",
    "Batch",
    "CapHit",
    "CapKind",
    "Message",
    "ParseOptions",
    "ParseResult",
    "ParseStatus",
    "ParseSummary",
    "RestartReason",
    "SkipKind",
    "TextMessage",
    "TextType",
    "ThinkingMode",
    "ToolUse",
    "TranscriptLimits",
    "TranscriptStream",
    "Watermark",
    "claude_model",
    "codex_model",
    "droid_model",
    "droid_settings_path",
    "dumps_message",
    "extract_model",
    "make_parser",
    "message_from_json",
    "parse_transcript",
    "redact_json",
    "redact_message",
    "redact_text",
    "stream_transcript",
]
