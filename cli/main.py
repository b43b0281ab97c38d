"""The ``ckptlog`` entry point.

Hook commands (``checkpoint``) are dispatched before click is imported:
they run in every agent tool call and git hook, where click's ~20 ms of
import time is a fifth of the latency budget. Everything else goes through
the click group in :mod:`cli.commands`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``ckptlog``; exits the process with the command's status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "checkpoint":
        from cli.hook import run

        raise SystemExit(run(args[1:]))
    from cli.commands import cli

    cli.main(args=args, prog_name="ckptlog")


if __name__ == "__main__":  # pragma: no cover
    main()
