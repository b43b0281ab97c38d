"""Diffs of the commit path: git's ``diff -U0`` parsed, in-memory hunks, line shifting.

* :func:`parse_added_lines` reads ``git diff -U0`` output into the added
  (new-side) line numbers of each file (keyed by the NFC form of its path,
  :func:`nfc_path`), and which of them are *pure insertions* (hunks with
  an old count of 0). git-ai's parser
  (``parse_diff_added_lines_internal``) takes any line starting with
  ``+++ `` as a file header, even inside a hunk; this one walks each hunk by
  its counts, so an added line whose text starts with ``++ `` stays a line.
* :func:`content_hunks` is git-ai's ``diff_hunks_between_contents``: imara
  Myers over CRLF-normalised, terminator-inclusive lines.
* :func:`shift_line_attributions` and :func:`shift_ranges` move line
  numbers through hunks as ``hunk_shift.rs`` does: lines inside a changed
  region are dropped, the others shifted (and clamped to >= 1).
* :func:`unstaged_lines` is ``collect_unstaged_hunks_from_snapshot`` for one
  file: which carryover lines are not in the commit (and, for the staged
  text rule of docs/commit.md, which committed lines the carryover lacks).

Pure functions; nothing here can fail (unparsable diff lines are skipped).
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Sequence

from lsm.checkpoint.myers import diff_ops
from lsm.commit.lines import eq_ignoring_eol, normalize_eol, split_keep
from lsm.git import unquote_path
from lsm.model import LineAttribution
from lsm.record import NamedTuple

__all__ = [
    "AddedLines",
    "DiffHunk",
    "FilePatch",
    "Unstaged",
    "content_hunks",
    "nfc_path",
    "parse_added_lines",
    "parse_patches",
    "parse_renames",
    "patch_added_lines",
    "shift_line_attributions",
    "shift_ranges",
    "unstaged_lines",
]


class DiffHunk(NamedTuple):
    """A changed region: old lines ``old_start..+old_count`` became ``new_start..+new_count``.

    For a pure insertion (``old_count == 0``) ``old_start`` is the old line
    *after which* the new lines go (0: at the top), as in a unified diff.
    """

    old_start: int
    old_count: int
    new_start: int
    new_count: int


class AddedLines(NamedTuple):
    """A file's added lines in a diff (new-side numbers) and the pure-insertion subset."""

    lines: list[int]
    insertions: list[int]


def _hunk_header(line: bytes) -> DiffHunk | None:
    # b"@@ -12,3 +14,0 @@ context"
    parts = line.split(b" ")
    if len(parts) < 4 or parts[0] != b"@@":
        return None
    try:
        old = parts[1].lstrip(b"-").split(b",")
        new = parts[2].lstrip(b"+").split(b",")
        return DiffHunk(
            int(old[0]),
            int(old[1]) if len(old) > 1 else 1,
            int(new[0]),
            int(new[1]) if len(new) > 1 else 1,
        )
    except ValueError:
        return None


def nfc_path(path: str) -> str:
    """A path in Unicode NFC, the form git-ai keys the added lines of a commit by.

    git stores names as given (a decomposed "cafe\u0301" on Linux; macOS
    file systems hand out NFD); git-ai normalises the paths it parses from
    ``git diff`` (``normalize_diff_path_token``, repository.rs L3243-3253)
    and looks attributions up under that form first.
    """
    return path if path.isascii() else unicodedata.normalize("NFC", path)


def _header_path(raw: bytes, prefix: str) -> str | None:
    text = unquote_path(raw.decode("utf-8", "surrogateescape").rstrip("\t"))
    if text == "/dev/null":
        return None
    return text[len(prefix) :] if text.startswith(prefix) else text


class FilePatch(NamedTuple):
    """One file of a ``-U0`` patch: its paths (None: absent on that side) and hunks.

    :ivar lines: added (new-side) line numbers; :ivar insertions: those in
        pure-insertion hunks.
    """

    old: str | None
    new: str | None
    hunks: list[DiffHunk]
    lines: list[int]
    insertions: list[int]


