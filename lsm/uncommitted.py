"""Lines not yet committed: the working log's attributions on the files as they are now.

``blame`` (its uncommitted overlay) and ``status`` ask the same thing: for
each file of the current working log, which lines of the file *on disk*
an agent (or a known human) wrote. The working log knows the lines of the
content it last saw (:class:`~lsm.commit.state.WorkingState`, git-ai's VA,
from the store or from git-ai's files per ``storage.mode``); the file may
have changed since (an edit not checkpointed yet). The attributions are
moved onto the current content with git-ai's hunk shift: lines inside a
changed region are dropped, the others shifted.

What can fail: :class:`~lsm.errors.InputError` (not in a work tree), store
errors (:class:`~lsm.errors.StoreError`), :class:`~lsm.errors.LegacyFormatError`.
Nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from lsm.checkpoint.gitrepo import find_repo
from lsm.commit.diffs import content_hunks, shift_line_attributions
from lsm.commit.state import WorkingState
from lsm.config import load_settings
from lsm.model import LineAttribution
from lsm.record import Record

__all__ = ["UncommittedFile", "UncommittedState", "uncommitted"]


class UncommittedFile(Record):
    """One file: its line attributions on the current content (non-human authors only).

    :ivar overrode: human line attributions that replaced an AI line (``overrode`` set).
    """

    __slots__ = ("lines", "overrode", "path", "total_lines")
    _fields = ("path", "lines", "overrode", "total_lines")

    def __init__(
        self,
        path: str,
        lines: list[LineAttribution],
        overrode: list[LineAttribution],
        total_lines: int,
    ) -> None:
        self.path = path
        self.lines = lines
        self.overrode = overrode
        self.total_lines = total_lines

    def owner(self, line: int) -> str | None:
        """The author key of ``line`` (1-based), or None (human / unknown)."""
        for la in reversed(self.lines):
            if la.start_line <= line <= la.end_line:
                return la.author_id
        return None


class UncommittedState(Record):
    """The working log of HEAD, on the files as they are."""

    __slots__ = ("base", "files", "state")
    _fields = ("base", "files")

    def __init__(self, base: str, files: dict[str, UncommittedFile], state: WorkingState) -> None:
        self.base = base
        self.files = files
        #: the log's metadata maps (``sessions``, ``prompts``, ``humans``) name the keys.
        self.state = state


def _load(cwd: str | os.PathLike[str]) -> tuple[WorkingState, str, Path]:
    repo = find_repo(cwd)
    settings = load_settings(repo.ai_dir)
    base = repo.base_name()
    if settings.storage.mode == "legacy":
        from lsm.commit.worklog import LegacyLog

        return LegacyLog(repo.ai_dir, base).state(None), base, repo.root
    from lsm.commit.worklog import StoreLog
    from lsm.store import Store

    with Store.open(
        settings.store_path(repo.common_dir), options=settings.store_options()
    ) as store:
        return StoreLog(store, repo.log_name(base)).state(None), base, repo.root


def uncommitted(
    cwd: str | os.PathLike[str] = ".", paths: list[str] | None = None
) -> UncommittedState:
    """The uncommitted attributions of every file of the log (or of ``paths``, repo-relative)."""
    state, base, root = _load(cwd)
    files: dict[str, UncommittedFile] = {}
    for path, vf in state.files.items():
        if paths is not None and path not in paths:
            continue
        try:
            now = (root / path).read_bytes().decode("utf-8", "replace")
        except OSError:
            continue  # deleted since: nothing of it is uncommitted on disk
        attrs = vf.line_attrs
        if now != vf.content:
            attrs = shift_line_attributions(attrs, content_hunks(vf.content, now))
        total = now.count("\n") + (0 if now.endswith("\n") or not now else 1)
        lines = [la for la in attrs if la.author_id != "human" and la.end_line <= total]
        overrode = [la for la in attrs if la.overrode is not None and la.end_line <= total]
        if lines or overrode:
            files[path] = UncommittedFile(path, lines, overrode, total)
    return UncommittedState(base, files, state)
