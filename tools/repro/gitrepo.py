"""Real git repositories in the repro harness's shape.

``f00000.txt ... f{n-1:05d}.txt``, each holding ``line0\\nline1\\nline2\\n``, committed once. The
commit is deterministic (fixed identity and dates), so a cached template always has the same HEAD.
Git runs with the user's global and system configuration switched off, so a signing or hooks
setting on the benchmark machine cannot change the fixture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tools.repro.cache import cached_path
from tools.repro.shapes import BASE_CONTENT, file_name

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Repro Bot",
    "GIT_AUTHOR_EMAIL": "repro@example.com",
    "GIT_COMMITTER_NAME": "Repro Bot",
    "GIT_COMMITTER_EMAIL": "repro@example.com",
    "GIT_AUTHOR_DATE": "2026-02-11T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-02-11T00:00:00+00:00",
}


def git_env() -> dict[str, str]:
    """The environment for fixture git commands: hermetic config, fixed identity and dates."""
    env = dict(os.environ)
    env.update(GIT_IDENTITY)
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def git(repo: Path, *args: str) -> str:
    """Run ``git -C repo args...`` and return its stripped stdout; raise on failure."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=git_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def make_repo(repo: Path, file_count: int) -> str:
    """Create a repository of ``file_count`` seeded files in ``repo``; return HEAD's oid."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "--template=", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    data = BASE_CONTENT.encode()
    for i in range(file_count):
        (repo / file_name(i)).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "seed")
    return git(repo, "rev-parse", "HEAD")


def repo_from_template(cache_dir: Path, dest: Path, file_count: int) -> str:
    """Copy a cached ``file_count``-file repository to ``dest``; return HEAD's oid.

    The index is refreshed after the copy (inode and mtime changed), so the measured command
    does not pay for re-hashing every file.
    """
    template = cached_path(
        cache_dir, f"repo-{file_count}", lambda tmp: _build_template(tmp, file_count)
    )
    shutil.copytree(template, dest, symlinks=True)
    subprocess.run(
        ["git", "-C", str(dest), "update-index", "-q", "--refresh"],
        env=git_env(),
        check=False,
        capture_output=True,
    )
    return git(dest, "rev-parse", "HEAD")


def _build_template(tmp: Path, file_count: int) -> None:
    make_repo(tmp, file_count)