def parse_patches(output: bytes, *, separators: bool = False) -> list[list[FilePatch]]:
    """The files of a ``git diff -U0 --src-prefix=a/ --dst-prefix=b/`` output.

    Hunks are walked by their counts. With ``separators`` (``git diff-tree
    --stdin --always``), a bare commit-id line starts the next pair's
    output, and one list is returned per pair; else one list in all.
    """
    groups: list[list[FilePatch]] = [] if separators else [[]]
    lines = output.split(b"\n")
    current: FilePatch | None = None
    old: str | None = None
    i, n = 0, len(lines)

    def flush() -> None:
        nonlocal current
        if current is not None and groups:
            groups[-1].append(current)
        current = None

    while i < n:
        line = lines[i]
        i += 1
        if separators and _is_oid_line(line):
            flush()
            groups.append([])
        elif line.startswith(b"diff --git "):
            flush()
            old = None
            current = FilePatch(None, None, [], [], [])
        elif line.startswith(b"--- ") and current is not None:
            old = _header_path(line[4:], "a/")
        elif line.startswith(b"+++ ") and current is not None:
            current = current._replace(old=old, new=_header_path(line[4:], "b/"))
        elif line.startswith(b"rename from ") and current is not None:
            current = current._replace(
                old=unquote_path(line[12:].decode("utf-8", "surrogateescape"))
            )
        elif line.startswith(b"rename to ") and current is not None:
            current = current._replace(
                new=unquote_path(line[10:].decode("utf-8", "surrogateescape"))
            )
        elif line.startswith(b"@@ ") and current is not None:
            hunk = _hunk_header(line)
            if hunk is None:
                continue
            current.hunks.append(hunk)
            old_left, new_left = hunk.old_count, hunk.new_count
            cursor = hunk.new_start
            pure = hunk.old_count == 0
            while i < n and (old_left > 0 or new_left > 0):
                body = lines[i]
                if body.startswith(b"\\"):
                    i += 1  # "\ No newline at end of file"
                    continue
                if body.startswith(b"-") and old_left > 0:
                    old_left -= 1
                elif body.startswith(b"+") and new_left > 0:
                    new_left -= 1
                    current.lines.append(cursor)
                    if pure:
                        current.insertions.append(cursor)
                    cursor += 1
                elif body.startswith(b" "):  # context (only with -U>0)
                    old_left -= 1
                    new_left -= 1
                    cursor += 1
                else:
                    break  # malformed: resynchronise on the next header
                i += 1
    flush()
    return groups


def _is_oid_line(line: bytes) -> bool:
    return len(line) in (40, 64) and all(c in b"0123456789abcdef" for c in line)


def parse_added_lines(output: bytes) -> dict[str, AddedLines]:
    """Added lines per file of a ``git diff -U0 --src-prefix=a/ --dst-prefix=b/`` output.

    Files are keyed by their new path, in NFC (:func:`nfc_path`); deleted
    files (``+++ /dev/null``) and files with no added line do not appear.
    """
    return patch_added_lines(parse_patches(output)[0])


def patch_added_lines(patches: Iterable[FilePatch]) -> dict[str, AddedLines]:
    """The added lines of parsed patches per new path, in NFC (:func:`nfc_path`).

    Deleted files and files with no added line do not appear.
    """
    out: dict[str, AddedLines] = {}
    for patch in patches:
        if patch.new is not None and patch.lines:
            entry = out.setdefault(nfc_path(patch.new), AddedLines([], []))
            entry.lines.extend(patch.lines)
            entry.insertions.extend(patch.insertions)
    return out


def parse_renames(output: bytes) -> dict[str, str]:
    """``old -> new`` from ``git diff-tree -r -M --diff-filter=R -z`` output."""
    fields = output.split(b"\x00")
    out: dict[str, str] = {}
    i = 0
    while i + 2 < len(fields):
        letter = fields[i].split(b" ")[-1][:1] if fields[i].startswith(b":") else b""
        if letter in (b"R", b"C"):  # renames and copies carry two paths
            if letter == b"R":
                old = fields[i + 1].decode("utf-8", "surrogateescape")
                out[old] = fields[i + 2].decode("utf-8", "surrogateescape")
            i += 3
        else:
            i += 2 if fields[i].startswith(b":") else 1
    return out


def content_hunks(old: str, new: str) -> list[DiffHunk]:
    """The changed regions between two texts (git-ai ``diff_hunks_between_contents``)."""
    ops = diff_ops(split_keep(normalize_eol(old)), split_keep(normalize_eol(new)))
    out: list[DiffHunk] = []
    for tag, oi, ol, ni, nl in ops:
        if tag == "insert":
            out.append(DiffHunk(oi, 0, ni + 1, nl))
        elif tag == "delete":
            out.append(DiffHunk(oi + 1, ol, ni + 1, 0))
        elif tag == "replace":
            out.append(DiffHunk(oi + 1, ol, ni + 1, nl))
    return out


_MAX_LINE = 2**32 - 1


