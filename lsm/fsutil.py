"""Small, careful filesystem primitives: durable syncs, atomic replace, full writes.

Nothing here buffers: every function either completes its system calls or
raises ``OSError`` (``ENOSPC`` and ``EDQUOT`` are turned into
:class:`~lsm.errors.StoreFullError` by the callers that can roll back).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
from pathlib import Path

__all__ = [
    "DISK_FULL_ERRNOS",
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "atomic_write",
    "fsync_dir",
    "make_private",
    "network_fs_type",
    "pread_exact",
    "private_mkdir",
    "private_open",
    "sync_fd",
    "write_all",
]

#: Store files and directories are private to their owner, whatever the umask:
#: checkpoints hold file contents, prompts and transcripts (docs/operations.md).
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

#: errno values that mean "no space": the write was cut short or refused.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})

_F_FULLFSYNC = getattr(fcntl, "F_FULLFSYNC", None)

# Filesystems on which LMDB's locking and mmap coherence are unsafe.
_NETWORK_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "ncpfs", "9p", "fuse.sshfs", "sshfs", "davfs"}
)


def private_open(path: str | os.PathLike[str], flags: int) -> int:
    """``os.open`` that gives a file it creates mode 0600, whatever the umask.

    A file that already exists keeps its mode unless this process owns it
    and it is not 0600 yet (stores made by older versions are tightened).
    """
    fd = os.open(path, flags, PRIVATE_FILE)
    if flags & os.O_CREAT:
        try:
            st = os.fstat(fd)
            if st.st_mode & 0o777 != PRIVATE_FILE and st.st_uid == os.geteuid():
                os.fchmod(fd, PRIVATE_FILE)
        except OSError:
            os.close(fd)
            raise
    return fd


def private_mkdir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; a directory it creates gets 0700.

    Parents it creates are made as ``mkdir -p`` would (they are not store
    directories); only ``path`` itself is made private.
    """
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, PRIVATE_DIR)
    except FileExistsError:
        return
    os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered through the umask


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Set ``mode`` on a file this process owns (files made by a library: LMDB's)."""
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_mode & 0o777 != mode and st.st_uid == os.geteuid():
            os.chmod(path, mode)


def sync_fd(fd: int, *, data_only: bool = True) -> None:
    """Make the file's written bytes durable.

    On macOS ``fsync`` does not flush the drive's cache, so ``F_FULLFSYNC``
    is used there (as LevelDB and LMDB do). Elsewhere ``fdatasync``, which
    also flushes the size change an append makes.
    """
    if _F_FULLFSYNC is not None and sys.platform == "darwin":
        fcntl.fcntl(fd, _F_FULLFSYNC)
    elif data_only and hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:
        os.fsync(fd)


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """fsync a directory so that a rename or a new file in it is durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes | bytearray | memoryview, offset: int) -> None:
    """Write every byte of ``data`` at ``offset``, looping on short writes.

    A short write followed by an error leaves a partial write on disk; the
    caller truncates back to ``offset`` (see ``SegmentWriter.append``).
    """
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        if n <= 0:  # pragma: no cover - pwrite raises rather than returning 0
            raise OSError(errno.EIO, "pwrite wrote nothing")
        view = view[n:]
        offset += n


def pread_exact(fd: int, length: int, offset: int) -> bytes:
    """Read exactly ``length`` bytes at ``offset``; fewer only at end of file."""
    data = os.pread(fd, length, offset)
    if len(data) == length or not data:
        return data
    parts = [data]
    got = len(data)
    while got < length:
        more = os.pread(fd, length - got, offset + got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def atomic_write(
    path: str | os.PathLike[str], data: bytes, *, sync: bool = True, private: bool = False
) -> None:
    """Replace ``path`` with ``data`` atomically: temp file, fsync, rename, fsync dir.

    A crash leaves either the old file or the new one, never a torn file.
    ``private`` makes the file 0600 whatever the umask (store files);
    otherwise it is created 0644 filtered by the umask (git-ai's files).
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = private_open(tmp, flags) if private else os.open(tmp, flags, 0o644)
    try:
        write_all(fd, data, 0)
        if sync:
            sync_fd(fd, data_only=False)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, target)
    if sync:
        fsync_dir(target.parent)


def network_fs_type(path: str | os.PathLike[str]) -> str | None:
    """The network filesystem type holding ``path``, or None if local/unknown.

    Reads ``/proc/self/mountinfo`` (Linux); other systems return None.
    """
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return None
    real = os.path.realpath(path)
    best_len = -1
    best_type: str | None = None
    for line in lines:
        # "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw"
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields = left.split()
        if len(fields) < 5:
            continue
        mount_point = fields[4].replace("\\040", " ")
        fstype = right.split()[0] if right.split() else ""
        if (
            real == mount_point
            or real.startswith(mount_point.rstrip("/") + "/")
            or mount_point == "/"
        ) and len(mount_point) > best_len:
            best_len = len(mount_point)
            best_type = fstype
    if best_type is not None and best_type in _NETWORK_FS:
        return best_type
    return None
