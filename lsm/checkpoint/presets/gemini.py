"""``gemini``: Gemini CLI's BeforeTool/AfterTool hooks (git-ai's ``gemini.rs``).

* Tools: ``write_file``, ``replace``, ``WriteFile`` edit files;
  ``shell`` and ``run_shell_command`` run commands; other tools make no
  checkpoint; no ``tool_name`` is a (legacy) file edit.
* ``cwd``, ``session_id`` and ``transcript_path`` are required; the event is
  pre for ``BeforeTool`` (or ``PreToolUse``), post otherwise.
* Paths come from ``tool_input`` as for Claude, minus Gemini's own scratch
  files under ``$GEMINI_CLI_HOME/.gemini/tmp`` (default ``~/.gemini/tmp``).
* The model is read from the JSONL transcript (its messages carry ``model``).
"""

from __future__ import annotations

import os

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

_FILE_TOOLS = frozenset({"write_file", "replace", "WriteFile"})
_BASH_TOOLS = frozenset({"shell", "run_shell_command"})


def _under(path: str, directory: str) -> bool:
    """Rust's ``Path::starts_with``: whole components, ``.`` and repeated ``/`` ignored."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    prefix = [p for p in directory.split("/") if p not in ("", ".")]
    absolute = path.startswith("/")
    return absolute == directory.startswith("/") and parts[: len(prefix)] == prefix


def _gemini(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    tool_name = opt_str(data, "tool_name", "toolName")
    bash = tool_name in _BASH_TOOLS
    if tool_name is not None and not bash and tool_name not in _FILE_TOOLS:
        return []  # read_file, glob, grep_search...: nothing changes
    cwd = req_str(name, data, "cwd")
    session_id = req_str(name, data, "session_id")
    transcript_path = req_str(name, data, "transcript_path")
    event = opt_str(data, "hook_event_name", "hookEventName")
    gemini_home = inv.env.get("GEMINI_CLI_HOME") or inv.home()
    scratch = os.path.join(gemini_home, ".gemini", "tmp")
    paths = [p for p in tool_input_paths(data, cwd) if not _under(p, scratch)]
    return agent_event(
        pre=event in ("BeforeTool", "PreToolUse"),
        bash=bash,
        cwd=cwd,
        agent=AgentId("gemini", session_id, UNKNOWN),
        metadata={"transcript_path": transcript_path},
        tool_use_id=or_default(opt_str(data, "tool_use_id", "toolUseId"), "bash"),
        paths=paths,
        transcript=TranscriptSource("gemini", transcript_path, session_id),
    )


HANDLERS = {"gemini": _gemini}
