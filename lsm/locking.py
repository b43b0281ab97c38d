"""File locks: the store's writer lock (with a deadline) and try-locks.

``fcntl.flock`` locks belong to an open file description and vanish when
the holding process dies, however it dies: a SIGKILLed writer never leaves
a stale lock behind (no pid files, unlike Bitcask). A lock is never waited
on forever: past the deadline the caller gets
:class:`~lsm.errors.StoreLockedError`, which the hook layer turns into a
warning so that a wedged process cannot hang ``git commit``.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from lsm.errors import StoreLockedError
from lsm.fsutil import private_open

__all__ = ["FileLock"]


class FileLock:
    """An exclusive ``flock`` on ``path`` (created if missing).

    Re-entrant within one object: nested :meth:`acquire` calls count, and
    the lock is released when the outermost holder releases it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1
        self._depth = 0

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._depth > 0

    def acquire(self, timeout: float | None = 2.0) -> None:
        """Take the lock, retrying with backoff until ``timeout`` seconds pass.

        ``timeout=None`` waits forever; ``0`` tries once.

        :raises StoreLockedError: the lock stayed held past the deadline.
        """
        if self._depth:
            self._depth += 1
            return
        fd = private_open(self.path, os.O_RDWR | os.O_CREAT)
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreLockedError(
                        f"{self.path} is held by another process (waited {timeout:.1f}s)"
                    ) from None
                time.sleep(delay)
                # A short cap: flock has no queue, so a waiter that sleeps long
                # keeps losing the lock to busier writers (starvation).
                delay = min(delay * 2, 0.004)
        self._fd = fd
        self._depth = 1

    def try_acquire(self) -> bool:
        """Take the lock only if it is free right now; True on success."""
        try:
            self.acquire(timeout=0)
        except StoreLockedError:
            return False
        return True

    def release(self) -> None:
        """Release one level of the lock (the file stays for the next holder)."""
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
