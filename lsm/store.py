"""The Store: open a checkpoint store, append to it, read from it.

Quick start::

    from lsm import Store
    with Store.open(".git/ai/lsm") as store:
        seq = store.append("<base oid>", checkpoint, blobs={sha: content})
        state = store.latest_state("<base oid>", "src/app.py")   # index only
        entry = store.latest("<base oid>", "src/app.py")         # + one pread

Concurrency: any number of processes may read and write one store. Writes
are serialised by the writer lock (``LOCK``, taken with a deadline); reads
are LMDB snapshot lookups plus one ``pread`` per entry and never wait. A
Store object belongs to one process (not inherited across ``fork()``);
its read methods may be called from several threads, its write methods
from one thread at a time.

What can fail: every method may raise an :class:`lsm.errors.Error`
subclass (never a bare ``OSError`` for an expected condition):
StoreLockedError past the lock deadline, StoreFullError on a full disk,
CorruptRecordError when bytes fail their checks (never wrong data),
NetworkFilesystemError at open on NFS/SMB.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from lsm.codec import CheckpointRecord, Codec, EntryRecord, InitialRecord
from lsm.errors import (
    CorruptRecordError,
    FormatVersionError,
    NetworkFilesystemError,
    StoreClosedError,
    StoreLockedError,
)
from lsm.events import EventLog
from lsm.frame import FORMAT_VERSION
from lsm.fsutil import network_fs_type
from lsm.index import (
    META_ACTIVE,
    META_DURABLE,
    META_FORMAT,
    META_TAIL,
    Index,
    Pointer,
    checkpoint_key,
    get_u64,
    history_prefix,
    latest_key,
    loads,
    run_prefix,
    u64,
)
from lsm.indexer import FileState, HistoryRef, session_key
from lsm.locking import FileLock
from lsm.model import Checkpoint, InitialAttributions
from lsm.options import Durability, StoreOptions
from lsm.reading import SegmentGone, SegmentReader
from lsm.recovery import tail_intact
from lsm.segment import segment_id_of, segment_path
from lsm.stored import LogInfo, StoredCheckpoint, StoredEntry
from lsm.writer import Writer

__all__ = ["Store"]

T = TypeVar("T")
_RETRIES = 5


class Store:
    """A checkpoint store rooted at one directory (see :meth:`open`)."""

    def __init__(self, root: Path, options: StoreOptions) -> None:
        self.root = root
        self.options = options.validated()
        self.segments_dir = root / "segments"
        self.events = EventLog(root / "events.jsonl")
        self._codec = Codec(options.zstd_level)
        self._reader = SegmentReader(root, self._codec)
        self._lock = FileLock(root / "LOCK")
        self._writer: Writer | None = None
        self._pid = os.getpid()
        self._index = Index(
            root / "index",
            map_size=options.map_size,
            sync=options.durability is not Durability.OFF,
            metasync=options.durability is Durability.FULL,
            max_readers=options.max_readers,
        )
        self._closed = False

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, options: StoreOptions | None = None) -> Store:
        """Open (creating if needed) the store at ``path``.

        If a crashed writer left frames past the durable offset, or the
        index is missing, recovery runs now (under the writer lock; if
        another process holds it, that process recovers instead).

        :raises NetworkFilesystemError: ``path`` is on NFS/SMB/sshfs (LMDB
            is unsafe there) unless ``options.allow_network_fs``.
        :raises FormatVersionError: the store was written by a newer format.
        """
        opts = options or StoreOptions()
        root = Path(path)
        for sub in ("", "segments", "index", "quarantine"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        fstype = network_fs_type(root)
        if fstype is not None and not opts.allow_network_fs:
            raise NetworkFilesystemError(f"{root} is on a {fstype} filesystem")
        store = cls(root, opts)
        try:
            store._check_format_and_recover()
        except BaseException:
            store.close()
            raise
        return store

    def _check_format_and_recover(self) -> None:
        with self._index.read() as txn:
            meta = self._index.db("meta")
            fmt = get_u64(txn, meta, META_FORMAT, 0)
            active = get_u64(txn, meta, META_ACTIVE, 0)
            durable = get_u64(txn, meta, META_DURABLE, 0)
            tail = get_u64(txn, meta, META_TAIL, 0)
        if fmt > FORMAT_VERSION:
            raise FormatVersionError(
                f"{self.root} has format version {fmt}; this version reads up to {FORMAT_VERSION}"
            )
        dirty = False
        if fmt == 0:
            dirty = bool(self._segment_ids())
        else:
            try:
                fd = os.open(segment_path(self.segments_dir, active), os.O_RDONLY)
            except FileNotFoundError:
                dirty = True
            else:
                try:
                    dirty = os.fstat(fd).st_size != durable or not tail_intact(fd, tail, durable)
                finally:
                    os.close(fd)
        if dirty:
            # Writer() runs recovery on acquisition. If another process holds
            # the lock, that live writer recovers instead.
            with contextlib.suppress(StoreLockedError), self.writer(timeout=0.2):
                pass

    def close(self) -> None:
        """Release descriptors and the index handle (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._lock.release()
        self._reader.close()
        self._index.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _check(self) -> None:
        if self._closed:
            raise StoreClosedError("the store is closed")

    def _segment_ids(self) -> list[int]:
        ids = []
        for p in self.segments_dir.iterdir():
            sid = segment_id_of(p)
            if sid is not None:
                ids.append(sid)
        return sorted(ids)

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def writer(self, *, timeout: float | None = None) -> Iterator[Writer]:
        """Hold the writer lock for a sequence of operations; yields the :class:`Writer`.

        Reads made inside the block (through the store) see every commit,
        and no other process can write until the block ends: use it for
        read-modify-append (the checkpoint command reads previous states
        and appends under one lock). Re-entrant.

        :param timeout: lock deadline in seconds (default ``options.lock_timeout``).
        :raises StoreLockedError: the lock was not free before the deadline.
        """
        self._check()
        if self._lock.held and self._writer is not None:
            yield self._writer
            return
        self._lock.acquire(self.options.lock_timeout if timeout is None else timeout)
        try:
            try:
                if self._writer is None:
                    self._writer = Writer(self)
                else:
                    self._writer.refresh()
            except BaseException:
                if self._writer is not None:
                    self._writer.close()
                    self._writer = None
                raise
            self._writer._session = True
            yield self._writer
        finally:
            if self._writer is not None:
                self._writer._session = False
            self._lock.release()

    def append(
        self, log: str, checkpoint: Checkpoint, *, blobs: Mapping[str, bytes] | None = None
    ) -> int:
        """Append one checkpoint durably; returns its seq. See :meth:`Writer.append`."""
        with self.writer() as w:
            return w.append(log, checkpoint, blobs=blobs)

    def put_blob(self, data: bytes) -> str:
        """Store content (deduplicated by sha256); returns the sha256 hex."""
        with self.writer() as w:
            return w.put_blob(data)

    def create_log(self, name: str) -> None:
        """Create an empty working log (no-op if it exists)."""
        with self.writer() as w:
            w.create_log(name)

    def reset_log(self, name: str) -> None:
        """Empty a working log (checkpoints and INITIAL)."""
        with self.writer() as w:
            w.reset_log(name)

    def rename_log(self, old: str, new: str) -> str:
        """Rename or merge a working log; see :meth:`Writer.rename_log`."""
        with self.writer() as w:
            return w.rename_log(old, new)

    def archive_log(
        self, name: str, *, to: str | None = None, at_ms: int | None = None
    ) -> str | None:
        """Archive a working log as ``old-<name>``; see :meth:`Writer.archive_log`."""
        with self.writer() as w:
            return w.archive_log(name, to=to, at_ms=at_ms)

    def drop_log(self, name: str) -> bool:
        """Forget a working log."""
        with self.writer() as w:
            return w.drop_log(name)

    def prune_archived(
        self, retention_s: float = 7 * 86400, *, now_ms: int | None = None
    ) -> list[str]:
        """Drop archived logs older than ``retention_s`` (git-ai keeps 7 days)."""
        with self.writer() as w:
            return w.prune_archived(retention_s, now_ms=now_ms)

    def set_initial(
        self, log: str, initial: InitialAttributions, *, blobs: Mapping[str, bytes] | None = None
    ) -> None:
        """Replace a log's INITIAL attributions; see :meth:`Writer.set_initial`."""
        with self.writer() as w:
            w.set_initial(log, initial, blobs=blobs)

    def rebuild_index(self) -> dict[str, Any]:
        """Recreate the index from the segments (atomic; under the writer lock)."""
        with self.writer() as w:
            report = w.rebuild_index()
        self._reader.close()
        return report

    # ------------------------------------------------------------------ reading helpers

    def _retrying(self, fn: Callable[[], T]) -> T:
        # A pointer taken from an older snapshot may name a segment the
        # compactor has since replaced and unlinked: look again.
        for attempt in range(_RETRIES):
            try:
                return fn()
            except SegmentGone as gone:
                self._reader.forget(int(gone.args[0]))
                if attempt == _RETRIES - 1:
                    raise CorruptRecordError(
                        "the segment an index pointer names does not exist",
                        segment=int(gone.args[0]),
                        offset=0,
                    ) from None
                time.sleep(0.001 * (attempt + 1))
        raise AssertionError("unreachable")

    def _log_raw(self, name: str) -> dict[str, Any] | None:
        self._check()
        with self._index.read() as txn:
            raw = txn.get(name.encode("utf-8", "surrogateescape"), db=self._index.db("logs"))
        return None if raw is None else dict(loads(raw))

    def _runs(self, log: str) -> list[int]:
        info = self._log_raw(log)
        return [] if info is None else [int(r) for r in info["runs"]]

    # ------------------------------------------------------------------ reads: files

    def latest_state(self, log: str, path: str) -> FileState | None:
        """The index's record of ``path``'s newest entry in ``log``, without reading a segment.

        ``ai_touched`` is true if any entry of the file in any of the log's
        runs was AI-made or carries an AI author.
        """
        self._check()
        db_logs = self._index.db("logs")
        db_latest = self._index.db("latest")
        with self._index.read() as txn:
            raw = txn.get(log.encode("utf-8", "surrogateescape"), db=db_logs)
            if raw is None:
                return None
            runs = [int(r) for r in loads(raw)["runs"]]
            found: FileState | None = None
            ai = False
            for run in reversed(runs):
                val = txn.get(latest_key(run, path), db=db_latest)
                if val is None:
                    continue
                state = FileState.decode(val, path, run)
                if found is None:
                    found = state
                ai = ai or state.ai_touched
                if ai:
                    break
        if found is not None and ai and not found.ai_touched:
            found = found._replace(ai_touched=True)
        return found

    def latest(self, log: str, path: str) -> StoredEntry | None:
        """``path``'s newest entry in ``log`` (one index lookup plus one pread)."""

        def go() -> StoredEntry | None:
            state = self.latest_state(log, path)
            if state is None:
                return None
            return self._read_entry(state.pointer)

        return self._retrying(go)

    def _read_entry(self, ptr: Pointer) -> StoredEntry:
        rec = self._reader.read_record(ptr)
        if not isinstance(rec, EntryRecord):
            raise CorruptRecordError(
                "index points at a frame that is not an entry",
                segment=ptr.segment,
                offset=ptr.offset,
            )
        return StoredEntry(rec.seq, rec.kind, rec.timestamp, rec.entry)

    def history_refs(self, log: str, path: str) -> list[tuple[int, HistoryRef]]:
        """``(run, ref)`` for every retained entry of ``path`` in ``log``, newest first.

        Index only: each ref carries the entry's seq, pointer, timestamp,
        blob sha and kind.
        """
        self._check()
        db = self._index.db("history")
        refs: list[tuple[int, HistoryRef]] = []
        with self._index.read() as txn:
            for run in reversed(self._runs(log)):
                prefix = history_prefix(run, path)
                plen = len(prefix)
                with txn.cursor(db=db) as cur:
                    found = cur.set_range(prefix + b"\xff" * 8)
                    if not (cur.prev() if found else cur.last()):
                        continue
                    while True:
                        key = bytes(cur.key())
                        if key[:plen] != prefix or len(key) != plen + 8:
                            break
                        seq = int.from_bytes(key[plen:], "big")
                        refs.append((run, HistoryRef.decode(cur.value(), seq)))
                        if not cur.prev():
                            break
        return refs

    def history(self, log: str, path: str) -> Iterator[StoredEntry]:
        """Every retained entry of ``path`` in ``log``, newest first (log order)."""
        for run, ref in self.history_refs(log, path):
            yield self._retrying(functools.partial(self._entry_at, run, path, ref.seq, ref.pointer))

    def _entry_at(self, run: int, path: str, seq: int, ptr: Pointer) -> StoredEntry:
        try:
            return self._read_entry(ptr)
        except SegmentGone:
            with self._index.read() as txn:
                raw = txn.get(history_prefix(run, path) + u64(seq), db=self._index.db("history"))
            if raw is None:
                raise
            return self._read_entry(HistoryRef.decode(raw, seq).pointer)

    def files(self, log: str) -> Iterator[FileState]:
        """The newest state of every file in ``log`` (index only), in path-key order."""
        self._check()
        db = self._index.db("latest")
        merged: dict[bytes, FileState] = {}
        with self._index.read() as txn:
            for run in self._runs(log):
                prefix = run_prefix(run)
                with txn.cursor(db=db) as cur:
                    if not cur.set_range(prefix):
                        continue
                    for rawkey, val in cur:
                        key = bytes(rawkey)
                        if key[:8] != prefix:
                            break
                        pk = key[8:]
                        path = _path_from_key(pk, val)
                        state = FileState.decode(val, path, run)
                        prev = merged.get(pk)
                        if prev is not None and prev.ai_touched and not state.ai_touched:
                            state = state._replace(ai_touched=True)
                        merged[pk] = state
        for pk in sorted(merged):
            yield merged[pk]

    # ------------------------------------------------------------------ reads: checkpoints

    def _read_group(self, ptr: Pointer) -> StoredCheckpoint:
        records = self._reader.read_records(ptr)
        head = records[0][1]
        if not isinstance(head, CheckpointRecord):
            raise CorruptRecordError(
                "index points at a frame that is not a checkpoint",
                segment=ptr.segment,
                offset=ptr.offset,
            )
        entries = [r for _, r in records[1:] if isinstance(r, EntryRecord)]
        if len(entries) != head.n_entries or any(e.seq != head.seq for e in entries):
            raise CorruptRecordError(
                "checkpoint group is incomplete", segment=ptr.segment, offset=ptr.offset
            )
        entries.sort(key=lambda e: e.position)
        cp = head.checkpoint
        full = Checkpoint(
            kind=cp.kind,
            diff=cp.diff,
            author=cp.author,
            entries=[e.entry for e in entries],
            timestamp=cp.timestamp,
            agent_id=cp.agent_id,
            agent_metadata=cp.agent_metadata,
            line_stats=cp.line_stats,
            api_version=cp.api_version,
            git_ai_version=cp.git_ai_version,
            known_human_metadata=cp.known_human_metadata,
            trace_id=cp.trace_id,
        )
        return StoredCheckpoint(head.seq, head.run, head.log, head.imported, full)

    def checkpoints(self, log: str, *, chunk: int = 512) -> Iterator[StoredCheckpoint]:
        """Every checkpoint of ``log`` in log order (oldest run first, then by seq).

        Streams: memory is bounded by ``chunk`` pointers plus one checkpoint.
        """
        self._check()
        db = self._index.db("checkpoints")
        for run in self._runs(log):
            prefix = run_prefix(run)
            cursor_key = prefix
            while True:
                batch: list[tuple[int, Pointer]] = []
                with self._index.read() as txn, txn.cursor(db=db) as cur:
                    ok = cur.set_range(cursor_key)
                    while ok and len(batch) < chunk:
                        key = bytes(cur.key())
                        if key[:8] != prefix:
                            break
                        batch.append(
                            (int.from_bytes(key[8:16], "big"), Pointer.unpack(cur.value()))
                        )
                        ok = cur.next()
                if not batch:
                    break
                for seq, ptr in batch:
                    yield self._retrying(functools.partial(self._group_at, run, seq, ptr))
                cursor_key = prefix + u64(batch[-1][0] + 1)

    def _group_at(self, run: int, seq: int, ptr: Pointer) -> StoredCheckpoint:
        try:
            return self._read_group(ptr)
        except SegmentGone:
            with self._index.read() as txn:
                raw = txn.get(checkpoint_key(run, seq), db=self._index.db("checkpoints"))
            if raw is None:
                raise
            return self._read_group(Pointer.unpack(raw))

    def checkpoint(self, seq: int) -> StoredCheckpoint | None:
        """The checkpoint with this seq, in whichever live log holds it."""
        self._check()
        db_runs = self._index.db("runs")
        db_cp = self._index.db("checkpoints")

        def go() -> StoredCheckpoint | None:
            with self._index.read() as txn:
                ptr = None
                with txn.cursor(db=db_runs) as cur:
                    for key, _ in cur:
                        raw = txn.get(bytes(key) + u64(seq), db=db_cp)
                        if raw is not None:
                            ptr = Pointer.unpack(raw)
                            break
            return None if ptr is None else self._read_group(ptr)

        return self._retrying(go)

    def count_checkpoints(self, log: str) -> int:
        """How many checkpoints ``log`` holds (from the run counters, no segment read)."""
        self._check()
        total = 0
        with self._index.read() as txn:
            for run in self._runs(log):
                raw = txn.get(run_prefix(run), db=self._index.db("runs"))
                if raw is not None:
                    total += int(loads(raw).get("checkpoints", 0))
        return total

    # ------------------------------------------------------------------ reads: logs, blobs

    def logs(self) -> list[LogInfo]:
        """Every working log, sorted by name."""
        self._check()
        out = []
        with self._index.read() as txn:
            with txn.cursor(db=self._index.db("logs")) as cur:
                items = [(bytes(k), v) for k, v in cur]
            for key, val in items:
                out.append(self._log_info(txn, key.decode("utf-8", "surrogateescape"), loads(val)))
        return out

    def log_info(self, name: str) -> LogInfo | None:
        """One working log's description, or None."""
        self._check()
        with self._index.read() as txn:
            raw = txn.get(name.encode("utf-8", "surrogateescape"), db=self._index.db("logs"))
            return None if raw is None else self._log_info(txn, name, loads(raw))

    def _log_info(self, txn: Any, name: str, info: dict[str, Any]) -> LogInfo:
        runs = tuple(int(r) for r in info["runs"])
        count = 0
        for run in runs:
            raw = txn.get(run_prefix(run), db=self._index.db("runs"))
            if raw is not None:
                count += int(loads(raw).get("checkpoints", 0))
        return LogInfo(
            name=name,
            runs=runs,
            created_ms=int(info.get("created") or 0),
            archived_ms=None if info.get("archived") is None else int(info["archived"]),
            has_initial=info.get("initial") is not None,
            checkpoints=count,
            import_state=info.get("import"),
        )

    def run_info(self, run: int) -> dict[str, Any]:
        """A run's counters: checkpoints, last_seq, last_native_seq (empty if unknown)."""
        self._check()
        with self._index.read() as txn:
            raw = txn.get(run_prefix(run), db=self._index.db("runs"))
        return {} if raw is None else dict(loads(raw))

    def transcript_state(self, agent: str, session: str) -> dict[str, Any] | None:
        """The stored state of one agent session's transcript: seq, end, watermark, batches."""
        self._check()
        with self._index.read() as txn:
            raw = txn.get(session_key(agent, session), db=self._index.db("sessions"))
        return None if raw is None else dict(loads(raw))

    def transcript_sessions(self) -> list[dict[str, Any]]:
        """Every agent session with a stored transcript (without watermarks)."""
        self._check()
        out = []
        with self._index.read() as txn:
            for _k, v in txn.cursor(db=self._index.db("sessions")):
                info = dict(loads(v))
                info.pop("watermark", None)
                out.append(info)
        return out

    def transcript_messages(self, agent: str, session: str) -> Iterator[dict[str, Any]]:
        """The stored messages of one session, in order (one batch in memory at a time).

        A batch that starts past the end of the one before it (a transcript
        cap skipped bytes, or the file was replaced) is preceded by a
        ``{"type": "gap", "from": ..., "to": ...}`` marker.
        """
        from lsm.codec import TranscriptRecord

        self._check()
        prefix = session_key(agent, session)
        db = self._index.db("transcripts")
        with self._index.read() as txn, txn.cursor(db=db) as cur:
            ptrs = []
            if cur.set_range(prefix):
                for key, val in cur:
                    k = bytes(key)
                    if k[: len(prefix)] != prefix or len(k) != len(prefix) + 8:
                        break
                    ptrs.append(Pointer.unpack(val))
        last_end = 0
        for ptr in ptrs:
            rec = self._retrying(functools.partial(self._reader.read_record, ptr))
            if not isinstance(rec, TranscriptRecord):
                raise CorruptRecordError(
                    "index points at a frame that is not a transcript batch",
                    segment=ptr.segment,
                    offset=ptr.offset,
                )
            if rec.start != last_end:
                yield {"type": "gap", "from": last_end, "to": rec.start}
            last_end = rec.end
            yield from rec.messages

    def segments(self) -> list[dict[str, Any]]:
        """Every segment the index knows, by id: state, sizes, seq range, compaction facts."""
        self._check()
        out = []
        with self._index.read() as txn:
            for key, val in txn.cursor(db=self._index.db("segments")):
                sid = int.from_bytes(bytes(key), "big")
                info = dict(loads(val))
                d = info.get("dict")
                info["dict"] = bytes(d).hex() if d else None
                path = segment_path(self.segments_dir, sid)
                try:
                    info["file_size"] = path.stat().st_size
                except FileNotFoundError:
                    info["file_size"] = None
                out.append({"id": sid, **info})
        return out

    def stats(self) -> dict[str, Any]:
        """Counts and sizes: logs, checkpoints, files, blobs, segments, bytes on disk."""
        self._check()
        idx = self._index
        with idx.read() as txn:
            names = ("logs", "latest", "history", "blobs", "sessions", "transcripts")
            counts = {name: int(txn.stat(idx.db(name))["entries"]) for name in names}
            blob_bytes = sum(
                int.from_bytes(bytes(v)[16:24], "little")
                for _k, v in txn.cursor(db=idx.db("blobs"))
            )
            live_cps = sum(
                int(loads(v).get("checkpoints", 0)) for _k, v in txn.cursor(db=idx.db("runs"))
            )
        segs = self.segments()
        seg_bytes = sum(int(s.get("file_size") or 0) for s in segs)
        index_bytes = sum(p.stat().st_size for p in (self.root / "index").iterdir() if p.is_file())
        return {
            "logs": counts["logs"],
            "checkpoints": live_cps,
            "files": counts["latest"],
            "history_entries": counts["history"],
            "blobs": counts["blobs"],
            "blob_bytes": blob_bytes,
            "transcript_sessions": counts["sessions"],
            "transcript_batches": counts["transcripts"],
            "segments": len(segs),
            "sealed_segments": sum(1 for s in segs if s.get("state") == "sealed"),
            "compacted_segments": sum(1 for s in segs if s.get("compacted")),
            "segment_bytes": seg_bytes,
            "index_bytes": index_bytes,
            "format_version": FORMAT_VERSION,
        }

    def get_initial(self, log: str) -> InitialAttributions:
        """The log's INITIAL attributions (empty if it has none or does not exist)."""

        def go() -> InitialAttributions:
            info = self._log_raw(log)
            if info is None or info.get("initial") is None:
                return InitialAttributions()
            ptr = Pointer.from_list(info["initial"])
            rec = self._reader.read_record(ptr)
            if not isinstance(rec, InitialRecord):
                raise CorruptRecordError(
                    "index points at a frame that is not INITIAL",
                    segment=ptr.segment,
                    offset=ptr.offset,
                )
            return rec.initial

        return self._retrying(go)

    def _blob_pointer(self, sha: str) -> tuple[Pointer, int] | None:
        self._check()
        try:
            key = bytes.fromhex(sha)
        except ValueError:
            return None
        with self._index.read() as txn:
            raw = txn.get(key, db=self._index.db("blobs"))
        if raw is None:
            return None
        return Pointer.unpack(raw), int.from_bytes(raw[16:24], "little")

    def has_blob(self, sha: str) -> bool:
        """True if content with this sha256 is stored."""
        return self._blob_pointer(sha) is not None

    def get_blob(self, sha: str) -> bytes | None:
        """Content by sha256 hex, or None if not stored."""
        from lsm.codec import BlobRecord

        def go() -> bytes | None:
            found = self._blob_pointer(sha)
            if found is None:
                return None
            rec = self._reader.read_record(found[0])
            if not isinstance(rec, BlobRecord) or rec.sha != sha:
                raise CorruptRecordError(
                    "index points at a frame that is not this blob",
                    segment=found[0].segment,
                    offset=found[0].offset,
                )
            return rec.data

        return self._retrying(go)


def _path_from_key(pk: bytes, val: bytes | memoryview) -> str:
    if pk[:1] == b"p":
        return pk[1:-1].decode("utf-8", "surrogateescape")
    full = loads(val)[8]
    return bytes(full).decode("utf-8", "surrogateescape")
