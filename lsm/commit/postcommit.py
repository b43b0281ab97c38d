"""Post-commit: the authorship note of a new commit, and its new base's INITIAL.

For a commit C with first parent P (or ``initial``), in this order:

1. **What happened.** C is HEAD (hook) or the ``--commit`` revision (redo).
   The HEAD reflog's newest entry says how HEAD got there: a plain commit,
   a root or merge commit is handled here; an amend, rebase, cherry-pick or
   revert is a history rewrite, left to the rewrite hooks (fail-closed:
   nothing is written for it here).
2. **The working log of P**, from the store's index (or git-ai's files in
   ``storage.mode = legacy``): files with attribution state, INITIAL,
   sessions, prompts, humans (:mod:`lsm.commit.worklog`).
3. **What git says**, in a constant number of processes: one ``cat-file
   --batch`` (C's commit object, and P's and C's text of every file that
   matters; past a few dozen such files, one ``ls-tree`` first), one
   ``diff-tree`` for renames only if such a file left the tree, one
   ``diff -U0`` restricted to those files, and one unrestricted
   ``diff -U0`` only when known-human or commit-metadata recovery needs
   every added line.
4. **Classification** (:mod:`lsm.commit.classify`) and **recovery**
   (:mod:`lsm.commit.recovery`).
5. **The note**, merged with any note already on C (never clobbered; an
   unparsable one is left alone), written in one ``fast-import``.
6. **The transition**: INITIAL of C's log := the uncommitted lines with
   their carryover text; P's log archived (``old-<P>``), in one writer
   session. Compaction drops archives past ``compaction.archive_retention_days``.

Crash safety: the note is written before the transition, and both are
idempotent, so a crash between them is repaired by running the command
again (``ckptlog post-commit --commit C``).

What can fail: :class:`~lsm.errors.GitError`, store errors,
:class:`~lsm.errors.InputError` (not a repository, bad revision); the
hook layer turns each into one warning line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lsm import __version__
from lsm.checkpoint.gitrepo import Repo, find_repo
from lsm.commit.classify import CommitTexts, Split, split_commit
from lsm.commit.diffs import (
    AddedLines,
    FilePatch,
    nfc_path,
    parse_patches,
    parse_renames,
    patch_added_lines,
)
from lsm.commit.pending import pending_exists
from lsm.commit.provenance import EarlierState
from lsm.commit.recovery import (
    detect_background_agent,
    detect_commit_agents,
    extend_edges,
    fill_background,
    known_human_applies,
    recover_commit_metadata,
    recover_known_human,
    unknown_lines,
)
from lsm.commit.state import LogFold
from lsm.config import Settings, load_settings
from lsm.errors import InputError, NoteFormatError, StoreLockedError, StoreReadOnlyError
from lsm.events import EventLog
from lsm.git import (
    EMPTY_TREE,
    PATCH_OPTIONS,
    CommitObject,
    Git,
    is_null_oid,
    last_reflog_entry,
    parse_commit,
)
from lsm.gitnotes import note_paths, update_notes
from lsm.model import InitialAttributions
from lsm.notes import NOTES_REF, AuthorshipNote, fill_note, parse_note, serialize_note
from lsm.record import NamedTuple, Record

if TYPE_CHECKING:
    from lsm.store import Store

__all__ = [
    "GIT_AI_VERSION",
    "PostCommitResult",
    "added_lines",
    "attribute_commit",
    "classify_reflog",
    "post_commit",
]

#: ``git_ai_version`` in the notes we write (git-ai writes its crate version).
GIT_AI_VERSION = f"ckptlog-{__version__}"

#: More paths than this are not passed to ``git diff`` (argv limits): post-filtered.
MAX_PATHSPECS = 1000

#: From how many files with state C's texts are found through ``ls-tree`` (one more process,
#: ~2 ms) rather than a ``<C>:<path>`` spec each (a tree walk each, ~0.1 ms on a new commit's
#: loose tree): the crossover measured on the commit benchmark's repository.
TREE_LISTING_FROM = 24


class PostCommitResult(Record):
    """What post-commit did.

    :ivar skipped: why nothing was written (a rewrite, notes disabled...), else None.
    :ivar note: the note text written on ``commit`` (after merging), or None.
    :ivar ai_lines / human_lines / unknown_lines: added lines by class.
    :ivar carried: lines carried into the new base's INITIAL.
    :ivar as_committed: files with AI state the commit did not touch and the
        work tree holds as committed: skipped unread.
    """

    __slots__ = (
        "ai_lines",
        "as_committed",
        "cap_hits",
        "carried",
        "checkpointed",
        "commit",
        "duration_ms",
        "git_processes",
        "human_lines",
        "log",
        "new_log",
        "note",
        "parent",
        "skipped",
        "unknown_lines",
        "warnings",
    )
    _fields = (
        "commit",
        "parent",
        "log",
        "new_log",
        "note",
        "skipped",
        "ai_lines",
        "human_lines",
        "unknown_lines",
        "carried",
        "as_committed",
        "checkpointed",
        "warnings",
        "cap_hits",
        "git_processes",
        "duration_ms",
    )

    def __init__(self, commit: str = "", parent: str = "") -> None:
        self.commit = commit
        self.parent = parent
        self.log = ""
        self.new_log = ""
        self.note: str | None = None
        self.skipped: str | None = None
        self.ai_lines = 0
        self.human_lines = 0
        self.unknown_lines = 0
        self.carried = 0
        self.as_committed = 0
        #: files the human checkpoint before the note recorded (commit.checkpoint_first)
        self.checkpointed = 0
        self.warnings: list[str] = []
        self.cap_hits: list[dict[str, object]] = []
        self.git_processes = 0
        self.duration_ms = 0.0


# Reflog messages of commands that rewrite history (their notes come from the
# rewrite hooks, as git-ai's daemon routes them away from post-commit).
_REWRITES = (
    ("commit (amend)", "amend"),
    ("rebase", "rebase"),
    ("pull --rebase", "rebase"),
    ("cherry-pick", "cherry-pick"),
    ("revert", "revert"),
)


def classify_reflog(message: str) -> str:
    """``commit``, or the rewrite (``amend``, ``rebase``...) a HEAD reflog message names."""
    for prefix, kind in _REWRITES:
        if message.startswith(prefix):
            return kind
    return "commit"


class _Target(NamedTuple):
    """The commit to process: its id, the parent the reflog names, and the command's kind."""

    oid: str
    parent: str | None
    kind: str


