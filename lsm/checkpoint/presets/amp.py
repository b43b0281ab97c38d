"""``amp``: Amp's tool hooks, sent by git-ai's Amp plugin (git-ai's ``amp.rs``).

* ``hook_event_name`` is required; ``PreToolUse`` is the pre event.
* Tools: ``Write``, ``Edit``, ``create_file``, ``edit_file``, ``apply_patch``,
  ``undo_edit`` edit files; ``Bash`` and ``shell_command`` run commands; other
  tools make no checkpoint; no ``tool_name`` is a (legacy) file edit.
* Paths: ``edited_filepaths``, else ``tool_input.path``/``filePath``/``file_path``
  and the ``tool_input.paths`` array, resolved against ``cwd``.
* The session is ``thread_id``, else ``tool_use_id``. The transcript is the
  thread's JSON document: ``transcript_path`` if it exists, else
  ``$AMP_THREAD_PATH``, else ``<threads>/<thread_id>.json`` where
  ``<threads>`` is ``$GIT_AI_AMP_THREADS_PATH``, ``$XDG_DATA_HOME/amp/threads``
  or ``~/.local/share/amp/threads``; else the newest thread file that
  mentions ``tool_use_id`` (git-ai parses every thread file for it; we scan
  the 64 newest as bytes, in bounded memory). The model is read from it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    load_object,
    opt_str,
    req_str,
    resolve,
    resolved_list,
    rust_trim,
    str_list,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.model import AgentId

__all__ = ["HANDLERS", "amp_threads_dir"]

_FILE_TOOLS = frozenset({"Write", "Edit", "create_file", "edit_file", "apply_patch", "undo_edit"})
_BASH_TOOLS = frozenset({"Bash", "shell_command"})
#: Thread files searched for a tool use id, newest first.
_SEARCH_FILES = 64
_SEARCH_CHUNK = 1 << 20


def amp_threads_dir(env: Mapping[str, str], home: str) -> str:
    """Amp's threads directory (``amp_threads_dir``, Linux and macOS)."""
    override = env.get("GIT_AI_AMP_THREADS_PATH")
    if override:
        return override
    xdg = env.get("XDG_DATA_HOME")
    if xdg:
        return os.path.join(xdg, "amp", "threads")
    return os.path.join(home, ".local", "share", "amp", "threads")


def _thread_path(
    given: str | None, thread_id: str | None, tool_use_id: str | None, inv: Invocation
) -> str | None:
    if given and os.path.exists(given):
        return given
    env_path = inv.env.get("AMP_THREAD_PATH")
    if env_path and rust_trim(env_path) and os.path.exists(env_path):
        return env_path
    threads = amp_threads_dir(inv.env, inv.home())
    if os.path.isfile(threads) and threads.lower().endswith(".json"):
        return threads
    if thread_id is not None:
        candidate = os.path.join(threads, f"{thread_id}.json")
        if os.path.exists(candidate):
            return candidate
    if tool_use_id is not None:
        return _find_by_tool_use_id(threads, tool_use_id)
    return None


def _find_by_tool_use_id(threads: str, tool_use_id: str) -> str | None:
    """The newest of the 64 newest thread files whose bytes hold ``"<tool_use_id>"``."""
    try:
        entries = [e for e in os.scandir(threads) if e.name.lower().endswith(".json")]
    except OSError:
        return None
    dated: list[tuple[float, str]] = []
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        import stat

        if stat.S_ISREG(info.st_mode):
            dated.append((info.st_mtime, entry.path))
    needle = f'"{tool_use_id}"'.encode()
    for _mtime, path in sorted(dated, reverse=True)[:_SEARCH_FILES]:
        if _contains(path, needle):
            return path
    return None


def _contains(path: str, needle: bytes) -> bool:
    """Whether the file holds ``needle``, read in 1 MiB chunks (never whole)."""
    from lsm.errors import UnreadableFileError
    from lsm.safeio import open_regular

    try:
        with open_regular(path, buffering=0) as file:
            tail = b""
            while chunk := file.read(_SEARCH_CHUNK):
                if needle in tail + chunk:
                    return True
                tail = chunk[-(len(needle) - 1) :] if len(needle) > 1 else b""
    except (OSError, UnreadableFileError):
        return False
    return False


def _amp(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    event = req_str(name, data, "hook_event_name")
    tool_name = opt_str(data, "tool_name")
    bash = tool_name in _BASH_TOOLS
    if tool_name is not None and not bash and tool_name not in _FILE_TOOLS:
        return []  # Read, finder, glob, Grep, Task...: nothing changes
    cwd = opt_str(data, "cwd") or inv.cwd
    thread_id = opt_str(data, "thread_id")
    tool_use_id = opt_str(data, "tool_use_id")
    paths = resolved_list(data.get("edited_filepaths"), cwd)
    if not paths:
        tool_input = data.get("tool_input")
        for key in ("path", "filePath", "file_path"):
            value = opt_str(tool_input, key)
            if value is not None and rust_trim(value):
                paths.append(resolve(value, cwd))
        if isinstance(tool_input, dict):
            paths += [resolve(p, cwd) for p in str_list(tool_input.get("paths")) if rust_trim(p)]
    thread = _thread_path(opt_str(data, "transcript_path"), thread_id, tool_use_id, inv)
    metadata: dict[str, str] = {}
    if tool_use_id is not None:
        metadata["tool_use_id"] = tool_use_id
    if thread_id is not None:
        metadata["thread_id"] = thread_id
    if thread is not None:
        metadata["transcript_path"] = thread
    session_id = thread_id or tool_use_id or UNKNOWN
    return agent_event(
        pre=event == "PreToolUse",
        bash=bash,
        cwd=cwd,
        agent=AgentId("amp", session_id, UNKNOWN),
        metadata=metadata,
        tool_use_id=(tool_use_id or "bash") if bash else tool_use_id,
        paths=paths,
        transcript=None if thread is None else TranscriptSource("amp", thread, session_id),
    )


HANDLERS = {"amp": _amp}
