"""The git-hook commands: ``ckptlog post-commit``, ``pre-commit`` and ``git-hook NAME``.

    ckptlog post-commit [--commit REV] [-C PATH] [--strict] [-q|--verbose]
    ckptlog pre-commit [-C PATH] [--strict] [-q]
    ckptlog git-hook NAME [ARGS...]

git runs these from its hooks (each hook script is one line), so they keep
the hook contract of ``ckptlog checkpoint``: whatever fails, one warning
line on stderr, an event in the store's log, and exit 0 (``--strict``: 1).
A failing pre-commit hook would abort ``git commit``; so would a
``reference-transaction`` hook failing in its ``prepared`` state.

Click-free, like :mod:`cli.hook`: every commit pays for this start-up.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

__all__ = ["run_git_hook", "run_post_commit", "run_pre_commit"]

POST_COMMIT_USAGE = """usage: ckptlog post-commit [--commit REV] [-C PATH] [--strict] [-q|--verbose]

Write the authorship note of the commit just made (HEAD, or REV) on
refs/notes/ai, and carry its uncommitted AI lines over to the new base.
The git post-commit hook runs it; --commit redoes one commit's note.

options:
  --commit REV   redo the note of REV (e.g. after a commit made while the store was locked)
  -C PATH        run as if started in PATH
  --strict       exit 1 on failure instead of warning and exiting 0
  -q, --quiet    print nothing but warnings
  --verbose      print what was written
  -h, --help     show this message
"""

PRE_COMMIT_USAGE = """usage: ckptlog pre-commit [-C PATH] [--strict] [-q]

Take a human checkpoint of the staged and changed files that have AI state,
so that a human rewrite of an AI line made since the last checkpoint counts
as human. Skipped when the base has no AI checkpoint. Always exits 0 (a
failing pre-commit hook would abort the commit); --strict exits 1.
"""

GIT_HOOK_USAGE = """usage: ckptlog git-hook NAME [ARGS...]

The entry point of every git hook ckptlog installs other than post-commit
(post-rewrite, post-checkout, post-merge, reference-transaction, ...):
the hook script is `ckptlog git-hook NAME "$@"`, with stdin passed on.
Always exits 0.
"""


def _say(stream: TextIO, text: str) -> None:
    # An unwritable stderr (2>/dev/full, closed, EPIPE) must not change the exit code.
    with contextlib.suppress(OSError, ValueError):
        stream.write(text)
        stream.flush()


def _warn(command: str, message: str) -> None:
    _say(sys.stderr, f"ckptlog {command}: warning: {message}\n")


def _message(exc: BaseException) -> str:
    from lsm.errors import Error

    if isinstance(exc, Error):
        return f"{exc.what}; {exc.hint}"
    return f"{type(exc).__name__}: {exc}"


class _Args:
    __slots__ = ("commit", "cwd", "help", "quiet", "rest", "strict", "unknown", "verbose")

    def __init__(self) -> None:
        self.commit: str | None = None
        self.cwd: str | None = None
        self.strict = False
        self.quiet = False
        self.verbose = False
        self.help = False
        self.unknown: list[str] = []
        self.rest: list[str] = []


def _parse(argv: Sequence[str], values: set[str]) -> _Args:
    args = _Args()
    it = iter(argv)
    for arg in it:
        name, eq, inline = arg.partition("=")
        if name in values:
            value = inline if eq else next(it, None)
            if value is None:
                args.unknown.append(f"{name} needs a value")
            elif name == "--commit":
                args.commit = value
            else:
                args.cwd = value
        elif arg == "--strict":
            args.strict = True
        elif arg in ("-q", "--quiet"):
            args.quiet = True
        elif arg == "--verbose":
            args.verbose = True
        elif arg in ("-h", "--help"):
            args.help = True
        elif arg.startswith("-"):
            args.unknown.append(f"unknown option {arg}")
        else:
            args.rest.append(arg)
    return args


def run_post_commit(argv: Sequence[str]) -> int:
    """``ckptlog post-commit``: see :data:`POST_COMMIT_USAGE`."""
    args = _parse(argv, {"--commit", "-C"})
    if args.help:
        _say(sys.stdout, POST_COMMIT_USAGE)
        return 0
    if args.unknown or args.rest:
        what = args.unknown[0] if args.unknown else f"unexpected argument {args.rest[0]}"
        _warn("post-commit", f"{what}; see --help")
        if args.strict:
            return 1
    try:
        from lsm.commit import post_commit

        result = post_commit(args.cwd or os.getcwd(), commit=args.commit)
    except Exception as exc:  # the hook contract: never fail the user's commit
        _warn("post-commit", f"no authorship note written: {_message(exc)}")
        return 1 if args.strict else 0
    for line in result.warnings:
        _warn("post-commit", line)
    if args.verbose and not args.quiet:
        if result.skipped:
            _say(sys.stderr, f"ckptlog: {result.commit[:12]}: {result.skipped}\n")
        else:
            _say(
                sys.stderr,
                f"ckptlog: note on {result.commit[:12]}: {result.ai_lines} AI, "
                f"{result.human_lines} known-human, {result.unknown_lines} untracked line(s); "
                f"{result.carried} uncommitted AI line(s) carried over "
                f"({result.git_processes} git processes, {result.duration_ms:.0f} ms)\n",
            )
    return 0


def run_pre_commit(argv: Sequence[str]) -> int:
    """``ckptlog pre-commit``: see :data:`PRE_COMMIT_USAGE`."""
    args = _parse(argv, {"-C"})
    if args.help:
        _say(sys.stdout, PRE_COMMIT_USAGE)
        return 0
    if args.unknown or args.rest:
        what = args.unknown[0] if args.unknown else f"unexpected argument {args.rest[0]}"
        _warn("pre-commit", f"{what}; see --help")
    try:
        from lsm.commit import pre_commit

        outcome = pre_commit(args.cwd or os.getcwd())
    except Exception as exc:  # a failing pre-commit hook aborts the commit: never
        _warn("pre-commit", f"no checkpoint taken: {_message(exc)}")
        return 1 if args.strict else 0
    for line in outcome.warnings:
        _warn("pre-commit", line)
    if not args.quiet:
        for line in outcome.summaries:
            _say(sys.stderr, line + "\n")
    return 0


def run_git_hook(argv: Sequence[str], *, stdin: TextIO | None = None) -> int:
    """``ckptlog git-hook NAME [ARGS...]``: dispatch one git hook; always 0 (``--strict``: 1)."""
    if not argv or argv[0] in ("-h", "--help"):
        _say(sys.stdout, GIT_HOOK_USAGE)
        return 0
    name, rest = argv[0], list(argv[1:])
    strict = "--strict" in rest
    if strict:
        rest.remove("--strict")
    try:
        from lsm.commit import dispatch_git_hook

        dispatch_git_hook(name, rest, stdin if stdin is not None else sys.stdin, os.getcwd())
    except Exception as exc:  # a git hook never aborts the user's git command
        _warn(f"git-hook {name}", _message(exc))
        return 1 if strict else 0
    return 0
