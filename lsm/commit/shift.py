"""Moving notes through history rewrites: git-ai's core note shift (§3.0).

Input: ``(source, destination)`` commit pairs (git's post-rewrite map, a
range-diff, a cherry-pick's source and result). Per pair, in a constant
number of git processes for the whole batch:

1. the notes of every source and destination, one ``cat-file --batch``;
2. one ``git diff-tree --stdin --always -p -U0 -M -r`` over the pairs'
   *whole trees* (up to :data:`PAIRS_PER_PROCESS` pairs a process);
3. per pair: attestation paths renamed old -> new; ranges in changed regions
   dropped, others shifted (``hunk_shift.rs``); files left empty vanish;
   ``base_commit_sha`` := the destination;
4. merged into the destination's note, which starts as the note already on
   it (git-ai's "merging" mode): same file and key -> ranges added; new keys
   appended; metadata first-wins. Unlike git-ai, the merged note is then
   **de-overlapped**: a line two keys claim keeps only the later claim (the
   one git-ai's readers already pick), so stats never count a line twice;
   and session records no attestation names any more are dropped (git-ai
   carries the source's metadata whole, e.g. a dropped commit's session
   into its survivor), as post-commit keeps only referenced sessions;
5. every destination note written in one ``fast-import`` (:mod:`lsm.gitnotes`).

A source without a note is skipped; a destination note that does not parse
makes its pairs be skipped (never clobbered); an unparsable source note is
skipped too. Notes of the sources stay where they are (git-ai keeps them).

What can fail: :class:`~lsm.errors.GitError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lsm.commit.diffs import DiffHunk, FilePatch, parse_patches, shift_ranges
from lsm.errors import NoteFormatError
from lsm.git import PATCH_OPTIONS, Git
from lsm.gitnotes import read_notes, update_notes
from lsm.notes import (
    Attestation,
    AuthorshipNote,
    FileAttestation,
    compress_lines,
    expand_ranges,
    merge_notes,
    parse_note,
    serialize_note,
    session_of,
)
from lsm.record import NamedTuple

__all__ = [
    "PAIRS_PER_PROCESS",
    "ShiftReport",
    "TreeDiff",
    "deoverlap",
    "shift_note",
    "shift_notes",
    "tree_diffs",
]

#: Pairs per ``diff-tree --stdin`` process: bounds the output held at once.
PAIRS_PER_PROCESS = 64


class TreeDiff(NamedTuple):
    """The difference between two commits' trees, per file.

    :ivar renames: old path -> new path.
    :ivar hunks: old path -> its hunks (a deleted file: everything removed).
    """

    renames: dict[str, str]
    hunks: dict[str, list[DiffHunk]]


def _tree_diff(patches: Iterable[FilePatch]) -> TreeDiff:
    renames: dict[str, str] = {}
    hunks: dict[str, list[DiffHunk]] = {}
    for p in patches:
        if p.old is None:
            continue  # a new file carries no old lines
        if p.new is not None and p.new != p.old:
            renames[p.old] = p.new
        if p.new is None and not p.hunks:
            # Deleted, no hunk shown (e.g. binary): nothing survives.
            hunks[p.old] = [DiffHunk(1, 2**31, 0, 0)]
        elif p.hunks:
            hunks[p.old] = p.hunks
    return TreeDiff(renames, hunks)


def tree_diffs(git: Git, pairs: Sequence[tuple[str, str]]) -> list[TreeDiff]:
    """Whole-tree diffs of ``pairs``, in order (one process per :data:`PAIRS_PER_PROCESS`)."""
    out: list[TreeDiff] = []
    for start in range(0, len(pairs), PAIRS_PER_PROCESS):
        chunk = pairs[start : start + PAIRS_PER_PROCESS]
        # "<commit> <parent>" is how diff-tree --stdin reads a line: the
        # destination goes first, so the diff runs source -> destination.
        stdin = b"".join(f"{b} {a}\n".encode() for a, b in chunk)
        data = git.output(
            ["diff-tree", "--stdin", "--always", "-p", "-U0", "-M", "-r", *PATCH_OPTIONS],
            stdin=stdin,
        )
        groups = parse_patches(data, separators=True)
        if len(groups) != len(chunk):
            from lsm.errors import GitError

            raise GitError(f"git diff-tree answered {len(groups)} of {len(chunk)} pairs")
        out.extend(_tree_diff(g) for g in groups)
    return out


def shift_note(note: AuthorshipNote, diff: TreeDiff, destination: str) -> AuthorshipNote:
    """``note`` moved into the destination's coordinates (a new note)."""
    files: list[FileAttestation] = []
    for f in note.files:
        hunks = diff.hunks.get(f.path, [])
        entries = []
        for e in f.entries:
            ranges = shift_ranges(e.ranges, hunks)
            if ranges:
                entries.append(Attestation(e.key, tuple(ranges)))
        if entries:
            files.append(FileAttestation(diff.renames.get(f.path, f.path), tuple(entries)))
    out = AuthorshipNote(files, note.metadata.replace())
    out.metadata.base_commit_sha = destination
    return out


