"""Cursor transcripts (``~/.cursor/projects/<project>/agent-transcripts/<id>.jsonl``).

Each line is ``{"role": "user" | "assistant", "message": {"content": [...]}}``;
lines carry no timestamps. Follows ``read_cursor_jsonl`` in git-ai's legacy
``transcript_readers.rs`` (deleted in c26089615):

* user ``text`` items, trimmed and stripped of a ``<user_query>...</user_query>``
  wrapper, non-empty, are user messages (``tool_result`` items are not);
* assistant ``text`` (non-blank) is an assistant message, ``thinking`` too
  (as for Claude, see :data:`~lsm.transcripts.base.ThinkingMode`);
* a ``tool_use`` with a string ``name``: its input has Cursor's ``path``
  renamed ``file_path`` (and, for ``Write``, ``contents`` renamed ``content``);
  a ``Write``/``Edit`` of a ``.claude/plans/*.md`` file is a plan message
  (:mod:`lsm.transcripts.plans`); edit tools keep only ``{"file_path": ...}``
  (their content is the file itself); other tools keep the whole input.

Cursor's model is not in the transcript: it comes with the hook payload.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.claude import ClaudeParser
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.text import get, get_str, is_blank, rust_trim

__all__ = ["CursorParser"]

_EDIT_TOOLS = frozenset(
    {
        "Write",
        "Edit",
        "StrReplace",
        "Delete",
        "MultiEdit",
        "edit_file",
        "apply_patch",
        "edit_file_v2_apply_patch",
        "search_replace",
        "edit_file_v2_search_replace",
    }
)


def _strip_user_query(text: str) -> str:
    trimmed = rust_trim(text)
    prefix, suffix = "<user_query>", "</user_query>"
    wrapped = trimmed.startswith(prefix) and trimmed.endswith(suffix)
    if wrapped and len(trimmed) >= len(prefix) + len(suffix):
        return rust_trim(trimmed[len(prefix) : -len(suffix)])
    return trimmed


def _normalize_input(tool_name: str, tool_input: Any) -> Any:
    if not isinstance(tool_input, dict):
        return tool_input
    normalized = dict(tool_input)
    if "path" in normalized:
        path = normalized.pop("path")
        normalized.setdefault("file_path", path)
    if tool_name == "Write" and "contents" in normalized:
        contents = normalized.pop("contents")
        normalized.setdefault("content", contents)
    return normalized


class CursorParser(ClaudeParser):
    """Parser for Cursor lines; plan tracking and thinking blocks as for Claude."""

    agent = "cursor"

    def handle(self, entry: Any, out: list[Message]) -> None:
        role = get_str(entry, "role")
        content = get(get(entry, "message"), "content")
        if not isinstance(content, list):
            return
        if role == "user":
            for item in content:
                if get_str(item, "type") == "text":
                    text = get_str(item, "text")
                    if text is not None:
                        cleaned = _strip_user_query(text)
                        if cleaned:
                            out.append(TextMessage("user", cleaned))
        elif role == "assistant":
            for item in content:
                self._assistant_item(item, out)

    def _assistant_item(self, item: Any, out: list[Message]) -> None:
        kind = get_str(item, "type")
        if kind == "text":
            text = get_str(item, "text")
            if text is not None and not is_blank(text):
                out.append(TextMessage("assistant", text))
        elif kind == "thinking":
            text = get_str(item, "thinking")
            if text is not None and self._thinking != "drop" and not is_blank(text):
                out.append(TextMessage(self._thinking, text))
        elif kind == "tool_use":
            name = get_str(item, "name")
            if name is None:
                return
            tool_input = _normalize_input(name, item.get("input"))
            plan = self._plans.plan_for(name, tool_input)
            if plan is not None:
                out.append(TextMessage("plan", plan))
            elif name in _EDIT_TOOLS:
                path = get_str(tool_input, "file_path") or get_str(tool_input, "target_file")
                out.append(ToolUse(name, {"file_path": path or ""}))
            else:
                out.append(ToolUse(name, tool_input))
