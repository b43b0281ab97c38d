"""Move detection: blocks of 3+ lines deleted in one place and inserted in another.

A port of git-ai's ``move_detection::detect_moves`` and the
``AttributionTracker::detect_moves`` wrapper: lines are compared by their
Rust-trimmed text; deleted and inserted lines are grouped into runs of
consecutive line numbers (blank lines skipped, runs shorter than the
threshold dropped); each inserted run is matched greedily against the
deleted runs, in the order they were catalogued. A mapping is kept only when
all of its lines fall into one deletion op and one insertion op; it then
carries the attributions of the moved bytes to their new place. Pure.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from lsm.checkpoint.textutil import line_spans, rust_trim
from lsm.record import NamedTuple

__all__ = ["MOVE_LINES_THRESHOLD", "MoveMapping", "detect_moves"]

#: git-ai's ``AttributionConfig::move_lines_threshold``.
MOVE_LINES_THRESHOLD = 3


class MoveMapping(NamedTuple):
    """Bytes ``source`` of deletion op ``deletion_idx`` land at ``target`` of an insertion.

    Both ranges are relative to the start of their op.
    """

    deletion_idx: int
    insertion_idx: int
    source: tuple[int, int]
    target: tuple[int, int]


class _Line(NamedTuple):
    number: int
    op_idx: int
    norm: str


def _line_text(content: bytes, start: int, end: int) -> str:
    text = content[start:end]
    if text.endswith(b"\n"):
        text = text[:-1]
    if text.endswith(b"\r"):
        text = text[:-1]
    return rust_trim(text.decode("utf-8", "replace"))


def _overlapping(
    content: bytes, spans: list[tuple[int, int]], ranges: Sequence[tuple[int, int]]
) -> list[_Line]:
    """The lines each op overlaps, op by op, then stably by line number (git-ai's order).

    git-ai tests every line against every op; the line ends are increasing, so
    a bisection finds the first overlapping line and the scan stops at the op's end.
    """
    ends = [le for _ls, le in spans]
    out: list[_Line] = []
    for op_idx, (rs, re_) in enumerate(ranges):
        i = bisect_right(ends, rs)  # the first line with end > rs
        while i < len(spans) and spans[i][0] < re_:
            ls, le = spans[i]
            out.append(_Line(i + 1, op_idx, _line_text(content, ls, le)))
            i += 1
    out.sort(key=lambda line: line.number)  # stable, as Rust's sort_by_key
    return out


def _groups(lines: list[_Line], threshold: int) -> list[list[int]]:
    groups: list[list[int]] = []
    current: list[int] = []
    last: int | None = None
    for idx, line in enumerate(lines):
        if not line.norm:
            continue
        if last is not None and line.number == last + 1:
            current.append(idx)
        else:
            if len(current) >= threshold:
                groups.append(current)
            current = [idx]
        last = line.number
    if len(current) >= threshold:
        groups.append(current)
    return groups


def _line_mappings(
    inserted: list[_Line], deleted: list[_Line], threshold: int
) -> list[tuple[list[_Line], list[_Line]]]:
    ins_groups = _groups(inserted, threshold)
    del_groups = _groups(deleted, threshold)
    if not ins_groups or not del_groups:
        return []
    lookup: dict[str, list[tuple[int, int]]] = {}
    for gi, group in enumerate(del_groups):
        for pos, li in enumerate(group):
            lookup.setdefault(deleted[li].norm, []).append((gi, pos))
    mappings: list[tuple[list[_Line], list[_Line]]] = []
    for group in ins_groups:
        pos = 0
        while pos < len(group):
            norm = inserted[group[pos]].norm
            advanced = False
            done_group = False
            for gi, dpos in lookup.get(norm, ()):
                dgroup = del_groups[gi]
                length = 1
                ii, di = pos + 1, dpos + 1
                while ii < len(group) and di < len(dgroup):
                    if inserted[group[ii]].norm != deleted[dgroup[di]].norm:
                        break
                    length += 1
                    ii += 1
                    di += 1
                if length >= threshold:
                    mappings.append(
                        (
                            [deleted[k] for k in dgroup[dpos : dpos + length]],
                            [inserted[k] for k in group[pos : pos + length]],
                        )
                    )
                    if ii >= len(group):
                        done_group = True
                    else:
                        pos = ii
                        advanced = True
                    break
            if done_group:
                break
            if not advanced:
                pos += 1
    return mappings


def _relative(
    lines: list[_Line], spans: list[tuple[int, int]], op: tuple[int, int]
) -> tuple[int, int] | None:
    first: int | None = None
    last: int | None = None
    for line in lines:
        ls, le = spans[line.number - 1]
        s, e = max(ls, op[0]), min(le, op[1])
        if s >= e:
            return None
        if first is None:
            first = s - op[0]
        last = e - op[0]
    if first is None or last is None or first >= last:
        return None
    return first, last


def detect_moves(
    old: bytes,
    new: bytes,
    deletions: Sequence[tuple[int, int]],
    insertions: Sequence[tuple[int, int]],
    threshold: int = MOVE_LINES_THRESHOLD,
) -> list[MoveMapping]:
    """Moves between deletion ops (old coordinates) and insertion ops (new)."""
    if threshold == 0 or not deletions or not insertions:
        return []
    old_spans = line_spans(old)
    new_spans = line_spans(new)
    inserted = _overlapping(new, new_spans, insertions)
    deleted = _overlapping(old, old_spans, deletions)
    if not inserted or not deleted:
        return []
    out: list[MoveMapping] = []
    for dels, inss in _line_mappings(inserted, deleted, max(threshold, 1)):
        if not dels or len(dels) != len(inss):
            continue
        d_idx = dels[0].op_idx
        i_idx = inss[0].op_idx
        if any(line.op_idx != d_idx for line in dels) or any(line.op_idx != i_idx for line in inss):
            continue
        source = _relative(dels, old_spans, deletions[d_idx])
        target = _relative(inss, new_spans, insertions[i_idx])
        if source is None or target is None:
            continue
        out.append(MoveMapping(d_idx, i_idx, source, target))
    return out
