"""Run one process and measure it: wall time from the driver, peak RSS of the child itself.

Two mechanisms, both immune to the ``ru_maxrss`` trap (a Linux child's ``ru_maxrss`` is at least
its parent's resident set at fork):

* Python scenarios run in ``python -m tools.bench.child``, which reports its own ``VmHWM`` from
  ``/proc/self/status`` (:mod:`tools.bench.procstatus`).
* External commands (the installed ``ckptlog``) run under ``/usr/bin/time -f '%M %e' -o FILE``:
  ``time`` is a 1-2 MB process, so the ``ru_maxrss`` it reads with ``wait4`` is the command's own
  peak. Its report goes to FILE, so the command's stdout and stderr stay intact (logged to a file).

Python children also run under ``time`` when it exists, as a cross-check (``time_kb``). Without
``/usr/bin/time`` (macOS, minimal containers) external commands fall back to ``os.wait4``, whose
figure is an upper bound that includes this driver's resident set; the source is recorded as
``wait4`` so a report never passes it off as exact.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tools.bench.scenario import Command

TIME_BIN = "/usr/bin/time"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOG_TAIL_CHARS = 2000


@dataclass(frozen=True)
class Measurement:
    """One measured process."""

    wall_s: float
    """Spawn to reap, timed by the driver: interpreter start-up and imports included."""
    peak_kb: int | None
    """The child's own peak resident set (KiB); None when it could not be read."""
    rss_source: str
    """``VmHWM`` (the child's /proc), ``time`` (/usr/bin/time %M), ``wait4`` (upper bound)."""
    returncode: int
    inner_s: float | None = None
    """Python scenarios: wall time of ``run()`` alone, timed inside the child."""
    time_kb: int | None = None
    """``/usr/bin/time``'s %M for a Python child, a cross-check of ``peak_kb``."""
    rss_anon_kb: int | None = None
    rss_file_kb: int | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {
            "wall_s": self.wall_s,
            "peak_kb": self.peak_kb,
            "rss_source": self.rss_source,
            "returncode": self.returncode,
            "inner_s": self.inner_s,
            "time_kb": self.time_kb,
            "rss_anon_kb": self.rss_anon_kb,
            "rss_file_kb": self.rss_file_kb,
            "metrics": dict(self.metrics),
            "error": self.error,
        }


def time_available() -> bool:
    """True when GNU ``/usr/bin/time`` (with ``-f`` and ``-o``) is installed."""
    return os.access(TIME_BIN, os.X_OK) and sys.platform.startswith("linux")


def python_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Python children: the project root first on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
    )
    env.update(extra or {})
    return env


def _parse_time_file(path: Path) -> tuple[int | None, float | None]:
    """(max RSS KiB, elapsed s) from ``time -f '%M %e'`` output (last line; earlier lines are
    notes such as "Command exited with non-zero status 1")."""
    try:
        lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
        kb, elapsed = lines[-1].split()
        return int(kb), float(elapsed)
    except (OSError, IndexError, ValueError):
        return None, None


def _tail(path: Path, lines: int = 3) -> str:
    """The last few non-blank lines of a log, joined with `` | `` (the log stays on disk)."""
    try:
        text = path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
    except OSError:
        return ""
    kept = [ln.strip() for ln in text.splitlines() if ln.strip()][-lines:]
    return " | ".join(kept)


def _spawn(
    argv: Sequence[str],
    *,
    cwd: str | Path,
    env: Mapping[str, str],
    log: Path,
    stdin_path: str | None,
    timeout_s: float,
) -> tuple[int, float, int | None, bool]:
    """Run ``argv``; return (returncode, wall seconds, wait4 max RSS KiB, timed out).

    The child gets its own session so that a timeout can kill its whole process group.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out, contextlib.ExitStack() as stack:
        stdin: IO[bytes] | int = subprocess.DEVNULL
        if stdin_path is not None:
            stdin = stack.enter_context(open(stdin_path, "rb"))
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=stdin,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        killer = threading.Timer(timeout_s, _kill_group, (proc.pid,))
        killer.daemon = True
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        except BaseException:  # Ctrl-C: its own session does not get the SIGINT, so kill it
            _kill_group(proc.pid)
            os.waitpid(proc.pid, 0)
            raise
        finally:
            killer.cancel()
        timed_out = _killed.pop(proc.pid, False)
        proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return proc.returncode, wall, maxrss, timed_out


_killed: dict[int, bool] = {}


def _kill_group(pid: int) -> None:
    """Timeout handler: kill the child's whole process group (it has its own session)."""
    _killed[pid] = True
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _failure(
    returncode: int, timed_out: bool, timeout_s: float, log: Path, lines: int = 3
) -> str | None:
    if timed_out:
        return f"timed out after {timeout_s:g} s"
    if returncode != 0:
        tail = _tail(log, lines)
        return f"exit {returncode}" + (f": {tail}" if tail else "")
    return None


