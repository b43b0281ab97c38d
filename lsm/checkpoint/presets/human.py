"""The human and test presets: ``human``, ``known_human``, ``mock_ai``, ``mock_known_human``.

git-ai's ``human.rs``, ``known_human.rs``, ``mock_ai.rs`` and ``mock_known_human.rs``.
Without hook input they take the command line's paths (none: every changed
file, from a scoped ``git status``); with it, ``{"file_paths": [...], "cwd": ...}``
(``known_human``: ``edited_filepaths``, ``dirty_files`` and the editor fields).
A payload that names no file makes no checkpoint, as in git-ai.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation
from lsm.checkpoint.presets.parse import (
    UNKNOWN,
    dirty_files,
    load_object,
    opt_str,
    resolve,
    resolved_list,
    str_list,
)
from lsm.checkpoint.request import CheckpointRequest, PathRole
from lsm.model import AgentId, CheckpointKind

__all__ = ["HANDLERS", "cli_or_hook_paths"]


def cli_or_hook_paths(name: str, hook_input: str | None, inv: Invocation) -> tuple[str, list[str]]:
    """The ``{"file_paths": [...], "cwd": ...}`` payload, or the command line's paths."""
    if hook_input is None:
        return inv.cwd, [resolve(p, inv.cwd) for p in inv.cli_paths]
    data = load_object(name, hook_input)
    cwd = opt_str(data, "cwd") or inv.cwd
    return cwd, resolved_list(data.get("file_paths"), cwd)


def _human(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    cwd, paths = cli_or_hook_paths(name, hook_input, inv)
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
    name: str, hook_input: str | None, inv: Invocation
) -> list[CheckpointRequest]:
    cwd, paths = cli_or_hook_paths(name, hook_input, inv)
    if not paths and hook_input is not None:
        return []
    return [
        CheckpointRequest(kind=CheckpointKind.KNOWN_HUMAN, cwd=cwd, paths=paths, discover=not paths)
    ]


def _mock_ai(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    import time

    cwd, paths = cli_or_hook_paths(name, hook_input, inv)
    if not paths and hook_input is not None:
        return []
    agent = AgentId("mock_ai", f"ai-thread-{time.time_ns()}", UNKNOWN)
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


def _known_human(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    editor = inv.editor or UNKNOWN
    editor_version = inv.editor_version or UNKNOWN
    extension_version = inv.extension_version or UNKNOWN
    dirty: dict[str, str] | None = None
    if hook_input is None:
        cwd = inv.cwd
        paths = [resolve(p, cwd) for p in inv.cli_paths]
    else:
        data = load_object(name, hook_input)
        editor = opt_str(data, "editor") or editor
        editor_version = opt_str(data, "editor_version") or editor_version
        extension_version = opt_str(data, "extension_version") or extension_version
        cwd = opt_str(data, "cwd") or inv.cwd
        paths = [resolve(p, cwd) for p in str_list(data.get("edited_filepaths"))]
        dirty = dirty_files(data, cwd)
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


HANDLERS = {
    "human": _human,
    "known_human": _known_human,
    "mock_ai": _mock_ai,
    "mock_known_human": _mock_known_human,
}
