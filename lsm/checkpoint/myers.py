"""A port of imara-diff 0.2's Myers diff and its line post-processing.

git-ai diffs with ``imara_diff::Diff::compute(Algorithm::Myers, ...)``
(linear-space Myers with xdiff's heuristics: unmatched-token pruning, a
cost limit of ``max(sqrt(n), 256)``, snake sampling) and, for line stats,
``postprocess_lines`` (git's slider heuristics with the indent score).
Attribution depends on exactly which lines a diff calls changed, so this is
a line-by-line port of imara-diff 0.2.0 (``src/myers*.rs``, ``util.rs``,
``postprocess.rs``, ``slider_heuristic.rs``), quirks included:

* ``Myers::split`` computes ``is_odd`` as ``(len2 - len2) & 1``, which is
  always false, so only the backward search looks for the overlap;
* ``should_prune_common_line`` starts its backward window at index 100
  (not ``pos - 100``) once ``pos > 100``;
* the forward snake check of ``found_snake`` zips two prefixes of different
  lengths and walks them from the back, which pairs them from the front.

Tokens are small ints (interned by :func:`intern`). Pure computation;
nothing here can fail.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

__all__ = [
    "Hunk",
    "Op",
    "diff",
    "diff_ops",
    "hunks",
    "intern",
    "postprocess",
]

#: An op of ``capture_diff_slices``: (tag, old_index, old_len, new_index, new_len),
#: tag one of "equal", "delete", "insert", "replace".
Op = tuple[str, int, int, int, int]
#: A hunk: (before_start, before_end, after_start, after_end).
Hunk = tuple[int, int, int, int]

_HEUR_MIN_COST = 256
_MAX_COST_MIN = 256
_SNAKE_CNT = 20
_K_HEUR = 4
_I32_MIN = -(2**31)
_I32_MAX = 2**31 - 1


def _sqrt(val: int) -> int:
    return 1 << (val.bit_length() // 2)


def intern(
    before: Sequence[Hashable], after: Sequence[Hashable]
) -> tuple[list[int], list[int], list[Hashable]]:
    """Map equal items to equal ints (``InternedInput::new``), before first."""
    table: dict[Hashable, int] = {}
    values: list[Hashable] = []

    def ids(items: Sequence[Hashable]) -> list[int]:
        out = []
        for item in items:
            tok = table.get(item)
            if tok is None:
                tok = table[item] = len(values)
                values.append(item)
            out.append(tok)
        return out

    return ids(before), ids(after), values


def _common_prefix(a: Sequence[int], a0: int, a1: int, b: Sequence[int], b0: int, b1: int) -> int:
    n = min(a1 - a0, b1 - b0)
    i = 0
    while i < n and a[a0 + i] == b[b0 + i]:
        i += 1
    return i


def _common_postfix(a: Sequence[int], a0: int, a1: int, b: Sequence[int], b0: int, b1: int) -> int:
    n = min(a1 - a0, b1 - b0)
    i = 0
    while i < n and a[a1 - 1 - i] == b[b1 - 1 - i]:
        i += 1
    return i


# --- preprocessing (myers/preprocess.rs) ------------------------------------

_NONE, _SOME, _COMMON = 0, 1, 2


def _occurrences(file1: Sequence[int], file2: Sequence[int]) -> tuple[list[int], list[int]]:
    eqlimit1 = min(_sqrt(len(file1)), 1024)
    eqlimit2 = min(_sqrt(len(file2)), 1024)
    count1: dict[int, int] = {}
    for t in file1:
        count1[t] = count1.get(t, 0) + 1
    count2: dict[int, int] = {}
    status2 = []
    for t in file2:
        count2[t] = count2.get(t, 0) + 1
        n = count1.get(t, 0)
        status2.append(_NONE if n == 0 else (_COMMON if n >= eqlimit2 else _SOME))
    status1 = []
    for t in file1:
        n = count2.get(t, 0)
        status1.append(_NONE if n == 0 else (_COMMON if n >= eqlimit1 else _SOME))
    return status1, status2


def _prune_common(status: Sequence[int], pos: int) -> bool:
    window = 100
    start = window if pos > window else 0  # imara-diff 0.2 quirk, kept
    unmatched_before = common_before = 0
    for i in range(pos - 1, start - 1, -1):
        s = status[i]
        if s == _NONE:
            unmatched_before += 1
        elif s == _COMMON:
            common_before += 1
        else:
            break
    if unmatched_before == 0:
        return False
    end = min(len(status), pos + window)
    unmatched_after = common_after = 0
    for i in range(pos, end):
        s = status[i]
        if s == _NONE:
            unmatched_after += 1
        elif s == _COMMON:
            common_after += 1
        else:
            break
    if unmatched_after == 0:
        return False
    return unmatched_before + unmatched_after > 3 * (common_before + common_after)


def _prune(
    tokens: Sequence[int], status: Sequence[int], changed: list[bool], base: int
) -> tuple[list[int], list[int]]:
    kept: list[int] = []
    indices: list[int] = []
    for i, tok in enumerate(tokens):
        s = status[i]
        prune = s == _NONE or (s == _COMMON and _prune_common(status, i))
        if prune:
            changed[base + i] = True
        else:
            kept.append(tok)
            indices.append(base + i)
    return kept, indices


# --- the middle-snake search (myers/middle_snake.rs) -------------------------


class _Search:
    """One direction of the middle-snake search over diagonals."""

    __slots__ = ("back", "dmax", "dmin", "kmax", "kmin", "kv", "off")

    def __init__(self, back: bool, kv: list[int], off: int, len1: int, len2: int) -> None:
        self.back = back
        self.kv = kv
        self.off = off
        self.dmin = -len2
        self.dmax = len1
        kmid = self.dmin + self.dmax if back else 0
        self.kmin = self.kmax = kmid
        kv[off + kmid] = len1 if back else 0

    def contains(self, k: int) -> bool:
        return self.kmin <= k <= self.kmax

    def x_at(self, k: int) -> int:
        return self.kv[self.off + k]

    def next_d(self) -> None:
        init = _I32_MAX if self.back else _I32_MIN
        kv, off = self.kv, self.off
        if self.kmin > self.dmin:
            self.kmin -= 1
            kv[off + self.kmin - 1] = init
        else:
            self.kmin += 1
        if self.kmax < self.dmax:
            self.kmax += 1
            kv[off + self.kmax + 1] = init
        else:
            self.kmax -= 1

    def run(
        self,
        t1: Sequence[int],
        s1: int,
        n1: int,
        t2: Sequence[int],
        s2: int,
        n2: int,
        check: Callable[[int, int], bool] | None,
    ) -> tuple[int, int] | bool | None:
        """Extend every diagonal by one edit. Returns (x, y) when ``check``
        finds the overlap, True when a snake longer than 20 was seen, else None."""
        res: tuple[int, int] | bool | None = None
        kv, off, back = self.kv, self.off, self.back
        k = self.kmax
        while k >= self.kmin:
            lo = kv[off + k - 1]
            hi = kv[off + k + 1]
            x = (lo if lo < hi else hi - 1) if back else (lo + 1 if lo >= hi else hi)
            y = x - k
            snake = 0
            if back:
                if x > 0 and y > 0:
                    snake = _common_postfix(t1, s1, s1 + x, t2, s2, s2 + y)
            elif x < n1 and y < n2:
                snake = _common_prefix(t1, s1 + x, s1 + n1, t2, s2 + y, s2 + n2)
            if snake > _SNAKE_CNT:
                res = True
            if back:
                x -= snake
                y -= snake
            else:
                x += snake
                y += snake
            kv[off + k] = x
            if check is not None and check(k, x):
                return (x, y)
            k -= 2
        return res

    def best_position(self, n1: int, n2: int) -> tuple[int, int]:
        back = self.back
        best_distance = _I32_MAX * 4 if back else -1
        best_x = _I32_MAX if back else -1
        k = self.kmax
        while k >= self.kmin:
            x = self.kv[self.off + k]
            x = max(x, 0) if back else min(x, n1)
            y = x - k
            if back:
                if y < 0:
                    x = k
                    y = 0
            elif y > n2:
                x = n2 + k
                y = n2
            distance = x + y
            if (back and distance < best_distance) or (not back and distance > best_distance):
                best_distance = distance
                best_x = x
            k -= 2
        return best_distance, best_x

    def found_snake(
        self, ec: int, t1: Sequence[int], s1: int, n1: int, t2: Sequence[int], s2: int, n2: int
    ) -> tuple[int, int] | None:
        back = self.back
        best_score = 0
        best = (0, 0)
        k = self.kmax
        while k >= self.kmin:
            x = self.kv[self.off + k]
            y = x - k
            if back:
                ok = 0 <= x < n1 - _SNAKE_CNT and 0 <= y < n2 - _SNAKE_CNT
            else:
                ok = _SNAKE_CNT <= x < n1 and _SNAKE_CNT <= y < n2
            if not ok:
                k -= 2
                continue
            distance = (n1 - x) + (n2 - y) if back else x + y
            score = distance + abs(k)
            if score > _K_HEUR * ec and score > best_score:
                if back:
                    is_snake = all(t1[s1 + x + i] == t2[s2 + y + i] for i in range(_SNAKE_CNT))
                else:
                    # Rust zips the two prefixes and walks the zip from the back:
                    # the pairs are aligned from the front, so index m-1 down.
                    m = min(x, y)
                    is_snake = all(
                        t1[s1 + j] == t2[s2 + j] for j in range(m - 1, m - 1 - _SNAKE_CNT, -1)
                    )
                if is_snake:
                    best = (x, y)
                    best_score = score
            k -= 2
        return best if best_score > 0 else None


# --- Myers proper (myers.rs) -------------------------------------------------


def _myers(
    t1: list[int],
    idx1: list[int],
    t2: list[int],
    idx2: list[int],
    removed: list[bool],
    added: list[bool],
) -> None:
    len1, len2 = len(t1), len(t2)
    ndiags = len1 + len2 + 3
    # Two diagonal arrays, as imara-diff's one allocation split in two; they
    # keep their values between splits, exactly as the Rust does.
    size = ndiags + len2 + 2
    kfwd = [0] * (size + 2)
    kbwd = [0] * (size + 2)
    off = len2 + 1
    max_cost = max(_sqrt(ndiags), _MAX_COST_MIN)

    # Explicit stack (lo half before hi half, as the Rust recursion does).
    stack: list[tuple[int, int, int, int, bool]] = [(0, len1, 0, len2, False)]
    while stack:
        a0, a1, b0, b1, need_min = stack.pop()
        pre = _common_prefix(t1, a0, a1, t2, b0, b1)
        a0 += pre
        b0 += pre
        post = _common_postfix(t1, a0, a1, t2, b0, b1)
        a1 -= post
        b1 -= post
        if a0 == a1:
            for i in range(b0, b1):
                added[idx2[i]] = True
            continue
        if b0 == b1:
            for i in range(a0, a1):
                removed[idx1[i]] = True
            continue
        n1, n2 = a1 - a0, b1 - b0
        x, y, min_lo, min_hi = _split(t1, a0, n1, t2, b0, n2, need_min, kfwd, kbwd, off, max_cost)
        stack.append((a0 + x, a1, b0 + y, b1, min_hi))
        stack.append((a0, a0 + x, b0, b0 + y, min_lo))


def _split(
    t1: list[int],
    s1: int,
    n1: int,
    t2: list[int],
    s2: int,
    n2: int,
    need_min: bool,
    kfwd: list[int],
    kbwd: list[int],
    off: int,
    max_cost: int,
) -> tuple[int, int, bool, bool]:
    fwd = _Search(False, kfwd, off, n1, n2)
    bwd = _Search(True, kbwd, off, n1, n2)

    def overlap(k: int, x: int) -> bool:
        return fwd.contains(k) and x <= fwd.x_at(k)

    ec = 0
    while ec <= max_cost:
        found_snake = False
        fwd.next_d()
        # is_odd is always false in imara-diff 0.2: the forward pass never checks.
        if fwd.run(t1, s1, n1, t2, s2, n2, None) is not None:
            found_snake = True
        bwd.next_d()
        res = bwd.run(t1, s1, n1, t2, s2, n2, overlap)
        if isinstance(res, tuple):
            return res[0], res[1], True, True
        if res:
            found_snake = True
        if need_min:
            continue  # as the Rust: the cost counter does not advance
        if found_snake and ec > _HEUR_MIN_COST:
            hit = fwd.found_snake(ec, t1, s1, n1, t2, s2, n2)
            if hit is not None:
                return hit[0], hit[1], True, False
            hit = bwd.found_snake(ec, t1, s1, n1, t2, s2, n2)
            if hit is not None:
                return hit[0], hit[1], False, True
        ec += 1

    dist_f, x_f = fwd.best_position(n1, n2)
    dist_b, x_b = bwd.best_position(n1, n2)
    if dist_f > n1 + n2 - dist_b:
        return x_f, dist_f - x_f, True, False
    return x_b, dist_b - x_b, False, True


def diff(before: Sequence[int], after: Sequence[int]) -> tuple[list[bool], list[bool]]:
    """``Diff::compute(Algorithm::Myers)``: per-token removed/added flags."""
    removed = [False] * len(before)
    added = [False] * len(after)
    n1, n2 = len(before), len(after)
    pre = _common_prefix(before, 0, n1, after, 0, n2)
    post = _common_postfix(before, pre, n1, after, pre, n2)
    b = before[pre : n1 - post]
    a = after[pre : n2 - post]
    if not b and not a:
        return removed, added
    status1, status2 = _occurrences(b, a)
    t1, idx1 = _prune(b, status1, removed, pre)
    t2, idx2 = _prune(a, status2, added, pre)
    _myers(t1, idx1, t2, idx2, removed, added)
    return removed, added


def hunks(removed: Sequence[bool], added: Sequence[bool]) -> list[Hunk]:
    """imara-diff's ``HunkIter``: maximal changed runs, walked in lockstep."""
    out: list[Hunk] = []
    i = j = 0
    pb = pa = 0
    nr, na = len(removed), len(added)
    while True:
        r = 0
        while i < nr and removed[i]:
            i += 1
            r += 1
        if i < nr:
            i += 1  # take_while consumes the first unchanged token
        a = 0
        while j < na and added[j]:
            j += 1
            a += 1
        if j < na:
            j += 1
        if r or a:
            out.append((pb, pb + r, pa, pa + a))
            pb += r + 1
            pa += a + 1
        elif i >= nr and j >= na:
            return out
        else:
            pb += 1
            pa += 1


