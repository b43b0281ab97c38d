"""The LMDB environment under the index, used as LMDB's sharp edges demand.

What is in it (which databases, which keys and values) is
:mod:`lsm.indexschema`'s business; this module only opens the environment,
hands out transactions and survives LMDB's pitfalls (docs/operations.md):

* ``lock=True`` and ``writemap=False`` (a full disk must raise, not SIGBUS);
  a read-only open whose lock file cannot be written (another user's store)
  falls back to ``lock=False``, and on a read-only filesystem LMDB itself
  reads without its lock file;
* ``map_size`` starts small and doubles on ``MapFullError``; another
  process's growth (``MapResizedError``) is adopted with ``set_mapsize(0)``;
* ``max_readers`` is raised and ``reader_check()`` clears slots of killed
  readers on every open;
* one environment per process and path (LMDB forbids opening it twice), and
  never across ``fork()``: a child that inherited a Store gets
  :class:`~lsm.errors.StoreError` instead of undefined behaviour;
* opening the environment takes no write transaction: the named databases
  are opened in one (:meth:`LmdbEnv.open_databases`) only by a writer that
  holds the store's ``LOCK``, so a process stuck inside a write transaction
  delays others only as long as their lock deadline;
* every ``lmdb.Error`` that means damage becomes
  :class:`~lsm.errors.IndexCorruptError`; permission and read-only
  filesystem errors become :class:`~lsm.errors.StoreAccessError`.
"""

from __future__ import annotations

import _thread  # the lock type threading.Lock is, without importing threading
import errno
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import lmdb

from lsm.errors import (
    IndexCorruptError,
    NotFoundError,
    StoreAccessError,
    StoreError,
    StoreFullError,
    StoreLockedError,
)
from lsm.fsutil import PRIVATE_FILE, make_private, private_mkdir

__all__ = ["LmdbEnv", "index_error", "move_index_aside"]

T = TypeVar("T")


class _Abandoned(Exception):
    """A write transaction that began after its caller had given up on it."""


_FULL_TEXTS = tuple(os.strerror(e) for e in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO))
_ACCESS_TEXTS = tuple(os.strerror(e) for e in (errno.EACCES, errno.EPERM, errno.EROFS))
#: lmdb errors that mean the environment's bytes are damaged.
_DAMAGE = (
    lmdb.InvalidError,
    lmdb.CorruptedError,
    lmdb.PageNotFoundError,
    lmdb.VersionMismatchError,
    lmdb.BadValsizeError,
    lmdb.BadRslotError,
    lmdb.InvalidParameterError,
    lmdb.PanicError,
    lmdb.IncompatibleError,
)


class _Shared:
    """One process's open environment and its database handles."""

    __slots__ = ("abandoned", "dbs", "env", "read_only", "users")

    def __init__(self, env: lmdb.Environment, read_only: bool) -> None:
        self.env = env
        self.read_only = read_only
        self.users = 0
        self.dbs: dict[str, lmdb._Database] = {}
        #: a helper thread still waits in LMDB for the writer mutex: closing
        #: the environment under it is undefined, so it stays open until exit
        self.abandoned = False


# One environment per (path, pid): LMDB must not be opened twice in a process.
_ENVS: dict[tuple[str, int], _Shared] = {}
_ENVS_LOCK = _thread.allocate_lock()


def index_error(exc: lmdb.Error, path: Path) -> StoreError:
    """The store error an ``lmdb.Error`` stands for (damage, access, full disk, other)."""
    text = str(exc)
    # A full disk first: LMDB reports ENOSPC inside mdb_txn_commit as EIO,
    # and may then mark the environment as failed (MDB_PANIC).
    if any(t in text for t in _FULL_TEXTS):
        return StoreFullError(f"index write failed: {text}")
    if isinstance(exc, lmdb.ReadonlyError) or any(t in text for t in _ACCESS_TEXTS):
        return StoreAccessError(f"cannot open the index {path}: {text}")
    if isinstance(exc, _DAMAGE):
        return IndexCorruptError(f"the index {path} is damaged: {text}")
    return StoreError(f"index error in {path}: {text}")


def move_index_aside(path: Path) -> Path:
    """Rename a damaged ``index/`` to ``index.corrupt-<unix ms>/`` and make a fresh empty one.

    The caller holds the store's writer lock and has no environment of it
    open; the old files are kept for inspection (nothing is deleted).
    """
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time() * 1000)}")
    os.replace(path, aside)
    private_mkdir(path)
    return aside


