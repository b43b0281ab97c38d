"""Who wrote a staged line the work tree no longer has: the staged text rule.

A line can be committed with a text that the work tree (and so the last
checkpoint) no longer holds: it was staged, then rewritten before the
commit. git-ai credits such a line with the attribution of the line that
replaced it (its overlap rule, docs/commit.md), which is wrong both ways:
the AI's rewrite of a line a known human staged is attested to the AI, and
an AI line staged before the AI rewrote it again loses its rewrite at the
next commit. The working log knows better: an earlier checkpoint of the file
saw the staged text, with its author.

:func:`authors_by_text` looks each such line up in the file's earlier
states, newest first, by its exact text (terminator and a trailing ``\\r``
aside). The newest state holding the text decides: the attribution of its
occurrence nearest to the committed line number, or no author when that
occurrence has none (a human line). Blank lines are not looked up (a blank
line is in nearly every state, so its text says nothing); a text no state
holds gets no author. At most :data:`MAX_STATES` states are read, so a
commit's cost stays bounded however long the history.

Pure computation over the states the caller supplies; nothing here fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from lsm.checkpoint.textutil import rust_trim
from lsm.commit.lines import rust_lines
from lsm.model import LineAttribution

__all__ = ["MAX_STATES", "EarlierState", "authors_by_text"]

#: How many earlier states of one file are read, at most, per commit. A
#: staged line is usually a few checkpoints old; past this the line gets no
#: author (what git-ai's note would give it is no better).
MAX_STATES: Final = 64

#: One earlier state of a file: its text and its line attributions.
EarlierState = tuple[str, Sequence[LineAttribution]]


def authors_by_text(
    wanted: Mapping[int, str], states: Iterable[EarlierState]
) -> dict[int, str | None]:
    """Commit line -> author for the lines of ``wanted`` (line -> text) an earlier state holds.

    ``None``: the newest state holding the text has no attribution there.
    Lines absent from the result were not found (or are blank).
    """
    todo = {n: t for n, t in wanted.items() if rust_trim(t)}
    found: dict[int, str | None] = {}
    for k, (content, attrs) in enumerate(states):
        if not todo or k >= MAX_STATES:
            break
        texts = set(todo.values())
        where: dict[str, list[int]] = {}
        for i, text in enumerate(rust_lines(content), 1):
            if text in texts:
                where.setdefault(text, []).append(i)
        for n, text in list(todo.items()):
            at = where.get(text)
            if at is None:
                continue
            line = min(at, key=lambda i: abs(i - n))
            found[n] = _author_at(attrs, line)
            del todo[n]
    return found


def _author_at(attrs: Sequence[LineAttribution], line: int) -> str | None:
    for la in attrs:
        if la.start_line <= line <= la.end_line:
            return la.author_id
    return None
