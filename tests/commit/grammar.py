"""git-ai's authorship-note grammar, written from the spec (not from lsm.notes).

``specs/git_ai_standard_v3.0.0.md`` and gitai-semantics.md §3.1: an
attestation section (paths at column 0, quoted when they hold whitespace;
entries indented by exactly two spaces: ``<key> <ranges>``), the divider
line ``---``, then serde-pretty JSON metadata with ``schema_version``,
``git_ai_version``, ``base_commit_sha``, ``prompts`` (always) and optional
``humans``/``sessions``. :func:`check_note` is stricter than git-ai's reader:
it also requires what git-ai's *writer* guarantees (no trailing newline,
sorted ranges, keys that route to a metadata record, 2-space JSON).
"""

from __future__ import annotations

import json
import re
from typing import Any

KEY = re.compile(r"(s_[0-9a-f]{14}::t_[0-9a-f]{14}|h_[0-9a-f]{14}|[0-9a-f]{16}|[0-9a-f]{7})\Z")
RANGE = re.compile(r"([1-9][0-9]*)(?:-([1-9][0-9]*))?\Z")


class GrammarError(AssertionError):
    pass


def check_note(text: str, *, commit: str | None = None) -> dict[str, Any]:
    """Validate ``text``; returns ``{"files": {path: [(key, [(a, b)...])]}, "metadata": {...}}``."""
    if text.endswith("\n"):
        raise GrammarError("a note has no trailing newline")
    head, sep, meta_text = text.partition("---\n")
    if not sep:
        raise GrammarError("no divider")
    files: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}
    current: str | None = None
    for line in head.split("\n")[:-1] if head else []:
        if line.startswith("  "):
            if current is None:
                raise GrammarError("entry before a path")
            key, _, ranges = line[2:].partition(" ")
            if not KEY.match(key):
                raise GrammarError(f"bad key {key!r}")
            parsed = []
            for part in ranges.split(","):
                m = RANGE.match(part)
                if not m:
                    raise GrammarError(f"bad range {part!r} in {line!r}")
                a = int(m.group(1))
                b = int(m.group(2) or a)
                if b < a:
                    raise GrammarError(f"reversed range {part!r}")
                parsed.append((a, b))
            if [r[0] for r in parsed] != sorted(r[0] for r in parsed):
                raise GrammarError(f"ranges not sorted by start: {line!r}")
            files[current].append((key, parsed))
        else:
            if not line or line.startswith(" "):
                raise GrammarError(f"bad path line {line!r}")
            if line.startswith('"'):
                if not line.endswith('"') or len(line) < 2:
                    raise GrammarError(f"bad quoted path {line!r}")
                path = line[1:-1]
            else:
                if any(c in line for c in " \t"):
                    raise GrammarError(f"unquoted path with whitespace {line!r}")
                path = line
            if current is not None and not files[current]:
                raise GrammarError(f"path without entries: {current!r}")
            current = path
            files.setdefault(path, [])
    if current is not None and not files[current]:
        raise GrammarError(f"path without entries: {current!r}")
    meta = json.loads(meta_text)
    if json.dumps(meta, indent=2, ensure_ascii=False) != meta_text:
        raise GrammarError("metadata is not 2-space serde-pretty JSON")
    order = list(meta)
    expected = ["schema_version", "git_ai_version", "base_commit_sha", "prompts"]
    if order[:4] != expected:
        raise GrammarError(f"metadata fields out of order: {order}")
    if any(k not in ("humans", "sessions") for k in order[4:]):
        raise GrammarError(f"unknown metadata fields: {order[4:]}")
    if meta["schema_version"] != "authorship/3.0.0":
        raise GrammarError("schema_version")
    if commit is not None and meta["base_commit_sha"] != commit:
        raise GrammarError("base_commit_sha is not the commit")
    for name in ("humans", "sessions"):
        if name in meta and not meta[name]:
            raise GrammarError(f"empty {name} must be omitted")
    for entries in files.values():
        for key, _ in entries:
            if key.startswith("h_"):
                if key not in meta.get("humans", {}):
                    raise GrammarError(f"{key} has no humans record")
            elif key.startswith("s_"):
                if key.split("::")[0] not in meta.get("sessions", {}):
                    raise GrammarError(f"{key} has no sessions record")
            elif key not in meta["prompts"]:
                raise GrammarError(f"{key} has no prompts record")
    for rec in meta.get("sessions", {}).values():
        if list(rec)[:2] != ["agent_id", "human_author"] or list(rec["agent_id"]) != [
            "tool",
            "id",
            "model",
        ]:
            raise GrammarError(f"session record shape {rec}")
    for rec in meta.get("humans", {}).values():
        if list(rec) != ["author"]:
            raise GrammarError(f"human record shape {rec}")
    return {"files": files, "metadata": meta}
