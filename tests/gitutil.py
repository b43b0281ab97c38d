"""Real git repositories for tests: an isolated git (no user or system config)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

#: What every test git command runs with: no global or system configuration.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """``git -C repo args...``; its stripped stdout. Raises on a non-zero exit."""
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV} if env is None else {**env, **GIT_ENV},
        check=True,
    ).stdout.strip()


def init_repo(path: Path, files: Mapping[str, str], env: Mapping[str, str] | None = None) -> Path:
    """A new repository at ``path`` whose first commit (by Ada) holds ``files``."""
    path.mkdir(parents=True)
    git(path, "init", "-q", env=env)
    git(path, "config", "user.name", "Ada", env=env)
    git(path, "config", "user.email", "ada@example.com", env=env)
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "add", ".", env=env)
    git(path, "commit", "-q", "-m", "init", env=env)
    return path
