"""Discovery of scenario plugins: every module in :mod:`tools.bench.scenarios`.

A module joins by exporting ``SCENARIOS: tuple[Scenario, ...]``. Modules whose name starts with
``_`` are skipped (shared helpers). The measured child imports only the one module it needs
(:func:`tools.bench.child.load`), never the whole package.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from tools.bench.scenario import Scenario

SCENARIO_PACKAGE = "tools.bench.scenarios"


@dataclass(frozen=True)
class Registered:
    """A scenario and the module that defines it (what the child process imports)."""

    module: str
    scenario: Scenario


def discover(package: str = SCENARIO_PACKAGE) -> dict[str, Registered]:
    """Import every plugin module of ``package``; map scenario name to its registration."""
    pkg = importlib.import_module(package)
    found: dict[str, Registered] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = f"{package}.{info.name}"
        for scenario in getattr(importlib.import_module(module), "SCENARIOS", ()):
            if scenario.name in found:
                other = found[scenario.name].module
                raise ValueError(f"scenario {scenario.name!r} defined in {other} and {module}")
            found[scenario.name] = Registered(module, scenario)
    return found
