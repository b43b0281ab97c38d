"""git-ai's attribution tracker: carry character attributions through an edit.

A port of ``attribution_tracker.rs`` (semantics notes 2.6), on UTF-8 bytes
so every offset is the byte offset git-ai writes:

1. line diff (imara-diff Myers over lines with their terminators); each
   changed hunk is force-split for AI checkpoints, line-aligned when huge,
   otherwise diffed token by token (:mod:`lsm.checkpoint.tokens`);
2. catalogue of deletions (old coordinates) and insertions (new);
3. move detection for human checkpoints (:mod:`lsm.checkpoint.moves`);
4. transform: equal bytes keep their authors, deletions leave zero-length
   markers, insertions go to the current author or, for non-substantive
   human edits, to the neighbouring author;
5. merge: sort, dedupe, coalesce touching ranges of one author and ts.

Plus the conversions between character and line attributions. Pure
computation on values; nothing here does I/O or can fail.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsm.checkpoint.moves import MoveMapping, detect_moves
from lsm.checkpoint.myers import Op, diff_ops
from lsm.checkpoint.textutil import (
    bytes_is_whitespace,
    ceil_char_boundary,
    floor_char_boundary,
    has_non_whitespace,
    is_char_boundary,
    line_spans,
)
from lsm.checkpoint.tokens import tokenize
from lsm.model import Attribution, LineAttribution

__all__ = [
    "HUMAN",
    "INITIAL_ATTRIBUTION_TS",
    "attribute_unattributed_ranges",
    "attributions_to_line_attributions",
    "line_attributions_to_attributions",
    "update_attributions",
]

#: ``CheckpointKind::Human.to_str()``: the author of unattributed text.
HUMAN = "human"
#: The ts git-ai gives attributions seeded from INITIAL or line attributions.
INITIAL_ATTRIBUTION_TS = 42

_MOVE_MIN_FILE_BYTES = 64 * 1024
_MOVE_MAX_OPS = 256
_FAST_MIN_BYTES = 32 * 1024
_FAST_MIN_LINES = 256
_FAST_HUGE_BYTES = 256 * 1024
_FAST_MAX_OPS = 8

_EQ, _DEL, _INS = 0, 1, 2
#: One byte-level diff op: (kind, data).
ByteDiff = tuple[int, bytes]


# --- phase 1: diffs ----------------------------------------------------------


def _byte_range(
    spans: list[tuple[int, int]], start_idx: int, end_idx: int, content_len: int
) -> tuple[int, int]:
    """``line_range_to_byte_range``: lines ``[start_idx, end_idx)`` as bytes."""
    if start_idx >= end_idx:
        pos = spans[start_idx][0] if start_idx < len(spans) else content_len
        return pos, pos
    start = spans[start_idx][0] if start_idx < len(spans) else content_len
    last = end_idx - 1
    end = spans[last][1] if last < len(spans) else content_len
    return start, end


def _append_range(
    out: list[ByteDiff],
    old: bytes,
    new: bytes,
    old_range: tuple[int, int],
    new_range: tuple[int, int],
    force_split: bool,
) -> None:
    os_, oe = old_range
    ns, ne = new_range
    if os_ >= oe and ns >= ne:
        return
    old_slice = old[os_:oe]
    new_slice = new[ns:ne]
    if not force_split and old_slice and new_slice and old_slice == new_slice:
        out.append((_EQ, new_slice))
        return
    if old_slice:
        out.append((_DEL, old_slice))
    if new_slice:
        out.append((_INS, new_slice))


def _token_aligned(
    old: bytes,
    new: bytes,
    old_range: tuple[int, int],
    new_range: tuple[int, int],
    out: list[ByteDiff],
    substantive: list[tuple[int, int]],
) -> None:
    """``build_token_aligned_diffs`` for one hunk."""
    old_tokens = tokenize(old, *old_range)
    new_tokens = tokenize(new, *new_range)
    if not old_tokens and not new_tokens:
        _append_range(out, old, new, old_range, new_range, False)
        return
    ops = diff_ops([t.lexeme for t in old_tokens], [t.lexeme for t in new_tokens])
    old_cursor, new_cursor = old_range[0], new_range[0]
    last_change = False
    for tag, oi, ol, ni, nl in ops:
        if tag == "equal":
            for k in range(ol):
                ot = old_tokens[oi + k]
                nt = new_tokens[ni + k]
                _append_range(
                    out, old, new, (old_cursor, ot.start), (new_cursor, nt.start), last_change
                )
                out.append((_EQ, new[nt.start : nt.end]))
                old_cursor, new_cursor = ot.end, nt.end
                last_change = False
        elif tag == "delete":
            if ol == 0:
                continue
            s, e = old_tokens[oi].start, old_tokens[oi + ol - 1].end
            _append_range(out, old, new, (old_cursor, s), (new_cursor, new_cursor), last_change)
            out.append((_DEL, old[s:e]))
            old_cursor = e
            last_change = True
        elif tag == "insert":
            if nl == 0:
                continue
            s, e = new_tokens[ni].start, new_tokens[ni + nl - 1].end
            _append_range(out, old, new, (old_cursor, old_cursor), (new_cursor, s), last_change)
            out.append((_INS, new[s:e]))
            substantive.append((s, e))
            new_cursor = e
            last_change = True
        else:  # replace
            os_ = old_tokens[oi].start if oi < len(old_tokens) else old_cursor
            ns = new_tokens[ni].start if ni < len(new_tokens) else new_cursor
            _append_range(out, old, new, (old_cursor, os_), (new_cursor, ns), last_change)
            if ol > 0:
                oe = old_tokens[oi + ol - 1].end
                out.append((_DEL, old[os_:oe]))
                old_cursor = oe
            else:
                old_cursor = os_
            if nl > 0:
                ne = new_tokens[ni + nl - 1].end
                out.append((_INS, new[ns:ne]))
                substantive.append((ns, ne))
                new_cursor = ne
            else:
                new_cursor = ns
            last_change = True
    _append_range(
        out, old, new, (old_cursor, old_range[1]), (new_cursor, new_range[1]), last_change
    )


def _changed_hunk(
    ops: list[Op],
    old: bytes,
    new: bytes,
    old_spans: list[tuple[int, int]],
    new_spans: list[tuple[int, int]],
    is_ai: bool,
    out: list[ByteDiff],
    substantive: list[tuple[int, int]],
) -> None:
    """``process_changed_hunk``: one maximal run of non-equal line ops."""
    old_l0 = min(op[1] for op in ops)
    old_l1 = max(op[1] + op[2] for op in ops)
    new_l0 = min(op[3] for op in ops)
    new_l1 = max(op[3] + op[4] for op in ops)
    old_r = _byte_range(old_spans, old_l0, old_l1, len(old))
    new_r = _byte_range(new_spans, new_l0, new_l1, len(new))
    if is_ai:
        # AI never inherits old authorship inside a hunk it rewrote.
        _append_range(out, old, new, old_r, new_r, True)
        return
    changed_lines = max(old_l1 - old_l0, new_l1 - new_l0)
    changed_bytes = max(old_r[1] - old_r[0], new_r[1] - new_r[0])
    if len(ops) <= _FAST_MAX_OPS and (
        changed_bytes >= _FAST_HUGE_BYTES
        or (changed_bytes >= _FAST_MIN_BYTES and changed_lines >= _FAST_MIN_LINES)
    ):
        _append_range(out, old, new, old_r, new_r, True)
        if new_r[0] < new_r[1] and not bytes_is_whitespace(new[new_r[0] : new_r[1]]):
            substantive.append(new_r)
        return
    _token_aligned(old, new, old_r, new_r, out, substantive)


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def compute_diffs(
    old: bytes, new: bytes, is_ai: bool
) -> tuple[list[ByteDiff], list[tuple[int, int]]]:
    """Phase 1: byte-level diff ops and the merged substantive new ranges."""
    old_spans = line_spans(old)
    new_spans = line_spans(new)
    ops = diff_ops([old[s:e] for s, e in old_spans], [new[s:e] for s, e in new_spans])
    out: list[ByteDiff] = []
    substantive: list[tuple[int, int]] = []
    pending: list[Op] = []
    for op in ops:
        if op[0] == "equal":
            if pending:
                _changed_hunk(pending, old, new, old_spans, new_spans, is_ai, out, substantive)
                pending = []
            if op[2]:
                s, e = _byte_range(old_spans, op[1], op[1] + op[2], len(old))
                if s < e:
                    out.append((_EQ, old[s:e]))
        else:
            pending.append(op)
    if pending:
        _changed_hunk(pending, old, new, old_spans, new_spans, is_ai, out, substantive)
    return out, _merge_ranges(substantive)


# --- phases 2-5 ----------------------------------------------------------------


def _catalog(diffs: list[ByteDiff]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    deletions: list[tuple[int, int]] = []
    insertions: list[tuple[int, int]] = []
    old_pos = new_pos = 0
    for kind, data in diffs:
        n = len(data)
        if kind == _EQ:
            old_pos += n
            new_pos += n
        elif kind == _DEL:
            deletions.append((old_pos, old_pos + n))
            old_pos += n
        else:
            insertions.append((new_pos, new_pos + n))
            new_pos += n
    return deletions, insertions


def _skip_moves(
    old: bytes, new: bytes, deletions: list[tuple[int, int]], insertions: list[tuple[int, int]]
) -> bool:
    if not deletions or not insertions:
        return True
    max_bytes = max(len(old), len(new))
    n_ops = len(deletions) + len(insertions)
    if max_bytes < _MOVE_MIN_FILE_BYTES and n_ops <= _MOVE_MAX_OPS:
        return False
    changed = sum(e - s for s, e in deletions) + sum(e - s for s, e in insertions)
    return n_ops > _MOVE_MAX_OPS or (
        max_bytes >= _MOVE_MIN_FILE_BYTES and changed >= max_bytes * 3 // 2
    )


def _ranges_intersect(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    if start >= end:
        return False
    for rs, re_ in ranges:
        if re_ <= start:
            continue
        return rs < end
    return False


def _find_for_insertion(
    old_attrs: Sequence[Attribution], position: int, cursor: list[int]
) -> Attribution | None:
    """``find_attribution_for_insertion`` (``cursor`` is the shared hint)."""
    if not old_attrs:
        return None
    n = len(old_attrs)
    while cursor[0] < n and old_attrs[cursor[0]].end <= position:
        cursor[0] += 1
    best: Attribution | None = None
    idx = cursor[0]
    while idx < n:
        a = old_attrs[idx]
        if a.start > position:
            break
        better = best is None or (
            a.ts > best.ts or (a.ts == best.ts and a.end - a.start > best.end - best.start)
        )
        if a.start < position + 1 and a.end > position and better:
            best = a
        idx += 1
    if best is not None:
        return best
    if cursor[0] > 0:
        return old_attrs[cursor[0] - 1]
    for a in old_attrs[cursor[0] :]:
        if a.start >= position:
            return a
    return None


def _transform(
    diffs: list[ByteDiff],
    old_attrs: Sequence[Attribution],
    author: str,
    insertions: list[tuple[int, int]],
    moves: list[MoveMapping],
    ts: int,
    substantive: list[tuple[int, int]],
    is_ai: bool,
) -> list[Attribution]:
    """Phase 4, ``transform_attributions``."""
    out: list[Attribution] = []
    by_deletion: dict[int, list[MoveMapping]] = {}
    insertion_moves: dict[int, list[tuple[int, int]]] = {}
    for m in moves:
        lst = by_deletion.setdefault(m.deletion_idx, [])
        if not any(x.source == m.source and x.target == m.target for x in lst):
            lst.append(m)
        insertion_moves.setdefault(m.insertion_idx, []).append(m.target)
    for lst in by_deletion.values():
        lst.sort(key=lambda m: m.source[0])

    n_old = len(old_attrs)
    old_pos = new_pos = 0
    del_idx = ins_idx = 0
    prev_ws_delete = False
    cursor = 0
    ins_cursor = [0]

    def copy_range(src_start: int, src_end: int, dst_start: int) -> None:
        # Old attributions overlapping old bytes [src_start, src_end), shifted to dst.
        nonlocal cursor
        while cursor < n_old and old_attrs[cursor].end <= src_start:
            cursor += 1
        k = cursor
        while k < n_old:
            a = old_attrs[k]
            if a.start >= src_end:
                break
            s, e = max(a.start, src_start), min(a.end, src_end)
            if s < e:
                ns = dst_start + (s - src_start)
                out.append(Attribution(ns, ns + (e - s), a.author_id, a.ts))
            k += 1

    for kind, data in diffs:
        n = len(data)
        if kind == _EQ:
            copy_range(old_pos, old_pos + n, new_pos)
            old_pos += n
            new_pos += n
            prev_ws_delete = False
        elif kind == _DEL:
            ws_delete = bytes_is_whitespace(data)
            mappings = by_deletion.get(del_idx)
            if mappings is not None:
                for m in mappings:
                    src_s, src_e = old_pos + m.source[0], old_pos + m.source[1]
                    if src_s < src_e:
                        target = insertions[m.insertion_idx][0] + m.target[0]
                        copy_range(src_s, src_e, target)
            elif is_ai or not ws_delete:
                out.append(Attribution(new_pos, new_pos, author, ts))  # deletion marker
            old_pos += n
            del_idx += 1
            prev_ws_delete = ws_delete
        else:
            covered = insertion_moves.pop(ins_idx, None)
            if covered is not None:
                merged = _merge_ranges(covered)
                pos = 0
                for s, e in merged:
                    cs, ce = min(s, n), min(e, n)
                    if pos < cs:
                        out.append(Attribution(new_pos + pos, new_pos + cs, author, ts))
                    pos = max(pos, ce)
                if pos < n:
                    out.append(Attribution(new_pos + pos, new_pos + n, author, ts))
            elif is_ai:
                out.append(Attribution(new_pos, new_pos + n, author, ts))
            else:
                who, when = author, ts
                ws_only = bytes_is_whitespace(data)
                if b"\n" in data or _ranges_intersect(substantive, new_pos, new_pos + n):
                    pass
                elif prev_ws_delete and ws_only:  # a formatting pair
                    found = _find_for_insertion(old_attrs, old_pos, ins_cursor)
                    if found is not None:
                        who, when = found.author_id, found.ts
                    elif out:
                        who, when = out[-1].author_id, out[-1].ts
                elif out:
                    who, when = out[-1].author_id, out[-1].ts
                else:
                    found = _find_for_insertion(old_attrs, old_pos, ins_cursor)
                    if found is not None:
                        who, when = found.author_id, found.ts
                out.append(Attribution(new_pos, new_pos + n, who, when))
            new_pos += n
            ins_idx += 1
            prev_ws_delete = False
    return out


def _merge(attrs: list[Attribution]) -> list[Attribution]:
    """Phase 5: sort, drop duplicates, coalesce same-author touching ranges."""
    if not attrs:
        return attrs
    attrs.sort()
    merged: list[Attribution] = []
    prev: Attribution | None = None
    for a in attrs:
        if a == prev:
            continue
        prev = a
        if merged:
            last = merged[-1]
            if (
                last.author_id == a.author_id
                and last.ts == a.ts
                and last.start < last.end
                and a.start < a.end
                and a.start <= last.end
            ):
                merged[-1] = Attribution(last.start, max(last.end, a.end), last.author_id, last.ts)
                continue
        merged.append(a)
    return merged


def update_attributions(
    old: bytes,
    new: bytes,
    old_attrs: Sequence[Attribution],
    author: str,
    ts: int,
    is_ai: bool,
) -> list[Attribution]:
    """``update_attributions_for_checkpoint``: attributions of ``new``."""
    attrs = list(old_attrs)
    if any(attrs[i] > attrs[i + 1] for i in range(len(attrs) - 1)):
        attrs.sort()
    diffs, substantive = compute_diffs(old, new, is_ai)
    deletions, insertions = _catalog(diffs)
    if is_ai or _skip_moves(old, new, deletions, insertions):
        moves: list[MoveMapping] = []
    else:
        moves = detect_moves(old, new, deletions, insertions)
    return _merge(_transform(diffs, attrs, author, insertions, moves, ts, substantive, is_ai))


def attribute_unattributed_ranges(
    content: bytes, attrs: Sequence[Attribution], author: str, ts: int
) -> list[Attribution]:
    """Every maximal run of characters no attribution overlaps becomes ``author``'s.

    git-ai walks the characters; with attributions on character boundaries
    (which git-ai always writes) the runs are the gaps between the covered
    ranges, snapped inward to character boundaries.
    """
    out = list(attrs)
    covered = _merge_ranges([(a.start, a.end) for a in attrs if a.start < a.end])
    pos = 0
    n = len(content)
    for s, e in covered:
        if s > n:
            break
        gap_s = ceil_char_boundary(content, pos) if not is_char_boundary(content, pos) else pos
        gap_e = floor_char_boundary(content, s)
        if gap_s < gap_e:
            out.append(Attribution(gap_s, gap_e, author, ts))
        pos = max(pos, e)
    if pos < n:
        gap_s = ceil_char_boundary(content, pos)
        if gap_s < n:
            out.append(Attribution(gap_s, n, author, ts))
    return out


def _dominant(
    start: int,
    end: int,
    line_empty: bool,
    candidates: list[Attribution],
    content: bytes,
    is_ai: bool,
) -> tuple[str, str | None]:
    """``find_dominant_author_for_line_candidates``."""
    kept: list[Attribution] = []
    for a in candidates:
        if not (a.start < end and a.end > start):
            continue
        s, e = max(start, a.start), min(end, a.end)
        non_ws = False
        if s < e:
            if not is_char_boundary(content, s):
                s = max(floor_char_boundary(content, s), start)
            if not is_char_boundary(content, e):
                e = min(ceil_char_boundary(content, e), end)
            if s < e:
                non_ws = has_non_whitespace(content[s:e])
        is_ai_author = a.author_id != HUMAN and not a.author_id.startswith("h_")
        if non_ws or line_empty or a.start == a.end or (is_ai and is_ai_author):
            kept.append(a)
    if not kept:
        return HUMAN, None
    latest = kept[0]
    for a in kept[1:]:
        if a.ts > latest.ts:
            latest = a
    last_ai: Attribution | None = None
    last_human: Attribution | None = None
    for a in kept:
        if a.author_id == HUMAN or a.author_id.startswith("h_"):
            last_human = a
        else:
            last_ai = a
    overrode = None
    if last_ai is not None and last_human is not None and last_human.ts > last_ai.ts:
        overrode = last_ai.author_id
    return latest.author_id, overrode


def attributions_to_line_attributions(
    attrs: Sequence[Attribution], content: bytes, is_ai: bool
) -> list[LineAttribution]:
    """``attributions_to_line_attributions_for_checkpoint``: one author per line.

    Consecutive lines with the same (author, overrode) merge; plain
    ``human`` lines without ``overrode`` are dropped.
    """
    if not content or not attrs:
        return []
    spans = line_spans(content)
    if not spans:
        return []
    order = sorted(range(len(attrs)), key=lambda i: (attrs[i].start, attrs[i].end, i))
    nxt = 0
    active: list[Attribution] = []
    result: list[LineAttribution] = []
    cur: tuple[str, str | None] | None = None
    cur_start = 0
    for line_no, (ls, le) in enumerate(spans, start=1):
        while nxt < len(order) and attrs[order[nxt]].start < le:
            active.append(attrs[order[nxt]])
            nxt += 1
        active = [a for a in active if a.start < le and a.end > ls]
        who = _dominant(ls, le, not has_non_whitespace(content[ls:le]), active, content, is_ai)
        if cur is None:
            cur, cur_start = who, line_no
        elif who != cur:
            result.append(LineAttribution(cur_start, line_no - 1, cur[0], cur[1]))
            cur, cur_start = who, line_no
    if cur is not None:
        result.append(LineAttribution(cur_start, len(spans), cur[0], cur[1]))
    return [la for la in result if la.author_id != HUMAN or la.overrode is not None]


def line_attributions_to_attributions(
    line_attrs: Sequence[LineAttribution], content: bytes, ts: int
) -> list[Attribution]:
    """Lines ``start_line..=end_line`` as byte ranges with ``ts``; ``overrode`` dropped."""
    if not line_attrs or not content:
        return []
    spans = line_spans(content)
    n = len(spans)
    out: list[Attribution] = []
    for la in line_attrs:
        if 1 <= la.start_line <= n and 1 <= la.end_line <= n:
            start, end = spans[la.start_line - 1][0], spans[la.end_line - 1][1]
            out.append(Attribution(start, end, la.author_id, ts))
    return out
