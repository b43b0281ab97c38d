"""The LMDB environment under the index, used as LMDB's sharp edges demand.

What is in it (which databases, which keys and values) is
:mod:`lsm.indexschema`'s business; this module only opens the environment,
hands out transactions and survives LMDB's pitfalls (docs/operations.md):

* ``lock=True`` always and ``writemap=False`` (a full disk must raise, not
  SIGBUS);
* ``map_size`` starts small and doubles on ``MapFullError``; another
  process's growth (``MapResizedError``) is adopted with ``set_mapsize(0)``;
* ``max_readers`` is raised and ``reader_check()`` clears slots of killed
  readers on every open;
* one environment per process and path (LMDB forbids opening it twice), and
  never across ``fork()``: a child that inherited a Store gets
  :class:`~lsm.errors.StoreError` instead of undefined behaviour.
"""

from __future__ import annotations

import _thread  # the lock type threading.Lock is, without importing threading
import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import lmdb

from lsm.errors import StoreError, StoreFullError

__all__ = ["LmdbEnv"]

T = TypeVar("T")

_FULL_TEXTS = tuple(os.strerror(e) for e in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO))

# One environment per (path, pid): LMDB must not be opened twice in a process.
_ENVS: dict[tuple[str, int], tuple[lmdb.Environment, int]] = {}
_ENVS_LOCK = _thread.allocate_lock()


class LmdbEnv:
    """An open LMDB environment and handles of its named databases.

    :param path: the ``index/`` directory.
    :param names: the named databases (all created on first open).
    :param map_size: initial map size in bytes (grown by doubling when full).
    :param sync: flush data pages at commit (LMDB ``sync``).
    :param metasync: flush the meta page at commit (LMDB ``metasync``).
    :param max_readers: reader slots (only the first opener's value counts).
    """

    def __init__(
        self,
        path: Path,
        names: Iterable[str],
        *,
        map_size: int = 64 << 20,
        sync: bool = True,
        metasync: bool = True,
        max_readers: int = 512,
    ) -> None:
        names = tuple(names)
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
                    max_dbs=len(names) + 2,
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
        self.dbs: dict[str, lmdb._Database] = {}
        with self.env.begin(write=True) as txn:
            for name in names:
                self.dbs[name] = self.env.open_db(name.encode(), txn=txn, create=True)
        self._closed = False

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

        Use it as a context manager (``with env.read() as txn``): leaving the
        block ends the transaction and frees its reader slot.
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
