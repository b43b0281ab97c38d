"""Checking a store end to end (diskcache's ``check(fix=False)`` pattern).

:func:`verify` reads every byte the store relies on and reports what is
wrong as a list of :class:`Problem` (empty = healthy):

* every frame of every segment passes its CRC and decodes (``corrupt-frame``);
  bytes past the active segment's durable offset are ``orphan-tail``;
* every index pointer lands on a valid frame of the right kind with the
  right seq/path/sha (``bad-pointer``, ``missing-segment``);
* ``latest`` names the newest ``history`` entry of each file (``stale-latest``);
* a complete checkpoint of a live run that the index does not know is an
  ``orphan-checkpoint``;
* entries and INITIAL snapshots naming content the store lacks are
  ``missing-blob`` (a warning: legacy imports may lack blobs git-ai lost);
* working logs, runs and counters agree (``log-inconsistent``);
* LMDB's own structure passes ``lmdb.verify`` (``lmdb-structure``).

``fix=True`` then rebuilds the index from the segments (lsm.rebuild):
damaged bytes are copied to ``quarantine/`` and overwritten in place by
REPAIR records of the same length (the active segment's torn tail is cut),
every intact record is kept, and what was lost is recorded in the store
and returned as ``repaired`` findings of severity ``info``. The whole check
runs under the writer lock so that it sees a still store.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import lmdb.verify

from lsm.codec import (
    BlobRecord,
    CheckpointRecord,
    EntryRecord,
    InitialRecord,
    RepairRecord,
    TranscriptRecord,
)
from lsm.errors import CorruptionError, CorruptRecordError, IndexCorruptError
from lsm.frame import SEGMENT_HEADER
from lsm.indexschema import META_ACTIVE, META_DURABLE, SegmentInfo, key_run
from lsm.indexview import IndexView
from lsm.reading import SegmentGone
from lsm.record import NamedTuple
from lsm.recovery import CheckpointGroup, SegmentScan, scan_segment
from lsm.segment import Pointer, read_header, segment_path

if TYPE_CHECKING:
    from lsm.engine import Engine
    from lsm.store import Store

__all__ = ["Problem", "verify"]


class Problem(NamedTuple):
    """One finding. ``severity`` is ``error`` (data at risk), ``warning``, or
    ``info`` (what ``fix`` mended and lost: never a failure)."""

    code: str
    severity: str
    message: str
    segment: int | None = None
    offset: int | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "segment": self.segment,
            "offset": self.offset,
        }


def verify(store: Store, *, fix: bool = False, lmdb_check: bool = True) -> list[Problem]:
    """Check ``store``; with ``fix``, then rebuild the index from the segments and mend damage.

    Returns the problems found *before* any fix. A store opened read-only is
    checked without the writer lock (nothing is written; a checkpoint being
    appended meanwhile is past the durable offset the checks stop at).
    Raises :class:`~lsm.errors.StoreLockedError` (the writer lock is taken)
    and, for ``fix`` on a read-only store, :class:`~lsm.errors.StoreReadOnlyError`.
    """
    engine = store.engine
    if engine.read_only and not fix:
        return _check_safely(engine, lmdb_check=lmdb_check)
    if not fix:
        with engine.writer():
            return _check_safely(engine, lmdb_check=lmdb_check)
    # LMDB's own structure first, with py-lmdb's offline walker (it never
    # hands the file to liblmdb): a damaged B-tree can make liblmdb follow a
    # page number past the end of the map (SIGBUS), so a damaged index is
    # put aside before anything traverses it.
    structure = _structure(engine) if lmdb_check else []
    try:
        if structure:
            raise IndexCorruptError(structure[0].message)
        with engine.writer() as w:
            problems = _check_safely(engine, lmdb_check=False)
            # Always: the segments are the truth, and damage the checks
            # cannot see (two values swapped in a database no read echoes)
            # is gone after a rebuild too.
            report = w.rebuild_index()
            engine.reader.close()
    except IndexCorruptError as exc:
        # The index cannot even be read: put it aside and start from the segments.
        problems = structure or [Problem("index-corrupt", "error", str(exc))]
        engine.lock.acquire(engine.options.lock_timeout)
        try:
            engine.move_index_aside()
        finally:
            engine.lock.release()
        with engine.writer() as w:
            report = w.rebuild_index()
            engine.reader.close()
    return problems + _repaired(report)


def _check_safely(engine: Engine, *, lmdb_check: bool) -> list[Problem]:
    """:func:`_check`, with an index that fails while being read reported, not raised."""
    try:
        return _check(engine, lmdb_check=lmdb_check)
    except CorruptionError as exc:
        return [Problem("index-corrupt", "error", str(exc))]


def _repaired(report: dict[str, Any]) -> list[Problem]:
    """What a fix mended and lost, as ``info`` findings (they never fail a check)."""
    out = []
    for r in report["repairs"]:
        lost = "; lost: " + ", ".join(r["lost"]) if r["lost"] else ""
        how = {"cut": "cut off", "header": "header rewritten", "left": "left (too short)"}.get(
            r["how"], "overwritten by a repair record"
        )
        out.append(
            Problem(
                "repaired",
                "info",
                f"bytes {r['start']}-{r['end']} ({r['reason']}) {how}{lost}; "
                f"the original bytes are in {r['quarantine']}",
                r["segment"],
                r["start"],
            )
        )
    for sha in report["lost_blobs"]:
        out.append(Problem("repaired", "info", f"content {sha[:12]} was lost with the damage"))
    return out


def _check(engine: Engine, *, lmdb_check: bool) -> list[Problem]:
    out: list[Problem] = []
    with engine.view() as v:
        active = v.meta(META_ACTIVE, 0)
        durable = v.meta(META_DURABLE, 0)
        live_runs = {run for run, _info in v.runs()}
        known_segments = dict(v.segments())
    # Blobs a repair recorded as lost with the damaged bytes (a warning: the
    # loss is known and nothing can bring them back but a backup).
    repaired_blobs: set[str] = set()
    _check_segments(engine, out, active, durable, live_runs, known_segments, repaired_blobs)
    with engine.view() as v:
        _check_pointers(engine, v, out, repaired_blobs)
        _check_logs(v, out, live_runs)
    if lmdb_check:
        out += _structure(engine)
    return out


def _structure(engine: Engine) -> list[Problem]:
    """``lmdb-structure`` errors of py-lmdb's offline verifier (safe on any bytes)."""
    return [
        Problem("lmdb-structure", "error", str(msg))
        for msg in lmdb.verify.verify(str(engine.env.path))  # type: ignore[no-untyped-call]
    ]