def diff_ops(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Op]:
    """git-ai's ``capture_diff_slices``: Myers, then hunks as similar-style ops."""
    t1, t2, _ = intern(old, new)
    removed, added = diff(t1, t2)
    ops: list[Op] = []
    old_idx = new_idx = 0
    for b0, b1, a0, a1 in hunks(removed, added):
        if old_idx < b0:
            ops.append(("equal", old_idx, b0 - old_idx, new_idx, b0 - old_idx))
        if b1 > b0 and a1 > a0:
            ops.append(("replace", b0, b1 - b0, a0, a1 - a0))
        elif b1 > b0:
            ops.append(("delete", b0, b1 - b0, a0, 0))
        elif a1 > a0:
            ops.append(("insert", b0, 0, a0, a1 - a0))
        old_idx, new_idx = b1, a1
    if old_idx < len(old):
        ops.append(("equal", old_idx, len(old) - old_idx, new_idx, len(old) - old_idx))
    return ops


# --- post-processing (postprocess.rs, slider_heuristic.rs, util.rs) ----------


def _find_next_change(changes: Sequence[bool], pos: int) -> int | None:
    for i in range(pos, len(changes)):
        if changes[i]:
            return i - pos
    return None


def _find_hunk_end(changes: Sequence[bool], pos: int) -> int:
    n = len(changes)
    while pos < n and changes[pos]:
        pos += 1
    return pos


