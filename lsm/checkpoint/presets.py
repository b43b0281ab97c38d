"""Presets: turn ``checkpoint [PRESET] [--hook-input JSON] [PATHS]`` into requests.

Each preset mirrors one of git-ai's (``src/commands/checkpoint_agent/presets/``)
and its orchestrator's event -> checkpoint mapping (``orchestrator.rs``):

========================  ==========  =========  ==========  ==============================
event                     kind        path role  agent kept  metadata added
========================  ==========  =========  ==========  ==============================
PreToolUse, file edit     Human       WILL_EDIT  yes         ``tool_use_id``
PostToolUse, file edit    AiAgent     EDITED     yes         ``tool_use_id``,
                          (AiTab for                         ``edit_kind=file_edit``
                          ``ai_tab``)
PreToolUse, Bash          Human       WILL_EDIT  no          ``tool_use_id``
PostToolUse, Bash         AiAgent     EDITED     yes         ``tool_use_id``, ``edit_kind=bash``
known_human save          KnownHuman  EDITED     no          ``kh_editor``, ``kh_editor_version``,
                                                             ``kh_extension_version``
human                     Human       WILL_EDIT  no          --
========================  ==========  =========  ==========  ==============================

Bash events name no files: git-ai diffs a stat snapshot taken around the
command; here they become ``discover=True`` requests (a scoped ``git
status``). A file event that names no file yields no request, as in git-ai
(it builds one request per repository of the named files). Read-only and
unknown tools of Claude and Droid (``Read``, ``Grep``, ``Glob``, ``LS``,
``TodoWrite``...) yield no request; Codex, like git-ai, rejects them.

This module is on the hook's hot path: it imports nothing heavy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping

from lsm.checkpoint.request import CheckpointRequest, PathRole, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId, CheckpointKind

__all__ = ["PRESETS", "parse_invocation"]

_UNKNOWN = "unknown"
_PRE = "PreToolUse"

# bash_tool.rs ``classify_tool``: anything not listed is skipped.
_FILE_EDIT = "file_edit"
_BASH = "bash"
_SKIP = "skip"
_CLAUDE_TOOLS = {
    "Write": _FILE_EDIT,
    "Edit": _FILE_EDIT,
    "MultiEdit": _FILE_EDIT,
    "NotebookEdit": _FILE_EDIT,
    "Bash": _BASH,
}
_DROID_TOOLS = {
    "ApplyPatch": _FILE_EDIT,
    "Edit": _FILE_EDIT,
    "Write": _FILE_EDIT,
    "Create": _FILE_EDIT,
    "Bash": _BASH,
    "Execute": _BASH,
}
_CODEX_TOOLS = {
    "apply_patch": _FILE_EDIT,
    "Bash": _BASH,
    "exec_command": _BASH,
    "shell": _BASH,
    "shell_command": _BASH,
    "multi_tool_use.parallel": _BASH,
}

_PATCH_PREFIXES = ("*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: ")
_CODEX_SINGLE_KEYS = frozenset({"file_path", "filepath", "path", "fspath"})
_CODEX_MULTI_KEYS = frozenset({"files", "filepaths", "file_paths"})

JsonObject = dict[str, object]


class _Invocation:
    """The command line, as the presets see it."""

    __slots__ = ("cli_paths", "cwd", "editor", "editor_version", "env", "extension_version")

    def __init__(
        self,
        cli_paths: list[str],
        cwd: str,
        editor: str | None,
        editor_version: str | None,
        extension_version: str | None,
        env: Mapping[str, str],
    ) -> None:
        self.cli_paths = cli_paths
        self.cwd = cwd
        self.editor = editor
        self.editor_version = editor_version
        self.extension_version = extension_version
        self.env = env


def parse_invocation(
    preset: str | None,
    hook_input: str | None,
    cli_paths: list[str],
    *,
    cwd: str,
    editor: str | None,
    editor_version: str | None,
    extension_version: str | None,
    env: Mapping[str, str],
) -> list[CheckpointRequest]:
    """Parse one ``checkpoint`` invocation into zero or more requests.

    :param preset: the preset name; ``None`` means ``human``.
    :param hook_input: the hook's JSON payload (already read from stdin), or
        ``None`` when the command line gave none.
    :param cli_paths: file arguments (used by ``human``, ``known_human`` and
        the mock presets when there is no hook input), relative to ``cwd``.
    :param cwd: the directory the command runs in; the fallback when the
        hook input names none.
    :param editor: ``--editor`` (``known_human``); likewise the versions.
    :param env: the environment (``HOME`` for Droid's default transcript).
    :returns: the requests; empty means "nothing to do" (a read-only tool,
        an edit that names no file), which is a success.
    :raises InputError: unknown preset, malformed hook JSON, or a required
        hook field missing.
    """
    name = "human" if preset is None else preset
    handler = PRESETS.get(name)
    if handler is None:
        raise InputError(
            f"unknown checkpoint preset {name!r}",
            hint="Use one of: " + ", ".join(PRESETS) + ".",
        )
    if hook_input is not None:
        if hook_input.startswith("\ufeff"):
            hook_input = hook_input[1:]
        if not hook_input.strip():
            raise InputError(
                "--hook-input requires a value (it was empty)",
                hint="Pass the hook's JSON payload, or `--hook-input stdin` to read it.",
            )
    inv = _Invocation(cli_paths, cwd, editor, editor_version, extension_version, env)
    return handler(name, hook_input, inv)


# --- JSON helpers (presets/parse.rs) ------------------------------------------------------------


def _load_object(preset: str, hook_input: str | None) -> JsonObject:
    if hook_input is None:
        raise InputError(
            f"the {preset} preset needs the hook's JSON payload",
            hint="Pass --hook-input JSON or --hook-input stdin (as the agent's hook does).",
        )
    try:
        data = _loads(hook_input)
    except ValueError as exc:
        raise InputError(f"invalid JSON in {preset} hook input: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(
            f"{preset} hook input must be a JSON object, not {_json_type(data)}",
        )
    return data


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _loads(text: str) -> object:
    """Parse strict JSON as orjson (and git-ai's serde_json) do, with the stdlib.

    The stdlib ``json`` costs a hook far less to import than orjson. Like
    orjson it rejects ``NaN``/``Infinity`` and text that is not valid UTF-8
    (surrogates). Every failure is a ValueError (``json.JSONDecodeError``
    is one), nesting too deep included.
    """
    try:
        text.encode()
    except UnicodeEncodeError:
        raise ValueError("str is not valid UTF-8: surrogates not allowed") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("recursion limit reached (nested too deeply)") from None


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _opt_str(data: object, *keys: str) -> str | None:
    """The first of ``keys`` whose value is a string (serde's ``optional_str_multi``)."""
    if not isinstance(data, dict):
        return None
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


def _or(value: str | None, default: str) -> str:
    return default if value is None else value


def _req_str(preset: str, data: JsonObject, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise InputError(f"{key} not found in {preset} hook input")
    return value


def _first_present(data: object, *keys: str) -> object:
    """The value of the first key present (``.get(a).or_else(|| .get(b))``)."""
    if not isinstance(data, dict):
        return None
    for key in keys:
        if key in data:
            return data[key]
    return None


def _resolve(path: str, cwd: str) -> str:
    """``resolve_absolute``: absolute paths as they are, others joined to ``cwd``."""
    return os.path.join(cwd, path)


def _str_list(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str)]


def _dirty_files(data: JsonObject, cwd: str) -> dict[str, str] | None:
    value = data.get("dirty_files")
    if not isinstance(value, dict):
        return None
    result = {_resolve(k, cwd): v for k, v in value.items() if isinstance(v, str)}
    return result or None


def _tool_input_paths(data: JsonObject, cwd: str) -> list[str]:
    """``file_paths_from_tool_input``: Claude's ``tool_input`` path fields."""
    tool_input = _first_present(data, "tool_input", "toolInput")
    single = _first_present(tool_input, "file_path", "filepath", "path")
    if isinstance(single, str) and single:
        return [_resolve(single, cwd)]
    many = _first_present(tool_input, "file_paths", "filepaths", "files")
    return [_resolve(p, cwd) for p in _str_list(many) if p]


def _patch_paths(text: str, out: list[str]) -> None:
    """``collect_apply_patch_paths_from_text``: ``*** Update File: x`` lines."""
    if "*** " not in text:
        return
    for line in text.split("\n"):
        trimmed = line.strip()
        for prefix in _PATCH_PREFIXES:
            if trimmed.startswith(prefix):
                path = trimmed[len(prefix) :].strip().strip('"').strip("'")
                if path and path not in out:
                    out.append(path)
                break


# --- request builders (orchestrator.rs) ----------------------------------------------------------


def _file_request(
    *,
    pre: bool,
    cwd: str,
    paths: list[str],
    agent: AgentId,
    metadata: dict[str, str],
    tool_use_id: str | None,
    transcript: TranscriptSource | None,
    post_kind: CheckpointKind = CheckpointKind.AI_AGENT,
    dirty_files: dict[str, str] | None = None,
) -> list[CheckpointRequest]:
    if not paths:
        return []  # git-ai groups the named files by repository: none, no request
    if tool_use_id is not None:
        metadata.setdefault("tool_use_id", tool_use_id)
    if pre:
        return [
            CheckpointRequest(
                kind=CheckpointKind.HUMAN,
                cwd=cwd,
                paths=paths,
                path_role=PathRole.WILL_EDIT,
                agent_id=agent,
                metadata=metadata,
                dirty_files=dirty_files,
            )
        ]
    metadata.setdefault("edit_kind", "file_edit")
    return [
        CheckpointRequest(
            kind=post_kind,
            cwd=cwd,
            paths=paths,
            path_role=PathRole.EDITED,
            agent_id=agent,
            metadata=metadata,
            dirty_files=dirty_files,
            transcript=transcript,
        )
    ]


def _agent_event(
    bash: bool,
    paths: Callable[[], list[str]],
    *,
    pre: bool,
    cwd: str,
    agent: AgentId,
    metadata: dict[str, str],
    tool_use_id: str,
    transcript: TranscriptSource | None,
) -> list[CheckpointRequest]:
    """An agent's Pre/Post event: a bash call (files from git status) or a file edit."""
    if bash:
        return _bash_request(
            pre=pre,
            cwd=cwd,
            agent=agent,
            metadata=metadata,
            tool_use_id=tool_use_id,
            transcript=transcript,
        )
    return _file_request(
        pre=pre,
        cwd=cwd,
        paths=paths(),
        agent=agent,
        metadata=metadata,
        tool_use_id=tool_use_id,
        transcript=transcript,
    )


def _bash_request(
    *,
    pre: bool,
    cwd: str,
    agent: AgentId,
    metadata: dict[str, str],
    tool_use_id: str,
    transcript: TranscriptSource | None,
) -> list[CheckpointRequest]:
    metadata.setdefault("tool_use_id", tool_use_id)
    if pre:
        return [
            CheckpointRequest(
                kind=CheckpointKind.HUMAN,
                cwd=cwd,
                path_role=PathRole.WILL_EDIT,
                metadata=metadata,
                discover=True,
            )
        ]
    metadata.setdefault("edit_kind", "bash")
    return [
        CheckpointRequest(
            kind=CheckpointKind.AI_AGENT,
            cwd=cwd,
            path_role=PathRole.EDITED,
            agent_id=agent,
            metadata=metadata,
            discover=True,
            transcript=transcript,
        )
    ]


# --- human, known_human, mock presets ------------------------------------------------------------


def _cli_or_hook_paths(
    name: str, hook_input: str | None, inv: _Invocation
) -> tuple[str, list[str]]:
    """The ``{"file_paths": [...], "cwd": ...}`` payload, or the command line's paths."""
    if hook_input is None:
        return inv.cwd, [_resolve(p, inv.cwd) for p in inv.cli_paths]
    data = _load_object(name, hook_input)
    cwd = _opt_str(data, "cwd") or inv.cwd
    return cwd, [_resolve(p, cwd) for p in _str_list(data.get("file_paths")) if p]


def _human(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    cwd, paths = _cli_or_hook_paths(name, hook_input, inv)
    if not paths and hook_input is not None:
        return []  # git-ai: a payload that names no file makes no checkpoint
    return [
        CheckpointRequest(
            kind=CheckpointKind.HUMAN,
            cwd=cwd,
            paths=paths,
            path_role=PathRole.WILL_EDIT,
            discover=not paths,
        )
    ]


def _mock_known_human(
    name: str, hook_input: str | None, inv: _Invocation
) -> list[CheckpointRequest]:
    cwd, paths = _cli_or_hook_paths(name, hook_input, inv)
    if not paths and hook_input is not None:
        return []
    return [
        CheckpointRequest(kind=CheckpointKind.KNOWN_HUMAN, cwd=cwd, paths=paths, discover=not paths)
    ]


def _mock_ai(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    import time

    cwd, paths = _cli_or_hook_paths(name, hook_input, inv)
    if not paths and hook_input is not None:
        return []
    agent = AgentId("mock_ai", f"ai-thread-{time.time_ns()}", _UNKNOWN)
    return [
        CheckpointRequest(
            kind=CheckpointKind.AI_AGENT,
            cwd=cwd,
            paths=paths,
            agent_id=agent,
            metadata={"edit_kind": "file_edit"},
            discover=not paths,
        )
    ]


def _known_human(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    editor = inv.editor or _UNKNOWN
    editor_version = inv.editor_version or _UNKNOWN
    extension_version = inv.extension_version or _UNKNOWN
    dirty: dict[str, str] | None = None
    if hook_input is None:
        cwd = inv.cwd
        paths = [_resolve(p, cwd) for p in inv.cli_paths]
    else:
        data = _load_object(name, hook_input)
        editor = _opt_str(data, "editor") or editor
        editor_version = _opt_str(data, "editor_version") or editor_version
        extension_version = _opt_str(data, "extension_version") or extension_version
        cwd = _opt_str(data, "cwd") or inv.cwd
        paths = [_resolve(p, cwd) for p in _str_list(data.get("edited_filepaths"))]
        dirty = _dirty_files(data, cwd)
    if not paths:
        return []  # git-ai: a save that names no file makes no checkpoint
    return [
        CheckpointRequest(
            kind=CheckpointKind.KNOWN_HUMAN,
            cwd=cwd,
            paths=paths,
            path_role=PathRole.EDITED,
            metadata={
                "kh_editor": editor,
                "kh_editor_version": editor_version,
                "kh_extension_version": extension_version,
            },
            dirty_files=dirty,
        )
    ]


# --- ai_tab ---------------------------------------------------------------------------------------


def _ai_tab(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    data = _load_object(name, hook_input)
    event = _req_str(name, data, "hook_event_name")
    if event not in ("before_edit", "after_edit"):
        raise InputError(
            f"unsupported hook_event_name {event!r} for the ai_tab preset "
            "(expected 'before_edit' or 'after_edit')"
        )
    tool = _req_str(name, data, "tool").strip()
    if not tool:
        raise InputError("tool must be a non-empty string for the ai_tab preset")
    model = _req_str(name, data, "model").strip()
    if not model:
        raise InputError("model must be a non-empty string for the ai_tab preset")
    cwd = (_opt_str(data, "repo_working_dir") or "").strip() or inv.cwd
    completion_id = _opt_str(data, "completion_id")
    if completion_id is None:
        import time

        completion_id = str(time.time_ns() // 1_000_000)
    agent = AgentId(tool, f"ai_tab-{completion_id}", model)
    pre = event == "before_edit"
    key = "will_edit_filepaths" if pre else "edited_filepaths"
    paths = [_resolve(p, cwd) for p in _str_list(data.get(key)) if p]
    return _file_request(
        pre=pre,
        cwd=cwd,
        paths=paths,
        agent=agent,
        metadata={"tool": tool},
        tool_use_id=None,
        transcript=None,
        post_kind=CheckpointKind.AI_TAB,
        dirty_files=_dirty_files(data, cwd),
    )


# --- claude ---------------------------------------------------------------------------------------


def _claude(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    data = _load_object(name, hook_input)
    transcript_path = _opt_str(data, "transcript_path")
    if transcript_path is not None:
        lower = transcript_path.lower()
        copilot = ("github copilot" in lower or "github.copilot" in lower) and (
            ".claude" not in lower
        )
    else:
        copilot = "extensionId" in data
    if copilot:
        raise InputError(
            "this is a VS Code (GitHub Copilot) hook payload, not Claude Code's",
            hint="Use the github-copilot hooks for VS Code; nothing was written.",
        )
    if "cursor_version" in data or (transcript_path is not None and ".cursor" in transcript_path):
        raise InputError(
            "this is a Cursor hook payload, not Claude Code's",
            hint="Use the cursor hooks for Cursor; nothing was written.",
        )
    tool_name = _opt_str(data, "tool_name", "toolName")
    # Legacy payloads without tool_name are file edits.
    tool_class = _FILE_EDIT if tool_name is None else _CLAUDE_TOOLS.get(tool_name, _SKIP)
    if tool_class == _SKIP:
        return []  # Read, Grep, Glob, LS, TodoWrite, WebFetch...: nothing changes
    cwd = _req_str(name, data, "cwd")
    transcript_path = _req_str(name, data, "transcript_path")
    session_id = _opt_str(data, "session_id")
    if session_id is None:
        session_id = _file_stem(transcript_path) or _UNKNOWN
    pre = _opt_str(data, "hook_event_name", "hookEventName") == _PRE
    tool_use_id = _or(_opt_str(data, "tool_use_id", "toolUseId"), "bash")
    agent = AgentId("claude", session_id, _UNKNOWN)
    metadata = {"transcript_path": transcript_path}
    transcript = None if pre else TranscriptSource("claude", transcript_path, session_id)
    return _agent_event(
        tool_class == _BASH,
        lambda: _tool_input_paths(data, cwd),
        pre=pre,
        cwd=cwd,
        agent=agent,
        metadata=metadata,
        tool_use_id=tool_use_id,
        transcript=transcript,
    )


def _file_stem(path: str) -> str | None:
    """Rust's ``Path::file_stem``: the file name without its last extension."""
    base = os.path.basename(path.rstrip("/"))
    if not base or base == "..":
        return None
    if base.startswith(".") and base.count(".") == 1:
        return base
    stem, dot, _ext = base.rpartition(".")
    return stem if dot else base


# --- codex ----------------------------------------------------------------------------------------


def _codex(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    data = _load_object(name, hook_input)
    cwd = _req_str(name, data, "cwd")
    session_id = _opt_str(data, "session_id", "thread_id", "thread-id")
    if session_id is None:
        session_id = _opt_str(data.get("hook_event"), "thread_id")
    if session_id is None:
        raise InputError("session_id or thread_id not found in codex hook input")
    event = _opt_str(data, "hook_event_name", "hookEventName")
    tool_name = _opt_str(data, "tool_name", "toolName")
    tool_use_id = _or(_opt_str(data, "tool_use_id", "toolUseId"), "bash")
    tool_class = _SKIP
    if tool_name is not None:
        bare = tool_name.removeprefix("functions.")
        tool_class = _CODEX_TOOLS.get(bare, _SKIP)
    if event not in (_PRE, "PostToolUse"):
        raise InputError(f"unsupported Codex hook_event_name: {event or '<missing>'}")
    if tool_class == _SKIP:
        raise InputError(
            f"skipping Codex {event} for unsupported tool {tool_name or _UNKNOWN}",
            hint="Only apply_patch and shell tools change files; nothing was written.",
        )
    transcript_path = _opt_str(data, "transcript_path")
    metadata: dict[str, str] = {}
    transcript = None
    if transcript_path is not None:
        metadata["transcript_path"] = transcript_path
    agent = AgentId("codex", session_id, _or(_opt_str(data, "model"), _UNKNOWN))
    pre = event == _PRE
    if transcript_path is not None and not pre:
        transcript = TranscriptSource("codex", transcript_path, session_id)

    def paths() -> list[str]:
        if pre:  # git-ai sends no file for a Codex PreToolUse edit
            return []
        found = _codex_tool_input_paths(_first_present(data, "tool_input", "toolInput"), cwd)
        return found or _codex_tool_response_paths(data.get("tool_response"), cwd)

    return _agent_event(
        tool_class == _BASH,
        paths,
        pre=pre,
        cwd=cwd,
        agent=agent,
        metadata=metadata,
        tool_use_id=tool_use_id,
        transcript=transcript,
    )


def _codex_tool_input_paths(tool_input: object, cwd: str) -> list[str]:
    """Paths anywhere in ``tool_input`` (git-ai's OpenCode extractor)."""
    raw: list[str] = []
    if tool_input is not None:
        _collect_tool_paths(tool_input, raw)
    result: list[str] = []
    for item in raw:
        path = _normalize_hook_path(item, cwd)
        if path is not None and path not in result:
            result.append(path)
    return result


def _collect_tool_paths(value: object, out: list[str]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):  # serde_json's Map is ordered by key
            val = value[key]
            low = key.lower() if key.isascii() else ""
            if low in _CODEX_SINGLE_KEYS:
                if isinstance(val, str):
                    out.append(val)
            elif low in _CODEX_MULTI_KEYS:
                if isinstance(val, str):
                    out.append(val)
                elif isinstance(val, list):
                    out.extend(v for v in val if isinstance(v, str))
            _collect_tool_paths(val, out)
    elif isinstance(value, list):
        for item in value:
            _collect_tool_paths(item, out)
    elif isinstance(value, str):
        if value.startswith("file://"):
            out.append(value)
        _patch_paths(value, out)


def _normalize_hook_path(raw: str, cwd: str) -> str | None:
    trimmed = raw.strip()
    if not trimmed:
        return None
    if trimmed.startswith("file://localhost"):
        path = trimmed[len("file://localhost") :]
    elif trimmed.startswith("file://"):
        path = trimmed[len("file://") :]
    else:
        path = trimmed
    if not (path.startswith(("/", "\\\\")) or path.encode()[1:2] == b":"):
        path = os.path.join(cwd, path)
    return path.replace("\\", "/")


def _codex_tool_response_paths(tool_response: object, cwd: str) -> list[str]:
    """``A path`` / ``M path`` lines of ``tool_response.output`` (apply_patch's summary)."""
    output = ""
    if isinstance(tool_response, str):
        output = tool_response
        try:
            parsed = _loads(tool_response)
        except ValueError:
            parsed = None
        inner = _opt_str(parsed, "output")
        if inner is not None:
            output = inner
    elif isinstance(tool_response, dict):
        output = _opt_str(tool_response, "output") or ""
    paths: list[str] = []
    for line in output.split("\n"):
        trimmed = line.strip()
        if len(trimmed) > 2 and trimmed[1] == " " and trimmed[0] in "AMDRU":
            path = trimmed[2:].strip()
            if path:
                resolved = _resolve(path, cwd)
                if resolved not in paths:
                    paths.append(resolved)
    return paths


# --- droid ----------------------------------------------------------------------------------------


def _droid(name: str, hook_input: str | None, inv: _Invocation) -> list[CheckpointRequest]:
    data = _load_object(name, hook_input)
    tool_name = _opt_str(data, "tool_name", "toolName")
    # Older Droid integrations omitted tool_name: file edits.
    tool_class = _FILE_EDIT if tool_name is None else _DROID_TOOLS.get(tool_name, _SKIP)
    if tool_class == _SKIP:
        return []  # Read, Grep, Glob, LS...: nothing changes
    session_id = _opt_str(data, "session_id", "sessionId")
    if session_id is None:
        import time

        session_id = f"droid-{time.time_ns() // 1_000_000}"
    cwd = _req_str(name, data, "cwd")
    event = _opt_str(data, "hookEventName", "hook_event_name")
    if event is None:
        raise InputError("hookEventName not found in droid hook input")
    pre = event == _PRE

    tool_input = _first_present(data, "tool_input", "toolInput")
    paths: list[str] = []
    single = _first_present(tool_input, "file_path", "filePath")
    if isinstance(single, str) and single:
        paths.append(_resolve(single, cwd))
    if not paths and tool_name == "ApplyPatch":
        patch = tool_input if isinstance(tool_input, str) else _opt_str(tool_input, "patch")
        raw: list[str] = []
        if patch is not None:
            _patch_paths(patch, raw)
        paths = [_resolve(p, cwd) for p in raw]
        if not paths and event == "PostToolUse":
            response = _first_present(data, "tool_response", "toolResponse")
            if isinstance(response, str):
                try:
                    response = _loads(response)
                except ValueError:
                    response = None
            found = _first_present(response, "file_path", "filePath")
            if isinstance(found, str):
                paths.append(_resolve(found, cwd))

    transcript_path = _opt_str(data, "transcript_path", "transcriptPath")
    if transcript_path is not None:
        settings_path = transcript_path.replace(".jsonl", ".settings.json")
    else:
        base = os.path.join(
            inv.env.get("HOME") or "~", ".factory", "sessions", cwd.replace("/", "-")
        )
        transcript_path = os.path.join(base, f"{session_id}.jsonl")
        settings_path = os.path.join(base, f"{session_id}.settings.json")
    tool_use_id = _or(_opt_str(data, "tool_use_id", "toolUseId"), "bash")
    metadata = {"transcript_path": transcript_path, "settings_path": settings_path}
    if tool_name is not None:
        metadata["tool_name"] = tool_name
    agent = AgentId("droid", session_id, _UNKNOWN)
    transcript = (
        None if pre else TranscriptSource("droid", transcript_path, session_id, settings_path)
    )
    return _agent_event(
        tool_class == _BASH,
        lambda: paths,
        pre=pre,
        cwd=cwd,
        agent=agent,
        metadata=metadata,
        tool_use_id=tool_use_id,
        transcript=transcript,
    )


_Handler = Callable[[str, str | None, _Invocation], list[CheckpointRequest]]

#: Preset name -> parser, in the order the usage message lists them.
PRESETS: dict[str, _Handler] = {
    "human": _human,
    "known_human": _known_human,
    "mock_ai": _mock_ai,
    "mock_known_human": _mock_known_human,
    "ai_tab": _ai_tab,
    "claude": _claude,
    "codex": _codex,
    "droid": _droid,
}
