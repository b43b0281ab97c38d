"""``python -m tools.bench.ab``: two builds of ckptlog on one case, alternating run by run.

The way to compare versions on a shared machine: build both wheels, install each in its own
venv, and run one implementation of one case (by default the case's first ``ours``) with each
in turn, ABBA order (A B, B A, A B ...), each run a fresh setup and a fresh measured process, as
``python -m tools.bench`` does. Prints both sides' medians (wall, peak RSS, and any metric the
scenario reports, such as ``inner_ms``) and the paired figures: the median over rounds of B/A
and of B - A.

    python -m tools.bench.ab --case post-commit-100k --a before/bin/ckptlog --b after/bin/ckptlog

Exit status: 0 when every run of both sides was measured, 1 when one failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from tools.bench import config as config_mod
from tools.bench import stats
from tools.bench.machine import describe, load_average, one_line
from tools.bench.runner import OK, ImplResult, Runner, RunOptions
from tools.bench.verdict import fmt_value, unit_of
from tools.repro.cache import default_cache_dir

SIDES = ("a", "b")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.bench.ab", description=__doc__.split("\n")[0])
    p.add_argument("--case", required=True, help="a case of the budgets file")
    p.add_argument("--impl", help="the implementation to run (default: the case's first ours)")
    p.add_argument("--a", required=True, metavar="CKPTLOG", help="build A (the baseline)")
    p.add_argument("--b", required=True, metavar="CKPTLOG", help="build B")
    p.add_argument("--runs", type=int, default=5, help="rounds (one run of each side per round)")
    p.add_argument("--config", type=Path, default=config_mod.DEFAULT_CONFIG)
    p.add_argument("--work-dir", type=Path, default=Path("bench-out") / "work-ab")
    p.add_argument("--cache-dir", type=Path, default=None)
    p.add_argument("--timeout", type=float, help="per-process timeout in seconds")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p


def _metrics(result: ImplResult) -> list[str]:
    keys = ["wall_s", "rss_mb"]
    keys += sorted(k for k in result.medians if k not in keys and k != "time_rss_mb")
    return keys


def report(a: ImplResult, b: ImplResult) -> list[str]:
    """Lines: each metric's medians for A and B, then B/A and B - A over the rounds."""
    lines = [f"{'metric':<18} {'A (median)':>14} {'B (median)':>14} {'B/A':>8} {'B - A':>12}"]
    for key in _metrics(a):
        med_a, med_b = a.medians.get(key), b.medians.get(key)
        if med_a is None or med_b is None:
            continue
        unit = unit_of(key)
        ratio = stats.paired(b.runs, a.runs, key, "ratio")
        delta = stats.paired(b.runs, a.runs, key, "delta")
        lines.append(
            f"{key:<18} {fmt_value(med_a, unit):>14} {fmt_value(med_b, unit):>14} "
            f"{f'{ratio[0]:.3f}x' if ratio else '-':>8} "
            f"{fmt_value(delta[0], unit) if delta else '-':>12}"
        )
    return lines


def _tagged(progress: Callable[[str], None], side: str) -> Callable[[str], None]:
    return lambda message: progress(f"[{side.upper()}] {message}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = shlex.join(
        ["python", "-m", "tools.bench.ab", *(sys.argv[1:] if argv is None else argv)]
    )
    try:
        config = config_mod.load(args.config)
        case = config.cases[args.case]
    except KeyError:
        print(f"error: no case {args.case!r} in {args.config}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    impl = args.impl or case.ours[0]

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    machine = describe()
    runs = {}
    for side in SIDES:
        options = RunOptions(
            work_dir=args.work_dir / side,
            cache_dir=args.cache_dir or default_cache_dir(),
            ckptlog=getattr(args, side),
            runs=args.runs,
            timeout_s=args.timeout,
            progress=_tagged(progress, side),
        )
        runner = Runner(config, options)
        if runner.ckptlog_problem:
            print(f"error: build {side.upper()}: {runner.ckptlog_problem}", file=sys.stderr)
            return 2
        runs[side] = runner.start(case, impl, "ours")
    for k in range(1, args.runs + 1):
        for side in SIDES if k % 2 else SIDES[::-1]:  # ABBA: neither side always goes first
            runs[side].step(k)
    for run in runs.values():
        run.finish()
    machine["load_end"] = load_average()
    a, b = runs["a"].result, runs["b"].result
    print(f"command: {command}")
    print(f"machine: {one_line(machine)}")
    print(f"case {case.name}, {impl}: A = {args.a}, B = {args.b}, {args.runs} rounds (ABBA)")
    failed = [
        f"{s.upper()}: {r.status}: {r.reason}" for s, r in (("a", a), ("b", b)) if r.status != OK
    ]
    if failed:
        for line in failed:
            print(line)
        return 1
    for line in report(a, b):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