def _target(repo: Repo, git: Git, rev: str | None) -> _Target:
    """C, and in hook mode the base and kind its HEAD reflog entry names (no git process)."""
    if rev is not None:
        oid = git.resolve_commit(rev)
        if oid is None:
            raise InputError(
                f"{rev} is not a commit", hint="Pass a commit id or revision to --commit."
            )
        return _Target(oid, None, "commit")
    head = repo.head_oid()
    if head is None:
        raise InputError("HEAD has no commit", hint="Run post-commit after a commit.")
    move = last_reflog_entry(repo.git_dir)
    if move is None or move.new != head:
        return _Target(head, None, "commit")  # no reflog: the commit's first parent decides
    parent = "initial" if is_null_oid(move.old) else move.old
    return _Target(head, parent, classify_reflog(move.message))


def added_lines(git: Git, parent: str, commit: str) -> dict[str, set[int]]:
    """Every line ``commit`` added against ``parent`` (``initial``: the empty tree), by file."""
    base = EMPTY_TREE if parent == "initial" else parent
    return {p: set(a.lines) for p, a in _diff_added(git, base, commit, None).items()}


def _diff_args(base: str, commit: str) -> list[str]:
    return [
        "--literal-pathspecs",
        "diff",
        "-U0",
        "--no-color",
        "--find-renames=1%",
        *PATCH_OPTIONS,
        base,
        commit,
    ]


