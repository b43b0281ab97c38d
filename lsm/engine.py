"""The engine context: everything the storage engine's parts share about one open store.

:class:`Engine` holds the store's root and options, the LMDB environment,
the codec, the segment reader, the event log, the writer lock and the one
:class:`~lsm.writer.Writer` of this process. The public
:class:`~lsm.store.Store` is a facade over it; the writer, recovery and
rebuild, verify and the compactor receive the engine and use only its public
attributes and methods, never a Store.

Concurrency: as for the Store (one process; reads from several threads,
writes from one thread at a time).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import lmdb

from lsm.codec import Codec
from lsm.errors import IndexCorruptError, StoreClosedError, StoreReadOnlyError
from lsm.events import EventLog
from lsm.indexschema import DB_NAMES, IndexValueError
from lsm.indexview import IndexView
from lsm.lmdbenv import LmdbEnv, index_error, move_index_aside
from lsm.locking import FileLock
from lsm.options import Durability, StoreOptions
from lsm.reading import SegmentReader
from lsm.segment import segment_id_of
from lsm.writer import Writer

__all__ = ["Engine"]


class Engine:
    """One open store's shared parts.

    :ivar root: the store directory.
    :ivar options: validated engine settings.
    :ivar env: the LMDB environment of ``index/``.
    :ivar codec: record encoding (holds zstd contexts and dictionaries).
    :ivar reader: reads frames by pointer.
    :ivar events: the local event log.
    :ivar lock: the writer lock (``LOCK``).
    :ivar read_only: opened read-only: nothing is ever created or written.

    :raises IndexCorruptError: LMDB refuses the index as damaged.
    :raises StoreLockedError: a writable open found the index's databases
        unopened and the lock (needed to open them) stayed busy.
    """

    def __init__(self, root: Path, options: StoreOptions, *, read_only: bool = False) -> None:
        self.root = root
        self.options = options.validated()
        self.read_only = read_only
        self.segments_dir = root / "segments"
        self.events = EventLog(root / "events.jsonl", enabled=not read_only)
        self.codec = Codec(options.zstd_level)
        self.reader = SegmentReader(root, self.codec)
        self.lock = FileLock(root / "LOCK")
        self._writer: Writer | None = None
        self.closed = False
        self.env = self._open_env()

    def _open_env(self) -> LmdbEnv:
        opts = self.options
        env = LmdbEnv(
            self.root / "index",
            DB_NAMES,
            read_only=self.read_only,
            map_size=opts.map_size,
            sync=opts.durability is not Durability.OFF,
            metasync=opts.durability is Durability.FULL,
            max_readers=opts.max_readers,
        )
        if not env.has_databases:
            # Opening the named databases takes an LMDB write transaction:
            # only under LOCK, so that it waits on a deadline, never on LMDB.
            try:
                started = time.monotonic()
                self.lock.acquire(opts.lock_timeout)
                try:
                    # The first write transaction of the process: if a
                    # process outside ckptlog holds LMDB's writer mutex, give
                    # up within the lock deadline instead of waiting on it.
                    env.open_databases(
                        create_missing=lambda _missing: False,
                        deadline=max(opts.lock_timeout - (time.monotonic() - started), 0.5),
                    )
                finally:
                    self.lock.release()
            except BaseException:
                env.close()
                raise
        return env

    def move_index_aside(self) -> Path:
        """Replace a damaged index by an empty one; returns where the old one went.

        The caller holds the writer lock and is the only user of the
        environment in this process; the next writer session rebuilds the
        index from the segments. Other processes that still have the old
        environment open keep using it until they close it: their writes
        go to the segments (the truth) and are re-indexed by tail recovery.
        """
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.env.close()
        self.reader.close()
        aside = move_index_aside(self.root / "index")
        self.events.record("index_moved_aside", to=str(aside))
        self.env = self._open_env()
        return aside

    @property
    def sync(self) -> bool:
        """True when writes are synced (durability is not ``off``)."""
        return self.options.durability is not Durability.OFF

    def check_open(self) -> None:
        """Raise :class:`StoreClosedError` after :meth:`close`."""
        if self.closed:
            raise StoreClosedError("the store is closed")

    def segment_ids(self) -> list[int]:
        """Ids of every segment file on disk, ascending (temp files excluded)."""
        ids = []
        for p in self.segments_dir.iterdir():
            sid = segment_id_of(p)
            if sid is not None:
                ids.append(sid)
        return sorted(ids)

    def view(self) -> _View:
        """A read snapshot of the index as an :class:`IndexView` (``with``; ended on exit).

        LMDB damage and index values that fail their checks, met inside the
        block, surface as :class:`IndexCorruptError` (never an lmdb error).
        """
        self.check_open()
        return _View(self.env)

    @contextlib.contextmanager
    def writer(self, *, timeout: float | None = None) -> Iterator[Writer]:
        """Hold the writer lock for a sequence of operations; yields the :class:`Writer`.

        Re-entrant. The Writer is kept between sessions (it remembers what it
        last verified of the active segment).

        :param timeout: lock deadline in seconds (default ``options.lock_timeout``).
        :raises StoreLockedError: the lock was not free before the deadline.
        """
        self.check_open()
        if self.read_only:
            raise StoreReadOnlyError(f"{self.root} was opened read-only")
        if self.lock.held and self._writer is not None:
            yield self._writer
            return
        self.lock.acquire(self.options.lock_timeout if timeout is None else timeout)
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
            self._writer.begin_session()
            yield self._writer
        finally:
            if self._writer is not None:
                self._writer.end_session()
            self.lock.release()

    def close(self) -> None:
        """Release descriptors, the lock and the index handle (idempotent)."""
        if self.closed:
            return
        self.closed = True
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.lock.release()
        self.reader.close()
        self.env.close()


class _View:
    """The context manager :meth:`Engine.view` returns.

    A class, not a ``contextlib.contextmanager`` generator: every read takes
    one, and the generator's two resumptions cost a ``latest`` read about 1 µs
    of its ~20 (docs/benchmarks.md, issue 10 figures).
    """

    __slots__ = ("_env", "_txn")

    def __init__(self, env: LmdbEnv) -> None:
        self._env = env
        self._txn: lmdb.Transaction | None = None

    def __enter__(self) -> IndexView:
        self._txn = self._env.read()
        return IndexView(self._txn, self._env.dbs)

    def __exit__(
        self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        txn, self._txn = self._txn, None
        try:
            if txn is not None:
                txn.abort()
        except lmdb.Error as err:
            if exc is None:
                raise index_error(err, self._env.path) from None
        if isinstance(exc, IndexValueError):
            raise IndexCorruptError(
                f"the index {self._env.path} holds a bad value: {exc}"
            ) from None
        if isinstance(exc, lmdb.Error):
            raise index_error(exc, self._env.path) from None
