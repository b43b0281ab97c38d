"""Loading a working log's commit-time state, from the store or from git-ai's files.

Both sources answer the same question (:class:`~lsm.commit.state.WorkingState`
for one base) and both transitions the commit path makes afterwards (give
the new base its INITIAL, archive the old base's log):

* :class:`StoreLog`: the store (``storage.mode`` ``lsm`` and ``dual``);
* :class:`LegacyLog`: git-ai's ``working_logs/<base>/`` (``legacy``), read
  streaming: one checkpoint in memory at a time.

What can fail: store errors (:class:`~lsm.errors.StoreError` and
subclasses), :class:`~lsm.errors.LegacyFormatError` for unreadable legacy
files, :class:`~lsm.errors.InputError` when an INITIAL snapshot is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from lsm.commit.provenance import EarlierState
from lsm.commit.state import AgentTotals, LogFold, WorkingState
from lsm.hashing import sha256
from lsm.model import FileEntry, InitialAttributions
from lsm.results import CommitFile
from lsm.store import Store

__all__ = ["LegacyLog", "StoreLog", "snapshot_blobs"]


def _states(
    entries: Iterable[FileEntry],
    initial: Callable[[], InitialAttributions],
    path: str,
    blob: Callable[[str], bytes | None],
) -> Iterator[EarlierState]:
    """The states of ``path``: its entries (newest first, as given), then its INITIAL.

    Lazy: each entry's blob, and INITIAL, are read only if the caller gets that far.
    """
    for e in entries:
        data = blob(e.blob_sha)
        if data is not None:
            yield data.decode("utf-8", "replace"), e.line_attributions
    init = initial()
    sha = init.file_blobs.get(path)
    data = blob(sha) if sha is not None else None
    if data is not None:
        yield data.decode("utf-8", "replace"), init.files.get(path, [])


def snapshot_blobs(
    initial: InitialAttributions, contents: Mapping[str, str]
) -> tuple[InitialAttributions, dict[str, bytes]]:
    """INITIAL with ``file_blobs`` set to the sha256 of each snapshot, and those blobs."""
    blobs: dict[str, bytes] = {}
    file_blobs: dict[str, str] = {}
    for path in initial.files:
        data = contents.get(path, "").encode("utf-8", "surrogateescape")
        sha = sha256(data).hexdigest()
        blobs[sha] = data
        file_blobs[path] = sha
    out = InitialAttributions(
        files=initial.files,
        prompts=initial.prompts,
        file_blobs=file_blobs,
        humans=initial.humans,
        sessions=initial.sessions,
    )
    return out, blobs


class StoreLog:
    """A working log in the store, by its store name (``<base>`` or ``worktrees/<n>/<base>``)."""

    def __init__(self, store: Store, log: str) -> None:
        self.store = store
        self.log = log

    def exists(self) -> bool:
        """True if the log is live (not archived, not absent)."""
        return self.store.log_info(self.log) is not None

    def fold(self) -> LogFold:
        """The log's facts, without file contents (empty if the log does not exist).

        From the index's commit-time facts: O(files of the log) index reads, and
        later (:meth:`LogFold.load`) one entry read per file that needs
        post-processing and is still in the fold, whatever the history's length.
        A file no entry flags for post-processing (only humans wrote it) keeps
        its observed blob but no attribution data: nothing of it reaches a note
        or an INITIAL. An index that lacks them (built by an older
        version) is folded over the checkpoints instead: O(history), correct.
        """
        initial = self.store.get_initial(self.log)
        # Attribution entries only where post-commit reads them (its pathspecs),
        # and sessions only where those entries name them.
        facts = self.store.commit_facts(self.log, also=initial.files, sessions=False)
        if facts is None:
            fold = LogFold(initial)
            fold.add_all(sc.checkpoint for sc in self.store.checkpoints(self.log))
            return fold

        def entry(f: CommitFile) -> FileEntry:
            assert f.attributed is not None
            run, seq, pointer = f.attributed
            return self.store.entry_at(run, f.path, seq, pointer).entry

        def sessions(keys: set[str]) -> dict[str, AgentTotals]:
            found = self.store.session_totals(self.log, keys)
            return {
                k: AgentTotals(t.tool, t.id, t.model, t.additions, t.deletions)
                for k, t in found.items()
            }

        return LogFold.from_facts(initial, facts, entry, sessions)

    def blob(self, sha: str) -> bytes | None:
        """A content blob of the log, by sha256."""
        return self.store.get_blob(sha)

    def earlier(self, path: str) -> Iterator[EarlierState]:
        """``path``'s states, newest first: text and line attributions (lazy, one entry each)."""
        entries = (se.entry for se in self.store.history(self.log, path))
        return _states(entries, lambda: self.store.get_initial(self.log), path, self.blob)

    def state(self, human_author: str | None) -> WorkingState:
        """The log's commit-time state, contents loaded."""
        return self.fold().state(self.blob, human_author)

    def finish(
        self,
        new_log: str,
        initial: InitialAttributions,
        contents: Mapping[str, str],
        *,
        archive: bool = True,
    ) -> None:
        """Replace ``new_log``'s INITIAL (with its snapshots) and archive this log.

        One commit (a writer batch): both land or neither. An empty
        ``initial`` clears ``new_log``'s INITIAL only if the log exists (no
        empty log is created for nothing).
        """
        with_blobs, blobs = snapshot_blobs(initial, contents)
        with self.store.writer() as w, w.batch():
            if not with_blobs.is_empty() or self.store.log_info(new_log) is not None:
                w.set_initial(new_log, with_blobs, blobs=blobs)
            if archive and new_log != self.log:
                w.archive_log(self.log)


