"""Running one checkpoint request against a repository and its store.

The steps follow git-ai's ``execute_resolved_checkpoint`` and
``get_checkpoint_entries`` (src/daemon/checkpoint.rs), with the storage
replaced:

1. find the repository from the request's ``cwd`` and the base commit
   (full HEAD oid, or ``initial``);
2. resolve the paths (or ask ``git status``), reject those outside the
   work tree, apply the ignore rules and the content caps;
3. under the store's writer lock: import git-ai's legacy working log on
   first touch, read each file's previous state from the index (never the
   history), compute the entries, and append one checkpoint.

Nothing here prints: warnings, cap hits and skips are returned in
:class:`CheckpointResult` (and recorded as events) for the caller to show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsm import __version__
from lsm.checkpoint.content import ContentBudget, Skip, read_contents
from lsm.checkpoint.gitrepo import Repo, find_repo
from lsm.checkpoint.request import CheckpointRequest
from lsm.config import Settings
from lsm.errors import Error, InputError
from lsm.hashing import sha256
from lsm.ids import ai_author_id, human_short_hash, new_trace_id
from lsm.model import (
    API_VERSION,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    KnownHumanMetadata,
    LineStats,
)
from lsm.record import Struct, field
from lsm.store import Store

if TYPE_CHECKING:
    from lsm.legacy.workinglog import LegacyWorkingLog

__all__ = ["CheckpointResult", "open_store", "run_request"]


class CheckpointResult(Struct):
    """What a checkpoint did.

    :ivar seq: the appended checkpoint's seq, or None if nothing changed.
    :ivar files: files considered after resolution and caps.
    :ivar warnings: one line each, for stderr.
    :ivar cap_hits: caps that degraded the checkpoint (also recorded as events).
    """

    seq: int | None = None
    log: str = ""
    kind: CheckpointKind = CheckpointKind.HUMAN
    files: list[str] = field(default_factory=list)
    entries: int = 0
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cap_hits: list[dict[str, Any]] = field(default_factory=list)
    imported: int = 0
    duration_ms: float = 0.0
    dropped_reason: str | None = None
    transcript_messages: int = 0
    compaction: str | None = None


def open_store(repo: Repo, settings: Settings) -> Store:
    """Open the repository's store (``<common dir>/ai/lsm`` unless configured)."""
    return Store.open(settings.store_path(repo.common_dir), options=settings.store_options())


def _author_id(req: CheckpointRequest, author: Callable[[], str], trace_id: str) -> str:
    if req.kind is CheckpointKind.HUMAN:
        return "human"
    if req.kind is CheckpointKind.KNOWN_HUMAN:
        return human_short_hash(author())
    if req.agent_id is None:
        return req.kind.to_str()
    return ai_author_id(req.agent_id.tool, req.agent_id.id, trace_id)


def _resolve_paths(req: CheckpointRequest, repo: Repo, result: CheckpointResult) -> list[str]:
    cwd = Path(req.cwd)
    rels: list[str] = []
    seen: set[str] = set()
    if req.discover and not req.paths:
        candidates: list[str] = [str(repo.root / p) for p in repo.status_paths()]
    else:
        candidates = list(req.paths)
    for p in candidates:
        rel = repo.relative(p, cwd)
        if rel is None:
            result.skipped.append(
                Skip(str(p), "outside the repository (or reached through a symlink)")
            )
            continue
        if rel not in seen:
            seen.add(rel)
            rels.append(rel)
    return rels


