"""``ckptlog checkpoint``: the hook command, invocation-compatible with ``git-ai checkpoint``.

    ckptlog checkpoint [PRESET] [--hook-input JSON|stdin] [--editor E
        --editor-version V --extension-version X] [-C PATH] [--strict]
        [--quiet] [--] [PATHS...]

It never breaks the caller: agent hooks treat exit code 2 as "block the
tool call", and git aborts a commit on a failing pre-commit hook. So on any
failure it prints ONE warning line to stderr, records an event in the
store's event log when it can, and exits 0. ``--strict`` (for tests and
debugging) exits 1 instead. Exit code 2 is never used.

This module deliberately does not import click: a hook pays ~20 ms for it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

USAGE = """usage: ckptlog checkpoint [PRESET] [--hook-input JSON|stdin] [-C PATH]
                          [--strict] [--quiet] [--] [PATHS...]

Record which lines of the named files (or, with no paths, of every changed
file) were written by an AI agent or by a human. Invocation-compatible with
`git-ai checkpoint`.

presets: human (default), known_human, mock_ai, mock_known_human, ai_tab,
         claude, codex, droid
options:
  --hook-input JSON|stdin   the agent hook's JSON payload (or read it from stdin)
  --editor NAME, --editor-version V, --extension-version V
                            known_human: the editor that reported the save
  -C PATH                   run as if started in PATH
  --strict                  exit 1 on failure instead of warning and exiting 0
  -q, --quiet               print nothing but warnings
  -h, --help                show this message
"""

_VALUE_OPTS = {"--hook-input", "--editor", "--editor-version", "--extension-version", "-C"}


class HookArgs:
    """Parsed command line of ``ckptlog checkpoint``.

    A plain class, not a dataclass: ``dataclasses`` costs a hook ~15 ms to import.
    """

    __slots__ = (
        "cwd",
        "editor",
        "editor_version",
        "extension_version",
        "help",
        "hook_input",
        "paths",
        "preset",
        "quiet",
        "strict",
    )
    #: Field names in declaration order (``__slots__`` is kept sorted).
    fields = (
        "preset",
        "hook_input",
        "paths",
        "cwd",
        "editor",
        "editor_version",
        "extension_version",
        "strict",
        "quiet",
        "help",
    )

    preset: str | None
    hook_input: str | None
    paths: list[str]
    cwd: str | None
    editor: str | None
    editor_version: str | None
    extension_version: str | None
    strict: bool
    quiet: bool
    help: bool

    def __init__(
        self,
        preset: str | None = None,
        hook_input: str | None = None,
        paths: list[str] | None = None,
        cwd: str | None = None,
        editor: str | None = None,
        editor_version: str | None = None,
        extension_version: str | None = None,
        strict: bool = False,
        quiet: bool = False,
        help: bool = False,
    ) -> None:
        self.preset = preset
        self.hook_input = hook_input
        self.paths = [] if paths is None else paths
        self.cwd = cwd
        self.editor = editor
        self.editor_version = editor_version
        self.extension_version = extension_version
        self.strict = strict
        self.quiet = quiet
        self.help = help

    def astuple(self) -> tuple[object, ...]:
        """The field values in order."""
        return tuple(getattr(self, name) for name in self.fields)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HookArgs) and other.__class__ is self.__class__:
            return self.astuple() == other.astuple()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        body = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.fields)
        return f"HookArgs({body})"


class UsageProblem(Exception):
    """The command line cannot be parsed."""


def parse_args(argv: Sequence[str]) -> HookArgs:
    """Parse the arguments after ``checkpoint``.

    git-ai's rules: the first positional argument is the preset; no
    arguments, or a leading ``--``, means ``human``.
    """
    args = HookArgs()
    positional: list[str] = []
    it = iter(argv)
    after_dashdash = False
    for arg in it:
        if after_dashdash:
            positional.append(arg)
            continue
        if arg == "--":
            after_dashdash = True
            if not positional:
                args.preset = "human"
            continue
        name, eq, inline = arg.partition("=")
        if name in _VALUE_OPTS:
            value = inline if eq else next(it, None)
            if value is None:
                raise UsageProblem(f"{name} needs a value")
            if name == "--hook-input":
                args.hook_input = value
            elif name == "--editor":
                args.editor = value
            elif name == "--editor-version":
                args.editor_version = value
            elif name == "--extension-version":
                args.extension_version = value
            else:
                args.cwd = value
        elif arg in ("--strict",):
            args.strict = True
        elif arg in ("-q", "--quiet"):
            args.quiet = True
        elif arg in ("-h", "--help"):
            args.help = True
        elif arg.startswith("-") and arg != "-":
            raise UsageProblem(f"unknown option {arg}")
        else:
            positional.append(arg)
    if args.preset is None and positional:
        args.preset = positional.pop(0)
    args.paths = positional
    return args


def _warn(err: TextIO, message: str) -> None:
    err.write(f"ckptlog: warning: {message}\n")
    err.flush()


def run(argv: Sequence[str], *, stdin: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``ckptlog checkpoint`` with ``argv`` (the arguments after ``checkpoint``)."""
    err = stderr if stderr is not None else sys.stderr
    started = time.perf_counter()
    try:
        args = parse_args(argv)
    except UsageProblem as exc:
        _warn(err, f"{exc}; nothing was recorded")
        err.write(USAGE)
        return 0
    if args.help:
        (sys.stdout).write(USAGE)
        return 0
    cwd = os.path.abspath(args.cwd) if args.cwd else os.getcwd()
    events_target: list[object] = []
    try:
        return _run(args, cwd, stdin, err, started, events_target)
    except Exception as exc:  # the hook contract: never fail the caller
        from lsm.errors import Error

        message = (
            f"{exc.what} ({exc.hint})" if isinstance(exc, Error) else f"{type(exc).__name__}: {exc}"
        )
        _warn(err, f"checkpoint skipped: {message}")
        _record_failure(events_target, exc, started)
        if args.strict:
            return 1
        return 0


def _run(
    args: HookArgs,
    cwd: str,
    stdin: TextIO | None,
    err: TextIO,
    started: float,
    events_target: list[object],
) -> int:
    from lsm.checkpoint import run_invocation
    from lsm.errors import InputError

    hook_input = args.hook_input
    if hook_input == "stdin":
        stream = stdin if stdin is not None else sys.stdin
        hook_input = stream.read()
        if hook_input.startswith("\ufeff"):
            hook_input = hook_input[1:]
        if not hook_input.strip():
            return 0
    try:
        outcome = run_invocation(
            args.preset,
            hook_input,
            args.paths,
            cwd=cwd,
            editor=args.editor,
            editor_version=args.editor_version,
            extension_version=args.extension_version,
            on_store=events_target.append,
        )
    except InputError:
        raise
    for line in outcome.warnings:
        _warn(err, line)
    if not args.quiet:
        for line in outcome.summaries:
            err.write(line + "\n")
    if args.strict and outcome.failed:
        return 1
    return 0


def _record_failure(events_target: list[object], exc: BaseException, started: float) -> None:
    # Best effort: an event in the store's log if we got far enough to know it.
    try:
        from lsm import EventLog

        for target in events_target:
            if isinstance(target, EventLog):
                target.record(
                    "error",
                    command="checkpoint",
                    error=type(exc).__name__,
                    message=str(exc),
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                )
                return
    except Exception:  # noqa: S110 - diagnostics must never raise
        pass
