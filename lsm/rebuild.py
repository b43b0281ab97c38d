"""Recreate the whole index from the segments (the segments are the source of truth).

Run under the writer lock, in ONE LMDB write transaction: readers see the
old index until the new one commits, and a crash leaves the old index. The
phases are LevelDB's Repairer's (``db/repair.cc``):

1. **find segments**: every ``NNNNNNNN.seg`` file;
2. **read headers and dictionaries**: a segment whose header fails its
   checks, or whose dictionary is missing, is left out; a compacted
   segment's SEGMENT_INFO names the segments it replaces, which are skipped
   when it is intact (so no record is counted twice after a crash between a
   compaction's rename and its index switch);
3. **replay each segment**: order-independent records are applied as they
   are found; lifecycle events and INITIAL records are collected and
   replayed in ``seq`` order after all segments;
4. **quarantine damage**: damaged ranges of sealed segments are copied to
   ``quarantine/`` (never deleted); the active segment (the highest-numbered
   non-compacted one) has its torn tail copied out and cut after the commit;
5. **write meta**: format version, counters, active segment and its durable
   offset.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import lmdb

from lsm.applier import Applier, is_order_dependent
from lsm.codec import SegmentInfoRecord
from lsm.frame import FORMAT_VERSION, SEGMENT_HEADER, FrameProblem, SegmentHeader
from lsm.fsutil import sync_fd
from lsm.indexschema import (
    DB_NAMES,
    META_ACTIVE,
    META_DURABLE,
    META_FACTS,
    META_FORMAT,
    META_NEXT_SEGMENT,
    META_TAIL,
    SegmentInfo,
)
from lsm.reading import dict_path
from lsm.recovery import CheckpointGroup, ScannedItem, SegmentScan, quarantine_bytes, scan_segment
from lsm.segment import create_segment, read_frame_at, read_header, segment_path

if TYPE_CHECKING:
    from lsm.engine import Engine

__all__ = ["rebuild"]


class _Opened:
    """A segment file kept open for the rebuild."""

    __slots__ = ("fd", "header", "info")

    def __init__(self, fd: int, header: SegmentHeader) -> None:
        self.fd = fd
        self.header = header
        #: a compacted segment's SEGMENT_INFO record
        self.info: SegmentInfoRecord | None = None

    @property
    def dict_sha(self) -> bytes | None:
        return self.header.dict_sha if self.header.has_dict else None


class _Repairer:
    """One rebuild: the phases of the module docstring, in order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.codec = engine.codec
        self.ids: list[int] = []
        self.opened: dict[int, _Opened] = {}
        self.bad_headers: list[int] = []
        self.replaced: set[int] = set()
        self.live: list[int] = []
        self.active: int | None = None
        self.quarantined: list[str] = []
        self._done_damage: set[tuple[int, int]] = set()
        self.truncate_to: dict[int, int] = {}
        self.tail_of_active = SEGMENT_HEADER
        self.stats = {"checkpoints": 0, "records": 0, "damaged_ranges": 0}

    # ------------------------------------------------------------------ phases 1-2

    def find_segments(self) -> None:
        self.ids = self.engine.segment_ids()

    def read_headers(self) -> None:
        for sid in self.ids:
            fd = os.open(segment_path(self.engine.segments_dir, sid), os.O_RDWR)
            header = read_header(fd)
            if isinstance(header, str) or not self._load_dictionary(header):
                self.bad_headers.append(sid)
                os.close(fd)
                continue
            seg = _Opened(fd, header)
            if header.compacted:
                seg.info = self._segment_info_record(seg)
                if seg.info is None:
                    # An unfinished or damaged compaction output: ignore it;
                    # the segments it would replace are still here.
                    self.bad_headers.append(sid)
                    os.close(fd)
                    continue
                self.replaced.update(seg.info.replaces)
            self.opened[sid] = seg
        self.live = [sid for sid in sorted(self.opened) if sid not in self.replaced]
        plain = [sid for sid in self.live if not self.opened[sid].header.compacted]
        self.active = max(plain) if plain else None

    def _load_dictionary(self, header: SegmentHeader) -> bool:
        if not header.has_dict or self.codec.has_dictionary(header.dict_sha):
            return True
        try:
            data = dict_path(self.engine.root, header.dict_sha).read_bytes()
        except OSError:
            return False
        self.codec.add_dictionary(header.dict_sha, data)
        return True

    def _segment_info_record(self, seg: _Opened) -> SegmentInfoRecord | None:
        found = read_frame_at(seg.fd, SEGMENT_HEADER)
        if isinstance(found, FrameProblem):
            return None
        try:
            rec = self.codec.decode(
                found.header.type,
                self.codec.unpack(found.header.flags, found.payload, seg.dict_sha),
            )
        except ValueError:
            return None
        return rec if isinstance(rec, SegmentInfoRecord) else None

    # ------------------------------------------------------------------ phases 3-5 (one txn)

    def replay(self, txn: lmdb.Transaction) -> None:
        """Drop the old index and build the new one (run again from scratch on map growth)."""
        dbs = self.engine.env.dbs
        for name in DB_NAMES:
            txn.drop(dbs[name], delete=False)
        ap = Applier(txn, dbs)
        ordered: list[tuple[int, int, ScannedItem]] = []
        self.stats = {"checkpoints": 0, "records": 0, "damaged_ranges": 0}
        for sid in self.live:
            self.replay_segment(ap, sid, ordered)
        for _seq, _i, item in sorted(ordered, key=lambda t: (t[0], t[1])):
            ap.apply(item)
        ap.finish()
        self.write_meta(ap)

    def replay_segment(
        self, ap: Applier, sid: int, ordered: list[tuple[int, int, ScannedItem]]
    ) -> None:
        seg = self.opened[sid]
        size = os.fstat(seg.fd).st_size
        scan = SegmentScan()
        first = last = None
        groups = 0
        is_active = sid == self.active
        for item in scan_segment(
            seg.fd,
            sid,
            self.codec,
            SEGMENT_HEADER,
            size,
            scan,
            dict_sha=seg.dict_sha,
            resync=not is_active,
            blocked=seg.header.blocked,
        ):
            self.stats["records"] += 1
            seq: int | None
            if isinstance(item, CheckpointGroup):
                self.stats["checkpoints"] += 1
                groups += 1
                seq = item.header.seq
                ap.apply(item)
            else:
                seq = getattr(item[0], "seq", None)
                if is_order_dependent(item):
                    ordered.append((item[0].seq, len(ordered), item))  # type: ignore[union-attr]
                else:
                    ap.apply(item)
            if seq is not None:
                first = seq if first is None else min(first, seq)
                last = seq if last is None else max(last, seq)
        self.stats["damaged_ranges"] += len(scan.damage)
        end = self.quarantine_damage(sid, seg, scan, size)
        ap.put_segment(
            sid,
            SegmentInfo(
                state="active" if is_active else "sealed",
                size=end,
                created=seg.header.created_ms,
                first_seq=first,
                last_seq=last,
                frames=scan.frames,
                checkpoints=groups,
                logical=scan.logical,
                compacted=seg.header.compacted,
                blocked=seg.header.blocked,
                dict_sha=seg.dict_sha,
                replaces=tuple(seg.info.replaces) if seg.info else (),
            ),
        )

    def quarantine_damage(self, sid: int, seg: _Opened, scan: SegmentScan, size: int) -> int:
        """Copy damaged ranges to quarantine; returns the end of the segment's valid data.

        The active segment's bad tail is one range (it is cut off after the
        commit); inside sealed segments each damaged range is copied out.
        """
        if sid == self.active:
            ranges = [(scan.valid_end, size)] if scan.valid_end < size else []
        else:
            ranges = [(d.start, d.end) for d in scan.damage]
        for start, stop in ranges:
            if (sid, start) not in self._done_damage and stop > start:
                self._done_damage.add((sid, start))
                path = quarantine_bytes(self.engine.root, sid, seg.fd, start, stop)
                self.quarantined.append(str(path))
        if sid != self.active:
            return size
        self.tail_of_active = scan.last_start
        if scan.valid_end < size:
            self.truncate_to[sid] = scan.valid_end
        return scan.valid_end

    def write_meta(self, ap: Applier) -> None:
        ap.set_meta(META_FORMAT, FORMAT_VERSION)
        ap.set_meta(META_FACTS, 1)  # replayed through the Applier: the facts are whole
        ap.set_meta(META_NEXT_SEGMENT, max([*self.ids, 0]) + 1)
        if self.active is not None:
            fd = self.opened[self.active].fd
            ap.set_meta(META_ACTIVE, self.active)
            ap.set_meta(META_DURABLE, self.truncate_to.get(self.active, os.fstat(fd).st_size))
            ap.set_meta(META_TAIL, self.tail_of_active)

    # ------------------------------------------------------------------ after the commit

    def cut_torn_tail(self) -> None:
        for sid, end in self.truncate_to.items():
            fd = self.opened[sid].fd
            os.ftruncate(fd, end)
            if self.engine.sync:
                sync_fd(fd)

    def start_fresh_active(self) -> None:
        """No plain segment survived: start a fresh active one."""
        new_id = max([*self.ids, 0]) + 1
        create_segment(self.engine.segments_dir, new_id, sync=self.engine.sync)

        def fn(txn: lmdb.Transaction) -> None:
            ap = Applier(txn, self.engine.env.dbs)
            ap.set_meta(META_FORMAT, FORMAT_VERSION)
            ap.set_meta(META_FACTS, 1)
            ap.set_meta(META_ACTIVE, new_id)
            ap.set_meta(META_DURABLE, SEGMENT_HEADER)
            ap.set_meta(META_NEXT_SEGMENT, new_id + 1)

        self.engine.env.write(fn)

    def close(self) -> None:
        for seg in self.opened.values():
            os.close(seg.fd)
        self.opened.clear()

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        try:
            self.find_segments()
            self.read_headers()
            self.engine.env.write(self.replay)
            self.cut_torn_tail()
        finally:
            self.close()
        if self.active is None:
            self.start_fresh_active()
        report = {
            "segments": len(self.ids),
            "live_segments": len(self.live),
            "replaced_segments": sorted(self.replaced & set(self.ids)),
            "unreadable_segments": self.bad_headers,
            "checkpoints": self.stats["checkpoints"],
            "records": self.stats["records"],
            "damaged_ranges": self.stats["damaged_ranges"],
            "quarantined": self.quarantined,
            "seconds": round(time.monotonic() - started, 3),
        }
        self.engine.events.record("rebuild_index", **report)
        return report


def rebuild(engine: Engine) -> dict[str, Any]:
    """Rebuild the engine's index from its segments; returns a report.

    The caller holds the writer lock.
    """
    return _Repairer(engine).run()
