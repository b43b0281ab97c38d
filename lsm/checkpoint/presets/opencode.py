"""``opencode``: OpenCode's tool hooks, sent by git-ai's OpenCode plugin (git-ai's ``opencode.rs``).

* ``hook_event_name``, ``session_id`` and ``cwd`` are required;
  ``PreToolUse`` is the pre event, anything else post.
* ``bash`` and ``shell`` run commands; every other tool is a file edit whose
  paths come from anywhere in ``tool_input`` (:func:`~.parse.collect_tool_paths`:
  ``filePath``, ``path``, ``file://`` URIs, apply_patch text). Read-only
  tools name files too; their post checkpoint finds nothing changed.
* The transcript is OpenCode's SQLite database, ``opencode.db`` in
  ``$GIT_AI_OPENCODE_STORAGE_PATH`` (a test override, as in git-ai), else
  ``$XDG_DATA_HOME/opencode``, else ``~/.local/share/opencode`` (a
  ``storage`` directory's sibling database also counts); the model is
  read from it.
"""

from __future__ import annotations

import os

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    load_object,
    normalized_tool_paths,
    opt_str,
    or_default,
    req_str,
)
from lsm.checkpoint.request import CheckpointRequest, TranscriptSource
from lsm.model import AgentId

__all__ = ["HANDLERS", "opencode_database"]

_DB_NAME = "opencode.db"


def opencode_database(env: dict[str, str] | None, home: str) -> str | None:
    """Where OpenCode's ``opencode.db`` is, if it exists (``resolve_sqlite_db_path``)."""
    env = env or {}
    base = env.get("GIT_AI_OPENCODE_STORAGE_PATH")
    if not base:
        xdg = env.get("XDG_DATA_HOME")
        base = os.path.join(xdg, "opencode") if xdg else os.path.join(home, ".local/share/opencode")
    if os.path.isfile(base):
        return base if os.path.basename(base) == _DB_NAME else None
    if not os.path.isdir(base):
        return None
    direct = os.path.join(base, _DB_NAME)
    if os.path.exists(direct):
        return direct
    if os.path.basename(base.rstrip("/")) == "storage":
        sibling = os.path.join(os.path.dirname(base.rstrip("/")), _DB_NAME)
        if os.path.exists(sibling):
            return sibling
    return None


def _opencode(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    event = req_str(name, data, "hook_event_name")
    session_id = req_str(name, data, "session_id")
    cwd = req_str(name, data, "cwd")
    tool_name = opt_str(data, "tool_name")
    tool_input = data.get("tool_input")
    database = opencode_database(dict(inv.env), inv.home())
    return agent_event(
        pre=event == "PreToolUse",
        bash=tool_name in ("bash", "shell"),
        cwd=cwd,
        agent=AgentId("opencode", session_id, UNKNOWN),
        metadata={"session_id": session_id},
        tool_use_id=or_default(opt_str(data, "tool_use_id", "toolUseId"), "bash"),
        paths=normalized_tool_paths(cwd, tool_input),
        transcript=None if database is None else TranscriptSource("opencode", database, session_id),
    )


HANDLERS = {"opencode": _opencode}
