"""Recreate the whole index from the segments (the segments are the source of truth).

Run under the writer lock, in ONE LMDB write transaction: readers see the
old index until the new one commits, and a crash leaves the old index. The
phases are LevelDB's Repairer's (``db/repair.cc``):

1. **find segments**: every ``NNNNNNNN.seg`` file, and what the old index
   still says (its counters, the active segment's durable offset), when it
   can be read;
2. **read headers and dictionaries**: a damaged header is rebuilt from the
   segment's frames (:func:`lsm.repair.salvage_header`); a compacted
   segment's SEGMENT_INFO names the segments it replaces, which are
   skipped (so no record is counted twice after a crash between a
   compaction's rename and its index switch);
3. **replay the segments in seq order**: one scan of each segment, merged
   by ``seq`` (every segment is written in seq order), so lifecycle events
   apply between the records around them as they did when written; a
   record met twice (a replaced segment that is still there) applies once.
   The working-log structure is rebuilt from the checkpoints that name it
   when its own event was lost to damage: a checkpoint whose run no log
   owns recreates its log (a lost create or reset), one whose run another
   log owns renames that log (a lost rename), and a create of a log that
   still exists archives the old one first (a lost archive or drop);
4. **mend damage** (after the commit): every damaged range is quarantined
   and overwritten in place by REPAIR records of the same length, or, for
   the active segment's torn tail, cut off (:mod:`lsm.repair`);
5. **write meta**: format version, counters (never below the old index's
   or any repair record's, so seqs are never reused), active segment and
   its durable offset.
"""

from __future__ import annotations

import heapq
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import lmdb

from lsm.applier import Applier
from lsm.codec import CheckpointRecord, EventRecord, RepairRecord, SegmentInfoRecord
from lsm.errors import CorruptionError
from lsm.frame import (
    FORMAT_VERSION,
    SEGMENT_HEADER,
    SegmentHeader,
    split_block_address,
)
from lsm.indexschema import (
    DB_NAMES,
    INDEX_VERSION,
    META_ACTIVE,
    META_DURABLE,
    META_FACTS,
    META_FORMAT,
    META_INDEX,
    META_NEXT_RUN,
    META_NEXT_SEGMENT,
    META_NEXT_SEQ,
    META_TAIL,
    SegmentInfo,
)
from lsm.reading import dict_path
from lsm.recovery import (
    CheckpointGroup,
    ScannedItem,
    SegmentScan,
    item_seq,
    read_segment_info,
    scan_segment,
)
from lsm.repair import Repair, mend, rewrite_header, salvage_header
from lsm.segment import Pointer, create_segment, read_header, segment_path

if TYPE_CHECKING:
    from lsm.engine import Engine

__all__ = ["rebuild"]