def run_request(
    req: CheckpointRequest,
    settings: Settings,
    *,
    trace_id: str | None = None,
    now_ms: int | None = None,
    store: Store | None = None,
    repo: Repo | None = None,
    base: str | None = None,
) -> CheckpointResult:
    """Make one checkpoint. Raises lsm errors; the hook layer turns them into warnings.

    :param base: the working log's base commit (default: HEAD's); post-commit
        checkpoints into the base the commit was made on.

    :raises InputError: the directory is not in a git work tree, or an AI
        request lacks its agent.
    :raises StoreLockedError: the writer lock stayed busy past its deadline.
    """
    started = time.perf_counter()
    ts_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    trace = trace_id or new_trace_id()
    result = CheckpointResult(kind=req.kind)
    if req.kind.is_ai and req.agent_id is None:
        raise InputError("an AI checkpoint needs an agent id (tool, session, model)")
    repo = repo if repo is not None else find_repo(req.cwd)
    base = base if base is not None else repo.base_name()
    log = repo.log_name(base)
    result.log = log

    rels = _resolve_paths(req, repo, result)
    caps = settings.caps
    if len(rels) > caps.max_paths:
        result.cap_hits.append({"cap": "max_paths", "value": len(rels), "limit": caps.max_paths})
        result.skipped.extend(
            Skip(r, "over the path-count cap", "max_paths") for r in rels[caps.max_paths :]
        )
        rels = rels[: caps.max_paths]
    from lsm.checkpoint.ignore import IgnoreRules

    rules = IgnoreRules.load(repo.root, result.warnings)
    kept = []
    for rel in rels:
        if rules.is_ignored(rel):
            result.skipped.append(Skip(rel, "ignored (git-ai ignore rules)"))
        else:
            kept.append(rel)
    overrides = None
    if req.dirty_files:
        overrides = {}
        for p, text in req.dirty_files.items():
            dirty_rel = repo.relative(p, Path(req.cwd))
            if dirty_rel is not None:
                overrides[dirty_rel] = text
    contents = read_contents(
        repo.root,
        kept,
        max_file_bytes=caps.max_file_bytes,
        budget=ContentBudget(caps.max_total_bytes, caps.max_total_lines),
        overrides=overrides,
    )
    result.skipped.extend(contents.skipped)
    for skip in result.skipped:
        if skip.cap is not None and skip.cap != "max_paths":
            result.cap_hits.append(
                {"cap": skip.cap, "path": skip.path, "value": skip.value, "limit": skip.limit}
            )
    result.files = list(contents.texts)
    for skip in result.skipped:
        result.warnings.append(f"skipped {skip.path}: {skip.reason}")

    if settings.storage.mode == "legacy":
        _checkpoint_legacy(
            repo, base, req, settings, contents.texts, contents.raw, trace, ts_ms, result
        )
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result
    own_store = store is None
    st = store if store is not None else open_store(repo, settings)
    try:
        if req.transcript is not None:
            _ingest_transcript(st, req, settings, result)
        _checkpoint_under_lock(
            st, repo, base, log, req, settings, contents.texts, contents.raw, trace, ts_ms, result
        )
        if result.seq is not None:
            from lsm.compaction.trigger import maybe_start_compactor

            result.compaction = maybe_start_compactor(st, settings.compaction)
    finally:
        if own_store:
            st.close()
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result


class _Prev:
    """The file's newest entry, whichever storage holds it."""

    __slots__ = ("ai_touched", "attributions", "blob_sha", "kind", "timestamp")

    def __init__(
        self,
        blob_sha: str,
        kind: CheckpointKind,
        timestamp: int,
        ai_touched: bool,
        attributions: Callable[[], Sequence[Any]],
    ) -> None:
        self.blob_sha = blob_sha
        self.kind = kind
        self.timestamp = timestamp
        self.ai_touched = ai_touched
        self.attributions = attributions  # loaded only when the entry needs them

    @classmethod
    def of(cls, state: Any, attributions: Callable[[], Sequence[Any]]) -> _Prev:
        """From a FileState (store) or LegacyFileState: both carry these four fields."""
        return cls(state.blob_sha, state.kind, state.timestamp, state.ai_touched, attributions)