def _diff_patches(git: Git, base: str, commit: str, paths: Sequence[str] | None) -> list[FilePatch]:
    """The files of ``git diff -U0 base commit`` (git-ai ``diff_added_lines``), optionally by path.

    More than :data:`MAX_PATHSPECS` paths, or a non-ASCII one, are not put on
    the command line: the whole diff is read and filtered, as git-ai does.
    """
    args = _diff_args(base, commit)
    wanted = None
    if paths is not None:
        if not paths:
            return []
        if len(paths) > MAX_PATHSPECS or any(not p.isascii() for p in paths):
            # git-ai filters over NFC pathspecs (repository.rs L1811-1814).
            wanted = {nfc_path(p) for p in paths}
        else:
            args += ["--", *paths]
    patches = parse_patches(git.output(args))[0]
    if wanted is not None:
        patches = [
            p
            for p in patches
            if (p.new is not None and nfc_path(p.new) in wanted)
            or (p.old is not None and nfc_path(p.old) in wanted)
        ]
    return patches


def _diff_added(
    git: Git, base: str, commit: str, paths: Sequence[str] | None
) -> dict[str, AddedLines]:
    """Added lines per new path (NFC) of ``base..commit``, optionally only of ``paths``."""
    return patch_added_lines(_diff_patches(git, base, commit, paths))


class _Batch(NamedTuple):
    """Everything one ``cat-file --batch`` read: C, the notes tip and note, file texts."""

    commit: CommitObject
    notes_tip: str | None
    existing_note: str | None
    committed: dict[str, str]
    parent: dict[str, str]


class _Diff(NamedTuple):
    """The commit's own diff for the files that matter: added lines, changed files, renames."""

    added: dict[str, AddedLines]
    changed: set[str]
    renames: dict[str, str]


def _commit_diff(git: Git, base: str, parent: str, oid: str, paths: Sequence[str]) -> _Diff:
    """``git diff -U0 base oid -- paths`` (and renames, only if a file with state left the tree).

    Run before the objects are read, so that the batch asks for a parent's
    text only where the commit changed the file (elsewhere it is the
    committed text).
    """
    if not paths:
        return _Diff({}, set(), {})
    patches = _diff_patches(git, base, oid, paths)
    changed = {p.old for p in patches if p.old} | {p.new for p in patches if p.new}
    renames: dict[str, str] = {}
    gone = [p.old for p in patches if p.new is None and p.old in set(paths)]
    if gone and parent != "initial":
        out = git.output(["diff-tree", "-r", "-M", "--diff-filter=R", "-z", parent, oid])
        renames = {o: n for o, n in parse_renames(out).items() if o in set(paths)}
        extra = sorted(set(renames.values()) - set(paths))
        if extra:
            more = _diff_patches(git, base, oid, extra)
            patches.extend(more)
            changed |= {p.new for p in more if p.new}
    return _Diff(patch_added_lines(patches), changed, renames)


