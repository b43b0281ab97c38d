"""A directory cache for generated inputs, keyed by shape and size.

Generating a 350 MB ``checkpoints.jsonl`` takes under a second, but a git repository of 3200
files and a 1M-checkpoint history take longer, and profiles ask for the same input many times.
Entries are built under a temporary name and renamed into place, so an interrupted build never
leaves a half-written entry behind, and two concurrent builders at worst both build it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

CACHE_ENV = "LSM_BENCH_CACHE"
"""Environment variable that overrides the default cache directory."""

CACHE_VERSION = "v1"
"""Bumped whenever a generator's output changes, so stale entries are not reused."""


def default_cache_dir() -> Path:
    """``$LSM_BENCH_CACHE``, else ``./bench-out/cache`` (gitignored)."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path("bench-out") / "cache"


def cached_path(cache_dir: Path, key: str, build: Callable[[Path], None]) -> Path:
    """Return ``cache_dir/<version>/<key>``, calling ``build(tmp_path)`` first if it is missing.

    ``build`` receives a path that does not exist yet and must create it (a file or a
    directory); it is renamed to the final name only after ``build`` returns.
    """
    final = cache_dir / CACHE_VERSION / key
    if final.exists():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        build(tmp)
        os.replace(tmp, final)
    except OSError:
        if not final.exists():
            raise
    finally:
        _remove(tmp)
    return final


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
