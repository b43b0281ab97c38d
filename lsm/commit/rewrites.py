"""History rewrites: what each git hook does to notes and working logs (docs/commit.md).

No daemon sees the commands here; git's hooks do, each with a little
information, completed by the invoking git command line
(:mod:`lsm.commit.gitcommand`) and the HEAD reflog:

* ``post-rewrite amend|rebase`` (old -> new map on stdin): amend (the note of
  the amended commit from the working log plus the old note shifted onto it)
  and rebase (notes shifted along git's map, dropped commits mapped to the
  previous survivor, squashes merged; conflict-resolution logs turned into
  notes; the working log follows the new tip);
* ``post-checkout PREV NEW FLAG``: a branch switch renames (or merges) the
  working log; ``-f`` / ``--discard-changes`` archive it; a checkout or
  restore of paths drops the state of the files it put back to HEAD's text;
* ``post-merge SQUASH``: a fast-forward or a merge commit moves the log; a
  ``--squash`` is remembered for the commit that follows;
* ``reference-transaction committed``: reset (soft/mixed/keep: the undone
  commits' notes become INITIAL at the new HEAD; hard: archive; forward:
  rename; sideways: notes shifted by range-diff, log moved), ``update-ref``
  of the checked-out branch, and stash push / pop / drop.

Fail-closed (git-ai §0.4): when the old and new tips are not known exactly,
nothing is migrated and an event says why. Every handler returns a short
description of what it did (for events and ``--verbose``).

What can fail: :class:`~lsm.errors.GitError`, store errors.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from lsm.checkpoint.gitrepo import Repo, find_repo
from lsm.commit.gitcommand import GitCommand, invoking_commands
from lsm.commit.pending import remember_squash, take_pick, take_squash
from lsm.commit.postcommit import PostCommitResult, attribute_commit
from lsm.commit.shift import deoverlap, shift_note, shift_notes, tree_diffs
from lsm.commit.transitions import (
    Snapshot,
    collapse,
    merge_snapshots,
    overlay,
    rename,
    replace_state,
    set_initial_state,
    transition,
)
from lsm.commit.worklog import StoreLog
from lsm.config import Settings, load_settings
from lsm.errors import NoteFormatError
from lsm.events import EventLog
from lsm.git import CommitObject, Git, is_null_oid, is_oid
from lsm.gitnotes import read_notes
from lsm.model import InitialAttributions, LineAttribution
from lsm.notes import AuthorshipNote, FileAttestation, merge_notes, parse_note
from lsm.record import NamedTuple
from lsm.store import Store

__all__ = [
    "MAX_QUEUED_DROPS",
    "RewriteContext",
    "carried_notes",
    "on_post_checkout",
    "on_post_merge",
    "on_post_rewrite",
    "on_reference_transaction",
]

#: More dropped commits than this before any survivor: a divergent history
#: (git-ai PR #1902); the queued drops are discarded.
MAX_QUEUED_DROPS = 64

_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{40}(?:[0-9a-f]{24})?)")


class RewriteContext:
    """The repository, its git, settings, the invoking command, and the store (opened lazily)."""

    def __init__(self, repo: Repo, git: Git, settings: Settings) -> None:
        self.repo = repo
        self.git = git
        self.settings = settings
        self._chain: list[GitCommand] | None = None
        self._store: Store | None = None
        self._identity: str | None = None
        self.events = EventLog(self.settings.store_path(self.repo.common_dir) / "events.jsonl")

    @classmethod
    def open(
        cls, cwd: str | os.PathLike[str], env: Mapping[str, str] | None = None
    ) -> RewriteContext:
        """The context of the repository containing ``cwd``."""
        repo = find_repo(cwd)
        return cls(repo, Git(repo.root, env), load_settings(repo.ai_dir, env))

    @classmethod
    def of(cls, repo: Repo, git: Git, settings: Settings) -> RewriteContext:
        """A context over what a caller already has."""
        return cls(repo, git, settings)

    @property
    def chain(self) -> list[GitCommand]:
        """The git commands above the hook, nearest first (empty: unknown)."""
        if self._chain is None:
            self._chain = invoking_commands(alias=lambda name: self.git.config(f"alias.{name}"))
        return self._chain

    @property
    def command(self) -> GitCommand | None:
        """The git command that ran the hook (None: unknown)."""
        return self.chain[0] if self.chain else None

    @property
    def user_command(self) -> GitCommand | None:
        """The outermost git command: what the user ran (``stash``, not its ``reset``)."""
        return self.chain[-1] if self.chain else None

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(
                self.settings.store_path(self.repo.common_dir),
                options=self.settings.store_options(),
            )
        return self._store

    def has_store(self) -> bool:
        """True if a store exists (a repository never checkpointed has nothing to move)."""
        return (self.settings.store_path(self.repo.common_dir) / "index").exists()

    def log(self, base: str) -> str:
        return self.repo.log_name(base)

    def identity(self) -> str:
        if self._identity is None:
            self._identity = self.repo.author_identity()
        return self._identity

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def record(self, hook: str, did: str, **fields: object) -> None:
        self.events.record("rewrite", hook=hook, did=did, **fields)


# ---------------------------------------------------------------------- notes carried


def carried_notes(git: Git, pairs: Sequence[tuple[str, str]]) -> list[AuthorshipNote]:
    """The notes of the pairs' sources shifted onto their destinations (not written).

    One ``cat-file`` for the notes and one ``diff-tree`` per 64 pairs; a
    source without a parseable note contributes nothing.
    """
    texts = read_notes(git, [s for s, _ in pairs])
    todo: list[tuple[tuple[str, str], AuthorshipNote]] = []
    for src, dst in pairs:
        text = texts.get(src)
        if text is None:
            continue
        try:
            todo.append(((src, dst), parse_note(text)))
        except NoteFormatError:
            continue
    if not todo:
        return []
    diffs = tree_diffs(git, [p for p, _ in todo])
    return [shift_note(n, d, dst) for ((_, dst), n), d in zip(todo, diffs, strict=True)]


def _merged(notes: Sequence[AuthorshipNote]) -> list[AuthorshipNote]:
    """Several carried notes as one, later ones winning shared lines."""
    if len(notes) <= 1:
        return list(notes)
    acc = notes[0]
    for n in notes[1:]:
        acc = merge_notes(acc, n)
    return [deoverlap(acc)]


def _clip(note: AuthorshipNote, added: dict[str, set[int]]) -> AuthorshipNote:
    """``note`` restricted to the lines the commit added (git-ai's revert rule)."""
    files = []
    for f in note.files:
        keep = added.get(f.path, set())
        entries = []
        for e in f.entries:
            lines = [n for a, b in e.ranges for n in range(a, b + 1) if n in keep]
            if lines:
                from lsm.notes import Attestation, compress_lines

                entries.append(Attestation(e.key, tuple(compress_lines(lines))))
        if entries:
            files.append(FileAttestation(f.path, tuple(entries)))
    return AuthorshipNote(files, note.metadata)


# ---------------------------------------------------------------------- post-commit variants


def commit_carry(
    ctx: RewriteContext, kind: str, parent: str
) -> Callable[[CommitObject], Sequence[AuthorshipNote]] | None:
    """What a commit made by cherry-pick, revert or after ``merge --squash`` carries over.

    ``kind`` is what the HEAD reflog says (``cherry-pick`` when git's own
    pick committed, with ``CHERRY_PICK_HEAD`` still there; ``revert``); the
    records of :mod:`lsm.commit.pending` say the rest (a squash, a pick
    concluded by ``git commit``). Records are consumed, and used only when
    they were made on ``parent``.
    """
    git = ctx.git
    squash = take_squash(ctx.repo.ai_dir)
    pick = take_pick(ctx.repo.ai_dir)
    if kind == "cherry-pick":
        source = _read_ref_file(ctx.repo.git_dir / "CHERRY_PICK_HEAD")
        if source is not None:
            return _picked(git, source)
    if kind == "revert":
        return lambda c: _reverted(git, c, None)
    if squash is not None and squash[0] == parent:
        sources = squash[1]
        return lambda c: _merged(carried_notes(git, [(s, c.oid) for s in sources]))
    if pick is not None and pick.head == parent:
        if pick.kind == "revert":
            return lambda c: _reverted(git, c, pick.source)
        if pick.source is not None:
            return _picked(git, pick.source)
        if pick.message is not None:
            found = _source_by_message(git, pick.message, parent)
            said = found or "not found (fail-closed)"
            ctx.record("post-commit", f"cherry-pick -n source: {said}")
            if found is not None:
                return _picked(git, found)
    return None


def _picked(git: Git, source: str) -> Callable[[CommitObject], Sequence[AuthorshipNote]]:
    return lambda c: carried_notes(git, [(source, c.oid)])


def _reverted(git: Git, c: CommitObject, reverted_oid: str | None) -> Sequence[AuthorshipNote]:
    """git-ai's revert (§3.7): X^1's note shifted onto R, clipped to the lines R adds."""
    if reverted_oid is None:
        found = _REVERTS.search(c.message)
        if found is None:
            return []
        reverted_oid = found.group(1)
    if not c.parents:
        return []
    reverted = git.commit(reverted_oid)
    if reverted is None or not reverted.parents:
        return []
    from lsm.commit.postcommit import added_lines

    shifted = carried_notes(git, [(reverted.parents[0], c.oid)])
    if not shifted:
        return []
    added = added_lines(git, c.parents[0], c.oid)
    return [_clip(n, added) for n in shifted]


_PICKED_FROM = re.compile(r"\(cherry picked from commit ([0-9a-f]{40}(?:[0-9a-f]{24})?)\)")


def _clean_message(text: str) -> str:
    """A message as ``git commit`` cleans it: comment lines and trailing blanks dropped."""
    lines = [ln.rstrip() for ln in text.splitlines() if not ln.startswith("#")]
    return "\n".join(lines).strip("\n")


def _source_by_message(git: Git, message: str, head: str) -> str | None:
    """The commit a ``cherry-pick -n`` applied, from the ``MERGE_MSG`` it left.

    ``-x`` names it; otherwise the one commit outside ``head``'s history
    (branches, tags, remotes, stashes; not the notes) whose message is that
    text. Several such commits, or none: None (fail-closed).
    """
    named = _PICKED_FROM.search(message)
    if named is not None:
        return named.group(1)
    want = _clean_message(message)
    if not want:
        return None
    out = git.output(
        ["log", "--exclude=refs/notes/*", "--all", "--not", head, "--format=%H%x00%B%x00"]
    ).decode("utf-8", "replace")
    fields = out.split("\x00")
    found = [
        oid.strip()
        for oid, body in zip(fields[0::2], fields[1::2], strict=False)
        if _clean_message(body) == want and is_oid(oid.strip())
    ]
    return found[0] if len(found) == 1 else None


def _read_ref_file(path: Path) -> str | None:
    try:
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if is_oid(text) else None


# ---------------------------------------------------------------------- post-rewrite


class _Pair(NamedTuple):
    old: str
    new: str


def _pairs(text: str) -> list[_Pair]:
    out = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and is_oid(fields[0]) and is_oid(fields[1]):
            out.append(_Pair(fields[0], fields[1]))
    return out


def on_post_rewrite(ctx: RewriteContext, kind: str, stdin: str) -> str:
    """``post-rewrite amend|rebase``."""
    pairs = _pairs(stdin)
    if not pairs:
        return "no rewritten commits"
    if kind == "amend":
        return _amend(ctx, pairs[0])
    if kind == "rebase":
        return _rebase(ctx, pairs)
    return f"post-rewrite {kind}: nothing to do"


def _amend(ctx: RewriteContext, pair: _Pair) -> str:
    git = ctx.git
    new = git.commit(pair.new)
    if new is None:
        return "the amended commit cannot be read"
    parent = new.parents[0] if new.parents else "initial"
    result = PostCommitResult(new.oid, parent)
    result.log, result.new_log = ctx.log(pair.old), ctx.log(new.oid)
    store = ctx.store()
    source = StoreLog(store, result.log)
    attribute_commit(
        git,
        source,
        new.oid,
        parent,
        ctx.settings,
        result,
        commit=new,
        archive=source.exists(),
        carry=lambda c: carried_notes(git, [(pair.old, c.oid)]),
    )
    return f"amend {pair.old[:12]} -> {pair.new[:12]}: note with {result.ai_lines} AI line(s)"


def _rebase(ctx: RewriteContext, pairs: list[_Pair]) -> str:
    git = ctx.git
    new_tip = ctx.repo.head_oid()
    old_tip = _read_ref_file(ctx.repo.git_dir / "ORIG_HEAD") or pairs[-1].old
    if new_tip is None or old_tip == new_tip:
        return "rebase: HEAD did not move"
    mapped = {p.old: p.new for p in pairs}
    # Every commit of the old branch, oldest first: survivors and drops.
    out = git.output(["rev-list", "--reverse", old_tip, "--not", new_tip])
    old_order = out.decode().split()
    if not old_order:
        old_order = [p.old for p in pairs]
    shift: list[tuple[str, str]] = []
    queued: list[str] = []
    divergent = False
    last_new: str | None = None
    for c in old_order:
        target = mapped.get(c)
        if target is not None:
            if not divergent:
                shift.extend((q, target) for q in queued)
            queued = []
            shift.append((c, target))
            last_new = target
        elif last_new is not None:
            shift.append((c, last_new))  # a drop: its lines survive where the tree keeps them
        elif not divergent:
            queued.append(c)
            if len(queued) > MAX_QUEUED_DROPS:
                divergent, queued = True, []
    # Pairs git reported that rev-list did not list (e.g. a commit already upstream).
    listed = set(old_order)
    shift.extend((p.old, p.new) for p in pairs if p.old not in listed)
    report = shift_notes(git, shift)
    store = ctx.store()
    # The conflict resolutions' logs and the move of the log: one commit.
    with transition(store):
        resolved = _resolutions(ctx, old_tip, new_tip)
        moved = rename(store, ctx.log(old_tip), ctx.log(new_tip))
    return (
        f"rebase {old_tip[:12]} -> {new_tip[:12]}: {len(report.written)} note(s) shifted, "
        f"{resolved} conflict resolution(s), working log {moved}"
    )


def _rebase_started(ctx: RewriteContext) -> int | None:
    """Unix time of the newest ``rebase (start)`` in the HEAD reflog."""
    from lsm.git import reflog_tail

    for move, when in reversed(reflog_tail(ctx.repo.git_dir)):
        head = move.message.split(":", 1)[0]
        if head.endswith("(start)") and ("rebase" in head):
            return when
    return None


def _resolutions(ctx: RewriteContext, old_tip: str, new_tip: str) -> int:
    """Notes from checkpoints taken while the rebase stopped (keyed by the HEAD of then)."""
    git = ctx.git
    store = ctx.store()
    started = _rebase_started(ctx)
    if started is None:
        return 0  # when the rebase began is unknown: no log can be told to be its own
    out = git.output(["rev-list", "--reverse", "--parents", new_tip, "--not", old_tip])
    done = 0
    for line in out.decode().splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        commit, parent = fields[0], fields[1]
        log = ctx.log(parent)
        info = store.log_info(log)
        if info is None or parent == old_tip or info.checkpoints == 0:
            continue
        if info.created_ms < started * 1000 - 1000:
            continue  # older than the rebase: not a conflict resolution (onto's own work)
        result = PostCommitResult(commit, parent)
        result.log, result.new_log = log, ctx.log(commit)
        attribute_commit(
            git, StoreLog(store, log), commit, parent, ctx.settings, result, recover=False
        )
        done += 1
    return done


# ---------------------------------------------------------------------- post-checkout


def on_post_checkout(ctx: RewriteContext, prev: str, new: str, flag: str) -> str:
    """``post-checkout PREV NEW FLAG`` (FLAG 1: a branch switch; 0: paths)."""
    cmd = ctx.command
    if cmd is not None and cmd.name in ("rebase", "clone", "pull", "am", "bisect", "worktree"):
        return f"checkout inside {cmd.name}: its own hook handles it"
    if not ctx.has_store() or is_null_oid(prev) or not is_oid(prev):
        return "nothing to move"
    store = ctx.store()
    if flag == "0":
        return _paths_restored(ctx, new)
    if prev == new:
        return "HEAD did not move"
    if cmd is not None and cmd.has("-f", "--force", "--discard-changes"):
        archived = store.archive_log(ctx.log(prev))
        return f"forced checkout: working log {'archived' if archived else 'absent'}"
    moved = rename(store, ctx.log(prev), ctx.log(new))
    return f"checkout {prev[:12]} -> {new[:12]}: working log {moved}"


def _paths_restored(ctx: RewriteContext, head: str) -> str:
    """Files a checkout/restore put back to HEAD's text lose their uncommitted state."""
    store = ctx.store()
    log = ctx.log(head)
    state = StoreLog(store, log).state(None)
    candidates = sorted(set(state.files) | set(state.observed))
    if not candidates:
        return "no file with state"
    heads = ctx.git.blobs([f"{head}:{p}" for p in candidates])
    restored = []
    for path, data in zip(candidates, heads, strict=True):
        try:
            with open(ctx.repo.root / path, "rb") as f:
                now: bytes | None = f.read()
        except OSError:
            now = None
        back_to_head = now == data  # also both None: deleted, and absent from HEAD
        if back_to_head and state.observed.get(path, "").encode() != (now or b""):
            restored.append(path)
    if not restored:
        return "no restored file with state"
    from lsm.commit.transitions import snapshot_of

    keep = snapshot_of(state).only(lambda p: p not in restored)
    with transition(store) as w:
        replace_state(w, log, keep)
    return f"restored {len(restored)} file(s): their uncommitted state dropped"


# ---------------------------------------------------------------------- post-merge


def on_post_merge(ctx: RewriteContext, squash: str) -> str:
    """``post-merge SQUASH``."""
    git = ctx.git
    head = ctx.repo.head_oid()
    if head is None:
        return "no HEAD"
    if squash == "1":
        cmd = ctx.command
        sources = _squash_sources(ctx, cmd)
        if not sources:
            return "merge --squash: no source commits found"
        remember_squash(ctx.repo.ai_dir, head, sources)
        return f"merge --squash of {len(sources)} commit(s) onto {head[:12]} remembered"
    old = _read_ref_file(ctx.repo.git_dir / "ORIG_HEAD")
    if old is None or old == head or not ctx.has_store():
        return "HEAD did not move"
    del git
    moved = rename(ctx.store(), ctx.log(old), ctx.log(head))
    return f"merge {old[:12]} -> {head[:12]}: working log {moved}"


def _squash_sources(ctx: RewriteContext, cmd: GitCommand | None) -> list[str]:
    """The commits a ``merge --squash`` brought in, oldest first."""
    git = ctx.git
    head = ctx.repo.head_oid()
    tips: list[str] = []
    if cmd is not None and cmd.name == "merge":
        for rev in cmd.positionals():
            oid = git.resolve_commit(rev)
            if oid is not None:
                tips.append(oid)
    if not tips:
        # SQUASH_MSG lists them: "commit <sha>" lines, newest first.
        try:
            text = (ctx.repo.git_dir / "SQUASH_MSG").read_text("utf-8", "replace")
        except OSError:
            return []
        shas = re.findall(r"^commit ([0-9a-f]{40})", text, re.M)
        return list(reversed(shas))
    out = git.output(["rev-list", "--reverse", *tips, "--not", head or "HEAD"])
    return out.decode().split()


# ---------------------------------------------------------------------- reference-transaction


class _Update(NamedTuple):
    old: str
    new: str
    ref: str


def _updates(stdin: str) -> list[_Update]:
    out = []
    for line in stdin.splitlines():
        fields = line.split(" ", 2)
        if len(fields) == 3:
            out.append(_Update(*fields))
    return out


def on_reference_transaction(ctx: RewriteContext, state: str, stdin: str) -> str:
    """``reference-transaction committed``: reset, update-ref of HEAD's branch, stash."""
    if state != "committed":
        return f"{state}: nothing to do"
    updates = _updates(stdin)
    stash = [u for u in updates if u.ref == "refs/stash"]
    if stash:
        return _stash(ctx, stash[0])
    user = ctx.user_command
    if user is not None and user.name in ("rebase", "pull"):
        return _rebase_finished(ctx, updates)
    head_ref = _head_ref(ctx.repo)
    heads = [u for u in updates if u.ref in ("HEAD", head_ref)]
    if not heads:
        return "no HEAD update"
    move = heads[0]
    cmd = ctx.command
    if cmd is None:
        return "HEAD moved by an unknown command: nothing migrated (fail-closed)"
    if user is not None and user.name != cmd.name:
        return f"git {cmd.name} inside git {user.name}: its hooks handle it"
    if cmd.name == "reset":
        if move.old == move.new:
            return _reset_in_place(ctx, cmd, move.new)
        return _reset(ctx, cmd, move)
    if move.old == move.new:
        return "HEAD did not move"
    if cmd.name == "update-ref":
        return _update_ref(ctx, move)
    return f"HEAD moved by git {cmd.name}: its own hooks handle it"


def _rebase_finished(ctx: RewriteContext, updates: list[_Update]) -> str:
    """The branch update that ends a rebase: the log follows it if no post-rewrite will.

    A rebase that rewrote commits runs ``post-rewrite`` right after this
    update (git's sequencer keeps the list in ``rebase-merge/rewritten-list``
    until then), and that hook moves the log. A fast-forward, or a rebase
    whose every commit was already upstream, rewrites nothing: no
    post-rewrite comes, and the log moves here.
    """
    head = ctx.repo.head_oid()
    moved = [
        u
        for u in updates
        if u.ref.startswith("refs/heads/")
        and u.new == head
        and not is_null_oid(u.old)
        and u.old != u.new
    ]
    if not moved:
        return "rebase: no branch of HEAD moved"
    # The merge backend's list, and the apply backend's.
    for listing in ("rebase-merge/rewritten-list", "rebase-apply/rewritten"):
        with contextlib.suppress(OSError):
            if (ctx.repo.git_dir / listing).stat().st_size > 0:
                return "rebase: its post-rewrite hook moves the log"
    if not ctx.has_store():
        return "no store"
    u = moved[0]
    result = rename(ctx.store(), ctx.log(u.old), ctx.log(u.new))
    return f"rebase rewrote nothing: {u.ref} {u.old[:12]} -> {u.new[:12]}, working log {result}"


def _head_ref(repo: Repo) -> str | None:
    try:
        text = (repo.git_dir / "HEAD").read_text("utf-8").strip()
    except OSError:
        return None
    return text[5:].strip() if text.startswith("ref: ") else None


def _is_ancestor(git: Git, a: str, b: str) -> bool:
    code, _, _ = git.run(["merge-base", "--is-ancestor", a, b], check=False)
    return code == 0


def _reset_in_place(ctx: RewriteContext, cmd: GitCommand, head: str) -> str:
    """``git reset --hard`` without moving HEAD discards the uncommitted work: archive."""
    if not cmd.has("--hard") or not ctx.has_store():
        return "reset in place: nothing to do"
    archived = ctx.store().archive_log(ctx.log(head))
    return f"reset --hard: working log {'archived' if archived else 'absent'}"


def _reset(ctx: RewriteContext, cmd: GitCommand, move: _Update) -> str:
    if is_null_oid(move.old) or is_null_oid(move.new):
        return "reset from or to nothing: nothing migrated"
    if not ctx.has_store():
        return "no store"
    store = ctx.store()
    old_log, new_log = ctx.log(move.old), ctx.log(move.new)
    if cmd.has("--hard"):
        archived = store.archive_log(old_log)
        return f"reset --hard: working log {'archived' if archived else 'absent'}"
    git = ctx.git
    if _is_ancestor(git, move.new, move.old):
        return _reset_backward(ctx, move.old, move.new)
    if _is_ancestor(git, move.old, move.new):
        return f"reset forward: working log {rename(store, old_log, new_log)}"
    report = _sideways(ctx, move.old, move.new)
    return f"reset sideways: {report}; working log {rename(store, old_log, new_log)}"


def _reset_backward(ctx: RewriteContext, old: str, new: str) -> str:
    """The undone commits' notes become INITIAL at ``new`` (git-ai §3.5), with the live state."""
    git = ctx.git
    store = ctx.store()
    undone = git.output(["rev-list", "--reverse", f"{new}..{old}"]).decode().split()
    # Each undone note, shifted to ``old``'s coordinates; later commits win.
    notes = carried_notes(git, [(c, old) for c in undone if c != old])
    own = read_notes(git, [old]).get(old)
    if own is not None:
        with contextlib.suppress(NoteFormatError):
            notes.append(parse_note(own))
    acc = _merged(notes)
    paths = sorted({f.path for n in acc for f in n.files})
    olds = git.blobs([f"{old}:{p}" for p in paths])
    news = git.blobs([f"{new}:{p}" for p in paths])
    files: dict[str, list[LineAttribution]] = {}
    contents: dict[str, str] = {}
    for note in acc:
        for f, (o, n) in ((f, _pair_for(paths, olds, news, f.path)) for f in note.files):
            if not o or o == n:
                continue  # git-ai keeps files whose text at old is non-empty and changed
            las = [LineAttribution(a, b, e.key, None) for e in f.entries for a, b in e.ranges]
            files[f.path] = sorted(las)
            contents[f.path] = o.decode("utf-8", "replace")
    records = InitialAttributions()
    for note in acc:
        records.sessions.update(note.metadata.sessions)
        records.humans.update(note.metadata.humans)
        records.prompts.update(note.metadata.prompts)
    from lsm.commit.transitions import with_records

    from_notes = Snapshot(with_records(files, records), contents)
    with transition(store) as w:
        live = collapse(store, ctx.log(old), None)
        # The live log's state (the uncommitted work of the moment) wins its lines.
        merged = overlay(from_notes, live)
        set_initial_state(w, store, ctx.log(new), merged)
        w.archive_log(ctx.log(old))
    return f"reset back {len(undone)} commit(s): {len(merged.paths())} file(s) carried as INITIAL"


def _pair_for(
    paths: list[str], olds: list[bytes | None], news: list[bytes | None], path: str
) -> tuple[bytes | None, bytes | None]:
    i = paths.index(path)
    return olds[i], news[i]


def _range_pairs(git: Git, old: str, new: str) -> list[tuple[str, str]]:
    """git-ai's range-diff mapping of a non-fast-forward move (§3.3 step 4)."""
    base = git.output(["merge-base", old, new]).decode().strip()
    if not is_oid(base) or base in (old, new):
        return []
    out = git.output(
        [
            "-c",
            "core.abbrev=no",
            "range-diff",
            "--no-color",
            "--no-abbrev",
            "-s",
            "--creation-factor=100",
            f"{base}..{old}",
            f"{base}..{new}",
        ]
    ).decode("utf-8", "replace")
    hexrun = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
    pairs: list[tuple[str, str]] = []
    queued: list[str] = []
    last: str | None = None
    for line in out.splitlines():
        shas = [m for m in hexrun.findall(line) if not is_null_oid(m)]
        m = hexrun.search(line)
        if m is None:
            continue
        status = line[m.end() :].strip()[:1]
        if status in ("=", "!") and len(shas) >= 2:
            pairs.extend((q, shas[1]) for q in queued)
            queued = []
            pairs.append((shas[0], shas[1]))
            last = shas[1]
        elif status == "<" and shas:
            if last is not None:
                pairs.append((shas[0], last))
            else:
                queued.append(shas[0])
                if len(queued) > MAX_QUEUED_DROPS:
                    return pairs
    return pairs


def _sideways(ctx: RewriteContext, old: str, new: str) -> str:
    pairs = _range_pairs(ctx.git, old, new)
    if not pairs:
        return "no commits to map"
    report = shift_notes(ctx.git, pairs)
    return f"{len(report.written)} note(s) shifted by range-diff"


def _update_ref(ctx: RewriteContext, move: _Update) -> str:
    if is_null_oid(move.old) or is_null_oid(move.new) or not ctx.has_store():
        return "update-ref: nothing to move"
    git = ctx.git
    store = ctx.store()
    old_log, new_log = ctx.log(move.old), ctx.log(move.new)
    if _is_ancestor(git, move.old, move.new):
        new = git.commit(move.new)
        if new is not None and new.parents and new.parents[0] == move.old:
            # A commit made with commit-tree: no post-commit hook ran for it.
            result = PostCommitResult(move.new, move.old)
            result.log, result.new_log = old_log, new_log
            source = StoreLog(store, old_log)
            if source.exists():
                attribute_commit(git, source, move.new, move.old, ctx.settings, result, commit=new)
                return f"update-ref forward: note on {move.new[:12]} from the working log"
        return f"update-ref forward: working log {rename(store, old_log, new_log)}"
    report = _sideways(ctx, move.old, move.new)
    return f"update-ref non-fast-forward: {report}; working log {rename(store, old_log, new_log)}"


# ---------------------------------------------------------------------- stash


_STASH_VERBS = frozenset(
    {"push", "save", "pop", "apply", "drop", "branch", "clear", "list", "show", "create", "store"}
)


def _stash_log(sha: str) -> str:
    return f"stash/{sha}"


def _stash(ctx: RewriteContext, update: _Update) -> str:
    cmd = ctx.command
    sub = ""
    if cmd is not None and cmd.name == "stash":
        pos = cmd.positionals()
        sub = pos[0] if pos and pos[0] in _STASH_VERBS else "push"
    if not ctx.has_store():
        return "no store"
    if sub in ("push", "save", "") and not is_null_oid(update.new) and update.new != update.old:
        return _stash_push(ctx, update.new)
    if sub in ("pop", "drop", "branch") and not is_null_oid(update.old):
        if sub == "drop":
            ctx.store().drop_log(_stash_log(update.old))
            return f"stash drop {update.old[:12]}"
        return _stash_pop(ctx, update.old, keep=False)
    if sub == "clear":
        store = ctx.store()
        for info in store.logs():
            if info.name.startswith("stash/"):
                store.drop_log(info.name)
        return "stash clear"
    return f"stash {sub or '?'}: nothing to do"


def _stashed_paths(git: Git, stash: str) -> set[str]:
    """Paths a stash commit holds: its tracked changes, its index, its untracked files."""
    out = git.output(["diff-tree", "-r", "--name-only", "-z", f"{stash}^1", stash])
    paths = {p.decode("utf-8", "surrogateescape") for p in out.split(b"\x00") if p}
    code, untracked, _ = git.run(["ls-tree", "-r", "--name-only", "-z", f"{stash}^3"], check=False)
    if code == 0:
        paths.update(p.decode("utf-8", "surrogateescape") for p in untracked.split(b"\x00") if p)
    return paths


def _stash_push(ctx: RewriteContext, stash: str) -> str:
    """The stashed paths' state leaves the live log with the stash."""
    git = ctx.git
    store = ctx.store()
    base = ctx.repo.head_oid()
    if base is None:
        return "stash on an unborn branch: nothing to move"
    paths = _stashed_paths(git, stash)
    live_log = ctx.log(base)
    with transition(store) as w:
        snap = collapse(store, live_log, None)
        leaving = snap.only(lambda p: p in paths)
        if not leaving.paths():
            return "stash push: no stashed file has state"
        staying = snap.only(lambda p: p not in paths)
        replace_state(w, _stash_log(stash), leaving)
        replace_state(w, live_log, staying)
    return f"stash push {stash[:12]}: state of {len(leaving.paths())} file(s) saved"


def _stash_pop(ctx: RewriteContext, stash: str, *, keep: bool) -> str:
    """The stash's state comes back, replacing the live state of its paths."""
    from lsm.checkpoint.myers import diff_ops
    from lsm.commit.lines import split_keep

    store = ctx.store()
    if store.log_info(_stash_log(stash)) is None:
        return f"stash {stash[:12]} carries no state"
    saved = collapse(store, _stash_log(stash), None)
    head = ctx.repo.head_oid()
    if head is None:
        return "no HEAD"
    files: dict[str, list[LineAttribution]] = {}
    contents: dict[str, str] = {}
    for path, las in saved.initial.files.items():
        try:
            now = (ctx.repo.root / path).read_text("utf-8", "replace")
        except OSError:
            continue  # not restored (a conflict left it out, or it was deleted)
        then = saved.contents[path]
        if now == then:
            files[path], contents[path] = list(las), now
            continue
        # Lines moved by the apply: keep an attribution whose first and last
        # lines both map (git-ai's rule for a stash applied on another base).
        line_map: dict[int, int] = {}
        for tag, oi, ol, ni, _nl in diff_ops(split_keep(then), split_keep(now)):
            if tag == "equal":
                for k in range(ol):
                    line_map[oi + k + 1] = ni + k + 1
        moved = [
            LineAttribution(line_map[la.start_line], line_map[la.end_line], la.author_id, None)
            for la in las
            if la.start_line in line_map and la.end_line in line_map
        ]
        if moved:
            files[path], contents[path] = moved, now
    from lsm.commit.transitions import with_records

    restored = Snapshot(with_records(files, saved.initial), contents)
    live_log = ctx.log(head)
    with transition(store) as w:
        live = collapse(store, live_log, None)
        replace_state(w, live_log, merge_snapshots(live, restored))
        if not keep:
            w.drop_log(_stash_log(stash))
    return f"stash {'apply' if keep else 'pop'} {stash[:12]}: {len(files)} file(s) restored"