def _preserved_segments(hunks: Sequence[DiffHunk]) -> list[tuple[int, int, int]]:
    """``(first, last, offset)``: old lines first..last (inclusive) move by offset."""
    segments: list[tuple[int, int, int]] = []
    offset = 0
    prev_end = 1
    for h in hunks:
        if prev_end < h.old_start + 1:
            # A pure insertion goes after old_start, which is therefore kept.
            seg_end = h.old_start if h.old_count == 0 else max(h.old_start - 1, 0)
            if prev_end <= seg_end:
                segments.append((prev_end, seg_end, offset))
        offset += h.new_count - h.old_count
        prev_end = h.old_start + 1 if h.old_count == 0 else h.old_start + h.old_count
    segments.append((prev_end, _MAX_LINE, offset))
    return segments


def _shift(start: int, end: int, segments: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    out = []
    for s0, s1, off in segments:
        a, b = max(start, s0), min(end, s1)
        if a <= b:
            out.append((max(a + off, 1), max(b + off, 1)))
    return out


def shift_line_attributions(
    attrs: Sequence[LineAttribution], hunks: Sequence[DiffHunk]
) -> list[LineAttribution]:
    """``apply_hunk_shifts_to_line_attributions``: each attribution split over the kept segments."""
    if not hunks:
        return list(attrs)
    segments = _preserved_segments(hunks)
    return [
        LineAttribution(a, b, la.author_id, la.overrode)
        for la in attrs
        for a, b in _shift(la.start_line, la.end_line, segments)
    ]


def shift_ranges(
    ranges: Iterable[tuple[int, int]], hunks: Sequence[DiffHunk]
) -> list[tuple[int, int]]:
    """``apply_hunk_shifts_to_attestation_entries`` for one entry's ranges."""
    if not hunks:
        return list(ranges)
    segments = _preserved_segments(hunks)
    return [r for a, b in ranges for r in _shift(a, b, segments)]


class Unstaged(NamedTuple):
    """How a file's carryover differs from its committed text (line numbers 1-based).

    :ivar lines: carryover lines absent from the commit (Insert and Replace
        ops): git-ai's unstaged lines.
    :ivar pure: those of Insert ops (pure insertions).
    :ivar rewritten: carryover lines of Replace ops whose text is not their
        committed counterpart's (the k-th line of the op on each side;
        terminators aside): text the commit does not have.
    :ivar gone: committed lines of Delete ops and of Replace ops without a
        carryover line of the same text (commit coordinates): staged text
        the work tree no longer has.
    """

    lines: frozenset[int]
    pure: frozenset[int]
    rewritten: frozenset[int]
    gone: frozenset[int]
    #: ``(carryover start, committed start, count)``: runs of lines that are the
    #: same line on both sides (equal runs, and same-text pairs of Replace ops),
    #: in order, 0-based starts; None when the texts are equal
    same: tuple[tuple[int, int, int], ...] | None = None

    def committed_line(self, line: int) -> int | None:
        """The committed line that carryover ``line`` is (None: text the commit lacks)."""
        if self.same is None:
            return line
        i = bisect.bisect_right(self.same, (line - 1, 1 << 62, 0)) - 1
        if i < 0:
            return None
        new, old, count = self.same[i]
        return old + (line - 1 - new) + 1 if line - 1 < new + count else None


_SAME = Unstaged(frozenset(), frozenset(), frozenset(), frozenset())


def unstaged_lines(committed: str, carryover: str) -> Unstaged:
    """Carryover lines absent from the commit, and committed lines absent from the carryover.

    Myers over CRLF-normalised, terminator-inclusive lines of the committed
    file (old) and the carryover (new), as git-ai: lines of Insert ops are
    unstaged and pure insertions, lines of Replace ops only unstaged. A
    Replace line whose text equals its counterpart's but for the terminator
    (a last line that gained a newline) is the same line, not a rewrite.
    """
    if eq_ignoring_eol(committed, carryover):
        return _SAME
    old_lines = split_keep(normalize_eol(committed))
    new_lines = split_keep(normalize_eol(carryover))
    added: set[int] = set()
    pure: set[int] = set()
    rewritten: set[int] = set()
    gone: set[int] = set()
    same: list[tuple[int, int, int]] = []
    for tag, oi, ol, ni, nl in diff_ops(old_lines, new_lines):
        if tag == "equal":
            same.append((ni, oi, nl))
            continue
        added.update(range(ni + 1, ni + 1 + nl))
        if tag == "insert":
            pure.update(range(ni + 1, ni + 1 + nl))
            continue
        for k in range(max(ol, nl)):
            a = old_lines[oi + k].rstrip("\n") if k < ol else None
            b = new_lines[ni + k].rstrip("\n") if k < nl else None
            if a is not None and a == b:
                same.append((ni + k, oi + k, 1))
                continue
            if a is not None:
                gone.add(oi + k + 1)
            if b is not None:
                rewritten.add(ni + k + 1)
    return Unstaged(
        frozenset(added), frozenset(pure), frozenset(rewritten), frozenset(gone), tuple(same)
    )