class _Opened:
    """A segment file kept open for the rebuild."""

    __slots__ = ("fd", "header", "info", "scan")

    def __init__(self, fd: int, header: SegmentHeader) -> None:
        self.fd = fd
        self.header = header
        #: a compacted segment's SEGMENT_INFO record
        self.info: SegmentInfoRecord | None = None
        self.scan = SegmentScan()

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
        self.old: dict[bytes, int] = {}
        self.repairs: list[Repair] = []
        self.floor: dict[bytes, int] = {}
        #: blobs lost to damage: found missing now, or named by older repair records
        self.lost_blobs: list[str] = []
        self.known_lost: set[str] = set()
        self.stats = {"checkpoints": 0, "records": 0, "inferred": 0}

    # ------------------------------------------------------------------ phases 1-2

    def find_segments(self) -> None:
        self.ids = self.engine.segment_ids()
        keys = (META_NEXT_SEQ, META_NEXT_RUN, META_NEXT_SEGMENT, META_ACTIVE, META_DURABLE)
        try:
            with self.engine.view() as v:
                self.old = {k: v.meta_of_any_version(k, 0) for k in keys}
        except CorruptionError:
            self.old = {}  # the old index is unreadable: the segments alone tell

    def read_headers(self) -> None:
        dict_shas = self._load_dictionaries()
        for sid in self.ids:
            fd = os.open(segment_path(self.engine.segments_dir, sid), os.O_RDWR)
            header = read_header(fd)
            if isinstance(header, str):
                salvaged = salvage_header(sid, fd, self.codec, dict_shas)
                if salvaged is None:
                    self.bad_headers.append(sid)
                    os.close(fd)
                    continue
                header = salvaged
                self.repairs.append(
                    rewrite_header(self.engine.root, sid, fd, header, sync=self.engine.sync)
                )
            if not self._load_dictionary(header):
                self.bad_headers.append(sid)
                os.close(fd)
                continue
            seg = _Opened(fd, header)
            if header.compacted:
                # A damaged SEGMENT_INFO leaves what it replaced unknown: the
                # segment is still live (its name says the compaction
                # finished), and a record met twice applies once.
                seg.info = read_segment_info(seg.fd, self.codec, seg.dict_sha)
                if seg.info is not None:
                    self.replaced.update(seg.info.replaces)
            self.opened[sid] = seg
        self.live = [sid for sid in sorted(self.opened) if sid not in self.replaced]
        plain = [sid for sid in self.live if not self.opened[sid].header.compacted]
        self.active = max(plain) if plain else None

    def _load_dictionaries(self) -> list[bytes]:
        shas = []
        ddir = self.engine.root / "dicts"
        if ddir.is_dir():
            for p in sorted(ddir.glob("*.zdict")):
                try:
                    sha = bytes.fromhex(p.stem)
                    if not self.codec.has_dictionary(sha):
                        self.codec.add_dictionary(sha, p.read_bytes())
                except (OSError, ValueError):
                    continue
                shas.append(sha)
        return shas

    def _load_dictionary(self, header: SegmentHeader) -> bool:
        if not header.has_dict or self.codec.has_dictionary(header.dict_sha):
            return True
        try:
            data = dict_path(self.engine.root, header.dict_sha).read_bytes()
        except OSError:
            return False
        self.codec.add_dictionary(header.dict_sha, data)
        return True

    # ------------------------------------------------------------------ phases 3 and 5 (one txn)

    def replay(self, txn: lmdb.Transaction) -> None:
        """Drop the old index and build the new one (run again from scratch on map growth)."""
        dbs = self.engine.env.dbs
        for name in DB_NAMES:
            txn.drop(dbs[name], delete=False)
        ap = Applier(txn, dbs)
        self.stats = {"checkpoints": 0, "records": 0, "inferred": 0}
        self.floor = {}
        self.known_lost = set()
        for seg in self.opened.values():
            seg.scan = SegmentScan()
        streams = [self._stream(ap, sid) for sid in self.live]
        last_seq = -1
        for seq, _sid, item in heapq.merge(*streams, key=lambda t: (t[0], t[1])):
            if seq == last_seq:
                continue  # the same record in a segment and in its compacted copy
            last_seq = seq
            if isinstance(item, CheckpointGroup):
                self._own_run(ap, item.header)
            elif isinstance(item[0], EventRecord):
                self._before_event(ap, item[0])
            ap.apply(item)
        ap.finish()
        for sid in self.live:
            self._put_segment(ap, sid)
        missing = {
            state.blob_sha
            for _key, state in ap.view.latest_all()
            if len(state.blob_sha) == 64 and ap.view.blob(state.blob_sha) is None
        }
        self.lost_blobs = sorted(missing - self.known_lost)
        self.write_meta(ap)

    def _stream(self, ap: Applier, sid: int) -> Iterator[tuple[int, int, ScannedItem]]:
        """``(seq, segment, item)`` of one segment in seq order; seq-less records applied here.

        Appends are in seq order, and so are the outputs of a compaction that
        took its inputs oldest first. Earlier compactions took them by segment
        id, and a segment sealed after a compaction has a lower id than that
        compaction's output: such an output holds runs of records each in seq
        order, one after another. The replay must see them in seq order (a
        log's reset applied after its run's checkpoints drops them), so a
        compacted segment is read once for where its seq order breaks, then
        as one stream per ordered range, merged.
        """
        seg = self.opened[sid]
        if not seg.header.blocked or (seg.info is not None and seg.info.ordered):
            return self._scan_range(ap, sid, SEGMENT_HEADER, os.fstat(seg.fd).st_size, seg.scan)
        ranges = self._ordered_ranges(sid)
        if ranges is None:  # a break inside a packed block: sort in memory
            items = self._scan_range(ap, sid, SEGMENT_HEADER, None, seg.scan)
            return iter(sorted(items, key=lambda t: t[0]))
        streams = [
            self._scan_range(ap, sid, a, b, seg.scan if i == 0 else SegmentScan())
            for i, (a, b) in enumerate(ranges)
        ]
        return heapq.merge(*streams, key=lambda t: t[0])

    def _ordered_ranges(self, sid: int) -> list[tuple[int, int | None]] | None:
        """File ranges of a blocked segment, each holding its units in seq order.

        None when the order breaks inside a block that packs several units.
        """
        seg = self.opened[sid]
        size = os.fstat(seg.fd).st_size
        starts = [SEGMENT_HEADER]
        last = -1
        prev_block = -1
        for item in scan_segment(
            seg.fd,
            sid,
            self.codec,
            SEGMENT_HEADER,
            size,
            SegmentScan(),
            dict_sha=seg.dict_sha,
            blocked=True,
        ):
            seq = item_seq(item)
            ptr = item.pointer if isinstance(item, CheckpointGroup) else item[1]
            block = split_block_address(ptr.offset)[0]
            if seq is not None:
                if seq < last:
                    if block == prev_block:
                        return None
                    starts.append(block)
                last = seq
            prev_block = block
        return [(a, b) for a, b in zip(starts, [*starts[1:], None], strict=True)]

    def _scan_range(
        self, ap: Applier, sid: int, start: int, end: int | None, scan: SegmentScan
    ) -> Iterator[tuple[int, int, ScannedItem]]:
        seg = self.opened[sid]
        size = os.fstat(seg.fd).st_size
        torn_from = None
        if sid == self.active:
            durable = self.old.get(META_DURABLE, 0) if self.old.get(META_ACTIVE) == sid else 0
            torn_from = durable if SEGMENT_HEADER <= durable <= size else SEGMENT_HEADER
        for item in scan_segment(
            seg.fd,
            sid,
            self.codec,
            start,
            size if end is None else end,
            scan,
            dict_sha=seg.dict_sha,
            blocked=seg.header.blocked,
            torn_from=torn_from,
        ):
            self.stats["records"] += 1
            if isinstance(item, CheckpointGroup):
                self.stats["checkpoints"] += 1
            elif isinstance(item[0], RepairRecord):
                self._note_repair(item[0])
            seq = item_seq(item)
            if seq is None:
                ap.apply(item)
            else:
                yield seq, sid, item

    def _note_repair(self, rec: RepairRecord) -> None:
        for key, name in ((META_NEXT_SEQ, "next_seq"), (META_NEXT_RUN, "next_run")):
            value = rec.info.get(name)
            if isinstance(value, int):
                self.floor[key] = max(self.floor.get(key, 0), value)
        lost = rec.info.get("lost_blobs")
        if isinstance(lost, list):
            self.known_lost.update(str(sha) for sha in lost)

    def _owner(self, ap: Applier, run: int) -> str | None:
        for name, entry in ap.view.logs():
            if run in entry.runs:
                return name
        return None

    def _own_run(self, ap: Applier, header: CheckpointRecord) -> None:
        """Give a checkpoint's run the log its header names, if a lost event left it without."""
        log = ap.view.log(header.log)
        if log is not None and header.run in log.runs:
            return
        owner = self._owner(ap, header.run)
        at = header.checkpoint.timestamp
        if owner is None:
            # Its create (or reset) event was lost.
            op = "create" if log is None else "reset"
            event = EventRecord(header.seq, op, {"log": header.log, "run": header.run, "at": at})
        elif log is None:
            # Its log was renamed by an event that was lost.
            event = EventRecord(header.seq, "rename", {"old": owner, "new": header.log, "at": at})
        else:
            return  # two logs claim it: leave the structure the events left
        ap.apply((event, Pointer(0, 0, 0)))
        self.stats["inferred"] += 1

    def _before_event(self, ap: Applier, rec: EventRecord) -> None:
        """A create of a log that exists means its archive (or drop) was lost: archive it."""
        if rec.op != "create":
            return
        name = str(rec.args.get("log"))
        old = ap.view.log(name)
        if old is None or old.runs == (int(rec.args.get("run", -1)),):
            return
        archive = EventRecord(
            rec.seq, "archive", {"log": name, "to": f"old-{name}", "at": rec.args.get("at", 0)}
        )
        ap.apply((archive, Pointer(0, 0, 0)))
        self.stats["inferred"] += 1

    def _put_segment(self, ap: Applier, sid: int) -> None:
        seg = self.opened[sid]
        scan = seg.scan
        size = os.fstat(seg.fd).st_size
        end = size
        if sid == self.active and scan.tail is not None:
            end = scan.tail.start
        ap.put_segment(
            sid,
            SegmentInfo(
                state="active" if sid == self.active else "sealed",
                size=end,
                created=seg.header.created_ms,
                first_seq=scan.first_seq,
                last_seq=scan.last_seq,
                frames=scan.frames,
                checkpoints=scan.groups,
                logical=scan.logical,
                compacted=seg.header.compacted,
                blocked=seg.header.blocked,
                dict_sha=seg.dict_sha,
                replaces=tuple(seg.info.replaces) if seg.info else (),
            ),
        )

    def write_meta(self, ap: Applier) -> None:
        ap.set_meta(META_FORMAT, FORMAT_VERSION)
        ap.set_meta(META_INDEX, INDEX_VERSION)
        ap.set_meta(META_FACTS, 1)  # replayed through the Applier: the facts are whole
        for key in (META_NEXT_SEQ, META_NEXT_RUN):
            floor = max(self.old.get(key, 0), self.floor.get(key, 0))
            if ap.view.meta(key, 1) < floor:
                ap.set_meta(key, floor)
        ap.set_meta(
            META_NEXT_SEGMENT, max([*self.ids, 0, self.old.get(META_NEXT_SEGMENT, 0) - 1]) + 1
        )
        if self.active is not None:
            seg = self.opened[self.active]
            scan = seg.scan
            end = scan.tail.start if scan.tail is not None else os.fstat(seg.fd).st_size
            ap.set_meta(META_ACTIVE, self.active)
            ap.set_meta(META_DURABLE, end)
            ap.set_meta(META_TAIL, min(scan.last_start, end))

    # ------------------------------------------------------------------ phase 4 (after the commit)

    def counters(self) -> dict[str, int]:
        with self.engine.view() as v:
            return {"next_seq": v.meta(META_NEXT_SEQ, 1), "next_run": v.meta(META_NEXT_RUN, 1)}

    def mend_damage(self) -> None:
        counters = self.counters()
        for sid in self.live:
            seg = self.opened[sid]
            for d in seg.scan.ranges:
                cut = sid == self.active and d is seg.scan.tail
                self.repairs.append(
                    mend(
                        self.engine.root,
                        sid,
                        seg.fd,
                        d,
                        cut=cut,
                        counters=counters,
                        sync=self.engine.sync,
                    )
                )

    def start_fresh_active(self) -> None:
        """No plain segment survived: start a fresh active one."""
        new_id = max([*self.ids, 0, self.old.get(META_NEXT_SEGMENT, 0) - 1]) + 1
        create_segment(self.engine.segments_dir, new_id, sync=self.engine.sync)

        def fn(txn: lmdb.Transaction) -> None:
            ap = Applier(txn, self.engine.env.dbs)
            ap.set_meta(META_FORMAT, FORMAT_VERSION)
            ap.set_meta(META_INDEX, INDEX_VERSION)
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
            self.mend_damage()
        finally:
            self.close()
        if self.active is None:
            self.start_fresh_active()
        for r in self.repairs:
            self.engine.events.record("repair", **r.to_json())
        report = {
            "segments": len(self.ids),
            "live_segments": len(self.live),
            "replaced_segments": sorted(self.replaced & set(self.ids)),
            "unreadable_segments": self.bad_headers,
            "checkpoints": self.stats["checkpoints"],
            "records": self.stats["records"],
            "inferred_events": self.stats["inferred"],
            "damaged_ranges": len(self.repairs),
            "repairs": [r.to_json() for r in self.repairs],
            "lost_blobs": self.lost_blobs,
            "quarantined": [r.quarantine for r in self.repairs],
            "seconds": round(time.monotonic() - started, 3),
        }
        self.engine.events.record("rebuild_index", **report)
        return report


def rebuild(engine: Engine) -> dict[str, Any]:
    """Rebuild the engine's index from its segments; returns a report.

    The caller holds the writer lock.
    """
    return _Repairer(engine).run()
