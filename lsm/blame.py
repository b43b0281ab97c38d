"""``ckptlog blame``: ``git blame`` with authorship notes, and the working log on top.

For each line, git blame names the commit that last changed it and the
line's number and path *in that commit*; that commit's note (research
§4.1) says who wrote the line there: the last entry covering it whose key
has a metadata record (:meth:`~lsm.notes.AuthorshipNote.line_owner`).
AI keys read as ``tool (model)``, known humans by name; other lines of a
commit keep git's author (``untracked``: the note does not attest them).

Beyond git-ai, which ignores the working log: lines git reports as not
committed yet are looked up in the working log (:mod:`lsm.uncommitted`)
and marked ``uncommitted``; the store is opened only when such a line is
shown.

Cost: one ``git blame --porcelain`` (streamed), one ``cat-file --batch``
for the notes of every commit shown, one parse per note and one pass over
each (commit, path)'s entries. What can fail: :class:`~lsm.errors.GitError`
(git blame refuses: no such file or revision), store errors for the overlay.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from lsm.authors import UNTRACKED, Author, describe
from lsm.errors import GitError, NoteFormatError
from lsm.git import Git, is_null_oid
from lsm.gitnotes import read_notes
from lsm.notes import AuthorshipNote, parse_note
from lsm.notesync import merge_tracking
from lsm.record import NamedTuple

__all__ = ["BlameLine", "NoteIndex", "blame", "parse_porcelain"]


class BlameLine(NamedTuple):
    """One line of the blamed file.

    :ivar commit: the commit that last changed the line (None: not committed yet).
    :ivar orig_path, orig_line: where the line was in that commit.
    :ivar git_author: git's author name of that commit (``Not Committed Yet``).
    :ivar text: the line, bytes that are not UTF-8 as surrogate escapes.
    """

    line: int
    text: str
    commit: str | None
    orig_path: str
    orig_line: int
    git_author: str
    time: int
    tz: str
    boundary: bool
    author: Author

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "commit": self.commit,
            "uncommitted": self.commit is None,
            "path": self.orig_path,
            "orig_line": self.orig_line,
            "git_author": self.git_author,
            "time": self.time,
            "author": self.author.to_json(),
            # JSON has no place for bytes that are not UTF-8: they become U+FFFD.
            "text": self.text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
        }


class _Raw(NamedTuple):
    line: int
    text: str
    commit: str
    orig_path: str
    orig_line: int
    info: dict[str, str]


def parse_porcelain(data: bytes) -> list[_Raw]:
    """Lines of ``git blame --porcelain`` output (commit info shared per commit).

    Decoded once as a whole (a line's bytes that are not UTF-8 come back as
    surrogate escapes) and split on newlines: per-line decoding was a third
    of blame's own time on a 5,000-line file.
    """
    infos: dict[str, dict[str, str]] = {}
    paths: dict[str, str] = {}
    out: list[_Raw] = []
    commit = ""
    info: dict[str, str] = {}
    orig = final = 0
    for raw in data.decode("utf-8", "surrogateescape").split("\n"):
        if raw[:1] == "\t":
            out.append(_Raw(final, raw[1:], commit, paths.get(commit, ""), orig, info))
            continue
        head, _, rest = raw.partition(" ")
        if len(head) in (40, 64) and rest[:1].isdigit():
            commit = head
            fields = rest.split(" ", 2)
            orig, final = int(fields[0]), int(fields[1])
            info = infos.setdefault(commit, {})
        elif head == "filename":
            paths[commit] = rest
        elif head == "boundary":
            info["boundary"] = "1"
        elif head:
            info[head] = rest
    return out


class NoteIndex:
    """Notes of many commits, parsed once each, with a line -> key map per (commit, path)."""

    def __init__(self, notes: dict[str, str]) -> None:
        self.texts = notes
        self.parsed: dict[str, AuthorshipNote | None] = {}
        self.owners: dict[tuple[str, str], dict[int, str]] = {}
        self.mixed: dict[tuple[str, str], set[int]] = {}
        self.authors: dict[tuple[str, str | None, str], Author] = {}

    def note(self, commit: str) -> AuthorshipNote | None:
        if commit not in self.parsed:
            text = self.texts.get(commit)
            try:
                self.parsed[commit] = None if text is None else parse_note(text)
            except NoteFormatError:
                self.parsed[commit] = None  # an unreadable note attests nothing
        return self.parsed[commit]

    def _table(self, commit: str, path: str) -> dict[int, str]:
        key = (commit, path)
        table = self.owners.get(key)
        if table is None:
            table = {}
            mixed: set[int] = set()
            note = self.note(commit)
            f = None if note is None else note.file(path)
            if note is not None and f is not None:
                for entry in f.entries:  # later entries win
                    if not note.has_record(entry.key):
                        continue
                    human = entry.key.startswith("h_")
                    for a, b in entry.ranges:
                        for n in range(a, b + 1):
                            old = table.get(n)
                            if old is not None and old.startswith("h_") != human:
                                mixed.add(n)
                            table[n] = entry.key
            self.owners[key] = table
            self.mixed[key] = mixed
        return table

    def owner(self, commit: str, path: str, line: int) -> str | None:
        """git-ai's rule: the last entry covering ``line`` whose key has a record."""
        return self._table(commit, path).get(line)

    def is_mixed(self, commit: str, path: str, line: int) -> bool:
        """Both an AI key and a known human's cover ``line`` (a merged or rewritten note)."""
        self._table(commit, path)
        return line in self.mixed[(commit, path)]

    def author(self, commit: str, path: str, line: int, fallback: str) -> Author:
        """Who wrote ``line``: named once per (commit, key), then shared."""
        key = self.owner(commit, path, line) if self.note(commit) is not None else None
        memo = (commit, key, fallback)
        found = self.authors.get(memo)
        if found is None:
            note = self.note(commit)
            if note is None or key is None:
                found = Author(UNTRACKED, None, fallback)
            else:
                md = note.metadata
                found = describe(key, md.sessions, md.prompts, md.humans, fallback=fallback)
            self.authors[memo] = found
        return found


