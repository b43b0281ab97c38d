"""Reading a file this program did not create, without hanging or reading without end.

Transcripts, agent settings, configuration files and git-ai's legacy files
are written by someone else, and any of them may turn out to be a FIFO
(``open`` blocks until a writer appears: forever), a device (``/dev/zero``
reads until memory runs out), a symbolic link to a file elsewhere, or a
sparse file of gigabytes. Every such read goes through this module:

1. ``stat`` the path first (``lstat`` when links are not followed): anything
   but a regular file is refused before it is opened, since opening a FIFO
   or a device can block or have effects;
2. ``open`` it ``O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC`` (plus
   ``O_NOFOLLOW`` when links are not followed), so that a FIFO swapped in
   after the ``stat`` cannot block the open either;
3. ``fstat`` the descriptor: it must be a regular file;
4. refuse a file over the size cap before reading a byte, and read at most
   one byte past the cap (a file that grows while it is read is refused too).

``nofollow_below=DIR`` confines a path: every component after ``DIR`` is
opened relative to its parent's descriptor with ``O_NOFOLLOW``, so no
symbolic link anywhere below ``DIR`` (a ``blobs`` directory that points at
``/etc``, say) is followed, and a path that is not lexically inside ``DIR``
is refused.

What can fail, and how: a missing file (``ENOENT``, ``ENOTDIR``) raises
:class:`FileNotFoundError`, since callers usually treat it as "absent";
every other refusal raises :class:`~lsm.errors.UnreadableFileError` with one
reason (``is a FIFO``, ``is a symbolic link``, ``is 2147483648 bytes, over
the 1048576-byte limit``, ``cannot be opened: Permission denied``). Nothing
here writes. Descriptors are closed on every path out.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from lsm.errors import UnreadableFileError

__all__ = ["describe_mode", "list_dir", "open_regular", "read_regular"]

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_MISSING = (errno.ENOENT, errno.ENOTDIR)

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def describe_mode(mode: int) -> str:
    """What a file is, in words (``a FIFO``, ``a character device``, ``a regular file``...)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def _refuse(path: str, reason: str) -> UnreadableFileError:
    return UnreadableFileError(path, reason)


def _os_error(path: str, exc: OSError, *, nofollow: bool) -> Exception:
    if exc.errno in _MISSING:
        return FileNotFoundError(exc.errno, exc.strerror, path)
    if exc.errno == errno.ELOOP and nofollow:
        return _refuse(path, "is a symbolic link (not followed)")
    return _refuse(path, f"cannot be opened: {exc.strerror}")


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _walk_below(path: str, below: str) -> tuple[int, str]:
    """A descriptor of ``path``'s parent reached from ``below`` without following links.

    Returns ``(dir_fd, last component)``; the caller closes ``dir_fd``.
    """
    root = os.path.abspath(below)
    full = os.path.abspath(path)
    rel = os.path.relpath(full, root)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise _refuse(path, f"is not inside {root}")
    parts = rel.split(os.sep)
    try:
        fd = os.open(root, _DIR_FLAGS)
    except OSError as exc:
        raise _os_error(root, exc, nofollow=False) from None
    for part in parts[:-1]:
        try:
            nxt = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
        except OSError as exc:
            link = exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(part, fd)
            os.close(fd)
            if link:
                raise _refuse(path, f"reaches through the symbolic link {part!r}") from None
            raise _os_error(path, exc, nofollow=True) from None
        os.close(fd)
        fd = nxt
    return fd, parts[-1]


