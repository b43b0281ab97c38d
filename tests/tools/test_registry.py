"""Scenario plugins are discovered, and the measured child stays lean."""

from __future__ import annotations

import subprocess
import sys

from tools.bench.measure import PROJECT_ROOT, python_env
from tools.bench.registry import discover

HEAVY = ("lsm", "orjson", "matplotlib", "sqlite3", "numpy", "lmdb")


def test_discovery_finds_every_plugin() -> None:
    found = discover()
    assert {
        "noop",
        "python-startup",
        "alloc",
        "gitai-legacy-append",
        "gitai-legacy-claude",
        "ckptlog-checkpoint",
        "ckptlog-claude",
        "ckptlog-legacy-checkpoint",
        "ckptlog-legacy-claude",
    } <= set(found)
    assert found["gitai-legacy-append"].module == "tools.bench.scenarios.gitai_legacy"


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env=python_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_driver_imports_no_heavy_module() -> None:
    loaded = _modules_after("import tools.bench.cli, tools.bench.registry as r; r.discover()")
    assert not [m for m in HEAVY if m in loaded]


def test_measured_child_floor_is_builtins_only() -> None:
    loaded = _modules_after(
        "import tools.bench.child as c; c.load('tools.bench.scenarios.calibration', 'noop')"
    )
    for costly in ("json", "typing", "dataclasses", "pathlib", "re", *HEAVY):
        assert costly not in loaded, costly
