"""Calibration scenarios: the floor under every other figure, and a check of the RSS method.

* ``noop``: a measured child that does nothing: interpreter start-up plus the harness's child
  wrapper. Every Python scenario's wall time and RSS include this floor.
* ``python-startup``: ``python -c pass`` as an external command under ``/usr/bin/time``.
* ``ckptlog-python-startup``: the same with the interpreter that runs the installed ``ckptlog``
  (its ``#!`` line): the floor the hook rows are held to as a ratio (the CI gates).
* ``alloc``: a measured child that allocates and touches ``mb`` MiB (default 50). Its reported
  peak must be about ``mb`` plus the ``noop`` floor, whatever the parent holds; the tests use it.
"""

from __future__ import annotations

import os
import sys

from tools.bench.scenario import BenchEnv, Command, Context, Metrics, Scenario

_MIB = 1 << 20


def _no_setup(env: BenchEnv) -> Context:
    return {"params": dict(env.params)}


def _noop(context: Context) -> Metrics:
    return {}


def _startup_command(context: Context) -> Command:
    return Command(argv=(sys.executable, "-c", "pass"), cwd=".")


def ckptlog_python(ckptlog: str) -> str | None:
    """The interpreter a console script runs: its ``#!`` line's program, or None."""
    try:
        with open(ckptlog, "rb") as f:
            first = f.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    words = first[2:].split()
    return words[0].decode() if len(words) == 1 and os.path.isfile(words[0]) else None


def _ckptlog_python_available(env: BenchEnv) -> str | None:
    if env.ckptlog is None:
        return env.ckptlog_problem or "ckptlog is not installed"
    if ckptlog_python(env.ckptlog) is None:
        return f"{env.ckptlog} names no interpreter on its #! line"
    return None


def _ckptlog_python_setup(env: BenchEnv) -> Context:
    assert env.ckptlog is not None  # available() said so
    return {"params": dict(env.params), "python": ckptlog_python(env.ckptlog)}


def _ckptlog_startup_command(context: Context) -> Command:
    return Command(argv=(str(context["python"]), "-c", "pass"), cwd=".")


def _alloc(context: Context) -> Metrics:
    mb = int(context["params"].get("mb", 50))
    block = b"\x01" * (mb * _MIB)  # bytes(n) could be lazily zero-mapped; this touches every page
    touched = len(block) // _MIB
    del block
    return {"allocated_mb": float(touched)}


SCENARIOS = (
    Scenario(
        name="noop",
        summary="measured child doing nothing: the floor of every Python scenario",
        setup=_no_setup,
        run=_noop,
        fresh_per_run=False,
    ),
    Scenario(
        name="python-startup",
        summary="`python -c pass` under /usr/bin/time",
        setup=_no_setup,
        command=_startup_command,
        fresh_per_run=False,
    ),
    Scenario(
        name="ckptlog-python-startup",
        summary="`python -c pass` with the interpreter of the installed ckptlog",
        setup=_ckptlog_python_setup,
        command=_ckptlog_startup_command,
        available=_ckptlog_python_available,
        fresh_per_run=False,
    ),
    Scenario(
        name="alloc",
        summary="measured child allocating `mb` MiB (default 50): checks the RSS method",
        setup=_no_setup,
        run=_alloc,
        fresh_per_run=False,
    ),
)
