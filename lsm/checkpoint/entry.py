"""One file's entry in a checkpoint: git-ai's per-file decision tree (semantics 2.5).

:func:`compute_entry` is ``get_checkpoint_entry_for_file`` with the storage
taken out: the caller passes the previous state from the index (the latest
entry's blob and attributions, never read from the history), the HEAD
content and the INITIAL seed. It returns the entry and its line stats, or
None when git-ai would write nothing for the file.

A. human fast path: a Human checkpoint of a file no AI ever touched and
   without INITIAL attributions gets an entry with empty attributions;
B. a previous entry: its blob and character attributions;
C. no previous entry: HEAD content (or empty), seeded from INITIAL, with AI
   lines past the previous length attributed to the agent;
D. a change of line endings only: attributions remapped through lines;
E. otherwise ``make_entry_for_file``: fill unattributed text as human,
   carry the attributions through the diff, derive line attributions.

Pure computation on bytes; cannot fail.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsm.checkpoint.attribution import (
    HUMAN,
    INITIAL_ATTRIBUTION_TS,
    attribute_unattributed_ranges,
    attributions_to_line_attributions,
    line_attributions_to_attributions,
    update_attributions,
)
from lsm.checkpoint.line_stats import file_line_stats
from lsm.model import Attribution, CheckpointKind, FileEntry, LineAttribution, LineStats
from lsm.record import NamedTuple

__all__ = ["PreviousState", "compute_entry", "content_eq_ignoring_line_endings"]


class PreviousState(NamedTuple):
    """The file's latest entry: its content (from the blob) and character attributions."""

    content: bytes
    attributions: Sequence[Attribution]


def content_eq_ignoring_line_endings(a: bytes, b: bytes) -> bool:
    """Equal once every ``\\r\\n`` is read as ``\\n`` (a bare ``\\r`` stays)."""
    if a == b:
        return True
    return a.replace(b"\r\n", b"\n") == b.replace(b"\r\n", b"\n")


def _line_count(data: bytes) -> int:
    """Rust ``str::lines().count()``: lines ended by ``\n``, plus an unterminated last one."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _seed_without_previous(
    current: bytes,
    head: bytes,
    kind: CheckpointKind,
    author_id: str,
    initial_attrs: Sequence[LineAttribution],
    initial_content: bytes | None,
) -> tuple[bytes, list[Attribution]]:
    """Case C: the previous content and attributions of a file new to the log."""
    seeded = list(initial_attrs)
    if initial_attrs:
        snapshot = initial_content if initial_content is not None else head
        effective = head if content_eq_ignoring_line_endings(snapshot, current) else snapshot
    else:
        effective = head
    if kind.is_ai:
        covered: set[int] = set()
        for la in initial_attrs:
            covered.update(range(la.start_line, la.end_line + 1))
        prev_lines = _line_count(effective)
        for line in range(prev_lines + 1, _line_count(current) + 1):
            if line not in covered:
                seeded.append(LineAttribution(line, line, author_id, None))
    # INITIAL line numbers refer to its snapshot (older INITIAL files: the
    # current content), which then stands in as the previous content.
    snapshot = initial_content if initial_content is not None else current
    base = snapshot if initial_attrs else head
    return base, line_attributions_to_attributions(seeded, base, INITIAL_ATTRIBUTION_TS)


def compute_entry(
    *,
    path: str,
    current: bytes,
    kind: CheckpointKind,
    author_id: str,
    ts_ms: int,
    ai_touched: bool,
    previous: PreviousState | None,
    head_content: bytes | None,
    initial_attrs: Sequence[LineAttribution] | None,
    initial_content: bytes | None,
    blob_sha: str,
) -> tuple[FileEntry, LineStats] | None:
    """The entry for ``path`` at ``current``, or None when nothing changed.

    :param ai_touched: git-ai's ``ai_touched_files`` membership (an AI
        checkpoint or a non-human attribution ever touched the file, or it
        has INITIAL attributions).
    :param head_content: the file in the base commit's tree (None: absent).
    """
    is_ai = kind.is_ai
    head = head_content if head_content is not None else b""
    initial = list(initial_attrs or ())

    if kind is CheckpointKind.HUMAN and not ai_touched and not initial:
        before = previous.content if previous is not None else head
        if content_eq_ignoring_line_endings(current, before):
            return None
        return FileEntry(path, blob_sha, [], []), file_line_stats(before, current)

    if previous is not None:
        before, prev_attrs = previous.content, list(previous.attributions)
        if content_eq_ignoring_line_endings(current, before):
            if current == before:
                return None
            # Only line endings changed: remap through line numbers so the
            # stored blob follows the new endings without re-attributing.
            lines = attributions_to_line_attributions(prev_attrs, before, is_ai)
            attrs = line_attributions_to_attributions(lines, current, ts_ms)
            return FileEntry(path, blob_sha, attrs, lines), LineStats()
    else:
        if content_eq_ignoring_line_endings(current, head) and not initial:
            return None
        before, prev_attrs = _seed_without_previous(
            current, head, kind, author_id, initial, initial_content
        )

    filled = attribute_unattributed_ranges(before, prev_attrs, HUMAN, ts_ms - 1)
    attrs = update_attributions(before, current, filled, author_id, ts_ms, is_ai)
    lines = attributions_to_line_attributions(attrs, current, is_ai)
    return FileEntry(path, blob_sha, attrs, lines), file_line_stats(before, current)
