"""Authorship notes on ``refs/notes/ai``: batched reads, merged atomic writes.

Layout (git-ai's, ``src/git/refs.rs``): each note is a blob in the notes
tree at ``<2 hex>/<38 hex>`` of the commit id (one level of fanout). Notes
written by ``git notes`` may sit flat or deeper; reads look at the three
depths that occur, writes delete the commit's path at *every* depth and add
it at the canonical one, in the same notes commit (mixed fanouts broke
``git notes merge``, git-ai #1074/#1908).

* :func:`read_notes`: any number of commits, one ``git cat-file --batch``.
* :func:`update_notes`: one ``git fast-import`` per attempt. The new notes
  commit is built ``from`` the tip that was read, and fast-import refuses a
  ref update that does not contain the current tip, so a concurrent writer
  makes the attempt fail instead of being overwritten: the notes are then
  read again, the caller's merge recomputed, and the write retried.
  Atomic: the ref moves once, to a commit holding every note of the batch.

What can fail: :class:`~lsm.errors.GitError` (git missing or failing, or
still losing the race after the retries).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence

from lsm.errors import GitError
from lsm.git import Git
from lsm.notes import NOTES_REF

__all__ = ["NOTES_COMMITTER", "note_path", "note_paths", "read_notes", "update_notes"]

#: Who the notes commits are by (git-ai writes ``git-ai <git-ai@local>``).
NOTES_COMMITTER = "ckptlog <ckptlog@local>"
_ATTEMPTS = 40


def note_path(commit: str) -> str:
    """The canonical path of ``commit``'s note in the notes tree (``ab/cdef…``)."""
    return f"{commit[:2]}/{commit[2:]}"


def _all_depths(commit: str, limit: int | None = None) -> list[str]:
    paths = [commit]
    for depth in range(1, len(commit) // 2 if limit is None else limit):
        cut = 2 * depth
        paths.append("/".join([commit[i : i + 2] for i in range(0, cut, 2)] + [commit[cut:]]))
    return paths


def note_paths(commit: str) -> list[str]:
    """Where a note of ``commit`` may be found: flat, one and two levels of fanout."""
    return _all_depths(commit, 3)


def read_notes(
    git: Git, commits: Sequence[str], *, ref: str = NOTES_REF, tip: str | None = None
) -> dict[str, str]:
    """The notes of ``commits`` that exist (commit -> text), in one process.

    :param tip: read from this notes commit instead of the ref's current tip.
    """
    wanted = list(dict.fromkeys(commits))
    if not wanted:
        return {}
    base = tip if tip is not None else ref
    specs: list[str] = []
    for c in wanted:
        specs.extend(f"{base}:{p}" for p in note_paths(c))
    blobs = git.blobs(specs)
    out: dict[str, str] = {}
    for i, c in enumerate(wanted):
        for data in blobs[3 * i : 3 * i + 3]:
            if data is not None:
                out[c] = data.decode("utf-8", "surrogateescape")
                break
    return out


#: From how many objects a notes write stays one pack instead of loose objects. git's own
#: limit (100) made the 50 notes of a 50-commit rebase 52 loose objects, written by a second
#: process (``unpack-objects``) into as many new directories: 70 ms against 19 ms as one pack
#: (docs/benchmarks.md). A single note (a blob, its trees, a commit) stays loose, as before;
#: ``git gc`` folds the packs in as it does fetched ones.
PACK_FROM = 16


def _stream(notes: Mapping[str, str], tip: str | None, message: str, ref: str) -> bytes:
    msg = message.encode()
    parts = [
        f"commit {ref}\ncommitter {NOTES_COMMITTER} {int(time.time())} +0000\n".encode(),
        b"data %d\n%s\n" % (len(msg), msg),
    ]
    if tip is not None:
        parts.append(f"from {tip}\n".encode())
    for commit, text in notes.items():
        for p in _all_depths(commit):
            parts.append(f"D {p}\n".encode())
        data = text.encode("utf-8", "surrogateescape")
        parts.append(f"M 100644 inline {note_path(commit)}\n".encode())
        parts.append(b"data %d\n%s\n" % (len(data), data))
    parts.append(b"done\n")
    return b"".join(parts)


def update_notes(
    git: Git,
    commits: Sequence[str],
    build: Callable[[dict[str, str]], Mapping[str, str]],
    *,
    ref: str = NOTES_REF,
    message: str = "",
    first: tuple[str | None, dict[str, str]] | None = None,
) -> dict[str, str]:
    """Read the notes of ``commits``, let ``build`` compute the new ones, write them atomically.

    ``build`` gets the existing notes (commit -> text) and returns the notes
    to write (commit -> text); it may be called again if another process
    wrote notes in between, and must merge with what it is given, never
    assume. Returns what was written (nothing is written for an empty result).

    :param first: ``(tip, notes)`` the caller already read (e.g. in its own
        ``cat-file`` batch), used for the first attempt instead of reading.

    :raises GitError: git failed, or the race was lost :data:`_ATTEMPTS` times.
    """
    last = ""
    for attempt in range(1, _ATTEMPTS + 1):
        if attempt == 1 and first is not None:
            tip, existing = first[0], dict(first[1])
        else:
            tip = git.rev_parse(ref)
            existing = read_notes(git, commits, ref=ref, tip=tip)
        new = dict(build(existing))
        if not new:
            return {}
        code, _, err = git.run(
            ["-c", f"fastimport.unpackLimit={PACK_FROM}", "fast-import", "--quiet", "--done"],
            stdin=_stream(new, tip, message, ref),
            check=False,
        )
        if code == 0:
            return new
        last = err.decode("utf-8", "replace").strip()
        if git.rev_parse(ref) == tip:
            # Not a lost race: fast-import itself failed.
            raise GitError(f"git fast-import failed writing {ref}: {last}", returncode=code)
        # Lost a race: back off a random while (writers that retry in step keep colliding).
        time.sleep(int.from_bytes(os.urandom(2), "big") / 65536 * min(0.002 * attempt, 0.05))
    raise GitError(f"{ref} kept moving while notes were written: {last}")
