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
from collections.abc import Iterator
from pathlib import Path

from lsm.codec import Codec
from lsm.errors import StoreClosedError
from lsm.events import EventLog
from lsm.indexschema import DB_NAMES
from lsm.indexview import IndexView
from lsm.lmdbenv import LmdbEnv
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
    """

    def __init__(self, root: Path, options: StoreOptions) -> None:
        self.root = root
        self.options = options.validated()
        self.segments_dir = root / "segments"
        self.events = EventLog(root / "events.jsonl")
        self.codec = Codec(options.zstd_level)
        self.reader = SegmentReader(root, self.codec)
        self.lock = FileLock(root / "LOCK")
        self.env = LmdbEnv(
            root / "index",
            DB_NAMES,
            map_size=options.map_size,
            sync=options.durability is not Durability.OFF,
            metasync=options.durability is Durability.FULL,
            max_readers=options.max_readers,
        )
        self._writer: Writer | None = None
        self.closed = False

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

    @contextlib.contextmanager
    def view(self) -> Iterator[IndexView]:
        """A read snapshot of the index as an :class:`IndexView` (ended on exit)."""
        self.check_open()
        with self.env.read() as txn:
            yield IndexView(txn, self.env.dbs)

    @contextlib.contextmanager
    def writer(self, *, timeout: float | None = None) -> Iterator[Writer]:
        """Hold the writer lock for a sequence of operations; yields the :class:`Writer`.

        Re-entrant. The Writer is kept between sessions (it remembers what it
        last verified of the active segment).

        :param timeout: lock deadline in seconds (default ``options.lock_timeout``).
        :raises StoreLockedError: the lock was not free before the deadline.
        """
        self.check_open()
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
