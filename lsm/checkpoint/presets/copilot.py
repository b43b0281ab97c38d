"""``github-copilot``: VS Code's Copilot and the Copilot CLI (git-ai's ``github_copilot/``).

One preset, three payload shapes, told apart as git-ai tells them:

* ``hook_event_name`` (or ``hookEventName``; default ``after_edit``)
  ``before_edit`` / ``after_edit``: **the git-ai VS Code extension**.
  ``workspace_folder`` is the working directory; ``before_edit`` needs a
  non-empty ``will_edit_filepaths``; ``after_edit`` needs
  ``chat_session_path`` (the chat session file, the transcript) and takes
  ``edited_filepaths``. ``dirty_files`` (or ``dirtyFiles``) override contents.
* ``PreToolUse`` / ``PostToolUse`` with a ``transcript_path`` (or
  ``chat_session_path``): **VS Code's native agent hooks**. The tool must be
  an edit tool (names with edit/write/replace, ``create_file``,
  ``delete_file``...; read/search/list tools are refused) or
  ``run_in_terminal``; the paths come from ``tool_input`` and
  ``tool_response``; a transcript path that looks like Claude's, or like no
  Copilot transcript, is refused. ``create_file`` starts from empty content.
  PostToolUse waits 80 ms first: VS Code fires it before the file is on disk
  (microsoft/vscode#315926), as git-ai does.
* ``PreToolUse`` / ``PostToolUse`` without one: **the Copilot CLI** (agent
  tool ``github-copilot-cli``, metadata ``source=copilot-cli``). Tools
  ``bash``/``powershell`` (any case spelling git-ai knows) run commands;
  ``create``, ``str_replace``, ``edit``, ``apply_patch``, ``Edit``, ``Write``...
  edit files; others are refused. The tool use id defaults to
  ``cli-<session>-<tool>``; the transcript is
  ``~/.copilot/session-state/<session>/events.jsonl`` when it exists.

The session is ``chat_session_id``, ``session_id``, ``chatSessionId`` or
``sessionId`` (default ``unknown``). Native and legacy VS Code hooks send no
model: it is read from the transcript.
"""

from __future__ import annotations

import os

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    JsonObject,
    dirty_files,
    first_present,
    load_object,
    normalized_tool_paths,
    opt_str,
    or_default,
    resolve,
    str_list,
    unsupported_tool,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId

__all__ = ["HANDLERS", "POST_TOOL_USE_DELAY_S", "transcript_format"]

#: How long a native VS Code PostToolUse waits for the editor to write the file.
POST_TOOL_USE_DELAY_S = 0.080

_TOOL = "github-copilot"
_CLI_TOOL = "github-copilot-cli"
_TRANSCRIPT_KEYS = ("transcript_path", "transcriptPath", "chat_session_path", "chatSessionPath")
_NON_EDIT_WORDS = (
    "find",
    "search",
    "read",
    "grep",
    "glob",
    "list",
    "ls",
    "fetch",
    "web",
    "open",
    "todo",
)
_EDIT_TOOLS = frozenset(
    {
        "write",
        "edit",
        "multiedit",
        "applypatch",
        "apply_patch",
        "copilot_insertedit",
        "copilot_replacestring",
        "vscode_editfile_internal",
        "create_file",
        "delete_file",
        "rename_file",
        "move_file",
        "replace_string_in_file",
        "insert_edit_into_file",
    }
)
_CLI_BASH = frozenset({"bash", "powershell", "Bash", "PowerShell", "Powershell"})
_CLI_EDIT = frozenset(
    {
        "create",
        "str_replace",
        "edit",
        "str_replace_editor",
        "apply_patch",
        "git_apply_patch",
        "Edit",
        "Write",
        "MultiEdit",
        "NotebookEdit",
    }
)


def _session_id(data: JsonObject) -> str:
    return or_default(
        opt_str(data, "chat_session_id", "session_id", "chatSessionId", "sessionId"), UNKNOWN
    )


