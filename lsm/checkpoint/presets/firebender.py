"""``firebender``: Firebender's preToolUse/postToolUse hooks (git-ai's ``firebender.rs``).

* ``hook_event_name`` (``preToolUse`` or ``postToolUse``; the legacy
  ``beforeSubmitPrompt``/``afterFileEdit`` are refused) and ``model`` are
  required.
* Tools: ``Write``, ``Edit``, ``Delete``, ``RenameSymbol``, ``DeleteSymbol``
  edit files; ``Bash`` runs commands; other tools are refused.
* The working directory is ``repo_working_dir``, else the first of
  ``workspace_roots``. Paths: ``tool_input.file_path``, ``target_file``,
  ``relative_workspace_path``, ``path`` and the ``patch`` text (or a
  ``tool_input`` that is patch text itself).
* The session is ``completion_id`` (default: the time in ms); the agent id
  is ``firebender-<completion_id>``. Firebender has no transcript file.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    dirty_files,
    load_object,
    opt_str,
    or_default,
    patch_paths,
    req_str,
    resolve,
    rust_trim,
    str_list,
    tool_use_event,
    unsupported_tool,
)
from lsm.checkpoint.request import CheckpointRequest
from lsm.model import AgentId

__all__ = ["HANDLERS"]

_FILE_TOOLS = frozenset({"Write", "Edit", "Delete", "RenameSymbol", "DeleteSymbol"})
_PATH_KEYS = ("file_path", "target_file", "relative_workspace_path", "path")


def _raw_paths(tool_input: object) -> list[str]:
    raw: list[str] = []
    if isinstance(tool_input, dict):
        for key in _PATH_KEYS:
            value = opt_str(tool_input, key)
            if value is not None:
                raw.append(value)
        patch = opt_str(tool_input, "patch")
        if patch is not None:
            patch_paths(patch, raw)
    elif isinstance(tool_input, str):
        patch_paths(tool_input, raw)
    seen: list[str] = []
    for item in raw:
        trimmed = rust_trim(item)
        if trimmed and trimmed not in seen:
            seen.append(trimmed)
    return seen


def _relative_to(path: str, cwd: str) -> str:
    """Firebender's ``normalize_hook_path``: POSIX separators, relative to ``cwd`` if under it."""
    path = path.replace("\\", "/")
    root = rust_trim(cwd).replace("\\", "/").rstrip("/")
    if not root:
        return path
    if path == root:
        return ""
    return path.removeprefix(root + "/")


def _firebender(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    event = req_str(name, data, "hook_event_name")
    model = rust_trim(req_str(name, data, "model")) or UNKNOWN
    pre = tool_use_event("Firebender", event)
    tool_name = opt_str(data, "tool_name") or ""
    bash = tool_name == "Bash"
    if not bash and tool_name not in _FILE_TOOLS:
        raise unsupported_tool(
            "Firebender", tool_name, "Write, Edit, Delete, RenameSymbol, DeleteSymbol and Bash"
        )
    roots = str_list(data.get("workspace_roots"))
    cwd = rust_trim(opt_str(data, "repo_working_dir") or "") or (roots[0] if roots else inv.cwd)
    relative = [_relative_to(p, cwd) for p in _raw_paths(data.get("tool_input"))]
    # An empty relative path is the directory itself, which git-ai cannot read: dropped.
    paths = [resolve(p, cwd) for p in relative if p]
    completion_id = opt_str(data, "completion_id")
    if completion_id is None:
        import time

        completion_id = str(time.time_ns() // 1_000_000)
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId("firebender", f"firebender-{completion_id}", model),
        metadata={},
        tool_use_id=or_default(opt_str(data, "tool_use_id"), "bash"),
        paths=paths,
        dirty_files=dirty_files(data, cwd),
    )


HANDLERS = {"firebender": _firebender}