def _find_hunk_start(changes: Sequence[bool], pos: int) -> int:
    while pos > 0 and changes[pos - 1]:
        pos -= 1
    return pos


_BLANK = 255
_MAX_INDENT = 200
_MAX_BLANKS = 20


def indent_level(line: bytes, tab_width: int = 8) -> int:
    """``IndentLevel::for_ascii_line``: columns of leading blanks; 255 = blank line."""
    level = 0
    for c in line:
        if c == 0x20:
            level += 1
        elif c == 0x09:
            level += tab_width - level % tab_width
        elif c in (0x0D, 0x0A, 0x0C):
            pass
        else:
            return level
        if level >= _MAX_INDENT:
            return level
    return _BLANK


class _Indents:
    __slots__ = ("indent", "leading", "next_indent", "prev_indent", "trailing")

    def __init__(self, tokens: Sequence[int], idx: int, indent_of: Callable[[int], int]) -> None:
        leading, prev = idx, _BLANK
        for i, pos in enumerate(range(idx - 1, -1, -1)):
            if i == _MAX_BLANKS:
                leading, prev = i, 0
                break
            level = indent_of(tokens[pos])
            if level != _BLANK:
                leading, prev = i, level
                break
        if idx == len(tokens):
            trailing, nxt = 0, _BLANK
        else:
            trailing, nxt = idx, _BLANK  # imara-diff falls back to idx here, kept
            for i, pos in enumerate(range(idx + 1, len(tokens))):
                if i == _MAX_BLANKS:
                    trailing, nxt = i, 0
                    break
                level = indent_of(tokens[pos])
                if level != _BLANK:
                    trailing, nxt = i, level
                    break
        self.indent = indent_of(tokens[idx]) if idx < len(tokens) else _BLANK
        self.prev_indent = prev
        self.next_indent = nxt
        self.leading = leading & 0xFF  # stored as u8 in the Rust
        self.trailing = trailing & 0xFF

    def score(self) -> tuple[int, int]:
        penalty = 0
        if self.prev_indent == _BLANK and self.leading == 0:
            penalty += 1  # START_OF_FILE_PENALTY
        if self.next_indent == _BLANK and self.trailing == 0:
            penalty += 21  # END_OF_FILE_PENALTY
        trailing_blank = self.trailing + 1 if self.indent == _BLANK else 0
        total_blank = trailing_blank + self.leading
        penalty += -30 * total_blank + trailing_blank * 6
        indent = self.next_indent if self.indent == _BLANK else self.indent
        if indent != _BLANK and self.prev_indent != _BLANK:
            if indent < self.prev_indent:
                if self.next_indent <= indent:
                    penalty += 17 if total_blank else 23  # dedent
                else:
                    penalty += 17 if total_blank else 24  # outdent
            elif indent > self.prev_indent:
                penalty += 10 if total_blank else -4  # indent
        return (-1 if indent == _BLANK else indent), penalty