def _dirty(data: JsonObject, cwd: str) -> dict[str, str] | None:
    key = "dirty_files" if isinstance(data.get("dirty_files"), dict) else "dirtyFiles"
    return dirty_files(data, cwd, key)


def transcript_format(path: str) -> str:
    """The transcript parser for a VS Code chat file: ``copilot-session`` for a
    JSON document (``.json``), ``copilot`` for the JSONL event stream (and
    the JSONL form of chat sessions)."""
    return "copilot-session" if path.lower().endswith(".json") else "copilot"


def _copilot(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    event = or_default(opt_str(data, "hook_event_name", "hookEventName"), "after_edit")
    if event in ("before_edit", "after_edit"):
        return _extension(data, event)
    if event in ("PreToolUse", "PostToolUse"):
        if opt_str(data, *_TRANSCRIPT_KEYS) is None:
            return _cli(data, event, inv)
        return _native(data, event)
    raise InputError(
        f"invalid hook_event_name: {event}. Expected one of 'before_edit', 'after_edit', "
        "'PreToolUse', or 'PostToolUse'"
    )


def _extension(data: JsonObject, event: str) -> list[CheckpointRequest]:
    """The git-ai VS Code extension's before_edit/after_edit."""
    cwd = opt_str(data, "workspace_folder", "workspaceFolder")
    if cwd is None:
        raise InputError(
            "workspace_folder or workspaceFolder not found in github-copilot hook input"
        )
    session_id = _session_id(data)
    agent = AgentId(_TOOL, session_id, UNKNOWN)
    if event == "before_edit":
        if not isinstance(data.get("will_edit_filepaths"), list):
            raise InputError("will_edit_filepaths is required for before_edit hook_event_name")
        paths = [resolve(p, cwd) for p in str_list(data["will_edit_filepaths"])]
        if not paths:
            raise InputError("will_edit_filepaths cannot be empty for before_edit hook_event_name")
        return agent_event(
            pre=True,
            bash=False,
            cwd=cwd,
            agent=agent,
            metadata={},
            tool_use_id=None,
            paths=paths,
            dirty_files=_dirty(data, cwd),
        )
    chat_session = opt_str(data, "chat_session_path", "chatSessionPath")
    if chat_session is None:
        raise InputError(
            "chat_session_path or chatSessionPath not found in hook input for after_edit"
        )
    return agent_event(
        pre=False,
        bash=False,
        cwd=cwd,
        agent=agent,
        metadata={"chat_session_path": chat_session},
        tool_use_id=None,
        paths=[resolve(p, cwd) for p in str_list(data.get("edited_filepaths"))],
        dirty_files=_dirty(data, cwd),
        transcript=TranscriptSource(transcript_format(chat_session), chat_session, session_id),
    )


def _supported_vscode_tool(tool_name: str) -> bool:
    lower = tool_name.lower() if tool_name.isascii() else tool_name
    if lower == "run_in_terminal":
        return True
    if any(word in lower for word in _NON_EDIT_WORDS):
        return False
    return lower in _EDIT_TOOLS or "edit" in lower or "write" in lower or "replace" in lower


def _looks_like_claude(path: str) -> bool:
    normalized = path.replace("\\", "/").lower()
    return "/.claude/" in normalized or "/claude/projects/" in normalized


def _looks_like_copilot(path: str) -> bool:
    normalized = path.replace("\\", "/").lower()
    return (
        "/github.copilot-chat/transcripts/" in normalized
        or "vscode-chat-session" in normalized
        or "copilot_session" in normalized
        or ("/workspacestorage/" in normalized and "/chatsessions/" in normalized)
    )


def _native(data: JsonObject, event: str) -> list[CheckpointRequest]:
    """VS Code's own agent hooks (a transcript path is present)."""
    cwd = opt_str(data, "cwd", "workspace_folder", "workspaceFolder")
    if cwd is None:
        raise InputError("cwd not found in github-copilot hook input")
    session_id = _session_id(data)
    tool_name = or_default(opt_str(data, "tool_name", "toolName"), UNKNOWN)
    if not _supported_vscode_tool(tool_name):
        raise unsupported_tool("VS Code", tool_name, "edit, write, replace and terminal tools")
    paths = normalized_tool_paths(
        cwd,
        first_present(data, "tool_input", "toolInput"),
        first_present(data, "tool_response", "toolResponse"),
    )
    transcript_path = opt_str(data, *_TRANSCRIPT_KEYS) or ""
    if _looks_like_claude(transcript_path):
        raise InputError(
            "skipping VS Code hook because transcript_path looks like a Claude transcript path",
            hint="Claude Code's hooks use the claude preset; nothing was written.",
        )
    if not _looks_like_copilot(transcript_path):
        raise InputError(
            f"skipping VS Code hook for non-Copilot session (tool_name: {tool_name})",
            hint="Only GitHub Copilot chat sessions are recorded by this preset; "
            "nothing was written.",
        )
    bash = (tool_name.lower() if tool_name.isascii() else tool_name) == "run_in_terminal"
    pre = event == "PreToolUse"
    dirty = _dirty(data, cwd)
    if not bash:
        if not paths:
            raise InputError(
                f"no editable file paths found in VS Code {event} hook input "
                f"(tool_name: {tool_name}); skipping checkpoint"
            )
        if pre and tool_name.lower() == "create_file":
            dirty = dict.fromkeys(paths, "")  # a new file: the human state before it is empty
        if not pre:
            import time

            time.sleep(POST_TOOL_USE_DELAY_S)
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId(_TOOL, session_id, UNKNOWN),
        metadata={"transcript_path": transcript_path, "chat_session_path": transcript_path},
        tool_use_id=or_default(opt_str(data, "tool_use_id", "toolUseId"), UNKNOWN),
        paths=paths,
        dirty_files=dirty,
        transcript=TranscriptSource(
            transcript_format(transcript_path), transcript_path, session_id
        ),
    )