def _read_batch(
    git: Git,
    target: str,
    parent: str,
    paths: Sequence[str],
    changed: set[str],
    observed: set[str],
    commit: CommitObject | None,
    ids: Mapping[str, str] | None,
) -> _Batch:
    """One ``cat-file`` for the commit object, the notes tip, C's note and every text needed.

    A parent's text is asked for only where the commit changed the file;
    elsewhere it equals the committed text. ``ids``: C's blob of each path
    (from one ``ls-tree``, past :data:`TREE_LISTING_FROM` files), or None
    to name C's texts by ``<C>:<path>``.
    """
    specs: list[str] = [] if commit is not None else [target]
    specs.append(NOTES_REF)
    specs.extend(f"{NOTES_REF}:{p}" for p in note_paths(target))
    asks: list[tuple[str, str]] = [("C", p) for p in paths]
    if parent != "initial":
        asks += [("P", p) for p in paths if p in observed and p in changed]
    if ids is not None:
        # C's texts by blob id: one ls-tree instead of a tree walk per path (Git.tree_blobs).
        texts = [ids.get(p) if side == "C" else f"{parent}:{p}" for side, p in asks]
    else:
        texts = [f"{target if side == 'C' else parent}:{p}" for side, p in asks]
    # Each object once: files of the same content share a blob.
    unique = list(dict.fromkeys(t for t in texts if t is not None))
    objs = git.cat_file(specs + unique)
    i = 0
    if commit is None:
        head = objs[0]
        if head is None or head.type != "commit":
            raise InputError(f"{target} is not a commit")
        commit = parse_commit(head.oid, head.data)
        i = 1
    tip_obj = objs[i]
    tip = tip_obj.oid if tip_obj is not None and tip_obj.type == "commit" else None
    note = next(
        (o.data.decode("utf-8", "surrogateescape") for o in objs[i + 1 : i + 4] if o is not None),
        None,
    )
    decoded = {
        spec: obj.data.decode("utf-8", "replace")
        for spec, obj in zip(unique, objs[i + 4 :], strict=True)
        if obj is not None and obj.type == "blob"
    }
    committed: dict[str, str] = {}
    parents: dict[str, str] = {}
    for (side, p), spec in zip(asks, texts, strict=True):
        if spec is not None and spec in decoded:
            (committed if side == "C" else parents)[p] = decoded[spec]
    if parent != "initial":
        for p in paths:
            if p not in changed and p in committed:
                parents[p] = committed[p]  # unchanged by the commit
    return _Batch(commit, tip, note if tip is not None else None, committed, parents)


def _as_committed(
    paths: Sequence[str], diff: _Diff, ids: Mapping[str, str], start: CommitStart
) -> set[str]:
    """Files the commit did not touch and whose work tree is C's text, its last checkpoint's too.

    Such a file contributes nothing: its carryover is its committed text,
    so no line of it is unstaged and none was added (git-ai's classification
    drops every line of it). Skipping it spares its entry read, its blobs
    and its texts from git: a commit costs the files it touched plus one
    read and hash of each other file with AI state. Renamed files are kept.
    """
    moved = set(diff.renames) | set(diff.renames.values())
    return {
        p
        for p in paths
        if p not in diff.changed
        and p not in moved
        and p in start.synced
        and ids.get(p) is not None
        and ids.get(p) == start.git_ids.get(p)
    }


def _count(note: AuthorshipNote, result: PostCommitResult, added: Mapping[str, set[int]]) -> None:
    ai = human = 0
    for f in note.files:
        for e in f.entries:
            n = sum(b - a + 1 for a, b in e.ranges)
            if e.key.startswith("h_"):
                human += n
            else:
                ai += n
    result.ai_lines, result.human_lines = ai, human
    result.unknown_lines = sum(len(v) for v in unknown_lines(note, added).values())


def _recover(
    git: Git,
    split: Split,
    c: CommitObject,
    added: dict[str, AddedLines],
    settings: Settings,
    skip: frozenset[str] = frozenset(),
) -> dict[str, set[int]]:
    """Run the recovery solvers; returns every added line of the commit (for counting).

    :param skip: files left out (over a cap): recovery must not guess their lines.
    """
    note = split.note
    hunks = {p: set(a.lines) for p, a in added.items() if p not in skip}
    base = c.parents[0] if c.parents else EMPTY_TREE
    background = detect_background_agent(git.env, c.author_time)
    every: dict[str, set[int]] | None = None

    def all_added() -> dict[str, set[int]]:
        diff = _diff_added(git, base, c.oid, None)
        return {p: set(a.lines) for p, a in diff.items() if p not in skip}

    if background is not None:
        every = all_added()
        fill_background(note, every, background, c.oid, c.author)
    extend_edges(note, hunks, c.oid)
    agents = detect_commit_agents(c.author, c.message)
    fallback = settings.commit.known_human_fallback and known_human_applies(note)
    if not (agents or fallback):
        return hunks if every is None else every
    if every is None:
        every = all_added()
    missing = unknown_lines(note, every)
    if agents and recover_commit_metadata(note, missing, agents, c.oid, c.author):
        return every
    if fallback:
        recover_known_human(note, missing, c.author)
    return every


