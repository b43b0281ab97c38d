"""What a compaction will keep, decided from one index snapshot (no segment reads).

Every decision is a function of index keys, so the copy pass can stream
records and ask, per entry, :meth:`Plan.decide`. Per file and log the plan
keeps two small facts (the git-ai prune threshold and the newest
position), never a list of entries, so memory grows with the number of
files, not with the history.

Positions are log order: ``(index of the run in the log, seq)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lsm.compaction.policy import Action, Policy
from lsm.indexschema import META_NEXT_SEQ, key_run
from lsm.indexview import IndexView
from lsm.record import NamedTuple
from lsm.segment import Pointer

__all__ = ["LogView", "Plan"]

_Pos = tuple[int, int]


class LogView(NamedTuple):
    """A live working log in the snapshot."""

    name: str
    runs: tuple[int, ...]
    initial_seq: int | None
    prune_pos: _Pos | None  #: position of the log's last native checkpoint


@dataclass(slots=True)
class _PathFacts:
    threshold: _Pos | None  # entries before it are stripped (git-ai rule)
    newest: _Pos | None  # the file's newest entry in the log


@dataclass(slots=True)
class Plan:
    """Decisions of one compaction (built by :meth:`build`)."""

    policy: Policy
    inputs: list[int]
    snapshot_seq: int
    logs: dict[str, LogView]
    run_log: dict[int, str]
    run_index: dict[int, int]
    live_initial_seqs: set[int]
    live_sessions: set[bytes]
    #: Every record at or below the snapshot is in the inputs (the active segment held none):
    #: lifecycle events of dead runs can go (:meth:`event_action`).
    whole_history: bool = False
    referenced_blobs: set[bytes] = field(default_factory=set)
    #: Pointers of every live log's INITIAL record (their snapshots are referenced).
    initial_pointers: list[Pointer] = field(default_factory=list)
    _view: IndexView | None = None
    _facts: dict[tuple[str, bytes], _PathFacts] = field(default_factory=dict)

    # ------------------------------------------------------------------ building

    @property
    def view(self) -> IndexView:
        """The snapshot the plan was built from."""
        if self._view is None:
            raise RuntimeError("a Plan is used through Plan.build")
        return self._view

    @classmethod
    def build(cls, view: IndexView, policy: Policy, inputs: list[int]) -> Plan:
        """Read the snapshot ``view`` (kept open by the caller for the whole compaction)."""
        logs: dict[str, LogView] = {}
        run_log: dict[int, str] = {}
        run_index: dict[int, int] = {}
        for name, entry in view.logs():
            prune: _Pos | None = None
            for i, run in enumerate(entry.runs):
                run_log[run] = name
                run_index[run] = i
                info = view.run(run)
                native = info.last_native_seq if info is not None else 0
                if native:
                    prune = (i, native)
            logs[name] = LogView(name, entry.runs, entry.initial_seq, prune)
        live_sessions = set()
        for k in view.session_run_keys():
            if key_run(k[-8:]) in run_log:
                live_sessions.add(k[:-8])
        plan = cls(
            policy=policy,
            inputs=inputs,
            snapshot_seq=view.meta(META_NEXT_SEQ, 1) - 1,
            logs=logs,
            run_log=run_log,
            run_index=run_index,
            live_initial_seqs={v.initial_seq for v in logs.values() if v.initial_seq is not None},
            live_sessions=live_sessions,
        )
        plan._view = view
        plan._collect_blobs()
        return plan

    def _collect_blobs(self) -> None:
        # Blobs live on while a kept entry or a live INITIAL names them.
        for k, ref in self.view.history_all():
            run = key_run(k)
            if run not in self.run_log:
                continue
            kept = self.decide(run, k[8:-8], ref.seq, ref.timestamp) is not Action.DROP
            if kept and len(ref.blob_sha) == 64:
                self.referenced_blobs.add(bytes.fromhex(ref.blob_sha))
        for _name, entry in self.view.logs():
            if entry.initial is not None:
                self.initial_pointers.append(entry.initial)

    def add_initial_blobs(self, shas: list[str]) -> None:
        """Mark the snapshot blobs of live INITIAL records as referenced."""
        for sha in shas:
            if len(sha) == 64:
                self.referenced_blobs.add(bytes.fromhex(sha))

    def event_action(self, op: str, args: dict[str, object]) -> Action:
        """KEEP or DROP a lifecycle event (LOG_EVENT) of the inputs.

        Rebuild replays the events in seq order to recreate the logs: a
        ``create`` or ``reset`` gives a log one new run, a ``drop`` ends a
        log and its runs. The event that started a run no live log holds,
        and every ``drop``, only ever shaped runs that are dead now; once no
        record of those runs is left (:attr:`whole_history`: the inputs hold
        every record up to the snapshot, and the dead runs' checkpoints and
        INITIALs go in the same compaction), replaying without them gives
        the same logs. Otherwise a dead run's checkpoint left elsewhere
        would make rebuild recreate its log, so all are kept. Renames,
        merges, archives and imports are always kept.
        """
        if not self.whole_history:
            return Action.KEEP
        if op in ("create", "reset"):
            run = args.get("run")
            if isinstance(run, int) and run not in self.run_log:
                return Action.DROP
        elif op == "drop":
            return Action.DROP
        return Action.KEEP

    # ------------------------------------------------------------------ per-file facts

    def _log_refs(self, log: LogView, pk: bytes) -> list[tuple[_Pos, int]]:
        """``(position, timestamp)`` of every entry of ``pk`` in ``log``, oldest first."""
        out: list[tuple[_Pos, int]] = []
        for i, run in enumerate(log.runs):
            for seq, ref in self.view.history_of(run, pk):
                out.append(((i, seq), ref.timestamp))
        return out

    def _path_facts(self, log: LogView, pk: bytes) -> _PathFacts:
        key = (log.name, pk)
        found = self._facts.get(key)
        if found is not None:
            return found
        threshold: _Pos | None = None
        newest: _Pos | None = None
        refs = self._log_refs(log, pk)
        if refs:
            newest = refs[-1][0]
            if log.prune_pos is not None:
                # The newest entry at or before the last native append: every
                # older entry was pruned by git-ai at that append.
                for pos, _ts in reversed(refs):
                    if pos <= log.prune_pos:
                        threshold = pos
                        break
        facts = _PathFacts(threshold, newest)
        self._facts[key] = facts
        return facts

    def _next_timestamp(self, log: LogView, pos: _Pos, pk: bytes) -> int | None:
        """Timestamp of the file's next entry after ``pos`` in log order, or None."""
        i, seq = pos
        for j in range(i, len(log.runs)):
            ref = self.view.next_history(log.runs[j], pk, seq if j == i else None)
            if ref is not None:
                return ref.timestamp
        return None

    # ------------------------------------------------------------------ decisions

    def decide(self, run: int, pk: bytes, seq: int, timestamp: int) -> Action:
        """The policy's verdict on entry ``seq`` of path key ``pk`` in ``run``."""
        name = self.run_log.get(run)
        if name is None:
            return Action.DROP  # the run belongs to no live log: garbage
        if self.policy.name == "full":
            return Action.KEEP
        log = self.logs[name]
        facts = self._path_facts(log, pk)
        pos = (self.run_index[run], seq)
        if self.policy.name == "latest" and pos != facts.newest:
            return Action.DROP
        if self.policy.name == "time" and pos != facts.newest:
            nxt = self._next_timestamp(log, pos, pk)
            width = self.policy.interval_s
            if nxt is not None and nxt // width == timestamp // width:
                return Action.DROP
        if facts.threshold is not None and pos < facts.threshold:
            return Action.STRIP
        return Action.KEEP

    def is_log_newest(self, run: int, pk: bytes, seq: int) -> bool:
        """True if the entry is its file's newest in its log."""
        name = self.run_log.get(run)
        if name is None:
            return False
        return self._path_facts(self.logs[name], pk).newest == (self.run_index[run], seq)
