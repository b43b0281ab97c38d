"""What reads return: file states, stored entries, checkpoints and working-log descriptions."""

from __future__ import annotations

from typing import Any, NamedTuple

from lsm.model import Checkpoint, CheckpointKind, FileEntry
from lsm.segment import Pointer

__all__ = ["FileState", "LogInfo", "StoredCheckpoint", "StoredEntry"]


class FileState(NamedTuple):
    """What the index knows of a file's newest entry in a log, without a segment read.

    :ivar run: the run holding the newest entry.
    :ivar ai_touched: some entry of this file in the log was AI-made or
        carries an AI author (git-ai's ``ai_touched_files``).
    :ivar has_attributions: the newest entry has character attributions.
    :ivar pointer: where the newest entry's frame is.
    """

    path: str
    run: int
    seq: int
    blob_sha: str
    kind: CheckpointKind
    timestamp: int
    ai_touched: bool
    has_attributions: bool
    has_line_attributions: bool
    pointer: Pointer


class StoredEntry(NamedTuple):
    """One file entry as stored: the checkpoint's ``seq``, kind and timestamp, and the entry."""

    seq: int
    kind: CheckpointKind
    timestamp: int
    entry: FileEntry


class StoredCheckpoint(NamedTuple):
    """A whole checkpoint as stored.

    :ivar log: the working log's name when the checkpoint was written.
    :ivar imported: it came from a legacy git-ai file, not a native append.
    """

    seq: int
    run: int
    log: str
    imported: bool
    checkpoint: Checkpoint


class LogInfo(NamedTuple):
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
