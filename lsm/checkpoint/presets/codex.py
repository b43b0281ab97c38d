"""``codex``: Codex's PreToolUse/PostToolUse hooks (git-ai's ``codex.rs``).

* ``cwd`` is required; the session is the first of ``session_id``,
  ``thread_id``, ``thread-id``, ``hook_event.thread_id`` (required).
* ``hook_event_name`` must be ``PreToolUse`` or ``PostToolUse`` (Codex's
  ``Stop`` hook, which git-ai installs, is refused: nothing changes).
* Tools, with a ``functions.`` prefix stripped: ``apply_patch`` edits files;
  ``Bash``, ``exec_command``, ``shell``, ``shell_command`` and
  ``multi_tool_use.parallel`` run commands; anything else is refused, as
  git-ai refuses it.
* A PreToolUse edit names no file (git-ai sends none). PostToolUse paths
  come from anywhere in ``tool_input`` (:func:`~.parse.collect_tool_paths`),
  else from ``tool_response.output``'s ``M path`` summary lines.
* ``model`` from the hook wins over the transcript's.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    first_present,
    load_object,
    loads,
    normalized_tool_paths,
    opt_str,
    or_default,
    req_str,
    resolve,
    rust_trim,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS"]

_BASH_TOOLS = frozenset(
    {"Bash", "exec_command", "shell", "shell_command", "multi_tool_use.parallel"}
)


def _codex(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    cwd = req_str(name, data, "cwd")
    session_id = opt_str(data, "session_id", "thread_id", "thread-id")
    if session_id is None:
        session_id = opt_str(data.get("hook_event"), "thread_id")
    if session_id is None:
        raise InputError("session_id or thread_id not found in codex hook input")
    event = opt_str(data, "hook_event_name", "hookEventName")
    tool_name = opt_str(data, "tool_name", "toolName")
    bare = None if tool_name is None else tool_name.removeprefix("functions.")
    if event not in ("PreToolUse", "PostToolUse"):
        raise InputError(f"unsupported Codex hook_event_name: {event or '<missing>'}")
    bash = bare in _BASH_TOOLS
    if not bash and bare != "apply_patch":
        raise InputError(
            f"skipping Codex {event} for unsupported tool {tool_name or UNKNOWN}",
            hint="Only apply_patch and shell tools change files; nothing was written.",
        )
    pre = event == "PreToolUse"
    transcript_path = opt_str(data, "transcript_path")
    metadata = {} if transcript_path is None else {"transcript_path": transcript_path}
    transcript = None
    if transcript_path is not None:
        transcript = TranscriptSource("codex", transcript_path, session_id)
    paths: list[str] = []
    if not pre and not bash:  # git-ai sends no file for a Codex PreToolUse edit
        paths = normalized_tool_paths(cwd, first_present(data, "tool_input", "toolInput"))
        paths = paths or _tool_response_paths(data.get("tool_response"), cwd)
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId("codex", session_id, or_default(opt_str(data, "model"), UNKNOWN)),
        metadata=metadata,
        tool_use_id=or_default(opt_str(data, "tool_use_id", "toolUseId"), "bash"),
        paths=paths,
        transcript=transcript,
    )


def _tool_response_paths(tool_response: object, cwd: str) -> list[str]:
    """``A path`` / ``M path`` lines of ``tool_response.output`` (apply_patch's summary)."""
    output = ""
    if isinstance(tool_response, str):
        output = tool_response
        try:
            parsed = loads(tool_response)
        except ValueError:
            parsed = None
        inner = opt_str(parsed, "output")
        if inner is not None:
            output = inner
    elif isinstance(tool_response, dict):
        output = opt_str(tool_response, "output") or ""
    paths: list[str] = []
    for line in output.split("\n"):
        trimmed = rust_trim(line)
        if len(trimmed) > 2 and trimmed[1] == " " and trimmed[0] in "AMDRU":
            path = rust_trim(trimmed[2:])
            if path:
                resolved = resolve(path, cwd)
                if resolved not in paths:
                    paths.append(resolved)
    return paths


HANDLERS = {"codex": _codex}