class _MergeExisting:
    """The note to write, given what is already on the commit (never clobbered).

    Called by :func:`update_notes` (again after a lost race); ``final`` is
    the note the commit carries afterwards, the one the summary counts.
    """

    def __init__(self, note: AuthorshipNote, commit: str, warnings: list[str]) -> None:
        self.final = note
        self._note, self._commit, self._warnings = note, commit, warnings
        self._text = serialize_note(note)

    def __call__(self, existing: dict[str, str]) -> dict[str, str]:
        old = existing.get(self._commit)
        self.final = self._note
        if old is None:
            return {self._commit: self._text}
        try:
            parsed = parse_note(old)
        except NoteFormatError as exc:
            self._warnings.append(
                f"kept the existing unparsable note on {self._commit[:12]}: {exc.what}"
            )
            return {}
        merged = fill_note(parsed, self._note)
        merged.metadata.base_commit_sha = self._commit
        self.final = merged
        out = serialize_note(merged)
        return {} if out == old else {self._commit: out}


class _Source(Protocol):
    """Where a working log lives: the store (:class:`StoreLog`) or git-ai's files."""

    def fold(self) -> LogFold: ...
    def blob(self, sha: str) -> bytes | None: ...
    def earlier(self, path: str) -> Iterator[EarlierState]: ...
    def finish(
        self,
        new: str,
        initial: InitialAttributions,
        contents: Mapping[str, str],
        *,
        archive: bool = True,
    ) -> None: ...


def post_commit(
    cwd: str | os.PathLike[str] = ".",
    *,
    commit: str | None = None,
    settings: Settings | None = None,
    env: Mapping[str, str] | None = None,
) -> PostCommitResult:
    """Write C's note and move the working log on (see the module docstring).

    :param commit: redo this commit (``--commit``); default: HEAD, as the hook.
    :raises InputError: not a repository, no commit, bad revision.
    :raises GitError: a git command failed.
    :raises StoreError: the store is locked past its deadline, full, corrupt...
    """
    started = time.perf_counter()
    repo = find_repo(cwd)
    git = Git(repo.root, env)
    settings = settings if settings is not None else load_settings(repo.ai_dir, env)
    target = _target(repo, git, commit)
    result = PostCommitResult(target.oid, target.parent or "")
    events = EventLog(settings.store_path(repo.common_dir) / "events.jsonl")
    # A failure raises: the hook contract records it (cli/hookcontract.py).
    if target.kind in ("amend", "rebase"):
        result.skipped = f"{target.kind}: left to the rewrite hooks"
    else:
        _run(repo, git, target, settings, result)
    result.git_processes = git.spawned
    result.duration_ms = (time.perf_counter() - started) * 1000
    for hit in result.cap_hits:
        events.record("cap_hit", command="post-commit", **hit)
    events.record(
        "post_commit",
        commit=target.oid,
        parent=result.parent,
        skipped=result.skipped,
        note=result.note is not None,
        ai_lines=result.ai_lines,
        human_lines=result.human_lines,
        unknown_lines=result.unknown_lines,
        carried=result.carried,
        git_processes=result.git_processes,
        duration_ms=round(result.duration_ms, 3),
    )
    return result


