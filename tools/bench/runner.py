"""Run cases: for every implementation, N fresh setups and measured processes, then medians.

The driver (this process) stays lean: it holds no benchmark data and imports nothing heavy.
Inputs are built in a setup child, measurements happen in fresh children (or under
``/usr/bin/time``), and between setup and measurement the driver calls ``os.sync()`` so the
setup's dirty pages are not flushed while the measured process reads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.bench import measure, stats
from tools.bench.config import Case, Config
from tools.bench.measure import Measurement
from tools.bench.registry import Registered, discover
from tools.bench.scenario import BenchEnv

OK, NA, FAILED = "ok", "n/a", "failed"
PROBE_TIMEOUT_S = 30.0


@dataclass
class ImplResult:
    """One implementation of one case: status, runs and medians."""

    case: str
    impl: str
    role: str
    status: str
    reason: str = ""
    runs: list[Measurement] = field(default_factory=list)
    input_bytes: int | None = None
    logs: str | None = None
    """Where a failed run's logs were kept."""

    @property
    def medians(self) -> dict[str, float]:
        return stats.medians([m for m in self.runs if m.ok]) if self.status == OK else {}

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "impl": self.impl,
            "role": self.role,
            "status": self.status,
            "reason": self.reason,
            "input_bytes": self.input_bytes,
            "logs": self.logs,
            "medians": self.medians,
            "runs": [m.to_json() for m in self.runs],
        }


@dataclass(frozen=True)
class RunOptions:
    """How to run: paths, overrides and the installed ckptlog."""

    work_dir: Path
    cache_dir: Path
    ckptlog: str | None = None
    runs: int | None = None
    timeout_s: float | None = None
    keep: bool = False
    progress: Callable[[str], None] = lambda _msg: None


