"""Agent Trace records (github.com/cursor/agent-trace, v0.1.0) from authorship notes.

One record per commit that has a note: ``vcs = {type: git, revision:
<commit>}``; its ``files`` hold ``conversations``, one per author key's
session (``s_…`` for an agent, ``h_…`` for a known human, a legacy prompt
id), and each conversation the line ranges it wrote, in that commit's
coordinates (the spec's §6.5: blame finds the commit, the trace the range).

* ``contributor.type``: ``ai`` for an agent's conversation, ``human`` for a
  known human's; a line covered by an AI key and a known human's (a merged
  note) is a range whose own contributor is ``mixed``.
* ``contributor.model_id``: ``provider/model`` where the provider is known
  from the model name (:func:`lsm.authors.model_id`), the bare model
  otherwise, absent when the note does not know it.
* ``related``: ``{type: "session", url: "urn:ckptlog:session:<s_…>"}``
  joins a conversation to ``metadata["dev.ckptlog"].sessions``, which keeps
  the agent, its own session id and the human it worked for.
* ``id``: a UUID derived from the commit and the note's bytes, so the same
  note always exports the same record; ``timestamp``: the commit's
  committer date (RFC 3339, UTC).

Lines the note does not attest are not written (the spec has no
"untracked"). The schema the tests validate against is
``docs/agent-trace.schema.json``, written from the spec's §6.1.

What can fail: :class:`~lsm.errors.GitError` (an unknown revision).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import uuid
from collections.abc import Iterator
from typing import Any

from lsm import __version__
from lsm.authors import AI, KNOWN_HUMAN, describe, model_id
from lsm.authorship import resolve_commits
from lsm.blame import NoteIndex
from lsm.errors import GitError
from lsm.git import Git
from lsm.gitnotes import read_notes
from lsm.notes import compress_lines, session_of
from lsm.notesync import merge_tracking

__all__ = ["SPEC_VERSION", "trace_records"]

#: The Agent Trace version written.
SPEC_VERSION = "0.1.0"
_NAMESPACE = uuid.UUID("6f1c8e0a-3b7d-5e2f-9a41-c0d5e8b7f123")


def _when(git: Git, commits: list[str]) -> dict[str, int]:
    out = git.output(
        ["show", "-s", "--format=%H %ct", "--no-walk=unsorted", "--stdin"],
        stdin="".join(c + "\n" for c in commits).encode(),
    )
    when: dict[str, int] = {}
    for line in out.decode("ascii", "replace").splitlines():
        sha, _, ts = line.partition(" ")
        if ts.isdigit():
            when[sha] = int(ts)
    return when


def trace_records(cwd: str | os.PathLike[str], rev: str = "HEAD") -> Iterator[dict[str, Any]]:
    """Agent Trace records of the commits of ``rev`` (a commit or a range) that have notes."""
    git = Git(cwd)
    with contextlib.suppress(GitError):
        merge_tracking(git)
    commits = resolve_commits(git, rev)
    index = NoteIndex(read_notes(git, commits))
    noted = [c for c in commits if index.note(c) is not None]
    when = _when(git, noted) if noted else {}
    for c in noted:
        note = index.note(c)
        assert note is not None
        md = note.metadata
        files: list[dict[str, Any]] = []
        sessions: dict[str, Any] = {}
        for f in note.files:
            lines = sorted({n for e in f.entries for a, b in e.ranges for n in range(a, b + 1)})
            first_key: dict[str, str] = {}  # conversation -> its first key (names it)
            own: dict[str, list[int]] = {}
            mixed: dict[str, list[int]] = {}
            for n in lines:
                key = index.owner(c, f.path, n)
                if key is None:
                    continue
                conv = session_of(key)
                first_key.setdefault(conv, key)
                own.setdefault(conv, [])
                (mixed.setdefault(conv, []) if index.is_mixed(c, f.path, n) else own[conv]).append(
                    n
                )
            conversations: list[dict[str, Any]] = []
            for conv, key in first_key.items():
                who = describe(key, md.sessions, md.prompts, md.humans)
                kind = {AI: "ai", KNOWN_HUMAN: "human"}.get(who.kind, "unknown")
                contributor: dict[str, Any] = {"type": kind}
                mid = model_id(who.tool, who.model)
                if mid is not None:
                    contributor["model_id"] = mid[:250]
                ranges: list[dict[str, Any]] = [
                    {"start_line": a, "end_line": b} for a, b in compress_lines(own[conv])
                ]
                ranges += [
                    {"start_line": a, "end_line": b, "contributor": {"type": "mixed"}}
                    for a, b in compress_lines(mixed.get(conv, []))
                ]
                ranges.sort(key=lambda r: r["start_line"])
                conversation: dict[str, Any] = {"contributor": contributor, "ranges": ranges}
                if conv.startswith("s_"):
                    conversation["related"] = [
                        {"type": "session", "url": f"urn:ckptlog:session:{conv}"}
                    ]
                    rec = md.sessions.get(conv, {})
                    agent = rec.get("agent_id") if isinstance(rec, dict) else None
                    sessions[conv] = {
                        "agent": who.tool,
                        "model": who.model,
                        "agent_session_id": agent.get("id") if isinstance(agent, dict) else None,
                        "human_author": rec.get("human_author") if isinstance(rec, dict) else None,
                    }
                conversations.append(conversation)
            if conversations:
                files.append({"path": f.path, "conversations": conversations})
        text = index.texts.get(c, "")
        ts = datetime.datetime.fromtimestamp(when.get(c, 0), tz=datetime.UTC)
        yield {
            "version": SPEC_VERSION,
            "id": str(uuid.uuid5(_NAMESPACE, c + "\n" + text)),
            "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "vcs": {"type": "git", "revision": c},
            "tool": {"name": "ckptlog", "version": __version__},
            "files": files,
            "metadata": {
                "dev.ckptlog": {
                    "note_schema": md.schema_version,
                    "sessions": sessions,
                    "humans": {
                        k: v.get("author") for k, v in md.humans.items() if isinstance(v, dict)
                    },
                }
            },
        }
