"""The process a scenario runs in: ``python -m tools.bench.child MODE MODULE NAME IN OUT``.

``setup``: read a :class:`~tools.bench.scenario.BenchEnv` (JSON) from IN, call the scenario's
``setup``, and write the context to OUT (JSON, for the driver and for people) and to
``OUT.marshal`` (for the measured child). Not measured.

``run``: read the context from IN (``marshal``), call the scenario's ``run``, and write to OUT
(``marshal``) the scenario's metrics, the inner wall time of ``run`` and this process's own peak
RSS, read when ``run`` has returned. Everything imported here is counted in every measurement,
so this path imports only builtins and the scenario's module: no json (it pulls in ``re``), no
pathlib, no dataclasses. The floor it leaves is what the ``noop`` scenario measures.
"""

from __future__ import annotations

import importlib
import marshal
import sys
import time

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a measured child ~5 ms
if TYPE_CHECKING:
    from tools.bench.scenario import Scenario

USAGE = "usage: python -m tools.bench.child setup|run MODULE NAME IN OUT"


def load(module: str, name: str) -> Scenario:
    """Import one plugin module and return its scenario ``name``."""
    for scenario in getattr(importlib.import_module(module), "SCENARIOS", ()):
        if scenario.name == name:
            return scenario  # type: ignore[no-any-return]
    raise LookupError(f"{module} defines no scenario {name!r}")


def _setup(scenario: Scenario, infile: str, outfile: str) -> int:
    import json

    from tools.bench.scenario import BenchEnv

    with open(infile, encoding="utf-8") as f:
        env = BenchEnv.from_json(f.read())
    context = scenario.setup(env)
    with open(outfile + ".marshal", "wb") as f:
        marshal.dump(context, f)
    with open(outfile, "w", encoding="utf-8") as f:
        json.dump(context, f, indent=1)
    return 0


def _run(scenario: Scenario, infile: str, outfile: str) -> int:
    from tools.bench.procstatus import read_self

    if scenario.run is None:
        print(f"scenario {scenario.name} has no run(): it is a command scenario", file=sys.stderr)
        return 2
    with open(infile, "rb") as f:
        context = marshal.load(f)
    start = time.perf_counter()
    metrics = {k: float(v) for k, v in scenario.run(context).items()}
    inner_s = time.perf_counter() - start
    result: dict[str, object] = dict(read_self())
    result["inner_s"] = inner_s
    result["metrics"] = metrics
    with open(outfile, "wb") as f:
        marshal.dump(result, f)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 5 or argv[0] not in ("setup", "run"):
        print(USAGE, file=sys.stderr)
        return 2
    mode, module, name, infile, outfile = argv
    try:
        scenario = load(module, name)
        if mode == "setup":
            return _setup(scenario, infile, outfile)
        return _run(scenario, infile, outfile)
    except Exception as exc:
        import traceback

        traceback.print_exc()
        # The last line is what the driver quotes: make it the error itself.
        print(f"{mode} error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
