"""The compactor: merge sealed segments into blocked, dictionary-compressed ones.

Protocol (every step named as a kill point, ``compact.*``):

1. take ``COMPACT.lock`` without waiting (one compactor at a time; a hook
   never waits for it); roll forward or delete leftovers of a crashed run;
2. drop archived working logs past their retention (a normal writer op);
3. open ONE index snapshot and decide, from the index alone, what each
   record becomes (:class:`~lsm.compaction.plan.Plan`);
4. train a zstd dictionary on the store's own records and store it
   content-addressed in ``dicts/``;
5. stream the sealed segments, record by record (bounded memory), into new
   blocked segments written under ``<id>.seg.tmp``, spooling every index
   change to a temporary file; sync the outputs and the directory
   (``compact.after_outputs``);
6. under the writer lock (held for the switch only): re-home any blob an
   append made during steps 3-5 depend on, then apply the whole spool in
   ONE LMDB transaction, each change guarded so that it only touches keys
   that still point into the replaced segments (``compact.in_switch``);
7. rename the outputs to ``<id>.seg`` (``compact.after_switch``,
   ``compact.after_rename``), unlink the replaced segments
   (``compact.after_unlink``), and delete dictionaries no segment uses.

A crash before step 6 commits leaves the old state (outputs are temp files
that nothing reads and the next compaction deletes); after it, the new one
(readers open a not-yet-renamed output under its temp name; the next
compaction finishes the renames and unlinks). Each compacted segment
names the segments it replaces, so ``rebuild_index`` never counts a record
twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cbor2
import lmdb
import zstandard

from lsm import killpoints
from lsm.applier import Applier
from lsm.codec import (
    KIND_BY_CODE,
    BlobRecord,
    EntryRecord,
    InitialRecord,
    RecordError,
    decode_path,
    sha_from_wire,
)
from lsm.compaction.output import BlockWriter, OutputSegment, inner_frame
from lsm.compaction.plan import Plan
from lsm.compaction.policy import Action, Policy, parse_policy
from lsm.errors import CompactionBusyError, CorruptionError
from lsm.frame import SEGMENT_HEADER, RecordType
from lsm.fsutil import atomic_write, fsync_dir, private_mkdir
from lsm.indexschema import (
    META_ACTIVE,
    META_DURABLE,
    BlobRef,
    HistoryRef,
    SegmentInfo,
    path_key,
    session_key,
)
from lsm.indexview import IndexView
from lsm.locking import FileLock
from lsm.reading import dict_path
from lsm.recovery import (
    CheckpointGroup,
    SegmentScan,
    expand_blocks,
    read_segment_info,
    scan_segment,
)
from lsm.segment import (
    Pointer,
    ScanStop,
    read_header,
    scan_frames,
    segment_id_of,
    segment_path,
)

if TYPE_CHECKING:
    from lsm.engine import Engine
    from lsm.store import Store

__all__ = ["CompactionReport", "compact"]

_KINDS: dict[RecordType, str] = {
    RecordType.CHECKPOINT: "checkpoint",
    RecordType.ENTRY: "entry",
    RecordType.BLOB: "blob",
    RecordType.LOG_EVENT: "event",
    RecordType.INITIAL: "initial",
    RecordType.TRANSCRIPT: "transcript",
    RecordType.SEGMENT_INFO: "segment_info",
}


_KIND_CODES = {int(k) for k in _KINDS}


@dataclass(slots=True)
class CompactionReport:
    """What a compaction did (or, with ``dry_run``, would do)."""

    policy: str
    dry_run: bool
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    segments_before: int = 0
    segments_after: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    input_bytes: int = 0
    output_bytes: int = 0
    logical_bytes: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    stripped: int = 0
    rehomed_blobs: int = 0
    dropped_logs: list[str] = field(default_factory=list)
    dictionary: str | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {name: getattr(self, name) for name in self.__slots__}


class _Spool:
    """Index changes written to a temp file while copying, replayed in the switch."""

    def __init__(self, directory: Path) -> None:
        fd, name = tempfile.mkstemp(prefix=".compact-", suffix=".spool", dir=directory)
        self.path = Path(name)
        self._f = os.fdopen(fd, "wb", buffering=1 << 20)
        self._enc = cbor2.CBOREncoder(self._f)
        self.count = 0

    def put(self, item: list[Any]) -> None:
        self._enc.encode(item)
        self.count += 1

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()

    def items(self) -> Any:
        with open(self.path, "rb") as f:
            dec = cbor2.CBORDecoder(f)
            for _ in range(self.count):
                yield dec.decode()

    def remove(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _segment_bytes(engine: Engine) -> tuple[int, int]:
    total = count = 0
    for p in engine.segments_dir.iterdir():
        if segment_id_of(p) is not None:
            total += p.stat().st_size
            count += 1
    return count, total


def _finish_or_clean_leftovers(engine: Engine) -> None:
    """Finish or clean up after a crashed compaction (caller holds the writer lock).

    Outputs the index already uses are renamed into place; outputs it does
    not know are deleted; inputs it has replaced are unlinked.
    """
    with engine.view() as v:
        known = dict(v.segments())
    segments_dir = engine.segments_dir
    for p in list(segments_dir.iterdir()):
        if p.name.endswith(".seg.tmp"):
            sid = segment_id_of(p.with_name(p.name[:-4]))
            if sid is not None and sid in known and known[sid].compacted:
                os.replace(p, p.with_name(p.name[:-4]))
            else:
                p.unlink()
    fsync_dir(segments_dir)
    replaced: set[int] = set()
    for info in known.values():
        replaced.update(info.replaces)
    removed = False
    for p in list(segments_dir.iterdir()):
        sid = segment_id_of(p)
        if sid is not None and sid in replaced and sid not in known:
            p.unlink()
            engine.reader.forget(sid)
            removed = True
    if removed:
        fsync_dir(segments_dir)


def _frames_of(engine: Engine, sid: int) -> Any:
    fd, header = engine.reader.open_segment(sid)
    dsha = header.dict_sha if header.has_dict else None
    size = os.fstat(fd).st_size
    frames = scan_frames(fd, SEGMENT_HEADER, size)
    return (expand_blocks(frames, engine.codec, dsha) if header.blocked else frames), dsha, size


def _train_dictionary(
    engine: Engine, inputs: list[int], *, max_samples: int = 2000, max_bytes: int = 2 << 20
) -> bytes | None:
    """A 64 KiB (at most) zstd dictionary trained on the inputs' record payloads."""
    samples: list[bytes] = []
    total = 0
    for sid in inputs:
        frames, dsha, _size = _frames_of(engine, sid)
        for item in frames:
            if isinstance(item, ScanStop):
                break
            if item.header.type in (RecordType.BLOB, RecordType.SEGMENT_INFO):
                continue
            try:
                raw = engine.codec.decompress(item.header.flags, item.payload, dsha)
            except RecordError:
                continue
            samples.append(raw[:4096])
            total += len(samples[-1])
            if len(samples) >= max_samples or total >= max_bytes:
                break
        if len(samples) >= max_samples or total >= max_bytes:
            break
    if len(samples) < 64 or total < (128 << 10):
        return None
    try:
        zdict = zstandard.train_dictionary(
            min(64 << 10, total // 4), list[bytes | bytearray | memoryview](samples), threads=0
        )
    except zstandard.ZstdError:
        return None
    return zdict.as_bytes()


class _Copier:
    """Streams input records through the plan into the block writer."""

    def __init__(
        self,
        engine: Engine,
        plan: Plan,
        writer: BlockWriter,
        spool: _Spool,
        report: CompactionReport,
    ) -> None:
        self.engine = engine
        self.plan = plan
        self.writer = writer
        self.spool = spool
        self.report = report
        self.written_blobs: set[bytes] = set()
        self.dropped_blobs: set[bytes] = set()

    def _count(self, table: dict[str, int], rtype: int, n: int = 1) -> None:
        name = _KINDS.get(RecordType(rtype), "other") if rtype in _KIND_CODES else "other"
        table[name] = table.get(name, 0) + n

    def copy_segment(self, sid: int, progress: Callable[[int], None] | None) -> None:
        frames, dsha, size = _frames_of(self.engine, sid)
        codec = self.engine.codec
        pending: tuple[dict[str, Any], bytes, list[tuple[dict[str, Any], bytes]]] | None = None
        for item in frames:
            if isinstance(item, ScanStop):
                raise CorruptionError(
                    f"segment {sid:08d} is damaged at offset {item.offset} ({item.problem.value}); "
                    "compaction stopped and changed nothing"
                )
            rtype = item.header.type
            try:
                raw = codec.decompress(item.header.flags, item.payload, dsha)
                obj = cbor2.loads(raw)
            except (RecordError, ValueError, cbor2.CBORDecodeError) as exc:
                raise CorruptionError(f"segment {sid:08d}: undecodable record ({exc})") from None
            self.report.logical_bytes += len(raw)
            if pending is not None:
                if rtype == RecordType.ENTRY and obj.get("seq") == pending[0]["seq"]:
                    pending[2].append((obj, raw))
                    if len(pending[2]) == pending[0]["n"]:
                        self._group(*pending)
                        pending = None
                    continue
                raise CorruptionError(
                    f"segment {sid:08d}: checkpoint {pending[0].get('seq')} is incomplete"
                )
            if rtype == RecordType.CHECKPOINT:
                pending = (obj, raw, [])
                if obj["n"] == 0:
                    self._group(*pending)
                    pending = None
            elif rtype == RecordType.BLOB:
                self._blob(obj, raw)
            elif rtype == RecordType.LOG_EVENT:
                if self.plan.event_action(str(obj.get("op")), obj) is Action.DROP:
                    self._count(self.report.dropped, rtype)
                    continue
                self.writer.add([inner_frame(rtype, raw)], lambda _p: None, obj.get("seq"))
                self._count(self.report.kept, rtype)
            elif rtype == RecordType.INITIAL:
                self._initial(obj, raw)
            elif rtype == RecordType.TRANSCRIPT:
                self._transcript(obj, raw)
            elif rtype == RecordType.ENTRY:
                raise CorruptionError(f"segment {sid:08d}: an entry without its checkpoint")
            else:
                self._count(self.report.dropped, rtype)  # SEGMENT_INFO, notes, ignorable
        if pending is not None:
            raise CorruptionError(f"segment {sid:08d}: the last checkpoint is incomplete")
        if progress is not None:
            progress(size)

    def _group(
        self, head: dict[str, Any], raw: bytes, entries: list[tuple[dict[str, Any], bytes]]
    ) -> None:
        run, seq, ts = int(head["run"]), int(head["seq"]), int(head["timestamp"])
        kind = KIND_BY_CODE[head["kind"]]
        if run not in self.plan.run_log:
            # The index forgot this run (a reset, dropped or displaced log).
            self.report.dropped["checkpoint"] = self.report.dropped.get("checkpoint", 0) + 1
            self.report.dropped["entry"] = self.report.dropped.get("entry", 0) + len(entries)
            return
        kept: list[tuple[bytes, bytes, dict[str, Any]]] = []
        dropped: list[bytes] = []
        for e, eraw in entries:
            pk = path_key(decode_path(e["file"]))
            action = self.plan.decide(run, pk, seq, ts)
            if action is Action.DROP:
                dropped.append(pk)
            elif action is Action.STRIP and e.get("attributions"):
                e = {k: v for k, v in e.items() if k != "attributions"}
                kept.append((pk, inner_frame(RecordType.ENTRY, cbor2.dumps(e)), e))
                self.report.stripped += 1
            else:
                kept.append((pk, inner_frame(RecordType.ENTRY, eraw), e))
        self.report.dropped["entry"] = self.report.dropped.get("entry", 0) + len(dropped)
        self.report.kept["entry"] = self.report.kept.get("entry", 0) + len(kept)
        if not kept and self.plan.policy.drops_entries:
            self.spool.put(["ck", run, seq, None])
            for pk in dropped:
                self.spool.put(["hi", run, pk, seq, None])
            self.report.dropped["checkpoint"] = self.report.dropped.get("checkpoint", 0) + 1
            return
        self.report.kept["checkpoint"] = self.report.kept.get("checkpoint", 0) + 1
        head_raw = raw if len(kept) == head["n"] else cbor2.dumps({**head, "n": len(kept)})
        frames = [inner_frame(RecordType.CHECKPOINT, head_raw)] + [f for _pk, f, _e in kept]
        spool = self.spool

        def placed(ptrs: list[Pointer]) -> None:
            group = Pointer(ptrs[0].segment, ptrs[0].offset, sum(p.length for p in ptrs))
            spool.put(["ck", run, seq, group.to_list()])
            for (pk, _f, e), p in zip(kept, ptrs[1:], strict=True):
                ref = HistoryRef(
                    seq,
                    p,
                    ts,
                    sha_from_wire(e.get("blob_sha", "")),
                    kind,
                    bool(e.get("attributions")),
                    bool(e.get("line_attributions")),
                )
                spool.put(["hi", run, pk, seq, ref.encode()])
            for pk in dropped:
                spool.put(["hi", run, pk, seq, None])

        self.writer.add(frames, placed, seq, checkpoint=True)

    def _blob(self, obj: dict[str, Any], raw: bytes) -> None:
        sha = bytes(obj["sha"])
        if sha in self.written_blobs:
            self._count(self.report.dropped, RecordType.BLOB)
            return
        if sha not in self.plan.referenced_blobs:
            self.dropped_blobs.add(sha)
            self.spool.put(["bl", sha, None, 0])
            self._count(self.report.dropped, RecordType.BLOB)
            return
        self.written_blobs.add(sha)
        size = len(obj["data"])
        spool = self.spool
        self.writer.add(
            [inner_frame(RecordType.BLOB, raw)],
            lambda ptrs: spool.put(["bl", sha, ptrs[0].to_list(), size]),
        )
        self._count(self.report.kept, RecordType.BLOB)

    def _initial(self, obj: dict[str, Any], raw: bytes) -> None:
        seq = int(obj["seq"])
        if seq not in self.plan.live_initial_seqs:
            self._count(self.report.dropped, RecordType.INITIAL)
            return
        spool = self.spool
        self.writer.add(
            [inner_frame(RecordType.INITIAL, raw)],
            lambda ptrs: spool.put(["in", seq, ptrs[0].to_list()]),
            seq,
        )
        self._count(self.report.kept, RecordType.INITIAL)

    def _transcript(self, obj: dict[str, Any], raw: bytes) -> None:
        key = session_key(str(obj["agent"]), str(obj["session"]))
        seq = int(obj["seq"])
        if key not in self.plan.live_sessions:
            self.spool.put(["tr", key, seq, None])
            self._count(self.report.dropped, RecordType.TRANSCRIPT)
            return
        spool = self.spool
        self.writer.add(
            [inner_frame(RecordType.TRANSCRIPT, raw)],
            lambda ptrs: spool.put(["tr", key, seq, ptrs[0].to_list()]),
            seq,
        )
        self._count(self.report.kept, RecordType.TRANSCRIPT)


def _blobs_referenced_since(
    engine: Engine, snap_active: int, snap_durable: int, skip: set[int]
) -> set[bytes]:
    """Blob shas named by entries and INITIALs written after the snapshot (writer lock held)."""
    with engine.view() as v:
        active = v.meta(META_ACTIVE, 0)
        durable = v.meta(META_DURABLE, 0)
    out: set[bytes] = set()
    sids = [s for s in engine.segment_ids() if s >= snap_active and s not in skip]
    for sid in sids:
        if sid > active:
            continue
        fd, header = engine.reader.open_segment(sid)
        start = snap_durable if sid == snap_active else SEGMENT_HEADER
        end = durable if sid == active else os.fstat(fd).st_size
        scan = SegmentScan()
        for item in scan_segment(
            fd,
            sid,
            engine.codec,
            start,
            end,
            scan,
            dict_sha=header.dict_sha if header.has_dict else None,
            blocked=header.blocked,
        ):
            records = (
                [e for e, _p in item.entries] if isinstance(item, CheckpointGroup) else [item[0]]
            )
            for rec in records:
                if isinstance(rec, EntryRecord) and len(rec.entry.blob_sha) == 64:
                    out.add(bytes.fromhex(rec.entry.blob_sha))
                elif isinstance(rec, InitialRecord):
                    out.update(
                        bytes.fromhex(s) for s in rec.initial.file_blobs.values() if len(s) == 64
                    )
    return out


def _inputs_ordered(engine: Engine, view: IndexView, inputs: list[int]) -> bool:
    """Whether every input holds its records in seq order.

    Appends are in seq order; a compacted input is when its SEGMENT_INFO says
    so. The inputs' seq ranges do not overlap (a compaction takes every sealed
    segment, and what is appended after lands in later segments), so the
    output, copied from them oldest first, is in seq order too.
    """
    infos = dict(view.segments())
    for sid in inputs:
        info = infos.get(sid)
        if info is None or not info.compacted:
            continue
        try:
            fd = os.open(segment_path(engine.segments_dir, sid), os.O_RDONLY)
        except OSError:
            return False
        try:
            header = read_header(fd)
            dict_sha = None if isinstance(header, str) or not header.has_dict else header.dict_sha
            rec = None if isinstance(header, str) else read_segment_info(fd, engine.codec, dict_sha)
        finally:
            os.close(fd)
        if rec is None or not rec.ordered:
            return False
    return True


def _apply_spool(
    engine: Engine,
    plan: Plan,
    spool: _Spool,
    outputs: list[OutputSegment],
    dict_sha: bytes | None,
) -> None:
    inputs = set(plan.inputs)
    dbs = engine.env.dbs

    def fn(txn: lmdb.Transaction) -> None:
        ap = Applier(txn, dbs)
        touched: set[tuple[int, bytes]] = set()
        initials: dict[int, Pointer] = {}
        for item in spool.items():
            op = item[0]
            if op == "ck":
                ptr = None if item[3] is None else Pointer.from_list(item[3])
                ap.repoint_checkpoint(int(item[1]), int(item[2]), ptr, inputs)
            elif op == "hi":
                run, pk, seq = int(item[1]), bytes(item[2]), int(item[3])
                ref = None if item[4] is None else HistoryRef.decode(bytes(item[4]), seq)
                if ap.repoint_history(run, pk, seq, ref, inputs):
                    touched.add((run, pk))
            elif op == "bl":
                bref = (
                    None if item[2] is None else BlobRef(Pointer.from_list(item[2]), int(item[3]))
                )
                ap.repoint_blob(bytes(item[1]), bref, inputs)
            elif op == "tr":
                ptr = None if item[3] is None else Pointer.from_list(item[3])
                ap.repoint_transcript(bytes(item[1]), int(item[2]), ptr, inputs)
            elif op == "in":
                initials[int(item[1])] = Pointer.from_list(item[2])
        killpoints.reached("compact.in_switch")
        for run, pk in touched:
            log = plan.run_log.get(run)
            log_runs = plan.logs[log].runs if log is not None else ()
            ap.refresh_latest(run, pk, plan.snapshot_seq, inputs, log_runs)
        ap.repoint_initials(initials, inputs)
        for sid in inputs:
            ap.delete_segment(sid)
        now = int(time.time() * 1000)
        for out in outputs:
            ap.put_segment(
                out.segment_id,
                SegmentInfo(
                    state="sealed",
                    size=out.size,
                    created=now,
                    first_seq=out.first_seq,
                    last_seq=out.last_seq,
                    frames=out.records,
                    checkpoints=out.checkpoints,
                    logical=out.logical,
                    compacted=True,
                    blocked=True,
                    dict_sha=dict_sha,
                    replaces=tuple(sorted(inputs)),
                    policy=str(plan.policy),
                ),
            )

    engine.env.write(fn)


def compact(
    store: Store,
    policy: Policy | str | None = None,
    *,
    dry_run: bool = False,
    retention_s: float | None = None,
    seal_active: bool = False,
    progress: Callable[[int, int], None] | None = None,
    block_bytes: int = 0,
    output_segment_bytes: int = 64 << 20,
) -> CompactionReport:
    """Compact every sealed segment of ``store`` under ``policy`` (default ``git-ai``).

    :param retention_s: first drop archived logs at least this old.
    :param seal_active: first seal the active segment, so that everything
        written so far is compacted (``ckptlog compact`` does; auto runs don't).
    :param progress: called with (bytes done, bytes total) of the inputs.
    :param block_bytes: bytes of records packed into one zstd block; 0 (the
        default) puts each unit (a checkpoint with its entries, or one
        record) in a block of its own, so that damage to a block costs the
        unit it hits and nothing else (the dictionary keeps the ratio).
    :raises CompactionBusyError: another compaction is running.
    :raises CorruptionError: an input segment is damaged (nothing changed;
        run ``verify --fix`` first).
    """
    return _compact(
        store.engine,
        policy,
        dry_run=dry_run,
        retention_s=retention_s,
        seal_active=seal_active,
        progress=progress,
        block_bytes=block_bytes,
        output_segment_bytes=output_segment_bytes,
    )


def _compact(
    engine: Engine,
    policy: Policy | str | None,
    *,
    dry_run: bool,
    retention_s: float | None,
    seal_active: bool,
    progress: Callable[[int, int], None] | None,
    block_bytes: int,
    output_segment_bytes: int,
) -> CompactionReport:
    pol = policy if isinstance(policy, Policy) else parse_policy(policy or "git-ai")
    started = time.monotonic()
    report = CompactionReport(policy=str(pol), dry_run=dry_run)
    lock = FileLock(engine.root / "COMPACT.lock")
    if not lock.try_acquire():
        raise CompactionBusyError("another compaction is running")
    try:
        if not dry_run:
            with engine.writer() as w:
                # Under the writer lock: a writer sealing its active segment
                # creates the next one as ``<id>.seg.tmp`` too, and that file
                # must not be taken for a crashed compaction's leftover.
                _finish_or_clean_leftovers(engine)
                if retention_s is not None:
                    report.dropped_logs = w.prune_archived(retention_s)
                if seal_active:
                    w.seal()
        report.segments_before, report.bytes_before = _segment_bytes(engine)
        spool = _Spool(engine.root)
        writer: BlockWriter | None = None
        switched = False
        try:
            txn = engine.env.read()
            try:
                view = IndexView(txn, engine.env.dbs)
                # Oldest records first, so that the output is in seq order (rebuild
                # replays in seq order): a segment sealed after an earlier
                # compaction has a lower id than that compaction's output.
                sealed = [
                    (info.first_seq or 0, sid)  # no seq: blobs only, order-free
                    for sid, info in view.segments()
                    if info.state == "sealed"
                ]
                inputs = [sid for _first, sid in sorted(sealed)]
                if not inputs:
                    report.segments_after, report.bytes_after = (
                        report.segments_before,
                        report.bytes_before,
                    )
                    return report
                report.inputs = inputs
                report.input_bytes = sum(
                    segment_path(engine.segments_dir, s).stat().st_size for s in inputs
                )
                plan = Plan.build(view, pol, inputs)
                for ptr in plan.initial_pointers:
                    rec = engine.reader.read_typed(ptr, InitialRecord, "INITIAL")
                    plan.add_initial_blobs(list(rec.initial.file_blobs.values()))
                snap_active = view.meta(META_ACTIVE, 0)
                snap_durable = view.meta(META_DURABLE, 0)
                # An empty active segment: every record of the snapshot is an input.
                plan.whole_history = snap_active not in inputs and snap_durable <= SEGMENT_HEADER
                dict_data = _train_dictionary(engine, inputs)
                dict_sha = hashlib.sha256(dict_data).digest() if dict_data is not None else None
                if dict_data is not None and dict_sha is not None:
                    report.dictionary = dict_sha.hex()
                    if not dry_run:
                        private_mkdir(engine.root / "dicts")
                        atomic_write(dict_path(engine.root, dict_sha), dict_data, private=True)
                        engine.codec.add_dictionary(dict_sha, dict_data)

                def allocate() -> int:
                    with engine.writer() as w:
                        return w.allocate_segment_id()

                writer = BlockWriter(
                    engine.segments_dir,
                    engine.codec,
                    allocate,
                    inputs,
                    str(pol),
                    dict_data=dict_data,
                    dict_sha=dict_sha or bytes(32),
                    block_bytes=block_bytes,
                    segment_bytes=output_segment_bytes,
                    dry_run=dry_run,
                )
                writer.ordered = _inputs_ordered(engine, view, inputs)
                copier = _Copier(engine, plan, writer, spool, report)
                done = 0

                def advance(n: int) -> None:
                    nonlocal done
                    done += n
                    if progress is not None:
                        progress(done, report.input_bytes)

                for sid in inputs:
                    copier.copy_segment(sid, advance)
                outputs = writer.finish()
                spool.close()
            finally:
                txn.abort()
            report.output_bytes = sum(o.size for o in outputs)
            if dry_run:
                report.outputs = []
                report.segments_after = report.segments_before - len(inputs) + len(outputs)
                report.bytes_after = (
                    report.bytes_before - report.input_bytes + sum(o.size for o in outputs)
                )
                return report
            fsync_dir(engine.segments_dir)
            killpoints.reached("compact.after_outputs")
            with engine.writer() as w:
                needed = copier.dropped_blobs & _blobs_referenced_since(
                    engine, snap_active, snap_durable, {o.segment_id for o in outputs}
                )
                for sha in needed:
                    data = _blob_data(engine, sha.hex())
                    if data is not None:
                        w.rehome_blob(sha.hex(), data)
                        report.rehomed_blobs += 1
                _apply_spool(engine, plan, spool, outputs, dict_sha)
                switched = True
            killpoints.reached("compact.after_switch")
            for out in outputs:
                os.replace(out.tmp_path, segment_path(engine.segments_dir, out.segment_id))
            fsync_dir(engine.segments_dir)
            killpoints.reached("compact.after_rename")
            for sid in inputs:
                engine.reader.forget(sid)
                with contextlib.suppress(FileNotFoundError):
                    segment_path(engine.segments_dir, sid).unlink()
            fsync_dir(engine.segments_dir)
            killpoints.reached("compact.after_unlink")
            _drop_unused_dictionaries(engine)
            report.outputs = [o.segment_id for o in outputs]
        except BaseException:
            # Outputs not switched in are garbage; switched ones are live data
            # (a later compaction finishes their renames and unlinks).
            if writer is not None and not switched:
                writer.abort()
            raise
        finally:
            spool.remove()
        report.segments_after, report.bytes_after = _segment_bytes(engine)
        report.seconds = round(time.monotonic() - started, 3)
        engine.events.record("compaction", **report.to_json())
        return report
    finally:
        report.seconds = round(time.monotonic() - started, 3)
        lock.release()


def _blob_data(engine: Engine, sha: str) -> bytes | None:
    with engine.view() as v:
        ref = v.blob(sha)
    if ref is None:
        return None
    return engine.reader.read_typed(ref.pointer, BlobRecord, "a blob").data


def _drop_unused_dictionaries(engine: Engine) -> None:
    ddir = engine.root / "dicts"
    if not ddir.is_dir():
        return
    with engine.view() as v:
        used = {info.dict_sha.hex() for _sid, info in v.segments() if info.dict_sha}
    for p in ddir.glob("*.zdict"):
        if p.stem not in used:
            p.unlink()
