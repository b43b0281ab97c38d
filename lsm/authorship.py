"""``stats``, ``show`` and ``status``: how much of a commit, a range or the work tree is AI.

* :func:`commit_stats` (research §4.3): the lines each commit *added* (its
  diff against its first parent; the empty tree for a root commit; a merge
  commit adds none, as in git-ai), classed by the commit's note with the
  blame rule (:class:`~lsm.blame.NoteIndex`): ``ai``, ``known_human``,
  ``mixed`` (covered by an AI key *and* a known human's, which merged or
  rewritten notes can hold) or ``untracked`` (no attestation, or no note).
  AI lines are broken down by tool and model. A range ``A..B`` is the sum
  over its commits, read with one ``git log -p`` and one ``cat-file
  --batch``: unlike git-ai's range stats (blame-derived), a line added and
  later removed inside the range counts where it was added.
* :func:`show_note`: one commit's note, authors named.
* :func:`work_status`: the uncommitted AI lines per file (:mod:`lsm.uncommitted`).

What can fail: :class:`~lsm.errors.GitError` (a revision git does not
know), store errors for :func:`work_status`. Nothing is written except the
merge of fetched notes (:func:`lsm.notesync.merge_tracking`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from typing import Any

from lsm.authors import AI, KNOWN_HUMAN, Author, describe
from lsm.blame import NoteIndex
from lsm.commit.diffs import parse_added_lines
from lsm.errors import GitError
from lsm.git import PATCH_OPTIONS, Git
from lsm.gitnotes import read_notes
from lsm.notes import AuthorshipNote
from lsm.notesync import merge_tracking
from lsm.record import Record

__all__ = ["CommitStats", "NoteView", "commit_stats", "resolve_commits", "show_note", "work_status"]

_OLD_COUNT = re.compile(rb"^@@ -\d+(?:,(\d+))? \+", re.MULTILINE)


class CommitStats(Record):
    """Added lines by class, for one commit or summed over a range."""

    __slots__ = (
        "added",
        "ai",
        "by_agent",
        "commits",
        "deleted",
        "human",
        "mixed",
        "rev",
        "untracked",
        "with_notes",
    )
    _fields = (
        "rev",
        "commits",
        "with_notes",
        "added",
        "deleted",
        "ai",
        "human",
        "mixed",
        "untracked",
        "by_agent",
    )

    def __init__(self, rev: str) -> None:
        self.rev = rev
        self.commits: list[str] = []
        self.with_notes = 0
        self.added = 0
        self.deleted = 0
        self.ai = 0
        self.human = 0
        self.mixed = 0
        self.untracked = 0
        #: label -> {"tool", "model", "lines"}
        self.by_agent: dict[str, dict[str, Any]] = {}

    def add_line(self, author: Author, mixed: bool) -> None:
        self.added += 1
        if mixed:
            self.mixed += 1
        elif author.kind == AI:
            self.ai += 1
            row = self.by_agent.setdefault(
                author.label, {"tool": author.tool, "model": author.model, "lines": 0}
            )
            row["lines"] += 1
        elif author.kind == KNOWN_HUMAN:
            self.human += 1
        else:
            self.untracked += 1

    def to_json(self) -> dict[str, Any]:
        """git-ai's ``CommitStats`` fields, plus ours (``mixed_additions``, names, range)."""
        breakdown = {
            f"{row['tool']}::{row['model'] or 'unknown'}": {
                "ai_additions": row["lines"],
                "ai_accepted": row["lines"],
            }
            for row in self.by_agent.values()
        }
        return {
            "human_additions": self.human,
            "unknown_additions": self.untracked,
            "mixed_additions": self.mixed,
            "ai_additions": self.ai,
            "ai_accepted": self.ai,
            "git_diff_deleted_lines": self.deleted,
            "git_diff_added_lines": self.added,
            "tool_model_breakdown": dict(sorted(breakdown.items())),
            "agents": [{"name": label, **row} for label, row in sorted(self.by_agent.items())],
            "rev": self.rev,
            "commits": len(self.commits),
            "commits_with_notes": self.with_notes,
        }


def resolve_commits(git: Git, rev: str) -> list[str]:
    """The commits ``rev`` names: one for a revision, oldest first for ``A..B`` / ``A...B``.

    :raises GitError: git does not know the revision.
    """
    if ".." in rev:
        code, out, err = git.run(["rev-list", "--reverse", rev, "--"], check=False)
        if code != 0:
            raise GitError(
                f"unknown range {rev!r}: {err.decode('utf-8', 'replace').strip()}",
                hint="Give a revision (HEAD~3) or a range (main..feature).",
            )
        return out.decode("ascii").split()
    oid = git.resolve_commit(rev)
    if oid is None:
        raise GitError(f"unknown revision {rev!r}", hint="Give a commit id, a branch or HEAD~N.")
    return [oid]


