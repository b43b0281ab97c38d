"""Reading segments back as units: the torn-tail rule, resynchronisation, quarantine.

A scan turns frames into *units*: a checkpoint with all its entries, a
batch (the frames a BATCH marker names, written by one ``pwrite``), or one
record. Bad bytes fall into one of two cases, told apart by what follows
them (LevelDB's ``log_reader`` and RocksDB's point-in-time recovery):

* **nothing valid follows**: a *torn tail*. In the active segment it is what
  a crashed writer left: recovery copies it to ``quarantine/`` and cuts it
  off. A batch the tear cut is lost whole when it started at or past the
  durable offset (it was never acknowledged), so recovery never indexes
  half a batch.
* **valid frames follow**: *corruption* (a torn write is always last). The
  scan resynchronises on the next frame whose header and CRC check, and
  only the damaged bytes, widened to the units they broke, are reported
  (:attr:`SegmentScan.damage`); every intact unit after them is kept. The
  complete members of a batch the damage interrupted are kept too: they
  were acknowledged, and a batch is atomic only against a torn write.

In a blocked (compacted) segment the unit of damage is one BLOCK frame: a
zstd stream does not resynchronise inside itself, so a damaged block is
lost whole and the scan goes on at the next block.

A checkpoint is yielded only when its header and all ``n`` entry frames are
present and valid, so no scan ever yields half a checkpoint.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from lsm import killpoints
from lsm.codec import (
    BatchRecord,
    CheckpointRecord,
    Codec,
    EntryRecord,
    Record,
    RecordError,
    SegmentInfoRecord,
)
from lsm.frame import (
    FRAME_HEADER,
    SEGMENT_HEADER,
    FrameProblem,
    RecordType,
    block_address,
    check_frame,
    frame_length,
)
from lsm.fsutil import fsync_dir, pread_exact, private_mkdir, private_open, sync_fd, write_all
from lsm.record import NamedTuple
from lsm.segment import Pointer, ScannedFrame, ScanStop, read_frame_at, scan_frames

__all__ = [
    "CheckpointGroup",
    "Damage",
    "ScannedItem",
    "SegmentScan",
    "expand_blocks",
    "find_next_frame",
    "item_seq",
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
    """A byte range (file offsets) that holds no usable unit, and why.

    :ivar lost: what the range held that is gone, as far as it can be told
        (``"checkpoint 12 of log main"``, ``"unreadable bytes"``, ...).
    """

    start: int
    end: int
    reason: str
    lost: tuple[str, ...] = ()


def item_seq(item: ScannedItem) -> int | None:
    """The seq of a unit, or None for records without one (blobs, segment info)."""
    if isinstance(item, CheckpointGroup):
        return item.header.seq
    seq = getattr(item[0], "seq", None)
    return seq if isinstance(seq, int) else None


class SegmentScan:
    """What :func:`scan_segment` found (complete once the iteration is exhausted).

    :ivar valid_end: offset just past the last complete unit.
    :ivar last_start: offset where that last complete unit starts.
    :ivar damage: damaged ranges with valid frames after them (corruption).
    :ivar tail: the torn tail, ``[valid_end, end)``, when the data does not
        end with a complete unit; None otherwise.
    :ivar frames: frames read.
    :ivar logical: uncompressed bytes of the records decoded (size accounting).
    :ivar first_seq: lowest seq yielded (None if none).
    :ivar last_seq: highest seq yielded.
    :ivar groups: checkpoints yielded.
    """

    __slots__ = (
        "damage",
        "first_seq",
        "frames",
        "groups",
        "last_seq",
        "last_start",
        "logical",
        "tail",
        "valid_end",
    )

    def __init__(self) -> None:
        self.valid_end = 0
        self.last_start = 0
        self.damage: list[Damage] = []
        self.tail: Damage | None = None
        self.frames = 0
        self.logical = 0
        self.first_seq: int | None = None
        self.last_seq: int | None = None
        self.groups = 0

    def note(self, item: ScannedItem) -> None:
        """Count one yielded unit."""
        if isinstance(item, CheckpointGroup):
            self.groups += 1
        seq = item_seq(item)
        if seq is not None:
            self.first_seq = seq if self.first_seq is None else min(self.first_seq, seq)
            self.last_seq = seq if self.last_seq is None else max(self.last_seq, seq)

    @property
    def ranges(self) -> list[Damage]:
        """Every damaged range, the torn tail last."""
        return [*self.damage, *([self.tail] if self.tail is not None else [])]


#: Record types a blocked segment holds outside its blocks (SEGMENT_INFO comes first).
_BLOCKED_TOP = frozenset({RecordType.BLOCK, RecordType.REPAIR, RecordType.NOTE})


def _describe(rec: CheckpointRecord) -> str:
    return f"checkpoint {rec.seq} of log {rec.log}"


class _Assembler:
    """Turns valid frames into units; remembers the unit in progress.

    ``ready`` collects the units completed by the last call (the caller
    yields them). Offsets are pointer offsets (block addresses inside a
    blocked segment's blocks).
    """

    __slots__ = (
        "batch",
        "batch_left",
        "batch_start",
        "damage",
        "group",
        "group_start",
        "ready",
        "result",
        "segment",
    )

    def __init__(self, segment: int, result: SegmentScan) -> None:
        self.segment = segment
        self.result = result
        self.group: CheckpointGroup | None = None
        self.group_start = 0
        #: members of an open batch: (unit or None for an ignorable record, start, end)
        self.batch: list[tuple[ScannedItem | None, int, int]] | None = None
        self.batch_start = 0
        self.batch_left = 0
        #: the damaged range still open (orphan entries right after it extend it)
        self.damage: Damage | None = None
        self.ready: list[ScannedItem] = []

    # -- damage

    def add_damage(self, start: int, end: int, reason: str, lost: tuple[str, ...] = ()) -> None:
        d = self.damage
        if d is not None and start <= d.end:
            self.damage = Damage(min(d.start, start), max(d.end, end), d.reason, d.lost + lost)
            return
        self.close_damage()
        self.damage = Damage(start, end, reason, lost)

    def close_damage(self) -> None:
        if self.damage is not None:
            self.result.damage.append(self.damage)
            self.damage = None

    def break_group(self) -> tuple[int, tuple[str, ...]] | None:
        """Drop the open checkpoint (damage cut it); returns (its start, what was lost)."""
        group = self.group
        if group is None:
            return None
        self.group = None
        return self.group_start, (_describe(group.header),)

    def release_batch(self) -> None:
        """An interrupted batch below the durable offset: its complete members stand."""
        members, self.batch = self.batch or [], None
        for item, start, end in members:
            self._yield(item, start, end)

    # -- units

    def _yield(self, item: ScannedItem | None, start: int, end: int) -> None:
        if item is not None:
            self.ready.append(item)
        self.result.valid_end = end
        self.result.last_start = start

    def _complete(self, item: ScannedItem | None, start: int, end: int) -> None:
        self.close_damage()
        if self.batch is None:
            self._yield(item, start, end)
            return
        self.batch.append((item, start, end))
        if self.batch_left <= 0:
            members, self.batch = self.batch, None
            for member, _s, _e in members:
                if member is not None:
                    self.ready.append(member)
            self.result.valid_end = end
            self.result.last_start = self.batch_start

    def frame(self, offset: int, end: int, record: Record | None) -> None:
        """One valid, decoded frame at ``[offset, end)``."""
        if self.batch is not None:
            self.batch_left -= 1
        ptr = Pointer(self.segment, offset, end - offset)
        group = self.group
        if group is not None:
            if isinstance(record, EntryRecord) and record.seq == group.header.seq:
                group.entries.append((record, ptr))
                if len(group.entries) == group.header.n_entries:
                    self.group = None
                    group.pointer = Pointer(self.segment, self.group_start, end - self.group_start)
                    self._complete(group, self.group_start, end)
                return
            # A valid frame where an entry was due: the checkpoint is incomplete.
            self.add_damage(
                self.group_start, offset, "incomplete checkpoint", (_describe(group.header),)
            )
            self.group = None
        if isinstance(record, EntryRecord):
            self.add_damage(
                offset,
                end,
                "entry without its checkpoint",
                (f"an entry of checkpoint {record.seq}",),
            )
            return
        if isinstance(record, BatchRecord):
            self.close_damage()
            if self.batch is not None:
                self.release_batch()
            if record.frames > 0:
                self.batch, self.batch_start, self.batch_left = [], offset, record.frames
            else:
                self._yield(None, offset, end)
            return
        if isinstance(record, CheckpointRecord):
            if record.n_entries == 0:
                self._complete(CheckpointGroup(record, ptr, []), offset, end)
            else:
                self.close_damage()
                self.group, self.group_start = CheckpointGroup(record, ptr, []), offset
            return
        self._complete(None if record is None else (record, ptr), offset, end)

    def open_start(self) -> int | None:
        """Where the oldest unfinished unit starts, or None."""
        if self.batch is not None:
            return self.batch_start
        if self.group is not None:
            return self.group_start
        return None


def _decode(
    codec: Codec, frame: ScannedFrame, dict_sha: bytes | None, result: SegmentScan
) -> Record | None:
    raw = codec.decompress(frame.header.flags, frame.payload, dict_sha)
    result.logical += len(raw)
    return codec.decode(frame.header.type, codec.unpack(0, raw))


def _block_records(
    codec: Codec, block: ScannedFrame, dict_sha: bytes | None, result: SegmentScan
) -> list[tuple[int, int, Record | None]] | str:
    """The inner records of a BLOCK frame ``(address, end address, record)``, or why not.

    A block is all or nothing: its inner frames must all check and decode,
    and its checkpoints must be complete inside it (they never straddle).
    """
    try:
        data = codec.decompress(block.header.flags, block.payload, dict_sha)
    except RecordError as exc:
        return f"block: {exc}"
    out: list[tuple[int, int, Record | None]] = []
    pos = 0
    open_entries = 0
    while pos < len(data):
        found = check_frame(data, pos)
        if isinstance(found, FrameProblem):
            return f"block: {found.value}"
        payload = data[pos + FRAME_HEADER : pos + found.size]
        try:
            record = codec.decode(found.type, codec.unpack(found.flags, payload, dict_sha))
        except RecordError as exc:
            return f"block: undecodable: {exc}"
        if isinstance(record, CheckpointRecord):
            if open_entries:
                return "block: incomplete checkpoint"
            open_entries = record.n_entries
        elif isinstance(record, EntryRecord):
            if not open_entries:
                return "block: entry without its checkpoint"
            open_entries -= 1
        elif open_entries:
            return "block: incomplete checkpoint"
        result.logical += len(payload)
        out.append(
            (
                block_address(block.offset, pos),
                block_address(block.offset, pos + found.size),
                record,
            )
        )
        pos += found.size
    if open_entries:
        return "block: incomplete checkpoint"
    return out


def scan_segment(
    fd: int,
    segment: int,
    codec: Codec,
    start: int,
    end: int,
    result: SegmentScan,
    *,
    dict_sha: bytes | None = None,
    blocked: bool = False,
    torn_from: int | None = None,
) -> Iterator[ScannedItem]:
    """Yield the complete units of ``[start, end)``: checkpoint groups and single records.

    Ignorable records (BATCH markers, repair records, notes, unknown types
    with the safe-to-ignore bit) are not yielded. Damage followed by a
    valid frame is corruption: it goes to ``result.damage`` and the scan
    goes on. Whatever follows the last complete unit without completing one
    is ``result.tail``.

    :param torn_from: where a torn write may begin (the active segment's
        durable offset, or its start when that is unknown); None for a
        segment that was sealed. A batch cut at the end of the data is lost
        whole when it starts here or later, else its complete members stand.
    """
    result.valid_end = start
    result.last_start = start
    units = _Assembler(segment, result)
    pos = start

    def torn(batch_start: int) -> bool:
        return torn_from is not None and batch_start >= torn_from

    while pos < end:
        stopped: ScanStop | None = None
        for item in scan_frames(fd, pos, end):
            if isinstance(item, ScanStop):
                stopped = item
                break
            result.frames += 1
            if blocked and item.header.type == RecordType.BLOCK:
                inner = _block_records(codec, item, dict_sha, result)
                if isinstance(inner, str):
                    units.add_damage(
                        item.offset, item.end, inner, (f"a block of {item.header.size} bytes",)
                    )
                    continue
                result.frames += len(inner) - 1  # counted as its records
                for addr, stop, record in inner:
                    units.frame(addr, stop, record)
            elif blocked and not (
                item.header.type in _BLOCKED_TOP
                or (item.header.type == RecordType.SEGMENT_INFO and item.offset == start)
            ):
                units.add_damage(item.offset, item.end, "a record outside any block")
            else:
                try:
                    record = _decode(codec, item, dict_sha, result)
                except RecordError as exc:
                    # CRC-valid but not a record we can read (a bug or a newer
                    # writer): the frame's bytes are damage.
                    broken = units.break_group()
                    units.add_damage(
                        broken[0] if broken else item.offset,
                        item.end,
                        f"undecodable: {exc}",
                        broken[1] if broken else (),
                    )
                    continue
                units.frame(item.offset, item.end, record)
            for unit in units.ready:
                result.note(unit)
                yield unit
            units.ready.clear()
        if stopped is None:
            break
        bad = stopped.offset
        nxt = (
            stopped.resume_at
            if stopped.resume_at is not None
            else find_next_frame(fd, bad + 1, end, _BLOCKED_TOP if blocked else None)
        )
        broken = units.break_group() if not blocked else None
        lost = broken[1] if broken else ()
        first = broken[0] if broken else bad
        if nxt >= end:
            # Nothing valid follows: the torn tail.
            if units.batch is not None and not torn(units.batch_start):
                units.release_batch()
            units.batch = None
            units.close_damage()
            for unit in units.ready:
                result.note(unit)
                yield unit
            units.ready.clear()
            tail_from = result.valid_end if not blocked else min(first, bad)
            _finish_tail(result, tail_from, end, stopped.problem.value, lost)
            return
        units.add_damage(first, nxt, stopped.problem.value, lost)
        if units.batch is not None:
            units.release_batch()
            for unit in units.ready:
                result.note(unit)
                yield unit
            units.ready.clear()
        pos = nxt
    units.close_damage()
    if units.open_start() is not None:
        # A unit cut by the end of the data.
        if units.batch is not None and not torn(units.batch_start):
            broken = units.break_group()
            units.release_batch()
            for unit in units.ready:
                result.note(unit)
                yield unit
            what = "incomplete checkpoint"
            lost = broken[1] if broken else ()
        else:
            broken = units.break_group()
            what = "incomplete batch" if units.batch is not None else "incomplete checkpoint"
            lost = broken[1] if broken else ()
            if units.batch is not None:
                lost = (*lost, "an unacknowledged batch")
            units.batch = None
        _finish_tail(result, result.valid_end, end, what, lost)
    elif (
        result.damage
        and result.damage[-1].end >= end
        and result.damage[-1].start >= result.valid_end
    ):
        # Damage that reaches the end of the data with nothing valid after it.
        d = result.damage.pop()
        result.tail = d._replace(end=end)


def _finish_tail(
    result: SegmentScan, start: int, end: int, reason: str, lost: tuple[str, ...]
) -> None:
    """Record ``[start, end)`` as the torn tail, absorbing damage ranges inside it."""
    absorbed: tuple[str, ...] = ()
    while result.damage and result.damage[-1].start >= start:
        absorbed = result.damage.pop().lost + absorbed
    if start < end:
        result.tail = Damage(start, end, reason, absorbed + lost)


def expand_blocks(
    frames: Iterator[ScannedFrame | ScanStop], codec: Codec, dict_sha: bytes | None
) -> Iterator[ScannedFrame | ScanStop]:
    """Replace each BLOCK frame by the frames inside it, with block-addressed offsets.

    Damage inside a block stops at the block's file offset and resumes at
    the next block (a zstd stream does not resynchronise inside itself).
    """
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
            if isinstance(found, FrameProblem):
                yield ScanStop(item.offset, found, resume_at=item.end)
                return
            addr = block_address(item.offset, pos)
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


def find_next_frame(fd: int, start: int, end: int, types: frozenset[int] | None = None) -> int:
    """The first offset in ``[start, end)`` where a CRC-valid frame begins, else ``end``.

    :param types: only frames of these record types count (a blocked
        segment's top level holds blocks and repair records only; the
        frames *inside* a block may appear verbatim in its zstd data and
        must not be taken for the next frame).
    """
    chunk = 1 << 20
    pos = start
    while pos < end:
        data = pread_exact(fd, min(chunk + FRAME_HEADER, end - pos), pos)
        limit = min(chunk, len(data) - FRAME_HEADER + 1)
        for i in range(max(limit, 0)):
            length = frame_length(data, i)
            if pos + i + FRAME_HEADER + length > end or data[i + 8] == 0:
                continue
            if types is not None and data[i + 8] not in types:
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
    overwrites the bytes, so recovery never destroys the only copy of anything.
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


def read_segment_info(fd: int, codec: Codec, dict_sha: bytes | None) -> SegmentInfoRecord | None:
    """A compacted segment's SEGMENT_INFO record (its first frame), or None if it has none
    or that frame is damaged."""
    found = read_frame_at(fd, SEGMENT_HEADER)
    if isinstance(found, FrameProblem):
        return None
    try:
        rec = codec.decode(
            found.header.type, codec.unpack(found.header.flags, found.payload, dict_sha)
        )
    except ValueError:
        return None
    return rec if isinstance(rec, SegmentInfoRecord) else None
