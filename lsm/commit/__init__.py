"""The commit path: authorship notes, carry-over of uncommitted AI lines, git hooks.

Public entry points (what ``ckptlog post-commit``, ``pre-commit`` and
``git-hook`` call); each imports its machinery on first use, so a hook
pays only for what it runs:

* :func:`post_commit`: the note of a new commit and its base's INITIAL
  (:mod:`lsm.commit.postcommit`);
* :func:`pre_commit`: a human checkpoint of changed files with AI state;
* :func:`dispatch_git_hook`: every other git hook (:mod:`lsm.commit.githooks`).

docs/commit.md explains the algorithm and every decision.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lsm.checkpoint import InvocationOutcome
    from lsm.commit.postcommit import PostCommitResult
    from lsm.events import EventLog

__all__ = ["dispatch_git_hook", "event_log", "post_commit", "pre_commit"]


def post_commit(
    cwd: str | os.PathLike[str] = ".",
    *,
    commit: str | None = None,
    env: Mapping[str, str] | None = None,
) -> PostCommitResult:
    """Write the note of HEAD (or ``commit``) and move the working log on."""
    from lsm.commit.postcommit import post_commit as run

    return run(cwd, commit=commit, env=env)


def pre_commit(cwd: str | os.PathLike[str] = ".") -> InvocationOutcome:
    """A human checkpoint of the changed files that have AI state."""
    from lsm.commit.precommit import pre_commit as run

    return run(cwd)


def dispatch_git_hook(
    name: str, args: Sequence[str], stdin: str, cwd: str | os.PathLike[str] = "."
) -> str | None:
    """Run git hook ``name`` with its stdin text; what it did, or None (nothing for it)."""
    from lsm.commit.githooks import dispatch

    return dispatch(name, args, stdin, cwd)


def event_log(cwd: str | os.PathLike[str] = ".") -> EventLog | None:
    """The event log of the store of the repository containing ``cwd`` (None: none there).

    Never creates the store; never raises.
    """
    try:
        from lsm.checkpoint.gitrepo import find_repo
        from lsm.config import load_settings
        from lsm.events import EventLog

        repo = find_repo(cwd)
        root = load_settings(repo.ai_dir).store_path(repo.common_dir)
    except Exception:
        return None
    return EventLog(root / "events.jsonl") if root.is_dir() else None