def _repo_path(git: Git, path: str) -> str:
    prefix = git.output(["rev-parse", "--show-prefix"]).decode("utf-8", "surrogateescape").strip()
    return os.path.normpath(prefix + path).replace(os.sep, "/")


def blame(
    cwd: str | os.PathLike[str],
    path: str,
    *,
    rev: str | None = None,
    line_range: str | None = None,
    overlay: bool = True,
    sync: bool = True,
) -> list[BlameLine]:
    """Blame ``path`` (relative to ``cwd``) at ``rev`` (default: the work tree).

    :param line_range: git's ``-L`` argument (``10,20``).
    :param overlay: look uncommitted lines up in the working log.
    :param sync: merge fetched remote notes first (:func:`lsm.notesync.merge_tracking`).
    :raises GitError: git blame failed (the message is git's).
    """
    git = Git(cwd)
    args = ["blame", "--porcelain"]
    if line_range:
        args += ["-L", line_range]
    if rev:
        args.append(rev)
    args += ["--", path]
    # git blame is most of the time: start it, and meanwhile merge fetched
    # notes and read those of the commits that touched the file (a rename's
    # older commits are read after). Measured in docs/benchmarks.md (read rows).
    running = git.start(args)
    notes: dict[str, str] = {}
    asked: set[str] = set()
    try:
        if sync:
            with contextlib.suppress(GitError):  # reading must not fail for want of a merge
                merge_tracking(git)
        if not line_range:
            code, touched, _ = git.run(
                ["rev-list", "--max-count=5000", rev or "HEAD", "--", path], check=False
            )
            if code == 0:
                asked.update(touched.decode("ascii", "replace").split())
                notes = read_notes(git, sorted(asked))
    finally:
        code, out, err = running.wait()
    if code != 0:
        msg = err.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"git blame failed: {msg[-1] if msg else code}",
            hint="Check the file name (relative to the current directory) and the revision.",
        )
    raws = list(parse_porcelain(out))
    null = {c for c in {r.commit for r in raws} if is_null_oid(c)}
    missing = sorted({r.commit for r in raws} - null - asked)
    if missing:
        notes.update(read_notes(git, missing))
    index = NoteIndex(notes)
    pending = None
    pfile = None
    if overlay and rev is None and null:
        from lsm.uncommitted import uncommitted

        repo_path = _repo_path(git, path)
        pending = uncommitted(cwd, [repo_path])
        pfile = pending.files.get(repo_path)
    lines: list[BlameLine] = []
    for r in raws:
        info = r.info
        name = info.get("author", "")
        if r.commit in null:
            commit = None
            author = Author(UNTRACKED, None, name)
            if pending is not None and pfile is not None:
                key = pfile.owner(r.line)
                if key is not None:
                    st = pending.state
                    author = describe(key, st.sessions, st.prompts, st.humans, fallback=name)
        else:
            commit = r.commit
            author = index.author(commit, r.orig_path, r.orig_line, name)
        when = info.get("author-time", "0")
        lines.append(
            BlameLine(
                r.line,
                r.text,
                commit,
                r.orig_path,
                r.orig_line,
                name,
                int(when) if when.isdigit() else 0,
                info.get("author-tz", "+0000"),
                "boundary" in info,
                author,
            )
        )
    return lines
