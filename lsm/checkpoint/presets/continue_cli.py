"""``continue-cli``: Continue CLI's PreToolUse/PostToolUse hooks (git-ai's ``continue_cli.rs``).

* ``cwd``, ``session_id`` and ``transcript_path`` are required; ``model``
  comes with the payload (default ``unknown``).
* ``terminal`` and ``local_shell_call`` run commands; every other tool (or
  none) is a file edit whose paths come from ``tool_input`` as for Claude.
  Continue CLI sends read-only tools too: with no path they make no checkpoint.
* ``hook_event_name == "PreToolUse"`` is the pre event; anything else is post.
* The transcript is Continue's session JSON document (``{"history": [...]}``).
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    load_object,
    opt_str,
    or_default,
    req_str,
    tool_input_paths,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.model import AgentId

__all__ = ["HANDLERS"]

_BASH_TOOLS = frozenset({"terminal", "local_shell_call"})


def _continue(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    cwd = req_str(name, data, "cwd")
    session_id = req_str(name, data, "session_id")
    transcript_path = req_str(name, data, "transcript_path")
    tool_name = opt_str(data, "tool_name", "toolName")
    event = opt_str(data, "hook_event_name", "hookEventName")
    return agent_event(
        pre=event == "PreToolUse",
        bash=tool_name in _BASH_TOOLS,
        cwd=cwd,
        agent=AgentId("continue-cli", session_id, or_default(opt_str(data, "model"), UNKNOWN)),
        metadata={"transcript_path": transcript_path},
        tool_use_id=or_default(opt_str(data, "tool_use_id"), "bash"),
        paths=tool_input_paths(data, cwd),
        transcript=TranscriptSource("continue-cli", transcript_path, session_id),
    )


HANDLERS = {"continue-cli": _continue}
