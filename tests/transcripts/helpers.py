"""Shared helpers for the transcript tests: fixture paths and one-call parses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from lsm.transcripts import (
    Message,
    ParseOptions,
    ParseResult,
    TranscriptLimits,
    Watermark,
    parse_transcript,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"

#: Options without model extraction or redaction: the parse alone.
PLAIN = ParseOptions(model=False, redact=False)


def fixture_names() -> list[str]:
    """Every JSONL transcript fixture."""
    return sorted(p.name for p in FIXTURES.glob("*.jsonl"))


def agent_for(name: str) -> str:
    """The agent whose transcript a fixture is (by file name)."""
    if name.startswith("codex"):
        return "codex"
    if name.startswith("droid"):
        return "droid"
    return "claude"


def jsonl(*entries: Any) -> bytes:
    """JSON lines, each ending in a newline."""
    return b"".join(orjson.dumps(e) + b"\n" for e in entries)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as f:
        f.write(data)


def parse(
    agent: str,
    path: Path,
    watermark: Watermark | None = None,
    options: ParseOptions = PLAIN,
    **limits: Any,
) -> ParseResult:
    """One parse call; keyword arguments become TranscriptLimits fields."""
    if limits:
        options = ParseOptions(
            limits=TranscriptLimits(**limits),
            redact=options.redact,
            thinking=options.thinking,
            model=options.model,
            codex_home=options.codex_home,
        )
    return parse_transcript(agent, path, watermark=watermark, options=options)


def as_json(messages: list[Message]) -> list[dict[str, Any]]:
    return [m.to_json() for m in messages]
