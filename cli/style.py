"""Terminal conventions of the read commands: colours, widths, a progress bar.

Colours only on a terminal, never in a pipe, and never when ``NO_COLOR``
is set (no-color.org) or ``TERM=dumb``; ``CKPTLOG_COLOR=always`` forces
them (for snapshots). The progress bar goes to stderr, only when stderr is
a terminal, so pipes and ``--json`` stay clean.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

import click

__all__ = ["Progress", "Styler", "shorten"]

#: A colour per author kind.
KIND_COLORS = {"ai": "magenta", "known_human": "green", "untracked": None, "uncommitted": "yellow"}


class Styler:
    """``paint(text, colour)`` when colours are on, the text unchanged otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        stream = sys.stdout if stream is None else stream
        forced = os.environ.get("CKPTLOG_COLOR", "")
        if forced == "always":
            self.on = True
        elif forced == "never" or "NO_COLOR" in os.environ:
            self.on = False
        else:
            self.on = stream.isatty() and os.environ.get("TERM") != "dumb"

    def paint(
        self, text: str, fg: str | None = None, *, bold: bool = False, dim: bool = False
    ) -> str:
        if not self.on or (fg is None and not bold and not dim):
            return text
        return click.style(text, fg=fg, bold=bold, dim=dim)

    def kind(self, text: str, kind: str) -> str:
        return self.paint(text, KIND_COLORS.get(kind))


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class Progress:
    """``[#####.....] 12/100 commits`` on stderr, redrawn in place; silent off a terminal."""

    def __init__(self, what: str, *, minimum: int = 20) -> None:
        self.what = what
        self.minimum = minimum
        self.on = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total < self.minimum:
            return
        width = 30
        fill = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} {self.what}")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