def deoverlap(note: AuthorshipNote) -> AuthorshipNote:
    """A line claimed by several entries of a file keeps only the last claim (a new note)."""
    files: list[FileAttestation] = []
    for f in note.files:
        owner: dict[int, int] = {}
        for i, e in enumerate(f.entries):
            for n in expand_ranges(e.ranges):
                owner[n] = i
        entries = []
        for i, e in enumerate(f.entries):
            mine = [n for n in sorted(set(expand_ranges(e.ranges))) if owner[n] == i]
            if mine:
                entries.append(Attestation(e.key, tuple(compress_lines(mine))))
        if entries:
            files.append(FileAttestation(f.path, tuple(entries)))
    return AuthorshipNote(files, note.metadata)


def _prune_sessions(note: AuthorshipNote) -> None:
    """Drop session records no attestation names (git-ai carries the source's whole)."""
    named = {session_of(e.key) for f in note.files for e in f.entries}
    note.metadata.sessions = {k: v for k, v in note.metadata.sessions.items() if k in named}


class ShiftReport(NamedTuple):
    """What :func:`shift_notes` did.

    :ivar written: destination -> the note text written.
    :ivar skipped: (source, destination, why) for each pair left alone.
    """

    written: dict[str, str]
    skipped: list[tuple[str, str, str]]


def shift_notes(
    git: Git,
    pairs: Sequence[tuple[str, str]],
    *,
    extra: Mapping[str, AuthorshipNote] | None = None,
) -> ShiftReport:
    """Shift the notes of each pair's source onto its destination, and write them.

    Pairs are applied in order, so for a squash (several sources, one
    destination) a later source's lines win. ``extra`` holds notes to merge
    into a destination *after* the shifted ones (e.g. a conflict
    resolution's own attributions, which are newer still).
    """
    skipped: list[tuple[str, str, str]] = []
    commits = list(dict.fromkeys([c for pair in pairs for c in pair]))
    texts = read_notes(git, commits)
    parsed: dict[str, AuthorshipNote] = {}
    bad: set[str] = set()
    for commit, text in texts.items():
        try:
            parsed[commit] = parse_note(text)
        except NoteFormatError:
            bad.add(commit)
    todo = []
    for src, dst in pairs:
        if src == dst:
            continue
        if dst in bad:
            skipped.append((src, dst, "the destination's note does not parse"))
        elif src in bad:
            skipped.append((src, dst, "the source's note does not parse"))
        elif src not in parsed:
            continue  # nothing to carry
        else:
            todo.append((src, dst))
    diffs = tree_diffs(git, todo) if todo else []
    result: dict[str, AuthorshipNote] = {}
    for (src, dst), diff in zip(todo, diffs, strict=True):
        moved = shift_note(parsed[src], diff, dst)
        base = result.get(dst) or parsed.get(dst)
        result[dst] = moved if base is None else merge_notes(base, moved)
    for dst, note in (extra or {}).items():
        base = result.get(dst) or parsed.get(dst)
        result[dst] = note if base is None else merge_notes(base, note)
    final: dict[str, str] = {}
    for dst, note in result.items():
        clean = deoverlap(note)
        clean.metadata.base_commit_sha = dst
        _prune_sessions(clean)
        final[dst] = serialize_note(clean)
    if not final:
        return ShiftReport({}, skipped)

    def build(existing: dict[str, str]) -> dict[str, str]:
        # Another writer may have changed a destination meanwhile: keep theirs.
        out: dict[str, str] = {}
        for dst, text in final.items():
            now = existing.get(dst)
            if now is None or now == texts.get(dst):
                if now != text:
                    out[dst] = text
            else:
                try:
                    merged = merge_notes(parse_note(now), parse_note(text))
                except NoteFormatError:
                    skipped.append(("", dst, "the destination's note changed and does not parse"))
                    continue
                out[dst] = serialize_note(deoverlap(merged))
        return out

    written = update_notes(git, list(final), build)
    return ShiftReport(written, skipped)
