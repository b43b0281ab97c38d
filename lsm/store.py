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
import errno
import functools
import os
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from lsm.codec import (
    BlobRecord,
    CheckpointRecord,
    EntryRecord,
    InitialRecord,
    TranscriptRecord,
)
from lsm.engine import Engine
from lsm.errors import (
    CorruptRecordError,
    FormatVersionError,
    IndexCorruptError,
    NetworkFilesystemError,
    NotFoundError,
    StoreAccessError,
    StoreError,
    StoreLockedError,
)
from lsm.events import EventLog
from lsm.frame import FORMAT_VERSION
from lsm.fsutil import network_fs_type, private_mkdir
from lsm.indexschema import (
    INDEX_VERSION,
    META_ACTIVE,
    META_DURABLE,
    META_FORMAT,
    META_TAIL,
    HistoryRef,
)
from lsm.lmdbenv import move_index_aside
from lsm.locking import FileLock
from lsm.model import Checkpoint, InitialAttributions
from lsm.options import StoreOptions
from lsm.reading import SegmentGone
from lsm.recovery import tail_intact
from lsm.results import (
    AgentTotals,
    CommitFacts,
    FileState,
    LogInfo,
    StoredCheckpoint,
    StoredEntry,
)
from lsm.segment import Pointer, segment_path
from lsm.writer import Writer

__all__ = ["Store"]

T = TypeVar("T")
_RETRIES = 5


