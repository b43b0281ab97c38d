"""``python -m tools.bench.abcmd``: alternate two (or more) commands run by run; medians.

On a shared, busy machine two benchmark runs made minutes apart measure the
machine as much as the code. Alternating the variants round by round (A B C,
A B C, ...) exposes them to the same load, and the medians of many rounds
compare them. Each run is a fresh process measured like every benchmark
here (:func:`tools.bench.measure.run_command`: wall time from spawn to reap,
peak RSS from ``/usr/bin/time``). An optional ``--setup`` command runs
before every measured run, unmeasured (a fresh edit before a checkpoint)::

    python -m tools.bench.abcmd --rounds 21 --cwd REPO --setup 'echo x >> f.txt' \\
        --variant before='/venvA/bin/ckptlog checkpoint -- f.txt' \\
        --variant after='/venvB/bin/ckptlog checkpoint -- f.txt'

Prints one line per variant: median, min and max wall time, median peak RSS,
and the ratio to the first variant. ``--json`` writes every run.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.bench.measure import run_command
from tools.bench.scenario import Command


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.bench.abcmd", description=__doc__.split("\n\n")[0]
    )
    p.add_argument(
        "--variant",
        action="append",
        required=True,
        metavar="NAME=COMMAND",
        help="a command to measure (a shell-quoted string); repeat for each variant",
    )
    p.add_argument("--rounds", type=int, default=11, help="rounds (each runs every variant once)")
    p.add_argument("--cwd", type=Path, default=Path.cwd(), help="directory the commands run in")
    p.add_argument("--setup", default=None, help="a shell command run before every measured run")
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the measured commands",
    )
    p.add_argument("--json", type=Path, default=None, help="write every run here")
    return p  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    variants: list[tuple[str, list[str]]] = []
    for spec in args.variant:
        name, sep, command = spec.partition("=")
        if not sep or not command:
            parser().error(f"--variant wants NAME=COMMAND, not {spec!r}")
        variants.append((name, shlex.split(command)))
    env = dict(e.split("=", 1) for e in args.env)
    runs: dict[str, list[tuple[float, int | None, int]]] = {name: [] for name, _ in variants}
    with tempfile.TemporaryDirectory(prefix="ab-") as tmp:
        for r in range(args.rounds):
            for name, argv_ in variants:
                if args.setup:
                    subprocess.run(args.setup, shell=True, cwd=args.cwd, check=True)
                m = run_command(
                    Command(argv=tuple(argv_), cwd=str(args.cwd), env=env),
                    rundir=Path(tmp) / f"{name}-{r}",
                )
                runs[name].append((m.wall_s, m.peak_kb, m.returncode))
    first = statistics.median(w for w, _, _ in runs[variants[0][0]])
    for name, _ in variants:
        walls = [w for w, _, _ in runs[name]]
        rss = [k for _, k, _ in runs[name] if k is not None]
        codes = sorted({c for _, _, c in runs[name]})
        med = statistics.median(walls)
        print(
            f"{name:<16} wall median {med * 1000:8.1f} ms  min {min(walls) * 1000:8.1f}  "
            f"max {max(walls) * 1000:8.1f}  peak RSS median "
            f"{(statistics.median(rss) / 1024 if rss else float('nan')):6.1f} MB  "
            f"x{med / first:.3f}  exit {codes}  (n={len(walls)})"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(runs, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
