"""Scenario plugins for the runner tests (not registered in tools.bench.scenarios)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from tools.bench.scenario import BenchEnv, Command, Context, Metrics, Scenario


def _setup(env: BenchEnv) -> Context:
    if env.param("setup_fails", False):
        raise RuntimeError("no input for you")
    return {"value": env.param("value", 1.0)}


def _boom(context: Context) -> Metrics:
    raise ValueError("boom in run")


def _metric(context: Context) -> Metrics:
    return {"append_p50_ms": float(context["value"])}


def _ordered(tag: str, value: float) -> Callable[[Context], Metrics]:
    def run(context: Context) -> Metrics:
        with open(context["order_log"], "a") as log:  # which run came when
            log.write(tag + "\n")
        return {"v": value}

    return run


def _setup_ordered(env: BenchEnv) -> Context:
    return {"order_log": str(env.param("order_log", ""))}


def _says(context: Context) -> Command:
    code = f"print('took {context['value']} ms')"
    return Command(argv=(sys.executable, "-c", code), cwd=".")


def _took(context: Context, output: str) -> Metrics:
    return {"took_ms": float(output.split()[1])}  # "took 12.5 ms"; anything else raises


SCENARIOS = (
    Scenario(name="test-boom", summary="run raises", setup=_setup, run=_boom),
    Scenario(name="test-metric", summary="reports a metric", setup=_setup, run=_metric),
    Scenario(
        name="test-says",
        summary="a command reporting its own figure",
        setup=_setup,
        command=_says,
        output_metrics=_took,
    ),
    Scenario(name="test-a", summary="logs 'a', v = 3", setup=_setup_ordered, run=_ordered("a", 3)),
    Scenario(name="test-b", summary="logs 'b', v = 2", setup=_setup_ordered, run=_ordered("b", 2)),
)
