"""What reads return: file states, stored entries, checkpoints and working-log descriptions."""

from __future__ import annotations

from typing import Any

from lsm.model import Checkpoint, CheckpointKind, FileEntry
from lsm.record import NamedTuple
from lsm.segment import Pointer

__all__ = [
    "AgentTotals",
    "CommitFacts",
    "CommitFile",
    "FileState",
    "LogInfo",
    "StoredCheckpoint",
    "StoredEntry",
]


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


class CommitFile(NamedTuple):
    """What post-commit needs of one file of a working log, from the index alone.

    :ivar blob_sha: the newest entry's blob (git-ai's "observed" content).
    :ivar needs_post: some entry requires post-processing (the file is diffed).
    :ivar attributed: ``(run, seq, pointer)`` of the newest entry with
        attribution data (character or line); its line attributions are the
        file's state (git-ai: the last such entry wins). None when there is
        none, or when it was not looked up (``Store.commit_facts(also=...)``).
    """

    path: str
    blob_sha: str
    needs_post: bool
    attributed: tuple[int, int, Pointer] | None


class AgentTotals(NamedTuple):
    """A session's or legacy prompt's newest agent id and summed line stats over a log."""

    tool: str
    id: str
    model: str
    additions: int
    deletions: int


class CommitFacts(NamedTuple):
    """A working log's commit-time facts (the running aggregates the index keeps).

    Folded over the log's runs in order, as over its checkpoints: the
    newest agent id of a session or prompt wins, line stats add up, a known
    human's first identity wins.

    :ivar sessions: ``s_…`` -> totals; :ivar prompts: legacy 16-hex id -> totals;
    :ivar humans: ``h_…`` -> the identity.
    """

    files: list[CommitFile]
    sessions: dict[str, AgentTotals]
    prompts: dict[str, AgentTotals]
    humans: dict[str, str]
