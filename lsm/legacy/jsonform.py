"""git-ai's JSON, byte for byte: compact checkpoint lines and the pretty INITIAL file.

serde_json (what git-ai writes with) and orjson escape strings the same
way: ``"`` and ``\\``, ``\\b \\f \\n \\r \\t``, other control characters as
lowercase ``\\u00XX``, everything else (``/``, DEL, non-ASCII) verbatim.
orjson cannot write integers past 2**64 - 1 (a u128 timestamp could be);
those lines fall back to the standard library, which writes the same bytes
with ``separators=(",", ":")`` and ``ensure_ascii=False``.

Field order is the order of git-ai's structs (``working_log.rs``,
``attribution_tracker.rs``, ``repo_storage.rs``); optional fields are
omitted or written as ``null`` exactly where serde does.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from lsm.model import Checkpoint, FileEntry, InitialAttributions

__all__ = ["checkpoint_line", "checkpoint_object", "initial_text"]


def _entry_object(e: FileEntry, strip: bool) -> dict[str, Any]:
    return {
        "file": e.file,
        "blob_sha": e.blob_sha,
        "attributions": []
        if strip
        else [
            {"start": a.start, "end": a.end, "author_id": a.author_id, "ts": a.ts}
            for a in e.attributions
        ],
        "line_attributions": [
            {
                "start_line": la.start_line,
                "end_line": la.end_line,
                "author_id": la.author_id,
                "overrode": la.overrode,
            }
            for la in e.line_attributions
        ],
    }


def checkpoint_object(cp: Checkpoint, *, strip: frozenset[int] = frozenset()) -> dict[str, Any]:
    """The checkpoint as git-ai's serde struct (insertion order = field order).

    ``strip`` names entry positions written without character attributions
    (git-ai's prune of superseded entries).
    """
    obj: dict[str, Any] = {
        "kind": cp.kind.value,
        "diff": cp.diff,
        "author": cp.author,
        "entries": [_entry_object(e, i in strip) for i, e in enumerate(cp.entries)],
        "timestamp": cp.timestamp,
        "agent_id": None
        if cp.agent_id is None
        else {"tool": cp.agent_id.tool, "id": cp.agent_id.id, "model": cp.agent_id.model},
        "agent_metadata": cp.agent_metadata,
        "line_stats": {
            "additions": cp.line_stats.additions,
            "deletions": cp.line_stats.deletions,
            "additions_sloc": cp.line_stats.additions_sloc,
            "deletions_sloc": cp.line_stats.deletions_sloc,
        },
        "api_version": cp.api_version,
    }
    if cp.git_ai_version is not None:
        obj["git_ai_version"] = cp.git_ai_version
    if cp.known_human_metadata is not None:
        k = cp.known_human_metadata
        obj["known_human_metadata"] = {
            "editor": k.editor,
            "editor_version": k.editor_version,
            "extension_version": k.extension_version,
        }
    if cp.trace_id is not None:
        obj["trace_id"] = cp.trace_id
    return obj


def _compact(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:  # an integer past 64 bits
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def checkpoint_line(cp: Checkpoint, *, strip: frozenset[int] = frozenset()) -> bytes:
    """One ``checkpoints.jsonl`` line, newline included, exactly as git-ai writes it."""
    return _compact(checkpoint_object(cp, strip=strip)) + b"\n"


def initial_text(initial: InitialAttributions) -> bytes:
    """The INITIAL file as ``serde_json::to_string_pretty`` writes it.

    ``humans`` and ``sessions`` are BTreeMaps in git-ai (sorted keys) and
    omitted when empty; ``prompts`` and ``files`` keep their order.
    """
    obj: dict[str, Any] = {
        "files": {
            path: [
                {
                    "start_line": la.start_line,
                    "end_line": la.end_line,
                    "author_id": la.author_id,
                    "overrode": la.overrode,
                }
                for la in lines
            ]
            for path, lines in initial.files.items()
        },
        "prompts": initial.prompts,
        "file_blobs": initial.file_blobs,
    }
    if initial.humans:
        obj["humans"] = dict(sorted(initial.humans.items()))
    if initial.sessions:
        obj["sessions"] = dict(sorted(initial.sessions.items()))
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    except TypeError:
        return json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8")
