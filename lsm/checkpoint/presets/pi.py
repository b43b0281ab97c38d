"""``pi``: the Pi coding agent, through git-ai's Pi extension (git-ai's ``pi.rs``).

* ``hook_event_name``, ``session_id``, ``session_path`` (the JSONL
  transcript), ``cwd``, ``model`` and ``tool_name`` are required.
* Events: ``before_edit``/``after_edit`` with ``will_edit_filepaths`` /
  ``edited_filepaths`` (required non-empty), and ``before_command`` /
  ``after_command``. Any other event is refused.
* Tools: ``edit``, ``write``, ``replace``, ``rename`` edit files, ``bash``
  runs commands, others are refused; an edit event with a bash tool (or
  the reverse) is refused.
* ``model`` loses its provider prefix (``anthropic/claude-x`` -> ``claude-x``).
* Metadata: ``session_path``, ``tool_name``, ``tool_name_raw`` (when given).
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    dirty_files,
    load_object,
    opt_str,
    req_str,
    resolved_list,
    rust_trim,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS", "strip_provider"]

_FILE_TOOLS = frozenset({"edit", "write", "replace", "rename"})
_EVENTS = ("before_edit", "after_edit", "before_command", "after_command")


def strip_provider(model: str) -> str:
    """``anthropic/claude-sonnet-4-5`` -> ``claude-sonnet-4-5`` (a bare name is kept)."""
    _provider, slash, rest = model.rpartition("/")
    return rest if slash and rest else model


def _pi(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    event = req_str(name, data, "hook_event_name")
    session_id = req_str(name, data, "session_id")
    session_path = req_str(name, data, "session_path")
    cwd = req_str(name, data, "cwd")
    model = req_str(name, data, "model")
    tool_name = req_str(name, data, "tool_name")
    if event not in _EVENTS:
        raise InputError(f"unsupported Pi hook_event_name: {event}")
    bash = tool_name == "bash"
    if not bash and tool_name not in _FILE_TOOLS:
        raise InputError(f"unsupported Pi tool_name: {tool_name}")
    command_event = event in ("before_command", "after_command")
    if command_event and not bash:
        raise InputError("Pi before_command/after_command events require a bash tool")
    if bash and not command_event:
        raise InputError("Pi before_edit/after_edit events cannot be used with bash tools")
    pre = event.startswith("before_")
    paths: list[str] = []
    if not command_event:
        key = "will_edit_filepaths" if pre else "edited_filepaths"
        paths = resolved_list(data.get(key), cwd)
        if not paths:
            raise InputError(f"Pi {event} payload requires non-empty {key}")
    metadata = {"session_path": session_path, "tool_name": tool_name}
    raw_name = opt_str(data, "tool_name_raw")
    if raw_name is not None and rust_trim(raw_name):
        metadata["tool_name_raw"] = raw_name
    tool_use_id = opt_str(data, "tool_use_id")
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId("pi", session_id, strip_provider(rust_trim(model)) or UNKNOWN),
        metadata=metadata,
        tool_use_id=("bash" if tool_use_id is None else tool_use_id) if bash else tool_use_id,
        paths=paths,
        dirty_files=dirty_files(data, cwd),
        transcript=TranscriptSource("pi", session_path, session_id),
    )


HANDLERS = {"pi": _pi}
