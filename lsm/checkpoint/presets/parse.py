"""Reading hook JSON the way git-ai's presets do (``presets/parse.rs`` and friends).

Every preset module reads its payload through these helpers, so the rules
that git-ai applies across agents live in one place:

* values are read like ``serde_json::Value`` indexing: a missing key, a
  value of the wrong type or a non-object parent all read as "absent";
* snake_case and camelCase spellings are tried in the order git-ai tries
  them (``opt_str(data, "tool_name", "toolName")``);
* relative paths are joined to the hook's working directory
  (``resolve_absolute``); ``normalize_hook_path`` also strips ``file://``;
* ``*** Update File: x`` lines of apply_patch text name edited files;
* ``collect_tool_paths`` walks any JSON value for path keys and patch text
  (git-ai's OpenCode/Copilot extractor, which Codex and Cline reuse).

Nothing here raises except :func:`load_object` and :func:`req_str`, which
raise :class:`~lsm.errors.InputError` with git-ai's wording. This module is
on the hook's hot path: it imports nothing heavy.
"""

from __future__ import annotations

import json
import os

from lsm.errors import InputError

__all__ = [
    "UNKNOWN",
    "JsonObject",
    "bash_command",
    "collect_tool_paths",
    "dirty_files",
    "file_stem",
    "first_present",
    "load_object",
    "loads",
    "normalize_hook_path",
    "normalized_tool_paths",
    "opt_str",
    "or_default",
    "patch_paths",
    "req_str",
    "resolve",
    "resolved_list",
    "rust_trim",
    "str_list",
    "tool_input_paths",
    "tool_use_event",
    "unique",
    "unsupported_tool",
]

#: git-ai's placeholder for a model or id it could not find.
UNKNOWN = "unknown"

JsonObject = dict[str, object]

_PATCH_PREFIXES = ("*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: ")
_SINGLE_PATH_KEYS = frozenset({"file_path", "filepath", "path", "fspath"})
_MULTI_PATH_KEYS = frozenset({"files", "filepaths", "file_paths"})
#: Rust's ``str::trim`` (Unicode White_Space), for values git-ai trims.
_RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def load_object(preset: str, hook_input: str | None, *, strict: bool = True) -> JsonObject:
    """The hook payload as a JSON object.

    :param strict: ``False`` accepts raw control characters inside strings
        (Windsurf writes them; git-ai escapes them before parsing, which
        gives the same values).
    :raises InputError: no payload, invalid JSON, or JSON that is not an object.
    """
    if hook_input is None:
        raise InputError(
            f"the {preset} preset needs the hook's JSON payload",
            hint="Pass --hook-input JSON or --hook-input stdin (as the agent's hook does).",
        )
    try:
        data = loads(hook_input, strict=strict)
    except ValueError as exc:
        raise InputError(f"invalid JSON in {preset} hook input: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{preset} hook input must be a JSON object, not {_json_type(data)}")
    return data


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str, *, strict: bool = True) -> object:
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
        return json.loads(text, parse_constant=_reject_constant, strict=strict)
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


def opt_str(data: object, *keys: str) -> str | None:
    """The first of ``keys`` whose value is a string (``optional_str_multi``)."""
    if not isinstance(data, dict):
        return None
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


def or_default(value: str | None, default: str) -> str:
    """``unwrap_or(default)``."""
    return default if value is None else value


def req_str(preset: str, data: JsonObject, key: str) -> str:
    """``required_str``: the string at ``key``.

    :raises InputError: ``<key> not found in <preset> hook input``.
    """
    value = data.get(key)
    if not isinstance(value, str):
        raise InputError(f"{key} not found in {preset} hook input")
    return value


def first_present(data: object, *keys: str) -> object:
    """The value of the first key present (``.get(a).or_else(|| .get(b))``)."""
    if not isinstance(data, dict):
        return None
    for key in keys:
        if key in data:
            return data[key]
    return None


def rust_trim(text: str) -> str:
    """Rust's ``str::trim``."""
    return text.strip(_RUST_WHITESPACE)


def resolve(path: str, cwd: str) -> str:
    """``resolve_absolute``: absolute paths as they are, others joined to ``cwd``."""
    return os.path.join(cwd, path)


def str_list(value: object) -> list[str]:
    """The strings of a JSON array (anything else: none)."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str)]


def resolved_list(value: object, cwd: str) -> list[str]:
    """``pathbuf_array``: the non-empty strings of an array, resolved against ``cwd``."""
    return [resolve(p, cwd) for p in str_list(value) if p]


def unique(paths: list[str]) -> list[str]:
    """``paths`` without repeats, first occurrence kept."""
    return list(dict.fromkeys(paths))


def dirty_files(data: JsonObject, cwd: str, *keys: str) -> dict[str, str] | None:
    """``dirty_files_from_value``: path -> content overrides (``None`` when there are none)."""
    value = first_present(data, *(keys or ("dirty_files",)))
    if not isinstance(value, dict):
        return None
    result = {resolve(k, cwd): v for k, v in value.items() if isinstance(v, str)}
    return result or None


def file_stem(path: str) -> str | None:
    """Rust's ``Path::file_stem``: the file name without its last extension."""
    base = os.path.basename(path.rstrip("/"))
    if not base or base == "..":
        return None
    if base.startswith(".") and base.count(".") == 1:
        return base
    stem, dot, _ext = base.rpartition(".")
    return stem if dot else base


