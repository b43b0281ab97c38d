"""Editing a JSON or JSONC settings file without disturbing what we do not change.

An installer decides *what* a settings file should contain (a JSON value);
this module turns "the old value" and "the new value" into the smallest
text edit of the old file it can: untouched members keep their bytes,
comments, key order and indentation; a member or array element that was
added is inserted beside its siblings with their indentation; one that was
removed is cut out with its line. Anything it cannot place surgically (a
changed scalar, a one-line object) is replaced by its new value rendered
at the node's indentation.

:func:`parse` reads JSONC (``//`` and ``/* */`` comments, trailing commas)
into :class:`Node` trees with byte spans; :func:`edit` returns the new text
and :func:`render` the whole-document fallback. The caller checks the
result (``loads(edit(...)) == new``) and falls back to :func:`render`
(comments lost) when it does not hold; :func:`update_text` does both.

Pure functions; :class:`JsonSyntaxError` is the only failure.
"""

from __future__ import annotations

import difflib
import itertools
import json
from typing import Any

__all__ = ["JsonSyntaxError", "Node", "edit", "loads", "parse", "render", "update_text"]


class JsonSyntaxError(ValueError):
    """The text is not JSON(C). ``pos`` is the offset of the problem."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(f"{message} at offset {pos}")
        self.pos = pos


class Node:
    """A parsed value and where it is: ``text[start:end]``.

    :ivar members: for objects, ``(key, key_start, value)`` in text order.
    :ivar items: for arrays, the elements in text order.
    """

    __slots__ = ("end", "items", "kind", "members", "start", "value")

    def __init__(self, kind: str, start: int, end: int, value: Any) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value
        self.members: list[tuple[str, int, Node]] = []
        self.items: list[Node] = []


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip(self) -> None:
        t, n = self.text, len(self.text)
        while self.pos < n:
            c = t[self.pos]
            if c in " \t\r\n\ufeff":
                self.pos += 1
            elif t.startswith("//", self.pos):
                nl = t.find("\n", self.pos)
                self.pos = n if nl < 0 else nl + 1
            elif t.startswith("/*", self.pos):
                close = t.find("*/", self.pos + 2)
                if close < 0:
                    raise JsonSyntaxError("unterminated comment", self.pos)
                self.pos = close + 2
            else:
                return

    def value(self) -> Node:
        self.skip()
        t = self.text
        if self.pos >= len(t):
            raise JsonSyntaxError("unexpected end of text", self.pos)
        c = t[self.pos]
        if c == "{":
            return self.obj()
        if c == "[":
            return self.arr()
        if c == '"':
            start = self.pos
            s = self.string()
            return Node("string", start, self.pos, s)
        start = self.pos
        end = start
        while end < len(t) and t[end] not in " \t\r\n,]}/":
            end += 1
        word = t[start:end]
        try:
            scalar = json.loads(word)
        except ValueError:
            raise JsonSyntaxError(f"unexpected {word[:20]!r}", start) from None
        self.pos = end
        return Node("scalar", start, end, scalar)

    def string(self) -> str:
        start = self.pos
        t = self.text
        i = start + 1
        while i < len(t):
            if t[i] == "\\":
                i += 2
                continue
            if t[i] == '"':
                self.pos = i + 1
                try:
                    out: str = json.loads(t[start : i + 1])
                except ValueError:
                    raise JsonSyntaxError("bad string", start) from None
                return out
            if t[i] == "\n":
                break
            i += 1
        raise JsonSyntaxError("unterminated string", start)

    def obj(self) -> Node:
        node = Node("object", self.pos, 0, None)
        self.pos += 1
        out: dict[str, Any] = {}
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                break
            if not self.text.startswith('"', self.pos):
                raise JsonSyntaxError("expected a key", self.pos)
            key_start = self.pos
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise JsonSyntaxError("expected ':'", self.pos)
            self.pos += 1
            child = self.value()
            node.members.append((key, key_start, child))
            out[key] = child.value
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            self.skip()
            if not self.text.startswith("}", self.pos):
                raise JsonSyntaxError("expected ',' or '}'", self.pos)
        self.pos += 1
        node.end = self.pos
        node.value = out
        return node

    def arr(self) -> Node:
        node = Node("array", self.pos, 0, None)
        self.pos += 1
        out: list[Any] = []
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                break
            child = self.value()
            node.items.append(child)
            out.append(child.value)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if not self.text.startswith("]", self.pos):
                raise JsonSyntaxError("expected ',' or ']'", self.pos)
        self.pos += 1
        node.end = self.pos
        node.value = out
        return node


def parse(text: str) -> Node | None:
    """The JSONC document's tree, or None for an empty (or comment-only) text.

    :raises JsonSyntaxError: it is not JSON(C).
    """
    p = _Parser(text)
    p.skip()
    if p.pos >= len(text):
        return None
    node = p.value()
    p.skip()
    if p.pos < len(text):
        raise JsonSyntaxError("text after the document", p.pos)
    return node


def loads(text: str) -> Any:
    """The value of a JSONC text (``{}`` when empty)."""
    node = parse(text)
    return {} if node is None else node.value


# ---------------------------------------------------------------------- rendering


def _indent_unit(text: str) -> str:
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            return line[: len(line) - len(stripped)]
    return "  "


def render(value: Any, *, unit: str = "  ", base: str = "") -> str:
    """``value`` pretty-printed, every line after the first prefixed with ``base``."""
    indent: int | str = len(unit) if set(unit) == {" "} else unit
    return json.dumps(value, indent=indent, ensure_ascii=False).replace("\n", "\n" + base)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _indent_at(text: str, pos: int) -> str:
    start = _line_start(text, pos)
    line = text[start:pos]
    return line if not line.strip() else line[: len(line) - len(line.lstrip(" \t"))]


def _own_line(text: str, pos: int) -> bool:
    return not text[_line_start(text, pos) : pos].strip()


Edit = tuple[int, int, str]


class _Editor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.unit = _indent_unit(text)
        self.edits: list[Edit] = []

    def replace(self, node: Node, new: Any) -> None:
        base = _indent_at(self.text, node.start)
        self.edits.append((node.start, node.end, render(new, unit=self.unit, base=base)))

    def diff(self, node: Node, new: Any) -> None:
        if node.value == new and type(node.value) is type(new):
            return
        multiline = "\n" in self.text[node.start : node.end]
        if node.kind == "object" and isinstance(new, dict) and multiline and node.members:
            self.object(node, new)
        elif node.kind == "array" and isinstance(new, list) and multiline and node.items:
            self.array(node, new)
        else:
            self.replace(node, new)

    # Children are (start, end) spans; removing child i takes its line (and
    # the comma that joins it to a neighbour) with it.
    def remove(self, spans: list[tuple[int, int]], i: int) -> None:
        t = self.text
        start, end = spans[i]
        after = end
        while after < len(t) and t[after] in " \t":
            after += 1
        has_comma = after < len(t) and t[after] == ","
        if i + 1 < len(spans) or has_comma:
            cut_end = after + 1 if has_comma else end
            nl = t.find("\n", cut_end)
            if nl >= 0 and not t[cut_end:nl].strip():
                cut_end = nl + 1
            cut_start = _line_start(t, start) if _own_line(t, start) else start
            self.edits.append((cut_start, cut_end, ""))
        else:  # the last child without a trailing comma: cut the comma before it
            prev_end = spans[i - 1][1] if i > 0 else None
            if prev_end is None:
                self.edits.append((start, end, ""))
            else:
                self.edits.append((prev_end, end, ""))

    def insert_after(self, pos_node_end: int, sibling_start: int, rendered: str) -> None:
        indent = _indent_at(self.text, sibling_start)
        self.edits.append((pos_node_end, pos_node_end, ",\n" + indent + rendered))

    def object(self, node: Node, new: dict[str, Any]) -> None:
        old_keys = [k for k, _, _ in node.members]
        spans = [(ks, child.end) for _, ks, child in node.members]
        if len(set(old_keys)) != len(old_keys):
            self.replace(node, new)
            return
        for i, (key, _, child) in enumerate(node.members):
            if key not in new:
                self.remove(spans, i)
            else:
                self.diff(child, new[key])
        last_key, last_start, last = node.members[-1]
        base = _indent_at(self.text, last_start)
        kept = [k for k in old_keys if k in new]
        anchor_end = last.end
        if last_key not in new:
            # Insert after the last member that stays, or replace the object.
            if not kept:
                self.edits = [e for e in self.edits if not (node.start <= e[0] < node.end)]
                self.replace(node, new)
                return
            anchor = next(c for k, _, c in reversed(node.members) if k in new)
            anchor_end = anchor.end
        for key, value in new.items():
            if key in old_keys:
                continue
            rendered = json.dumps(key, ensure_ascii=False) + ": "
            rendered += render(value, unit=self.unit, base=base)
            self.insert_after(anchor_end, last_start, rendered)

    def array(self, node: Node, new: list[Any]) -> None:
        old = [_canon(c.value) for c in node.items]
        spans = [(c.start, c.end) for c in node.items]
        base = _indent_at(self.text, node.items[-1].start)
        matcher = difflib.SequenceMatcher(a=old, b=[_canon(v) for v in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    self.diff(node.items[i1 + k], new[j1 + k])
                continue
            for i in range(i1, i2):
                self.remove(spans, i)
            if j2 > j1:
                rendered = [render(v, unit=self.unit, base=base) for v in new[j1:j2]]
                if i1 > 0:
                    text = "".join(",\n" + base + r for r in rendered)
                    self.edits.append((spans[i1 - 1][1], spans[i1 - 1][1], text))
                else:
                    first = spans[0][0]
                    text = "".join(r + ",\n" + base for r in rendered)
                    if i2 == len(spans):  # every element replaced: no comma after the last
                        text = text[: -len(",\n" + base)]
                    self.edits.append((first, first, text))


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _apply(text: str, edits: list[Edit]) -> str:
    # From the end backwards; inserts at one position keep the order they were made in.
    out = text
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i), reverse=True)
    for i in order:
        start, end, rep = edits[i]
        out = out[:start] + rep + out[end:]
    return out


def edit(text: str, new: Any) -> str:
    """``text`` changed so that it holds ``new``, touching as little as it can.

    The result is not checked here; see :func:`update_text`.
    :raises JsonSyntaxError: ``text`` is not JSON(C).
    """
    node = parse(text)
    if node is None:
        lead = text if text.strip() == "" else text + "\n"
        return (lead if text.strip() else "") + render(new) + "\n"
    editor = _Editor(text)
    editor.diff(node, new)
    starts = sorted(editor.edits)
    for a, b in itertools.pairwise(starts):
        if b[0] < a[1]:  # overlapping edits: give up on surgery
            return text[: node.start] + render(new, unit=editor.unit) + text[node.end :]
    return _apply(text, editor.edits)


def update_text(text: str, new: Any) -> tuple[str, bool]:
    """The text of ``new``: a minimal edit of ``text`` if it checks, else a fresh render.

    Returns ``(text, preserved)``; ``preserved`` is False when the file had
    to be rewritten whole (its comments, if any, are then lost).
    """
    try:
        candidate = edit(text, new)
        if loads(candidate) == new:
            return candidate, True
    except JsonSyntaxError:
        pass
    trailing = "\n" if text.endswith("\n") or not text else ""
    return render(new, unit=_indent_unit(text)) + trailing, False
