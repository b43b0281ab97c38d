"""Byte damage to a small real store, then reads, one more hook, verify and verify --fix.

:func:`build` writes a store whose three kinds of segment are each a few
hundred bytes: a compacted (blocked) one, a sealed one and the active one,
holding three working logs, a rename, a batch (a log's create event with
its first checkpoint) and blobs. :func:`run_case` damages one byte (or bit)
of one segment of a fresh copy and counts, against what was acknowledged:

* ``wrong``: reads that returned data other than what was written (a
  checkpoint, a file's newest entry or a blob): must be 0;
* ``lost``: acknowledged checkpoints none of whose bytes were damaged that
  are missing or different after ``verify --fix``: must be 0;
* ``red``: ``verify`` still reports an error after ``verify --fix``: must be 0.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import NamedTuple

from lsm import CorruptionError, Durability, Store, StoreOptions
from lsm.compaction import compact
from lsm.errors import Error as LsmError
from lsm.frame import FRAME_HEADER, split_block_address
from lsm.model import AgentId, Attribution, Checkpoint, CheckpointKind, FileEntry
from lsm.segment import Pointer, segment_path
from lsm.verify import verify

#: No fsync: the cases are about damage, not power loss, and must be quick.
OPTS = StoreOptions(segment_bytes=1 << 20, durability=Durability.OFF)


def small_checkpoint(i: int, path: str) -> tuple[Checkpoint, dict[str, bytes]]:
    """A checkpoint of a few dozen bytes: the segments stay small, the cases few."""
    data = f"{i}\n".encode()
    sha = hashlib.sha256(data).hexdigest()
    ai = i % 2 == 1
    author = "a1" if ai else "human"
    entry = FileEntry(path, sha, [Attribution(0, 1, author, i)] if ai else [], [])
    cp = Checkpoint(
        kind=CheckpointKind.AI_AGENT if ai else CheckpointKind.HUMAN,
        diff=str(i),
        author="h",
        entries=[entry],
        timestamp=i,
        agent_id=AgentId("mock_ai", "s", "m") if ai else None,
    )
    return cp, {sha: data}


class Written(NamedTuple):
    """What the pristine store holds: checkpoints by seq with their final log, and blobs."""

    checkpoints: dict[int, tuple[str, Checkpoint]]
    blobs: dict[str, bytes]
    #: segment kind -> segment id
    segments: dict[str, int]
    #: segment id -> [(start, end, seq)]: the file bytes of each checkpoint's frames
    spans: dict[int, list[tuple[int, int, int]]]


def build(root: Path) -> Written:
    """The small store (see the module docstring)."""
    cps: dict[int, tuple[str, Checkpoint]] = {}
    blobs: dict[str, bytes] = {}
    i = 0

    def add(s: Store, log: str, path: str) -> int:
        nonlocal i
        cp, b = small_checkpoint(i, path)
        i += 1
        seq = s.append(log, cp, blobs=b)
        cps[seq] = (log, cp)
        blobs.update(b)
        return seq

    with Store.open(root, options=OPTS) as s:
        for path in ("a.txt", "b.txt"):
            add(s, "main", path)
        with s.writer() as w:
            w.seal()
        compact(s, "full")
        add(s, "feat", "c.txt")
        s.rename_log("feat", "feat2")
        for seq, (log, cp) in list(cps.items()):
            if log == "feat":
                cps[seq] = ("feat2", cp)
        add(s, "feat2", "c.txt")
        add(s, "main", "a.txt")
        with s.writer() as w:
            w.seal()
        with s.writer() as w, w.batch():
            cp, b = small_checkpoint(i, "d.txt")
            i += 1
            w.create_log("other")
            seq = w.append("other", cp, blobs=b)
        cps[seq] = ("other", cp)
        blobs.update(b)
        kinds: dict[str, int] = {}
        for seg in s.segments():
            sid = int(seg["id"])
            kinds["compacted" if seg.get("compacted") else str(seg["state"])] = sid
        spans: dict[int, list[tuple[int, int, int]]] = {}
        with s.engine.view() as v:
            for _run, seq, ptr in v.checkpoints_all():
                start, end = _span(root, s, ptr)
                spans.setdefault(ptr.segment, []).append((start, end, seq))
    return Written(cps, blobs, kinds, spans)


def _span(root: Path, s: Store, ptr: Pointer) -> tuple[int, int]:
    """The file bytes of a checkpoint's frames (in a blocked segment: its block frame)."""
    if not s.engine.reader.header(ptr.segment).blocked:
        return ptr.offset, ptr.offset + ptr.length
    block, _inner = split_block_address(ptr.offset)
    with open(segment_path(root / "segments", ptr.segment), "rb") as f:
        f.seek(block + 4)
        size = int.from_bytes(f.read(4), "little")
    return block, block + FRAME_HEADER + size


