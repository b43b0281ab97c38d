"""Pi transcripts (the ``session_path`` JSONL the Pi extension reports).

Lines are typed: ``session`` (the header), ``message``, and bookkeeping
(``model_change``, ``custom``, ``branch_summary``, ``compaction``...) that
yields nothing. Follows ``read_pi_jsonl`` in git-ai's legacy
``transcript_readers.rs``; a ``message`` line's ``message.role`` decides:

* ``user``: a string ``content`` (non-blank, kept untrimmed), or each
  non-blank ``text`` block, is a user message;
* ``assistant``: ``text`` blocks are assistant messages, ``thinking`` blocks
  **thinking** messages (git-ai's Pi reader is the one that emits that type;
  ``ParseOptions(thinking="drop")`` drops them), ``toolCall`` blocks tool uses
  of their ``arguments`` (``{}`` when absent); its non-blank ``model`` is the
  session's model (the latest wins);
* ``toolResult``: its ``text`` blocks are assistant messages.

The timestamp is ``message.timestamp`` (milliseconds) as RFC 3339, else the
line's ``timestamp`` string. git-ai refuses a file without a ``session``
header and stops at the first bad line; a stream keeps going.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import AgentParser, ThinkingMode
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.rfc3339 import millis_to_rfc3339
from lsm.transcripts.text import get, get_str, is_blank

__all__ = ["PiParser"]


class PiParser(AgentParser):
    """Parser for Pi lines.

    :param thinking: ``drop`` drops thinking blocks; any other mode keeps
        them as ``thinking`` messages, as git-ai does.
    :param state: a previous call's :meth:`state`.
    """

    agent = "pi"

    def __init__(
        self, *, thinking: ThinkingMode = "assistant", state: dict[str, Any] | None = None
    ) -> None:
        self._drop_thinking = thinking == "drop"
        model = (state or {}).get("model")
        self._model: str | None = model if isinstance(model, str) else None

    def handle(self, entry: Any, out: list[Message]) -> None:
        if get_str(entry, "type") != "message":
            return
        message = get(entry, "message")
        role = get_str(message, "role")
        if role is None:
            return
        timestamp = millis_to_rfc3339(message.get("timestamp")) or get_str(entry, "timestamp")
        content = message.get("content")
        if role == "user":
            if isinstance(content, str):
                if not is_blank(content):
                    out.append(TextMessage("user", content, timestamp))
            else:
                _text_blocks(content, "user", timestamp, out)
        elif role == "assistant":
            model = get_str(message, "model")
            if model is not None and not is_blank(model):
                self._model = model
            self._assistant(content, timestamp, out)
        elif role == "toolResult":
            _text_blocks(content, "assistant", timestamp, out)

    def _assistant(self, content: Any, timestamp: str | None, out: list[Message]) -> None:
        if not isinstance(content, list):
            return
        for block in content:
            kind = get_str(block, "type")
            if kind == "text":
                text = get_str(block, "text")
                if text is not None and not is_blank(text):
                    out.append(TextMessage("assistant", text, timestamp))
            elif kind == "thinking":
                text = get_str(block, "thinking")
                if text is not None and not self._drop_thinking and not is_blank(text):
                    out.append(TextMessage("thinking", text, timestamp))
            elif kind == "toolCall":
                name = get_str(block, "name")
                if name is not None:
                    out.append(ToolUse(name, block.get("arguments", {}), timestamp))

    def state(self) -> dict[str, Any]:
        return {} if self._model is None else {"model": self._model}

    def model(self) -> str | None:
        return self._model


def _text_blocks(content: Any, kind: str, timestamp: str | None, out: list[Message]) -> None:
    if not isinstance(content, list):
        return
    for block in content:
        if get_str(block, "type") == "text":
            text = get_str(block, "text")
            if text is not None and not is_blank(text):
                out.append(TextMessage("user" if kind == "user" else "assistant", text, timestamp))
