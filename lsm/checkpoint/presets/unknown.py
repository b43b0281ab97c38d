"""A preset name nothing knows: the edit is recorded anyway, as an AI checkpoint.

git-ai answers an unknown preset with "Unknown preset" and records nothing,
so a misspelt hook, or an agent newer than the installed tool, loses every
edit without anyone noticing. Here the edit is kept:

* the checkpoint is AI (``AiAgent``) with agent ``{tool: <preset name>,
  id: <session>, model}``; a payload that calls itself a pre-edit event
  (``PreToolUse``, ``BeforeTool``, ``before_edit``, ``pre_write_code``...)
  gets the human checkpoint every known preset gives that event instead;
* the payload, when it is a JSON object, is read with the keys the known
  presets use: the working directory (``cwd``, ``repo_working_dir``,
  ``workspace_folder``, the first of ``workspace_roots``), the session
  (``session_id``, ``conversation_id``, ``thread_id``, ``trajectory_id``,
  ``taskId``...), the model, ``tool_use_id``, and the files
  (``edited_filepaths``, ``will_edit_filepaths``, ``file_paths`` and any
  path in ``tool_input``); with no payload, the command line's paths;
* with no file named, every changed file is checkpointed (git-ai's shell
  event: a scoped ``git status``), so nothing is lost;
* one warning line says so, and names the known presets.

A payload that is not a JSON object is not an error here either: the
checkpoint falls back to ``git status`` and the warning says the payload was
unreadable.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    JsonObject,
    dirty_files,
    first_present,
    loads,
    normalized_tool_paths,
    opt_str,
    resolve,
    resolved_list,
    str_list,
    unique,
)
from lsm.checkpoint.request import CheckpointRequest
from lsm.model import AgentId

__all__ = ["MAX_TOOL_NAME", "PRE_EVENTS", "parse_unknown"]

#: Longest preset name kept as the tool name (longer ones are cut).
MAX_TOOL_NAME = 100
#: Event names that announce an edit about to happen (a human checkpoint).
PRE_EVENTS = frozenset(
    {
        "PreToolUse",
        "preToolUse",
        "pre_tool_use",
        "BeforeTool",
        "before_edit",
        "before_command",
        "pre_write_code",
        "pre_run_command",
        "pre_shell_command",
        "human",
    }
)
_EVENT_KEYS = ("hook_event_name", "hookEventName", "hookName", "agent_action_name", "type")
_SESSION_KEYS = (
    "session_id",
    "sessionId",
    "conversation_id",
    "conversationId",
    "thread_id",
    "threadId",
    "trajectory_id",
    "taskId",
    "chat_session_id",
    "chatSessionId",
)
_CWD_KEYS = ("cwd", "repo_working_dir", "workspace_folder", "workspaceFolder")


def parse_unknown(
    name: str, hook_input: str | None, inv: Invocation
) -> tuple[list[CheckpointRequest], str]:
    """The requests for preset ``name`` that no module knows, and the one warning to print."""
    from lsm.checkpoint.presets import PRESETS

    tool = name[:MAX_TOOL_NAME] or UNKNOWN
    known = ", ".join(PRESETS)
    warning = (
        f"unknown checkpoint preset {name!r}: recorded as an AI checkpoint with tool {tool!r} "
        f"(known presets: {known}; see docs/agents.md)"
    )
    if hook_input is None:
        paths = [resolve(p, inv.cwd) for p in inv.cli_paths]
        return _event(False, inv.cwd, paths, AgentId(tool, UNKNOWN, UNKNOWN), {}, None), warning
    data: object
    try:
        data = loads(hook_input)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        warning += "; its hook payload is not a JSON object, so every changed file was taken"
        return _event(False, inv.cwd, [], AgentId(tool, UNKNOWN, UNKNOWN), {}, None), warning
    return _from_payload(data, tool, inv), warning


def _event(
    pre: bool,
    cwd: str,
    paths: list[str],
    agent: AgentId,
    metadata: dict[str, str],
    dirty: dict[str, str] | None,
) -> list[CheckpointRequest]:
    """git-ai's file event for the named files, or its shell event (every change) for none."""
    return agent_event(
        pre=pre,
        bash=not paths,
        cwd=cwd,
        agent=agent,
        metadata={"unknown_preset": agent.tool, **metadata},
        tool_use_id=None,
        paths=paths,
        dirty_files=dirty,
    )


def _from_payload(data: JsonObject, tool: str, inv: Invocation) -> list[CheckpointRequest]:
    roots = str_list(first_present(data, "workspace_roots", "workspaceRoots"))
    cwd = opt_str(data, *_CWD_KEYS) or (roots[0] if roots else inv.cwd)
    event = opt_str(data, *_EVENT_KEYS)
    pre = event in PRE_EVENTS
    listed = "will_edit_filepaths" if pre else "edited_filepaths"
    paths = resolved_list(data.get(listed), cwd) + resolved_list(data.get("file_paths"), cwd)
    paths += normalized_tool_paths(cwd, first_present(data, "tool_input", "toolInput"))
    model = data.get("model")
    model_name = opt_str(data, "model", "model_name") or opt_str(model, "slug", "id")
    agent = AgentId(tool, opt_str(data, *_SESSION_KEYS) or UNKNOWN, model_name or UNKNOWN)
    metadata: dict[str, str] = {}
    tool_use_id = opt_str(data, "tool_use_id", "toolUseId")
    if tool_use_id is not None:
        metadata["tool_use_id"] = tool_use_id
    transcript_path = opt_str(data, "transcript_path", "transcriptPath")
    if transcript_path is not None:
        metadata["transcript_path"] = transcript_path
    return _event(pre, cwd, unique(paths), agent, metadata, dirty_files(data, cwd))