def _score(
    tokens: Sequence[int], start: int, end: int, indent_of: Callable[[int], int]
) -> tuple[int, int]:
    a = _Indents(tokens, start, indent_of).score()
    b = _Indents(tokens, end, indent_of).score()
    return a[0] + b[0], a[1] + b[1]


def _best_slider_end(
    tokens: Sequence[int], start: int, end: int, earliest_end: int, indent_of: Callable[[int], int]
) -> int:
    top = earliest_end
    top = max(top, start - 1)
    if end > top + 100:
        top = end - 100
    size = end - start
    best = _score(tokens, top - size, top, indent_of)
    best_end = top
    for slider_end in range(top + 1, end + 1):
        score = _score(tokens, slider_end - size, slider_end, indent_of)
        if score[0] > best[0]:
            weight = 60
        elif score[0] < best[0]:
            weight = -60
        else:
            weight = 0
        if weight + score[1] - best[1] <= 0:
            best = score
            best_end = slider_end
    return best_end


class _Post:
    """One pass of ``Postprocessor``: slide hunks of ``added`` over ``tokens``."""

    def __init__(
        self,
        added: list[bool],
        removed: list[bool],
        tokens: Sequence[int],
        indent_of: Callable[[int], int],
    ) -> None:
        self.added = added
        self.removed = removed
        self.tokens = tokens
        self.indent_of = indent_of
        self.b0 = self.b1 = self.a0 = self.a1 = 0

    def next_hunk(self) -> bool:
        off = _find_next_change(self.added, self.a1)
        if off is None:
            return False
        removed = self.removed
        off_before = 0
        while True:
            unchanged = _find_next_change(removed, self.b1)
            if unchanged is None:
                unchanged = len(removed) - self.b1
            if off_before + unchanged > off:
                self.b0 = self.b1 + (off - off_before)
                self.b1 = self.b0
                break
            off_before += unchanged
            self.b0 = self.b1 + unchanged
            self.b1 = _find_hunk_end(removed, self.b1 + unchanged)
            if off_before == off:
                break
        self.a0 = self.a1 + off
        self.a1 = _find_hunk_end(self.added, self.a0)
        return True

    def slide_down(self) -> bool:
        tokens = self.tokens
        if self.a1 >= len(tokens):
            return False
        if tokens[self.a0] != tokens[self.a1]:
            return False
        self.added[self.a0] = False
        self.added[self.a1] = True
        self.a0 += 1
        self.a1 = _find_hunk_end(self.added, self.a1)
        self.b0 = self.b1 + 1
        self.b1 = _find_hunk_end(self.removed, self.b0)
        return True

    def slide_up(self) -> bool:
        if self.a0 == 0:
            return False
        tokens = self.tokens
        if tokens[self.a0 - 1] != tokens[self.a1 - 1]:
            return False
        self.added[self.a0 - 1] = True
        self.added[self.a1 - 1] = False
        self.a1 -= 1
        self.a0 = _find_hunk_start(self.added, self.a0 - 1)
        self.b1 = self.b0 - 1
        self.b0 = _find_hunk_start(self.removed, self.b0 - 1)
        return True

    def run(self) -> None:
        while self.next_hunk():
            while True:
                while self.slide_up():
                    pass
                earliest_end = self.a1
                is_modification = self.b0 != self.b1
                size = self.a1 - self.a0
                while self.slide_down():
                    is_modification |= self.b0 != self.b1
                if size == self.a1 - self.a0:
                    break
            if self.a1 == earliest_end:
                continue
            if is_modification:
                while self.b0 == self.b1:
                    self.slide_up()
            else:
                end = _best_slider_end(self.tokens, self.a0, self.a1, earliest_end, self.indent_of)
                for _ in range(end, self.a1):
                    self.slide_up()


def postprocess(
    removed: list[bool],
    added: list[bool],
    before: Sequence[int],
    after: Sequence[int],
    indent_of: Callable[[int], int],
) -> None:
    """``Diff::postprocess_lines``: git's slider heuristics, in place."""
    _Post(added, removed, after, indent_of).run()
    _Post(removed, added, before, indent_of).run()
