"""Amp threads (``~/.local/share/amp/threads/<thread_id>.json``): one JSON document.

The document is ``{"v", "id", "created", "messages": [...]}`` (``v`` grows
with every write); each ``messages`` item is one record
(:mod:`lsm.transcripts.document`). Follows ``transcript_and_model_from_amp_thread``
in git-ai's legacy ``transcript_readers.rs``:

* ``role == "user"``: each non-blank ``text`` item is a user message
  (timestamp: ``meta.sentAt`` ms as RFC 3339);
* ``role == "assistant"``: ``text`` and ``thinking`` items are assistant
  messages (git-ai's Amp reader makes thinking assistant text), ``tool_use``
  items with a non-blank ``name`` are tool uses of their ``input``
  (timestamp: ``usage.timestamp``); ``tool_result`` and other items yield
  nothing.

The model is the first assistant ``usage.model`` that is not blank.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import AgentParser, ThinkingMode
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.rfc3339 import millis_to_rfc3339
from lsm.transcripts.text import get, get_str, is_blank

__all__ = ["AmpParser"]


class AmpParser(AgentParser):
    """Parser for Amp thread messages.

    :param thinking: what thinking items become (git-ai: assistant messages).
    :param state: a previous call's :meth:`state`.
    """

    agent = "amp"

    def __init__(
        self, *, thinking: ThinkingMode = "assistant", state: dict[str, Any] | None = None
    ) -> None:
        self._thinking: ThinkingMode = thinking
        model = (state or {}).get("model")
        self._model: str | None = model if isinstance(model, str) else None

    def handle(self, entry: Any, out: list[Message]) -> None:
        role = get_str(entry, "role")
        content = get(entry, "content")
        usage = get(entry, "usage")
        if role == "assistant" and self._model is None:
            model = get_str(usage, "model")
            if model is not None and not is_blank(model):
                self._model = model
        if not isinstance(content, list):
            return
        if role == "user":
            timestamp = millis_to_rfc3339(get(get(entry, "meta"), "sentAt"))
            for item in content:
                text = get_str(item, "text") if get_str(item, "type") == "text" else None
                if text is not None and not is_blank(text):
                    out.append(TextMessage("user", text, timestamp))
        elif role == "assistant":
            timestamp = get_str(usage, "timestamp")
            for item in content:
                kind = get_str(item, "type")
                if kind == "text":
                    text = get_str(item, "text")
                    if text is not None and not is_blank(text):
                        out.append(TextMessage("assistant", text, timestamp))
                elif kind == "thinking":
                    text = get_str(item, "thinking")
                    if text is not None and self._thinking != "drop" and not is_blank(text):
                        out.append(TextMessage(self._thinking, text, timestamp))
                elif kind == "tool_use":
                    name = get_str(item, "name")
                    if name is not None and not is_blank(name):
                        out.append(ToolUse(name, item.get("input"), timestamp))

    def state(self) -> dict[str, Any]:
        return {} if self._model is None else {"model": self._model}

    def model(self) -> str | None:
        return self._model
