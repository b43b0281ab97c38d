"""A peer store on sqlite3 with the engine's API, for side-by-side benchmarks.

The same records (CBOR in zstd, through lsm.codec) go into SQLite tables
instead of segments + LMDB: WAL journal, ``synchronous=FULL`` (one fsync
per commit), one transaction per append. ``latest`` is a table keyed by
(log, path), so an append costs O(changed files) here too: the comparison
isolates the storage engine, not the algorithm.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from lsm import Checkpoint, StoredEntry
from lsm.codec import Codec, EntryRecord
from lsm.frame import FRAME_HEADER

__all__ = ["SqliteStore"]

_SCHEMA = """
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE IF NOT EXISTS checkpoints (
    seq INTEGER PRIMARY KEY, log TEXT NOT NULL, header BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER NOT NULL, idx INTEGER NOT NULL, log TEXT NOT NULL, path TEXT NOT NULL,
    frame BLOB NOT NULL, PRIMARY KEY (log, path, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
    log TEXT NOT NULL, path TEXT NOT NULL, seq INTEGER NOT NULL, blob_sha TEXT NOT NULL,
    PRIMARY KEY (log, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blobs (sha TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
"""


class SqliteStore:
    """``append``/``latest``/``latest_state``/``close`` over one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.executescript(_SCHEMA)
        self._codec = Codec()

    @classmethod
    def open(cls, path: str | Path) -> SqliteStore:
        """Open (creating) the store file ``path``."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        return cls(p)

    def _next_seq(self) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM checkpoints").fetchone()
        return int(row[0])

    def append(self, log: str, cp: Checkpoint, *, blobs: Mapping[str, bytes] | None = None) -> int:
        """One durable transaction: header, entries, latest rows, new blobs."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            seq = self._next_seq()
            frames = self._codec.checkpoint_frames(seq, 0, log, cp)
            db.execute("INSERT INTO checkpoints VALUES (?, ?, ?)", (seq, log, frames[0]))
            for i, (entry, frame) in enumerate(zip(cp.entries, frames[1:], strict=True)):
                db.execute(
                    "INSERT INTO entries VALUES (?, ?, ?, ?, ?)", (seq, i, log, entry.file, frame)
                )
                db.execute(
                    "INSERT INTO latest VALUES (?, ?, ?, ?) ON CONFLICT (log, path) "
                    "DO UPDATE SET seq = excluded.seq, blob_sha = excluded.blob_sha",
                    (log, entry.file, seq, entry.blob_sha),
                )
            for sha, data in (blobs or {}).items():
                if hashlib.sha256(data).hexdigest() != sha:
                    raise ValueError("blob does not match its sha")
                db.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?)", (sha, data))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return seq

    def latest_state(self, log: str, path: str) -> tuple[int, str] | None:
        """``(seq, blob_sha)`` of the newest entry (index only)."""
        row = self._db.execute(
            "SELECT seq, blob_sha FROM latest WHERE log = ? AND path = ?", (log, path)
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def latest(self, log: str, path: str) -> StoredEntry | None:
        """The newest entry, decoded."""
        row = self._db.execute(
            "SELECT e.frame FROM latest l JOIN entries e ON e.log = l.log AND e.path = l.path "
            "AND e.seq = l.seq WHERE l.log = ? AND l.path = ?",
            (log, path),
        ).fetchone()
        if row is None:
            return None
        frame = bytes(row[0])
        rec = self._codec.decode(frame[8], self._codec.unpack(frame[9], frame[FRAME_HEADER:]))
        assert isinstance(rec, EntryRecord)
        return StoredEntry(rec.seq, rec.kind, rec.timestamp, rec.entry)

    def bulk_load(self, log: str, checkpoints: list[Checkpoint]) -> None:
        """Load many checkpoints in one transaction (benchmark setup, not measured)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        seq = self._next_seq()
        for cp in checkpoints:
            frames = self._codec.checkpoint_frames(seq, 0, log, cp)
            db.execute("INSERT INTO checkpoints VALUES (?, ?, ?)", (seq, log, frames[0]))
            for i, (entry, frame) in enumerate(zip(cp.entries, frames[1:], strict=True)):
                db.execute(
                    "INSERT INTO entries VALUES (?, ?, ?, ?, ?)", (seq, i, log, entry.file, frame)
                )
                db.execute(
                    "INSERT INTO latest VALUES (?, ?, ?, ?) ON CONFLICT (log, path) "
                    "DO UPDATE SET seq = excluded.seq, blob_sha = excluded.blob_sha",
                    (log, entry.file, seq, entry.blob_sha),
                )
            seq += 1
        db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
