"""``python -m tools.bench``: run benchmark profiles, print the table, gate on budgets.

Exit status: 0 when every budget holds; 1 when a budget is breached or a run failed (each one
named, with the amount); 2 on a usage or configuration error. ``--no-fail`` reports and exits 0;
``--gate rss_mb,wall_s_ratio`` fails only on breaches of those budget metrics (CI's quick
profile: peak RSS and wall-time ratios to the run's own calibration rows; absolute wall times
are reported); ``--require-all`` also fails when a budgeted row could not be measured.
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from pathlib import Path

from tools.bench import config as config_mod
from tools.bench import docs, inputs, report
from tools.bench.machine import describe, load_average, one_line
from tools.bench.registry import discover
from tools.bench.runner import ImplResult, Runner, RunOptions
from tools.bench.verdict import evaluate
from tools.repro.cache import default_cache_dir

EXIT_OK, EXIT_BREACH, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description="Run benchmark profiles: every implementation of every case in fresh "
        "processes, medians of N runs, ratios to peers, budgets from budgets.toml.",
    )
    p.add_argument(
        "--profile",
        action="append",
        metavar="NAME",
        help="profile or case to run (repeatable; default: quick). `all` runs every profile.",
    )
    p.add_argument("--runs", type=int, help="runs per implementation (default: per case, 5)")
    p.add_argument(
        "--config",
        type=Path,
        default=config_mod.DEFAULT_CONFIG,
        help="budgets file (default: tools/bench/budgets.toml)",
    )
    p.add_argument("--ckptlog", help="the installed ckptlog console script (default: on PATH)")
    p.add_argument("--json", type=Path, metavar="PATH", help="write all results as JSON")
    p.add_argument(
        "--md",
        type=Path,
        metavar="PATH",
        help="update this markdown file's section for the profile (and the plot)",
    )
    p.add_argument("--no-fail", action="store_true", help="report only; exit 0 on breaches")
    p.add_argument(
        "--gate",
        metavar="METRICS",
        help="comma-separated budget metrics whose breaches fail the run (e.g. "
        "rss_mb,wall_s_ratio); breaches of the others are reported only. Failed runs still fail.",
    )
    p.add_argument(
        "--require-all",
        action="store_true",
        help="fail when a budgeted implementation could not be measured",
    )
    p.add_argument(
        "--work-dir",
        type=Path,
        default=Path("bench-out") / "work",
        help="scratch directory for run directories (default: bench-out/work)",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="generated-input cache (default: $LSM_BENCH_CACHE or bench-out/cache)",
    )
    p.add_argument("--keep", action="store_true", help="keep run directories")
    p.add_argument("--timeout", type=float, help="per-process timeout in seconds")
    p.add_argument("--list", action="store_true", help="list profiles, cases and scenarios")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p


def _list(config: config_mod.Config) -> None:
    print("profiles:")
    for name, members in config.profiles.items():
        print(f"  {name}: {' '.join(members)}")
    print("cases:")
    for case in config.cases.values():
        print(f"  {case.name}: {case.summary}")
        print(
            f"      input {inputs.describe(case.params)}; ours {' '.join(case.ours)}; "
            f"peers {' '.join(case.peers) or '-'}"
        )
    print("registered scenarios:")
    for name, reg in sorted(discover().items()):
        print(f"  {name} ({reg.module}): {reg.scenario.summary}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    # A killed driver must not leave measured children running in their own sessions: turn
    # SIGTERM into SystemExit, which measure._spawn answers by killing the child's group.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    argv_used = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "-m", "tools.bench", *argv_used])
    try:
        config = config_mod.load(args.config)
        if args.list:
            _list(config)
            return EXIT_OK
        names = args.profile or ["quick"]
        cases = config.resolve(names)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    machine = describe()
    progress(f"machine: {one_line(machine)}")
    options = RunOptions(
        work_dir=args.work_dir,
        cache_dir=args.cache_dir or default_cache_dir(),
        ckptlog=args.ckptlog,
        runs=args.runs,
        timeout_s=args.timeout,
        keep=args.keep,
        progress=progress,
    )
    runner = Runner(config, options)
    if runner.ckptlog_problem:
        progress(f"ckptlog: {runner.ckptlog_problem}; its rows report n/a")
    results = runner.run_cases(cases)
    machine["load_end"] = load_average()
    verdict = evaluate(cases, results)
    if args.gate:
        verdict = verdict.gated({m.strip() for m in args.gate.split(",") if m.strip()})

    print(report.text_table(report.rows(cases, results)))
    for note in report.notes(results):
        print(f"  {note}")
    for line in report.paired_lines(cases, results):
        print(f"paired: {line}")
    lines = report.verdict_lines(verdict, require_all=args.require_all)
    for line in lines:
        print(line)
        print(line, file=sys.stderr)

    label = "+".join(names)
    if args.json:
        doc = report.json_document(cases, results, verdict, machine, command)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    if args.md:
        plot_name = _plot(args.md, label, cases, results)
        body = docs.section(label, cases, results, verdict, machine, command, plot_name)
        docs.write(args.md, label, body)

    failed = verdict.failed(require_all=args.require_all)
    if failed and args.no_fail:
        print("(--no-fail: exiting 0 despite the above)")
        return EXIT_OK
    return EXIT_BREACH if failed else EXIT_OK


def _plot(
    md: Path, label: str, cases: list[config_mod.Case], results: list[ImplResult]
) -> str | None:
    series = docs.scaling_series(cases, results)
    if not series:
        return None
    from tools.bench.plot import scaling_plot

    name = f"{md.stem}-{label}-scaling.png"
    scaling_plot(series, md.parent / name, f"one append against history size (profile {label})")
    return name
