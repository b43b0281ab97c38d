"""Continue CLI sessions (``~/.continue/sessions/<id>.json``): one JSON document.

The document is ``{"sessionId", "title", "history": [...]}``; each ``history``
item is one record (:mod:`lsm.transcripts.document`). Follows
``read_continue_json`` in git-ai's legacy ``transcript_readers.rs``:

* ``message.role == "user"``: a string ``content``, trimmed, non-empty, is a
  user message;
* ``message.role == "assistant"``: a string ``content`` (trimmed), or each
  non-blank ``text`` part (trimmed), is an assistant message; then each of
  the item's ``contextItems`` with a non-blank ``name`` is a tool use of its
  ``content`` (``{}`` when absent).

Timestamps are ``message.timestamp`` strings when present. The model comes
with the hook payload.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import AgentParser
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.text import get, get_str, is_blank, rust_trim

__all__ = ["ContinueParser"]


class ContinueParser(AgentParser):
    """Parser for Continue CLI history records (stateless)."""

    agent = "continue-cli"

    def __init__(self, *, state: dict[str, Any] | None = None) -> None:
        del state  # nothing is carried between records

    def handle(self, entry: Any, out: list[Message]) -> None:
        message = get(entry, "message")
        role = get_str(message, "role")
        timestamp = get_str(message, "timestamp")
        if role == "user":
            text = get_str(message, "content")
            if text is not None and rust_trim(text):
                out.append(TextMessage("user", rust_trim(text), timestamp))
        elif role == "assistant":
            content = message.get("content")
            if isinstance(content, str):
                if rust_trim(content):
                    out.append(TextMessage("assistant", rust_trim(content), timestamp))
            elif isinstance(content, list):
                for part in content:
                    if get_str(part, "type") == "text":
                        text = get_str(part, "text")
                        if text is not None and not is_blank(text):
                            out.append(TextMessage("assistant", rust_trim(text), timestamp))
            items = entry.get("contextItems")
            if isinstance(items, list):
                for item in items:
                    name = get_str(item, "name")
                    if name is not None and not is_blank(name):
                        out.append(ToolUse(name, item.get("content", {}), timestamp))

    def state(self) -> dict[str, Any]:
        return {}
