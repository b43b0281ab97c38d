"""The write path: everything that changes a store happens here, under the writer lock.

One append (docs/architecture.md, "Write path"):

1. the writer lock is held (taken by :meth:`lsm.store.Store.writer`);
2. the active segment's tail is recovered if a crashed writer left frames
   past the durable offset the index records;
3. all frames of the operation are built in memory and written with one
   ``pwrite`` at the durable offset, then synced per the durability setting;
4. one LMDB write transaction records every pointer, the new ``latest``
   states and the new durable offset;
5. only then does the call return: the checkpoint is acknowledged.

No step reads the history: the previous state of a file comes from its
``latest`` key. If step 3 or 4 fails, the segment is truncated back to the
old durable offset and the error re-raised, so a failed call leaves
nothing behind (and if even that truncation fails, step 2 of the next
writer cleans up).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lsm import killpoints
from lsm.applier import Applier
from lsm.codec import (
    BatchRecord,
    BlobRecord,
    CheckpointRecord,
    EntryRecord,
    EventRecord,
    InitialRecord,
    Record,
    RepairRecord,
    SegmentInfoRecord,
    TranscriptRecord,
)
from lsm.errors import FormatVersionError, InputError, StoreError, StoreFullError
from lsm.frame import FORMAT_VERSION, SEGMENT_HEADER
from lsm.fsutil import DISK_FULL_ERRNOS
from lsm.hashing import sha256
from lsm.indexschema import (
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
from lsm.indexview import IndexView
from lsm.model import (
    Attribution,
    AttributionColumns,
    Checkpoint,
    FileEntry,
    InitialAttributions,
    JsonObject,
    LineAttribution,
)
from lsm.rebuild import rebuild
from lsm.recovery import (
    CheckpointGroup,
    ScannedItem,
    SegmentScan,
    scan_segment,
    tail_intact,
)
from lsm.repair import mend
from lsm.segment import Pointer, SegmentWriter, create_segment, read_header, segment_path

if TYPE_CHECKING:
    from lsm.engine import Engine

__all__ = ["MAX_BLOB_BYTES", "Writer", "merge_initial"]

#: Largest blob the store accepts (a frame payload must fit 64 MiB compressed).
MAX_BLOB_BYTES = 48 << 20
_MAX_LOG_NAME = 255


def _now_ms() -> int:
    return int(time.time() * 1000)


def _check_log_name(name: str) -> None:
    raw = name.encode("utf-8", "surrogateescape")
    if not raw or len(raw) > _MAX_LOG_NAME or b"\x00" in raw:
        raise InputError(f"bad working-log name {name!r}")


def merge_initial(old: InitialAttributions, new: InitialAttributions) -> InitialAttributions:
    """git-ai's INITIAL merge on a base change: key by key, the OLD base wins shared keys."""
    return InitialAttributions(
        files={**new.files, **old.files},
        prompts={**new.prompts, **old.prompts},
        file_blobs={**new.file_blobs, **old.file_blobs},
        humans={**new.humans, **old.humans},
        sessions={**new.sessions, **old.sessions},
    )


class _Unit:
    """Frames the index learns about together: one record, or a checkpoint and its entries.

    :ivar record: the record of the first frame (for a checkpoint, a slim
        header: the index needs a few facts of it, not its attributions).
    :ivar entries: a checkpoint's slim entry records, one per further frame.
    :ivar blob_size: a blob's content size (the record keeps no data: the frame has it).
    :ivar replace: a blob that must replace the index's copy (re-homing).
    """

    __slots__ = ("blob_size", "entries", "frames", "record", "replace")

    def __init__(
        self,
        record: Record,
        frames: list[bytes],
        entries: list[EntryRecord] | None = None,
        *,
        blob_size: int | None = None,
        replace: bool = False,
    ) -> None:
        self.record = record
        self.frames = frames
        self.entries = entries or []
        self.blob_size = blob_size
        self.replace = replace


