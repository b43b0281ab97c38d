"""``python -m tools.bench.commitprofile``: where one ``ckptlog post-commit`` spends its time.

For a commit input of the given shape (the same cached templates as ``--profile commit``), on a
fresh copy each time, with the installed ckptlog's own interpreter:

1. ``python -X importtime <ckptlog> post-commit``: import time by top-level package;
2. ``python -m cProfile <ckptlog> post-commit --verbose``: self time by module (``lsm.store``,
   ``lsm.codec``, ``lsm.commit.state`` ...), and the command's own summary (its duration and
   the git processes it ran);
3. one plain run under ``/usr/bin/time``: wall time and peak RSS without a profiler.

cProfile inflates the time of Python-heavy code several-fold; read its column as shares, and
the plain run as the figure. The machine's load average is printed first: on a shared machine
every figure moves with it.
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tools.bench import commitinputs
from tools.bench.measure import TIME_BIN, time_available
from tools.bench.runner import probe_ckptlog
from tools.bench.scenario import BenchEnv
from tools.bench.scenarios.commit import SUMMARY
from tools.repro.cache import default_cache_dir

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def _python_of(ckptlog: str) -> str:
    first = Path(ckptlog).read_bytes()[:512].split(b"\n", 1)[0]
    if not first.startswith(b"#!"):
        raise SystemExit(f"{ckptlog} is not a Python console script")
    return first[2:].strip().decode()


def _copy(template_env: BenchEnv, scratch: Path, name: str, n: int) -> Path:
    env = template_env.with_workdir(scratch / name)
    return Path(commitinputs.prepare(env, "committed", checkpoints=n)["repo"])


def imports_by_package(stderr: str) -> list[tuple[str, float]]:
    """``-X importtime`` output summed by top-level package: [(package, self ms)], largest first."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        found = IMPORT_LINE.match(line)
        if found is None:
            continue
        top = found[4].split(".")[0]
        totals[top] = totals.get(top, 0.0) + int(found[1]) / 1000
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _module_of(filename: str) -> str:
    """``.../site-packages/lsm/commit/state.py`` -> ``lsm.commit.state``; builtins as they are."""
    path = Path(filename)
    parts = path.with_suffix("").parts
    for anchor in ("site-packages", "lib-dynload"):
        if anchor in parts:
            return ".".join(parts[parts.index(anchor) + 1 :])
    if filename.startswith(("~", "<")):
        return filename
    return ".".join(parts[-2:]) if len(parts) > 1 else filename


def self_time_by_module(profile: Path) -> tuple[float, list[tuple[str, float]]]:
    """(total s, [(module, self s)] largest first) from a cProfile dump."""
    stats = pstats.Stats(str(profile))
    raw = stats.stats  # type: ignore[attr-defined]  # the documented dict behind print_stats
    totals: dict[str, float] = {}
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in raw.items():
        key = _module_of(filename) if filename != "~" else f"builtin {func}"
        if key.startswith("builtin <"):
            key = "builtins: " + func.strip("<>")
        totals[key] = totals.get(key, 0.0) + tt
    total = sum(totals.values())
    return total, sorted(totals.items(), key=lambda kv: -kv[1])


def cumulative_in(profile: Path, package: str) -> list[tuple[str, float]]:
    """[(``module:function``, cumulative s)] of ``package``'s functions, largest first."""
    stats = pstats.Stats(str(profile))
    raw = stats.stats  # type: ignore[attr-defined]
    out = []
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items():
        module = _module_of(filename)
        if module == package or module.startswith(package + "."):
            out.append((f"{module}:{func}", ct))
    return sorted(out, key=lambda kv: -kv[1])


def _run(argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **commitinputs.measured_env()}
    return subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, check=False)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.bench.commitprofile", description=__doc__)
    p.add_argument("--checkpoints", type=int, default=100000)
    p.add_argument("--files", type=int, default=400)
    p.add_argument("--commit-files", type=int, default=1)
    p.add_argument("--ckptlog", help="the installed ckptlog (default: on PATH)")
    p.add_argument("--cache-dir", type=Path, default=None)
    p.add_argument("--top", type=int, default=15, help="rows per table")
    args = p.parse_args(argv)
    ckptlog, problem = probe_ckptlog(args.ckptlog)
    if ckptlog is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    python = _python_of(ckptlog)
    params = {
        "input": "commit",
        "checkpoints": args.checkpoints,
        "files": args.files,
        "commit_files": args.commit_files,
    }
    cache = (args.cache_dir or default_cache_dir()).resolve()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"input: {params}; ckptlog {ckptlog}")
    with tempfile.TemporaryDirectory(prefix="commitprofile-") as tmp:
        scratch = Path(tmp)
        env = BenchEnv(scratch, cache, params, ckptlog=ckptlog)
        n = args.checkpoints

        repo = _copy(env, scratch, "imports", n)
        done = _run([python, "-X", "importtime", ckptlog, "post-commit", "--strict"], repo)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        packages = imports_by_package(done.stderr)
        print(f"\nimports (-X importtime): {sum(ms for _, ms in packages):.1f} ms in all")
        for name, ms in packages[: args.top]:
            print(f"  {ms:9.1f} ms  {name}")

        repo = _copy(env, scratch, "cprofile", n)
        dump = scratch / "post-commit.prof"
        argv_ = [python, "-m", "cProfile", "-o", str(dump), ckptlog, "post-commit", "--verbose"]
        done = _run(argv_, repo)
        summary = SUMMARY.search(done.stderr)
        total, modules = self_time_by_module(dump)
        print(f"\ncProfile: {total:.3f} s of self time in all (inflated by the profiler)")
        for name, seconds in modules[: args.top]:
            print(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f}%  {name}")
        print("cProfile, cumulative time of lsm's functions (each includes its callees):")
        for name, seconds in cumulative_in(dump, "lsm")[: args.top]:
            print(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f}%  {name}")
        if summary is not None:
            print(f"  command summary: {summary[0]}")

        repo = _copy(env, scratch, "plain", n)
        timefile = scratch / "time.out"
        plain = [ckptlog, "post-commit", "--strict", "--verbose"]
        if time_available():
            plain = [TIME_BIN, "-o", str(timefile), "-f", "%M %e", *plain]
        done = _run(plain, repo)
        summary = SUMMARY.search(done.stderr)
        print("\nplain run:")
        if time_available():
            kb, elapsed = timefile.read_text().split()[-2:]
            print(f"  wall {float(elapsed):.2f} s, peak RSS {int(kb) / 1024:.1f} MB")
        if summary is not None:
            print(
                f"  inner {summary['ms']} ms, {summary['git']} git processes, "
                f"{summary['ai']} AI lines"
            )
        shutil.rmtree(scratch / "plain", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
