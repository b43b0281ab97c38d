"""The markdown report keeps hand-written text and regenerates its own sections; the plot."""

from __future__ import annotations

from pathlib import Path

from tools.bench import docs
from tools.bench.config import Case, Limits
from tools.bench.measure import Measurement
from tools.bench.runner import ImplResult


def _case(name: str, n: int) -> Case:
    return Case(
        name,
        "",
        {"input": "history", "checkpoints": n},
        ("ours-x",),
        ("peer-y",),
        Limits(),
        Limits(),
        Limits(),
        None,
        n,
    )


def _result(case: str, impl: str, wall: float, kb: int) -> ImplResult:
    m = Measurement(wall_s=wall, peak_kb=kb, rss_source="VmHWM", returncode=0)
    return ImplResult(case, impl, "ours" if impl == "ours-x" else "peer", "ok", runs=[m])


def test_sections_are_replaced_in_place(tmp_path: Path) -> None:
    md = tmp_path / "benchmarks.md"
    docs.write(md, "quick", "first body")
    md.write_text(md.read_text() + "\nHand-written notes.\n")
    docs.write(md, "all", "all body")
    docs.write(md, "quick", "second body")
    text = md.read_text()
    assert text.startswith("# Benchmarks")
    assert "first body" not in text and text.count("second body") == 1
    assert "Hand-written notes." in text and "all body" in text
    assert text.index("second body") < text.index("Hand-written notes.") < text.index("all body")


def test_scaling_table_and_plot(tmp_path: Path) -> None:
    cases = [_case("s1", 1000), _case("s2", 10000)]
    results = [
        _result("s1", "ours-x", 0.05, 20 * 1024),
        _result("s1", "peer-y", 0.10, 40 * 1024),
        _result("s2", "ours-x", 0.05, 20 * 1024),
        _result("s2", "peer-y", 1.00, 400 * 1024),
    ]
    series = docs.scaling_series(cases, results)
    assert series["peer-y"] == [(1000, 0.10, 40.0), (10000, 1.0, 400.0)]
    table = docs.scaling_table(cases, results)
    assert "| 10,000 | peer-y | 1.000 s | 400.0 MB | 0.05x | 0.05x |" in table

    from tools.bench.plot import scaling_plot

    png = tmp_path / "plot.png"
    scaling_plot(series, png, "test")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