class LmdbEnv:
    """An open LMDB environment and handles of its named databases.

    :param path: the ``index/`` directory (created by writers only).
    :param names: the named databases.
    :param read_only: open for reading only: never creates or writes
        anything, and opens the existing databases at once.
    :param map_size: initial map size in bytes (grown by doubling when full).
    :param sync: flush data pages at commit (LMDB ``sync``).
    :param metasync: flush the meta page at commit (LMDB ``metasync``).
    :param max_readers: reader slots (only the first opener's value counts).
    :raises IndexCorruptError: LMDB refuses the files as damaged.
    :raises StoreAccessError: permission denied, or a writer on a read-only filesystem.
    :raises NotFoundError: ``read_only`` and there is no index.
    """

    def __init__(
        self,
        path: Path,
        names: Iterable[str],
        *,
        read_only: bool = False,
        map_size: int = 64 << 20,
        sync: bool = True,
        metasync: bool = True,
        max_readers: int = 512,
    ) -> None:
        self.names = tuple(names)
        self.path = path
        self.read_only = read_only
        self._pid = os.getpid()
        if read_only and not (path / "data.mdb").is_file():
            raise NotFoundError(f"there is no index in {path}")
        if not read_only:
            private_mkdir(path)
        self._key = (str(path.resolve()), self._pid)
        with _ENVS_LOCK:
            shared = _ENVS.get(self._key)
            if shared is not None and shared.read_only and not read_only:
                raise StoreError(
                    f"{path} is open read-only in this process",
                    hint="Close the read-only Store before opening it for writing.",
                )
            if shared is None:
                shared = _Shared(self._open(map_size, sync, metasync, max_readers), read_only)
                _ENVS[self._key] = shared
            shared.users += 1
        self._shared = shared
        self.env = shared.env
        self.dbs = shared.dbs
        self._closed = False
        try:
            if read_only and not self.dbs:
                self._open_read_only_databases()
        except BaseException:
            self.close()
            raise

    def _open(
        self, map_size: int, sync: bool, metasync: bool, max_readers: int
    ) -> lmdb.Environment:
        path = str(self.path)
        max_dbs = len(self.names) + 2
        try:
            if self.read_only:
                try:
                    return lmdb.open(
                        path,
                        map_size=map_size,
                        max_dbs=max_dbs,
                        max_readers=max_readers,
                        readonly=True,
                        lock=True,
                        create=False,
                        readahead=False,
                    )
                except lmdb.Error as exc:
                    if not isinstance(index_error(exc, self.path), StoreAccessError):
                        raise
                # Another user's store (its lock file is not ours to write):
                # read without LMDB's reader table. Readers are then not
                # protected from a concurrent writer reusing pages; frame and
                # value checks catch what that garbles.
                return lmdb.open(
                    path,
                    map_size=map_size,
                    max_dbs=max_dbs,
                    readonly=True,
                    lock=False,
                    create=False,
                    readahead=False,
                )
            env = lmdb.open(
                path,
                map_size=map_size,
                max_dbs=max_dbs,
                max_readers=max_readers,
                lock=True,
                writemap=False,
                sync=sync,
                metasync=metasync,
                readahead=False,
                max_spare_txns=0,
                mode=PRIVATE_FILE,
            )
        except lmdb.Error as exc:
            raise index_error(exc, self.path) from None
        for name in ("data.mdb", "lock.mdb"):
            make_private(self.path / name)
        # Slots of readers that were killed (SIGKILL, OOM) would otherwise pin
        # old pages and fill the reader table.
        env.reader_check()
        return env

    def _open_read_only_databases(self) -> None:
        try:
            for name in self.names:
                self.dbs[name] = self.env.open_db(name.encode(), create=False)
        except lmdb.NotFoundError:
            self.dbs.clear()
            try:
                present = self._present_names()
            except lmdb.Error as exc:
                raise index_error(exc, self.path) from None
            if not present:
                raise NotFoundError(f"the index {self.path} is empty") from None
            raise IndexCorruptError(
                f"the index {self.path} lacks one of its databases ({name})"
            ) from None
        except lmdb.Error as exc:
            self.dbs.clear()
            raise index_error(exc, self.path) from None

    def _present_names(self, txn: lmdb.Transaction | None = None) -> set[str]:
        """Names in LMDB's main database (which holds nothing but database names)."""
        own = txn is None
        txn = txn or self.env.begin()
        try:
            with txn.cursor() as cur:
                return {bytes(k).decode("utf-8", "replace") for k in cur.iternext(values=False)}
        finally:
            if own:
                txn.abort()

    @property
    def has_databases(self) -> bool:
        """True once the named databases are open in this process."""
        return bool(self.dbs)

    def open_databases(
        self, *, create_missing: Callable[[set[str]], bool], deadline: float | None = None
    ) -> None:
        """Open the named databases in one write transaction; the caller holds ``LOCK``.

        ``deadline`` bounds the wait for LMDB's writer mutex (see :meth:`write`).

        A fresh environment gets all of them. If some exist and others do
        not, ``create_missing(missing names)`` decides: True creates them (an
        index from an older version), False means the index is damaged.

        :raises IndexCorruptError: databases are missing and may not be created.
        """
        if self.dbs:
            return
        self._check()

        def fn(txn: lmdb.Transaction) -> None:
            present = self._present_names(txn)
            missing = {n for n in self.names if n not in present}
            if present and missing and not create_missing(missing):
                raise IndexCorruptError(
                    f"the index {self.path} lacks its databases {sorted(missing)}"
                )
            self.dbs.clear()
            for name in self.names:
                self.dbs[name] = self.env.open_db(name.encode(), txn=txn, create=True)

        try:
            self.write(fn, deadline=deadline)
        except BaseException:
            self.dbs.clear()
            raise

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
            try:
                return self.env.begin(buffers=False)
            except lmdb.MapResizedError:
                # Another process grew the map: adopt its size and retry.
                self.env.set_mapsize(0)
                return self.env.begin(buffers=False)
        except lmdb.Error as exc:
            raise index_error(exc, self.path) from None

    def write(self, fn: Callable[[lmdb.Transaction], T], *, deadline: float | None = None) -> T:
        """Run ``fn`` in one write transaction and commit it; atomic.

        On ``MapFullError`` the transaction is aborted, the map doubled and
        ``fn`` run again from the start, so ``fn`` must only act through the
        transaction it is given. A commit that fails with an I/O error
        (LMDB reports a full disk as EIO) raises StoreFullError; damage
        raises IndexCorruptError; nothing of the transaction is visible.

        :param deadline: seconds to wait for LMDB's writer mutex. LMDB has
            no timed wait: the transaction then runs on a helper thread, and
            if it has not begun by the deadline it is abandoned (it aborts
            as soon as it does begin) and StoreLockedError is raised. Our
            writers take a write transaction only under ``LOCK``, so only a
            foreign process can hold one while we hold ``LOCK``; the
            engine asks for a deadline on its first write of each process.
        """
        self._check()
        if self.read_only:
            raise StoreError("the index is open read-only")
        if deadline is None:
            return self._write(fn, None)
        return self._write_within(fn, deadline)

    def _write(self, fn: Callable[[lmdb.Transaction], T], gate: Callable[[], bool] | None) -> T:
        for _attempt in range(32):
            try:
                txn = self.env.begin(write=True)
            except lmdb.MapResizedError:
                self.env.set_mapsize(0)
                continue
            except lmdb.Error as exc:
                raise index_error(exc, self.path) from None
            if gate is not None:
                if not gate():
                    txn.abort()
                    raise _Abandoned
                gate = None
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
                raise index_error(exc, self.path) from exc
            except BaseException:
                txn.abort()
                raise
        raise StoreError("the index could not grow to fit the transaction")

    def _write_within(self, fn: Callable[[lmdb.Transaction], T], deadline: float) -> T:
        guard = _thread.allocate_lock()
        done = _thread.allocate_lock()
        done.acquire()
        state = ["waiting"]  # -> "running" (the transaction began) or "abandoned"
        out: list[T] = []
        err: list[BaseException] = []

        def gate() -> bool:
            with guard:
                if state[0] == "abandoned":
                    return False
                state[0] = "running"
                return True

        def work() -> None:
            try:
                out.append(self._write(fn, gate))
            except _Abandoned:
                pass
            except BaseException as exc:  # handed to the waiting thread
                err.append(exc)
            finally:
                done.release()

        _thread.start_new_thread(work, ())
        if not done.acquire(timeout=max(deadline, 0.0)):
            with guard:
                if state[0] == "waiting":
                    state[0] = "abandoned"
                    self._shared.abandoned = True
                    raise StoreLockedError(
                        f"another process holds the index's write transaction ({self.path}) "
                        f"past the {deadline:.1f} s deadline",
                        hint="A process outside ckptlog (or a hung one) has the LMDB index "
                        "open for writing; the checkpoint was skipped. Look for it with "
                        f"`fuser {self.path}/lock.mdb`.",
                    )
            done.acquire()  # it began in time: let it finish
        if err:
            raise err[0]
        return out[0]

    def map_size(self) -> int:
        """The current map size in bytes."""
        return int(self.env.info()["map_size"])

    def close(self) -> None:
        """Release this handle; the environment closes with its last handle."""
        if self._closed:
            return
        self._closed = True
        with _ENVS_LOCK:
            shared = _ENVS.get(self._key)
            if shared is None or shared is not self._shared:
                return
            shared.users -= 1
            if shared.users <= 0:
                del _ENVS[self._key]
                if os.getpid() == self._pid and not shared.abandoned:
                    shared.env.close()

    @property
    def sole_user(self) -> bool:
        """True if no other open Store in this process shares the environment."""
        return self._shared.users == 1