class Outcome(NamedTuple):
    wrong: int
    lost: int
    red: int
    #: reads that raised CorruptionError before the fix (damage detected)
    detected: int
    #: the hook after the damage failed (it would degrade: exit 0, a warning)
    hook_failed: bool
    #: verify reported an error (before its fix)
    verify_found: bool


def _read_everything(
    s: Store, w: Written, extra: dict[int, tuple[str, Checkpoint]]
) -> tuple[int, int, dict[int, Checkpoint]]:
    """(wrong reads, detected errors, readable checkpoints by seq)."""
    wrong = detected = 0
    expected = {**w.checkpoints, **extra}
    present: dict[int, Checkpoint] = {}
    for seq, (_log, cp) in expected.items():
        try:
            got = s.checkpoint(seq)
        except CorruptionError:
            detected += 1
            continue
        if got is None:
            continue
        if got.checkpoint != cp or got.seq != seq:
            wrong += 1
        else:
            present[seq] = cp
    # A file's newest entry is the one of the newest readable checkpoint of
    # its log that has the file (a lost checkpoint's successor is allowed).
    files = {(log, e.file) for log, cp in expected.values() for e in cp.entries}
    for log, path in sorted(files):
        try:
            got_entry = s.latest(log, path)
        except CorruptionError:
            detected += 1
            continue
        if got_entry is None:
            continue  # missing, not wrong: counted by the loss check after the fix
        written = expected.get(got_entry.seq)
        newer = [
            seq
            for seq in present
            if seq > got_entry.seq
            and expected[seq][0] == log
            and any(e.file == path for e in expected[seq][1].entries)
        ]
        if (
            written is None
            or written[0] != log
            or got_entry.entry != next((e for e in written[1].entries if e.file == path), None)
            or newer
        ):
            wrong += 1  # another file's entry, or a stale one
    for sha, data in w.blobs.items():
        try:
            got_blob = s.get_blob(sha)
        except CorruptionError:
            detected += 1
            continue
        if got_blob is not None and got_blob != data:
            wrong += 1
    return wrong, detected, present


def run_case(
    pristine: Path, work: Path, w: Written, segment: int, offset: int, xor: int
) -> Outcome:
    """Damage ``segment`` at ``offset`` (xor ``xor``) in a copy, then read, hook, verify, fix."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(pristine, work)
    path = segment_path(work / "segments", segment)
    fd = os.open(path, os.O_RDWR)
    try:
        byte = os.pread(fd, 1, offset)
        os.pwrite(fd, bytes([byte[0] ^ xor]), offset)
    finally:
        os.close(fd)
    damaged = {seq for start, end, seq in w.spans.get(segment, []) if start <= offset < end}
    extra: dict[int, tuple[str, Checkpoint]] = {}
    wrong = detected = 0
    hook_failed = False
    try:
        with Store.open(work, options=OPTS) as s:
            wr, det, _present = _read_everything(s, w, extra)
            wrong += wr
            detected += det
            # One more hook: a checkpoint of main after the damage.
            cp, b = small_checkpoint(900, "hook.txt")
            try:
                s.latest("main", "a.txt")
                extra[s.append("main", cp, blobs=b)] = ("main", cp)
            except LsmError:
                hook_failed = True
    except LsmError:
        hook_failed = True
    with Store.open(work, options=OPTS) as s:
        # verify --fix: the check, then the rebuild when it found an error.
        found = any(p.severity == "error" for p in verify(s, fix=True, lmdb_check=False))
        red = int(any(p.severity == "error" for p in verify(s)))
        wr, _det, _present = _read_everything(s, w, extra)
        wrong += wr
        lost = 0
        by_log: dict[str, dict[int, Checkpoint]] = {}
        for log in {log for log, _cp in [*w.checkpoints.values(), *extra.values()]}:
            by_log[log] = {c.seq: c.checkpoint for c in s.checkpoints(log)}
        for seq, (log, cp) in {**w.checkpoints, **extra}.items():
            if seq in damaged:
                continue
            if by_log[log].get(seq) != cp:
                lost += 1
    return Outcome(wrong, lost, red, detected, hook_failed, found)