class _Pending:
    """The units of one commit, and what the commit has already decided."""

    __slots__ = ("blobs", "logs", "size", "units")

    def __init__(self, logs: dict[str, int] | None = None) -> None:
        self.units: list[_Unit] = []
        self.size = 0
        #: log name -> head run, for logs this commit looked up or creates
        self.logs: dict[str, int] = dict(logs or {})
        #: blob shas this commit writes
        self.blobs: set[str] = set()

    def add(self, unit: _Unit) -> None:
        self.units.append(unit)
        self.size += sum(len(f) for f in unit.frames)


class Writer:
    """All mutations of a store. Obtain one with ``Store.writer()``; it holds the lock.

    Every public method is atomic: it commits its frames and index changes
    together, or (on an exception) leaves the store as it was; inside
    :meth:`batch`, the whole block is. Methods raise
    :class:`~lsm.errors.StoreFullError` when the disk is full.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._env = engine.env
        self._codec = engine.codec
        self._seg: SegmentWriter | None = None
        self._active = 0
        self._durable = 0
        self._next_seq = 1
        self._next_run = 1
        self._next_segment = 1
        self._tail = SEGMENT_HEADER
        # (active, durable, tail) as this writer last left or verified them:
        # when a later session finds them unchanged, no other process wrote in
        # between and the tail check can be skipped.
        self._checked: tuple[int, int, int] | None = None
        self._session = True
        #: the units of an open :meth:`batch`, committed together when it ends
        self._batch: _Pending | None = None
        self.refresh()

    # ------------------------------------------------------------------ sessions

    def begin_session(self) -> None:
        """Mark the writer usable (the engine holds the lock for it)."""
        self._session = True

    def end_session(self) -> None:
        """Mark the writer unusable until the next :meth:`begin_session`."""
        self._session = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make every operation inside one commit: one write, one index transaction.

        A crash anywhere in the block, or an exception out of it, leaves the
        store as it was before the block (the exception is re-raised);
        otherwise everything lands at once when the block ends. Inside,
        operations decide from the store as it was before the block (plus
        the blobs and logs the block itself adds), so a block should touch
        each log in a simple order (e.g. ``reset_log`` then ``set_initial``;
        an ``archive_log`` of another log). Nested blocks join the outer one.
        The block's records are held in memory until it ends.
        """
        self._require_session()
        if self._batch is not None:
            yield
            return
        self._batch = _Pending()
        try:
            yield
        except BaseException:
            self._batch = None
            self._read_meta()  # sequence numbers handed out inside are returned
            raise
        p, self._batch = self._batch, None
        self._commit(p)

    def _pending(self, logs: dict[str, int] | None = None) -> _Pending:
        """Where an operation puts its units: the open batch, or a commit of its own."""
        if self._batch is not None:
            if logs:
                for name, run in logs.items():
                    self._batch.logs.setdefault(name, run)
            return self._batch
        return _Pending(logs)

    def _require_session(self) -> None:
        if not self._session:
            raise StoreError("a Writer was used outside its `with store.writer()` block")

    # ------------------------------------------------------------------ state

    def _read_meta(self) -> int:
        with self._engine.view() as v:
            fmt = v.meta(META_FORMAT, 0)
            self._active = v.meta(META_ACTIVE, 0)
            self._durable = v.meta(META_DURABLE, 0)
            self._next_seq = v.meta(META_NEXT_SEQ, 1)
            self._next_run = v.meta(META_NEXT_RUN, 1)
            self._next_segment = v.meta(META_NEXT_SEGMENT, 1)
            self._tail = v.meta(META_TAIL, SEGMENT_HEADER)
        return fmt

    def refresh(self) -> None:
        """Bring this writer up to date after (re)taking the lock; recovers if needed.

        Reads the index meta (other processes may have written), reopens the
        active segment if it changed, and repairs a crashed writer's tail.
        """
        fmt = self._read_meta()
        if fmt > FORMAT_VERSION:
            raise FormatVersionError(
                f"the index has format version {fmt}; this version reads up to {FORMAT_VERSION}"
            )
        if fmt == 0:
            if self._engine.segment_ids():
                # The index is gone but segments exist: they are the truth.
                self._engine.events.record("index_missing_rebuild")
                self.rebuild_index()
            else:
                self._initialize()
            self._read_meta()
        self._open_active()
        seg = self._seg_writer
        size = seg.size()
        seen = (self._active, self._durable, self._tail)
        if size < self._durable or (
            seen != self._checked
            and (
                not tail_intact(seg.fd, self._tail, self._durable)
                or isinstance(read_header(seg.fd), str)
            )
        ):
            # Bytes the index relies on are gone or changed (power loss with
            # durability=off, or outside damage): rebuild from what exists.
            self._engine.events.record(
                "segment_damaged_below_durable_offset",
                segment=self._active,
                size=size,
                durable=self._durable,
            )
            self.rebuild_index()
        elif size > self._durable:
            self._recover_tail(size)
        self._checked = (self._active, self._durable, self._tail)

    @property
    def _seg_writer(self) -> SegmentWriter:
        if self._seg is None:
            raise StoreError("the writer is closed")
        return self._seg

    def _open_active(self) -> None:
        if self._seg is not None and self._seg.segment_id == self._active:
            return
        if self._seg is not None:
            self._seg.close()
        segments_dir = self._engine.segments_dir
        path = segment_path(segments_dir, self._active)
        if not path.exists():
            self._engine.events.record("active_segment_missing", segment=self._active)
            create_segment(segments_dir, self._active, sync=self._engine.sync)
        self._seg = SegmentWriter(path, self._active)

    def _write_index(self, fn: Any) -> Any:
        """Run ``fn(applier)`` in one committed write transaction."""
        dbs = self._env.dbs
        return self._env.write(lambda txn: fn(Applier(txn, dbs)))

    def _initialize(self) -> None:
        create_segment(self._engine.segments_dir, 1, sync=self._engine.sync)
        now = _now_ms()

        def fn(ap: Applier) -> None:
            ap.set_meta(META_FORMAT, FORMAT_VERSION)
            ap.set_meta(META_INDEX, INDEX_VERSION)
            ap.set_meta(META_FACTS, 1)
            ap.set_meta(META_NEXT_SEQ, 1)
            ap.set_meta(META_NEXT_RUN, 1)
            ap.set_meta(META_NEXT_SEGMENT, 2)
            ap.set_meta(META_ACTIVE, 1)
            ap.set_meta(META_DURABLE, SEGMENT_HEADER)
            ap.set_meta(META_TAIL, SEGMENT_HEADER)
            ap.put_segment(1, SegmentInfo("active", SEGMENT_HEADER, now))

        self._write_index(fn)

    def close(self) -> None:
        """Close the active segment's descriptor (the lock is released by the engine)."""
        if self._seg is not None:
            self._seg.close()
            self._seg = None

    # ------------------------------------------------------------------ recovery

    def _recover_tail(self, size: int) -> None:
        """Index what a crashed writer left past the durable offset; cut a torn tail.

        Complete units there were written (not acknowledged): they are
        indexed. A torn tail (nothing valid after it) is copied to
        quarantine and cut off, with any batch it cut; damage followed by
        valid frames is mended in place (lsm.repair) and what follows kept.
        """
        seg = self._seg_writer
        scan = SegmentScan()
        items = list(
            scan_segment(
                seg.fd,
                self._active,
                self._codec,
                self._durable,
                size,
                scan,
                torn_from=self._durable,
            )
        )
        end = scan.tail.start if scan.tail is not None else size
        counters = {"next_seq": self._next_seq, "next_run": self._next_run}
        repairs = []
        for d in scan.ranges:
            repairs.append(
                mend(
                    self._engine.root,
                    self._active,
                    seg.fd,
                    d,
                    cut=d is scan.tail,
                    counters=counters,
                    sync=self._engine.sync,
                )
            )
        if scan.tail is not None:
            killpoints.reached("recover.after_truncate")

        def fn(ap: Applier) -> None:
            for item in items:
                ap.apply(item)
            ap.finish()
            ap.set_meta(META_DURABLE, end)
            if items:
                ap.set_meta(META_TAIL, scan.last_start)
            self._touch_segment(ap, end, scan.first_seq, scan.last_seq, scan.frames, scan.groups)

        self._write_index(fn)
        self._engine.events.record(
            "recovered_tail",
            segment=self._active,
            durable=self._durable,
            size=size,
            indexed=len(items),
            valid_end=end,
            quarantined=repairs[-1].quarantine if repairs else None,
            damage=[d.reason for d in scan.ranges],
            repairs=[r.to_json() for r in repairs],
        )
        self._read_meta()

    def rebuild_index(self) -> dict[str, Any]:
        """Recreate the whole index from the segments (see lsm.rebuild).

        When the rebuild mended damage, its account (every range, what was
        lost, the counters) is appended as one REPAIR record, so that it
        survives the next rebuild too.
        """
        report = rebuild(self._engine)
        if self._seg is not None:
            self._seg.close()
            self._seg = None
        self._read_meta()
        self._open_active()
        if report["repairs"]:
            info = {
                "next_seq": self._next_seq,
                "next_run": self._next_run,
                "at": _now_ms(),
                "repairs": report["repairs"],
                "lost_blobs": report["lost_blobs"],
            }
            p = _Pending()
            p.add(_Unit(RepairRecord(info), [self._codec.repair_frame(info)]))
            # A rebuild runs inside refresh() too, before the session begins.
            session, self._session = self._session, True
            try:
                self._commit(p)
            finally:
                self._session = session
        return report

    # ------------------------------------------------------------------ commit

    def _touch_segment(
        self,
        ap: Applier,
        size: int,
        first: int | None,
        last: int | None,
        frames: int,
        checkpoints: int = 0,
        logical: int = 0,
    ) -> None:
        info = ap.view.segment(self._active) or SegmentInfo("active", size, _now_ms())
        ap.put_segment(
            self._active,
            info._replace(
                size=size,
                first_seq=first if info.first_seq is None else info.first_seq,
                last_seq=info.last_seq if last is None else max(info.last_seq or 0, last),
                frames=info.frames + frames,
                checkpoints=info.checkpoints + checkpoints,
                logical=info.logical + logical,
            ),
        )

    def _commit(self, p: _Pending) -> None:
        self._require_session()
        if p is self._batch:
            return  # the batch commits when it ends
        if not p.units:
            return
        seg = self._seg_writer
        offset = self._durable
        # A commit of several records that are not all blobs (a batch; a new
        # log's create event and first checkpoint; a merge and its INITIAL)
        # is one unit for recovery: behind a BATCH marker, a torn write of it
        # loses all of it, never a part.
        frames = [f for unit in p.units for f in unit.frames]
        if sum(1 for u in p.units if not isinstance(u.record, BlobRecord)) > 1:
            frames.insert(0, self._codec.batch_frame(len(frames)))
        marker = len(frames[0]) if len(frames) > sum(len(u.frames) for u in p.units) else 0
        data = b"".join(frames)
        try:
            end = seg.append(data, offset, sync=self._engine.sync)
        except OSError as exc:
            self._read_meta()
            if exc.errno in DISK_FULL_ERRNOS:
                raise StoreFullError(f"segment write failed: {exc}") from exc
            raise
        seg_id = self._active
        logical = self._codec.take_logical()
        tail = [offset]
        seqs = [
            u.record.seq
            for u in p.units
            if not isinstance(u.record, BlobRecord | SegmentInfoRecord | RepairRecord | BatchRecord)
        ]
        n_frames = sum(len(u.frames) for u in p.units) + (1 if marker else 0)
        n_groups = sum(1 for u in p.units if isinstance(u.record, CheckpointRecord))

        def fn(ap: Applier) -> None:
            pos = offset + marker
            for unit in p.units:
                tail[0] = pos
                ptrs = []
                for f in unit.frames:
                    ptrs.append(Pointer(seg_id, pos, len(f)))
                    pos += len(f)
                item: ScannedItem
                if isinstance(unit.record, CheckpointRecord):
                    start = ptrs[0].offset
                    item = CheckpointGroup(
                        unit.record,
                        Pointer(seg_id, start, pos - start),
                        list(zip(unit.entries, ptrs[1:], strict=True)),
                    )
                else:
                    item = (unit.record, ptrs[0])
                ap.apply(item, blob_size=unit.blob_size, replace_blob=unit.replace)
            ap.finish()
            killpoints.reached("append.in_index_txn")
            ap.set_meta(META_DURABLE, end)
            # Only the last record is re-checked on open: a batch can be megabytes.
            ap.set_meta(META_TAIL, tail[0])
            self._touch_segment(
                ap,
                end,
                min(seqs, default=None),
                max(seqs, default=None),
                n_frames,
                n_groups,
                logical,
            )

        try:
            self._write_index(fn)
        except BaseException:
            # Nothing was acknowledged: take the frames back out.
            with contextlib.suppress(OSError):
                seg.truncate(offset, sync=self._engine.sync)
            self._read_meta()
            raise
        killpoints.reached("append.after_commit")
        self._durable = end
        self._tail = tail[0]
        self._checked = (self._active, end, tail[0])
        if end >= self._engine.options.segment_bytes:
            self._seal()

    def _seal(self) -> None:
        new_id = self._next_segment
        old_id = self._active
        create_segment(self._engine.segments_dir, new_id, sync=self._engine.sync)
        killpoints.reached("seal.after_file")
        now = _now_ms()
        durable = self._durable

        def fn(ap: Applier) -> None:
            info = ap.view.segment(old_id) or SegmentInfo("active", durable, now)
            ap.put_segment(old_id, info._replace(state="sealed", size=durable, sealed=now))
            ap.put_segment(new_id, SegmentInfo("active", SEGMENT_HEADER, now))
            ap.set_meta(META_ACTIVE, new_id)
            ap.set_meta(META_DURABLE, SEGMENT_HEADER)
            ap.set_meta(META_TAIL, SEGMENT_HEADER)
            ap.set_meta(META_NEXT_SEGMENT, new_id + 1)

        self._write_index(fn)
        killpoints.reached("seal.after_commit")
        self._read_meta()
        self._open_active()
        self._checked = (self._active, self._durable, self._tail)

    # ------------------------------------------------------------------ reading back

    def _view(self) -> contextlib.AbstractContextManager[IndexView]:
        return self._engine.view()

    def _log_runs(self, name: str) -> tuple[int, ...] | None:
        with self._view() as v:
            entry = v.log(name)
        return None if entry is None else entry.runs

    def _has_blob(self, sha: str) -> bool:
        with self._view() as v:
            return v.blob(sha) is not None

    def _initial_of(self, name: str) -> InitialAttributions:
        with self._view() as v:
            entry = v.log(name)
        if entry is None or entry.initial is None:
            return InitialAttributions()
        return self._engine.reader.read_typed(entry.initial, InitialRecord, "INITIAL").initial

    # ------------------------------------------------------------------ building frames

    def _seq(self) -> int:
        seq = self._next_seq
        self._next_seq += 1
        return seq

    def _ensure_log(self, name: str, p: _Pending) -> int:
        """The head run of log ``name``, creating the log (in ``p``) if needed."""
        _check_log_name(name)
        if name in p.logs:
            return p.logs[name]
        runs = self._log_runs(name)
        if runs:
            p.logs[name] = runs[-1]
            return runs[-1]
        run = self._next_run
        self._next_run += 1
        self._add_event(p, "create", {"log": name, "run": run, "at": _now_ms()})
        p.logs[name] = run
        return run

    def _add_event(self, p: _Pending, op: str, args: dict[str, Any]) -> int:
        seq = self._seq()
        p.add(_Unit(EventRecord(seq, op, args), [self._codec.event_frame(seq, op, args)]))
        return seq

    def _add_blobs(self, p: _Pending, blobs: Mapping[str, bytes] | None) -> None:
        for sha, data in (blobs or {}).items():
            self._add_blob(p, data, sha)

    def _add_blob(self, p: _Pending, data: bytes, sha: str | None = None) -> str:
        if len(data) > MAX_BLOB_BYTES:
            raise InputError(f"a blob of {len(data)} bytes exceeds the {MAX_BLOB_BYTES}-byte limit")
        actual = sha256(data).hexdigest()
        if sha is not None and sha != actual:
            raise InputError(f"blob content does not match its sha256 {sha}")
        if actual in p.blobs or self._has_blob(actual):
            return actual
        p.blobs.add(actual)
        p.add(
            _Unit(
                BlobRecord(actual, b""), [self._codec.blob_frame(actual, data)], blob_size=len(data)
            )
        )
        return actual

    def _add_checkpoint(
        self, p: _Pending, run: int, log: str, cp: Checkpoint, imported: bool
    ) -> int:
        seq = self._seq()
        frames = self._codec.checkpoint_frames(seq, run, log, cp, imported=imported)
        # The index needs a few facts of each entry, not its attributions: keep
        # those only, so a batch of thousands of large entries stays small.
        header = CheckpointRecord(seq, run, log, len(cp.entries), imported, _header_only(cp))
        entries = [
            EntryRecord(seq, i, cp.kind, cp.timestamp, _slim_entry(e))
            for i, e in enumerate(cp.entries)
        ]
        p.add(_Unit(header, frames, entries))
        return seq

    # ------------------------------------------------------------------ public operations

    def append(
        self,
        log: str,
        checkpoint: Checkpoint,
        *,
        blobs: Mapping[str, bytes] | None = None,
        imported: bool = False,
    ) -> int:
        """Append one checkpoint (and its new blobs) to ``log``; returns its seq.

        The log is created if it does not exist. ``blobs`` maps sha256 hex to
        content; blobs already stored are skipped (deduplicated).

        :raises InputError: a blob's content does not match its sha, a path
            holds NUL, or the log name is invalid.
        :raises StoreFullError: the disk is full; nothing was written.
        """
        _check_entries(checkpoint.entries)
        p = self._pending()
        run = self._ensure_log(log, p)
        self._add_blobs(p, blobs)
        seq = self._add_checkpoint(p, run, log, checkpoint, imported)
        self._commit(p)
        return seq

    def append_many(
        self,
        log: str,
        checkpoints: Iterable[Checkpoint],
        *,
        imported: bool = False,
        batch_bytes: int = 4 << 20,
    ) -> int:
        """Append many checkpoints in order, committing every ``batch_bytes``; returns the count.

        Memory is bounded by one batch. Each batch is atomic; a failure
        leaves the batches before it committed.
        """
        p = self._pending()
        run = self._ensure_log(log, p)
        count = 0
        for cp in checkpoints:
            _check_entries(cp.entries)
            self._add_checkpoint(p, run, log, cp, imported)
            count += 1
            if p.size >= batch_bytes or len(p.units) >= 4096:
                self._commit(p)
                p = self._pending(logs={log: run})
        self._commit(p)
        return count

    def put_blob(self, data: bytes) -> str:
        """Store content (deduplicated); returns its sha256 hex."""
        p = self._pending()
        sha = self._add_blob(p, data)
        self._commit(p)
        return sha

    def put_blobs(self, contents: Iterable[bytes], *, batch_bytes: int = 8 << 20) -> int:
        """Store many contents (deduplicated), committing every ``batch_bytes``.

        Returns how many were new.
        """
        p = self._pending()
        new = 0
        for data in contents:
            before = len(p.units)
            self._add_blob(p, data)
            new += len(p.units) - before
            if p.size >= batch_bytes:
                self._commit(p)
                p = self._pending()
        self._commit(p)
        return new

    def rehome_blob(self, sha: str, data: bytes) -> None:
        """Write a blob again and point the index at the new copy.

        The compactor uses it for a blob it was about to drop but that an
        append made during the compaction started to reference again.
        """
        if sha256(data).hexdigest() != sha:
            raise InputError(f"blob content does not match its sha256 {sha}")
        p = self._pending()
        p.add(
            _Unit(
                BlobRecord(sha, b""),
                [self._codec.blob_frame(sha, data)],
                blob_size=len(data),
                replace=True,
            )
        )
        self._commit(p)

    def seal(self) -> bool:
        """Seal the active segment now (if it holds any record); True if it did."""
        self._require_session()
        if self._durable <= SEGMENT_HEADER:
            return False
        self._seal()
        return True

    def allocate_segment_id(self) -> int:
        """Reserve a segment id (for compaction output); never handed out twice."""
        self._require_session()

        def fn(ap: Applier) -> int:
            sid = ap.view.meta(META_NEXT_SEGMENT, 1)
            ap.set_meta(META_NEXT_SEGMENT, sid + 1)
            return sid

        sid: int = self._write_index(fn)
        self._next_segment = sid + 1
        return sid

    def create_log(self, name: str) -> None:
        """Create an empty working log (no-op if it exists)."""
        p = self._pending()
        self._ensure_log(name, p)
        self._commit(p)

    def reset_log(self, name: str) -> None:
        """Empty a log: no checkpoints, no INITIAL (git-ai ``reset_working_log``)."""
        _check_log_name(name)
        p = self._pending()
        run = self._next_run
        self._next_run += 1
        self._add_event(p, "reset", {"log": name, "run": run, "at": _now_ms()})
        p.logs[name] = run
        self._commit(p)

    def rename_log(self, old: str, new: str) -> str:
        """Move a log to a new base (git-ai ``rename_working_log``).

        Nothing happens if ``old == new`` or ``old`` does not exist. If
        ``new`` does not exist the log is renamed; otherwise the two are
        merged: ``old``'s checkpoints first, then ``new``'s, and INITIAL
        merged key by key with ``old`` winning. Returns ``"none"``,
        ``"renamed"`` or ``"merged"``.
        """
        _check_log_name(old)
        _check_log_name(new)
        if old == new or self._log_runs(old) is None:
            return "none"
        p = self._pending()
        if self._log_runs(new) is None:
            self._add_event(p, "rename", {"old": old, "new": new, "at": _now_ms()})
            self._commit(p)
            return "renamed"
        old_initial = self._initial_of(old)
        new_initial = self._initial_of(new)
        self._add_event(p, "merge", {"old": old, "new": new, "at": _now_ms()})
        if not (old_initial.is_empty() and new_initial.is_empty()):
            self._add_initial(p, new, merge_initial(old_initial, new_initial))
        self._commit(p)
        return "merged"

    def archive_log(
        self, name: str, *, to: str | None = None, at_ms: int | None = None
    ) -> str | None:
        """Archive ``name`` as ``to`` (default ``old-<name>``), replacing any log there.

        Returns the archive's name, or None if ``name`` does not exist.
        """
        _check_log_name(name)
        if self._log_runs(name) is None:
            return None
        target = to if to is not None else f"old-{name}"
        _check_log_name(target)
        p = self._pending()
        self._add_event(
            p,
            "archive",
            {"log": name, "to": target, "at": at_ms if at_ms is not None else _now_ms()},
        )
        self._commit(p)
        return target

    def drop_log(self, name: str) -> bool:
        """Delete a log from the index (its records become garbage for compaction)."""
        _check_log_name(name)
        if self._log_runs(name) is None:
            return False
        p = self._pending()
        self._add_event(p, "drop", {"log": name, "at": _now_ms()})
        self._commit(p)
        return True

    def prune_archived(self, retention_s: float, *, now_ms: int | None = None) -> list[str]:
        """Drop archived logs at least ``retention_s`` old (git-ai: 7 days); returns their names."""
        now = now_ms if now_ms is not None else _now_ms()
        with self._view() as v:
            victims = [
                name
                for name, entry in v.logs()
                if entry.archived is not None and now - entry.archived >= retention_s * 1000
            ]
        if not victims:
            return []
        p = self._pending()
        for name in victims:
            self._add_event(p, "drop", {"log": name, "at": now})
        self._commit(p)
        return victims

    def set_import_state(self, name: str, state: JsonObject | None) -> None:
        """Record the legacy-import state of a log (created if missing)."""
        p = self._pending()
        self._ensure_log(name, p)
        self._add_event(p, "import", {"log": name, "state": state, "at": _now_ms()})
        self._commit(p)

    def _add_initial(self, p: _Pending, log: str, initial: InitialAttributions) -> None:
        seq = self._seq()
        p.add(
            _Unit(InitialRecord(seq, log, initial), [self._codec.initial_frame(seq, log, initial)])
        )

    def set_initial(
        self, log: str, initial: InitialAttributions, *, blobs: Mapping[str, bytes] | None = None
    ) -> None:
        """Replace a log's INITIAL attributions (an empty one deletes it).

        As git-ai does, files with no attributions are dropped, and so are
        ``file_blobs`` of files not in ``files``. Every remaining snapshot
        blob must be in ``blobs`` or already stored.

        :raises InputError: a snapshot blob is missing.
        """
        files = {k: v for k, v in initial.files.items() if v}
        cleaned = InitialAttributions(
            files=files,
            prompts=initial.prompts,
            file_blobs={k: v for k, v in initial.file_blobs.items() if k in files},
            humans=initial.humans,
            sessions=initial.sessions,
        )
        p = self._pending()
        self._ensure_log(log, p)
        self._add_blobs(p, blobs)
        for path, sha in cleaned.file_blobs.items():
            if sha not in p.blobs and not self._has_blob(sha):
                raise InputError(f"INITIAL snapshot blob {sha} for {path} is not stored")
        self._add_initial(p, log, cleaned)
        self._commit(p)

    def add_transcript(
        self,
        agent: str,
        session: str,
        start: int,
        end: int,
        messages: Iterable[JsonObject],
        meta: Mapping[str, Any],
    ) -> int:
        """Store one batch of parsed transcript messages and advance the session watermark."""
        p = self._pending()
        seq = self._seq()
        msgs = list(messages)
        p.add(
            _Unit(
                TranscriptRecord(seq, agent, session, start, end, [], dict(meta)),
                [self._codec.transcript_frame(seq, agent, session, start, end, msgs, meta)],
            )
        )
        self._commit(p)
        return seq


