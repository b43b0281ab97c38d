"""``cursor``, ``cursor-background``: Cursor's preToolUse/postToolUse hooks (``cursor.rs``).

* ``conversation_id``, ``workspace_roots`` (an array) and ``hook_event_name``
  are required; the event is ``preToolUse`` or ``postToolUse`` (the legacy
  ``beforeSubmitPrompt``/``afterFileEdit`` hooks are refused).
* Tools: ``Write``, ``Delete``, ``StrReplace``, ``ApplyPatch`` edit files,
  ``Shell`` runs commands; any other tool is refused, as git-ai refuses it.
* The path is ``tool_input.file_path`` (or ``path``, ``filePath``); for
  ``ApplyPatch`` without one, the patch text's ``*** Update File:`` lines.
* The working directory is the workspace root that holds the first path,
  else the first root. ``model`` comes with the payload (default ``unknown``);
  ``transcript_path`` (optional) is Cursor's JSONL transcript.
* ``cursor-background`` is the same, only inside Cursor's background-agent
  machines (``HOSTNAME=cursor``).
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    load_object,
    opt_str,
    or_default,
    patch_paths,
    req_str,
    resolve,
    str_list,
    tool_use_event,
    unsupported_tool,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS", "matching_root"]

_FILE_TOOLS = frozenset({"Write", "Delete", "StrReplace", "ApplyPatch"})


def matching_root(path: str, roots: list[str]) -> str | None:
    """The first root that ``path`` lies in (a whole-component prefix match)."""
    for root in roots:
        if path.startswith(root):
            rest = path[len(root) :]
            if not rest or rest[0] in "/\\" or root.endswith(("/", "\\")):
                return root
    return None


def _cursor(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    conversation_id = req_str(name, data, "conversation_id")
    roots_value = data.get("workspace_roots")
    if not isinstance(roots_value, list):
        raise InputError(f"workspace_roots not found in {name} hook input")
    roots = str_list(roots_value)
    event = req_str(name, data, "hook_event_name")
    model = or_default(opt_str(data, "model"), UNKNOWN)
    pre = tool_use_event("Cursor", event)
    tool_name = opt_str(data, "tool_name") or ""
    bash = tool_name == "Shell"
    if not bash and tool_name not in _FILE_TOOLS:
        raise unsupported_tool(
            "Cursor", tool_name, "Write, Delete, StrReplace, ApplyPatch and Shell"
        )
    tool_input = data.get("tool_input")
    file_path = opt_str(tool_input, "file_path", "path", "filePath") or ""
    patched: list[str] = []
    if not file_path and tool_name == "ApplyPatch":
        patch = tool_input if isinstance(tool_input, str) else opt_str(tool_input, "patch")
        if patch is not None:
            patch_paths(patch, patched)
    first = file_path or (patched[0] if patched else "")
    cwd = (matching_root(first, roots) if first else None) or (roots[0] if roots else None)
    if cwd is None:
        raise InputError(f"no workspace root found in {name} hook input")
    paths = [resolve(file_path, cwd)] if file_path else [resolve(p, cwd) for p in patched]
    transcript_path = opt_str(data, "transcript_path")
    metadata = {} if transcript_path is None else {"transcript_path": transcript_path}
    transcript = None
    if transcript_path is not None:
        transcript = TranscriptSource("cursor", transcript_path, conversation_id)
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId("cursor", conversation_id, model),
        metadata=metadata,
        tool_use_id=or_default(opt_str(data, "tool_use_id"), "bash"),
        paths=paths,
        transcript=transcript,
    )


def _cursor_background(
    name: str, hook_input: str | None, inv: Invocation
) -> list[CheckpointRequest]:
    if inv.env.get("HOSTNAME") != "cursor":
        raise InputError(
            "skipping cursor-background hook outside Cursor's background-agent environment",
            hint="Use the cursor preset on your own machine; nothing was written.",
        )
    return _cursor(name, hook_input, inv)


HANDLERS = {"cursor": _cursor, "cursor-background": _cursor_background}
