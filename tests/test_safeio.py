"""lsm.safeio: files someone else wrote are read only when they are regular and small enough."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from lsm.errors import UnreadableFileError
from lsm.safeio import open_regular, read_regular


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    # A regression would block in open() on a FIFO: fail the test instead of hanging the run.
    def expired(*_: object) -> None:
        raise TimeoutError("a safeio call blocked")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _refused(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(UnreadableFileError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    assert info.value.hint  # every refusal carries the family's hint
    return info.value.reason


def test_regular_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_bytes(b'{"model": "x"}')
    assert read_regular(f, 100) == b'{"model": "x"}'
    assert read_regular(f, 14) == b'{"model": "x"}'  # exactly at the cap
    with open_regular(f) as handle:
        assert handle.read() == b'{"model": "x"}'


def test_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "big"
    f.write_bytes(b"x" * 15)
    assert _refused(read_regular, f, 14) == "is 15 bytes, over the 14-byte limit"
    sparse = tmp_path / "sparse"
    with sparse.open("wb") as out:
        out.truncate(2 << 30)  # 2 GiB of holes: refused from its size alone
    assert "over the 1048576-byte limit" in _refused(read_regular, sparse, 1 << 20)
    assert "over" in _refused(open_regular, sparse, max_bytes=1 << 20)


def test_a_file_that_grows_past_the_cap_while_read_is_refused() -> None:
    # /proc files claim size 0 and then deliver more: the read itself is capped.
    assert "grew past the 10-byte limit" in _refused(read_regular, "/proc/self/status", 10)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "settings.json"
    os.mkfifo(fifo)
    assert _refused(read_regular, fifo, 100) == "is a FIFO, not a regular file"
    assert _refused(open_regular, fifo) == "is a FIFO, not a regular file"


def test_devices_directories_and_sockets_are_refused(tmp_path: Path) -> None:
    assert _refused(read_regular, "/dev/zero", 100) == "is a character device, not a regular file"
    link = tmp_path / "zero"
    link.symlink_to("/dev/zero")
    assert "character device" in _refused(read_regular, link, 100)  # followed, then refused
    assert _refused(read_regular, tmp_path, 100) == "is a directory, not a regular file"
    sock_path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert _refused(read_regular, sock_path, 100) == "is a socket, not a regular file"


def test_symlinks_are_not_followed_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "passwd"
    target.write_bytes(b"root:x:0:0\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert read_regular(link, 100) == b"root:x:0:0\n"
    assert _refused(read_regular, link, 100, follow_symlinks=False) == (
        "is a symbolic link (not followed)"
    )


def test_nofollow_below_confines_every_component(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"canary")
    wl = tmp_path / "wl"
    (wl / "real").mkdir(parents=True)
    (wl / "real" / "ok").write_bytes(b"inside")
    (wl / "blobs").symlink_to(outside)
    (wl / "real" / "link").symlink_to(outside / "secret")
    assert read_regular(wl / "real" / "ok", 100, nofollow_below=wl) == b"inside"
    assert "reaches through the symbolic link 'blobs'" in _refused(
        read_regular, wl / "blobs" / "secret", 100, nofollow_below=wl
    )
    assert "symbolic link" in _refused(read_regular, wl / "real" / "link", 100, nofollow_below=wl)
    assert "is not inside" in _refused(read_regular, outside / "secret", 100, nofollow_below=wl)
    assert "is not inside" in _refused(read_regular, wl / ".." / "x", 100, nofollow_below=wl)


def test_missing_files_raise_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "nope", 10)
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(FileNotFoundError):  # ENOTDIR: a component is a file
        read_regular(tmp_path / "file" / "x", 10)
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path / "a" / "b", 10, nofollow_below=tmp_path)
    assert read_regular(tmp_path / "file", 10) == b""


def test_bad_paths_are_refused() -> None:
    assert _refused(read_regular, "a\x00b", 10) == "contains a NUL byte"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "locked"
    f.write_bytes(b"x")
    f.chmod(0)
    assert _refused(read_regular, f, 10) == "cannot be opened: Permission denied"


def test_list_dir_does_not_follow_links_below(tmp_path: Path) -> None:
    from lsm.safeio import list_dir

    wl = tmp_path / "wl"
    (wl / "blobs").mkdir(parents=True)
    (wl / "blobs" / "x").write_bytes(b"")
    (wl / "linked").symlink_to(wl / "blobs")
    (wl / "file").write_bytes(b"")
    assert list_dir(wl / "blobs", nofollow_below=wl) == ["x"]
    assert list_dir(wl / "linked") == ["x"]  # links are followed without a confinement
    assert _refused(list_dir, wl / "linked", nofollow_below=wl) == (
        "is a symbolic link (not followed)"
    )
    assert _refused(list_dir, wl / "file", nofollow_below=wl) == (
        "is a regular file, not a directory"
    )
    with pytest.raises(FileNotFoundError):
        list_dir(wl / "none", nofollow_below=wl)