def _split_log(data: bytes) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for chunk in data.split(b"\x00commit ")[1:]:
        nl = chunk.find(b"\n")
        head = chunk[: nl if nl >= 0 else len(chunk)]
        out[head.decode("ascii").strip()] = chunk[nl + 1 :] if nl >= 0 else b""
    return out


def commit_stats(
    cwd: str | os.PathLike[str],
    rev: str = "HEAD",
    *,
    progress: Callable[[int, int], None] | None = None,
) -> CommitStats:
    """Stats of ``rev`` (a commit or a range). ``progress(done, total)`` is called per commit."""
    git = Git(cwd)
    with contextlib.suppress(GitError):
        merge_tracking(git)
    commits = resolve_commits(git, rev)
    result = CommitStats(rev)
    result.commits = commits
    if not commits:
        return result
    notes = NoteIndex(read_notes(git, commits))
    result.with_notes = sum(1 for c in commits if c in notes.texts)
    args = ["log", "--no-walk=unsorted", "--format=%x00commit %H", "-p", "-U0", *PATCH_OPTIONS]
    data = git.output([*args, "--stdin", "--"], stdin="".join(c + "\n" for c in commits).encode())
    diffs = _split_log(data)
    for i, c in enumerate(commits):
        diff = diffs.get(c, b"")
        for m in _OLD_COUNT.finditer(diff):
            result.deleted += int(m.group(1)) if m.group(1) is not None else 1
        for path, added in parse_added_lines(diff).items():
            for n in added.lines:
                author = notes.author(c, path, n, "")
                result.add_line(author, notes.is_mixed(c, path, n))
        if progress is not None:
            progress(i + 1, len(commits))
    return result


class NoteView(Record):
    """One commit's note, each entry's author named."""

    __slots__ = ("commit", "files", "note", "subject")
    _fields = ("commit", "subject", "files")

    def __init__(
        self,
        commit: str,
        subject: str,
        note: AuthorshipNote | None,
        files: list[tuple[str, list[tuple[Author, str]]]],
    ) -> None:
        self.commit = commit
        self.subject = subject
        self.note = note
        #: [(path, [(author, "1,3-5"), ...]), ...] in note order
        self.files = files


def show_note(cwd: str | os.PathLike[str], rev: str = "HEAD") -> NoteView:
    """The note of ``rev``, authors named (``note`` None: the commit has no note)."""
    from lsm.notes import format_ranges

    git = Git(cwd)
    with contextlib.suppress(GitError):
        merge_tracking(git)
    oid = resolve_commits(git, rev)[0] if ".." not in rev else None
    if oid is None:
        raise GitError(f"show takes one commit, not the range {rev!r}", hint="Give one revision.")
    commit = git.commit(oid)
    subject = commit.message.split("\n", 1)[0] if commit is not None else ""
    index = NoteIndex(read_notes(git, [oid]))
    note = index.note(oid)
    files: list[tuple[str, list[tuple[Author, str]]]] = []
    if note is not None:
        md = note.metadata
        for f in note.files:
            rows = [
                (
                    describe(e.key, md.sessions, md.prompts, md.humans, fallback=e.key),
                    format_ranges(e.ranges),
                )
                for e in f.entries
            ]
            files.append((f.path, rows))
    return NoteView(oid, subject, note, files)


def work_status(cwd: str | os.PathLike[str] = ".") -> list[dict[str, Any]]:
    """Per file of the working log: uncommitted AI lines by author, human rewrites of AI lines."""
    from lsm.uncommitted import uncommitted

    pending = uncommitted(cwd)
    st = pending.state
    rows: list[dict[str, Any]] = []
    for path in sorted(pending.files):
        f = pending.files[path]
        agents: dict[str, dict[str, Any]] = {}
        ai = human = 0
        for la in f.lines:
            n = la.end_line - la.start_line + 1
            who = describe(la.author_id, st.sessions, st.prompts, st.humans)
            if who.kind == AI:
                ai += n
                row = agents.setdefault(who.label, {"author": who.to_json(), "lines": 0})
                row["lines"] += n
            else:
                human += n
        mixed = sum(la.end_line - la.start_line + 1 for la in f.overrode)
        rows.append(
            {
                "path": path,
                "ai_lines": ai,
                "known_human_lines": human,
                "mixed_lines": mixed,
                "total_lines": f.total_lines,
                "agents": [{"name": k, **v} for k, v in sorted(agents.items())],
            }
        )
    return rows
