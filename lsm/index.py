"""The LMDB index: named databases, key encodings, and LMDB's sharp edges.

The index is derived data: every fact in it comes from a segment record,
and :meth:`lsm.store.Store.rebuild_index` recreates it from the segments.

LMDB is used as its pitfalls demand (docs/operations.md):

* ``lock=True`` always and ``writemap=False`` (a full disk must raise, not
  SIGBUS);
* ``map_size`` starts small and doubles on ``MapFullError``; another
  process's growth (``MapResizedError``) is adopted with ``set_mapsize(0)``;
* ``max_readers`` is raised and ``reader_check()`` clears slots of killed
  readers on every open;
* one environment per process and path (LMDB forbids opening it twice), and
  never across ``fork()``: a child that inherited a Store gets
  :class:`~lsm.errors.StoreError` instead of undefined behaviour.

Key layouts (big-endian integers so that byte order is numeric order) are
in docs/format.md, "Index".
"""

from __future__ import annotations

import _thread  # the lock type threading.Lock is, without importing threading
import errno
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

import cbor2
import lmdb

from lsm.errors import StoreError, StoreFullError

__all__ = [
    "DB_NAMES",
    "META_ACTIVE",
    "META_DURABLE",
    "META_FORMAT",
    "META_NEXT_RUN",
    "META_NEXT_SEGMENT",
    "META_NEXT_SEQ",
    "META_TAIL",
    "Index",
    "Pointer",
    "checkpoint_key",
    "dumps",
    "get_u64",
    "history_key",
    "history_prefix",
    "latest_key",
    "loads",
    "path_key",
    "put_u64",
    "run_prefix",
    "u64",
]

T = TypeVar("T")

#: Named databases of format version 1 (see docs/format.md).
DB_NAMES: Final = (
    "meta",
    "logs",
    "runs",
    "latest",
    "history",
    "checkpoints",
    "blobs",
    "segments",
    "sessions",
    "transcripts",
    "session_runs",
)

META_FORMAT = b"format_version"
META_NEXT_SEQ = b"next_seq"
META_NEXT_RUN = b"next_run"
META_NEXT_SEGMENT = b"next_segment"
META_ACTIVE = b"active_segment"
META_DURABLE = b"durable_offset"
#: Start of the last committed write in the active segment (checked on open).
META_TAIL = b"tail_offset"

# Paths up to this many bytes are stored in keys verbatim; longer ones hashed.
_MAX_INLINE_PATH = 400
_PTR = struct.Struct("<IQI")
_U64 = struct.Struct(">Q")


def u64(n: int) -> bytes:
    """An unsigned 64-bit big-endian key part."""
    return _U64.pack(n)


def path_key(path: str) -> bytes:
    """The key part for a repo-relative path.

    ``b"p" + utf8 + b"\\0"`` for paths up to 400 bytes, else ``b"h" +
    blake2b-128(path) + b"\\0"`` (the full path is kept in the value). Git
    paths never contain NUL, so the terminator makes keys prefix-free.
    """
    raw = path.encode("utf-8", "surrogateescape")
    if b"\x00" in raw:
        raise ValueError("path contains a NUL byte")
    if len(raw) <= _MAX_INLINE_PATH:
        return b"p" + raw + b"\x00"
    from lsm.hashing import blake2b_digest  # rare: paths past the key limit

    return b"h" + blake2b_digest(raw, 16) + b"\x00"


def run_prefix(run: int) -> bytes:
    """Key prefix of everything belonging to one run."""
    return u64(run)


def latest_key(run: int, path: str) -> bytes:
    """``latest`` key: run + path."""
    return u64(run) + path_key(path)


def history_prefix(run: int, path: str) -> bytes:
    """Prefix of one path's ``history`` keys within a run."""
    return u64(run) + path_key(path)


def history_key(run: int, path: str, seq: int) -> bytes:
    """``history`` key: run + path + seq."""
    return u64(run) + path_key(path) + u64(seq)


def checkpoint_key(run: int, seq: int) -> bytes:
    """``checkpoints`` key: run + seq."""
    return u64(run) + u64(seq)


def dumps(obj: object) -> bytes:
    """CBOR-encode an index value."""
    return cbor2.dumps(obj)


def loads(data: bytes | memoryview) -> Any:
    """CBOR-decode an index value."""
    return cbor2.loads(bytes(data) if isinstance(data, memoryview) else data)


def get_u64(txn: lmdb.Transaction, db: lmdb._Database, key: bytes, default: int = 0) -> int:
    """Read an integer stored by :func:`put_u64`."""
    raw = txn.get(key, db=db)
    return default if raw is None else int(_U64.unpack(raw)[0])


def put_u64(txn: lmdb.Transaction, db: lmdb._Database, key: bytes, value: int) -> None:
    """Store an integer (8 bytes big-endian)."""
    txn.put(key, _U64.pack(value), db=db)