def _open_fd(
    path: str | os.PathLike[str],
    *,
    follow_symlinks: bool,
    nofollow_below: str | os.PathLike[str] | None,
    max_bytes: int | None,
) -> tuple[int, int]:
    """Open ``path`` as checked above; returns ``(fd, size)``."""
    try:
        name = os.fspath(path)
    except TypeError as exc:
        raise _refuse(repr(path), f"is not a path ({exc})") from None
    shown = name
    if "\x00" in name:
        raise _refuse(repr(name), "contains a NUL byte")
    dir_fd: int | None = None
    follow = follow_symlinks
    if nofollow_below is not None:
        dir_fd, name = _walk_below(name, os.fspath(nofollow_below))
        follow = False
    try:
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=follow)
        except OSError as exc:
            raise _os_error(shown, exc, nofollow=not follow) from None
        if stat.S_ISLNK(st.st_mode):
            raise _refuse(shown, "is a symbolic link (not followed)")
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(shown, f"is {describe_mode(st.st_mode)}, not a regular file")
        flags = _FLAGS if follow else _FLAGS | os.O_NOFOLLOW
        try:
            fd = os.open(name, flags, dir_fd=dir_fd)
        except OSError as exc:
            raise _os_error(shown, exc, nofollow=not follow) from None
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped in after the stat
            raise _refuse(shown, f"is {describe_mode(st.st_mode)}, not a regular file")
        if max_bytes is not None and st.st_size > max_bytes:
            raise _refuse(shown, f"is {st.st_size} bytes, over the {max_bytes}-byte limit")
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def open_regular(
    path: str | os.PathLike[str],
    *,
    follow_symlinks: bool = True,
    nofollow_below: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
    buffering: int = -1,
) -> BinaryIO:
    """Open a regular file for reading, refusing anything else (see the module docstring).

    :param follow_symlinks: follow a symbolic link in the last component.
    :param nofollow_below: follow no link below this directory; the path must lie in it.
    :param max_bytes: refuse a file larger than this (checked before any read;
        the caller reads at most what it needs).
    :returns: a binary file object (the caller closes it).
    :raises FileNotFoundError: the file does not exist.
    :raises UnreadableFileError: anything else that stops it from being read.
    """
    fd, _size = _open_fd(
        path, follow_symlinks=follow_symlinks, nofollow_below=nofollow_below, max_bytes=max_bytes
    )
    try:
        return os.fdopen(fd, "rb", buffering=buffering)
    except BaseException:
        os.close(fd)
        raise


def read_regular(
    path: str | os.PathLike[str],
    max_bytes: int,
    *,
    follow_symlinks: bool = True,
    nofollow_below: str | os.PathLike[str] | None = None,
) -> bytes:
    """The whole content of a regular file of at most ``max_bytes`` bytes.

    Reads at most ``max_bytes + 1`` bytes whatever the file claims to hold.

    :raises FileNotFoundError: the file does not exist.
    :raises UnreadableFileError: not a regular file, a refused link, over
        ``max_bytes`` (also when it grew while being read), or an I/O error.
    """
    fd, size = _open_fd(
        path, follow_symlinks=follow_symlinks, nofollow_below=nofollow_below, max_bytes=max_bytes
    )
    try:
        chunks: list[bytes] = []
        got = 0
        want = max_bytes + 1
        while got < want:
            try:
                chunk = os.read(fd, min(want - got, max(size - got, 0) + 1, 1 << 20))
            except OSError as exc:
                raise _refuse(os.fspath(path), f"cannot be read: {exc.strerror}") from None
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    if got > max_bytes:
        raise _refuse(os.fspath(path), f"grew past the {max_bytes}-byte limit while being read")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def list_dir(
    path: str | os.PathLike[str], *, nofollow_below: str | os.PathLike[str] | None = None
) -> list[str]:
    """The names in a directory (unsorted), not following links below ``nofollow_below``.

    With ``nofollow_below=None`` the directory may be reached through links.

    :raises FileNotFoundError: the directory does not exist.
    :raises UnreadableFileError: it is a symbolic link (below ``nofollow_below``),
        not a directory, or cannot be opened.
    """
    shown = os.fspath(path)
    if "\x00" in shown:
        raise _refuse(repr(shown), "contains a NUL byte")
    flags = _DIR_FLAGS
    dir_fd: int | None = None
    name = shown
    if nofollow_below is not None:
        dir_fd, name = _walk_below(shown, os.fspath(nofollow_below))
        flags |= os.O_NOFOLLOW
    try:
        try:
            fd = os.open(name, flags, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                try:
                    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                except OSError:
                    raise _os_error(shown, exc, nofollow=True) from None
                if stat.S_ISLNK(st.st_mode):
                    raise _refuse(shown, "is a symbolic link (not followed)") from None
                raise _refuse(shown, f"is {describe_mode(st.st_mode)}, not a directory") from None
            raise _os_error(shown, exc, nofollow=dir_fd is not None) from None
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    try:
        return os.listdir(fd)
    except OSError as exc:
        raise _refuse(shown, f"cannot be listed: {exc.strerror}") from None
    finally:
        os.close(fd)
