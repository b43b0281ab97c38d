"""The hook contract: what every hook command promises its caller, whatever happens.

Agent hooks run a command after every tool call (Claude Code treats exit
status 2 as "block the tool call"), and git aborts a commit when a
pre-commit hook fails. So every hook command (``ckptlog checkpoint``, and
the commit-path hooks) runs its work inside :func:`run_hook`, which keeps
these promises:

* **Exit status** 0 whatever happens; 1 with ``--strict`` when something
  failed (a usage problem, an error, an exception). Never 2, never a traceback.
* **Standard streams never fail the command.** File descriptors 0-2 that
  are closed at start are reopened on ``/dev/null`` (or the store's files
  could be opened on them and receive the warning text); every write to
  stdout and stderr goes through a guard that drops it on ``EPIPE``,
  ``ENOSPC`` (``2>/dev/full``), ``EBADF`` or any other ``OSError``, and
  ``sys.stdout``/``sys.stderr`` are those guards while the body runs, so
  nothing the body or the interpreter prints can raise.
* **At most one warning line** on stderr, in the form
  ``ckptlog <command>: warning: <what>; <hint>``. A failure is shown before
  a mere warning; when there were several, the line says how many more
  there are and where to read them. Control characters (a newline in a
  file name) are escaped, so the line stays one line.
* **Every warning and failure is an event** in the store's event log, once
  the body has told where it is (:meth:`HookRun.attach_events`); an
  exception is recorded with its type.

Use::

    from cli.hookcontract import HookRun, HookUsageError, run_hook

    def body(run: HookRun) -> None:
        if "--bogus" in run.argv:
            run.usage("unknown option --bogus (ignored)")   # goes on; --strict exits 1
        run.attach_events(store_events)                     # an lsm.EventLog
        run.warn("skipped a.bin: binary content")           # degraded, not failed
        run.info("human changed 1 file(s)")                 # a summary line on stderr
        raise HookUsageError("--hook-input needs a value")  # stops: one line, "; see --help"

    raise SystemExit(run_hook("post-commit", argv, body, strict="--strict" in argv))

:func:`read_stdin` reads a hook's standard input within a byte cap and a
deadline, so a payload that never ends (``/dev/zero``) or a pipe that is
never closed cannot hang or exhaust the hook.

This module imports no click and, of lsm, only its errors: a hook pays
for nothing it does not use.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from lsm import NamedTuple
from lsm.errors import Error

if TYPE_CHECKING:
    from lsm import EventLog

__all__ = [
    "MAX_STDIN_BYTES",
    "STDIN_TIMEOUT_S",
    "HookInputError",
    "HookRun",
    "HookUsageError",
    "Notice",
    "one_line",
    "read_stdin",
    "run_hook",
]

#: The largest hook payload read from stdin. Claude's Write and Edit payloads carry the
#: file (up to the 3 MiB per-file cap, JSON-escaped, and again in tool_response); 8 MiB
#: keeps the hook's peak (the bytes, their text, the parsed JSON) under 64 MB.
MAX_STDIN_BYTES = 8 << 20
#: How long a hook waits for its stdin to reach end of file.
STDIN_TIMEOUT_S = 3.0
#: A warning line is cut past this many characters.
MAX_LINE_CHARS = 2000

_MORE_HINT = "`ckptlog inspect events` lists them"
_BUG_HINT = "this is a bug in lsm-checkpoints; `ckptlog inspect events --kind error` has details"


class HookUsageError(Exception):
    """The command line cannot be used; the warning ends with ``; see --help``."""


class HookInputError(Exception):
    """The hook's standard input cannot be used (too big, never ended, unreadable)."""