class Pointer(NamedTuple):
    """Where a frame (or a run of frames) lives: segment, offset, length."""

    segment: int
    offset: int
    length: int

    def pack(self) -> bytes:
        """16 bytes: u32 segment, u64 offset, u32 length (little-endian)."""
        return _PTR.pack(self.segment, self.offset, self.length)

    @classmethod
    def unpack(cls, data: bytes | memoryview, pos: int = 0) -> Pointer:
        """Decode 16 bytes written by :meth:`pack`."""
        seg, off, length = _PTR.unpack_from(data, pos)
        return cls(seg, off, length)

    def to_list(self) -> list[int]:
        """As a CBOR-friendly list."""
        return [self.segment, self.offset, self.length]

    @classmethod
    def from_list(cls, items: list[int]) -> Pointer:
        """Inverse of :meth:`to_list`."""
        return cls(int(items[0]), int(items[1]), int(items[2]))


_FULL_TEXTS = tuple(os.strerror(e) for e in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO))

# One environment per (path, pid): LMDB must not be opened twice in a process.
_ENVS: dict[tuple[str, int], tuple[lmdb.Environment, int]] = {}
_ENVS_LOCK = _thread.allocate_lock()


class Index:
    """An open LMDB environment with the store's named databases.

    :param path: the ``index/`` directory.
    :param map_size: initial map size in bytes (grown by doubling when full).
    :param sync: flush data pages at commit (LMDB ``sync``).
    :param metasync: flush the meta page at commit (LMDB ``metasync``).
    :param max_readers: reader slots (only the first opener's value counts).
    """

    def __init__(
        self,
        path: Path,
        *,
        map_size: int = 64 << 20,
        sync: bool = True,
        metasync: bool = True,
        max_readers: int = 512,
    ) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._pid = os.getpid()
        self._key = (str(path.resolve()), self._pid)
        with _ENVS_LOCK:
            found = _ENVS.get(self._key)
            if found is None:
                env = lmdb.open(
                    str(path),
                    map_size=map_size,
                    subdir=True,
                    max_dbs=len(DB_NAMES) + 2,
                    max_readers=max_readers,
                    lock=True,
                    writemap=False,
                    sync=sync,
                    metasync=metasync,
                    readahead=False,
                    max_spare_txns=0,
                )
                # Slots of readers that were killed (SIGKILL, OOM) would
                # otherwise pin old pages and fill the reader table.
                env.reader_check()
                _ENVS[self._key] = (env, 1)
            else:
                env = found[0]
                _ENVS[self._key] = (env, found[1] + 1)
        self.env = env
        self._dbs: dict[str, lmdb._Database] = {}
        with self.env.begin(write=True) as txn:
            for name in DB_NAMES:
                self._dbs[name] = self.env.open_db(name.encode(), txn=txn, create=True)
        self._closed = False

    def db(self, name: str) -> lmdb._Database:
        """A named database handle."""
        return self._dbs[name]

    def _check(self) -> None:
        if self._closed:
            raise StoreError("the index is closed")
        if os.getpid() != self._pid:
            raise StoreError(
                "a Store was used in a child process after fork()",
                hint="Open the store again in the child (LMDB environments do not survive fork).",
            )

    def read(self) -> lmdb.Transaction:
        """A read-only snapshot transaction (MVCC: never blocks, never blocked).

        Use it as a context manager (``with index.read() as txn``): leaving
        the block ends the transaction and frees its reader slot.
        """
        self._check()
        try:
            return self.env.begin(buffers=False)
        except lmdb.MapResizedError:
            # Another process grew the map: adopt its size and retry.
            self.env.set_mapsize(0)
            return self.env.begin(buffers=False)

    def write(self, fn: Callable[[lmdb.Transaction], T]) -> T:
        """Run ``fn`` in one write transaction and commit it; atomic.

        On ``MapFullError`` the transaction is aborted, the map doubled and
        ``fn`` run again from the start, so ``fn`` must only act through the
        transaction it is given. A commit that fails with an I/O error
        (LMDB reports a full disk as EIO) raises StoreFullError; nothing of
        the transaction is visible.
        """
        self._check()
        for _attempt in range(32):
            try:
                txn = self.env.begin(write=True)
            except lmdb.MapResizedError:
                self.env.set_mapsize(0)
                continue
            try:
                result = fn(txn)
                txn.commit()
                return result
            except lmdb.MapFullError:
                txn.abort()
                self.env.set_mapsize(self.env.info()["map_size"] * 2)
            except lmdb.MapResizedError:
                txn.abort()
                self.env.set_mapsize(0)
            except lmdb.Error as exc:
                txn.abort()
                # LMDB reports a full disk as its errno's text (and ENOSPC
                # inside mdb_txn_commit often surfaces as EIO).
                if any(text in str(exc) for text in _FULL_TEXTS):
                    raise StoreFullError(f"index commit failed: {exc}") from exc
                raise
            except BaseException:
                txn.abort()
                raise
        raise StoreError("the index could not grow to fit the transaction")

    def map_size(self) -> int:
        """The current map size in bytes."""
        return int(self.env.info()["map_size"])

    def close(self) -> None:
        """Release this handle; the environment closes with its last handle."""
        if self._closed:
            return
        self._closed = True
        with _ENVS_LOCK:
            found = _ENVS.get(self._key)
            if found is None:
                return
            env, count = found
            if count <= 1:
                del _ENVS[self._key]
                if os.getpid() == self._pid:
                    env.close()
            else:
                _ENVS[self._key] = (env, count - 1)
