"""The doubling ramp of git-ai's ``scripts/repro_runaway_memory.py``, against our tool.

Attempt k runs at scale ``2**(k-1)``: ``start * scale`` checkpoint lines (files
``max(400, lines)``, ``attrs`` attributions each) or ``start * scale`` Claude line pairs. Each
attempt builds a fresh repository, runs one checkpoint in a fresh process and records the
process's own peak RSS and wall time. The ramp stops after ``attempts`` or once a peak reaches
``max_rss_mb``, as the original does.

Targets: ``ckptlog`` (the installed console script: ``ckptlog checkpoint``, or ``ckptlog
checkpoint claude --hook-input JSON``) and ``gitai-legacy`` (the model of git-ai's legacy path,
:mod:`tools.bench.peers.gitai_legacy`). Unlike the original, peak RSS is not sampled with ``ps``
every 25 ms (which misses short peaks and reads the parent-inflated figure): it is the child's
own ``VmHWM`` or ``/usr/bin/time``'s figure (:mod:`tools.bench.measure`).
"""

from __future__ import annotations

import json
import marshal
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tools.bench import measure
from tools.bench.scenario import Command
from tools.repro import fixtures

SCENARIO_MODULE = "tools.bench.scenarios.gitai_legacy"


@dataclass(frozen=True)
class Attempt:
    """One rung of the ramp."""

    scenario: str
    attempt: int
    input_mb: float
    peak_rss_mb: float | None
    duration_s: float
    returncode: int
    detail: dict[str, int]
    error: str | None

    def line(self) -> str:
        """The original script's per-attempt line."""
        rss = self.peak_rss_mb
        ratio = f"{rss / self.input_mb:.2f}x" if rss and self.input_mb else "n/a"
        rss_text = f"{rss:.2f}" if rss is not None else "n/a"
        text = (
            f"[{self.scenario}] attempt={self.attempt} input_mb={self.input_mb:.2f} "
            f"peak_rss_mb={rss_text} rss_to_input={ratio} duration_s={self.duration_s:.2f} "
            f"detail={self.detail}"
        )
        return text if self.error is None else f"{text} FAILED: {self.error}"


@dataclass(frozen=True)
class RampOptions:
    """What to ramp and where."""

    scenario: str
    target: str
    start: int
    attempts: int = 5
    max_rss_mb: float = 1024.0
    attrs: int = 1500
    base_files: int = 400
    thinking_bytes: int = 8000
    ckptlog: str | None = None
    work_dir: Path = Path("bench-out") / "repro"
    cache_dir: Path = Path("bench-out") / "cache"
    timeout_s: float = 1800.0
    keep: bool = False


def _context(
    scenario: str, fx: fixtures.CheckpointFixture | fixtures.ClaudeFixture
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "repo": str(fx.repo),
        "head": fx.head,
        "files": [fixtures.TARGET_FILE],
        "input_bytes": fx.input_bytes,
    }
    if isinstance(fx, fixtures.ClaudeFixture):
        context.update(
            input="claude",
            log_dir=str(fx.repo / ".git" / "ai" / "working_logs" / fx.head),
            transcript=str(fx.transcript),
            hook_input=fx.hook_input(),
        )
    else:
        context.update(input="repro-checkpoints", log_dir=str(fx.log_dir))
    return context


def _measure(opts: RampOptions, context: dict[str, Any], rundir: Path) -> measure.Measurement:
    if opts.target == "ckptlog":
        assert opts.ckptlog is not None
        argv = [opts.ckptlog, "checkpoint"]
        if context["input"] == "claude":
            argv += ["claude", "--hook-input", context["hook_input"]]
        return measure.run_command(
            Command(tuple(argv), cwd=context["repo"]), rundir=rundir, timeout_s=opts.timeout_s
        )
    name = "gitai-legacy-claude" if context["input"] == "claude" else "gitai-legacy-append"
    context_file = rundir / "context.json"
    rundir.mkdir(parents=True, exist_ok=True)
    context_file.write_text(json.dumps(context))
    with open(f"{context_file}.marshal", "wb") as f:
        marshal.dump(context, f)
    return measure.run_python_scenario(
        SCENARIO_MODULE, name, context_file, rundir=rundir, timeout_s=opts.timeout_s
    )


def run_ramp(opts: RampOptions, report: Callable[[Attempt], None] = print) -> list[Attempt]:
    """Run the ramp; call ``report`` after each attempt; return every attempt."""
    results: list[Attempt] = []
    for attempt in range(1, opts.attempts + 1):
        scale = 2 ** (attempt - 1)
        workdir = opts.work_dir.resolve() / f"{opts.scenario}_attempt_{attempt}"
        shutil.rmtree(workdir, ignore_errors=True)
        fx: fixtures.CheckpointFixture | fixtures.ClaudeFixture
        if opts.scenario == "claude":
            pairs = opts.start * scale
            fx = fixtures.prepare_claude(
                workdir, opts.cache_dir, pairs=pairs, thinking_bytes=opts.thinking_bytes
            )
            detail = {"line_pairs": pairs, "thinking_bytes": opts.thinking_bytes}
        else:
            lines = opts.start * scale
            files = max(opts.base_files, lines)
            fx = fixtures.prepare_repro_checkpoints(
                workdir, opts.cache_dir, lines=lines, attrs=opts.attrs, file_count=files
            )
            detail = {
                "checkpoint_count": lines,
                "file_count": files,
                "attrs_per_checkpoint": opts.attrs,
            }
        m = _measure(opts, _context(opts.scenario, fx), workdir / "measure")
        result = Attempt(
            scenario=opts.scenario,
            attempt=attempt,
            input_mb=fx.input_bytes / 2**20,
            peak_rss_mb=m.peak_kb / 1024 if m.peak_kb is not None else None,
            duration_s=m.wall_s,
            returncode=m.returncode,
            detail=detail,
            error=m.error,
        )
        results.append(result)
        report(result)
        if not opts.keep and m.ok:
            shutil.rmtree(workdir, ignore_errors=True)
        if not m.ok or (result.peak_rss_mb or 0) >= opts.max_rss_mb:
            break
    return results


def summary_json(results: list[Attempt]) -> str:
    """The original script's closing JSON summary."""
    return json.dumps([asdict(r) for r in results], indent=2)
