"""Claude Code transcripts (``~/.claude/projects/<project>/<session>.jsonl``).

One JSON object per line. ``type == "user"`` and ``type == "assistant"`` lines
carry ``message.content`` and a ``timestamp``; every other line type
(``summary``, ``file-history-snapshot``, ``system``, ``last-prompt``,
``permission-mode``, ...) yields nothing. Content rules: :mod:`lsm.transcripts.blocks`.
The model is not taken from here (git-ai's legacy parser took the first
assistant ``message.model``); see :func:`lsm.transcripts.models.claude_model`.
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.base import AgentParser, ThinkingMode
from lsm.transcripts.blocks import assistant_content, user_content
from lsm.transcripts.model import Message
from lsm.transcripts.plans import PlanTracker
from lsm.transcripts.text import get, get_str

__all__ = ["ClaudeParser"]


class ClaudeParser(AgentParser):
    """Parser for Claude Code lines (``read_claude_jsonl`` in git-ai's legacy readers).

    :param thinking: what thinking blocks become.
    :param max_plan_state_bytes: cap on the plan texts carried between calls.
    :param state: a previous call's :meth:`state`, to resume.
    """

    agent = "claude"

    def __init__(
        self,
        *,
        thinking: ThinkingMode = "assistant",
        max_plan_state_bytes: int,
        state: dict[str, Any] | None = None,
    ) -> None:
        plans = (state or {}).get("plans")
        self._thinking: ThinkingMode = thinking
        self._plans = PlanTracker(
            max_plan_state_bytes, _string_map(plans) if isinstance(plans, dict) else None
        )

    def handle(self, entry: Any, out: list[Message]) -> None:
        kind = get_str(entry, "type")
        if kind == "user":
            user_content(get(get(entry, "message"), "content"), get_str(entry, "timestamp"), out)
        elif kind == "assistant":
            assistant_content(
                get(get(entry, "message"), "content"),
                get_str(entry, "timestamp"),
                self._plans,
                self._thinking,
                out,
            )

    def state(self) -> dict[str, Any]:
        plans = self._plans.to_json()
        return {"plans": plans} if plans else {}

    def forgotten_plans(self) -> tuple[int, int]:
        return self._plans.forgotten, self._plans.forgotten_bytes


def _string_map(value: dict[Any, Any]) -> dict[str, str]:
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}
