"""``python -m tools.bench.ab``: two builds on one case, alternately."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tools.bench import ab
from tools.bench.measure import Measurement
from tools.bench.runner import OK, ImplResult

CKPTLOG = str(Path(sys.executable).with_name("ckptlog"))


def _result(*walls: float) -> ImplResult:
    runs = [
        Measurement(
            wall_s=w, peak_kb=10240, rss_source="time", returncode=0, metrics={"inner_ms": w}
        )
        for w in walls
    ]
    return ImplResult(case="c", impl="i", role="ours", status=OK, runs=runs)


def test_the_report_pairs_round_k_of_a_with_round_k_of_b() -> None:
    a, b = _result(1.0, 2.0, 4.0), _result(0.5, 1.0, 1.0)
    header, wall, rss, inner = ab.report(a, b)
    assert header.split() == ["metric", "A", "(median)", "B", "(median)", "B/A", "B", "-", "A"]
    assert wall.split() == ["wall_s", "2.000", "s", "1.000", "s", "0.500x", "-1.000", "s"]
    assert rss.split()[:5] == ["rss_mb", "10.0", "MB", "10.0", "MB"]
    assert inner.split()[0] == "inner_ms"


def test_two_builds_alternate_on_one_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    budgets = tmp_path / "b.toml"
    budgets.write_text('schema = 1\n[case.floor]\nparams = { input = "none" }\nours = ["noop"]\n')
    argv = ["--case", "floor", "--a", CKPTLOG, "--b", CKPTLOG, "--runs", "2", "-q"]
    argv += ["--config", str(budgets), "--work-dir", str(tmp_path / "w")]
    argv += ["--cache-dir", str(tmp_path / "c")]
    assert ab.main(argv) == 0
    out = capsys.readouterr().out
    assert "case floor, noop" in out and "2 rounds (ABBA)" in out
    assert any(line.startswith("wall_s ") for line in out.splitlines())
    assert ab.main([*argv[:1], "nope", *argv[2:]]) == 2
