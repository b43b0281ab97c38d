"""Starting a compaction in the background when the store has grown enough.

After an append, :func:`maybe_start_compactor` checks cheap thresholds (one
read transaction over the small ``segments`` database): sealed segment
count, sealed bytes, and the share of checkpoints no live log holds any
more. When one passes, and no compactor runs, it starts ``ckptlog compact
--auto`` as a detached process (its own session, no inherited streams) and
returns at once: a hook never waits for a compaction. At most one start per
``min_interval_s`` (the mtime of ``COMPACT.started``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsm.fsutil import private_open
from lsm.locking import FileLock
from lsm.record import NamedTuple

if TYPE_CHECKING:
    from lsm.config import CompactionSettings
    from lsm.store import Store

__all__ = ["Thresholds", "compaction_reason", "maybe_start_compactor"]


class Thresholds(NamedTuple):
    """When to compact (any one suffices)."""

    min_sealed_segments: int = 4
    min_sealed_bytes: int = 64 << 20
    min_garbage_ratio: float = 0.3

    @classmethod
    def from_settings(cls, s: CompactionSettings) -> Thresholds:
        """The thresholds of the ``[compaction]`` settings."""
        return cls(s.min_sealed_segments, s.min_sealed_bytes, s.min_garbage_ratio)


def compaction_reason(store: Store, t: Thresholds) -> str | None:
    """Why the store should be compacted now, or None. Index reads only."""
    sealed = 0
    sealed_bytes = 0
    uncompacted = 0
    stored = 0
    with store.engine.view() as v:
        for _sid, info in v.segments():
            stored += info.checkpoints
            if info.state == "sealed":
                sealed += 1
                sealed_bytes += info.size
                if not info.compacted:
                    uncompacted += 1
        # Checkpoints no live log holds any more (reset, dropped, archived
        # past retention): stored minus indexed.
        live = sum(info.checkpoints for _run, info in v.runs())
    if uncompacted == 0:
        return None  # nothing new since the last compaction
    if sealed >= t.min_sealed_segments:
        return f"{sealed} sealed segments"
    if sealed_bytes >= t.min_sealed_bytes:
        return f"{sealed_bytes} sealed bytes"
    garbage = 1 - min(live, stored) / stored if stored else 0.0
    if garbage >= t.min_garbage_ratio:
        return f"garbage ratio {garbage:.2f}"
    return None


def maybe_start_compactor(
    store: Store,
    settings: CompactionSettings,
    *,
    min_interval_s: float = 60.0,
    argv: list[str] | None = None,
) -> str | None:
    """Start ``ckptlog compact --auto`` detached if a threshold passes; returns the reason.

    Never raises for an ordinary failure (the caller is a hook): problems
    come back as None.
    """
    if not settings.auto:
        return None
    try:
        reason = compaction_reason(store, Thresholds.from_settings(settings))
        if reason is None:
            return None
        stamp = store.root / "COMPACT.started"
        try:
            if time.time() - stamp.stat().st_mtime < min_interval_s:
                return None
        except FileNotFoundError:
            pass
        probe = FileLock(store.root / "COMPACT.lock")
        if not probe.try_acquire():
            return None  # one is running
        probe.release()
        os.close(private_open(stamp, os.O_WRONLY | os.O_CREAT))
        os.utime(stamp)
        import subprocess  # only when a compaction starts: hooks do not pay for it

        cmd = argv or [sys.executable, "-m", "cli", "compact", "--auto", "--store", str(store.root)]
        subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            cwd=str(Path(store.root)),
            env={**os.environ, "CKPTLOG_AUTO_COMPACT": "1"},
        )
        store.events.record("compaction_started", reason=reason)
        return reason
    except OSError:
        return None
