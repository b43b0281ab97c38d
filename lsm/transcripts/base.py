"""What every agent's line parser provides to the streaming driver."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Literal, TypeAlias

from lsm.transcripts.model import Message

__all__ = ["AgentParser", "ThinkingMode"]

#: What Claude and Droid ``thinking`` blocks become: ``assistant`` messages
#: (git-ai's legacy parsers), ``thinking`` messages, or nothing (``drop``).
ThinkingMode: TypeAlias = Literal["assistant", "thinking", "drop"]


class AgentParser(ABC):
    """Turns one parsed transcript line at a time into messages.

    A parser may keep state across lines (plans being edited, Codex's
    fallback latch, the latest model). :meth:`state` returns it as a JSON-ready
    dict, and the constructor takes it back, so that a parse can resume in a
    later call exactly where the previous one stopped.
    """

    #: The agent name (``claude``, ``codex``, ``droid``).
    agent: ClassVar[str]

    @abstractmethod
    def handle(self, entry: Any, out: list[Message]) -> None:
        """Append the messages of one parsed JSON line (any JSON value) to ``out``.

        Never raises for unexpected shapes: a line that is not what the agent
        writes yields nothing.
        """

    @abstractmethod
    def state(self) -> dict[str, Any]:
        """The state to carry into the next call (JSON-ready)."""

    def model(self) -> str | None:
        """The model seen in the lines parsed so far, if this agent tracks one."""
        return None

    def forgotten_plans(self) -> tuple[int, int]:
        """``(count, bytes)`` of plan texts dropped to stay under the plan-state cap."""
        return 0, 0