class _StoreSource:
    """Previous states from the store's index (O(changed files), never the history)."""

    def __init__(self, store: Store, log: str) -> None:
        self.store = store
        self.log = log

    def states(self, rels: Iterable[str]) -> dict[str, _Prev | None]:
        out: dict[str, _Prev | None] = {}
        for rel in rels:
            s = self.store.latest_state(self.log, rel)
            out[rel] = (
                None
                if s is None
                else _Prev.of(s, self._attrs(rel) if s.has_attributions else tuple)
            )
        return out

    def _attrs(self, rel: str) -> Callable[[], Sequence[Any]]:
        def load() -> Sequence[Any]:
            found = self.store.latest(self.log, rel)
            return found.entry.attributions if found is not None else ()

        return load

    def blob(self, sha: str) -> bytes | None:
        return self.store.get_blob(sha)

    def initial(self) -> InitialAttributions:
        return self.store.get_initial(self.log)


def _constant(value: Sequence[Any]) -> Callable[[], Sequence[Any]]:
    return lambda: value


class _LegacySource:
    """Previous states streamed from git-ai's ``checkpoints.jsonl`` (storage.mode=legacy)."""

    def __init__(self, wl: LegacyWorkingLog) -> None:
        self.wl = wl

    def states(self, rels: Iterable[str]) -> dict[str, _Prev | None]:
        wanted = list(rels)
        found = self.wl.states(wanted)
        out: dict[str, _Prev | None] = {}
        for rel in wanted:
            s = found.get(rel)
            out[rel] = None if s is None else _Prev.of(s, _constant(s.attributions))
        return out

    def blob(self, sha: str) -> bytes | None:
        return self.wl.get_blob(sha)

    def initial(self) -> InitialAttributions:
        return self.wl.initial()


def _build_checkpoint(
    source: _StoreSource | _LegacySource,
    repo: Repo,
    base: str,
    req: CheckpointRequest,
    texts: dict[str, str],
    raw: dict[str, bytes],
    trace: str,
    ts_ms: int,
    result: CheckpointResult,
    known_human_window: float,
) -> tuple[Checkpoint, dict[str, bytes]] | None:
    """git-ai's ``get_checkpoint_entries`` and ``Checkpoint::new``; None: nothing to write.

    :param known_human_window: a KnownHuman save less than this many seconds
        after an AI checkpoint of one of its files is dropped (git-ai
        ``KNOWN_HUMAN_MIN_SECS_AFTER_AI``: the editor saving what the agent
        wrote); setting ``checkpoint.known_human_min_secs_after_ai``.
    """
    from lsm.checkpoint.entry import PreviousState, compute_entry

    states = source.states(texts)
    if req.kind is CheckpointKind.KNOWN_HUMAN:
        now_s = ts_ms // 1000
        for s in states.values():
            if s is not None and s.kind.is_ai and now_s - s.timestamp < known_human_window:
                result.dropped_reason = (
                    f"a KnownHuman save within {known_human_window:g} s of an AI edit"
                    " of the same file"
                )
                return None
    initial = source.initial()
    initial_contents: dict[str, bytes] = {}
    for path in initial.files:
        sha = initial.file_blobs.get(path)
        data = source.blob(sha) if sha else None
        if data is not None:
            initial_contents[path] = data
    need_head = [rel for rel, s in states.items() if s is None]
    head = repo.head_contents(base, need_head) if base != "initial" and need_head else {}
    author_cache: list[str] = []

    def author() -> str:
        if not author_cache:
            author_cache.append(repo.author_identity())
        return author_cache[0]

    author_id = _author_id(req, author, trace)
    entries: list[FileEntry] = []
    stats = LineStats()
    shas: dict[str, str] = {}
    blobs: dict[str, bytes] = {}
    for rel in texts:
        sha = sha256(raw[rel]).hexdigest()
        shas[rel] = sha
        state = states[rel]
        previous = None
        if state is not None:
            prev_data = source.blob(state.blob_sha) if len(state.blob_sha) == 64 else None
            previous = PreviousState(
                content=prev_data if prev_data is not None else b"",
                attributions=list(state.attributions()),
            )
        computed = compute_entry(
            path=rel,
            current=raw[rel],
            kind=req.kind,
            author_id=author_id,
            ts_ms=ts_ms,
            ai_touched=(state is not None and state.ai_touched) or rel in initial.files,
            previous=previous,
            head_content=head.get(rel),
            initial_attrs=initial.files.get(rel) or None,
            initial_content=initial_contents.get(rel),
            blob_sha=sha,
        )
        if computed is None:
            continue
        entry, file_stats = computed
        entries.append(entry)
        stats = stats + file_stats
        blobs[sha] = raw[rel]
    if not entries:
        return None
    # git-ai's ``diff``: sha256 over the sorted (path, blob sha) pairs.
    diff = sha256()
    for rel in sorted(shas):
        diff.update(rel.encode("utf-8", "surrogateescape"))
        diff.update(shas[rel].encode())
    cp = Checkpoint(
        kind=req.kind,
        diff=diff.hexdigest(),
        author=author(),
        entries=entries,
        timestamp=ts_ms // 1000,
        line_stats=stats,
        api_version=API_VERSION,
        git_ai_version=f"ckptlog-{__version__}",
        trace_id=trace,
    )
    if req.kind.is_ai:
        cp.agent_id = req.agent_id
        cp.agent_metadata = dict(req.metadata) if req.metadata else None
    elif req.kind is CheckpointKind.KNOWN_HUMAN and req.metadata.get("kh_editor"):
        cp.known_human_metadata = KnownHumanMetadata(
            req.metadata.get("kh_editor", ""),
            req.metadata.get("kh_editor_version", ""),
            req.metadata.get("kh_extension_version", ""),
        )
    return cp, blobs