def _cli(data: JsonObject, event: str, inv: Invocation) -> list[CheckpointRequest]:
    """The Copilot CLI's hooks (no transcript path in the payload)."""
    cwd = opt_str(data, "cwd", "workspace_folder", "workspaceFolder")
    if cwd is None:
        raise InputError("cwd not found in github-copilot hook input")
    session_id = _session_id(data)
    tool_name = or_default(opt_str(data, "tool_name", "toolName"), UNKNOWN)
    bash = tool_name in _CLI_BASH
    if not bash and tool_name not in _CLI_EDIT:
        raise unsupported_tool("Copilot CLI", tool_name, "its shell and edit tools")
    paths = normalized_tool_paths(
        cwd,
        first_present(data, "tool_input", "toolInput"),
        first_present(data, "tool_result", "toolResult", "tool_response"),
    )
    pre = event == "PreToolUse"
    dirty = _dirty(data, cwd)
    if not bash:
        if not paths:
            raise InputError(f"no file paths in Copilot CLI {tool_name} {event} tool_input")
        if pre and tool_name in ("create", "Write"):
            dirty = dict.fromkeys(paths, "")  # full-file creation: an empty baseline
    events = os.path.join(inv.home(), ".copilot", "session-state", session_id, "events.jsonl")
    transcript = None
    if os.path.exists(events):
        transcript = TranscriptSource("copilot", events, session_id)
    return agent_event(
        pre=pre,
        bash=bash,
        cwd=cwd,
        agent=AgentId(_CLI_TOOL, session_id, UNKNOWN),
        metadata={"source": "copilot-cli"},
        tool_use_id=or_default(
            opt_str(data, "tool_use_id", "toolUseId"), f"cli-{session_id}-{tool_name}"
        ),
        paths=paths,
        dirty_files=dirty,
        transcript=transcript,
    )


HANDLERS = {"github-copilot": _copilot}
