"""Claude-style message content, shared by the Claude and Droid parsers.

Follows ``read_claude_jsonl`` and ``read_droid_jsonl`` in git-ai's legacy
``transcript_readers.rs`` (deleted in c26089615; semantics doc 4.4):

* user content: a string is one user message (kept untrimmed, skipped when
  blank); an array gives one user message per non-blank ``text`` item, and
  ``tool_result`` items (tool output, not human input) are dropped;
* assistant content (arrays only): ``text`` → assistant; ``thinking`` →
  assistant in git-ai (see :data:`~lsm.transcripts.base.ThinkingMode`);
  ``tool_use`` with a string ``name`` and an *object* ``input`` → a tool use,
  or a plan message for ``Write``/``Edit`` to ``.claude/plans/*.md``; every
  other item is skipped.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import ThinkingMode
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.plans import PlanTracker
from lsm.transcripts.text import get_str, is_blank

__all__ = ["assistant_content", "user_content"]


def user_content(content: Any, timestamp: str | None, out: list[Message]) -> None:
    """Append the user messages of a ``message.content`` value."""
    if isinstance(content, str):
        if not is_blank(content):
            out.append(TextMessage("user", content, timestamp))
        return
    if isinstance(content, list):
        for item in content:
            if get_str(item, "type") == "text":
                text = get_str(item, "text")
                if text is not None and not is_blank(text):
                    out.append(TextMessage("user", text, timestamp))


def assistant_content(
    content: Any,
    timestamp: str | None,
    plans: PlanTracker,
    thinking: ThinkingMode,
    out: list[Message],
) -> None:
    """Append the assistant, thinking, plan and tool-use messages of ``message.content``."""
    if not isinstance(content, list):
        return
    for item in content:
        kind = get_str(item, "type")
        if kind == "text":
            text = get_str(item, "text")
            if text is not None and not is_blank(text):
                out.append(TextMessage("assistant", text, timestamp))
        elif kind == "thinking":
            text = get_str(item, "thinking")
            if text is not None and thinking != "drop" and not is_blank(text):
                out.append(TextMessage(thinking, text, timestamp))
        elif kind == "tool_use":
            name = get_str(item, "name")
            tool_input = item.get("input")
            if name is None or not isinstance(tool_input, dict):
                continue
            plan = plans.plan_for(name, tool_input)
            if plan is not None:
                out.append(TextMessage("plan", plan, timestamp))
            else:
                out.append(ToolUse(name, tool_input, timestamp))