def _checkpoint_under_lock(
    store: Store,
    repo: Repo,
    base: str,
    log: str,
    req: CheckpointRequest,
    settings: Settings,
    texts: dict[str, str],
    raw: dict[str, bytes],
    trace: str,
    ts_ms: int,
    result: CheckpointResult,
) -> None:
    """Modes ``lsm`` and ``dual``: import on first touch, build, append (dual: to both).

    Atomic per storage: the store's append is one commit; git-ai's file is
    replaced by one rename after it. In ``dual`` a crash between the two
    leaves git-ai's file one checkpoint behind, which ``verify --dual`` reports.
    """
    if not texts and not _legacy_pending(store, repo, base, log):
        return
    with store.writer() as w:
        result.imported = _import_legacy_if_needed(store, w, repo, base, log, settings, result)
        if not texts:
            return
        window = settings.checkpoint.known_human_min_secs_after_ai
        built = _build_checkpoint(
            _StoreSource(store, log), repo, base, req, texts, raw, trace, ts_ms, result, window
        )
        if built is None:
            return
        cp, blobs = built
        result.seq = w.append(log, cp, blobs=blobs)
        result.entries = len(cp.entries)
        if settings.storage.mode == "dual":
            _mirror_to_legacy(store, w, settings, repo, base, log, cp, blobs, result)


def _mirror_to_legacy(
    store: Store,
    w: Any,
    settings: Settings,
    repo: Repo,
    base: str,
    log: str,
    cp: Checkpoint,
    blobs: dict[str, bytes],
    result: CheckpointResult,
) -> None:
    """Mode ``dual``: the checkpoint the store holds now, appended to git-ai's files too.

    The log is marked ``mirrored`` the first time, so that the next
    checkpoint does not take the file written here for a git-ai history
    that appeared on its own (and warn that it needs ``ckptlog import``).
    A failure here is a warning: the store has the checkpoint.
    """
    from lsm.legacy.workinglog import LegacyWorkingLog

    info = store.log_info(log)
    if info is not None and info.import_state is None:
        w.set_import_state(log, {"phase": "mirrored"})
    try:
        wl = LegacyWorkingLog(
            repo.ai_dir, base, max_bytes=settings.caps.max_hook_history_bytes or None
        )
        wl.append(cp, blobs)
        result.warnings.extend(wl.warnings)
    except Error as exc:
        result.warnings.append(f"git-ai's copy of the checkpoint was not written: {exc.what}")


