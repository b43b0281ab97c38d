"""The carryover snapshot: what a file "is" after a commit, for lines still to come.

After commit C (parent P), each file with attribution state has three
immutable texts: ``parent`` (at P), ``committed`` (at C) and ``observed``
(the content of its newest checkpoint). :func:`carryover_content` picks
(git-ai ``merged_carryover_content_pure``, first rule that matches):

1. committed equals observed (CRLF = LF) -> committed;
2. committed's lines are a subsequence of observed's -> observed
   (the work tree held more than was committed: unstaged additions);
3. observed's lines are a subsequence of committed's -> committed
   (lines were added after the last checkpoint);
4. committed equals parent -> observed; 5. observed equals parent -> committed;
6. otherwise a three-way line merge (base parent, ours committed, theirs
   observed) with conflicts resolved to observed: :func:`merge3`.

Pure functions; nothing here can fail.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsm.checkpoint.myers import diff_ops
from lsm.commit.lines import eq_ignoring_eol, is_line_subsequence, normalize_eol, split_keep

__all__ = ["carryover_content", "merge3"]


def carryover_content(parent: str, committed: str, observed: str) -> str:
    """The carryover text of one file (rules 1-6 above)."""
    if eq_ignoring_eol(committed, observed):
        return committed
    if is_line_subsequence(committed, observed):
        return observed
    if is_line_subsequence(observed, committed):
        return committed
    if eq_ignoring_eol(committed, parent):
        return observed
    if eq_ignoring_eol(observed, parent):
        return committed
    return merge3(parent, committed, observed)


def _align(base: Sequence[str], side: Sequence[str]) -> list[int | None]:
    """For each base line, its index on ``side`` when the diff keeps it, else None."""
    out: list[int | None] = [None] * len(base)
    for tag, oi, ol, ni, _nl in diff_ops(base, side):
        if tag == "equal":
            for k in range(ol):
                out[oi + k] = ni + k
    return out


def merge3(parent: str, committed: str, observed: str) -> str:
    """git-ai's ``carryover_merge_content``: a diff3 chunk merge favouring ``observed``.

    Base lines kept by both sides anchor the merge; between anchors a side
    that changed the base region wins, and when both changed it (differently)
    observed wins. Inserts right before an anchor are taken from whichever
    side made them (observed if both did, differently). Lines are compared
    CRLF-normalised but emitted as they are.
    """
    if eq_ignoring_eol(committed, observed):
        return committed
    if eq_ignoring_eol(parent, committed):
        return observed
    if eq_ignoring_eol(parent, observed):
        return committed
    base, ours, theirs = split_keep(parent), split_keep(committed), split_keep(observed)
    base_c = split_keep(normalize_eol(parent))
    ours_c = split_keep(normalize_eol(committed))
    theirs_c = split_keep(normalize_eol(observed))
    omap = _align(base_c, ours_c)
    tmap = _align(base_c, theirs_c)
    out: list[str] = []
    bi = oi = ti = 0

    def stable(i: int) -> bool:
        return omap[i] is not None and tmap[i] is not None

    def pick(o0: int, o1: int, t0: int, t1: int) -> None:
        # Both sides inserted: the same text once, else observed's.
        if o1 > o0 and t1 > t0:
            out.extend(ours[o0:o1] if ours_c[o0:o1] == theirs_c[t0:t1] else theirs[t0:t1])
        elif o1 > o0:
            out.extend(ours[o0:o1])
        elif t1 > t0:
            out.extend(theirs[t0:t1])

    while bi < len(base):
        if stable(bi):
            oa, ta = omap[bi], tmap[bi]
            assert oa is not None
            assert ta is not None
            pick(oi, max(oi, oa), ti, max(ti, ta))
            out.append(base[bi])
            oi, ti = oa + 1, ta + 1
            bi += 1
            continue
        start = bi
        while bi < len(base) and not stable(bi):
            bi += 1
        if bi < len(base):
            oa_, ta_ = omap[bi], tmap[bi]
            assert oa_ is not None
            assert ta_ is not None
            oa, ta = oa_, ta_
        else:
            oa, ta = len(ours), len(theirs)
        base_chunk = base_c[start:bi]
        ours_chunk, theirs_chunk = ours_c[oi:oa], theirs_c[ti:ta]
        ours_changed = ours_chunk != base_chunk
        theirs_changed = theirs_chunk != base_chunk
        if ours_changed and not theirs_changed:
            out.extend(ours[oi:oa])
        elif theirs_changed and not ours_changed:
            out.extend(theirs[ti:ta])
        elif ours_changed:
            out.extend(ours[oi:oa] if ours_chunk == theirs_chunk else theirs[ti:ta])
        else:
            out.extend(base[start:bi])
        oi, ti = oa, ta
    pick(oi, len(ours), ti, len(theirs))
    return "".join(out)
