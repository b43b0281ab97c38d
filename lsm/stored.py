"""What reads return: stored entries, checkpoints and working-log descriptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lsm.indexer import FileState
from lsm.model import Checkpoint, CheckpointKind, FileEntry

__all__ = ["FileState", "LogInfo", "StoredCheckpoint", "StoredEntry"]


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One file entry as stored: the checkpoint's ``seq``, kind and timestamp, and the entry."""

    seq: int
    kind: CheckpointKind
    timestamp: int
    entry: FileEntry


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A whole checkpoint as stored.

    :ivar log: the working log's name when the checkpoint was written.
    :ivar imported: it came from a legacy git-ai file, not a native append.
    """

    seq: int
    run: int
    log: str
    imported: bool
    checkpoint: Checkpoint


@dataclass(frozen=True, slots=True)
class LogInfo:
    """A working log (one per base commit) as the index describes it.

    :ivar runs: the log's runs, oldest first; merges concatenate them.
    :ivar archived_ms: when it was archived (``old-<base>`` logs), else None.
    :ivar import_state: the legacy-import marker, if the log was imported.
    """

    name: str
    runs: tuple[int, ...]
    created_ms: int
    archived_ms: int | None
    has_initial: bool
    checkpoints: int
    import_state: Any = None
