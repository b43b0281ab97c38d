"""The store's local event log: one JSON object per line in ``events.jsonl``.

Hooks record what they did (checkpoint durations, cap hits, degraded runs,
errors) and the engine records recoveries, so that ``ckptlog inspect
events``/``metrics`` can answer "how is this working on my machine".

Each event is one ``write()`` on an ``O_APPEND`` descriptor, so lines from
concurrent processes do not interleave. The file is rotated by size (kept:
``events.jsonl`` and ``events.jsonl.1``). Recording an event never raises:
the event log is diagnostics, and losing a line must not fail a hook.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

__all__ = ["DEFAULT_MAX_BYTES", "EventLog"]

#: Rotate once the file passes this size.
DEFAULT_MAX_BYTES = 4 << 20


class EventLog:
    """Appends and reads structured events.

    :param path: the ``events.jsonl`` file (its directory must exist).
    :param max_bytes: rotation threshold.
    """

    def __init__(self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def record(self, kind: str, **fields: Any) -> None:
        """Append one event ``{"ts": <unix ms>, "kind": kind, "pid": ..., **fields}``.

        Best effort: any OSError (full disk, read-only store) is swallowed.
        """
        event = {"ts": int(time.time() * 1000), "kind": kind, "pid": os.getpid(), **fields}
        try:
            line = orjson.dumps(event, default=str) + b"\n"
        except TypeError:
            line = orjson.dumps({"ts": event["ts"], "kind": kind, "repr": repr(fields)}) + b"\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            os.write(fd, line)
            if os.fstat(fd).st_size > self.max_bytes:
                self._rotate(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _rotate(self, fd: int) -> None:
        # Only one process rotates: the one that gets the lock. Others keep
        # appending to whichever file the name points at.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return
        try:
            st = os.stat(self.path)
            if st.st_ino == os.fstat(fd).st_ino and st.st_size > self.max_bytes:
                os.replace(self.path, self.path.with_name(self.path.name + ".1"))
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)

    def read(self, *, since_ms: int | None = None) -> Iterator[dict[str, Any]]:
        """Yield events oldest first (the rotated file, then the current one).

        Lines that do not parse (a torn last line after a crash) are skipped.
        """
        for path in (self.path.with_name(self.path.name + ".1"), self.path):
            try:
                f = path.open("rb")
            except OSError:
                continue
            with f:
                for line in f:
                    try:
                        event = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue
                    if not isinstance(event, dict):
                        continue
                    if since_ms is not None and int(event.get("ts", 0)) < since_ms:
                        continue
                    yield event
