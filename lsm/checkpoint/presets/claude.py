"""``claude``: Claude Code's PreToolUse/PostToolUse hooks (git-ai's ``claude.rs``).

* Tools (``bash_tool.rs`` ``classify_tool``): ``Write``, ``Edit``,
  ``MultiEdit``, ``NotebookEdit`` edit files; ``Bash`` runs commands; any
  other tool (``Read``, ``Grep``, ``Glob``, ``TodoWrite``...) makes no
  checkpoint; no ``tool_name`` at all is a (legacy) file edit.
* ``cwd`` and ``transcript_path`` are required; ``session_id`` defaults to
  the transcript's file stem; the paths are ``tool_input.file_path`` (or
  ``filepath``, ``path``, or the arrays ``file_paths``/``filepaths``/``files``).
* ``hook_event_name == "PreToolUse"`` is the pre event; anything else is post.
* VS Code (Copilot) and Cursor payloads sent to this preset are refused.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    file_stem,
    load_object,
    opt_str,
    or_default,
    req_str,
    tool_input_paths,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS"]

_FILE_TOOLS = frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"})


def _claude(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    transcript_path = opt_str(data, "transcript_path")
    if transcript_path is not None:
        lower = transcript_path.lower()
        copilot = ("github copilot" in lower or "github.copilot" in lower) and (
            ".claude" not in lower
        )
    else:
        copilot = "extensionId" in data
    if copilot:
        raise InputError(
            "this is a VS Code (GitHub Copilot) hook payload, not Claude Code's",
            hint="Use the github-copilot hooks for VS Code; nothing was written.",
        )
    if "cursor_version" in data or (transcript_path is not None and ".cursor" in transcript_path):
        raise InputError(
            "this is a Cursor hook payload, not Claude Code's",
            hint="Use the cursor hooks for Cursor; nothing was written.",
        )
    tool_name = opt_str(data, "tool_name", "toolName")
    bash = tool_name == "Bash"
    if tool_name is not None and not bash and tool_name not in _FILE_TOOLS:
        return []  # Read, Grep, Glob, LS, TodoWrite, WebFetch...: nothing changes
    cwd = req_str(name, data, "cwd")
    transcript_path = req_str(name, data, "transcript_path")
    session_id = opt_str(data, "session_id")
    if session_id is None:
        session_id = file_stem(transcript_path) or UNKNOWN
    pre = opt_str(data, "hook_event_name", "hookEventName") == "PreToolUse"
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId("claude", session_id, UNKNOWN),
        metadata={"transcript_path": transcript_path},
        tool_use_id=or_default(opt_str(data, "tool_use_id", "toolUseId"), "bash"),
        paths=tool_input_paths(data, cwd),
        transcript=TranscriptSource("claude", transcript_path, session_id),
    )


HANDLERS = {"claude": _claude}