def probe_ckptlog(path: str | None) -> tuple[str | None, str | None]:
    """(usable path, None) if ``ckptlog --version`` succeeds, else (None, why not)."""
    beside_python = Path(sys.executable).with_name("ckptlog")
    candidate = path or shutil.which("ckptlog")
    if candidate is None and beside_python.exists():
        candidate = str(beside_python)
    if candidate is None:
        return None, "ckptlog is not on PATH nor beside this Python (pass --ckptlog PATH)"
    try:
        done = subprocess.run(
            [candidate, "--version"],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"ckptlog at {candidate} did not run: {exc}"
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        return None, f"`{candidate} --version` exited {done.returncode}: {last[0]}"
    return candidate, None


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _input_bytes(context_file: Path) -> int | None:
    try:
        value = json.loads(context_file.read_text()).get("input_bytes")
    except (OSError, ValueError):
        return None
    return int(value) if isinstance(value, int) else None


class Runner:
    """Runs cases of one :class:`Config` with one set of :class:`RunOptions`."""

    def __init__(
        self,
        config: Config,
        options: RunOptions,
        registry: dict[str, Registered] | None = None,
    ) -> None:
        self.config = config
        self.options = options
        self.registry = discover() if registry is None else registry
        self.ckptlog, self.ckptlog_problem = probe_ckptlog(options.ckptlog)

    def run_cases(self, cases: list[Case]) -> list[ImplResult]:
        results: list[ImplResult] = []
        for case in cases:
            if not case.interleave:
                for impl in case.implementations:
                    results.append(self.run_impl(case, impl))
                    self._report(results[-1])
                continue
            runs = [self.start(case, impl) for impl in case.implementations]
            for k in range(1, self.runs_for(case) + 1):  # A1 B1 A2 B2 ...: drifting load
                for run in runs:  # hits every side alike
                    run.step(k)
            for run in runs:
                run.finish()
                results.append(run.result)
                self._report(run.result)
        return results

    def env_for(self, case: Case, workdir: Path) -> BenchEnv:
        """What a scenario of ``case`` sees, with ``workdir`` as its scratch directory."""
        return BenchEnv(
            workdir=workdir.resolve(),
            cache_dir=self.options.cache_dir.resolve(),
            params=case.params,
            ckptlog=self.ckptlog,
            ckptlog_problem=self.ckptlog_problem,
            variants=self.config.variants,
        )

    def runs_for(self, case: Case) -> int:
        return self.options.runs or case.runs or self.config.runs

    def run_impl(self, case: Case, impl: str, role: str | None = None) -> ImplResult:
        """Measure ``impl`` on ``case``: setup and measure ``runs`` times."""
        run = self.start(case, impl, role)
        for k in range(1, self.runs_for(case) + 1):
            run.step(k)
        run.finish()
        return run.result

    def start(self, case: Case, impl: str, role: str | None = None) -> ImplRun:
        """``impl`` of ``case``, ready to be measured run by run (:meth:`ImplRun.step`)."""
        role = role or ("ours" if impl in case.ours else "peer")
        return ImplRun(self, case, impl, role)

    def measure(
        self, registered: Registered, context_file: Path, rundir: Path, timeout: float
    ) -> Measurement:
        """One measured process of ``registered`` on the context a setup wrote."""
        scenario = registered.scenario
        if scenario.run is not None:
            return measure.run_python_scenario(
                registered.module, scenario.name, context_file, rundir=rundir, timeout_s=timeout
            )
        assert scenario.command is not None
        context = json.loads(context_file.read_text())
        try:
            command = scenario.command(context)
        except Exception as exc:
            error = f"command() raised {type(exc).__name__}: {exc}"
            return Measurement(
                wall_s=0.0, peak_kb=None, rss_source="none", returncode=-1, error=error
            )
        m = measure.run_command(command, rundir=rundir, timeout_s=timeout)
        if not m.ok:
            return m
        output = _read_log(rundir / "command.log")
        if scenario.check is not None:
            problem = scenario.check(context, output)
            if problem is not None:
                return dataclasses.replace(m, error=problem)
        if scenario.output_metrics is not None:
            try:
                metrics = dict(scenario.output_metrics(context, output))
            except Exception as exc:  # a plugin bug fails the run, not the whole case list
                error = f"output_metrics() raised {type(exc).__name__}: {exc}"
                return dataclasses.replace(m, error=error)
            m = dataclasses.replace(m, metrics=metrics)
        return m

    def _report(self, result: ImplResult) -> None:
        if result.status == OK:
            med = result.medians
            self.options.progress(
                f"{result.case} / {result.impl}: median wall {med['wall_s']:.3f} s, "
                f"rss {med.get('rss_mb', float('nan')):.1f} MB over {len(result.runs)} runs"
            )
        else:
            self.options.progress(
                f"{result.case} / {result.impl}: {result.status}: {result.reason}"
            )


class ImplRun:
    """One implementation of one case, measured one run at a time (so runs can interleave).

    ``step(k)`` does run k (a fresh setup unless the scenario shares one, then the measured
    process); after a failure or an n/a it does nothing. ``finish()`` cleans the run
    directories up (keeping a failed run's logs).
    """

    def __init__(self, runner: Runner, case: Case, impl: str, role: str) -> None:
        self.runner = runner
        self.case = case
        self.result = ImplResult(case=case.name, impl=impl, role=role, status=OK)
        self.registered = runner.registry.get(impl)
        self.base = runner.options.work_dir.resolve() / case.name / impl
        self.context_file: Path | None = None
        self.runs = runner.runs_for(case)
        self.timeout = runner.options.timeout_s or runner.config.timeout_s
        if self.registered is None:
            self._stop(NA, "no scenario registered under this name")
            return
        try:
            why_not = self.registered.scenario.available(runner.env_for(case, self.base))
        except Exception as exc:  # a plugin bug must cost one row, not the whole run
            why_not = f"available() raised {type(exc).__name__}: {exc}"
        if why_not is not None:
            self._stop(NA, why_not)
            return
        _rmtree(self.base)

    def _stop(self, status: str, reason: str, logs: Path | None = None) -> None:
        self.result.status, self.result.reason = status, reason
        if logs is not None:
            self.result.logs = str(logs)

    def step(self, k: int) -> None:
        result, registered = self.result, self.registered
        if result.status != OK or registered is None:
            return
        scenario, options, impl = registered.scenario, self.runner.options, result.impl
        rundir = self.base / f"run-{k}"
        if self.context_file is None or scenario.fresh_per_run:
            env = self.runner.env_for(self.case, rundir / "work")
            options.progress(f"  {self.case.name} / {impl}: setup {k}/{self.runs}")
            self.context_file, error = measure.run_setup(
                registered.module, scenario.name, env.to_json(), rundir=rundir / "setup"
            )
            if error or self.context_file is None:
                self._stop(FAILED, error or "setup failed", rundir)
                return
            if result.input_bytes is None:
                result.input_bytes = _input_bytes(self.context_file)
            os.sync()
        m = self.runner.measure(registered, self.context_file, rundir / "measure", self.timeout)
        result.runs.append(m)
        options.progress(f"  {self.case.name} / {impl}: run {k}/{self.runs}: {_short(m)}")
        if not m.ok:
            self._stop(FAILED, m.error or "failed", rundir)
            return
        if scenario.fresh_per_run and not options.keep:
            _rmtree(rundir / "work")

    def finish(self) -> None:
        if self.runner.options.keep or self.result.status == NA:
            return
        if self.result.status == OK:
            _rmtree(self.base)
            with contextlib.suppress(OSError):
                self.base.parent.rmdir()  # the case directory, once its last impl is gone
        else:  # keep the logs (setup.log, command.log, ...), drop the inputs
            for work in self.base.glob("run-*/work"):
                _rmtree(work)


def _read_log(path: Path, limit: int = 1 << 20) -> str:
    try:
        with path.open("rb") as f:
            return f.read(limit).decode(errors="replace")
    except OSError:
        return ""


def _short(m: Measurement) -> str:
    rss = f"{m.peak_kb / 1024:.1f} MB" if m.peak_kb is not None else "rss ?"
    text = f"{m.wall_s:.3f} s, {rss}"
    return text if m.ok else f"{text}, FAILED: {m.error}"
