"""A model of git-ai's legacy Claude hook path (the February tree the plan measured).

``ClaudePreset::transcript_and_model_from_claude_code_jsonl`` (``agent_presets.rs`` L147 at
``99bb76ccb^``) read the **whole transcript** into one string (``read_to_string``), parsed every
line into a ``serde_json::Value`` and copied each user text, assistant text and thinking block
into a ``Message`` list, which then rode along in the checkpoint until ``append_checkpoint``
dropped it for tools that can re-fetch (Claude can) and rewrote the working log
(:mod:`tools.bench.peers.gitai_legacy`). The plan measured this path at 1.20 GB and 5.7 s for a
187 MB transcript.

As in the storage peer, the model is kind to git-ai: lines are sliced one at a time (like Rust's
borrowed ``lines()``), texts are referenced rather than copied, the checkpoint's transcript is not
deep-cloned, and JSON goes through orjson.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson


@dataclass(frozen=True)
class Transcript:
    """The parsed transcript: messages (role, text, timestamp) and the first model seen."""

    messages: list[tuple[str, str, str | None]]
    model: str | None


def _user_texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content] if content.strip() else []
    texts = []
    if isinstance(content, list):
        for item in content:
            if item.get("type") == "text":
                text = item.get("text")
                if isinstance(text, str) and text.strip():
                    texts.append(text)
    return texts


def _assistant_texts(content: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if not isinstance(content, list):
        return out
    for item in content:
        kind = item.get("type")
        if kind == "text" and isinstance(item.get("text"), str) and item["text"].strip():
            out.append(("assistant", item["text"]))
        elif (
            kind == "thinking"
            and isinstance(item.get("thinking"), str)
            and item["thinking"].strip()
        ):
            out.append(("assistant", item["thinking"]))
        elif kind == "tool_use" and isinstance(item.get("name"), str):
            out.append(("tool_use", orjson.dumps(item.get("input")).decode()))
    return out


def parse_transcript(path: Path) -> Transcript:
    """Read the whole file, parse every line, collect every message (the legacy parser)."""
    content = path.read_text(encoding="utf-8")
    messages: list[tuple[str, str, str | None]] = []
    model: str | None = None
    start, size = 0, len(content)
    while start < size:
        end = content.find("\n", start)
        if end < 0:
            end = size
        line = content[start:end]
        start = end + 1
        if not line.strip():
            continue
        raw = orjson.loads(line)
        kind = raw.get("type")
        message = raw.get("message") or {}
        timestamp = raw.get("timestamp")
        if kind == "assistant" and model is None and isinstance(message.get("model"), str):
            model = message["model"]
        if kind == "user":
            messages.extend(("user", t, timestamp) for t in _user_texts(message.get("content")))
        elif kind == "assistant":
            messages.extend(
                (role, t, timestamp) for role, t in _assistant_texts(message.get("content"))
            )
    return Transcript(messages, model)