def _checkpoint_legacy(
    repo: Repo,
    base: str,
    req: CheckpointRequest,
    settings: Settings,
    texts: dict[str, str],
    raw: dict[str, bytes],
    trace: str,
    ts_ms: int,
    result: CheckpointResult,
) -> None:
    """Mode ``legacy``: git-ai's files are the only storage (read streamed, rewritten).

    Serialized by ``LEGACY.lock`` in the store directory (git-ai relied on
    its daemon for that); the store itself is not opened.
    """
    from lsm.legacy.workinglog import LegacyWorkingLog
    from lsm.locking import FileLock

    if not texts:
        return
    root = settings.store_path(repo.common_dir)
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(root / "LEGACY.lock")
    lock.acquire(timeout=settings.storage.lock_timeout)
    wl = LegacyWorkingLog(repo.ai_dir, base, max_bytes=settings.caps.max_hook_history_bytes or None)
    try:
        window = settings.checkpoint.known_human_min_secs_after_ai
        built = _build_checkpoint(
            _LegacySource(wl), repo, base, req, texts, raw, trace, ts_ms, result, window
        )
        if built is None:
            return
        cp, blobs = built
        wl.append(cp, blobs)
        result.seq = 0  # git-ai's files have no sequence numbers
        result.entries = len(cp.entries)
    finally:
        result.warnings.extend(wl.warnings)
        lock.release()


def _ingest_transcript(
    store: Store, req: CheckpointRequest, settings: Settings, result: CheckpointResult
) -> None:
    """Store what is new in the agent's transcript; fill the agent's model from it.

    A transcript problem never fails the checkpoint: it becomes a warning
    (and cap hits become events), and the checkpoint goes on without it.
    """
    from lsm.transcripts.ingest import ingest_transcript

    src = req.transcript
    assert src is not None
    try:
        ingested = ingest_transcript(
            store,
            src.agent,
            src.session_id,
            src.path,
            settings.transcripts,
            settings_path=src.settings_path,
        )
    except Error as exc:
        result.warnings.append(f"transcript {src.path} not stored: {exc.what}")
        return
    result.transcript_messages = ingested.messages
    result.warnings.extend(ingested.warnings)
    result.cap_hits.extend(ingested.cap_hits)
    if req.agent_id is not None and ingested.model and req.agent_id.model in ("", "unknown"):
        req.agent_id = req.agent_id._replace(model=ingested.model)


def _legacy_pending(store: Store, repo: Repo, base: str, log: str) -> bool:
    """``legacy_import_pending``, without importing the importer in the usual cases.

    Most hooks run where git-ai left no working log for the base, or where
    it was imported long ago: two ``stat`` calls, and at most one index
    read, answer those. Only a legacy file not known to be imported loads
    lsm.legacy.importer (whose answer is the one that counts).
    """
    # lsm.legacy.layout.log_dir: <ai>/working_logs/<base>/{checkpoints.jsonl,INITIAL}
    lpath = os.path.join(repo.ai_dir, "working_logs", base)
    if not (
        os.path.exists(os.path.join(lpath, "checkpoints.jsonl"))
        or os.path.exists(os.path.join(lpath, "INITIAL"))
    ):
        return False
    info = store.log_info(log)
    if info is not None:
        state = info.import_state
        started = isinstance(state, dict) and state.get("phase") == "started"
        if state is not None and not started:
            return False  # imported (or skipped) already
    from lsm.legacy.importer import legacy_import_pending

    return legacy_import_pending(store, repo.ai_dir, base, log)


def _import_legacy_if_needed(
    store: Store,
    w: Any,
    repo: Repo,
    base: str,
    log: str,
    settings: Settings,
    result: CheckpointResult,
) -> int:
    if not _legacy_pending(store, repo, base, log):
        return 0
    from lsm.legacy.importer import import_working_log

    report = import_working_log(
        store,
        repo.ai_dir,
        base,
        log,
        settings,
        max_bytes=settings.caps.max_hook_history_bytes or None,
    )
    result.warnings.extend(report.warnings)
    result.cap_hits.extend(report.cap_hits)
    return report.checkpoints
