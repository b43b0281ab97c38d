"""``droid``: Factory Droid's PreToolUse/PostToolUse hooks (git-ai's ``droid.rs``).

* Tools: ``ApplyPatch``, ``Edit``, ``Write``, ``Create`` edit files; ``Bash``
  and ``Execute`` run commands; other tools make no checkpoint; no
  ``tool_name`` is a (legacy) file edit.
* ``cwd`` and ``hookEventName`` are required; ``session_id`` defaults to
  ``droid-<ms>``; the path is ``tool_input.file_path`` (or ``filePath``),
  for ``ApplyPatch`` the patch text (``tool_input`` itself or
  ``tool_input.patch``), and on PostToolUse ``tool_response.file_path``.
* The transcript defaults to ``~/.factory/sessions/<cwd, / as ->/<session>.jsonl``
  and the model lives in the ``.settings.json`` beside it.
"""

from __future__ import annotations

import os

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    first_present,
    load_object,
    loads,
    opt_str,
    or_default,
    patch_paths,
    req_str,
    resolve,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS"]

_FILE_TOOLS = frozenset({"ApplyPatch", "Edit", "Write", "Create"})
_BASH_TOOLS = frozenset({"Bash", "Execute"})


def _droid(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    tool_name = opt_str(data, "tool_name", "toolName")
    bash = tool_name in _BASH_TOOLS
    if tool_name is not None and not bash and tool_name not in _FILE_TOOLS:
        return []  # Read, Grep, Glob, LS...: nothing changes
    session_id = opt_str(data, "session_id", "sessionId")
    if session_id is None:
        import time

        session_id = f"droid-{time.time_ns() // 1_000_000}"
    cwd = req_str(name, data, "cwd")
    event = opt_str(data, "hookEventName", "hook_event_name")
    if event is None:
        raise InputError("hookEventName not found in droid hook input")

    tool_input = first_present(data, "tool_input", "toolInput")
    paths: list[str] = []
    single = first_present(tool_input, "file_path", "filePath")
    if isinstance(single, str) and single:
        paths.append(resolve(single, cwd))
    if not paths and tool_name == "ApplyPatch":
        patch = tool_input if isinstance(tool_input, str) else opt_str(tool_input, "patch")
        raw: list[str] = []
        if patch is not None:
            patch_paths(patch, raw)
        paths = [resolve(p, cwd) for p in raw]
        if not paths and event == "PostToolUse":
            response = first_present(data, "tool_response", "toolResponse")
            if isinstance(response, str):
                try:
                    response = loads(response)
                except ValueError:
                    response = None
            found = first_present(response, "file_path", "filePath")
            if isinstance(found, str):
                paths.append(resolve(found, cwd))

    transcript_path = opt_str(data, "transcript_path", "transcriptPath")
    if transcript_path is not None:
        settings_path = transcript_path.replace(".jsonl", ".settings.json")
    else:
        base = os.path.join(inv.home(), ".factory", "sessions", cwd.replace("/", "-"))
        transcript_path = os.path.join(base, f"{session_id}.jsonl")
        settings_path = os.path.join(base, f"{session_id}.settings.json")
    metadata = {"transcript_path": transcript_path, "settings_path": settings_path}
    if tool_name is not None:
        metadata["tool_name"] = tool_name
    return agent_event(
        pre=event == "PreToolUse",
        bash=bash,
        cwd=cwd,
        agent=AgentId("droid", session_id, UNKNOWN),
        metadata=metadata,
        tool_use_id=or_default(opt_str(data, "tool_use_id", "toolUseId"), "bash"),
        paths=paths,
        transcript=TranscriptSource("droid", transcript_path, session_id, settings_path),
    )


HANDLERS = {"droid": _droid}
