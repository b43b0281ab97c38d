"""Scenario plugins for the runner tests (not registered in tools.bench.scenarios)."""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Context, Metrics, Scenario


def _setup(env: BenchEnv) -> Context:
    if env.param("setup_fails", False):
        raise RuntimeError("no input for you")
    return {"value": env.param("value", 1.0)}


def _boom(context: Context) -> Metrics:
    raise ValueError("boom in run")


def _metric(context: Context) -> Metrics:
    return {"append_p50_ms": float(context["value"])}


SCENARIOS = (
    Scenario(name="test-boom", summary="run raises", setup=_setup, run=_boom),
    Scenario(name="test-metric", summary="reports a metric", setup=_setup, run=_metric),
)
