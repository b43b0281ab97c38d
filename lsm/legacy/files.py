"""Reading and writing git-ai's INITIAL, blobs and whole ``checkpoints.jsonl`` files.

git-ai truncates and rewrites in place (a crash can tear the only copy);
every whole-file write here is atomic instead: a temp file, fsync, rename,
fsync of the directory. Appends are one ``write`` plus fsync.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from lsm.fsutil import atomic_write, fsync_dir, sync_fd, write_all
from lsm.legacy.jsonform import initial_text
from lsm.model import InitialAttributions, LineAttribution

__all__ = [
    "append_line",
    "read_blob",
    "read_initial",
    "write_blob",
    "write_initial",
    "write_lines",
]


def read_initial(path: Path) -> InitialAttributions:
    """git-ai's ``read_initial_attributions``: a missing or unreadable file is empty."""
    try:
        obj = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return InitialAttributions()
    if not isinstance(obj, dict):
        return InitialAttributions()
    try:
        files_raw = obj.get("files") or {}
        files = {
            str(p): [
                LineAttribution(
                    int(a["start_line"]), int(a["end_line"]), str(a["author_id"]), a.get("overrode")
                )
                for a in attrs
            ]
            for p, attrs in files_raw.items()
        }
        return InitialAttributions(
            files=files,
            prompts=_obj(obj.get("prompts")),
            file_blobs={str(k): str(v) for k, v in _obj(obj.get("file_blobs")).items()},
            humans=_obj(obj.get("humans")),
            sessions=_obj(obj.get("sessions")),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return InitialAttributions()


def _obj(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def write_initial(path: Path, initial: InitialAttributions) -> bool:
    """Write INITIAL as git-ai does (files with no attributions and their blobs dropped).

    Deletes the file when no file keeps attributions. Returns True if written.
    """
    files = {k: v for k, v in initial.files.items() if v}
    if not files:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return False
    cleaned = InitialAttributions(
        files=files,
        prompts=initial.prompts,
        file_blobs={k: v for k, v in initial.file_blobs.items() if k in files},
        humans=initial.humans,
        sessions=initial.sessions,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, initial_text(cleaned))
    return True


def read_blob(blobs: Path, sha: str) -> bytes | None:
    """A blob's bytes, or None if it is not there."""
    try:
        return (blobs / sha).read_bytes()
    except (OSError, ValueError):
        return None


def write_blob(blobs: Path, data: bytes) -> str:
    """Store content under its sha256 (kept if already there); returns the sha."""
    sha = hashlib.sha256(data).hexdigest()
    target = blobs / sha
    if not target.exists():
        blobs.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, sync=False)
    return sha


def write_lines(path: Path, lines: Iterable[bytes]) -> int:
    """Replace ``path`` with ``lines`` atomically, streaming; returns the bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    total = 0
    try:
        buf: list[bytes] = []
        size = 0
        for line in lines:
            buf.append(line)
            size += len(line)
            if size >= 1 << 20:
                write_all(fd, b"".join(buf), total)
                total += size
                buf, size = [], 0
        if buf:
            write_all(fd, b"".join(buf), total)
            total += size
        sync_fd(fd, data_only=False)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return total


def append_line(path: Path, line: bytes) -> None:
    """Append one line durably (one write, then fsync)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        sync_fd(fd)
    finally:
        os.close(fd)
