"""Editing a TOML settings file (Codex's ``config.toml``) and keeping the rest of it.

Python reads TOML (:mod:`tomllib`) but cannot write it back with its
comments. An installer owns a few top-level tables of the file (Codex:
``hooks``) and a few keys of others (``features.hooks``); this module
rewrites exactly those and leaves every other line as it was:

* the file is cut into sections at its table headers (``[a.b]``,
  ``[[a.b]]``); the root section is what precedes the first header;
* :func:`update_text` drops the sections of the owned tables, sets or
  removes the owned keys inside their section's lines, and appends the
  owned tables rendered afresh (:func:`render`) at the end;
* the result is parsed and compared with the wanted document; if it does
  not hold (an owned table was written inline, a multi-line string looks
  like a header, ...), the whole file is rendered instead, and the caller
  is told that its comments were lost.

Pure functions; :class:`tomllib.TOMLDecodeError` is the only failure
(from parsing the input).
"""

from __future__ import annotations

import datetime
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["loads", "render", "update_text"]

_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
_HEADER = re.compile(r"\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(#.*)?\Z")


def loads(text: str) -> dict[str, Any]:
    """The document (``{}`` for an empty text). :raises tomllib.TOMLDecodeError: bad TOML."""
    return tomllib.loads(text)


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k, ensure_ascii=False)


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, datetime.datetime | datetime.date | datetime.time):
        return v.isoformat()
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(x)}" for k, x in v.items()) + " }"
    if isinstance(v, Sequence):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _table(path: list[str], table: Mapping[str, Any], out: list[str], header: str | None) -> None:
    scalars = [
        (k, v) for k, v in table.items() if not isinstance(v, dict) and not _is_table_array(v)
    ]
    if header is not None and (scalars or not table):
        out.append(header)
    for k, v in scalars:
        out.append(f"{_key(k)} = {_scalar(v)}")
    for k, v in table.items():
        sub = [*path, _key(k)]
        if isinstance(v, dict):
            if out and out[-1] != "":
                out.append("")
            _table(sub, v, out, "[" + ".".join(sub) + "]")
        elif _is_table_array(v):
            for item in v:
                if out and out[-1] != "":
                    out.append("")
                out.append("[[" + ".".join(sub) + "]]")
                _table(sub, item, out, None)


def render(doc: Mapping[str, Any], *, only: Sequence[str] | None = None) -> str:
    """``doc`` as TOML text; with ``only``, just those top-level tables."""
    out: list[str] = []
    if only is None:
        _table([], doc, out, None)
    else:
        for name in only:
            if name in doc:
                _table([], {name: doc[name]}, out, None)
    while out and out[0] == "":
        out.pop(0)
    return "\n".join(out) + "\n" if out else ""


def _split_key(text: str) -> list[str] | None:
    """``a."b.c".d`` -> ``["a", "b.c", "d"]`` (None if it does not parse as a key)."""
    try:
        doc = tomllib.loads(f"[{text}]")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    node: Any = doc
    while isinstance(node, dict) and len(node) == 1:
        ((k, node),) = node.items()
        parts.append(k)
    return parts


class _Section:
    __slots__ = ("lines", "path")

    def __init__(self, path: list[str] | None, lines: list[str]) -> None:
        self.path = path  # None: the root section
        self.lines = lines


def _sections(text: str) -> list[_Section]:
    sections = [_Section(None, [])]
    for line in text.splitlines(keepends=True):
        m = _HEADER.match(line.rstrip("\r\n"))
        path = _split_key(m.group(2)) if m and len(m.group(1)) == len(m.group(3)) else None
        if m and path:
            sections.append(_Section(path, [line]))
        else:
            sections[-1].lines.append(line)
    return sections


def _set_keys(section: _Section, keys: Mapping[str, Any]) -> None:
    """Set (or with value None, remove) plain keys among a section's lines."""
    todo = dict(keys)
    lines: list[str] = []
    for line in section.lines:
        m = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if m and m.group(1) in todo:
            value = todo.pop(m.group(1))
            if value is not None:
                lines.append(f"{m.group(1)} = {_scalar(value)}\n")
            continue
        lines.append(line)
    extra = [f"{k} = {_scalar(v)}\n" for k, v in todo.items() if v is not None]
    if extra:
        at = 1 if section.path is not None else 0
        lines[at:at] = extra
    section.lines = lines


def _has_keys(section: _Section) -> bool:
    return any(re.match(r"\s*[^#\s\[]", line) for line in section.lines[1 if section.path else 0 :])


def update_text(
    text: str,
    new: Mapping[str, Any],
    *,
    owned_tables: Sequence[str],
    owned_keys: Mapping[str, Sequence[str]],
) -> tuple[str, bool]:
    """The text of ``new``, keeping every line of ``text`` outside what the caller owns.

    :param owned_tables: top-level tables rewritten whole (``["hooks"]``).
    :param owned_keys: table -> keys set or removed in place (``{"features": ["hooks"]}``).
    Returns ``(text, preserved)``; ``preserved`` is False when the whole file
    had to be rendered afresh (its comments lost).
    """
    sections = _sections(text)
    kept: list[_Section] = []
    for s in sections:
        if s.path is not None and s.path[0] in owned_tables:
            continue
        kept.append(s)
    for table, keys in owned_keys.items():
        wanted_table = new.get(table)
        values = {
            k: (wanted_table.get(k) if isinstance(wanted_table, dict) else None) for k in keys
        }
        section = next((s for s in kept if s.path == [table]), None)
        if section is None:
            if any(v is not None for v in values.values()):
                section = _Section([table], [f"[{_key(table)}]\n"])
                kept.append(section)
            else:
                continue
        _set_keys(section, values)
        if not _has_keys(section) and not (isinstance(wanted_table, dict) and wanted_table):
            kept.remove(section)
    body = "".join("".join(s.lines) for s in kept)
    tail = render(new, only=owned_tables)
    if tail:
        if body and not body.endswith("\n"):
            body += "\n"
        body = body.rstrip("\n") + "\n\n" if body.strip() else ""
        body += tail
    elif body.strip():
        body = body.rstrip("\n") + "\n"
    try:
        if tomllib.loads(body) == new:
            return body, True
    except tomllib.TOMLDecodeError:
        pass
    return render(new), False
