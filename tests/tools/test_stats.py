"""Medians of repeated runs."""

from __future__ import annotations

from tools.bench import stats
from tools.bench.measure import Measurement


def _m(wall: float, kb: int | None, **metrics: float) -> Measurement:
    return Measurement(wall_s=wall, peak_kb=kb, rss_source="VmHWM", returncode=0, metrics=metrics)


def test_median_odd_even_empty() -> None:
    assert stats.median([5.0, 1.0, 3.0, 100.0, 2.0]) == 3.0
    assert stats.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert stats.median([]) is None


def test_medians_per_metric_resist_outliers() -> None:
    runs = [
        _m(1.0, 1024, read_s=0.5),
        _m(9.0, 2048, read_s=0.4),  # an outlier run
        _m(1.2, 1024, read_s=0.6),
        _m(1.1, 1024),
        _m(0.9, 3072, read_s=0.5),
    ]
    med = stats.medians(runs)
    assert med["wall_s"] == 1.1
    assert med["rss_mb"] == 1.0
    assert med["read_s"] == 0.5  # four runs reported it
    assert stats.spread(runs, "wall_s") == (0.9, 9.0)


def test_ratio() -> None:
    assert stats.ratio({"wall_s": 1.0}, {"wall_s": 4.0}, "wall_s") == 0.25
    assert stats.ratio({"wall_s": 1.0}, {}, "wall_s") is None
    assert stats.ratio({"wall_s": 1.0}, {"wall_s": 0.0}, "wall_s") is None


def test_paired_figures_pair_run_i_with_run_i_and_skip_broken_pairs() -> None:
    ours = [_m(1.0, 2048), _m(4.0, 2048), _m(1.2, 1024)]
    theirs = [_m(0.5, 1024), _m(2.0, 1024), _m(0.6, None)]
    assert stats.paired(ours, theirs, "wall_s", "ratio") == (2.0, 3)
    assert stats.paired(ours, theirs, "wall_s", "delta") == (0.6, 3)
    assert stats.paired(ours, theirs, "rss_mb", "ratio") == (2.0, 2)  # the third lacks RSS
    failed = Measurement(wall_s=0.1, peak_kb=1, rss_source="time", returncode=1, error="exit 1")
    assert stats.paired([failed], [_m(1.0, 1)], "wall_s", "ratio") is None