def run_command(
    command: Command, *, rundir: Path, timeout_s: float = 900.0, use_time: bool | None = None
) -> Measurement:
    """Measure an external command; peak RSS from ``/usr/bin/time`` (else ``wait4``)."""
    rundir.mkdir(parents=True, exist_ok=True)
    log = rundir / "command.log"
    timefile = rundir / "time.out"
    use_time = time_available() if use_time is None else use_time
    argv = list(command.argv)
    if use_time:
        argv = [TIME_BIN, "-o", str(timefile), "-f", "%M %e", *argv]
    env = dict(os.environ)
    env.update(command.env)
    code, wall, wait4_kb, timed_out = _spawn(
        argv,
        cwd=command.cwd,
        env=env,
        log=log,
        stdin_path=command.stdin_path,
        timeout_s=timeout_s,
    )
    peak_kb: int | None
    if use_time:
        peak_kb, _ = _parse_time_file(timefile)
        source = "time"
    else:
        peak_kb, source = wait4_kb, "wait4"
    return Measurement(
        wall_s=wall,
        peak_kb=peak_kb,
        rss_source=source,
        returncode=code,
        error=_failure(code, timed_out, timeout_s, log),
    )


def run_python_scenario(
    module: str,
    name: str,
    context_file: Path,
    *,
    rundir: Path,
    timeout_s: float = 900.0,
    python: str = sys.executable,
) -> Measurement:
    """Measure ``run()`` of a Python scenario in a fresh ``tools.bench.child`` process.

    ``context_file`` is the JSON context a setup child wrote; the child reads its ``.marshal``
    twin (no json import in the measured process).
    """
    rundir.mkdir(parents=True, exist_ok=True)
    result_file = rundir / "result.marshal"
    result_file.unlink(missing_ok=True)
    argv = [python, "-m", "tools.bench.child", "run", module, name]
    argv += [f"{context_file}.marshal", str(result_file)]
    timefile = rundir / "time.out"
    use_time = time_available()
    if use_time:
        argv = [TIME_BIN, "-o", str(timefile), "-f", "%M %e", *argv]
    code, wall, _, timed_out = _spawn(
        argv,
        cwd=PROJECT_ROOT,
        env=python_env(),
        log=rundir / "child.log",
        stdin_path=None,
        timeout_s=timeout_s,
    )
    error = _failure(code, timed_out, timeout_s, rundir / "child.log", lines=1)
    try:
        with result_file.open("rb") as f:
            result = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        result = {}
        error = error or f"no result from child: {_tail(rundir / 'child.log')}"
    time_kb = _parse_time_file(timefile)[0] if use_time else None
    return Measurement(
        wall_s=wall,
        peak_kb=result.get("peak_kb"),
        rss_source=result.get("rss_source", "none"),
        returncode=code,
        inner_s=result.get("inner_s"),
        time_kb=time_kb,
        rss_anon_kb=result.get("rss_anon_kb"),
        rss_file_kb=result.get("rss_file_kb"),
        metrics=result.get("metrics", {}),
        error=error,
    )


def run_setup(
    module: str,
    name: str,
    env_json: str,
    *,
    rundir: Path,
    timeout_s: float = 1800.0,
    python: str = sys.executable,
) -> tuple[Path | None, str | None]:
    """Run a scenario's ``setup`` in its own child; return (context file, error)."""
    rundir.mkdir(parents=True, exist_ok=True)
    env_file = rundir / "env.json"
    env_file.write_text(env_json)
    context_file = rundir / "context.json"
    context_file.unlink(missing_ok=True)
    argv = [python, "-m", "tools.bench.child", "setup", module, name]
    argv += [str(env_file), str(context_file)]
    log = rundir / "setup.log"
    code, _, _, timed_out = _spawn(
        argv, cwd=PROJECT_ROOT, env=python_env(), log=log, stdin_path=None, timeout_s=timeout_s
    )
    error = _failure(code, timed_out, timeout_s, log, lines=1)
    if error is None and not context_file.exists():
        error = "setup wrote no context"
    return (None, f"setup failed: {error}") if error else (context_file, None)
