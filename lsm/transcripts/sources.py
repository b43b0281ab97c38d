"""Opening a file an agent wrote (a transcript, a thread, a database), safely.

The one place the new agents' transcript readers open their sources, so
that the hardening of reads (the hook must never block or read without
bound) applies to all of them at once. A source is opened without blocking
(a FIFO put in its place cannot hang the hook) and accepted only if it is a
regular file; the caller then reads it in bounded pieces.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO, NamedTuple

from lsm.transcripts.stream import ParseStatus

__all__ = ["Opened", "open_source"]

_BUFFER = 256 * 1024


class Opened(NamedTuple):
    """An open source (``file`` and its ``size``), or why there is none.

    :param status: ``ok``, ``missing`` or ``unreadable``.
    """

    file: BinaryIO | None
    size: int
    status: ParseStatus
    reason: str | None


def open_source(path: str) -> Opened:
    """Open ``path`` for reading if it is a regular file; never raises, never blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        return Opened(None, 0, "missing", exc.strerror or str(exc))
    except OSError as exc:
        return Opened(None, 0, "unreadable", exc.strerror or str(exc))
    except ValueError as exc:  # a NUL byte in the path
        return Opened(None, 0, "unreadable", str(exc))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return Opened(None, 0, "unreadable", "not a regular file")
        os.set_blocking(fd, True)  # regular files never block; reads stay simple
    except OSError as exc:
        os.close(fd)
        return Opened(None, 0, "unreadable", exc.strerror or str(exc))
    return Opened(os.fdopen(fd, "rb", buffering=_BUFFER), info.st_size, "ok", None)