def _run(
    repo: Repo, git: Git, target: _Target, settings: Settings, result: PostCommitResult
) -> None:
    commit: CommitObject | None = None
    parent = target.parent
    if parent is None:
        commit = git.commit(target.oid)
        assert commit is not None  # _target resolved it
        parent = commit.parents[0] if commit.parents else "initial"
        result.parent = parent
    result.log = repo.log_name(parent)
    result.new_log = repo.log_name(target.oid)
    # A cherry-pick, a revert, or the commit of a merge --squash carries notes over.
    kind = target.kind
    if kind == "commit" and (repo.git_dir / "CHERRY_PICK_HEAD").exists():
        kind = "cherry-pick"
    carry = None
    if kind != "commit" or pending_exists(repo.ai_dir):
        from lsm.commit.rewrites import RewriteContext, commit_carry

        carry = commit_carry(RewriteContext.of(repo, git, settings), kind, parent)
    mode = settings.storage.mode
    if mode == "legacy":
        from lsm.commit.worklog import LegacyLog
        from lsm.locking import FileLock

        root = settings.store_path(repo.common_dir)
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(root / "LEGACY.lock")
        lock.acquire(timeout=settings.storage.lock_timeout)
        try:
            legacy = LegacyLog(repo.ai_dir, parent)
            start = _checkpoint_first(repo, legacy, parent, settings, result, None)
            attribute_commit(
                git,
                legacy,
                target.oid,
                parent,
                settings,
                result,
                commit=commit,
                archive=legacy.exists(),
                expect_parent=True,
                carry=carry,
                start=start,
            )
        finally:
            lock.release()
        return
    from lsm.commit.worklog import StoreLog
    from lsm.store import Store

    path, options = settings.store_path(repo.common_dir), settings.store_options()
    try:
        store = Store.open(path, options=options)
    except StoreLockedError:
        # A writable open may need LOCK (to open the index's databases); the
        # note needs no lock, so it is made from a read-only open, and the
        # transition is left to the redo the warning names.
        store = Store.open(path, options=options, read_only=True)
    try:
        source = StoreLog(store, result.log)
        # An archived log is never read again: the commit that archived it may
        # be a sibling of this one (a redo finds the live log, which a crash
        # or a lock left in place).
        live = source.exists()
        twin: _Source | None = None
        if mode == "dual":
            from lsm.commit.worklog import LegacyLog

            twin = LegacyLog(repo.ai_dir, parent)
        start = _checkpoint_first(repo, source, parent, settings, result, store)
        split = attribute_commit(
            git,
            source,
            target.oid,
            parent,
            settings,
            result,
            commit=commit,
            archive=live,
            expect_parent=True,
            compare=twin,
            carry=carry,
            start=start,
        )
        if split is not None and twin is not None:
            twin.finish(target.oid, split.initial, split.initial_contents)
    finally:
        store.close()


class WorkTreeCheck(NamedTuple):
    """The work tree's files with AI state, against their last checkpoint.

    :ivar changed: files whose text is not their last checkpoint's (sorted).
    :ivar git_ids: path -> git blob id of the file's text, for the files read.
    """

    changed: list[str]
    git_ids: dict[str, str]


def check_work_tree(root: Path, fold: LogFold, max_bytes: int) -> WorkTreeCheck:
    """Which files with AI state changed since their last checkpoint, and their git blob ids.

    One ``stat``-free read and two hashes per file with state (sha256, as a
    checkpoint names its blob, and git's blob id, which tells the commit path
    that a file is as committed). Read through :func:`lsm.safeio.read_regular`:
    a FIFO, a device or a file over ``max_bytes`` is never opened or read,
    and counts as changed (the checkpoint then records why), as does a file
    that cannot be read; a missing one is hashed as empty (git-ai
    checkpoints a deleted file so).
    """
    from lsm.errors import UnreadableFileError
    from lsm.hashing import git_blob_id, sha256
    from lsm.safeio import read_regular

    changed: list[str] = []
    ids: dict[str, str] = {}
    for path in sorted(fold.pathspecs()):
        facts = fold.files.get(path)
        seen = facts.observed_blob if facts is not None else fold.initial.file_blobs.get(path)
        try:
            data = read_regular(root / path, max_bytes)
        except FileNotFoundError:
            data = b""  # no git id: a missing file is not as committed
        except (UnreadableFileError, OSError):
            changed.append(path)
            continue
        else:
            ids[path] = git_blob_id(data)
        if sha256(data).hexdigest() != seen:
            changed.append(path)
    return WorkTreeCheck(changed, ids)


