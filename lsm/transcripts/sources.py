"""Opening a file an agent wrote (a transcript, a thread, a database) for a parse call.

The new agents' transcript readers open their sources here, through
:func:`lsm.safeio.open_regular` (no blocking open, regular files only), and
get the outcome as a value a parse call can report: a missing or refused
file is a ``missing``/``unreadable`` status with its reason, never an
exception. The caller then reads the file in bounded pieces.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from lsm.errors import UnreadableFileError
from lsm.record import NamedTuple
from lsm.safeio import open_regular
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
        file = open_regular(path, buffering=_BUFFER)
    except FileNotFoundError as exc:
        return Opened(None, 0, "missing", exc.strerror or str(exc))
    except UnreadableFileError as exc:
        return Opened(None, 0, "unreadable", exc.what)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        return Opened(None, 0, "unreadable", str(exc))
    try:
        size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        file.close()
        return Opened(None, 0, "unreadable", exc.strerror or str(exc))
    return Opened(file, size, "ok", None)
