"""Applying records to the index: the one place that turns segment facts into keys.

The append path (:class:`lsm.writer.Writer`), tail recovery and the
rebuild all hand records to :meth:`Applier.apply`, so the index a
crash-recovery or a rebuild produces is the index the original append
produced.

Checkpoint, entry, blob and transcript records are *order-independent*
(the newest ``seq`` wins whatever order they are applied in), which lets a
rebuild visit segments in any order. Lifecycle events and INITIAL records
are order-dependent and must be applied in ``seq`` order; the rebuild
collects them (they are few) and replays them last
(:func:`is_order_dependent`).
"""

from __future__ import annotations

from collections.abc import Mapping

import lmdb

from lsm.codec import (
    BlobRecord,
    CheckpointRecord,
    EntryRecord,
    EventRecord,
    InitialRecord,
    Record,
    TranscriptRecord,
)
from lsm.ids import HUMAN, human_short_hash, is_ai_author, legacy_short_hash, session_id
from lsm.indexschema import (
    AGENT_HUMAN,
    AGENT_PROMPT,
    AGENT_SESSION,
    META_NEXT_RUN,
    META_NEXT_SEQ,
    AgentFact,
    BlobRef,
    HistoryRef,
    LatestValue,
    LogEntry,
    RunInfo,
    SegmentInfo,
    agent_key,
    blob_key,
    checkpoint_key,
    dumps,
    encode_u64,
    history_key,
    latest_key,
    log_key,
    run_key,
    seal,
    segment_key,
    session_key,
    session_run_key,
    transcript_key,
    u64,
)
from lsm.indexview import IndexView
from lsm.model import AttributionColumns, CheckpointKind, FileEntry
from lsm.recovery import CheckpointGroup, ScannedItem
from lsm.segment import Pointer

__all__ = ["Applier", "entry_is_ai", "entry_needs_post", "is_order_dependent"]


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


def entry_needs_post(kind: CheckpointKind, entry: FileEntry) -> bool:
    """git-ai's "requires post-processing" (post_commit.rs): the file must be diffed at commit.

    A non-Human checkpoint, or any author other than the ``human``
    placeholder, or an ``overrode``, in either list. Unlike ``ai_touched``,
    KnownHuman checkpoints and ``h_`` authors count.
    """
    if kind is not CheckpointKind.HUMAN:
        return True
    if any(la.author_id != HUMAN or la.overrode is not None for la in entry.line_attributions):
        return True
    attrs = entry.attributions
    authors = (
        attrs.authors if isinstance(attrs, AttributionColumns) else {a.author_id for a in attrs}
    )
    return any(a != HUMAN for a in authors)


def is_order_dependent(item: ScannedItem) -> bool:
    """True for records that must be applied in ``seq`` order (events, INITIAL)."""
    if isinstance(item, CheckpointGroup):
        return False
    return isinstance(item[0], EventRecord | InitialRecord)


