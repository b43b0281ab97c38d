"""The ``ckptlog`` entry point.

Hook commands (``checkpoint``, and ``post-commit``, ``pre-commit`` and
``git-hook`` for git's hooks) are dispatched before click is imported:
they run in every agent tool call and git hook, where click's ~20 ms of
import time is a fifth of the latency budget. Everything else goes through
the click group in :mod:`cli.commands`.

A hook ends with :func:`gc.freeze`: the interpreter's last act is a full
garbage collection, which would traverse every module, class and function
the hook imported once more (they live until exit anyway; what the hook
allocated besides is freed by reference counting). That collection was
~15% of a human checkpoint's time (docs/benchmarks.md, "Hook start-up").
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

__all__ = ["main"]

# The commands git hooks run: like ``checkpoint``, they skip click.
_GIT_HOOKS = {
    "post-commit": "run_post_commit",
    "pre-commit": "run_pre_commit",
    "git-hook": "run_git_hook",
}


def _end_hook(status: int) -> NoReturn:
    """Exit a hook with ``status``, sparing the exit-time collection (see the module docstring)."""
    gc.freeze()
    raise SystemExit(status)


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``ckptlog``; exits the process with the command's status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "checkpoint":
        from cli.hook import run

        _end_hook(run(args[1:]))
    if args and args[0] in _GIT_HOOKS:
        import cli.githooks as hooks

        _end_hook(getattr(hooks, _GIT_HOOKS[args[0]])(args[1:]))
    from cli.commands import cli

    try:
        cli.main(args=args, prog_name="ckptlog")
    except BrokenPipeError:
        # `ckptlog dump | head`: the reader left. Nothing to say, and nothing more
        # to flush (the interpreter would try again at exit and complain).
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except Exception as exc:  # never a traceback for the user; CKPTLOG_DEBUG=1 shows it
        if os.environ.get("CKPTLOG_DEBUG"):
            raise
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(
                f"Error: internal error: {type(exc).__name__}: {exc}\n"
                "  hint: this is a bug in lsm-checkpoints; run again with CKPTLOG_DEBUG=1 "
                "for the traceback, and report it.\n"
            )
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
