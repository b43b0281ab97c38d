"""``python -m tools.repro checkpoints|claude``: the doubling ramp (see :mod:`tools.repro.ramp`).

Examples::

    python -m tools.repro checkpoints                     # installed ckptlog, 200 lines doubling
    python -m tools.repro claude --start 1000 --attempts 5 --max-rss-mb 1024
    python -m tools.repro checkpoints --target gitai-legacy   # the legacy-storage model

Exit status: 0 when every attempt ran, 1 when one failed, 2 when the target is unavailable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.bench.runner import probe_ckptlog
from tools.repro.cache import default_cache_dir
from tools.repro.ramp import RampOptions, run_ramp, summary_json

DEFAULT_START = {"checkpoints": 200, "claude": 1000}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.repro", description=__doc__.split("\n")[0])
    p.add_argument("scenario", choices=["checkpoints", "claude"])
    p.add_argument("--target", choices=["ckptlog", "gitai-legacy"], default="ckptlog")
    p.add_argument("--ckptlog", help="installed ckptlog console script (default: on PATH)")
    p.add_argument("--start", type=int, help="attempt-1 size: lines (200) or pairs (1000)")
    p.add_argument("--attempts", type=int, default=5)
    p.add_argument("--max-rss-mb", type=float, default=1024.0)
    p.add_argument("--attrs", type=int, default=1500, help="attributions per checkpoint line")
    p.add_argument("--files", type=int, default=400, help="minimum file count (max(files, lines))")
    p.add_argument("--thinking-bytes", type=int, default=8000)
    p.add_argument("--work-dir", type=Path, default=Path("bench-out") / "repro")
    p.add_argument("--cache-dir", type=Path, default=None)
    p.add_argument("--timeout", type=float, default=1800.0)
    p.add_argument("--keep", action="store_true", help="keep each attempt's repository")
    p.add_argument("--json", type=Path, help="also write the summary JSON here")
    args = p.parse_args(argv)

    ckptlog = None
    if args.target == "ckptlog":
        ckptlog, problem = probe_ckptlog(args.ckptlog)
        if ckptlog is None:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    opts = RampOptions(
        scenario=args.scenario,
        target=args.target,
        start=args.start or DEFAULT_START[args.scenario],
        attempts=args.attempts,
        max_rss_mb=args.max_rss_mb,
        attrs=args.attrs,
        base_files=args.files,
        thinking_bytes=args.thinking_bytes,
        ckptlog=ckptlog,
        work_dir=args.work_dir,
        cache_dir=(args.cache_dir or default_cache_dir()).resolve(),
        timeout_s=args.timeout,
        keep=args.keep,
    )
    print(f"=== Scenario: {args.scenario} (target {args.target}) ===", flush=True)
    results = run_ramp(opts, lambda a: print(a.line(), flush=True))
    last = results[-1] if results else None
    if last is not None and last.error is None:
        if (last.peak_rss_mb or 0) >= opts.max_rss_mb:
            print(f"Reached target peak RSS ({opts.max_rss_mb:.0f} MB) at attempt {last.attempt}.")
        else:
            print(
                f"Target peak RSS ({opts.max_rss_mb:.0f} MB) was not reached within "
                f"{opts.attempts} attempts."
            )
    summary = summary_json(results)
    print("=== Summary (JSON) ===")
    print(summary)
    if args.json:
        args.json.write_text(summary + "\n")
    return 1 if any(a.error for a in results) else 0


if __name__ == "__main__":
    sys.exit(main())