def _slim_entry(e: FileEntry) -> FileEntry:
    """An entry with one placeholder attribution per distinct author: what indexing reads."""
    attrs = e.attributions
    authors = (
        attrs.authors if isinstance(attrs, AttributionColumns) else {a.author_id for a in attrs}
    )
    return FileEntry(
        file=e.file,
        blob_sha=e.blob_sha,
        attributions=[Attribution(0, 0, a, 0) for a in dict.fromkeys(authors)],
        # Distinct (author, overrode) pairs: the index keeps whether a human
        # line overrode an AI one (git-ai's "requires post-processing").
        line_attributions=[
            LineAttribution(0, 0, a, o)
            for a, o in dict.fromkeys((la.author_id, la.overrode) for la in e.line_attributions)
        ],
    )


def _header_only(cp: Checkpoint) -> Checkpoint:
    # What the Applier reads of a header: the same fields rebuild decodes
    # from the segment, so that both derive the same index (commit-time
    # facts included: author, line stats and trace id).
    return Checkpoint(
        kind=cp.kind,
        diff="",
        author=cp.author,
        entries=[],
        timestamp=cp.timestamp,
        agent_id=cp.agent_id,
        line_stats=cp.line_stats,
        trace_id=cp.trace_id,
    )


def _check_entries(entries: list[FileEntry]) -> None:
    for e in entries:
        if "\x00" in e.file:
            raise InputError(f"path {e.file!r} contains a NUL byte")