class _Guarded(io.TextIOBase):
    """A text stream on a descriptor whose writes never raise.

    Text is encoded as UTF-8 (surrogates from undecodable file names escaped)
    and written at once: there is no buffer for the interpreter to flush,
    and so nothing to fail at exit.
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.failed = False

    def write(self, text: str) -> int:
        data = text.encode("utf-8", "backslashreplace")
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except OSError:  # EPIPE, ENOSPC (/dev/full), EBADF, EIO...: the text is dropped
            self.failed = True
        return len(text)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        try:
            return os.isatty(self.fd)
        except OSError:
            return False


def _ensure_std_fds() -> None:
    # A descriptor 0-2 closed by the caller would be reused by the next open()
    # (a segment, LMDB's data.mdb), and text meant for stderr would land in it.
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                new = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if new != fd:  # a lower descriptor was free after all
                os.dup2(new, fd)
                os.close(new)


_ESCAPES = {i: f"\\x{i:02x}" for i in range(32)} | {0x7F: "\\x7f", 10: "\\n", 13: "\\r", 9: "\\t"}


def one_line(text: str) -> str:
    """``text`` with control characters escaped and cut to ``MAX_LINE_CHARS``."""
    line = text.translate(_ESCAPES)
    if len(line) > MAX_LINE_CHARS:
        line = line[: MAX_LINE_CHARS - 3] + "..."
    return line


class Notice(NamedTuple):
    """One warning or failure: its text, its hint, and the event kind it is recorded as."""

    what: str
    hint: str | None
    failure: bool
    kind: str


class HookRun:
    """What a hook body can do: its arguments, warnings, failures, summary lines, events.

    Created by :func:`run_hook`; the body never prints directly.
    """

    def __init__(self, command: str, argv: Sequence[str], strict: bool) -> None:
        self.command = command
        self.argv = list(argv)
        self.strict = strict
        self.started = time.perf_counter()
        #: Warnings and failures so far, in order.
        self.notices: list[Notice] = []
        #: Summary lines for stderr.
        self.info_lines: list[str] = []
        #: Where notices are recorded (None until the body attaches it).
        self.events: EventLog | None = None

    def attach_events(self, events: EventLog) -> None:
        """Record warnings and failures in this event log (the store's).

        Notices met before the call are recorded now.
        """
        self.events = events
        for notice in self.notices:
            self.record(notice)

    def warn(self, what: str, hint: str | None = None) -> None:
        """Something was degraded (a file skipped, a cap hit); the command went on."""
        self.add(Notice(what, hint, False, "warning"))

    def fail(self, what: str, hint: str | None = None) -> None:
        """Something failed; the command may go on, but ``--strict`` exits 1."""
        self.add(Notice(what, hint, True, "warning"))

    def usage(self, what: str) -> None:
        """A usage problem the command works around (an unknown option it ignores)."""
        self.add(Notice(what, "see --help", True, "usage"))

    def info(self, line: str) -> None:
        """A summary line for stderr (the body decides whether ``--quiet`` drops it)."""
        self.info_lines.append(line)

    @property
    def failed(self) -> bool:
        """Whether anything failed so far."""
        return any(n.failure for n in self.notices)

    def add(self, notice: Notice) -> None:
        """Keep ``notice`` for the warning line and record it as an event."""
        self.notices.append(notice)
        self.record(notice)

    def record(self, notice: Notice, **extra: Any) -> None:
        """Record ``notice`` in the event log, if one is attached; never raises."""
        if self.events is None:
            return
        # The event log is diagnostics: recording must never raise (EventLog.record
        # swallows its own OSErrors; this covers anything else).
        with contextlib.suppress(Exception):
            self.events.record(
                notice.kind,
                command=self.command,
                message=notice.what,
                failure=notice.failure,
                **extra,
            )

    def exception(self, exc: BaseException) -> None:
        """Turn what the body raised into a failure notice and an ``error`` event."""
        if isinstance(exc, SystemExit) and not exc.code:
            return  # a clean exit from inside the body
        if isinstance(exc, HookUsageError):
            notice = Notice(str(exc), "see --help", True, "usage")
        elif isinstance(exc, HookInputError):
            notice = Notice(str(exc), "nothing was recorded", True, "error")
        elif isinstance(exc, Error):
            notice = Notice(exc.what, exc.hint, True, "error")
        elif isinstance(exc, KeyboardInterrupt):
            notice = Notice("interrupted", "nothing more was recorded", True, "error")
        elif isinstance(exc, MemoryError):
            notice = Notice("out of memory", _BUG_HINT, True, "error")
        elif isinstance(exc, SystemExit):
            notice = Notice(f"stopped with status {exc.code}", _BUG_HINT, True, "error")
        else:
            what = f"internal error: {type(exc).__name__}: {exc}"
            notice = Notice(what, _BUG_HINT, True, "error")
        self.notices.append(notice)
        self.record(
            notice,
            error=type(exc).__name__,
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
        )

    def warning_line(self) -> str | None:
        """The one warning line: the first failure (else the first warning) and a count."""
        if not self.notices:
            return None
        first = next((n for n in self.notices if n.failure), self.notices[0])
        text = f"ckptlog {self.command}: warning: {first.what}"
        if first.hint:
            text += f"; {first.hint}"
        more = len(self.notices) - 1
        if more:
            text += f" (+{more} more {'warning' if more == 1 else 'warnings'}: {_MORE_HINT})"
        return one_line(text)


def run_hook(
    command: str,
    argv: Sequence[str],
    body: Callable[[HookRun], int | None],
    *,
    strict: bool = False,
    stderr: TextIO | None = None,
) -> int:
    """Run ``body`` under the hook contract (see the module docstring); returns the exit status.

    :param command: the command's name as the warning line shows it (``checkpoint``).
    :param argv: the command's arguments, for the body (``run.argv``).
    :param body: the work; may return 1 to report a failure it already
        announced with :meth:`HookRun.fail`. Anything it raises becomes
        the warning line and an event.
    :param strict: exit 1 on failure (the body may also set ``run.strict``).
    :param stderr: write the summary and warning lines here instead of fd 2
        (for in-process tests).
    """
    _ensure_std_fds()
    run = HookRun(command, argv, strict)
    saved = sys.stdout, sys.stderr
    out, err = _Guarded(1), _Guarded(2)
    sys.stdout, sys.stderr = out, err
    status: int | None = 0
    try:
        try:
            status = body(run)
        except BaseException as exc:  # the contract: never fail the caller
            run.exception(exc)
        target: TextIO | _Guarded = stderr if stderr is not None else err
        line = run.warning_line()
        try:
            if line is not None:
                target.write(line + "\n")
            for info in run.info_lines:
                target.write(one_line(info) + "\n")
            target.flush()
        except Exception:  # noqa: S110 - a test's stream; fd 2 itself never raises
            pass
    finally:
        sys.stdout, sys.stderr = saved
    failed = run.failed or bool(status)
    return 1 if failed and run.strict else 0


def read_stdin(
    *, max_bytes: int = MAX_STDIN_BYTES, timeout_s: float = STDIN_TIMEOUT_S, fd: int = 0
) -> bytearray:
    """Standard input up to end of file, at most ``max_bytes``, within ``timeout_s``.

    Pipes, FIFOs and terminals are polled, so a writer that never closes its
    end cannot hang the hook; a regular file or a device is read directly
    (``/dev/zero`` stops at the cap).

    :raises HookInputError: over the cap, past the deadline, or unreadable.
    """
    import select
    import stat

    deadline = time.monotonic() + timeout_s
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        raise HookInputError(f"cannot read the hook input from stdin: {exc.strerror}") from None
    pollable = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)
    poller = select.poll() if pollable else None
    if poller is not None:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    buf = bytearray()  # grown in place: no list of chunks to join at the end
    while True:
        if poller is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(max(1, int(left * 1000))):
                raise HookInputError(f"the hook input on stdin did not end within {timeout_s:g} s")
        try:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - len(buf)))
        except BlockingIOError:
            continue
        except OSError as exc:
            raise HookInputError(f"cannot read the hook input from stdin: {exc.strerror}") from None
        if not chunk:
            return buf
        buf += chunk
        if len(buf) > max_bytes:
            raise HookInputError(f"the hook input on stdin is over the {max_bytes}-byte limit")
        if poller is None and time.monotonic() > deadline:
            raise HookInputError(f"the hook input on stdin did not end within {timeout_s:g} s")
