"""The ``ckptlog`` entry point.

Hook commands (``checkpoint``, and ``post-commit``, ``pre-commit`` and
``git-hook`` for git's hooks) are dispatched before click is imported:
they run in every agent tool call and git hook, where click's ~20 ms of
import time is a fifth of the latency budget. Everything else goes through
the click group in :mod:`cli.commands`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

# The commands git hooks run: like ``checkpoint``, they skip click.
_GIT_HOOKS = {
    "post-commit": "run_post_commit",
    "pre-commit": "run_pre_commit",
    "git-hook": "run_git_hook",
}


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``ckptlog``; exits the process with the command's status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "checkpoint":
        from cli.hook import run

        raise SystemExit(run(args[1:]))
    if args and args[0] in _GIT_HOOKS:
        import cli.githooks as hooks

        raise SystemExit(getattr(hooks, _GIT_HOOKS[args[0]])(args[1:]))
    from cli.commands import cli

    cli.main(args=args, prog_name="ckptlog")


if __name__ == "__main__":  # pragma: no cover
    main()
