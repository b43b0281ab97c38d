"""A read-only, typed view of the index inside one LMDB transaction.

Every read of the index goes through :class:`IndexView`: the Store's reads
(over a read snapshot), the Writer's read-backs and the Applier's
read-modify-writes (over the write transaction they run in), verify and the
compactor's plan. It decodes values with :mod:`lsm.indexschema` and knows
how a working log's runs combine (the newest entry of a file is in the last
run that has one; ``ai_touched`` is the OR over runs). It never writes and
never reads a segment.

What can fail: decoding errors of damaged index values propagate as
``ValueError``/``KeyError``/``TypeError`` (the store maps them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

import lmdb

from lsm.ids import session_id
from lsm.indexschema import (
    AGENT_HUMAN,
    AGENT_SESSION,
    META_FACTS,
    META_FORMAT,
    META_INDEX,
    AgentFact,
    BlobRef,
    HistoryRef,
    IndexValueError,
    LatestValue,
    LogEntry,
    RunInfo,
    SegmentInfo,
    agent_key,
    agent_prefix,
    blob_key,
    checkpoint_key,
    decode_u64,
    history_prefix,
    key_run,
    key_seq,
    latest_key,
    loads,
    log_key,
    log_name,
    path_of_key,
    run_key,
    segment_id,
    segment_key,
    session_key,
    u64,
    unseal,
)
from lsm.results import AgentTotals, CommitFacts, CommitFile, FileState, LogInfo
from lsm.segment import Pointer

__all__ = ["IndexView"]


def _file_state(path: str, run: int, value: LatestValue, ai: bool) -> FileState:
    return FileState(
        path=path,
        run=run,
        seq=value.seq,
        blob_sha=value.blob_sha,
        kind=value.kind,
        timestamp=value.timestamp,
        ai_touched=ai,
        has_attributions=value.has_attributions,
        has_line_attributions=value.has_line_attributions,
        pointer=value.pointer,
    )


class IndexView:
    """Typed reads over ``txn`` (a read snapshot or a write transaction).

    :param txn: the transaction; the caller owns it (and ends it).
    :param dbs: handles of the named databases.
    """

    __slots__ = ("dbs", "txn")

    def __init__(self, txn: lmdb.Transaction, dbs: Mapping[str, lmdb._Database]) -> None:
        self.txn = txn
        self.dbs = dbs

    def _get(self, db: str, key: bytes) -> bytes | None:
        raw = self.txn.get(key, db=self.dbs[db])
        return None if raw is None else unseal(db, key, bytes(raw))

    def raw(self, db: str, key: bytes) -> bytes | None:
        """The value of ``key`` in ``db`` (checksum checked), or None."""
        return self._get(db, key)

    def _scan(self, db: str, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """``(key, value)`` of every key starting with ``prefix``, in key order."""
        n = len(prefix)
        with self.txn.cursor(db=self.dbs[db]) as cur:
            if not cur.set_range(prefix):
                return
            for key, val in cur:
                k = bytes(key)
                if k[:n] != prefix:
                    return
                yield k, unseal(db, k, bytes(val))

    def count(self, db: str) -> int:
        """How many keys a named database holds."""
        return int(self.txn.stat(self.dbs[db])["entries"])

    # ------------------------------------------------------------------ meta

    def meta(self, key: bytes, default: int = 0) -> int:
        """A ``meta`` counter (``default`` when unset)."""
        raw = self._get("meta", key)
        return default if raw is None else decode_u64(raw)

    def index_version(self) -> int:
        """The index schema's version (:data:`lsm.indexschema.INDEX_VERSION`).

        0 for an empty index; 1 for one built before the versions were
        recorded (its values are not sealed): that is what a populated
        index without the key is.
        """
        if self.txn.get(META_INDEX, db=self.dbs["meta"]) is not None:
            return self.meta(META_INDEX)
        return 1 if self.txn.get(META_FORMAT, db=self.dbs["meta"]) is not None else 0

    def meta_of_any_version(self, key: bytes, default: int = 0) -> int:
        """A ``meta`` counter of this or an older schema (rebuild reads the old floors)."""
        raw = self.txn.get(key, db=self.dbs["meta"])
        if raw is None:
            return default
        value = bytes(raw)
        return decode_u64(value if len(value) == 8 else unseal("meta", key, value))

    # ------------------------------------------------------------------ logs and runs

    def log(self, name: str) -> LogEntry | None:
        """One working log, or None."""
        raw = self._get("logs", log_key(name))
        if raw is None:
            return None
        # Every read of a file looks its log up first: the same bytes decode
        # to the same (immutable) value, so they are decoded once a process.
        found = _LOGS_DECODED.get((raw, name))
        if found is None:
            if len(_LOGS_DECODED) >= _LOGS_DECODED_MAX:
                _LOGS_DECODED.clear()
            found = _LOGS_DECODED[(raw, name)] = LogEntry.decode(raw, name)
        return found

    def logs(self) -> Iterator[tuple[str, LogEntry]]:
        """Every working log, by name."""
        for key, val in self._scan("logs", b""):
            name = log_name(key)
            yield name, LogEntry.decode(val, name)

    def runs_of(self, log: str) -> tuple[int, ...]:
        """The log's runs, oldest first (empty if the log does not exist)."""
        entry = self.log(log)
        return () if entry is None else entry.runs

    def run(self, run: int) -> RunInfo | None:
        """One run's counters, or None."""
        raw = self._get("runs", run_key(run))
        return None if raw is None else RunInfo.decode(raw, run)

    def runs(self) -> Iterator[tuple[int, RunInfo]]:
        """Every live run."""
        for key, val in self._scan("runs", b""):
            run = key_run(key)
            yield run, RunInfo.decode(val, run)

    def log_info(self, name: str, entry: LogEntry) -> LogInfo:
        """The public description of a log (its checkpoint count from the run counters)."""
        count = 0
        for run in entry.runs:
            info = self.run(run)
            if info is not None:
                count += info.checkpoints
        return LogInfo(
            name=name,
            runs=entry.runs,
            created_ms=entry.created,
            archived_ms=entry.archived,
            has_initial=entry.initial is not None,
            checkpoints=count,
            import_state=entry.import_state,
        )

    # ------------------------------------------------------------------ files

    def latest(self, run: int, path: str) -> LatestValue | None:
        """``latest[run, path]``, or None."""
        raw = self._get("latest", latest_key(run, path))
        return None if raw is None else LatestValue.decode(raw)

    def latest_of_run(self, run: int) -> Iterator[tuple[bytes, LatestValue]]:
        """``(path key, value)`` of every file with an entry in ``run``, in path-key order."""
        for key, val in self._scan("latest", run_key(run)):
            yield key[8:], LatestValue.decode(val)

    def latest_all(self) -> Iterator[tuple[bytes, LatestValue]]:
        """``(key, value)`` of the whole ``latest`` database."""
        for key, val in self._scan("latest", b""):
            yield key, LatestValue.decode(val)

    def file_state(self, log: str, path: str) -> FileState | None:
        """The newest state of ``path`` in ``log`` over its runs (``ai_touched`` OR'd)."""
        found: tuple[int, LatestValue] | None = None
        ai = False
        for run in reversed(self.runs_of(log)):
            value = self.latest(run, path)
            if value is None:
                continue
            if found is None:
                found = (run, value)
            ai = ai or value.ai_touched
            if ai:
                break
        if found is None:
            return None
        return _file_state(path, found[0], found[1], ai)

    def files(self, log: str) -> list[FileState]:
        """The newest state of every file in ``log``, in path-key order."""
        merged: dict[bytes, tuple[str, int, LatestValue, bool]] = {}
        for run in self.runs_of(log):
            for pk, value in self.latest_of_run(run):
                prev = merged.get(pk)
                ai = value.ai_touched or (prev is not None and prev[3])
                merged[pk] = (path_of_key(pk, value.full_path), run, value, ai)
        return [_file_state(*merged[pk]) for pk in sorted(merged)]

    def history_refs(self, log: str, path: str) -> list[tuple[int, HistoryRef]]:
        """``(run, ref)`` of every retained entry of ``path`` in ``log``, newest first."""
        refs: list[tuple[int, HistoryRef]] = []
        for run in reversed(self.runs_of(log)):
            prefix = history_prefix(run, path)
            plen = len(prefix)
            with self.txn.cursor(db=self.dbs["history"]) as cur:
                found = cur.set_range(prefix + b"\xff" * 8)
                if not (cur.prev() if found else cur.last()):
                    continue
                while True:
                    key = bytes(cur.key())
                    if key[:plen] != prefix or len(key) != plen + 8:
                        break
                    refs.append(
                        (
                            run,
                            HistoryRef.decode(_value(cur, "history", key), key_seq(key)),
                        )
                    )
                    if not cur.prev():
                        break
        return refs

    def history_ref(self, run: int, path: str, seq: int) -> HistoryRef | None:
        """One ``history`` value, or None."""
        raw = self._get("history", history_prefix(run, path) + u64(seq))
        return None if raw is None else HistoryRef.decode(raw, seq)

    def history_of(self, run: int, pk: bytes) -> Iterator[tuple[int, HistoryRef]]:
        """``(seq, ref)`` of every entry of path key ``pk`` in ``run``, oldest first."""
        prefix = run_key(run) + pk
        plen = len(prefix)
        for key, val in self._scan("history", prefix):
            if len(key) == plen + 8:
                yield key_seq(key), HistoryRef.decode(val, key_seq(key))

    def newest_history(self, run: int, pk: bytes) -> HistoryRef | None:
        """The newest entry of path key ``pk`` in ``run``, or None."""
        prefix = run_key(run) + pk
        with self.txn.cursor(db=self.dbs["history"]) as cur:
            found = cur.set_range(prefix + b"\xff" * 8)
            if cur.prev() if found else cur.last():
                k = bytes(cur.key())
                if k[: len(prefix)] == prefix and len(k) == len(prefix) + 8:
                    return HistoryRef.decode(_value(cur, "history", k), key_seq(k))
        return None

    def next_history(self, run: int, pk: bytes, after_seq: int | None) -> HistoryRef | None:
        """The first entry of ``pk`` in ``run`` after ``after_seq`` (from the start if None)."""
        prefix = run_key(run) + pk
        start = prefix if after_seq is None else prefix + u64(after_seq + 1)
        with self.txn.cursor(db=self.dbs["history"]) as cur:
            if cur.set_range(start):
                k = bytes(cur.key())
                if k[: len(prefix)] == prefix and len(k) == len(prefix) + 8:
                    return HistoryRef.decode(_value(cur, "history", k), key_seq(k))
        return None

    def history_all(self) -> Iterator[tuple[bytes, HistoryRef]]:
        """``(key, ref)`` of the whole ``history`` database."""
        for key, val in self._scan("history", b""):
            yield key, HistoryRef.decode(val, key_seq(key))

    # ------------------------------------------------------------------ checkpoints

    def checkpoint_pointer(self, run: int, seq: int) -> Pointer | None:
        """The pointer of checkpoint ``seq`` of ``run`` (header + entries), or None."""
        raw = self._get("checkpoints", checkpoint_key(run, seq))
        return None if raw is None else Pointer.unpack(raw)

    def checkpoint_pointers(
        self, run: int, from_seq: int = 0, limit: int | None = None
    ) -> list[tuple[int, Pointer]]:
        """``(seq, pointer)`` of the run's checkpoints from ``from_seq`` on, at most ``limit``."""
        out: list[tuple[int, Pointer]] = []
        prefix = run_key(run)
        with self.txn.cursor(db=self.dbs["checkpoints"]) as cur:
            ok = cur.set_range(prefix + u64(from_seq))
            while ok and (limit is None or len(out) < limit):
                key = bytes(cur.key())
                if key[:8] != prefix:
                    break
                out.append((key_seq(key), Pointer.unpack(_value(cur, "checkpoints", key))))
                ok = cur.next()
        return out

    def checkpoints_all(self) -> Iterator[tuple[int, int, Pointer]]:
        """``(run, seq, pointer)`` of every indexed checkpoint."""
        for key, val in self._scan("checkpoints", b""):
            yield key_run(key), key_seq(key), Pointer.unpack(val)

    def find_checkpoint(self, seq: int) -> Pointer | None:
        """The pointer of checkpoint ``seq`` in whichever live run holds it."""
        for run, _info in self.runs():
            ptr = self.checkpoint_pointer(run, seq)
            if ptr is not None:
                return ptr
        return None

    # ------------------------------------------------------------------ blobs

    def blob(self, sha: str) -> BlobRef | None:
        """Where the content with this sha256 hex is, or None."""
        key = blob_key(sha)
        if key is None:
            return None
        raw = self._get("blobs", key)
        return None if raw is None else BlobRef.decode(raw)

    def blobs(self) -> Iterator[tuple[str, BlobRef]]:
        """``(sha hex, ref)`` of every stored blob."""
        for key, val in self._scan("blobs", b""):
            yield key.hex(), BlobRef.decode(val)

    # ------------------------------------------------------------------ segments

    def segment(self, sid: int) -> SegmentInfo | None:
        """What the index knows of segment ``sid``, or None."""
        raw = self._get("segments", segment_key(sid))
        return None if raw is None else SegmentInfo.decode(raw)

    def segments(self) -> Iterator[tuple[int, SegmentInfo]]:
        """Every segment the index knows, by id."""
        for key, val in self._scan("segments", b""):
            yield segment_id(key), SegmentInfo.decode(val)

    # ------------------------------------------------------------------ transcripts

    def session(self, agent: str, session: str) -> dict[str, Any] | None:
        """One agent session's transcript state, or None."""
        raw = self._get("sessions", session_key(agent, session))
        if raw is None:
            return None
        state = dict(loads(raw))
        if state.get("agent", agent) != agent or state.get("session", session) != session:
            raise IndexValueError(f"the state of session {agent}/{session} is another session's")
        return state

    def sessions(self) -> Iterator[dict[str, Any]]:
        """Every agent session's transcript state."""
        for _key, val in self._scan("sessions", b""):
            yield dict(loads(val))

    def transcript_pointers(self, agent: str, session: str) -> list[Pointer]:
        """Pointers of the session's transcript batches, in seq order."""
        prefix = session_key(agent, session)
        return [
            Pointer.unpack(val)
            for key, val in self._scan("transcripts", prefix)
            if len(key) == len(prefix) + 8
        ]

    def transcripts_all(self) -> Iterator[tuple[bytes, Pointer]]:
        """``(key, pointer)`` of every transcript batch."""
        for key, val in self._scan("transcripts", b""):
            yield key, Pointer.unpack(val)

    # -- commit-time facts

    def agent(self, key: bytes) -> AgentFact | None:
        """One ``agents`` value."""
        raw = self._get("agents", key)
        return None if raw is None else AgentFact.decode(raw)

    def agents_of_run(
        self, run: int, *, all_sessions: bool = True
    ) -> Iterator[tuple[bytes, str, AgentFact]]:
        """``(kind, id, fact)`` of every agent and known human of a run.

        ``all_sessions=False`` stops before the sessions (kind ``s`` sorts
        last): the known humans and legacy prompts only.
        """
        prefix = agent_prefix(run)
        end = agent_prefix(run, AGENT_SESSION)
        for key, raw in self._scan("agents", prefix):
            if not all_sessions and key.startswith(end):
                return
            kind = key[8:9]
            ident = key[9:].decode("utf-8", "surrogateescape")
            if kind == AGENT_SESSION:
                yield kind, ident, self._session_fact(ident, raw)
            else:
                yield kind, ident, AgentFact.decode(raw)

    @staticmethod
    def _session_fact(ident: str, raw: bytes) -> AgentFact:
        fact = AgentFact.decode(raw)
        if session_id(fact.tool, fact.id) != ident:
            # The value must be its key's session (a damaged or swapped value is not).
            raise IndexValueError(f"the fact of session {ident} names another agent")
        return fact

    def commit_facts(
        self,
        log: str,
        *,
        also: Collection[str] | None = None,
        sessions: bool = True,
    ) -> CommitFacts | None:
        """``log``'s commit-time facts, or None when this index does not keep them.

        ``also``, ``sessions``: as :meth:`lsm.store.Store.commit_facts`.
        """
        if self.meta(META_FACTS, 0) != 1:
            return None
        runs = self.runs_of(log)
        merged: dict[bytes, tuple[str, LatestValue, bool]] = {}
        for run in runs:
            for pk, value in self.latest_of_run(run):
                prev = merged.get(pk)
                flag = self.needs_post(run, pk) or (prev is not None and prev[2])
                merged[pk] = (path_of_key(pk, value.full_path), value, flag)
        files = []
        for pk in sorted(merged):
            path, value, flag = merged[pk]
            wanted = also is None or flag or path in also
            found = self._newest_attributed(runs, pk) if wanted else None
            files.append(CommitFile(path, value.blob_sha, flag, found))
        found_sessions: dict[str, AgentTotals] = {}
        prompts: dict[str, AgentTotals] = {}
        humans: dict[str, str] = {}
        for run in runs:  # oldest first: a later run's checkpoints come later in the log
            for kind, ident, fact in self.agents_of_run(run, all_sessions=sessions):
                if kind == AGENT_HUMAN:
                    humans.setdefault(ident, fact.tool)
                else:
                    _add_totals(found_sessions if kind == AGENT_SESSION else prompts, ident, fact)
        return CommitFacts(files, found_sessions, prompts, humans)

    def session_totals(self, log: str, keys: Collection[str]) -> dict[str, AgentTotals]:
        """The sessions ``keys`` of ``log`` (those it has), folded as in :meth:`commit_facts`."""
        out: dict[str, AgentTotals] = {}
        for run in self.runs_of(log):
            for ident in sorted(keys):
                raw = self._get("agents", agent_key(run, AGENT_SESSION, ident))
                if raw is not None:
                    _add_totals(out, ident, self._session_fact(ident, raw))
        return out

    def _newest_attributed(
        self, runs: tuple[int, ...], pk: bytes
    ) -> tuple[int, int, Pointer] | None:
        # Newest first, stopping at the first entry with attribution data:
        # usually the newest itself, so this costs one or two reads.
        for run in reversed(runs):
            prefix = run_key(run) + pk
            plen = len(prefix)
            with self.txn.cursor(db=self.dbs["history"]) as cur:
                found = cur.set_range(prefix + b"\xff" * 8)
                ok = cur.prev() if found else cur.last()
                while ok:
                    key = bytes(cur.key())
                    if key[:plen] != prefix or len(key) != plen + 8:
                        break
                    ref = HistoryRef.decode(_value(cur, "history", key), key_seq(key))
                    if ref.has_attributions or ref.has_line_attributions:
                        return run, ref.seq, ref.pointer
                    ok = cur.prev()
        return None

    def needs_post(self, run: int, pk: bytes) -> bool:
        """Whether some entry of a file in a run requires post-processing at commit."""
        return self._get("postflags", run_key(run) + pk) is not None

    def session_run_keys(self) -> Iterator[bytes]:
        """Every ``session_runs`` key (session key + run)."""
        for key, _val in self._scan("session_runs", b""):
            yield key


def _add_totals(table: dict[str, AgentTotals], ident: str, fact: AgentFact) -> None:
    """Fold one run's fact in: the newest agent id wins, line stats add up."""
    old = table.get(ident)
    table[ident] = AgentTotals(
        fact.tool,
        fact.id,
        fact.model,
        fact.additions + (old.additions if old else 0),
        fact.deletions + (old.deletions if old else 0),
    )


#: ``logs`` values already decoded (value bytes and name -> entry); bounded, cleared when full.
_LOGS_DECODED: dict[tuple[bytes, str], LogEntry] = {}
_LOGS_DECODED_MAX = 256


def _value(cur: lmdb.Cursor, db: str, key: bytes) -> bytes:
    """The cursor's current value, its checksum checked (:func:`lsm.indexschema.unseal`)."""
    return unseal(db, key, bytes(cur.value()))
