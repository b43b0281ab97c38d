"""Where git-ai keeps its working logs, and its archive/prune lifecycle.

Under git-ai's ``ai`` directory (``<git dir>/ai``, or
``<common dir>/ai/worktrees/<name>`` for a linked worktree)::

    working_logs/<base>/checkpoints.jsonl   one JSON checkpoint per line
    working_logs/<base>/blobs/<sha256>      raw file contents
    working_logs/<base>/INITIAL             pretty JSON, may be absent
    working_logs/old-<base>/...             archived, with .archived_at (unix seconds)

``<base>`` is a full commit id (40 or 64 hex) or ``initial``.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from lsm.errors import InputError, UnreadableFileError
from lsm.fsutil import atomic_write, fsync_dir
from lsm.safeio import read_regular

__all__ = [
    "RETENTION_SECS",
    "archive",
    "blob_path",
    "blobs_dir",
    "checkpoints_path",
    "initial_path",
    "list_bases",
    "log_dir",
    "prune_archived",
    "working_logs",
]

#: git-ai's OLD_WORKING_LOG_RETENTION_SECS: archived logs live 7 days.
RETENTION_SECS = 7 * 86400

_BASE = re.compile(r"(?:[0-9a-f]{40}|[0-9a-f]{64}|initial)\Z")
_SHA = re.compile(r"[0-9a-f]{64}\Z")


def working_logs(ai_dir: Path) -> Path:
    """``<ai>/working_logs``."""
    return ai_dir / "working_logs"


def log_dir(ai_dir: Path, base: str) -> Path:
    """One base's working-log directory (``old-<base>`` names an archive).

    :raises InputError: ``base`` is neither a commit id nor ``initial``.
    """
    plain = base[4:] if base.startswith("old-") else base
    if not _BASE.match(plain):
        raise InputError(f"{base!r} is not a working-log base (a full commit id or 'initial')")
    return working_logs(ai_dir) / base


def checkpoints_path(ai_dir: Path, base: str) -> Path:
    """``.../<base>/checkpoints.jsonl``."""
    return log_dir(ai_dir, base) / "checkpoints.jsonl"


def initial_path(ai_dir: Path, base: str) -> Path:
    """``.../<base>/INITIAL``."""
    return log_dir(ai_dir, base) / "INITIAL"


def blobs_dir(ai_dir: Path, base: str) -> Path:
    """``.../<base>/blobs``."""
    return log_dir(ai_dir, base) / "blobs"


def blob_path(ai_dir: Path, base: str, sha: str) -> Path:
    """``.../<base>/blobs/<sha>``.

    :raises InputError: ``sha`` is not 64 lowercase hex digits (no path tricks).
    """
    if not _SHA.match(sha):
        raise InputError(f"{sha!r} is not a sha256 blob name")
    return blobs_dir(ai_dir, base) / sha


def list_bases(ai_dir: Path) -> list[str]:
    """Every working log's base (archives included as ``old-<base>``), sorted."""
    root = working_logs(ai_dir)
    try:
        names = [p.name for p in root.iterdir() if p.is_dir()]
    except FileNotFoundError:
        return []
    out = []
    for name in names:
        plain = name[4:] if name.startswith("old-") else name
        if _BASE.match(plain):
            out.append(name)
    return sorted(out)


def archive(ai_dir: Path, base: str, *, now_s: int | None = None) -> Path | None:
    """git-ai's ``delete_working_log_for_base_commit``: rename to ``old-<base>``.

    An existing ``old-<base>`` is replaced; ``.archived_at`` records the time.
    Returns the archive, or None if the log does not exist. The rename is
    atomic; the timestamp file is written atomically after it.
    """
    src = log_dir(ai_dir, base)
    if not src.is_dir():
        return None
    dst = log_dir(ai_dir, f"old-{base}")
    if dst.exists():
        import shutil  # lazily: shutil pulls in bz2, lzma... (the hook path imports this module)

        shutil.rmtree(dst)
    os.replace(src, dst)
    fsync_dir(dst.parent)
    stamp = now_s if now_s is not None else int(time.time())
    atomic_write(dst / ".archived_at", str(stamp).encode())
    return dst


def prune_archived(
    ai_dir: Path, *, now_s: int | None = None, retention_s: int = RETENTION_SECS
) -> list[str]:
    """Delete archives whose ``.archived_at`` is missing, unreadable or old enough.

    git-ai (release builds) does this after every archive, swallowing errors;
    we swallow them too and return what was removed.
    """
    now = now_s if now_s is not None else int(time.time())
    removed = []
    for name in list_bases(ai_dir):
        if not name.startswith("old-"):
            continue
        path = working_logs(ai_dir) / name
        try:
            stamp = read_regular(path / ".archived_at", 64, nofollow_below=path)
            at = int(stamp.decode("ascii").strip())
        except (OSError, UnreadableFileError, ValueError):  # a FIFO there reads as no stamp
            at = 0
        if now - at >= retention_s:
            import shutil

            try:
                shutil.rmtree(path)
                removed.append(name)
            except OSError:
                continue
    return removed