class CommitStart(NamedTuple):
    """The working log's fold as the commit path starts, and what the work tree said.

    :ivar synced: files whose last checkpoint is the work tree (the staged
        text rule applies to them).
    :ivar git_ids: path -> git blob id of the work tree's text of each synced file.
    """

    fold: LogFold
    synced: frozenset[str]
    git_ids: dict[str, str]


def _checkpoint_first(
    repo: Repo,
    source: _Source,
    parent: str,
    settings: Settings,
    result: PostCommitResult,
    store: Store | None,
) -> CommitStart:
    """``commit.checkpoint_first``: a human checkpoint of changed AI-state files, then the fold.

    What git-ai's pre-commit did (and ``ckptlog pre-commit`` does), run here
    so a commit starts one process less: the work tree is the one the commit
    was made from. Most commits find nothing changed (the agent's hook
    checkpointed its last edit) and pay one read and two hashes per file
    with state. That read is made with the step off too: it says which
    files are *synced*, and which are as committed.
    """
    fold = source.fold()
    cap = settings.caps.max_file_bytes
    check = check_work_tree(repo.root, fold, cap)
    writable = store is None or not store.read_only
    if check.changed and settings.commit.checkpoint_first and writable:
        from lsm.checkpoint.request import CheckpointRequest
        from lsm.checkpoint.runner import run_request
        from lsm.model import CheckpointKind

        paths = [str(repo.root / p) for p in check.changed]
        req = CheckpointRequest(kind=CheckpointKind.HUMAN, cwd=str(repo.root), paths=paths)
        done = run_request(req, settings, repo=repo, base=parent, store=store)
        result.warnings.extend(done.warnings)
        result.checkpointed = done.entries
        if done.seq is not None:
            fold = source.fold()
            # Checked again, not assumed: a file the checkpoint skipped (over
            # a cap, unreadable) is still not synced.
            check = check_work_tree(repo.root, fold, cap)
    synced = fold.pathspecs() - set(check.changed)
    ids = {p: i for p, i in check.git_ids.items() if p in synced}
    return CommitStart(fold, frozenset(synced), ids)


