"""The store's local event log: one JSON object per line in ``events.jsonl``.

Hooks record what they did (checkpoint durations, cap hits, degraded runs,
errors) and the engine records recoveries, so that ``ckptlog inspect
events``/``metrics`` can answer "how is this working on my machine".

Each event is one ``write()`` on an ``O_APPEND`` descriptor, so lines from
concurrent processes do not interleave. A symbolic link, a FIFO or a device
in place of ``events.jsonl`` is never written through or read. The file is rotated by size (kept:
``events.jsonl`` and ``events.jsonl.1``). Recording an event never raises:
the event log is diagnostics, and losing a line must not fail a hook.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import time
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from lsm.errors import UnreadableFileError
from lsm.fsutil import private_open
from lsm.safeio import open_regular

__all__ = ["DEFAULT_MAX_BYTES", "EventLog", "parse_duration", "summarize"]

#: Rotate once the file passes this size.
DEFAULT_MAX_BYTES = 4 << 20

# O_NOFOLLOW: a link planted at events.jsonl would make every hook append to a
# file outside the store. O_NONBLOCK: a FIFO there fails the open (ENXIO) instead
# of blocking it until a reader appears.
_APPEND_FLAGS = (
    os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
)


def _default(value: object) -> object:
    # What orjson did with default=str: enums as their value, anything else as str().
    if isinstance(value, Enum):
        return value.value
    return str(value)


def _dumps(event: dict[str, Any], *, fallback: bool = False) -> bytes:
    """One compact, UTF-8 JSON line (the format orjson wrote; stdlib json keeps hooks light).

    NaN/infinities (orjson wrote ``null``) and strings UTF-8 cannot carry
    raise ValueError, so the caller falls back to a ``repr`` line, which
    escapes them.
    """
    text = json.dumps(
        event,
        default=_default,
        ensure_ascii=fallback,
        allow_nan=False,
        separators=(",", ":"),
    )
    return text.encode() + b"\n"


class EventLog:
    """Appends and reads structured events.

    :param path: the ``events.jsonl`` file (its directory must exist).
    :param max_bytes: rotation threshold.
    :param enabled: False for a store opened read-only: :meth:`record` writes nothing.
    """

    def __init__(
        self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, enabled: bool = True
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.enabled = enabled

    def record(self, kind: str, **fields: Any) -> None:
        """Append one event ``{"ts": <unix ms>, "kind": kind, "pid": ..., **fields}``.

        Best effort: any OSError (full disk, read-only store) is swallowed.
        """
        if not self.enabled:
            return
        event = {"ts": int(time.time() * 1000), "kind": kind, "pid": os.getpid(), **fields}
        try:
            line = _dumps(event)
        except (TypeError, ValueError, RecursionError):
            line = _dumps({"ts": event["ts"], "kind": kind, "repr": repr(fields)}, fallback=True)
        try:
            # 0600 whatever the umask: events name files, sessions and errors.
            fd = private_open(self.path, _APPEND_FLAGS)
        except OSError:  # ELOOP: a symbolic link planted there is never followed
            return
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return  # a FIFO or a device in its place: not ours to write to
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
                f = open_regular(path, follow_symlinks=False)
            except (OSError, UnreadableFileError):
                continue
            with f:
                for line in f:
                    try:
                        event = json.loads(line)
                    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8
                        continue
                    if not isinstance(event, dict):
                        continue
                    if since_ms is not None and int(event.get("ts", 0)) < since_ms:
                        continue
                    yield event


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def summarize(events: Iterator[dict[str, Any]]) -> dict[str, Any]:
    """Rollout monitors over events: checkpoint durations, cap hits, errors, degraded runs.

    Returns ``{"checkpoints": n, "duration_ms": {"p50", "p95", "p99", "max"},
    "cap_hits": {cap: n}, "errors": n, "degraded": n, "compactions": n,
    "recoveries": n, "first_ts", "last_ts"}``.
    """
    durations: list[float] = []
    caps: dict[str, int] = {}
    errors = degraded = compactions = recoveries = 0
    first = last = None
    for ev in events:
        ts = ev.get("ts")
        if isinstance(ts, int):
            first = ts if first is None else min(first, ts)
            last = ts if last is None else max(last, ts)
        kind = ev.get("kind")
        if kind == "checkpoint":
            d = ev.get("duration_ms")
            if isinstance(d, int | float):
                durations.append(float(d))
            if ev.get("degraded"):
                degraded += 1
        elif kind == "cap_hit":
            cap = str(ev.get("cap", "?"))
            caps[cap] = caps.get(cap, 0) + 1
        elif kind in ("error",):
            errors += 1
        elif kind == "degraded":
            degraded += 1
        elif kind == "compaction":
            compactions += 1
        elif kind in ("recovered_tail", "rebuild_index", "segment_damaged_below_durable_offset"):
            recoveries += 1
    durations.sort()
    return {
        "checkpoints": len(durations),
        "duration_ms": {
            "p50": _percentile(durations, 0.50),
            "p95": _percentile(durations, 0.95),
            "p99": _percentile(durations, 0.99),
            "max": durations[-1] if durations else None,
        },
        "cap_hits": caps,
        "errors": errors,
        "degraded": degraded,
        "compactions": compactions,
        "recoveries": recoveries,
        "first_ts": first,
        "last_ts": last,
    }


def parse_duration(text: str) -> int:
    """Seconds in ``30s``, ``15m``, ``6h``, ``7d``, ``2w`` (or a bare number of seconds).

    :raises ValueError: anything else.
    """
    import re

    m = re.fullmatch(r"\s*(\d+)\s*([smhdw]?)\s*", text.lower())
    if not m:
        raise ValueError(f"bad duration {text!r}: use e.g. 30s, 15m, 6h, 7d, 2w")
    return (
        int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]
    )