def _check_segments(
    engine: Engine,
    out: list[Problem],
    active: int,
    durable: int,
    live_runs: set[int],
    known: dict[int, SegmentInfo],
    repaired_blobs: set[str],
) -> None:
    replaced: set[int] = set()
    for info in known.values():
        replaced.update(info.replaces)
    for sid in engine.segment_ids():
        if sid in replaced and sid not in known:
            continue
        path = segment_path(engine.segments_dir, sid)
        fd = os.open(path, os.O_RDONLY)
        try:
            header = read_header(fd)
            if isinstance(header, str):
                out.append(Problem("corrupt-frame", "error", header, sid, 0))
                continue
            if sid not in known:
                out.append(
                    Problem("unknown-segment", "warning", "segment file not in the index", sid)
                )
                continue
            size = os.fstat(fd).st_size
            # A sealed segment's length is recorded when it is sealed (and by
            # the compactor for its outputs): a shorter file lost its tail.
            end = durable if sid == active else max(size, known[sid].size)
            if sid == active and size > durable:
                out.append(
                    Problem(
                        "orphan-tail",
                        "warning",
                        f"{size - durable} bytes past the durable offset (an interrupted write)",
                        sid,
                        durable,
                    )
                )
            if size < end:
                out.append(
                    Problem(
                        "truncated-segment",
                        "error",
                        f"segment is {size} bytes but the index relies on {end}",
                        sid,
                        size,
                    )
                )
                end = size
            scan = SegmentScan()
            dsha = header.dict_sha if header.has_dict else None
            if dsha is not None:
                engine.reader.open_segment(sid)  # loads the dictionary into the codec
            with engine.view() as v:
                for item in scan_segment(
                    fd,
                    sid,
                    engine.codec,
                    SEGMENT_HEADER,
                    end,
                    scan,
                    dict_sha=dsha,
                    blocked=header.blocked,
                ):
                    if not isinstance(item, CheckpointGroup):
                        if isinstance(item[0], RepairRecord):
                            lost = item[0].info.get("lost_blobs")
                            if isinstance(lost, list):
                                repaired_blobs.update(str(sha) for sha in lost)
                        continue
                    h = item.header
                    if h.run in live_runs and v.checkpoint_pointer(h.run, h.seq) is None:
                        out.append(
                            Problem(
                                "orphan-checkpoint",
                                "error",
                                f"checkpoint {h.seq} of run {h.run} is not indexed",
                                sid,
                                item.pointer.offset,
                            )
                        )
            for d in scan.ranges:
                out.append(Problem("corrupt-frame", "error", d.reason, sid, d.start))
        finally:
            os.close(fd)


def _read(engine: Engine, ptr: Pointer, out: list[Problem], what: str) -> list[Any] | None:
    try:
        return [r for _, r in engine.reader.read_records(ptr)]
    except SegmentGone:
        out.append(
            Problem(
                "missing-segment",
                "error",
                f"{what} points into a missing segment",
                ptr.segment,
                ptr.offset,
            )
        )
    except CorruptRecordError as exc:
        out.append(Problem("bad-pointer", "error", f"{what}: {exc.what}", ptr.segment, ptr.offset))
    return None