class Applier:
    """Applies records to one LMDB write transaction.

    :param txn: a write transaction; the caller commits it.
    :param dbs: handles of the named databases.
    """

    def __init__(self, txn: lmdb.Transaction, dbs: Mapping[str, lmdb._Database]) -> None:
        self.txn = txn
        self.dbs = dbs
        self.view = IndexView(txn, dbs)
        self._max_seq = -1

    def _put(self, db: str, key: bytes, value: bytes) -> None:
        self.txn.put(key, seal(db, key, value), db=self.dbs[db])

    def _delete(self, db: str, key: bytes) -> None:
        self.txn.delete(key, db=self.dbs[db])

    # -- the one entry point

    def apply(
        self, item: ScannedItem, *, blob_size: int | None = None, replace_blob: bool = False
    ) -> None:
        """Apply one complete record (or checkpoint group) found at its pointer.

        ``blob_size`` is a blob's content size when the record was built
        without its data (the writer's); ``replace_blob`` re-points an
        already known blob at this copy (the compactor's re-homing);
        otherwise the first copy of a blob wins.
        """
        if isinstance(item, CheckpointGroup):
            self.checkpoint(item.header, item.pointer, item.entries)
            return
        record: Record = item[0]
        ptr = item[1]
        if isinstance(record, BlobRecord):
            self.blob(record, ptr, blob_size, replace=replace_blob)
        elif isinstance(record, EventRecord):
            self.event(record)
        elif isinstance(record, InitialRecord):
            self.initial(record, ptr)
        elif isinstance(record, TranscriptRecord):
            self.transcript(record, ptr)
        # SEGMENT_INFO and ignorable records teach the index nothing.

    # -- bookkeeping the writer, rebuild and compactor set directly

    def set_meta(self, key: bytes, value: int) -> None:
        """Set a ``meta`` counter."""
        self._put("meta", key, encode_u64(value))

    def put_segment(self, sid: int, info: SegmentInfo) -> None:
        """Record what the index knows of segment ``sid``."""
        self._put("segments", segment_key(sid), info.encode())

    def delete_segment(self, sid: int) -> None:
        """Forget segment ``sid`` (replaced by compaction)."""
        self._delete("segments", segment_key(sid))

    # -- sequence bookkeeping

    def _saw_seq(self, seq: int) -> None:
        self._max_seq = max(self._max_seq, seq)

    def finish(self) -> None:
        """Advance ``next_seq`` past every applied record (call before commit)."""
        if self._max_seq >= 0 and self.view.meta(META_NEXT_SEQ, 1) <= self._max_seq:
            self._put("meta", META_NEXT_SEQ, encode_u64(self._max_seq + 1))

    def _saw_run(self, run: int) -> None:
        if self.view.meta(META_NEXT_RUN, 1) <= run:
            self._put("meta", META_NEXT_RUN, encode_u64(run + 1))

    # -- order-independent records

    def checkpoint(
        self, rec: CheckpointRecord, group: Pointer, entries: list[tuple[EntryRecord, Pointer]]
    ) -> None:
        """Index one complete checkpoint (header + all its entries)."""
        run, seq = rec.run, rec.seq
        cp = rec.checkpoint
        self._saw_seq(seq)
        self._saw_run(run)
        ckey = checkpoint_key(run, seq)
        is_new = self.view.checkpoint_pointer(run, seq) is None
        self._put("checkpoints", ckey, group.pack())
        for erec, ptr in entries:
            entry = erec.entry
            path = entry.file
            has_attrs = bool(entry.attributions)
            has_lines = bool(entry.line_attributions)
            self._put(
                "history",
                history_key(run, path, seq),
                HistoryRef(
                    seq, ptr, cp.timestamp, entry.blob_sha, cp.kind, has_attrs, has_lines
                ).encode(),
            )
            lkey = latest_key(run, path)
            if entry_needs_post(cp.kind, entry):
                self._put("postflags", lkey, b"")
            ai = entry_is_ai(cp.kind, entry)
            old = self.view.latest(run, path)
            if old is not None and old.seq > seq:
                # Applied out of order (rebuild): keep the newer entry, merge the flag.
                if ai and not old.ai_touched:
                    self._put("latest", lkey, old._replace(ai_touched=True).encode())
                continue
            new = LatestValue(
                seq=seq,
                pointer=ptr,
                blob_sha=entry.blob_sha,
                kind=cp.kind,
                timestamp=cp.timestamp,
                ai_touched=ai or (old is not None and old.ai_touched),
                has_attributions=has_attrs,
                has_line_attributions=has_lines,
                full_path=LatestValue.full_path_for(lkey[8:], path),
            )
            self._put("latest", lkey, new.encode())
        if is_new:
            self._count_run(rec)
            self._count_agents(rec)
        agent = cp.agent_id
        if agent is not None:
            # Transcripts follow their sessions: compaction keeps a session's
            # transcript while one of its runs is live.
            self._put("session_runs", session_run_key(agent.tool, agent.id, run), b"")

    def _count_agents(self, rec: CheckpointRecord) -> None:
        """The run's commit-time facts of agents and known humans (once per checkpoint).

        Order-independent, as rebuild needs: sums add up, the newest
        checkpoint's agent id wins (by ``seq``), a known human's first one.
        """
        cp = rec.checkpoint
        agent = cp.agent_id
        if agent is not None:
            if cp.trace_id is not None:
                kind, ident = AGENT_SESSION, session_id(agent.tool, agent.id)
            else:
                kind, ident = AGENT_PROMPT, legacy_short_hash(agent.tool, agent.id)
            key = agent_key(rec.run, kind, ident)
            old = self.view.agent(key)
            stats = cp.line_stats
            newer = old is None or rec.seq >= old.seq
            fact = AgentFact(
                agent.tool if newer or old is None else old.tool,
                agent.id if newer or old is None else old.id,
                agent.model if newer or old is None else old.model,
                stats.additions + (old.additions if old else 0),
                stats.deletions + (old.deletions if old else 0),
                rec.seq if newer or old is None else old.seq,
            )
            self._put("agents", key, fact.encode())
        if cp.kind is CheckpointKind.KNOWN_HUMAN:
            key = agent_key(rec.run, AGENT_HUMAN, human_short_hash(cp.author))
            old = self.view.agent(key)
            if old is None or rec.seq < old.seq:
                self._put("agents", key, AgentFact(cp.author, seq=rec.seq).encode())

    def _count_run(self, rec: CheckpointRecord) -> None:
        info = self.view.run(rec.run) or RunInfo(log=rec.log)
        info = info._replace(checkpoints=info.checkpoints + 1, last_seq=max(info.last_seq, rec.seq))
        if rec.imported:
            info = info._replace(last_imported_seq=max(info.last_imported_seq, rec.seq))
        else:
            info = info._replace(last_native_seq=max(info.last_native_seq, rec.seq))
        self._put("runs", run_key(rec.run), info.encode(rec.run))

    def blob(
        self, rec: BlobRecord, ptr: Pointer, size: int | None = None, *, replace: bool = False
    ) -> bool:
        """Index a blob unless it is already known (or ``replace``); True if written."""
        key = blob_key(rec.sha)
        if key is None:
            return False
        if not replace and self.view.blob(rec.sha) is not None:
            return False
        self._put("blobs", key, BlobRef(ptr, len(rec.data) if size is None else size).encode())
        return True

    def transcript(self, rec: TranscriptRecord, ptr: Pointer) -> None:
        """Index a transcript batch and advance its session's watermark."""
        self._saw_seq(rec.seq)
        self._put("transcripts", transcript_key(rec.agent, rec.session, rec.seq), ptr.pack())
        skey = session_key(rec.agent, rec.session)
        old = self.view.session(rec.agent, rec.session)
        if old is None or int(old.get("seq", -1)) < rec.seq:
            state = {
                "agent": rec.agent,
                "session": rec.session,
                "seq": rec.seq,
                "end": rec.end,
                "batches": (int(old.get("batches", 0)) if old else 0) + 1,
                **{k: v for k, v in rec.meta.items() if k in ("watermark", "model", "path")},
            }
            self._put("sessions", skey, dumps(state))
        else:
            old["batches"] = int(old.get("batches", 0)) + 1
            self._put("sessions", skey, dumps(old))

    # -- order-dependent records (lifecycle)

    def _put_log(self, name: str, entry: LogEntry) -> None:
        self._put("logs", log_key(name), entry.encode(name))

    def _drop_runs(self, runs: tuple[int, ...]) -> None:
        # A dropped run's records stay in their segments (compaction reclaims
        # them); the index forgets them so that it only describes live logs.
        for run in runs:
            prefix = run_key(run)
            for db in ("latest", "history", "checkpoints", "postflags", "agents"):
                with self.txn.cursor(db=self.dbs[db]) as cur:
                    if cur.set_range(prefix):
                        while cur.key()[:8] == prefix:
                            if not cur.delete():
                                break
            self._delete("runs", prefix)
            # session_runs keys end with the run id; they are few, so scan them.
            stale = [k for k in self.view.session_run_keys() if k[-8:] == prefix]
            for k in stale:
                self._delete("session_runs", k)

    def _new_run(self, run: int, log: str, at: int) -> None:
        self._saw_run(run)
        info = self.view.run(run) or RunInfo()
        self._put("runs", run_key(run), info._replace(log=log, created=at).encode(run))

    def event(self, rec: EventRecord) -> None:
        """Apply a lifecycle event (must be called in ``seq`` order)."""
        self._saw_seq(rec.seq)
        a = rec.args
        op = rec.op
        at = int(a.get("at", 0))
        view = self.view
        if op == "create" or op == "reset":
            name, run = str(a["log"]), int(a["run"])
            old = view.log(name)
            if old is not None:
                self._drop_runs(old.runs)
            self._new_run(run, name, at)
            self._put_log(name, LogEntry(runs=(run,), created=at))
        elif op == "rename":
            old_name, new_name = str(a["old"]), str(a["new"])
            info = view.log(old_name)
            if info is None:
                return
            displaced = view.log(new_name)
            if displaced is not None:
                self._drop_runs(displaced.runs)
            self._put_log(new_name, info)
            self._delete("logs", log_key(old_name))
        elif op == "merge":
            old_name, new_name = str(a["old"]), str(a["new"])
            old_info, new_info = view.log(old_name), view.log(new_name)
            if old_info is None:
                return
            if new_info is None:
                self._put_log(new_name, old_info)
            else:
                self._put_log(new_name, new_info._replace(runs=old_info.runs + new_info.runs))
            self._delete("logs", log_key(old_name))
        elif op == "archive":
            name, to = str(a["log"]), str(a["to"])
            info = view.log(name)
            if info is None:
                return
            displaced = view.log(to)
            if displaced is not None and to != name:
                self._drop_runs(displaced.runs)
            self._put_log(to, info._replace(archived=at))
            if to != name:
                self._delete("logs", log_key(name))
        elif op == "drop":
            name = str(a["log"])
            info = view.log(name)
            if info is None:
                return
            self._drop_runs(info.runs)
            self._delete("logs", log_key(name))
        elif op == "import":
            name = str(a["log"])
            info = view.log(name)
            if info is None:
                return
            self._put_log(name, info._replace(import_state=a.get("state")))
        # Unknown ops come from a newer writer; like unknown ignorable
        # records they are skipped rather than guessed at.

    def initial(self, rec: InitialRecord, ptr: Pointer) -> None:
        """Point a log at its new INITIAL record (an empty one clears it)."""
        self._saw_seq(rec.seq)
        info = self.view.log(rec.log)
        if info is None:
            return
        empty = rec.initial.is_empty()
        self._put_log(
            rec.log,
            info._replace(initial=None if empty else ptr, initial_seq=None if empty else rec.seq),
        )

    # -- compaction: re-point keys that still name replaced segments

    def repoint_checkpoint(self, run: int, seq: int, ptr: Pointer | None, inputs: set[int]) -> None:
        """Point checkpoint ``seq`` at its copy (None: drop it), if it is still in ``inputs``."""
        cur = self.view.checkpoint_pointer(run, seq)
        if cur is None or cur.segment not in inputs:
            return  # a newer append or reset owns the key now
        if ptr is None:
            self._delete("checkpoints", checkpoint_key(run, seq))
        else:
            self._put("checkpoints", checkpoint_key(run, seq), ptr.pack())

    def repoint_history(
        self, run: int, pk: bytes, seq: int, ref: HistoryRef | None, inputs: set[int]
    ) -> bool:
        """As :meth:`repoint_checkpoint` for one ``history`` key; True if it changed."""
        key = run_key(run) + pk + u64(seq)
        raw = self.view.raw("history", key)
        if raw is None or HistoryRef.decode(raw, seq).pointer.segment not in inputs:
            return False
        if ref is None:
            self._delete("history", key)
        else:
            self._put("history", key, ref.encode())
        return True

    def repoint_blob(self, sha: bytes, ref: BlobRef | None, inputs: set[int]) -> None:
        """As :meth:`repoint_checkpoint` for one blob."""
        cur = self.view.blob(sha.hex())
        if cur is None or cur.pointer.segment not in inputs:
            return
        if ref is None:
            self._delete("blobs", sha)
        else:
            self._put("blobs", sha, ref.encode())

    def repoint_transcript(
        self, skey: bytes, seq: int, ptr: Pointer | None, inputs: set[int]
    ) -> None:
        """As :meth:`repoint_checkpoint` for one transcript batch (session key + seq)."""
        key = skey + u64(seq)
        raw = self.view.raw("transcripts", key)
        if raw is None or Pointer.unpack(raw).segment not in inputs:
            return
        if ptr is None:
            self._delete("transcripts", key)
        else:
            self._put("transcripts", key, ptr.pack())

    def repoint_initials(self, moved: Mapping[int, Pointer], inputs: set[int]) -> None:
        """Point every log whose INITIAL (by seq) was copied at the copy."""
        for name, entry in list(self.view.logs()):
            if (
                entry.initial_seq is not None
                and entry.initial_seq in moved
                and entry.initial is not None
                and entry.initial.segment in inputs
            ):
                self._put_log(name, entry._replace(initial=moved[entry.initial_seq]))

    def refresh_latest(
        self, run: int, pk: bytes, snapshot_seq: int, inputs: set[int], log_runs: tuple[int, ...]
    ) -> None:
        """Point ``latest[run, pk]`` at the newest entry the history still holds.

        Only when that key still names an input segment and no append newer
        than the compaction's snapshot owns it. When the run lost its last
        entry of the file, the key goes; the log's AI-touched fact moves to
        the newest other run of the log that has the file (``log_runs``).
        """
        lkey = run_key(run) + pk
        raw = self.view.raw("latest", lkey)
        if raw is None:
            return
        old = LatestValue.decode(raw)
        if old.seq > snapshot_seq or old.pointer.segment not in inputs:
            return  # a newer append owns it, or it was not compacted
        newest = self.view.newest_history(run, pk)
        if newest is None:
            self._delete("latest", lkey)
            if old.ai_touched:
                self._carry_ai_flag(run, pk, log_runs)
            return
        self._put(
            "latest",
            lkey,
            LatestValue(
                seq=newest.seq,
                pointer=newest.pointer,
                blob_sha=newest.blob_sha,
                kind=newest.kind,
                timestamp=newest.timestamp,
                ai_touched=old.ai_touched,
                has_attributions=newest.has_attributions,
                has_line_attributions=newest.has_line_attributions,
                full_path=old.full_path,
            ).encode(),
        )

    def _carry_ai_flag(self, run: int, pk: bytes, log_runs: tuple[int, ...]) -> None:
        # The run lost its last entry of this file; the log's AI-touched fact must
        # survive in a run that still has one (git-ai derives it from all entries).
        for other in reversed(log_runs):
            if other == run:
                continue
            key = run_key(other) + pk
            raw = self.view.raw("latest", key)
            if raw is None:
                continue
            self._put("latest", key, LatestValue.decode(raw)._replace(ai_touched=True).encode())
            return