class Store:
    """A checkpoint store rooted at one directory (see :meth:`open`).

    A facade over one :class:`~lsm.engine.Engine`: reads are index lookups
    through an :class:`~lsm.indexview.IndexView` plus checked frame reads;
    writes go through the engine's :class:`~lsm.writer.Writer`.
    """

    def __init__(self, root: Path, options: StoreOptions, *, read_only: bool = False) -> None:
        self._engine = Engine(root, options, read_only=read_only)
        self.root = root
        self.read_only = read_only
        self.options = self._engine.options
        self.segments_dir = self._engine.segments_dir
        self.events = self._engine.events

    @property
    def engine(self) -> Engine:
        """The engine context (for the engine's own modules: verify, compaction)."""
        return self._engine

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        options: StoreOptions | None = None,
        read_only: bool = False,
    ) -> Store:
        """Open the store at ``path``; a writable open creates it if needed.

        Writable: if a crashed writer left frames past the durable offset,
        or the index is missing, recovery runs now (under the writer lock;
        if another process holds it, that process recovers instead); an
        index LMDB refuses as damaged is moved aside and rebuilt from the
        segments (event ``index_moved_aside``).

        ``read_only=True`` never creates, writes or repairs anything (not
        even an event or a quarantine file), works on a read-only filesystem
        and on a store owned by another user whose files it may read, and
        refuses writes with :class:`~lsm.errors.StoreReadOnlyError`.

        :raises NotFoundError: ``read_only`` and there is no store at ``path``.
        :raises StoreAccessError: permission denied, or a writable open of a
            store on a read-only filesystem.
        :raises IndexCorruptError: ``read_only`` and the index is damaged.
        :raises NetworkFilesystemError: ``path`` is on NFS/SMB/sshfs (LMDB
            is unsafe there) unless ``options.allow_network_fs``.
        :raises FormatVersionError: the store was written by a newer format.
        :raises StoreLockedError: a writable open had to take the lock (to
            open or repair the index) and it stayed busy past the deadline.
        """
        opts = options or StoreOptions()
        root = Path(path)
        try:
            if read_only:
                if not (root / "segments").is_dir():
                    raise NotFoundError(
                        f"there is no store at {root}",
                        hint="A store is created by the first checkpoint (`ckptlog checkpoint`).",
                    )
            else:
                for sub in ("", "segments", "index", "quarantine"):
                    private_mkdir(root / sub if sub else root)
        except PermissionError as exc:
            raise StoreAccessError(f"cannot open the store {root}: {exc.strerror}") from None
        except OSError as exc:
            if exc.errno == errno.EROFS:
                raise StoreAccessError(
                    f"cannot create or change the store {root}: read-only filesystem"
                ) from None
            raise
        fstype = network_fs_type(root)
        if fstype is not None and not opts.allow_network_fs:
            raise NetworkFilesystemError(f"{root} is on a {fstype} filesystem")
        try:
            store = cls(root, opts, read_only=read_only)
        except IndexCorruptError:
            if read_only:
                raise
            store = cls._open_repaired(root, opts)
        try:
            outdated = store._index_outdated()
            if not outdated:
                store._check_format(read_only)
        except IndexCorruptError:
            # A meta value fails its checksum: the index cannot be trusted.
            store.close()
            if read_only:
                raise
            store, outdated = cls._open_repaired(root, opts), False
            store._check_format_closing(read_only)
        except BaseException:
            store.close()
            raise
        if outdated:
            # Built by an older version (its values are not sealed): derived
            # data, rebuilt from the segments as a damaged index is.
            store.close()
            if read_only:
                raise StoreError(
                    f"the index of {root} was built by an older version of lsm-checkpoints",
                    hint="Run `ckptlog verify --fix` (or any checkpoint) to rebuild it.",
                )
            store = cls._open_repaired(root, opts, event="index_upgraded")
            store._check_format_closing(read_only)
        return store

    def _check_format_closing(self, read_only: bool) -> None:
        try:
            self._check_format(read_only)
        except BaseException:
            self.close()
            raise

    def _index_outdated(self) -> bool:
        with self._engine.view() as v:
            # A newer format is refused before its values are read as ours.
            fmt = v.meta_of_any_version(META_FORMAT, 0)
            if fmt > FORMAT_VERSION:
                raise FormatVersionError(
                    f"{self.root} has format version {fmt}; this version reads up to "
                    f"{FORMAT_VERSION}"
                )
            return 0 < v.index_version() < INDEX_VERSION

    @classmethod
    def _open_repaired(
        cls, root: Path, opts: StoreOptions, *, event: str = "index_moved_aside"
    ) -> Store:
        # LMDB refused the environment: move it aside under the lock and let
        # the first writer session rebuild the index from the segments.
        lock = FileLock(root / "LOCK")
        lock.acquire(opts.lock_timeout)
        try:
            aside = move_index_aside(root / "index")
            EventLog(root / "events.jsonl").record(event, to=str(aside))
        finally:
            lock.release()
        return cls(root, opts)

    def _check_format(self, read_only: bool) -> None:
        engine = self._engine
        with engine.view() as v:
            fmt = v.meta(META_FORMAT, 0)
            active = v.meta(META_ACTIVE, 0)
            durable = v.meta(META_DURABLE, 0)
            tail = v.meta(META_TAIL, 0)
        if fmt > FORMAT_VERSION:
            raise FormatVersionError(
                f"{self.root} has format version {fmt}; this version reads up to {FORMAT_VERSION}"
            )
        if read_only:
            if fmt == 0 and engine.segment_ids():
                raise StoreError(
                    f"the index of {self.root} is missing or empty",
                    hint="Run `ckptlog verify --fix` (or any checkpoint) to rebuild it.",
                )
            return
        dirty = False
        if fmt == 0:
            dirty = bool(engine.segment_ids())
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
        self._engine.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def writer(self, *, timeout: float | None = None) -> contextlib.AbstractContextManager[Writer]:
        """Hold the writer lock for a sequence of operations; yields the :class:`Writer`.

        Reads made inside the block (through the store) see every commit,
        and no other process can write until the block ends: use it for
        read-modify-append (the checkpoint command reads previous states
        and appends under one lock). Re-entrant.

        :param timeout: lock deadline in seconds (default ``options.lock_timeout``).
        :raises StoreLockedError: the lock was not free before the deadline.
        """
        return self._engine.writer(timeout=timeout)

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
        self._engine.reader.close()
        return report

    # ------------------------------------------------------------------ reading helpers

    def _retrying(self, fn: Callable[[], T]) -> T:
        # A pointer taken from an older snapshot may name a segment the
        # compactor has since replaced and unlinked: look again.
        for attempt in range(_RETRIES):
            try:
                return fn()
            except SegmentGone as gone:
                self._engine.reader.forget(int(gone.args[0]))
                if attempt == _RETRIES - 1:
                    raise CorruptRecordError(
                        "the segment an index pointer names does not exist",
                        segment=int(gone.args[0]),
                        offset=0,
                    ) from None
                time.sleep(0.001 * (attempt + 1))
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ reads: files

    def latest_state(self, log: str, path: str) -> FileState | None:
        """The index's record of ``path``'s newest entry in ``log``, without reading a segment.

        ``ai_touched`` is true if any entry of the file in any of the log's
        runs was AI-made or carries an AI author.
        """
        with self._engine.view() as v:
            return v.file_state(log, path)

    def latest(self, log: str, path: str) -> StoredEntry | None:
        """``path``'s newest entry in ``log`` (one index lookup plus one pread)."""

        def go() -> StoredEntry | None:
            state = self.latest_state(log, path)  # its value's seal names this file's key
            if state is None:
                return None
            return self._read_entry(state.pointer, path, state.seq)

        return self._retrying(go)

    def _read_entry(self, ptr: Pointer, path: str, seq: int) -> StoredEntry:
        """The entry at ``ptr``, which must be ``path``'s entry of checkpoint ``seq``.

        Seqs are unique, so seq and path name one entry; the index value
        that gave ``seq`` was sealed under that run's and file's key (a value
        swapped from another key fails its checksum). Anything else means the index points
        at another record (its values were damaged or swapped): the read
        raises rather than return another file's or another log's entry.
        """
        rec = self._engine.reader.read_typed(ptr, EntryRecord, "an entry")
        if rec.seq != seq or rec.entry.file != path:
            raise CorruptRecordError(
                f"the index names checkpoint {seq}'s entry of {path!r} here, but the frame is "
                f"checkpoint {rec.seq}'s entry of {rec.entry.file!r}",
                segment=ptr.segment,
                offset=ptr.offset,
            )
        return StoredEntry(rec.seq, rec.kind, rec.timestamp, rec.entry)

    def history_refs(self, log: str, path: str) -> list[tuple[int, HistoryRef]]:
        """``(run, ref)`` for every retained entry of ``path`` in ``log``, newest first.

        Index only: each ref carries the entry's seq, pointer, timestamp,
        blob sha and kind.
        """
        with self._engine.view() as v:
            return v.history_refs(log, path)

    def history(self, log: str, path: str) -> Iterator[StoredEntry]:
        """Every retained entry of ``path`` in ``log``, newest first (log order)."""
        for run, ref in self.history_refs(log, path):
            yield self._retrying(functools.partial(self._entry_at, run, path, ref.seq, ref.pointer))

    def _entry_at(self, run: int, path: str, seq: int, ptr: Pointer) -> StoredEntry:
        try:
            return self._read_entry(ptr, path, seq)
        except SegmentGone:
            with self._engine.view() as v:
                ref = v.history_ref(run, path, seq)
            if ref is None:
                raise
            return self._read_entry(ref.pointer, path, seq)

    def files(self, log: str) -> Iterator[FileState]:
        """The newest state of every file in ``log`` (index only), in path-key order."""
        with self._engine.view() as v:
            states = v.files(log)
        yield from states

    # ------------------------------------------------------------------ reads: commit time

    def commit_facts(
        self,
        log: str,
        *,
        also: Collection[str] | None = None,
        sessions: bool = True,
    ) -> CommitFacts | None:
        """What post-commit needs of ``log``, from the index alone (never the history).

        Per file: the newest blob, whether it must be diffed, where its newest
        entry with attribution data is; per log: sessions, legacy prompts and
        known humans with summed line stats (running aggregates kept on every
        append, recreated by rebuild and import). None when the index was built
        by a version that did not keep them (``ckptlog verify --fix`` rebuilds it).

        :param also: look the attribution entry up only for the files that need
            post-processing and these (None: for every file). Finding it walks
            a file's history back to its newest entry with attribution data:
            one read for a file an agent touched, the whole history of a file
            only humans ever wrote, which post-commit never needs.
        :param sessions: False leaves the sessions out (look up the ones
            needed with :meth:`session_totals`): a note names only the sessions
            its lines reference, and a long-lived base can hold thousands.
        """
        with self._engine.view() as v:
            return v.commit_facts(log, also=also, sessions=sessions)

    def session_totals(self, log: str, keys: Collection[str]) -> dict[str, AgentTotals]:
        """The ``s_…`` sessions ``keys`` of ``log``, as :meth:`commit_facts` folds them.

        One index read per key and run; keys the log has no checkpoint of are
        left out.
        """
        with self._engine.view() as v:
            return v.session_totals(log, keys)

    def entry_at(self, run: int, path: str, seq: int, pointer: Pointer) -> StoredEntry:
        """One entry by the pointer a :class:`CommitFile` (or a history ref) gave."""
        return self._retrying(functools.partial(self._entry_at, run, path, seq, pointer))

    # ------------------------------------------------------------------ reads: checkpoints

    def _read_group(self, ptr: Pointer, seq: int, run: int | None) -> StoredCheckpoint:
        """The checkpoint group at ``ptr``, which must be checkpoint ``seq`` (of ``run``)."""
        records = self._engine.reader.read_records(ptr)
        head = records[0][1]
        if not isinstance(head, CheckpointRecord):
            raise CorruptRecordError(
                "index points at a frame that is not a checkpoint",
                segment=ptr.segment,
                offset=ptr.offset,
            )
        if head.seq != seq or (run is not None and head.run != run):
            raise CorruptRecordError(
                f"the index names checkpoint {seq} here, but the frame is checkpoint "
                f"{head.seq} of run {head.run}",
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
        engine = self._engine
        with engine.view() as v:
            runs = v.runs_of(log)
        for run in runs:
            from_seq = 0
            while True:
                with engine.view() as v:
                    batch = v.checkpoint_pointers(run, from_seq, chunk)
                if not batch:
                    break
                for seq, ptr in batch:
                    yield self._retrying(functools.partial(self._group_at, run, seq, ptr))
                from_seq = batch[-1][0] + 1

    def _group_at(self, run: int, seq: int, ptr: Pointer) -> StoredCheckpoint:
        try:
            return self._read_group(ptr, seq, run)
        except SegmentGone:
            with self._engine.view() as v:
                fresh = v.checkpoint_pointer(run, seq)
            if fresh is None:
                raise
            return self._read_group(fresh, seq, run)

    def checkpoint(self, seq: int) -> StoredCheckpoint | None:
        """The checkpoint with this seq, in whichever live log holds it."""

        def go() -> StoredCheckpoint | None:
            with self._engine.view() as v:
                ptr = v.find_checkpoint(seq)
            return None if ptr is None else self._read_group(ptr, seq, None)

        return self._retrying(go)

    def count_checkpoints(self, log: str) -> int:
        """How many checkpoints ``log`` holds (from the run counters, no segment read)."""
        with self._engine.view() as v:
            entry = v.log(log)
            return 0 if entry is None else v.log_info(log, entry).checkpoints

    # ------------------------------------------------------------------ reads: logs, blobs

    def logs(self) -> list[LogInfo]:
        """Every working log, sorted by name."""
        with self._engine.view() as v:
            return [v.log_info(name, entry) for name, entry in v.logs()]

    def log_info(self, name: str) -> LogInfo | None:
        """One working log's description, or None."""
        with self._engine.view() as v:
            entry = v.log(name)
            return None if entry is None else v.log_info(name, entry)

    def run_info(self, run: int) -> dict[str, Any]:
        """A run's counters: checkpoints, last_seq, last_native_seq (empty if unknown)."""
        with self._engine.view() as v:
            info = v.run(run)
        return {} if info is None else info._asdict()

    def transcript_state(self, agent: str, session: str) -> dict[str, Any] | None:
        """The stored state of one agent session's transcript: seq, end, watermark, batches."""
        with self._engine.view() as v:
            return v.session(agent, session)

    def transcript_sessions(self) -> list[dict[str, Any]]:
        """Every agent session with a stored transcript (without watermarks)."""
        out = []
        with self._engine.view() as v:
            for info in v.sessions():
                info.pop("watermark", None)
                out.append(info)
        return out

    def transcript_messages(self, agent: str, session: str) -> Iterator[dict[str, Any]]:
        """The stored messages of one session, in order (one batch in memory at a time).

        A batch that starts past the end of the one before it (a transcript
        cap skipped bytes, or the file was replaced) is preceded by a
        ``{"type": "gap", "from": ..., "to": ...}`` marker.
        """
        with self._engine.view() as v:
            ptrs = v.transcript_pointers(agent, session)
        reader = self._engine.reader
        last_end = 0
        for ptr in ptrs:
            rec = self._retrying(
                functools.partial(reader.read_typed, ptr, TranscriptRecord, "a transcript batch")
            )
            if rec.agent != agent or rec.session != session:
                raise CorruptRecordError(
                    f"the index names a batch of {agent}/{session} here, but the frame is "
                    f"{rec.agent}/{rec.session}'s",
                    segment=ptr.segment,
                    offset=ptr.offset,
                )
            if rec.start != last_end:
                yield {"type": "gap", "from": last_end, "to": rec.start}
            last_end = rec.end
            yield from rec.messages

    def segments(self) -> list[dict[str, Any]]:
        """Every segment the index knows, by id: state, sizes, seq range, compaction facts."""
        out = []
        with self._engine.view() as v:
            known = list(v.segments())
        for sid, info in known:
            doc = info.to_json()
            try:
                doc["file_size"] = segment_path(self.segments_dir, sid).stat().st_size
            except FileNotFoundError:
                doc["file_size"] = None
            out.append({"id": sid, **doc})
        return out

    def stats(self) -> dict[str, Any]:
        """Counts and sizes: logs, checkpoints, files, blobs, segments, bytes on disk."""
        with self._engine.view() as v:
            names = ("logs", "latest", "history", "blobs", "sessions", "transcripts")
            counts = {name: v.count(name) for name in names}
            blob_bytes = sum(ref.size for _sha, ref in v.blobs())
            live_cps = sum(info.checkpoints for _run, info in v.runs())
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
            with self._engine.view() as v:
                entry = v.log(log)
            if entry is None or entry.initial is None:
                return InitialAttributions()
            rec = self._engine.reader.read_typed(entry.initial, InitialRecord, "INITIAL")
            if entry.initial_seq is not None and rec.seq != entry.initial_seq:
                raise CorruptRecordError(
                    f"the index names INITIAL {entry.initial_seq} of {log!r} here, "
                    f"but the frame is INITIAL {rec.seq}",
                    segment=entry.initial.segment,
                    offset=entry.initial.offset,
                )
            return rec.initial

        return self._retrying(go)

    def has_blob(self, sha: str) -> bool:
        """True if content with this sha256 is stored."""
        with self._engine.view() as v:
            return v.blob(sha) is not None

    def get_blob(self, sha: str) -> bytes | None:
        """Content by sha256 hex, or None if not stored."""

        def go() -> bytes | None:
            with self._engine.view() as v:
                ref = v.blob(sha)
            if ref is None:
                return None
            rec = self._engine.reader.read_typed(ref.pointer, BlobRecord, "a blob")
            if rec.sha != sha:
                raise CorruptRecordError(
                    "index points at a frame that is not this blob",
                    segment=ref.pointer.segment,
                    offset=ref.pointer.offset,
                )
            return rec.data

        return self._retrying(go)
