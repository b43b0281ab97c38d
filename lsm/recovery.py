"""Reading segments back as records: tail recovery, resynchronisation, quarantine.

Two situations, two rules (LevelDB/RocksDB point-in-time semantics):

* **The tail of the active segment**, past the index's durable offset, is
  what a crashed writer left. Complete, valid checkpoint groups there are
  indexed (they were written, just not acknowledged); the first short,
  CRC-failing or incomplete frame ends the valid data, and everything from
  it on is *copied* to ``quarantine/`` before the file is truncated.
* **A sealed segment** is immutable. A bad frame in it is corruption: it is
  reported, the damaged bytes are copied to quarantine, the scan
  resynchronises on the next valid frame, and no record from the damaged
  range is ever returned.

A checkpoint is indexed only when its header and all ``n`` entry frames
are present and valid, so a torn multi-frame write never yields half a
checkpoint.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from lsm import killpoints
from lsm.codec import CheckpointRecord, Codec, EntryRecord, Record, RecordError
from lsm.frame import (
    FRAME_HEADER,
    FrameProblem,
    RecordType,
    block_address,
    check_frame,
    frame_length,
)
from lsm.fsutil import fsync_dir, pread_exact, private_mkdir, private_open, sync_fd, write_all
from lsm.segment import Pointer, ScannedFrame, ScanStop, scan_frames

__all__ = [
    "CheckpointGroup",
    "Damage",
    "ScannedItem",
    "SegmentScan",
    "expand_blocks",
    "find_next_frame",
    "quarantine_bytes",
    "scan_segment",
    "tail_intact",
]


class CheckpointGroup:
    """A checkpoint header and its entries, with the pointer covering them all."""

    __slots__ = ("entries", "header", "pointer")

    def __init__(
        self, header: CheckpointRecord, pointer: Pointer, entries: list[tuple[EntryRecord, Pointer]]
    ) -> None:
        self.header = header
        self.pointer = pointer
        self.entries = entries


#: What a scan yields: a complete checkpoint group, or one record at its pointer.
ScannedItem = CheckpointGroup | tuple[Record, Pointer]


class Damage(NamedTuple):
    """A byte range that holds no valid record, and why."""

    start: int
    end: int
    reason: str


class SegmentScan:
    """What :func:`scan_segment` found after the iteration ended.

    :ivar valid_end: offset just past the last complete record/group.
    :ivar last_start: offset where that last complete record/group starts.
    :ivar damage: damaged ranges (tail or, for sealed segments, inside).
    :ivar frames: frames read.
    :ivar logical: uncompressed bytes of the records decoded (size accounting).
    """

    __slots__ = ("damage", "frames", "last_start", "logical", "valid_end")

    def __init__(self) -> None:
        self.valid_end = 0
        self.last_start = 0
        self.damage: list[Damage] = []
        self.frames = 0
        self.logical = 0


def _decode(
    codec: Codec,
    flags: int,
    rtype: int,
    payload: bytes,
    dict_sha: bytes | None,
    result: SegmentScan,
) -> Record | None:
    raw = codec.decompress(flags, payload, dict_sha)
    result.logical += len(raw)
    return codec.decode(rtype, codec.unpack(0, raw))


def scan_segment(
    fd: int,
    segment: int,
    codec: Codec,
    start: int,
    end: int,
    result: SegmentScan,
    *,
    dict_sha: bytes | None = None,
    resync: bool = False,
    blocked: bool = False,
) -> Iterator[ScannedItem]:
    """Yield complete records of ``[start, end)``: checkpoint groups and single records.

    Ignorable unknown records are skipped. When the scan meets a bad frame
    or an incomplete checkpoint it records a :class:`Damage`; with
    ``resync`` (sealed segments) it continues at the next valid frame,
    otherwise (a tail) it stops there. ``result`` is filled in as the
    iteration proceeds and is complete once it is exhausted.
    """
    result.valid_end = start
    result.last_start = start
    pos = start
    pending: CheckpointGroup | None = None
    pending_start = 0

    def done(unit_start: int, unit_end: int) -> None:
        result.valid_end = unit_end
        result.last_start = unit_start

    while pos < end:
        stopped: ScanStop | None = None
        frames = scan_frames(fd, pos, end)
        for item in expand_blocks(frames, codec, dict_sha) if blocked else frames:
            if isinstance(item, ScanStop):
                stopped = item
                break
            result.frames += 1
            ptr = Pointer(segment, item.offset, item.header.size)
            record: Record | None
            problem: str | None
            try:
                record = _decode(
                    codec, item.header.flags, item.header.type, item.payload, dict_sha, result
                )
            except RecordError as exc:
                # CRC-valid but not a record we can read (a bug or a newer writer).
                record = None
                problem = f"undecodable: {exc}"
            else:
                problem = None
            if pending is not None:
                if isinstance(record, EntryRecord) and record.seq == pending.header.seq:
                    pending.entries.append((record, ptr))
                    if len(pending.entries) == pending.header.n_entries:
                        pending.pointer = Pointer(segment, pending_start, item.end - pending_start)
                        yield pending
                        pending = None
                        done(pending_start, item.end)
                    continue
                # The group was interrupted: its checkpoint is incomplete.
                result.damage.append(Damage(pending_start, item.offset, "incomplete checkpoint"))
                pending = None
                if not resync:
                    return
            if problem is None and isinstance(record, EntryRecord):
                problem = "entry without its checkpoint"
            if problem is not None:
                result.damage.append(Damage(item.offset, item.end, problem))
                if not resync:
                    return
                continue
            if isinstance(record, CheckpointRecord):
                if record.n_entries == 0:
                    yield CheckpointGroup(record, ptr, [])
                    done(item.offset, item.end)
                else:
                    pending = CheckpointGroup(record, ptr, [])
                    pending_start = item.offset
                continue
            if record is not None:
                yield record, ptr
            done(item.offset, item.end)
        if pending is not None:
            # A group cut by the end of the data or by a bad frame.
            result.damage.append(
                Damage(pending_start, stopped.offset if stopped else end, "incomplete checkpoint")
            )
            pending = None
            if not resync:
                return
        if stopped is None:
            return
        bad = stopped.offset
        if not resync:
            result.damage.append(Damage(bad, end, stopped.problem.value))
            return
        nxt = (
            stopped.resume_at
            if stopped.resume_at is not None
            else find_next_frame(fd, bad + 1, end)
        )
        result.damage.append(Damage(bad, nxt, stopped.problem.value))
        pos = nxt


def expand_blocks(
    frames: Iterator[ScannedFrame | ScanStop], codec: Codec, dict_sha: bytes | None
) -> Iterator[ScannedFrame | ScanStop]:
    """Replace each BLOCK frame by the frames inside it, with block-addressed offsets."""
    for item in frames:
        if isinstance(item, ScanStop) or item.header.type != RecordType.BLOCK:
            yield item
            if isinstance(item, ScanStop):
                return
            continue
        try:
            data = codec.decompress(item.header.flags, item.payload, dict_sha)
        except RecordError:
            yield ScanStop(item.offset, FrameProblem.BAD_CRC, resume_at=item.end)
            return
        pos = 0
        while pos < len(data):
            found = check_frame(data, pos)
            addr = block_address(item.offset, pos)
            if isinstance(found, FrameProblem):
                yield ScanStop(addr, found, resume_at=item.end)
                return
            yield ScannedFrame(addr, found, data[pos + FRAME_HEADER : pos + found.size])
            pos += found.size


def tail_intact(fd: int, tail: int, durable: int) -> bool:
    """True if ``[tail, durable)`` still holds valid frames ending exactly at ``durable``.

    The last committed write is checked on every open: a segment cut below
    its durable offset and then extended (by garbage, zeros, or another
    write) would otherwise go unnoticed until a read hit it.
    """
    if durable <= tail:
        return durable == tail
    data = pread_exact(fd, durable - tail, tail)
    pos = 0
    while pos < len(data):
        found = check_frame(data, pos)
        if isinstance(found, FrameProblem):
            return False
        pos += found.size
    return pos == durable - tail


def find_next_frame(fd: int, start: int, end: int) -> int:
    """The first offset in ``[start, end)`` where a CRC-valid frame begins, else ``end``."""
    chunk = 1 << 20
    pos = start
    while pos < end:
        data = pread_exact(fd, min(chunk + FRAME_HEADER, end - pos), pos)
        limit = min(chunk, len(data) - FRAME_HEADER + 1)
        for i in range(max(limit, 0)):
            length = frame_length(data, i)
            if pos + i + FRAME_HEADER + length > end or data[i + 8] == 0:
                continue
            frame = (
                data[i:]
                if i + FRAME_HEADER + length <= len(data)
                else pread_exact(fd, FRAME_HEADER + length, pos + i)
            )
            if not isinstance(check_frame(frame, 0), FrameProblem):
                return pos + i
        pos += chunk
    return end


def quarantine_bytes(root: Path, segment: int, fd: int, start: int, end: int) -> Path:
    """Copy ``[start, end)`` of a segment into ``quarantine/`` durably; returns the file.

    The copy is synced (and its directory) before the caller cuts or
    skips the bytes, so recovery never destroys the only copy of anything.
    """
    qdir = root / "quarantine"
    private_mkdir(qdir)
    path = qdir / f"{segment:08d}-{start:012d}-{int(time.time() * 1000)}.bin"
    out = private_open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        pos = start
        off = 0
        while pos < end:
            data = pread_exact(fd, min(1 << 20, end - pos), pos)
            if not data:
                break
            write_all(out, data, off)
            off += len(data)
            pos += len(data)
        sync_fd(out)
    finally:
        os.close(out)
    fsync_dir(qdir)
    killpoints.reached("recover.after_quarantine")
    return path
