"""Gemini CLI transcripts (``~/.gemini/tmp/<project>/chats/session-*.jsonl``).

One message per line (``{"id", "timestamp", "type", "content", "model"?,
"toolCalls"?}``); other lines (``{"$set": ...}`` updates, ``info``,
``error``...) yield nothing. Follows ``read_gemini_json`` in git-ai's legacy
``transcript_readers.rs`` (which read the older whole-file JSON form of the
same messages):

* ``type == "user"``: a string ``content``, trimmed, non-empty, is a user message;
* ``type == "gemini"``: a string ``content``, trimmed, non-empty, is an
  assistant message; each ``toolCalls`` item with a string ``name`` is a
  tool use of its ``args`` (``{}`` when absent), with the call's own
  ``timestamp``; the first ``model`` seen is the session's model.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import AgentParser
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.text import get_str, rust_trim

__all__ = ["GeminiParser"]


class GeminiParser(AgentParser):
    """Parser for Gemini CLI lines. :param state: a previous call's :meth:`state`."""

    agent = "gemini"

    def __init__(self, *, state: dict[str, Any] | None = None) -> None:
        model = (state or {}).get("model")
        self._model: str | None = model if isinstance(model, str) else None

    def handle(self, entry: Any, out: list[Message]) -> None:
        kind = get_str(entry, "type")
        if kind not in ("user", "gemini"):
            return
        timestamp = get_str(entry, "timestamp")
        content = get_str(entry, "content")
        text = None if content is None else rust_trim(content)
        if kind == "user":
            if text:
                out.append(TextMessage("user", text, timestamp))
            return
        if self._model is None:
            self._model = get_str(entry, "model")
        if text:
            out.append(TextMessage("assistant", text, timestamp))
        calls = entry.get("toolCalls")
        if isinstance(calls, list):
            for call in calls:
                name = get_str(call, "name")
                if name is not None:
                    args = call.get("args", {})
                    out.append(ToolUse(name, args, get_str(call, "timestamp")))

    def state(self) -> dict[str, Any]:
        return {} if self._model is None else {"model": self._model}

    def model(self) -> str | None:
        return self._model
