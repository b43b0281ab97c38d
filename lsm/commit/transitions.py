"""Working-log transitions of the history rewrites, in the store or in git-ai's files.

Every rewrite moves attribution state between working logs (one per base
commit): a rename when HEAD moves and the uncommitted work moves with it, an
archive when the work is discarded, and a *collapse* when only part of a
log's state moves (a stash of some paths, a checkout of some paths): the
state to keep is turned into INITIAL (line attributions plus the text they
refer to, git-ai's ``to_initial_working_log_only``), and the log restarts
from it. Each hook's transition is one :func:`transition` block: one
commit of the store, so a crash leaves the old state or the new one.

What can fail: store errors; :class:`~lsm.errors.InputError` for a missing
snapshot blob.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from lsm import killpoints
from lsm.commit.state import WorkingState
from lsm.commit.worklog import StoreLog, snapshot_blobs
from lsm.ids import HUMAN
from lsm.model import InitialAttributions, LineAttribution
from lsm.notes import session_of
from lsm.store import Store
from lsm.writer import Writer

__all__ = [
    "Snapshot",
    "collapse",
    "merge_snapshots",
    "overlay",
    "rename",
    "replace_state",
    "set_initial_state",
    "snapshot_of",
    "transition",
    "with_records",
]


class Snapshot:
    """A log's state as INITIAL: per path line attributions and their text, plus records."""

    __slots__ = ("contents", "initial")

    def __init__(self, initial: InitialAttributions, contents: dict[str, str]) -> None:
        self.initial = initial
        self.contents = contents

    def paths(self) -> set[str]:
        """The paths with attributions."""
        return {p for p, las in self.initial.files.items() if las}

    def only(self, keep: Callable[[str], bool]) -> Snapshot:
        """The paths ``keep`` accepts, with the records they reference."""
        files = {p: las for p, las in self.initial.files.items() if keep(p)}
        return Snapshot(with_records(files, self.initial), {p: self.contents[p] for p in files})


def with_records(
    files: dict[str, list[LineAttribution]], source: InitialAttributions
) -> InitialAttributions:
    keys = {la.author_id for las in files.values() for la in las}
    sessions = {session_of(k) for k in keys if k.startswith("s_")}
    return InitialAttributions(
        files=files,
        prompts={k: v for k, v in source.prompts.items() if k in keys},
        humans={k: v for k, v in source.humans.items() if k in keys},
        sessions={k: v for k, v in source.sessions.items() if k in sessions},
    )


def snapshot_of(state: WorkingState) -> Snapshot:
    """A log's whole attribution state as INITIAL (every non-``human`` line attribution)."""
    files: dict[str, list[LineAttribution]] = {}
    contents: dict[str, str] = {}
    for path, vf in state.files.items():
        las = [
            LineAttribution(la.start_line, la.end_line, la.author_id, None)
            for la in vf.line_attrs
            if la.author_id != HUMAN
        ]
        if las:
            files[path] = las
            contents[path] = vf.content
    records = InitialAttributions(
        prompts=state.prompts, humans=state.humans, sessions=state.sessions
    )
    return Snapshot(with_records(files, records), contents)


def merge_snapshots(first: Snapshot, second: Snapshot) -> Snapshot:
    """``second``'s paths replace ``first``'s; records merge with ``second`` winning."""
    files = {**first.initial.files, **second.initial.files}
    contents = {**first.contents, **second.contents}
    merged = InitialAttributions(
        prompts={**first.initial.prompts, **second.initial.prompts},
        humans={**first.initial.humans, **second.initial.humans},
        sessions={**first.initial.sessions, **second.initial.sessions},
    )
    return Snapshot(with_records(files, merged), contents)


def overlay(base: Snapshot, top: Snapshot) -> Snapshot:
    """``top`` over ``base``: for a path in both, ``base``'s lines are moved onto ``top``'s
    text (lines in changed regions dropped) and kept where ``top`` attributes nothing.
    """
    from lsm.commit.diffs import content_hunks, shift_line_attributions

    files = dict(base.initial.files)
    contents = dict(base.contents)
    for path, top_las in top.initial.files.items():
        under = files.get(path)
        if under is None:
            files[path], contents[path] = list(top_las), top.contents[path]
            continue
        moved = shift_line_attributions(under, content_hunks(contents[path], top.contents[path]))
        taken = {n for la in top_las for n in range(la.start_line, la.end_line + 1)}
        rest = [
            LineAttribution(n, n, la.author_id, None)
            for la in moved
            for n in range(la.start_line, la.end_line + 1)
            if n not in taken
        ]
        files[path] = sorted([*top_las, *_runs(rest)])
        contents[path] = top.contents[path]
    merged = InitialAttributions(
        prompts={**base.initial.prompts, **top.initial.prompts},
        humans={**base.initial.humans, **top.initial.humans},
        sessions={**base.initial.sessions, **top.initial.sessions},
    )
    return Snapshot(with_records(files, merged), contents)


def _runs(single: list[LineAttribution]) -> list[LineAttribution]:
    """One-line attributions joined into runs of consecutive lines of one author."""
    out: list[LineAttribution] = []
    for la in sorted(single):
        last = out[-1] if out else None
        if (
            last is not None
            and last.author_id == la.author_id
            and last.end_line + 1 == la.start_line
        ):
            out[-1] = last._replace(end_line=la.end_line)
        else:
            out.append(la)
    return out


@contextlib.contextmanager
def transition(store: Store) -> Iterator[Writer]:
    """One hook's store transition: under the writer lock, as one commit.

    Everything the block writes lands together or not at all (a crash
    anywhere inside leaves the store as it was): the writer's
    :meth:`~lsm.writer.Writer.batch`. Reads of the store inside the block
    see it as it was when the block began, and no other writer can change
    it meanwhile, so a state read inside and written back loses nothing.
    Keep git processes out of the block: it holds the lock hooks wait for.
    """
    with store.writer() as w, w.batch():
        killpoints.reached("rewrite.in_transition")
        yield w


def set_initial_state(w: Writer, store: Store, log: str, snapshot: Snapshot) -> None:
    """Replace ``log``'s INITIAL with ``snapshot`` (its checkpoints are kept, as git-ai does)."""
    initial, blobs = snapshot_blobs(snapshot.initial, snapshot.contents)
    if not initial.is_empty() or store.log_info(log) is not None:
        w.set_initial(log, initial, blobs=blobs)


def collapse(store: Store, log: str, author: str | None) -> Snapshot:
    """The whole state of ``log`` (store), as a snapshot."""
    return snapshot_of(StoreLog(store, log).state(author))


def replace_state(w: Writer, log: str, snapshot: Snapshot) -> None:
    """Restart ``log`` from ``snapshot`` (its checkpoints dropped, INITIAL := snapshot).

    A reset (a new, empty run) and the new INITIAL with its snapshot blobs:
    call it inside a :func:`transition`, so that both land together.
    """
    initial, blobs = snapshot_blobs(snapshot.initial, snapshot.contents)
    w.reset_log(log)
    if not initial.is_empty():
        w.set_initial(log, initial, blobs=blobs)


def rename(store: Store, old: str, new: str) -> str:
    """Move (or merge) ``old``'s log to ``new`` in one commit: ``none``, ``renamed``, ``merged``."""
    if old == new:
        return "none"
    return store.rename_log(old, new)
