"""Applying records to the index: the one place that turns segment facts into keys.

The append path, tail recovery and ``rebuild_index`` all go through
:class:`Applier`, so the index a crash-recovery produces is the index the
original append would have produced.

Checkpoint, entry, blob and transcript records are *order-independent*
(the newest ``seq`` wins whatever order they are applied in), which lets a
rebuild visit segments in any order. Lifecycle events and INITIAL records
are order-dependent and must be applied in ``seq`` order; the rebuild
collects them (they are few) and replays them last.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import lmdb

from lsm.codec import (
    KIND_BY_CODE,
    KIND_CODE,
    BlobRecord,
    CheckpointRecord,
    EntryRecord,
    EventRecord,
    InitialRecord,
    TranscriptRecord,
    sha_from_wire,
    sha_to_wire,
)
from lsm.ids import is_ai_author
from lsm.index import (
    META_NEXT_RUN,
    META_NEXT_SEQ,
    Index,
    Pointer,
    checkpoint_key,
    dumps,
    get_u64,
    history_key,
    latest_key,
    loads,
    put_u64,
    run_prefix,
    u64,
)
from lsm.model import AttributionColumns, CheckpointKind, FileEntry

__all__ = [
    "Applier",
    "FileState",
    "HistoryRef",
    "entry_is_ai",
    "session_key",
    "transcript_key",
]


_F_AI = 1
_F_ATTRS = 2
_F_LINES = 4


class FileState(NamedTuple):
    """What the index knows of a file's newest entry in one run, without a segment read.

    :ivar ai_touched: some entry of this file in the run was AI-made or
        carries an AI author (git-ai's ``ai_touched_files``).
    :ivar has_attributions: the newest entry has character attributions.
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

    def encode(self, inline_path: bool) -> bytes:
        """The ``latest`` value (docs/format.md)."""
        flags = (
            (_F_AI if self.ai_touched else 0)
            | (_F_ATTRS if self.has_attributions else 0)
            | (_F_LINES if self.has_line_attributions else 0)
        )
        p = self.pointer
        return dumps(
            [
                self.seq,
                p.segment,
                p.offset,
                p.length,
                sha_to_wire(self.blob_sha),
                KIND_CODE[self.kind],
                self.timestamp,
                flags,
                None if inline_path else self.path.encode("utf-8", "surrogateescape"),
            ]
        )

    @classmethod
    def decode(cls, raw: bytes | memoryview, path: str, run: int) -> FileState:
        """Inverse of :meth:`encode` (``path`` is the caller's, the key's source)."""
        seq, seg, off, length, sha, kind, ts, flags, _full = loads(raw)
        return cls(
            path=path,
            run=run,
            seq=seq,
            blob_sha=sha_from_wire(sha),
            kind=KIND_BY_CODE[kind],
            timestamp=ts,
            ai_touched=bool(flags & _F_AI),
            has_attributions=bool(flags & _F_ATTRS),
            has_line_attributions=bool(flags & _F_LINES),
            pointer=Pointer(seg, off, length),
        )


class HistoryRef(NamedTuple):
    """A ``history`` value: where one entry is, and what a listing needs without reading it."""

    seq: int
    pointer: Pointer
    timestamp: int
    blob_sha: str
    kind: CheckpointKind
    has_attributions: bool = False
    has_line_attributions: bool = False

    def encode(self) -> bytes:
        """CBOR ``[segment, offset, length, timestamp, blob_sha, kind, flags]``.

        ``flags``: bit 1 the entry has character attributions, bit 2 line
        attributions (the same bits as in ``latest``).
        """
        p = self.pointer
        flags = (_F_ATTRS if self.has_attributions else 0) | (
            _F_LINES if self.has_line_attributions else 0
        )
        return dumps(
            [
                p.segment,
                p.offset,
                p.length,
                self.timestamp,
                sha_to_wire(self.blob_sha),
                KIND_CODE[self.kind],
                flags,
            ]
        )

    @classmethod
    def decode(cls, raw: bytes | memoryview, seq: int) -> HistoryRef:
        """Inverse of :meth:`encode` (``seq`` comes from the key)."""
        seg, off, length, ts, sha, kind, flags = loads(raw)
        return cls(
            seq,
            Pointer(seg, off, length),
            ts,
            sha_from_wire(sha),
            KIND_BY_CODE[kind],
            bool(flags & _F_ATTRS),
            bool(flags & _F_LINES),
        )


def entry_is_ai(kind: CheckpointKind, entry: FileEntry) -> bool:
    """git-ai's rule for ``ai_touched_files``: an AI checkpoint, or any AI author id."""
    if kind.is_ai:
        return True
    attrs = entry.attributions
    authors = (
        attrs.authors if isinstance(attrs, AttributionColumns) else {a.author_id for a in attrs}
    )
    if any(is_ai_author(a) for a in authors):
        return True
    return any(is_ai_author(la.author_id) for la in entry.line_attributions)


def session_key(agent: str, session: str) -> bytes:
    """``sessions`` key: agent NUL session NUL (hashed past the key limit)."""
    return _bounded(agent.encode() + b"\x00" + session.encode("utf-8", "surrogateescape"))


def transcript_key(agent: str, session: str, seq: int) -> bytes:
    """``transcripts`` key: the session key + seq."""
    return session_key(agent, session) + seq.to_bytes(8, "big")


def _bounded(raw: bytes) -> bytes:
    if len(raw) <= 400:
        return raw + b"\x00"
    from lsm.hashing import blake2b_digest

    return b"\x01" + blake2b_digest(raw, 16) + b"\x00"


class Applier:
    """Applies records to one LMDB write transaction.

    :param index: the open index (for database handles).
    :param txn: a write transaction; the caller commits it.
    """

    def __init__(self, index: Index, txn: lmdb.Transaction) -> None:
        self.txn = txn
        self.db_meta = index.db("meta")
        self.db_logs = index.db("logs")
        self.db_runs = index.db("runs")
        self.db_latest = index.db("latest")
        self.db_history = index.db("history")
        self.db_checkpoints = index.db("checkpoints")
        self.db_blobs = index.db("blobs")
        self.db_sessions = index.db("sessions")
        self.db_transcripts = index.db("transcripts")
        self.db_session_runs = index.db("session_runs")
        self._max_seq = -1

    # -- sequence bookkeeping

    def _saw_seq(self, seq: int) -> None:
        self._max_seq = max(self._max_seq, seq)

    def finish(self) -> None:
        """Advance ``next_seq`` past every applied record (call before commit)."""
        if (
            self._max_seq >= 0
            and get_u64(self.txn, self.db_meta, META_NEXT_SEQ, 1) <= self._max_seq
        ):
            put_u64(self.txn, self.db_meta, META_NEXT_SEQ, self._max_seq + 1)

    def _saw_run(self, run: int) -> None:
        if get_u64(self.txn, self.db_meta, META_NEXT_RUN, 1) <= run:
            put_u64(self.txn, self.db_meta, META_NEXT_RUN, run + 1)

    # -- order-independent records

    def checkpoint(
        self, rec: CheckpointRecord, group: Pointer, entries: list[tuple[EntryRecord, Pointer]]
    ) -> None:
        """Index one complete checkpoint (header + all its entries)."""
        txn = self.txn
        run, seq = rec.run, rec.seq
        self._saw_seq(seq)
        self._saw_run(run)
        ckey = checkpoint_key(run, seq)
        is_new = txn.get(ckey, db=self.db_checkpoints) is None
        txn.put(ckey, group.pack(), db=self.db_checkpoints)
        for erec, ptr in entries:
            entry = erec.entry
            path = entry.file
            txn.put(
                history_key(run, path, seq),
                HistoryRef(
                    seq,
                    ptr,
                    rec.checkpoint.timestamp,
                    entry.blob_sha,
                    rec.checkpoint.kind,
                    bool(entry.attributions),
                    bool(entry.line_attributions),
                ).encode(),
                db=self.db_history,
            )
            lkey = latest_key(run, path)
            ai = entry_is_ai(rec.checkpoint.kind, entry)
            raw = txn.get(lkey, db=self.db_latest)
            new = FileState(
                path=path,
                run=run,
                seq=seq,
                blob_sha=entry.blob_sha,
                kind=rec.checkpoint.kind,
                timestamp=rec.checkpoint.timestamp,
                ai_touched=ai,
                has_attributions=bool(entry.attributions),
                has_line_attributions=bool(entry.line_attributions),
                pointer=ptr,
            )
            if raw is not None:
                old = FileState.decode(raw, path, run)
                if old.seq > seq:
                    # Applied out of order (rebuild): keep the newer entry, merge the flag.
                    if ai and not old.ai_touched:
                        txn.put(lkey, _with_ai(old).encode(lkey[8:9] == b"p"), db=self.db_latest)
                    continue
                if old.ai_touched and not ai:
                    new = _with_ai(new)
            txn.put(lkey, new.encode(lkey[8:9] == b"p"), db=self.db_latest)
        if is_new:
            self._count_run(rec)
        agent = rec.checkpoint.agent_id
        if agent is not None:
            # Transcripts follow their sessions: compaction keeps a session's
            # transcript while one of its runs is live.
            txn.put(session_key(agent.tool, agent.id) + u64(run), b"", db=self.db_session_runs)

    def _count_run(self, rec: CheckpointRecord) -> None:
        key = run_prefix(rec.run)
        raw = self.txn.get(key, db=self.db_runs)
        info: dict[str, Any] = (
            loads(raw)
            if raw is not None
            else {"log": rec.log, "checkpoints": 0, "last_seq": 0, "last_native_seq": 0}
        )
        info["checkpoints"] = int(info.get("checkpoints", 0)) + 1
        info["last_seq"] = max(int(info.get("last_seq", 0)), rec.seq)
        if not rec.imported:
            info["last_native_seq"] = max(int(info.get("last_native_seq", 0)), rec.seq)
        else:
            info["last_imported_seq"] = max(int(info.get("last_imported_seq", 0)), rec.seq)
        self.txn.put(key, dumps(info), db=self.db_runs)

    def blob(
        self, rec: BlobRecord, ptr: Pointer, size: int | None = None, *, replace: bool = False
    ) -> bool:
        """Index a blob unless it is already known (or ``replace``); True if written."""
        key = bytes.fromhex(rec.sha)
        if not replace and self.txn.get(key, db=self.db_blobs) is not None:
            return False
        n = len(rec.data) if size is None else size
        self.txn.put(key, ptr.pack() + n.to_bytes(8, "little"), db=self.db_blobs)
        return True

    def transcript(self, rec: TranscriptRecord, ptr: Pointer) -> None:
        """Index a transcript batch and advance its session's watermark."""
        self._saw_seq(rec.seq)
        self.txn.put(
            transcript_key(rec.agent, rec.session, rec.seq), ptr.pack(), db=self.db_transcripts
        )
        skey = session_key(rec.agent, rec.session)
        raw = self.txn.get(skey, db=self.db_sessions)
        old = loads(raw) if raw is not None else None
        if old is None or int(old.get("seq", -1)) < rec.seq:
            state = {
                "agent": rec.agent,
                "session": rec.session,
                "seq": rec.seq,
                "end": rec.end,
                "batches": (int(old.get("batches", 0)) if old else 0) + 1,
                **{k: v for k, v in rec.meta.items() if k in ("watermark", "model", "path")},
            }
            self.txn.put(skey, dumps(state), db=self.db_sessions)
        elif old is not None:
            old["batches"] = int(old.get("batches", 0)) + 1
            self.txn.put(skey, dumps(old), db=self.db_sessions)

    # -- order-dependent records (lifecycle)

    def _log(self, name: str) -> dict[str, Any] | None:
        raw = self.txn.get(name.encode("utf-8", "surrogateescape"), db=self.db_logs)
        return None if raw is None else dict(loads(raw))

    def _put_log(self, name: str, info: dict[str, Any]) -> None:
        self.txn.put(name.encode("utf-8", "surrogateescape"), dumps(info), db=self.db_logs)

    def _del_log(self, name: str) -> None:
        self.txn.delete(name.encode("utf-8", "surrogateescape"), db=self.db_logs)

    def _drop_runs(self, runs: list[int]) -> None:
        # A dropped run's records stay in their segments (compaction reclaims
        # them); the index forgets them so that it only describes live logs.
        for run in runs:
            prefix = run_prefix(run)
            for db in (self.db_latest, self.db_history, self.db_checkpoints):
                with self.txn.cursor(db=db) as cur:
                    if cur.set_range(prefix):
                        while cur.key()[:8] == prefix:
                            if not cur.delete():
                                break
            self.txn.delete(prefix, db=self.db_runs)
            # session_runs keys end with the run id; they are few, so scan them.
            with self.txn.cursor(db=self.db_session_runs) as cur:
                stale = [bytes(k) for k in cur.iternext(values=False) if bytes(k)[-8:] == prefix]
            for k in stale:
                self.txn.delete(k, db=self.db_session_runs)

    def _new_run(self, run: int, log: str, at: int) -> None:
        self._saw_run(run)
        key = run_prefix(run)
        raw = self.txn.get(key, db=self.db_runs)
        info: dict[str, Any] = (
            loads(raw)
            if raw is not None
            else {"checkpoints": 0, "last_seq": 0, "last_native_seq": 0}
        )
        info["log"] = log
        info["created"] = at
        self.txn.put(key, dumps(info), db=self.db_runs)

    def event(self, rec: EventRecord) -> None:
        """Apply a lifecycle event (must be called in ``seq`` order)."""
        self._saw_seq(rec.seq)
        a = rec.args
        op = rec.op
        at = int(a.get("at", 0))
        if op == "create" or op == "reset":
            name, run = str(a["log"]), int(a["run"])
            old = self._log(name)
            if old is not None:
                self._drop_runs([int(r) for r in old["runs"]])
            self._new_run(run, name, at)
            self._put_log(
                name,
                {"runs": [run], "created": at, "archived": None, "initial": None, "import": None},
            )
        elif op == "rename":
            old_name, new_name = str(a["old"]), str(a["new"])
            info = self._log(old_name)
            if info is None:
                return
            displaced = self._log(new_name)
            if displaced is not None:
                self._drop_runs([int(r) for r in displaced["runs"]])
            self._put_log(new_name, info)
            self._del_log(old_name)
        elif op == "merge":
            old_name, new_name = str(a["old"]), str(a["new"])
            old_info, new_info = self._log(old_name), self._log(new_name)
            if old_info is None:
                return
            if new_info is None:
                self._put_log(new_name, old_info)
            else:
                new_info["runs"] = [*old_info["runs"], *new_info["runs"]]
                self._put_log(new_name, new_info)
            self._del_log(old_name)
        elif op == "archive":
            name, to = str(a["log"]), str(a["to"])
            info = self._log(name)
            if info is None:
                return
            displaced = self._log(to)
            if displaced is not None and to != name:
                self._drop_runs([int(r) for r in displaced["runs"]])
            info["archived"] = at
            self._put_log(to, info)
            if to != name:
                self._del_log(name)
        elif op == "drop":
            name = str(a["log"])
            info = self._log(name)
            if info is None:
                return
            self._drop_runs([int(r) for r in info["runs"]])
            self._del_log(name)
        elif op == "import":
            name = str(a["log"])
            info = self._log(name)
            if info is None:
                return
            info["import"] = a.get("state")
            self._put_log(name, info)
        # Unknown ops come from a newer writer; like unknown ignorable
        # records they are skipped rather than guessed at.

    def initial(self, rec: InitialRecord, ptr: Pointer) -> None:
        """Point a log at its new INITIAL record (an empty one clears it)."""
        self._saw_seq(rec.seq)
        info = self._log(rec.log)
        if info is None:
            return
        info["initial"] = None if rec.initial.is_empty() else ptr.to_list()
        info["initial_seq"] = None if rec.initial.is_empty() else rec.seq
        self._put_log(rec.log, info)


def _with_ai(state: FileState) -> FileState:
    return state._replace(ai_touched=True)
