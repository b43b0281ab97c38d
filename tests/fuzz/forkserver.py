"""A fork server for hook cases: import the hook once, fork one real process per case.

Running every fuzz case as a full ``ckptlog`` exec costs ~80 ms of interpreter
start-up and imports; most of it is the same every time. The server
(``python -m tests.fuzz.forkserver``) imports the hook path once and then,
for each case it reads (one JSON line on its protocol descriptor), forks a
child that is a real, separate process with its own standard descriptors,
working directory and environment:

* stdin is a pipe holding the case's bytes (a temp file past 60 KB), a pipe
  whose writer never closes (``pipe-open``), a path (``/dev/zero``...),
  ``/dev/null`` or closed;
* stdout and stderr are captured to files, or are ``/dev/full``, closed, or
  a pipe whose reader has gone (``broken``);
* the child resets its peak-RSS counter (``/proc/self/clear_refs``; a forked
  child starts with its parent's high-water mark), runs
  ``cli.hook.run(argv)``, reads its own ``VmHWM`` and reports it through a
  side pipe before ``os._exit`` with the hook's status;
* the parent waits up to the case's timeout, then SIGKILLs the child's
  whole process group (the hook's own git processes included).

The result (exit status, signal, timeout, wall time from fork to reap, peak
RSS, captured stderr) is one JSON line back. :class:`ForkServer` is the
client the tests use. What the fork server cannot show (interpreter
start-up and the flush of the standard streams at exit) is covered by the
sample of full ``ckptlog`` execs in the tests.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SMALL_STDIN = 60_000
#: Exit status a child reports when something escaped ``run`` (a contract breach).
ESCAPED = 250


def _stdin_fd(spec: dict[str, Any], keep: list[int]) -> int | None:
    """The descriptor the child gets as stdin (the parent closes it after the fork)."""
    kind = spec.get("kind", "devnull")
    if kind == "closed":
        return None
    if kind == "bytes":
        data = base64.b64decode(spec.get("data", ""))
        if len(data) <= SMALL_STDIN:
            r, w = os.pipe()
            os.write(w, data)
            os.close(w)
            return r
        fd, name = tempfile.mkstemp(prefix="fuzz-stdin-")
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
        os.unlink(name)
        return fd
    if kind == "pipe-open":
        r, w = os.pipe()
        keep.append(w)  # the writer stays open until the child is gone
        return r
    if kind == "path":
        return os.open(spec["path"], os.O_RDONLY | os.O_NONBLOCK)
    return os.open(os.devnull, os.O_RDONLY)


def _out_fd(mode: str, keep: list[int]) -> tuple[int | None, str | None]:
    """``(fd, capture file)`` for stdout or stderr."""
    if mode == "closed":
        return None, None
    if mode == "full":
        return os.open("/dev/full", os.O_WRONLY), None
    if mode == "broken":
        r, w = os.pipe()
        os.close(r)
        return w, None
    fd, name = tempfile.mkstemp(prefix="fuzz-out-")
    return fd, name


def _child(case: dict[str, Any], fds: list[int | None], report: int, protocol: list[int]) -> None:
    """In the forked child: become the case's process and run the hook. Never returns."""
    code = ESCAPED
    try:
        os.setpgid(0, 0)
        for proto in protocol:
            os.close(proto)
        for target, given in enumerate(fds):
            if given is None:
                os.close(target)
            else:
                os.dup2(given, target)
                os.close(given)
        os.chdir(case["cwd"])
        os.environ.clear()
        os.environ.update(case["env"])
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # VmHWM := the current RSS: measure this case, not the server
        from cli.hook import run

        try:
            code = run(case["argv"])
        except BaseException as exc:  # a breach of the hook contract
            code = ESCAPED
            os.write(report, json.dumps({"escaped": repr(exc)}).encode() + b"\n")
        hwm = 0
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        os.write(report, json.dumps({"rss_kb": hwm}).encode() + b"\n")
    finally:
        os._exit(code)


def run_case(case: dict[str, Any], protocol: list[int]) -> dict[str, Any]:
    """Fork a child for ``case``, wait for it (or kill it), and describe what happened."""
    keep: list[int] = []
    stdin = _stdin_fd(case.get("stdin", {}), keep)
    out, out_name = _out_fd(case.get("stdout", "capture"), keep)
    err, err_name = _out_fd(case.get("stderr", "capture"), keep)
    rep_r, rep_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(rep_r)
        _child(case, [stdin, out, err], rep_w, protocol + keep)
    os.close(rep_w)
    for fd in (stdin, out, err):
        if fd is not None:
            os.close(fd)
    deadline = started + float(case.get("timeout", 5.0))
    status: int | None = None
    timed_out = False
    report = b""
    while True:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            break
        ready, _, _ = select.select([rep_r], [], [], min(left, 0.05))
        if ready:
            chunk = os.read(rep_r, 65536)
            report += chunk
    wall = time.monotonic() - started
    while True:
        chunk = os.read(rep_r, 65536)
        if not chunk:
            break
        report += chunk
    os.close(rep_r)
    for fd in keep:
        os.close(fd)
    result: dict[str, Any] = {"wall_s": wall, "timed_out": timed_out, "rss_kb": None}
    for line in report.splitlines():
        result.update(json.loads(line))
    result["exit"] = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    result["signal"] = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    for key, name in (("stdout", out_name), ("stderr", err_name)):
        if name is not None:
            with open(name, "rb") as f:
                result[key] = f.read(1 << 16).decode("utf-8", "backslashreplace")
            os.unlink(name)
        else:
            result[key] = None
    # The hook's git processes were in its group: none may outlive the case.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    return result


def serve() -> None:
    """The server loop: one JSON case per line in, one JSON result per line out."""
    # Keep the protocol away from 0-2, which every child replaces.
    proto_in, proto_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    import cli.hook  # noqa: F401 - warm the hook path once
    import lsm.checkpoint.runner
    import lsm.store
    import lsm.transcripts.ingest  # noqa: F401
    from lsm.checkpoint.presets import PRESETS, handler_for

    for name in PRESETS:
        handler_for(name)
    reader = os.fdopen(proto_in, "rb")
    for line in reader:
        case = json.loads(line)
        try:
            result = run_case(case, [proto_in, proto_out])
        except Exception as exc:  # a harness problem: say so, keep serving
            result = {"harness_error": repr(exc)}
        os.write(proto_out, json.dumps(result).encode() + b"\n")


class ForkServer:
    """The client: start a server process, send cases, read results."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.forkserver"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def run(self, case: dict[str, Any]) -> dict[str, Any]:
        """Run one case (see the module docstring for its keys); its result."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(case).encode() + b"\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the fork server died")
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        """Stop the server (it exits at the end of its input)."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


if __name__ == "__main__":
    serve()
