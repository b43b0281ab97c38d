"""Named crash points for tests: ``CKPTLOG_KILL_AT=<point>[:<n>]``.

When the environment variable names a point, the process calls
``os._exit(137)`` the n-th time (default 1st) it reaches that point: no
cleanup, no flush, no lock release other than what the kernel does for a
dead process, which is how a SIGKILL or a power cut looks to the store.
The variable is read once per process; when it is unset :func:`reached`
costs one global lookup.

Points (see docs/architecture.md): ``append.before_write``,
``append.torn_write`` (writes half the buffer, then dies),
``append.after_write``, ``append.after_sync``, ``append.in_index_txn``,
``append.after_commit``, ``seal.after_file``, ``seal.after_commit``,
``recover.after_quarantine``, ``recover.after_truncate``,
``compact.*`` (see compaction).
"""

from __future__ import annotations

import os

__all__ = ["ENV_VAR", "die", "reached", "triggered"]

ENV_VAR = "CKPTLOG_KILL_AT"


def _parse(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    name, _, count = value.partition(":")
    try:
        n = int(count) if count else 1
    except ValueError:
        n = 1
    return name, max(n, 1)


_TARGET = _parse(os.environ.get(ENV_VAR))
_hits = 0


def triggered(point: str) -> bool:
    """Count one pass through ``point``; True when this pass is the one to die at.

    For points that must do something before dying (a torn write writes
    half its buffer first); the caller then calls :func:`die`.
    """
    global _hits
    if _TARGET is None or _TARGET[0] != point:
        return False
    _hits += 1
    return _hits == _TARGET[1]


def die() -> None:
    """Exit at once, as a kill would: no cleanup, no flushing."""
    os._exit(137)


def reached(point: str) -> None:
    """Die here (``os._exit(137)``) if the kill point is set for this pass of ``point``."""
    if triggered(point):
        die()
