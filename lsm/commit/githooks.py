"""``ckptlog git-hook NAME``: what each git hook does for authorship.

One entry point for every hook ckptlog installs besides ``post-commit``
(whose script calls ``ckptlog post-commit`` directly). A hook's stdin is
always read to its end, so that git never blocks writing to a hook that
stopped listening. Hooks that carry no authorship work for the command
that ran them return at once.

What can fail: whatever the handler can; the CLI turns it into one warning
line and exit 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TextIO

__all__ = ["HANDLED", "dispatch"]


def _post_commit(args: Sequence[str], data: str, cwd: str) -> None:
    from lsm.commit.postcommit import post_commit

    post_commit(cwd)


def _pre_commit(args: Sequence[str], data: str, cwd: str) -> None:
    from lsm.commit.precommit import pre_commit

    pre_commit(cwd)


#: Hook name -> handler(args, stdin text, cwd).
HANDLED: dict[str, Callable[[Sequence[str], str, str], None]] = {
    "post-commit": _post_commit,
    "pre-commit": _pre_commit,
}


def dispatch(name: str, args: Sequence[str], stdin: TextIO, cwd: str | os.PathLike[str]) -> bool:
    """Run hook ``name``; returns False when ckptlog has nothing to do for it."""
    try:
        data = "" if stdin.isatty() else stdin.read()
    except (OSError, ValueError):
        data = ""
    handler = HANDLED.get(name)
    if handler is None:
        return False
    handler(args, data, str(cwd))
    return True
