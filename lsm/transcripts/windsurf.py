"""Windsurf (Cascade) transcripts (``~/.windsurf/transcripts/<trajectory_id>.jsonl``).

Each line is ``{"type": T, "status", T: {...}}``: the data sits under a key
named like the type. Follows ``read_windsurf_jsonl`` in git-ai's legacy
``transcript_readers.rs``:

* ``user_input``: ``user_input.user_response``, trimmed, non-empty, is a user message;
* ``planner_response``: ``planner_response.response``, trimmed, non-empty,
  is an assistant message;
* ``code_action``: a tool use ``code_action`` of ``{"path", "new_content"}``
  (``null`` for a missing one);
* ``view_file``, ``run_command``, ``find``, ``grep_search``,
  ``list_directory``, ``list_resources``: a tool use of that name whose input
  is the nested object (``{}`` when absent);
* other types yield nothing. The line's ``timestamp`` is kept when present.

The model is not in the transcript (Windsurf sends ``model_name`` with the hook).
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import AgentParser
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.text import get, get_str, rust_trim

__all__ = ["WindsurfParser"]

_TOOL_TYPES = frozenset(
    {"view_file", "run_command", "find", "grep_search", "list_directory", "list_resources"}
)


class WindsurfParser(AgentParser):
    """Parser for Windsurf lines (stateless)."""

    agent = "windsurf"

    def __init__(self, *, state: dict[str, Any] | None = None) -> None:
        del state  # nothing is carried between lines

    def handle(self, entry: Any, out: list[Message]) -> None:
        kind = get_str(entry, "type")
        if kind is None:
            return
        timestamp = get_str(entry, "timestamp")
        inner = entry.get(kind)
        if kind == "user_input":
            text = get_str(inner, "user_response")
            if text is not None and rust_trim(text):
                out.append(TextMessage("user", rust_trim(text), timestamp))
        elif kind == "planner_response":
            text = get_str(inner, "response")
            if text is not None and rust_trim(text):
                out.append(TextMessage("assistant", rust_trim(text), timestamp))
        elif kind == "code_action":
            if kind in entry:  # present, even as null (serde's Some(Null))
                action = {"path": get(inner, "path"), "new_content": get(inner, "new_content")}
                out.append(ToolUse("code_action", action, timestamp))
        elif kind in _TOOL_TYPES:
            out.append(ToolUse(kind, entry.get(kind, {}), timestamp))

    def state(self) -> dict[str, Any]:
        return {}
