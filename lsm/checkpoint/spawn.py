"""Running ``git`` from a hook without importing :mod:`subprocess`.

``subprocess`` costs a hook about 6 ms to import (``threading``, ``locale``,
``signal``, ``selectors``); a checkpoint runs two or three short git
commands. :func:`run` spawns one with ``os.posix_spawnp``, feeds its stdin
and drains its stdout and stderr through ``select`` (so a large output
can never deadlock against a large input), and reaps it. Where
``posix_spawnp`` is missing it falls back to ``subprocess``.

Our own file descriptors are not inherited: Python opens them
non-inheritable (PEP 446) and only the three pipe ends are dup'ed onto the
child's 0, 1 and 2. Errors: :class:`OSError` when the program cannot be
started; the exit status is returned, never raised.
"""

from __future__ import annotations

import os
import select
from collections.abc import Mapping, Sequence

__all__ = ["Running", "run", "start"]

_CHUNK = 1 << 16
_SIGPIPE = 13


class Running:
    """A started process: :meth:`wait` feeds its stdin, drains its output and reaps it."""

    __slots__ = ("data", "err_r", "in_w", "out_r", "pid")

    def __init__(self, pid: int, in_w: int, out_r: int, err_r: int, data: bytes) -> None:
        self.pid, self.in_w, self.out_r, self.err_r, self.data = pid, in_w, out_r, err_r, data

    def wait(self) -> tuple[int, bytes, bytes]:
        """(exit status, stdout, stderr), once the process has ended."""
        return _communicate(self.pid, self.in_w, self.out_r, self.err_r, self.data)


def run(
    argv: Sequence[str], env: Mapping[str, str], stdin: bytes | None = None
) -> tuple[int, bytes, bytes]:
    """Run ``argv`` (looked up on PATH) to completion: (exit status, stdout, stderr)."""
    if not hasattr(os, "posix_spawnp"):  # pragma: no cover - not Linux/macOS
        import subprocess

        done = subprocess.run(list(argv), input=stdin, capture_output=True, env=dict(env))
        return done.returncode, done.stdout, done.stderr
    return start(argv, env, stdin).wait()


def start(argv: Sequence[str], env: Mapping[str, str], stdin: bytes | None = None) -> Running:
    """Start ``argv`` and return at once; the caller must :meth:`Running.wait` for it.

    A process that writes more than a pipe holds waits (blocked, not
    failed) until ``wait`` reads: start it, do other work, then wait.
    """
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        pid = os.posix_spawnp(
            argv[0],
            list(argv),
            dict(env),
            file_actions=[
                (os.POSIX_SPAWN_DUP2, in_r, 0),
                (os.POSIX_SPAWN_DUP2, out_w, 1),
                (os.POSIX_SPAWN_DUP2, err_w, 2),
            ],
            # Python ignores SIGPIPE and a spawned child would inherit that;
            # restore the default as subprocess does (13 on Linux, macOS, BSD).
            setsigdef=(_SIGPIPE,),
        )
    except BaseException:
        for fd in (in_r, in_w, out_r, out_w, err_r, err_w):
            os.close(fd)
        raise
    for fd in (in_r, out_w, err_w):
        os.close(fd)
    return Running(pid, in_w, out_r, err_r, stdin or b"")


def _communicate(
    pid: int, in_w: int, out_r: int, err_r: int, data: bytes
) -> tuple[int, bytes, bytes]:
    out: list[bytes] = []
    err: list[bytes] = []
    sinks = {out_r: out, err_r: err}
    view = memoryview(data)
    writing = [in_w] if data else []
    if not data:
        os.close(in_w)
    try:
        while sinks or writing:
            readable, writable, _ = select.select(list(sinks), writing, [])
            for fd in writable:
                try:
                    n = os.write(fd, view[:_CHUNK])
                except BrokenPipeError:  # the child stopped reading: fine, it answers anyway
                    n = len(view)
                view = view[n:]
                if not view:
                    os.close(fd)
                    writing = []
            for fd in readable:
                chunk = os.read(fd, _CHUNK)
                if chunk:
                    sinks[fd].append(chunk)
                else:
                    os.close(fd)
                    del sinks[fd]
    finally:
        for fd in [*writing, *sinks]:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(out), b"".join(err)