class LegacyLog:
    """git-ai's working log of one base under ``<ai dir>/working_logs/``."""

    def __init__(self, ai_dir: Path, base: str) -> None:
        from lsm.legacy.workinglog import LegacyWorkingLog

        self.ai_dir = ai_dir
        self.base = base
        self.wl = LegacyWorkingLog(ai_dir, base)

    def exists(self) -> bool:
        """True if ``working_logs/<base>/`` holds a log or an INITIAL."""
        return self.wl.path.exists() or (self.wl.dir / "INITIAL").exists()

    def fold(self) -> LogFold:
        """The log's facts, read streaming from ``checkpoints.jsonl`` (one line at a time)."""
        from lsm.legacy.reader import read_checkpoints

        fold = LogFold(self.wl.initial())
        if self.wl.path.exists():
            fold.add_all(line.checkpoint for line in read_checkpoints(self.wl.path))
        return fold

    def blob(self, sha: str) -> bytes | None:
        """A content blob of ``working_logs/<base>/blobs/``."""
        return self.wl.get_blob(sha)

    def earlier(self, path: str) -> Iterator[EarlierState]:
        """``path``'s states, newest first: one streaming read of the log, its entries kept."""
        from lsm.legacy.reader import read_checkpoints

        entries: list[FileEntry] = []
        if self.wl.path.exists():
            for line in read_checkpoints(self.wl.path):
                entries.extend(e for e in line.checkpoint.entries if e.file == path)
        return _states(reversed(entries), self.wl.initial, path, self.blob)

    def state(self, human_author: str | None) -> WorkingState:
        """The log's commit-time state, contents loaded."""
        return self.fold().state(self.blob, human_author)

    def finish(
        self,
        new_base: str,
        initial: InitialAttributions,
        contents: Mapping[str, str],
        *,
        archive: bool = True,
    ) -> None:
        """git-ai's steps: write ``working_logs/<new>/INITIAL`` (+ blobs), archive this log."""
        from lsm.legacy import layout
        from lsm.legacy.files import write_blob, write_initial

        with_blobs, blobs = snapshot_blobs(initial, contents)
        if not with_blobs.is_empty():
            bdir = layout.blobs_dir(self.ai_dir, new_base)
            bdir.mkdir(parents=True, exist_ok=True)
            for data in blobs.values():
                write_blob(bdir, data)
            write_initial(layout.initial_path(self.ai_dir, new_base), with_blobs)
        if archive and new_base != self.base:
            layout.archive(self.ai_dir, self.base)
