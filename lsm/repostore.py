"""Finding a repository's store and settings from a working directory."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from lsm.checkpoint.gitrepo import Repo, find_repo
from lsm.config import Settings, load_settings
from lsm.errors import NotARepositoryError
from lsm.logname import resolve_log as _resolve
from lsm.record import NamedTuple
from lsm.store import Store

__all__ = [
    "WorkingLogLocation",
    "current_log",
    "open_repo_store",
    "repo_settings",
    "repo_store_path",
    "resolve_log",
    "working_log",
]


class WorkingLogLocation(NamedTuple):
    """Where the current working log lives, in the store and in git-ai's files.

    :ivar log: the store's log name (``<base>``, or ``worktrees/<name>/<base>``).
    :ivar base: the base commit (full oid or ``initial``).
    :ivar ai_dir: git-ai's ``ai`` directory for this work tree (holds ``working_logs/``).
    """

    log: str
    base: str
    ai_dir: Path


def repo_settings(
    cwd: str | os.PathLike[str] = ".", env: Mapping[str, str] | None = None
) -> Settings:
    """The settings of the repository containing ``cwd`` (file + environment).

    :raises InputError: ``cwd`` is not inside a git work tree.
    :raises ConfigError: the configuration is invalid.
    """
    repo = find_repo(cwd)
    return load_settings(repo.ai_dir, env)


def repo_store_path(
    cwd: str | os.PathLike[str] = ".", env: Mapping[str, str] | None = None
) -> Path:
    """Where the store of the repository containing ``cwd`` is (or would be); nothing is opened.

    :raises NotARepositoryError: ``cwd`` is not inside a git work tree.
    :raises ConfigError: the configuration is invalid.
    """
    repo = find_repo(cwd)
    return load_settings(repo.ai_dir, env).store_path(repo.common_dir)


def open_repo_store(
    cwd: str | os.PathLike[str] = ".",
    env: Mapping[str, str] | None = None,
    *,
    read_only: bool = False,
) -> Store:
    """Open the store of the repository containing ``cwd`` (``<common dir>/ai/lsm`` by default).

    ``read_only``: as :meth:`Store.open` (nothing created, written or repaired).

    :raises InputError: ``cwd`` is not inside a git work tree.
    """
    repo = find_repo(cwd)
    settings = load_settings(repo.ai_dir, env)
    return Store.open(
        settings.store_path(repo.common_dir),
        options=settings.store_options(),
        read_only=read_only,
    )


def current_log(cwd: str | os.PathLike[str] = ".") -> str:
    """The working log a checkpoint made in ``cwd`` now would go to (HEAD's base).

    :raises InputError: ``cwd`` is not inside a git work tree.
    """
    return working_log(cwd).log


def working_log(cwd: str | os.PathLike[str] = ".") -> WorkingLogLocation:
    """The current working log's store name, base commit and git-ai directory.

    :raises InputError: ``cwd`` is not inside a git work tree.
    """

    repo = find_repo(cwd)
    base = repo.base_name()
    return WorkingLogLocation(repo.log_name(base), base, repo.ai_dir)


def resolve_log(
    given: str,
    names: Iterable[str],
    cwd: str | os.PathLike[str] = ".",
    *,
    flag: str = "--log",
) -> str:
    """The working log among ``names`` that ``given`` (a ``--log`` value) names.

    An exact name, a unique abbreviation of a base commit id (the current
    worktree's logs preferred), or any revision git resolves to a commit in
    the repository of ``cwd`` (none outside a repository). See
    :mod:`lsm.logname`.

    :raises InputError: ``given`` abbreviates several logs.
    :raises NotFoundError: no log matches.
    """
    repo: Repo | None
    try:
        repo = find_repo(cwd)
    except NotARepositoryError:
        repo = None
    prefix = f"worktrees/{repo.worktree}/" if repo is not None and repo.worktree else ""
    return _resolve(
        given,
        names,
        prefix=prefix,
        commit_of=repo.commit_oid if repo is not None else None,
        flag=flag,
    )
