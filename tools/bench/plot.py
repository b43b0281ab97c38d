"""The scaling plot: append wall time and peak RSS against history size, one line per
implementation. matplotlib (Agg) is imported here only, after all measurements are done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

Series = Mapping[str, Sequence[tuple[int, float, float]]]
"""implementation -> [(history size, wall s, peak RSS MB)], sorted by size."""


def scaling_plot(series: Series, out: Path, title: str) -> None:
    """Write a two-panel log-log PNG to ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_wall, ax_rss) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for impl, points in sorted(series.items()):
        xs = [p[0] for p in points]
        ax_wall.plot(xs, [p[1] for p in points], marker="o", label=impl)
        ax_rss.plot(xs, [p[2] for p in points], marker="o", label=impl)
    for ax, ylabel in ((ax_wall, "append wall time, s (median)"), (ax_rss, "peak RSS, MB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("history size (checkpoints)")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
    ax_rss.legend(fontsize="small")
    fig.suptitle(title, fontsize="medium")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
