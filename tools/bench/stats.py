"""Aggregation of repeated runs: medians per metric (and the spread, for the JSON report)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence

from tools.bench.measure import Measurement

KIB_PER_MB = 1024.0
"""Reports use MB = MiB (1024 KiB), as git-ai's repro script does."""


def median(values: Iterable[float]) -> float | None:
    """The median of ``values``, or None when there are none (the middle value for odd counts,
    the mean of the two middle values for even counts)."""
    data = list(values)
    return statistics.median(data) if data else None


def per_run_metrics(m: Measurement) -> dict[str, float]:
    """Flatten one measurement into named numbers: ``wall_s``, ``rss_mb`` and the rest."""
    out: dict[str, float] = {"wall_s": m.wall_s}
    if m.peak_kb is not None:
        out["rss_mb"] = m.peak_kb / KIB_PER_MB
    if m.inner_s is not None:
        out["inner_s"] = m.inner_s
    if m.time_kb is not None:
        out["time_rss_mb"] = m.time_kb / KIB_PER_MB
    if m.rss_anon_kb is not None:
        out["rss_anon_mb"] = m.rss_anon_kb / KIB_PER_MB
    if m.rss_file_kb is not None:
        out["rss_file_mb"] = m.rss_file_kb / KIB_PER_MB
    for key, value in m.metrics.items():
        out.setdefault(key, float(value))
    return out


def medians(runs: Sequence[Measurement]) -> dict[str, float]:
    """Median of every metric over ``runs`` (a metric missing from some runs uses the rest)."""
    table: dict[str, list[float]] = {}
    for m in runs:
        for key, value in per_run_metrics(m).items():
            table.setdefault(key, []).append(value)
    return {key: med for key, values in table.items() if (med := median(values)) is not None}


def spread(runs: Sequence[Measurement], metric: str) -> tuple[float, float] | None:
    """(min, max) of ``metric`` over ``runs``."""
    values = [v for m in runs if (v := per_run_metrics(m).get(metric)) is not None]
    return (min(values), max(values)) if values else None


def ratio(ours: Mapping[str, float], theirs: Mapping[str, float], metric: str) -> float | None:
    """ours/theirs for ``metric``, or None when either side lacks it (or theirs is 0)."""
    a, b = ours.get(metric), theirs.get(metric)
    if a is None or b is None or b == 0:
        return None
    return a / b


def paired(
    ours: Sequence[Measurement], theirs: Sequence[Measurement], metric: str, op: str
) -> tuple[float, int] | None:
    """(median over run pairs, number of pairs) of ``ours/theirs`` (``op`` ``ratio``) or
    ``ours - theirs`` (``delta``) for ``metric``.

    Pair i is run i of each side, which an interleaved case measured back to back; a pair
    where either run failed or lacks the metric is skipped. None when no pair is left.
    """
    values: list[float] = []
    for a, b in zip(ours, theirs, strict=False):
        if not (a.ok and b.ok):
            continue
        x, y = per_run_metrics(a).get(metric), per_run_metrics(b).get(metric)
        if x is None or y is None or (op == "ratio" and y == 0):
            continue
        values.append(x / y if op == "ratio" else x - y)
    med = median(values)
    return None if med is None else (med, len(values))
