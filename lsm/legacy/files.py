"""Reading and writing git-ai's INITIAL, blobs and whole ``checkpoints.jsonl`` files.

Reads go through :mod:`lsm.safeio`: regular files only, under a size cap,
and no symbolic link followed below the working-log directory.

git-ai truncates and rewrites in place (a crash can tear the only copy);
every whole-file write here is atomic instead: a temp file, fsync, rename,
fsync of the directory. Appends are one ``write`` plus fsync.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from lsm.errors import UnreadableFileError
from lsm.fsutil import atomic_write, fsync_dir, sync_fd, write_all
from lsm.hashing import sha256
from lsm.legacy.jsonform import initial_text
from lsm.model import InitialAttributions, LineAttribution
from lsm.safeio import describe_mode, list_dir, read_regular

__all__ = [
    "MAX_BLOB_BYTES",
    "MAX_INITIAL_BYTES",
    "append_line",
    "blob_names",
    "read_blob",
    "read_initial",
    "write_blob",
    "write_initial",
    "write_lines",
]


#: The largest INITIAL read (git-ai's own cap on legacy history, 64 MB).
MAX_INITIAL_BYTES = 64_000_000
#: The largest blob read (a checkpoint never holds more than the 32 MiB total cap).
MAX_BLOB_BYTES = 32 << 20


def read_initial(path: Path, *, max_bytes: int = MAX_INITIAL_BYTES) -> InitialAttributions:
    """git-ai's ``read_initial_attributions``: a missing or malformed file is empty.

    Read through :mod:`lsm.safeio`, with no symbolic link followed below the
    working-log directory (``path``'s parent).

    :raises UnreadableFileError: INITIAL exists but is not a regular file, is
        a link, or is over ``max_bytes`` (git-ai would have read it; the caller warns).
    """
    try:
        data = read_regular(path, max_bytes, nofollow_below=path.parent)
    except FileNotFoundError:
        return InitialAttributions()
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
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
    cleaned = initial.replace(
        files=files, file_blobs={k: v for k, v in initial.file_blobs.items() if k in files}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, initial_text(cleaned))
    return True


def read_blob(blobs: Path, sha: str, *, max_bytes: int = MAX_BLOB_BYTES) -> bytes | None:
    """A blob's bytes, or None if it is not there.

    No symbolic link is followed below the working-log directory (``blobs``'
    parent): a ``blobs`` link to ``/etc`` or a blob link to ``/etc/passwd``
    is refused, never imported.

    :raises UnreadableFileError: the blob exists but is not a regular file, a
        link, or over ``max_bytes``.
    """
    try:
        return read_regular(blobs / sha, max_bytes, nofollow_below=blobs.parent)
    except FileNotFoundError:
        return None


def blob_names(blobs: Path) -> list[str]:
    """The names in a working log's ``blobs/`` directory, sorted; ``[]`` if there is none.

    :raises UnreadableFileError: ``blobs`` is a symbolic link or not a directory.
    """
    try:
        return sorted(list_dir(blobs, nofollow_below=blobs.parent))
    except FileNotFoundError:
        return []


def write_blob(blobs: Path, data: bytes, sha: str | None = None) -> str:
    """Store content under its sha256 (kept if already there); returns the sha.

    :param sha: the content's sha256 hex when the caller has it already (it is
        not computed again).
    :raises UnreadableFileError: ``blobs`` is a symbolic link or not a
        directory: nothing is written through it (a ``blobs`` link planted in
        a working log would otherwise make every checkpoint write elsewhere).
    """
    if sha is None:
        sha = sha256(data).hexdigest()
    try:
        st = os.lstat(blobs)
    except FileNotFoundError:
        blobs.mkdir(parents=True, exist_ok=True)
    else:
        if not stat.S_ISDIR(st.st_mode):
            raise UnreadableFileError(str(blobs), f"is {describe_mode(st.st_mode)}, not written to")
    target = blobs / sha
    try:
        # A blob already there is kept only if it is a regular file: a link
        # (never followed) or a FIFO in its place is replaced by the rename.
        keep = stat.S_ISREG(os.lstat(target).st_mode)
    except FileNotFoundError:
        keep = False
    if not keep:
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
