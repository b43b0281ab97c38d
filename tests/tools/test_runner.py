"""The runner with plugin scenarios: errors become failed rows, any metric can be budgeted."""

from __future__ import annotations

from pathlib import Path

from tools.bench.config import Case, Config, Limits
from tools.bench.registry import Registered
from tools.bench.runner import FAILED, OK, Runner, RunOptions
from tools.bench.scenario import Scalar
from tools.bench.verdict import evaluate

from . import plugin_fixtures

MODULE = "tests.tools.plugin_fixtures"
REGISTRY = {s.name: Registered(MODULE, s) for s in plugin_fixtures.SCENARIOS}


def _case(name: str, impl: str, params: dict[str, Scalar], budget: dict[str, float]) -> Case:
    return Case(name, "", params, (impl,), (), Limits(budget), Limits(), Limits(), None, None)


def _runner(tmp_path: Path, cases: list[Case]) -> Runner:
    config = Config(tmp_path / "b.toml", 3, 60.0, {}, {c.name: c for c in cases}, {})
    options = RunOptions(work_dir=tmp_path / "w", cache_dir=tmp_path / "c", runs=3)
    return Runner(config, options, registry=REGISTRY)


def test_errors_in_setup_or_run_are_failed_rows(tmp_path: Path) -> None:
    cases = [
        _case("a", "test-boom", {}, {}),
        _case("b", "test-metric", {"setup_fails": True}, {}),
    ]
    results = _runner(tmp_path, cases).run_cases(cases)
    assert [r.status for r in results] == [FAILED, FAILED]
    assert results[0].reason == "exit 1: run error: ValueError: boom in run"
    assert results[1].reason == "setup failed: exit 1: setup error: RuntimeError: no input for you"
    assert len(results[0].runs) == 1  # stops at the first failed run
    assert results[0].logs is not None and Path(results[0].logs, "measure", "child.log").exists()
    verdict = evaluate(cases, results)
    assert len(verdict.failures) == 2 and verdict.failed(require_all=False)


def test_a_scenario_metric_can_carry_a_budget(tmp_path: Path) -> None:
    cases = [
        _case("ok", "test-metric", {"value": 70.0}, {"append_p50_ms": 80.0}),
        _case("over", "test-metric", {"value": 95.0}, {"append_p50_ms": 80.0}),
    ]
    results = _runner(tmp_path, cases).run_cases(cases)
    assert [r.status for r in results] == [OK, OK]
    assert results[0].medians["append_p50_ms"] == 70.0 and len(results[0].runs) == 3
    (breach,) = evaluate(cases, results).breaches
    assert breach.message() == ("over: test-metric append_p50_ms 95 > budget 80 (over by 15, +19%)")
    assert not (tmp_path / "w" / "ok").exists()  # run directories are cleaned up


def _interleaved(name: str, order_log: Path, *, interleave: bool, paired: dict[str, float]) -> Case:
    return Case(
        name,
        "",
        {"order_log": str(order_log)},
        ("test-a",),
        ("test-b",),
        Limits(),
        Limits(),
        Limits(),
        None,
        None,
        interleave=interleave,
        paired=Limits(paired),
    )


def test_an_interleaved_case_alternates_runs_and_gates_on_paired_figures(tmp_path: Path) -> None:
    order = tmp_path / "order.log"
    cases = [_interleaved("alt", order, interleave=True, paired={"v_ratio": 1.4})]
    results = _runner(tmp_path, cases).run_cases(cases)
    assert order.read_text().split() == ["a", "b", "a", "b", "a", "b"]
    assert [r.status for r in results] == [OK, OK]
    (breach,) = evaluate(cases, results).breaches
    assert breach.message() == (
        "alt: test-a vs test-b v_ratio 1.50x > budget 1.40x (over by 0.10x, +7%)"
    )
    ok = [_interleaved("alt", order, interleave=True, paired={"v_ratio": 1.5, "v_delta": 1.0})]
    assert not evaluate(ok, results).failed(require_all=True)


def test_a_plain_case_runs_one_implementation_after_the_other(tmp_path: Path) -> None:
    order = tmp_path / "order.log"
    cases = [_interleaved("seq", order, interleave=False, paired={})]
    _runner(tmp_path, cases).run_cases(cases)
    assert order.read_text().split() == ["a", "a", "a", "b", "b", "b"]


def test_a_command_reports_its_own_figures(tmp_path: Path) -> None:
    cases = [_case("says", "test-says", {"value": 12.5}, {"took_ms": 10.0})]
    (result,) = _runner(tmp_path, cases).run_cases(cases)
    assert result.status == OK and result.medians["took_ms"] == 12.5
    (breach,) = evaluate(cases, [result]).breaches
    assert breach.metric == "took_ms"
    silent = [_case("silent", "test-says", {"value": ""}, {})]  # prints "took  ms"
    (result,) = _runner(tmp_path, silent).run_cases(silent)
    assert result.status == FAILED
    assert result.reason.startswith("output_metrics() raised ")