def _check_pointers(
    engine: Engine, v: IndexView, out: list[Problem], repaired_blobs: set[str]
) -> None:
    for run, seq, ptr in v.checkpoints_all():
        recs = _read(engine, ptr, out, f"checkpoint {seq}")
        if recs is None:
            continue
        head = recs[0]
        ok = (
            isinstance(head, CheckpointRecord)
            and head.seq == seq
            and head.run == run
            and len(recs) == 1 + head.n_entries
            and all(isinstance(r, EntryRecord) and r.seq == seq for r in recs[1:])
        )
        if not ok:
            out.append(
                Problem(
                    "bad-pointer",
                    "error",
                    f"checkpoint {seq}: wrong or incomplete group",
                    ptr.segment,
                    ptr.offset,
                )
            )
    history_max: dict[bytes, int] = {}
    for key, ref in v.history_all():
        seq = ref.seq
        prefix = key[:-8]
        history_max[prefix] = max(history_max.get(prefix, 0), seq)
        recs = _read(engine, ref.pointer, out, f"history entry {seq}")
        if recs is not None and not (
            isinstance(recs[0], EntryRecord)
            and recs[0].seq == seq
            and recs[0].entry.blob_sha == ref.blob_sha
        ):
            p = ref.pointer
            out.append(
                Problem(
                    "bad-pointer", "error", f"history entry {seq}: wrong frame", p.segment, p.offset
                )
            )
    for key, state in v.latest_all():
        run = key_run(key)
        if history_max.get(key) != state.seq:
            out.append(
                Problem(
                    "stale-latest",
                    "error",
                    f"latest entry of run {run} is seq {state.seq}, "
                    f"history says {history_max.get(key)}",
                )
            )
        recs = _read(engine, state.pointer, out, f"latest entry {state.seq}")
        if recs is None:
            continue
        rec = recs[0]
        if not (isinstance(rec, EntryRecord) and rec.seq == state.seq):
            out.append(
                Problem(
                    "bad-pointer",
                    "error",
                    f"latest entry {state.seq}: wrong frame",
                    state.pointer.segment,
                    state.pointer.offset,
                )
            )
        elif (
            _is_hex(state.blob_sha)
            and state.blob_sha == rec.entry.blob_sha
            and v.blob(state.blob_sha) is None
        ):
            # A native append always stores its blobs; an imported entry may
            # name one git-ai never wrote (a warning).
            info = v.run(run)
            imported_upto = info.last_imported_seq if info is not None else 0
            known_loss = state.blob_sha in repaired_blobs
            out.append(
                Problem(
                    "missing-blob",
                    "error" if state.seq > imported_upto and not known_loss else "warning",
                    f"{rec.entry.file}: content {state.blob_sha[:12]} is not stored"
                    + (" (lost to damage; recorded by a repair)" if known_loss else ""),
                )
            )
    for sha, bref in v.blobs():
        recs = _read(engine, bref.pointer, out, f"blob {sha[:12]}")
        if recs is not None and not (isinstance(recs[0], BlobRecord) and recs[0].sha == sha):
            p = bref.pointer
            out.append(
                Problem(
                    "bad-pointer", "error", f"blob {sha[:12]}: wrong frame", p.segment, p.offset
                )
            )
    for _key, ptr in v.transcripts_all():
        recs = _read(engine, ptr, out, "transcript batch")
        if recs is not None and not isinstance(recs[0], TranscriptRecord):
            out.append(
                Problem(
                    "bad-pointer", "error", "transcript batch: wrong frame", ptr.segment, ptr.offset
                )
            )
    for name, entry in v.logs():
        if entry.initial is None:
            continue
        ptr = entry.initial
        recs = _read(engine, ptr, out, f"INITIAL of {name}")
        if recs is None:
            continue
        if not isinstance(recs[0], InitialRecord):
            out.append(
                Problem(
                    "bad-pointer",
                    "error",
                    f"INITIAL of {name}: wrong frame",
                    ptr.segment,
                    ptr.offset,
                )
            )
            continue
        for path, sha in recs[0].initial.file_blobs.items():
            if _is_hex(sha) and v.blob(sha) is None:
                out.append(
                    Problem(
                        "missing-blob",
                        "warning",
                        f"INITIAL of {name}: snapshot of {path} is not stored",
                    )
                )


def _is_hex(sha: str) -> bool:
    return len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)


def _check_logs(v: IndexView, out: list[Problem], live_runs: set[int]) -> None:
    owned: dict[int, str] = {}
    for name, entry in v.logs():
        for run in entry.runs:
            if run in owned:
                out.append(
                    Problem(
                        "log-inconsistent", "error", f"run {run} belongs to {owned[run]} and {name}"
                    )
                )
            owned[run] = name
            if run not in live_runs:
                out.append(
                    Problem("log-inconsistent", "error", f"log {name} names missing run {run}")
                )
    for run in sorted(live_runs):
        if run not in owned:
            out.append(Problem("log-inconsistent", "warning", f"run {run} belongs to no log"))
        info = v.run(run)
        counted = info.checkpoints if info is not None else 0
        actual = sum(1 for _ in v.checkpoint_pointers(run))
        if counted != actual:
            out.append(
                Problem(
                    "log-inconsistent",
                    "error",
                    f"run {run} counts {counted} checkpoints but indexes {actual}",
                )
            )
