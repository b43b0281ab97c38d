"""Recreate the whole index from the segments (the segments are the source of truth).

Run under the writer lock, in ONE LMDB write transaction: readers see the
old index until the new one commits, and a crash leaves the old index.

* Segments replaced by a compacted segment (its SEGMENT_INFO frame lists
  them) are skipped when the compacted segment is intact, so no record is
  counted twice after a crash between a compaction's rename and its index
  switch.
* The active segment is the highest-numbered non-compacted segment; its
  torn tail is copied to quarantine and cut after the commit.
* Damage inside sealed segments is copied to quarantine (never deleted)
  and skipped; no record from a damaged range is indexed.
* Lifecycle events and INITIAL records are replayed in ``seq`` order after
  all order-independent records.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lmdb

from lsm.codec import Codec, EventRecord, InitialRecord, SegmentInfoRecord
from lsm.frame import FORMAT_VERSION, SEGMENT_HEADER, FrameProblem, check_frame
from lsm.fsutil import pread_exact, sync_fd
from lsm.index import (
    DB_NAMES,
    META_ACTIVE,
    META_DURABLE,
    META_FORMAT,
    META_NEXT_SEGMENT,
    META_TAIL,
    Index,
    dumps,
    put_u64,
    u64,
)
from lsm.indexer import Applier
from lsm.reading import dict_path
from lsm.recovery import CheckpointGroup, SegmentScan, quarantine_bytes, scan_segment
from lsm.segment import create_segment, read_header, segment_path

if TYPE_CHECKING:
    from lsm.store import Store

__all__ = ["rebuild"]


def _segment_info_record(fd: int, codec: Codec, dict_sha: bytes | None) -> SegmentInfoRecord | None:
    head = pread_exact(fd, 12, SEGMENT_HEADER)
    if len(head) < 12:
        return None
    length = int.from_bytes(head[4:8], "little")
    data = pread_exact(fd, 12 + length, SEGMENT_HEADER)
    found = check_frame(data, 0)
    if isinstance(found, FrameProblem):
        return None
    try:
        rec = codec.decode(found.type, codec.unpack(found.flags, data[12:], dict_sha))
    except ValueError:
        return None
    return rec if isinstance(rec, SegmentInfoRecord) else None


def rebuild(store: Store, index: Index, codec: Codec, *, sync: bool = True) -> dict[str, Any]:
    """Rebuild ``index`` from ``store``'s segments; returns a report.

    The caller holds the writer lock.
    """
    started = time.monotonic()
    segments_dir: Path = store.segments_dir
    ids = store._segment_ids()
    # id -> (fd, header)
    opened: dict[int, tuple[int, Any]] = {}
    bad_headers: list[int] = []
    replaced: set[int] = set()
    infos: dict[int, SegmentInfoRecord] = {}
    try:
        for sid in ids:
            fd = os.open(segment_path(segments_dir, sid), os.O_RDWR)
            header = read_header(fd)
            if isinstance(header, str):
                bad_headers.append(sid)
                os.close(fd)
                continue
            if header.has_dict and not codec.has_dictionary(header.dict_sha):
                try:
                    codec.add_dictionary(
                        header.dict_sha, dict_path(store.root, header.dict_sha).read_bytes()
                    )
                except OSError:
                    bad_headers.append(sid)
                    os.close(fd)
                    continue
            opened[sid] = (fd, header)
            if header.compacted:
                info = _segment_info_record(fd, codec, header.dict_sha if header.has_dict else None)
                if info is None:
                    # An unfinished or damaged compaction output: ignore it;
                    # the segments it would replace are still here.
                    bad_headers.append(sid)
                    os.close(fd)
                    del opened[sid]
                    continue
                infos[sid] = info
                replaced.update(info.replaces)
        live = [sid for sid in sorted(opened) if sid not in replaced]
        plain = [sid for sid in live if not opened[sid][1].compacted]
        active = max(plain) if plain else None
        quarantined: list[str] = []
        done_damage: set[tuple[int, int]] = set()
        truncate_to: dict[int, int] = {}
        tail_of_active = [SEGMENT_HEADER]
        stats = {"checkpoints": 0, "records": 0, "damaged_ranges": 0}

        def fn(txn: lmdb.Transaction) -> None:
            for name in DB_NAMES:
                txn.drop(index.db(name), delete=False)
            ap = Applier(index, txn)
            ordered: list[tuple[int, int, Any]] = []
            seg_db = index.db("segments")
            stats["checkpoints"] = stats["records"] = stats["damaged_ranges"] = 0
            for sid in live:
                fd, header = opened[sid]
                size = os.fstat(fd).st_size
                scan = SegmentScan()
                dsha = header.dict_sha if header.has_dict else None
                first = last = None
                groups = 0
                for item in scan_segment(
                    fd,
                    sid,
                    codec,
                    SEGMENT_HEADER,
                    size,
                    scan,
                    dict_sha=dsha,
                    resync=sid != active,
                    blocked=header.blocked,
                ):
                    stats["records"] += 1
                    seq: int | None
                    if isinstance(item, CheckpointGroup):
                        ap.checkpoint(item.header, item.pointer, item.entries)
                        stats["checkpoints"] += 1
                        groups += 1
                        seq = item.header.seq
                    else:
                        record, ptr = item
                        seq = getattr(record, "seq", None)
                        if isinstance(record, EventRecord | InitialRecord):
                            ordered.append((record.seq, len(ordered), (record, ptr)))
                        else:
                            from lsm.writer import _apply_scanned

                            _apply_scanned(ap, item)
                    if seq is not None:
                        first = seq if first is None else min(first, seq)
                        last = seq if last is None else max(last, seq)
                # The active segment's bad tail is one range (it is cut off);
                # inside sealed segments each damaged range is copied out.
                ranges = (
                    [(scan.valid_end, size)]
                    if sid == active and scan.valid_end < size
                    else []
                    if sid == active
                    else [(d.start, d.end) for d in scan.damage]
                )
                stats["damaged_ranges"] += len(scan.damage)
                for start, stop in ranges:
                    if (sid, start) not in done_damage and stop > start:
                        done_damage.add((sid, start))
                        quarantined.append(str(quarantine_bytes(store.root, sid, fd, start, stop)))
                end = size
                if sid == active:
                    end = scan.valid_end
                    tail_of_active[0] = scan.last_start
                    if end < size:
                        truncate_to[sid] = end
                info = infos.get(sid)
                txn.put(
                    u64(sid),
                    dumps(
                        {
                            "state": "active" if sid == active else "sealed",
                            "size": end,
                            "created": header.created_ms,
                            "first_seq": first,
                            "last_seq": last,
                            "frames": scan.frames,
                            "checkpoints": groups,
                            "logical": scan.logical,
                            "blocked": header.blocked,
                            "compacted": header.compacted,
                            "dict": header.dict_sha if header.has_dict else None,
                            "replaces": info.replaces if info else [],
                        }
                    ),
                    db=seg_db,
                )
            for _seq, _i, (record, ptr) in sorted(ordered, key=lambda t: (t[0], t[1])):
                if isinstance(record, EventRecord):
                    ap.event(record)
                else:
                    ap.initial(record, ptr)
            ap.finish()
            meta = index.db("meta")
            put_u64(txn, meta, META_FORMAT, FORMAT_VERSION)
            put_u64(txn, meta, META_NEXT_SEGMENT, max([*ids, 0]) + 1)
            if active is not None:
                put_u64(txn, meta, META_ACTIVE, active)
                put_u64(
                    txn,
                    meta,
                    META_DURABLE,
                    truncate_to.get(active, os.fstat(opened[active][0]).st_size),
                )
                put_u64(txn, meta, META_TAIL, tail_of_active[0])

        index.write(fn)
        for sid, end in truncate_to.items():
            fd = opened[sid][0]
            os.ftruncate(fd, end)
            if sync:
                sync_fd(fd)
    finally:
        for fd, _ in opened.values():
            os.close(fd)
    if active is None:
        # No plain segment survived: start a fresh active one.
        new_id = max([*ids, 0]) + 1
        create_segment(segments_dir, new_id, sync=sync)

        def fn2(txn: lmdb.Transaction) -> None:
            meta = index.db("meta")
            put_u64(txn, meta, META_FORMAT, FORMAT_VERSION)
            put_u64(txn, meta, META_ACTIVE, new_id)
            put_u64(txn, meta, META_DURABLE, SEGMENT_HEADER)
            put_u64(txn, meta, META_NEXT_SEGMENT, new_id + 1)

        index.write(fn2)
    report = {
        "segments": len(ids),
        "live_segments": len(live),
        "replaced_segments": sorted(replaced & set(ids)),
        "unreadable_segments": bad_headers,
        "checkpoints": stats["checkpoints"],
        "records": stats["records"],
        "damaged_ranges": stats["damaged_ranges"],
        "quarantined": quarantined,
        "seconds": round(time.monotonic() - started, 3),
    }
    store.events.record("rebuild_index", **report)
    return report
