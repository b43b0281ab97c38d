"""``cline``: Cline's PreToolUse/PostToolUse hook scripts (git-ai's ``cline.rs``).

* The payload is camelCase: ``hookName``, ``clineVersion``, ``taskId`` (the
  session) and ``workspaceRoots`` (the first is the working directory) are
  required; ``model`` is ``{provider, slug}`` (the slug, else the provider);
  the tool is ``preToolUse`` (or ``postToolUse``) ``{toolName, parameters}``.
  Other hooks (``TaskComplete``...) make no checkpoint.
* Tools (a ``functions.`` prefix stripped): ``replace_in_file``,
  ``write_to_file``, ``apply_patch``, ``editor``, ``edit``, ``write`` edit
  files; ``execute_command``, ``bash``, ``shell``, ``run_commands``,
  ``run_command`` run commands; other tools make no checkpoint.
* Paths come from ``parameters`` (:func:`~.parse.collect_tool_paths`, with
  the file contents left out so that a patch-looking text in ``content``
  does not count) and its ``paths`` array; JSON-encoded arrays in ``files``,
  ``paths``... are decoded first.
* Cline sends no tool use id: it is the first 16 hex digits of the SHA-256
  of ``taskId:toolName:<parameters as compact key-sorted JSON>``, the same
  for the pre and post hook of one call. Cline has no transcript file.
"""

from __future__ import annotations

import json

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    JsonObject,
    load_object,
    loads,
    normalized_tool_paths,
    opt_str,
    req_str,
    resolve,
    rust_trim,
)
from lsm.checkpoint.request import CheckpointRequest
from lsm.errors import InputError
from lsm.hashing import sha256
from lsm.model import AgentId

__all__ = ["HANDLERS", "tool_use_id"]

_FILE_TOOLS = frozenset(
    {"replace_in_file", "write_to_file", "apply_patch", "editor", "edit", "write"}
)
_BASH_TOOLS = frozenset({"execute_command", "bash", "shell", "run_commands", "run_command"})
_MULTI_VALUE_KEYS = frozenset({"files", "file_paths", "filepaths", "paths", "commands"})
_CONTENT_KEYS = frozenset({"content", "new_text", "old_text", "newtext", "oldtext"})
_RESULT_KEYS = ("result", "success", "execution_time_ms", "executionTimeMs")


def _lower(key: str) -> str:
    return key.lower() if key.isascii() else key


def _normalize(parameters: object) -> JsonObject:
    """``normalize_parameters``: JSON strings under multi-value keys decoded."""
    if not isinstance(parameters, dict):
        return {}
    out: JsonObject = {}
    for key, value in parameters.items():
        if _lower(key) in _MULTI_VALUE_KEYS and isinstance(value, str):
            try:
                out[key] = loads(value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


def _listed_paths(parameters: JsonObject, cwd: str) -> list[str]:
    """``extract_paths_from_parameters``: ``paths`` as strings or ``{"path": ...}`` items."""
    value = parameters.get("paths")
    if isinstance(value, str):
        try:
            value = loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        raw = item if isinstance(item, str) else opt_str(item, "path")
        if raw is not None and rust_trim(raw):
            out.append(resolve(rust_trim(raw), cwd))
    return out


def tool_use_id(task_id: str, tool_name: str, parameters: JsonObject) -> str:
    """``deterministic_tool_use_id``: 16 hex digits of sha256(task:tool:params JSON).

    The JSON is serde_json's ``to_string`` of a ``BTreeMap``-backed value:
    compact, keys sorted, non-ASCII kept. (Floats may print differently from
    serde's in rare exponent forms; Cline's parameters are strings.)
    """
    filtered = {k: v for k, v in parameters.items() if k not in _RESULT_KEYS}
    text = json.dumps(filtered, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    digest = sha256(f"{task_id}:{tool_name}:{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def _cline(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    hook_name = req_str(name, data, "hookName")
    req_str(name, data, "clineVersion")
    task_id = req_str(name, data, "taskId")
    roots = data.get("workspaceRoots")
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        raise InputError("workspaceRoots not found in cline hook input (an array of strings)")
    if hook_name not in ("PreToolUse", "PostToolUse"):
        return []  # TaskStart, TaskComplete, UserPromptSubmit...: no edit
    tool = data.get("preToolUse")
    if tool is None:
        tool = data.get("postToolUse")
    if not isinstance(tool, dict):
        raise InputError("cline hook input must contain preToolUse or postToolUse")
    tool_name = opt_str(tool, "toolName")
    if tool_name is None:
        raise InputError("toolName not found in the cline tool invocation")
    bare = tool_name.removeprefix("functions.")
    bash = bare in _BASH_TOOLS
    if not bash and bare not in _FILE_TOOLS:
        return []  # read_file, search_files, list_files...: nothing changes
    if not roots:
        raise InputError("cline hook input workspaceRoots is empty")
    cwd = roots[0]
    parameters = _normalize(tool.get("parameters"))
    without_content = {k: v for k, v in parameters.items() if _lower(k) not in _CONTENT_KEYS}
    paths = normalized_tool_paths(cwd, without_content)
    for path in _listed_paths(parameters, cwd):
        if path not in paths:
            paths.append(path)
    model = data.get("model")
    slug = opt_str(model, "slug") or ""
    provider = opt_str(model, "provider") or ""
    return agent_event(
        pre=hook_name == "PreToolUse",
        bash=bash,
        cwd=cwd,
        agent=AgentId("cline", task_id, slug or provider or UNKNOWN),
        metadata={"session_id": task_id, "tool_name": tool_name},
        tool_use_id=tool_use_id(task_id, tool_name, parameters),
        paths=paths,
    )


HANDLERS = {"cline": _cline}
