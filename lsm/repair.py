"""Mending damaged segment bytes: quarantine, then overwrite in place, never move a record.

A repair of a damaged range ``[start, end)`` of a segment:

1. copies the bytes to ``quarantine/`` and syncs the copy (nothing is ever
   destroyed without a copy);
2. either cuts them off (the torn tail of the active segment), or writes
   REPAIR frames of exactly the same length over them (everywhere else), so
   that no offset after them moves, every pointer stays valid, and the
   segment scans clean afterwards: ``verify`` is green and ``compact``
   proceeds. The first REPAIR frame records what was lost (segment, byte
   range, reason, the records it held as far as they can be told, the
   quarantine copy) and the counters a later rebuild must not go below, so
   sequence numbers are never reused, as far as the range has room for
   them; the whole account goes into one REPAIR record the writer appends
   afterwards (:meth:`lsm.writer.Writer.rebuild_index`).

A damaged segment *header* is rebuilt from what the segment's frames show
(compacted, blocked, which dictionary) and rewritten in place, after the
original 80 bytes are quarantined.

Each step is idempotent: a crash between them leaves damage that the next
``verify --fix`` finds and mends again. The caller holds the writer lock.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from lsm.codec import Codec, RecordError, SegmentInfoRecord
from lsm.frame import FLAG_DICT, SEGMENT_HEADER, FrameProblem, RecordType, SegmentHeader
from lsm.fsutil import pread_exact, sync_fd, write_all
from lsm.record import NamedTuple
from lsm.recovery import Damage, quarantine_bytes
from lsm.segment import read_frame_at

__all__ = ["Repair", "mend", "rewrite_header", "salvage_header"]


class Repair(NamedTuple):
    """One mended range.

    :ivar how: ``"padded"`` (REPAIR frames written over it), ``"cut"`` (the
        torn tail of the active segment, truncated), ``"header"`` (the
        segment header rewritten) or ``"left"`` (too short to pad: still
        damaged; never expected from real damage, which is a frame or more).
    """

    segment: int
    start: int
    end: int
    reason: str
    lost: tuple[str, ...]
    quarantine: str
    how: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (events, reports)."""
        return {
            "segment": self.segment,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
            "lost": list(self.lost),
            "quarantine": self.quarantine,
            "how": self.how,
        }


def mend(
    root: Path,
    segment: int,
    fd: int,
    damage: Damage,
    *,
    cut: bool,
    counters: dict[str, int],
    sync: bool = True,
) -> Repair:
    """Quarantine ``damage`` of the segment open read-write as ``fd``, then cut or pad it.

    :param cut: truncate the file at ``damage.start`` (the active segment's
        torn tail) instead of padding.
    :param counters: ``next_seq``/``next_run`` to record in the REPAIR frame.
    """
    q = quarantine_bytes(root, segment, fd, damage.start, damage.end)
    if cut:
        os.ftruncate(fd, damage.start)
        if sync:
            sync_fd(fd)
        return Repair(segment, damage.start, damage.end, damage.reason, damage.lost, str(q), "cut")
    info: dict[str, Any] = {
        **counters,
        "segment": segment,
        "start": damage.start,
        "end": damage.end,
        "reason": damage.reason,
        "at": int(time.time() * 1000),
        "quarantine": q.name,
        "lost": list(damage.lost),
    }
    try:
        data = Codec.repair_frames(damage.end - damage.start, info)
    except ValueError:
        return Repair(segment, damage.start, damage.end, damage.reason, damage.lost, str(q), "left")
    write_all(fd, data, damage.start)
    if sync:
        sync_fd(fd)
    return Repair(segment, damage.start, damage.end, damage.reason, damage.lost, str(q), "padded")


def salvage_header(
    segment: int, fd: int, codec: Codec, dict_shas: list[bytes]
) -> SegmentHeader | None:
    """A header for a segment whose own header is damaged, derived from its frames.

    The id comes from the file name; compacted means the first frame is a
    SEGMENT_INFO, blocked that a BLOCK frame follows it; the dictionary is
    the recorded one if that file exists, else the one of ``dict_shas``
    (loaded into ``codec``) that decodes the first block. None when the
    frames do not tell (then the segment stays unreadable and is reported).
    """
    raw = pread_exact(fd, SEGMENT_HEADER, 0)
    if len(raw) < SEGMENT_HEADER:
        return None
    created = int.from_bytes(raw[24:32], "little")
    recorded = raw[32:64]
    first = read_frame_at(fd, SEGMENT_HEADER)
    if isinstance(first, FrameProblem):
        # Nothing to learn from: a plain segment (or an empty one).
        return SegmentHeader(segment, created)
    compacted = False
    if first.header.type == RecordType.SEGMENT_INFO:
        try:
            compacted = isinstance(
                codec.decode(first.header.type, codec.unpack(first.header.flags, first.payload)),
                SegmentInfoRecord,
            )
        except RecordError:
            compacted = False
    if not compacted:
        return SegmentHeader(segment, created)
    second = read_frame_at(fd, first.end)
    blocked = not isinstance(second, FrameProblem) and second.header.type == RecordType.BLOCK
    if isinstance(second, FrameProblem) or not second.header.flags & FLAG_DICT:
        return SegmentHeader(segment, created, compacted=True, blocked=blocked)
    for sha in [recorded, *(s for s in dict_shas if s != recorded)]:
        if not codec.has_dictionary(sha):
            continue
        try:
            codec.decompress(second.header.flags, second.payload, sha)
        except RecordError:
            continue
        return SegmentHeader(segment, created, compacted=True, dict_sha=sha, blocked=blocked)
    return None


def rewrite_header(
    root: Path, segment: int, fd: int, header: SegmentHeader, *, sync: bool
) -> Repair:
    """Quarantine the damaged header bytes and write ``header`` in their place."""
    q = quarantine_bytes(root, segment, fd, 0, SEGMENT_HEADER)
    write_all(fd, header.encode(), 0)
    if sync:
        sync_fd(fd)
    return Repair(segment, 0, SEGMENT_HEADER, "damaged segment header", (), str(q), "header")
