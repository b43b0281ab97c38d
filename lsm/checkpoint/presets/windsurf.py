"""``windsurf``: Windsurf (Cascade) hooks (git-ai's ``windsurf.rs``).

* ``trajectory_id`` is required (the session); ``agent_action_name`` says
  what happened: ``pre_write_code`` (pre edit), ``pre_run_command`` /
  ``post_run_command`` (a command), anything else (``post_write_code``,
  ``post_cascade_response_with_transcript``...) a post edit.
* ``tool_info`` carries ``cwd`` (else the top-level ``cwd``, else the
  command's directory), ``file_path``, ``execution_id`` (the tool use id,
  else top-level, else ``bash``), ``command`` and ``transcript_path``
  (default ``~/.windsurf/transcripts/<trajectory_id>.jsonl``).
* ``model_name`` is the model unless empty or ``Unknown``.
* Windsurf puts raw control characters (command output) inside JSON
  strings; they are accepted, as git-ai escapes them before parsing.
"""

from __future__ import annotations

import os

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import UNKNOWN, load_object, opt_str, req_str, resolve
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.model import AgentId

__all__ = ["HANDLERS"]


def _windsurf(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input, strict=False)
    trajectory_id = req_str(name, data, "trajectory_id")
    action = opt_str(data, "agent_action_name")
    tool_info = data.get("tool_info")
    cwd = opt_str(tool_info, "cwd") or opt_str(data, "cwd") or inv.cwd
    model = opt_str(data, "model_name")
    if not model or model == "Unknown":
        model = UNKNOWN
    transcript_path = opt_str(tool_info, "transcript_path") or os.path.join(
        inv.home(), ".windsurf", "transcripts", f"{trajectory_id}.jsonl"
    )
    execution_id = opt_str(tool_info, "execution_id") or opt_str(data, "execution_id") or "bash"
    file_path = opt_str(tool_info, "file_path")
    bash = action in ("pre_run_command", "post_run_command")
    return agent_event(
        pre=action in ("pre_run_command", "pre_write_code"),
        bash=bash,
        cwd=cwd,
        agent=AgentId("windsurf", trajectory_id, model),
        metadata={"transcript_path": transcript_path},
        tool_use_id=execution_id,
        paths=[] if file_path is None else [resolve(file_path, cwd)],
        transcript=TranscriptSource("windsurf", transcript_path, trajectory_id),
    )


HANDLERS = {"windsurf": _windsurf}
