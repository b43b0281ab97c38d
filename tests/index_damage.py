"""Damage to the LMDB index of a small real store, then reads and ``verify --fix``.

:func:`build` writes a store with two logs (one renamed), an INITIAL, a
transcript and blobs, and :func:`snapshot` records everything the public
reads return. :func:`silent_wrong_reads` compares a damaged store's reads
with the snapshot: a read may fail (with an error of the library's family)
or return what the snapshot holds, and counts as a silent wrong read
otherwise. The segments are the truth: after ``verify --fix`` every read is
back to the snapshot.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsm import Store, StoreOptions
from lsm.errors import Error
from lsm.model import (
    AgentId,
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    LineAttribution,
    LineStats,
)

OPTS = StoreOptions(segment_bytes=4096)
LOGS = ("main", "topic")
FILES = ("a.txt", "b.txt", "c.txt")


def build(root: Path) -> None:
    """The store: 12 checkpoints over two logs and three files in several segments."""
    with Store.open(root, options=OPTS) as s:
        for i in range(12):
            log = "feature" if i % 3 == 2 else "main"
            path = FILES[i % 3]
            data = f"{path} {i}\n".encode()
            sha = hashlib.sha256(data).hexdigest()
            ai = i % 2 == 1
            author = "s_0000000000000a::t_0000000000000a" if ai else "human"
            cp = Checkpoint(
                kind=CheckpointKind.AI_AGENT if ai else CheckpointKind.HUMAN,
                diff=f"d{i}",
                author="A <a@b>",
                entries=[FileEntry(path, sha, [Attribution(0, len(data), author, i)], [])],
                timestamp=1_700_000_000 + i,
                agent_id=AgentId("mock_ai", f"s{i % 4}", "m") if ai else None,
                line_stats=LineStats(i, i % 3, i, 0),
                trace_id=f"t_{i:014x}" if ai else None,
            )
            s.append(log, cp, blobs={sha: data})
        s.rename_log("feature", "topic")
        snap = s.put_blob(b"snapshot\n")
        s.set_initial(
            "main",
            InitialAttributions(
                files={"a.txt": [LineAttribution(1, 1, "s_i::t_i", None)]},
                file_blobs={"a.txt": snap},
            ),
        )
        with s.writer() as w:
            w.add_transcript("claude", "sess", 0, 10, [{"m": 1}], {"watermark": 10})
            w.add_transcript("codex", "sess2", 0, 5, [{"m": 2}], {"watermark": 5})


def snapshot(s: Store) -> dict[str, Any]:
    """Everything the public reads return (raises on a read error)."""
    out: dict[str, Any] = {"logs": sorted((i.name, i.checkpoints) for i in s.logs())}
    for log in LOGS:
        out[f"cps {log}"] = [(c.seq, c.run, c.checkpoint) for c in s.checkpoints(log)]
        out[f"count {log}"] = s.count_checkpoints(log)
        out[f"initial {log}"] = s.get_initial(log)
        out[f"files {log}"] = [(f.path, f.seq, f.blob_sha, f.ai_touched) for f in s.files(log)]
        facts = s.commit_facts(log)
        out[f"facts {log}"] = None if facts is None else repr(facts)
        for path in FILES:
            e = s.latest(log, path)
            out[f"latest {log} {path}"] = None if e is None else (e.seq, e.entry)
            out[f"history {log} {path}"] = [(h.seq, h.entry) for h in s.history(log, path)]
            if e is not None:
                out[f"blob {log} {path}"] = s.get_blob(e.entry.blob_sha)
    for c in out["cps main"] + out["cps topic"]:
        got = s.checkpoint(c[0])
        out[f"cp {c[0]}"] = None if got is None else got.checkpoint
    for agent, session in (("claude", "sess"), ("codex", "sess2")):
        out[f"transcript {agent}"] = list(s.transcript_messages(agent, session))
        out[f"session {agent}"] = s.transcript_state(agent, session)
    return out


def _cps(s: Store, log: str) -> object:
    return [(c.seq, c.run, c.checkpoint) for c in s.checkpoints(log)]


def _files(s: Store, log: str) -> object:
    return [(f.path, f.seq, f.blob_sha, f.ai_touched) for f in s.files(log)]


def _facts(s: Store, log: str) -> object:
    facts = s.commit_facts(log)
    return None if facts is None else repr(facts)


def _latest(s: Store, log: str, path: str) -> object:
    e = s.latest(log, path)
    return None if e is None else (e.seq, e.entry)


def _history(s: Store, log: str, path: str) -> object:
    return [(h.seq, h.entry) for h in s.history(log, path)]


def _checkpoint(s: Store, seq: int) -> object:
    c = s.checkpoint(seq)
    return None if c is None else c.checkpoint


def _transcript(s: Store, agent: str, session: str) -> object:
    return list(s.transcript_messages(agent, session))


def silent_wrong_reads(
    s: Store, want: dict[str, Any], names: list[str] | None = None
) -> tuple[int, int]:
    """(silent wrong reads, failed reads) of ``s`` against the snapshot ``want``.

    ``names`` collects the reads that were wrong.
    """
    wrong = failed = 0
    reads: dict[str, Callable[[], object]] = {
        "logs": lambda: sorted((i.name, i.checkpoints) for i in s.logs()),
    }
    for log in LOGS:
        reads[f"cps {log}"] = functools.partial(_cps, s, log)
        reads[f"count {log}"] = functools.partial(s.count_checkpoints, log)
        reads[f"initial {log}"] = functools.partial(s.get_initial, log)
        reads[f"files {log}"] = functools.partial(_files, s, log)
        reads[f"facts {log}"] = functools.partial(_facts, s, log)
        for path in FILES:
            reads[f"latest {log} {path}"] = functools.partial(_latest, s, log, path)
            reads[f"history {log} {path}"] = functools.partial(_history, s, log, path)
    for key in want:
        if key.startswith("cp "):
            reads[key] = functools.partial(_checkpoint, s, int(key[3:]))
        elif key.startswith("blob "):
            _b, log, path = key.split(" ")
            reads[key] = functools.partial(s.get_blob, want[f"latest {log} {path}"][1].blob_sha)
    for agent, session in (("claude", "sess"), ("codex", "sess2")):
        reads[f"transcript {agent}"] = functools.partial(_transcript, s, agent, session)
        reads[f"session {agent}"] = functools.partial(s.transcript_state, agent, session)
    for key, read in reads.items():
        try:
            got = read()
        except Error:
            failed += 1
            continue
        if key.startswith("facts ") and got is None:
            failed += 1  # "this index keeps no facts": the commit path degrades
            continue
        if got != want.get(key):
            wrong += 1
            if names is not None:
                names.append(key)
    return wrong, failed
