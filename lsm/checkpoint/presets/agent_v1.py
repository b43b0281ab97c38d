"""``agent-v1``: the generic JSON contract any agent can call (git-ai's ``agent_v1.rs``).

One JSON object, tagged by ``type`` (docs/agents.md has examples)::

    {"type": "human", "repo_working_dir": D, "will_edit_filepaths"?: [P], "dirty_files"?: {P: S}}
    {"type": "ai_agent", "repo_working_dir": D, "edited_filepaths"?: [P], "dirty_files"?: {P: S},
     "agent_name": S, "model": S, "conversation_id": S}
    {"type": "pre_shell_command" | "post_shell_command", "repo_working_dir": D,
     "agent_name": S, "model": S, "conversation_id": S, "tool_use_id"?: S, "command"?: S}

``human`` is the checkpoint before an edit (human, of the files about to be
edited); ``ai_agent`` the one after it (AI, of the edited files, with agent
``{tool: agent_name, id: conversation_id, model}``); the shell pair brackets a
command whose changes come from ``git status`` (``tool_use_id`` defaults to
``shell``, the command is kept as metadata). Relative paths resolve against
``repo_working_dir``. Fields of the wrong type, a missing required field and
an unknown ``type`` are refused (git-ai's serde does the same); unknown
fields are ignored.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import JsonObject, load_object, resolve
from lsm.checkpoint.request import CheckpointRequest
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS"]

_TYPES = ("human", "ai_agent", "pre_shell_command", "post_shell_command")
_HINT = "See docs/agents.md (the agent-v1 contract); nothing was written."


def _refuse(what: str) -> InputError:
    return InputError(f"invalid agent-v1 payload: {what}", hint=_HINT)


def _required(data: JsonObject, key: str, kind: str) -> str:
    value = data.get(key)
    if value is None and key not in data:
        raise _refuse(f"missing field `{key}` (required for type {kind!r})")
    if not isinstance(value, str):
        raise _refuse(f"`{key}` must be a string")
    return value


def _optional(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _refuse(f"`{key}` must be a string")
    return value


def _paths(data: JsonObject, key: str, cwd: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise _refuse(f"`{key}` must be an array of strings")
    # An empty string names the directory itself, which git-ai cannot read: dropped.
    return [resolve(p, cwd) for p in value if p]


def _dirty(data: JsonObject, cwd: str) -> dict[str, str] | None:
    value = data.get("dirty_files")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _refuse("`dirty_files` must be an object of path -> content strings")
    return {resolve(k, cwd): v for k, v in value.items()} or None


def _agent_v1(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in _TYPES:
        raise _refuse(f"`type` must be one of {', '.join(_TYPES)} (got {kind!r})")
    cwd = resolve(_required(data, "repo_working_dir", kind), inv.cwd)
    if kind == "human":
        return agent_event(
            pre=True,
            bash=False,
            cwd=cwd,
            agent=AgentId("human", "human", "human"),
            metadata={},
            tool_use_id=None,
            paths=_paths(data, "will_edit_filepaths", cwd),
            dirty_files=_dirty(data, cwd),
        )
    agent = AgentId(
        _required(data, "agent_name", kind),
        _required(data, "conversation_id", kind),
        _required(data, "model", kind),
    )
    if kind == "ai_agent":
        return agent_event(
            pre=False,
            bash=False,
            cwd=cwd,
            agent=agent,
            metadata={},
            tool_use_id=None,
            paths=_paths(data, "edited_filepaths", cwd),
            dirty_files=_dirty(data, cwd),
        )
    command = _optional(data, "command")
    tool_use_id = _optional(data, "tool_use_id")
    return agent_event(
        pre=kind == "pre_shell_command",
        bash=True,
        cwd=cwd,
        agent=agent,
        metadata={} if command is None else {"command": command},
        tool_use_id="shell" if tool_use_id is None else tool_use_id,
    )


HANDLERS = {"agent-v1": _agent_v1}