def tool_input_paths(data: JsonObject, cwd: str) -> list[str]:
    """``file_paths_from_tool_input``: ``tool_input.file_path|filepath|path``, else the arrays."""
    tool_input = first_present(data, "tool_input", "toolInput")
    single = first_present(tool_input, "file_path", "filepath", "path")
    if isinstance(single, str) and single:
        return [resolve(single, cwd)]
    many = first_present(tool_input, "file_paths", "filepaths", "files")
    return resolved_list(many, cwd)


def bash_command(data: JsonObject) -> str | None:
    """``bash_command_from_hook_input``: ``tool_input.command|cmd``, else a top-level one."""
    for key in ("command", "cmd"):
        for container in ("tool_input", "toolInput"):
            value = opt_str(data.get(container), key)
            if value is not None and rust_trim(value):
                return rust_trim(value)
    value = opt_str(data, "command", "cmd")
    if value is not None and rust_trim(value):
        return rust_trim(value)
    return None


def patch_paths(text: str, out: list[str]) -> None:
    """``collect_apply_patch_paths_from_text``: ``*** Update File: x`` lines, appended once each."""
    if "*** " not in text:
        return
    for line in text.split("\n"):
        trimmed = rust_trim(line)
        for prefix in _PATCH_PREFIXES:
            if trimmed.startswith(prefix):
                path = rust_trim(trimmed[len(prefix) :]).strip('"').strip("'")
                if path and path not in out:
                    out.append(path)
                break


def collect_tool_paths(value: object, out: list[str]) -> None:
    """Path-like values anywhere in ``value`` (git-ai's ``collect_tool_paths``).

    Keys ``file_path``/``filepath``/``path``/``fspath`` (a string) and
    ``files``/``filepaths``/``file_paths`` (a string or an array of them),
    ASCII case-insensitive; ``file://`` strings; apply_patch lines inside any
    string. Object keys are visited in sorted order: git-ai's serde_json
    ``Map`` is a ``BTreeMap``.
    """
    if isinstance(value, dict):
        for key in sorted(value):
            val = value[key]
            low = key.lower() if key.isascii() else ""
            if low in _SINGLE_PATH_KEYS:
                if isinstance(val, str):
                    out.append(val)
            elif low in _MULTI_PATH_KEYS:
                if isinstance(val, str):
                    out.append(val)
                elif isinstance(val, list):
                    out.extend(v for v in val if isinstance(v, str))
            collect_tool_paths(val, out)
    elif isinstance(value, list):
        for item in value:
            collect_tool_paths(item, out)
    elif isinstance(value, str):
        if value.startswith("file://"):
            out.append(value)
        patch_paths(value, out)


def normalize_hook_path(raw: str, cwd: str) -> str | None:
    """A raw hook path as an absolute POSIX path: no ``file://``, a relative one joined to cwd."""
    trimmed = rust_trim(raw)
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


def normalized_tool_paths(cwd: str, *values: object) -> list[str]:
    """:func:`collect_tool_paths` over ``values``, normalized, without repeats."""
    raw: list[str] = []
    for value in values:
        if value is not None:
            collect_tool_paths(value, raw)
    result: list[str] = []
    for item in raw:
        path = normalize_hook_path(item, cwd)
        if path is not None and path not in result:
            result.append(path)
    return result


def tool_use_event(agent: str, event: str) -> bool:
    """``preToolUse`` -> True, ``postToolUse`` -> False (Cursor's and Firebender's events).

    :raises InputError: their legacy ``beforeSubmitPrompt``/``afterFileEdit``
        hooks, which git-ai no longer installs, or any other event.
    """
    if event in ("beforeSubmitPrompt", "afterFileEdit"):
        raise InputError(
            f"legacy {agent} hook event {event!r} is no longer supported",
            hint=f"Reinstall the {agent} hooks (preToolUse/postToolUse); nothing was written.",
        )
    if event not in ("preToolUse", "postToolUse"):
        raise InputError(
            f"invalid hook_event_name: {event}. Expected 'preToolUse' or 'postToolUse'"
        )
    return event == "preToolUse"


def unsupported_tool(agent: str, tool_name: str, allowed: str) -> InputError:
    """The refusal of a tool that changes no file, for presets that refuse rather than skip.

    :param allowed: the tools that do change files, in words (for the hint).
    """
    return InputError(
        f"skipping {agent} hook for unsupported tool {tool_name!r}",
        hint=f"Only {allowed} change files; nothing was written.",
    )