def attribute_commit(
    git: Git,
    source: _Source,
    oid: str,
    parent: str,
    settings: Settings,
    result: PostCommitResult,
    *,
    commit: CommitObject | None = None,
    archive: bool = True,
    expect_parent: bool = False,
    compare: _Source | None = None,
    carry: Callable[[CommitObject], Sequence[AuthorshipNote]] | None = None,
    recover: bool = True,
    new_log: str | None = None,
    start: CommitStart | None = None,
) -> Split | None:
    """One commit's note from one working log: classify, carry, recover, write, move the log.

    The building block of post-commit and of the rewrites (amend, cherry-pick,
    revert, squash, conflict resolutions), which differ only in the log they
    read, the notes they carry over and whether recovery runs.

    :param parent: the commit's diff base (its first parent, or ``initial``).
    :param expect_parent: fail closed unless C's first parent is ``parent``.
    :param compare: ``storage.mode = dual``: git-ai's files, whose fold must
        match the store's (each difference is a warning; the store wins).
    :param carry: notes from elsewhere (a cherry-pick's source, the note of
        the commit an amend replaced...), already in C's coordinates; they
        fill the lines the working log leaves unattested, before gap filling
        and recovery, and their humans are kept.
    :param new_log: the log that gets the INITIAL (default: ``result.new_log``).
    :param start: ``source``'s fold and the work tree's check, when the
        caller has them (:func:`_checkpoint_first`): its synced files get
        the staged text rule, and those the commit left as they were are
        skipped.
    """
    fold = source.fold() if start is None else start.fold
    synced = frozenset() if start is None else start.synced
    if compare is not None:
        for problem in fold.differences(compare.fold())[:5]:
            result.warnings.append(f"dual mode: the store and git-ai's files disagree: {problem}")
    paths = sorted(fold.pathspecs())
    # Files no entry flags and INITIAL does not name contribute nothing to the
    # note or the carry-over (git-ai filters its attributions by the same
    # pathspecs): their texts are not read.
    fold.restrict(paths)
    base = EMPTY_TREE if parent == "initial" else parent
    diff = _commit_diff(git, base, parent, oid, paths)
    wanted = paths + sorted(set(diff.renames.values()) - set(paths))
    ids = git.tree_blobs(oid, wanted) if len(wanted) > TREE_LISTING_FROM else None
    if ids is not None and start is not None and carry is None:
        clean = _as_committed(paths, diff, ids, start)
        if clean:
            result.as_committed = len(clean)
            fold.drop(clean)
            paths = [p for p in paths if p not in clean]
            wanted = [p for p in wanted if p not in clean]
    batch = _read_batch(git, oid, parent, wanted, diff.changed, fold.observed_paths(), commit, ids)
    c = batch.commit
    if expect_parent and (c.parents[0] if c.parents else "initial") != parent:
        # The reflog and the commit disagree on the base: not a plain commit (fail closed).
        result.skipped = f"HEAD moved from {parent[:12]}, which is not {c.oid[:12]}'s parent"
        return None
    cap = settings.caps.max_file_bytes
    over = sorted(
        p
        for p in paths
        if len(batch.committed.get(p, "")) > cap or len(batch.parent.get(p, "")) > cap
    )
    for p in over:
        # Degrade, never fail: such a file keeps no attribution in this note.
        result.warnings.append(
            f"skipped {p}: over the {cap}-byte content cap (caps.max_file_bytes)"
        )
        result.cap_hits.append({"cap": "max_file_bytes", "path": p, "limit": cap})
        fold.files.pop(p, None)
        fold.initial.files.pop(p, None)
        batch.committed.pop(p, None)
        batch.parent.pop(p, None)
    paths = [p for p in paths if p not in over]
    state = fold.state(source.blob, c.author)
    added = {p: a for p, a in diff.added.items() if p not in over}
    texts = CommitTexts(
        batch.parent, batch.committed, {p: set(a.lines) for p, a in added.items()}, diff.renames
    )
    carried = list(carry(c)) if carry is not None else []
    split = split_commit(
        state,
        texts,
        c.oid,
        GIT_AI_VERSION,
        prior=carried,
        synced=synced,
        earlier=source.earlier if synced else None,
    )
    note = split.note
    for other in carried:  # files the working log has no state for
        note = fill_note(note, other)
        note.metadata.base_commit_sha = c.oid
    split = split._replace(note=note)
    if recover:
        every = _recover(git, split, c, added, settings, frozenset(over))
    else:
        every = {p: set(a.lines) for p, a in added.items()}
    result.carried = sum(
        la.end_line - la.start_line + 1 for las in split.initial.files.values() for la in las
    )
    final = split.note
    if settings.commit.notes:
        build = _MergeExisting(split.note, c.oid, result.warnings)
        first = {c.oid: batch.existing_note} if batch.existing_note is not None else {}
        written = update_notes(git, [c.oid], build, first=(batch.notes_tip, first))
        result.note = written.get(c.oid)
        final = build.final  # a redo counts the note C carries, not only what it computed
    _count(final, result, every)
    target_log = new_log if new_log is not None else result.new_log
    try:
        source.finish(target_log, split.initial, split.initial_contents, archive=archive)
    except (StoreLockedError, StoreReadOnlyError):
        # The note is written; only the move of the working log waits (a
        # read-only store here is the fallback of a locked one). The log
        # stays live, so the redo finds it and converges.
        result.warnings.append(
            f"the note of {c.oid[:12]} is written, but the store is locked: its uncommitted "
            f"AI lines stay on the old base until `ckptlog post-commit --commit {c.oid[:12]}`"
        )
    return split
