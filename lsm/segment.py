"""Segment files: creation, the single-writer append, and frame scanning.

A segment is ``segments/<id:08d>.seg``: an 80-byte header, then frames
(lsm.frame). The active segment is appended by the one process holding
the store's writer lock; sealed segments are never written again.

What can fail: ``OSError`` from the filesystem; :meth:`SegmentWriter.append`
rolls a failed or short write back (``ftruncate`` to the old end) before
re-raising, so a full disk never leaves a torn frame behind it.
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections.abc import Iterator
from pathlib import Path

from lsm import killpoints
from lsm.frame import (
    FRAME_HEADER,
    SEGMENT_HEADER,
    FrameHeader,
    FrameProblem,
    SegmentHeader,
    check_frame,
    frame_length,
)
from lsm.fsutil import fsync_dir, pread_exact, private_open, sync_fd, write_all
from lsm.record import NamedTuple

__all__ = [
    "Pointer",
    "ScanStop",
    "ScannedFrame",
    "SegmentWriter",
    "create_segment",
    "read_frame_at",
    "read_header",
    "scan_frames",
    "segment_id_of",
    "segment_path",
]

_SCAN_CHUNK = 1 << 20
_PTR = struct.Struct("<IQI")


class Pointer(NamedTuple):
    """Where a frame (or a run of consecutive frames) lives: segment, offset, length.

    In a blocked segment (compaction output of older versions) ``offset``
    is a block address (:func:`lsm.frame.block_address`).
    """

    segment: int
    offset: int
    length: int

    def pack(self) -> bytes:
        """16 bytes: u32 segment, u64 offset, u32 length (little-endian)."""
        return _PTR.pack(self.segment, self.offset, self.length)

    @classmethod
    def unpack(cls, data: bytes | memoryview, pos: int = 0) -> Pointer:
        """Decode 16 bytes written by :meth:`pack`."""
        seg, off, length = _PTR.unpack_from(data, pos)
        return cls(seg, off, length)

    def to_list(self) -> list[int]:
        """As a CBOR-friendly list."""
        return [self.segment, self.offset, self.length]

    @classmethod
    def from_list(cls, items: list[int]) -> Pointer:
        """Inverse of :meth:`to_list`."""
        return cls(int(items[0]), int(items[1]), int(items[2]))


def segment_path(segments_dir: Path, segment_id: int) -> Path:
    """The file of segment ``segment_id``."""
    return segments_dir / f"{segment_id:08d}.seg"


def segment_id_of(path: Path) -> int | None:
    """The id encoded in a segment file name, or None for other files."""
    name = path.name
    if len(name) == 12 and name.endswith(".seg") and name[:8].isdigit():
        return int(name[:8])
    return None


def create_segment(
    segments_dir: Path,
    segment_id: int,
    *,
    compacted: bool = False,
    dict_sha: bytes = bytes(32),
    body: bytes = b"",
    sync: bool = True,
) -> Path:
    """Create a segment file with its header (and optional first frames) atomically.

    Written under a temporary name, synced, renamed into place, and the
    directory synced: a crash leaves either no file or a complete one. An
    existing file of the same id (an orphan left by a crash before the index
    switch) is replaced.
    """
    header = SegmentHeader(
        segment_id, int(time.time() * 1000), compacted=compacted, dict_sha=dict_sha
    )
    path = segment_path(segments_dir, segment_id)
    tmp = path.with_name(path.name + ".tmp")
    fd = private_open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        write_all(fd, header.encode() + body, 0)
        if sync:
            sync_fd(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if sync:
        fsync_dir(segments_dir)
    return path


def read_header(fd: int) -> SegmentHeader | str:
    """Read and check the segment header of an open file."""
    return SegmentHeader.decode(pread_exact(fd, SEGMENT_HEADER, 0))


def read_frame_at(fd: int, offset: int) -> ScannedFrame | FrameProblem:
    """Read and check the one frame that starts at ``offset`` (two preads).

    Returns the frame, or why the bytes there are not a valid frame
    (SHORT_HEADER / SHORT_PAYLOAD when the file ends first).
    """
    head = pread_exact(fd, FRAME_HEADER, offset)
    if len(head) < FRAME_HEADER:
        return FrameProblem.SHORT_HEADER
    data = head + pread_exact(fd, frame_length(head, 0), offset + FRAME_HEADER)
    found = check_frame(data, 0)
    if isinstance(found, FrameProblem):
        return found
    return ScannedFrame(offset, found, data[FRAME_HEADER:])


class ScannedFrame(NamedTuple):
    """A frame found by :func:`scan_frames`: a valid header and its payload."""

    offset: int
    header: FrameHeader
    payload: bytes

    @property
    def end(self) -> int:
        """Offset just past the frame."""
        return self.offset + self.header.size


class ScanStop(NamedTuple):
    """Where a scan stopped before ``end``, and why.

    ``resume_at`` is a file offset where scanning may safely go on (the next
    block after a damaged one), when known.
    """

    offset: int
    problem: FrameProblem
    resume_at: int | None = None


def scan_frames(fd: int, start: int, end: int) -> Iterator[ScannedFrame | ScanStop]:
    """Yield the frames of ``[start, end)`` in order; a :class:`ScanStop` ends the scan.

    Reads in 1 MiB chunks, so memory is bounded by the chunk plus the
    largest frame. A frame whose CRC fails stops the scan: past a bad length
    field nothing can be trusted to be a frame boundary (LevelDB's rule).
    """
    buf = b""
    buf_start = start
    pos = start

    def fill(n: int) -> None:
        # Make buf cover [pos, pos + n) (as far as `end` allows), dropping consumed bytes.
        nonlocal buf, buf_start
        rel = pos - buf_start
        if rel + n <= len(buf):
            return
        read_from = buf_start + len(buf)
        stop = min(end, pos + max(n, _SCAN_CHUNK))
        more = pread_exact(fd, stop - read_from, read_from) if stop > read_from else b""
        buf = buf[rel:] + more
        buf_start = pos

    while pos < end:
        fill(FRAME_HEADER)
        rel = pos - buf_start
        if rel + FRAME_HEADER <= len(buf):
            length = frame_length(buf, rel)
            if pos + FRAME_HEADER + length <= end:
                fill(FRAME_HEADER + length)
                rel = pos - buf_start
        found = check_frame(buf, rel)
        if isinstance(found, FrameProblem):
            yield ScanStop(pos, found)
            return
        yield ScannedFrame(pos, found, buf[rel + FRAME_HEADER : rel + found.size])
        pos += found.size


class SegmentWriter:
    """Appends frame batches to the active segment; one instance per writer.

    :param path: the active segment file (must exist, with its header).
    """

    def __init__(self, path: Path, segment_id: int) -> None:
        self.path = path
        self.segment_id = segment_id
        self._fd = os.open(path, os.O_RDWR)

    @property
    def fd(self) -> int:
        """The read-write descriptor (for scans of the active segment; owned by this writer)."""
        return self._fd

    def size(self) -> int:
        """The current file size."""
        return os.fstat(self._fd).st_size

    def append(self, data: bytes, offset: int, *, sync: bool) -> int:
        """Write ``data`` at ``offset`` in one go and (if ``sync``) make it durable.

        Returns the new end offset. On any error the file is truncated back
        to ``offset`` (best effort) and the error re-raised, so nothing half
        written stays behind a failed append.
        """
        killpoints.reached("append.before_write")
        if killpoints.triggered("append.torn_write"):
            write_all(self._fd, data[: max(1, len(data) // 2)], offset)
            killpoints.die()
        try:
            write_all(self._fd, data, offset)
            killpoints.reached("append.after_write")
            if sync:
                sync_fd(self._fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, offset)
            raise
        killpoints.reached("append.after_sync")
        return offset + len(data)

    def truncate(self, offset: int, *, sync: bool = True) -> None:
        """Cut the file at ``offset`` (tail recovery)."""
        os.ftruncate(self._fd, offset)
        if sync:
            sync_fd(self._fd)

    def close(self) -> None:
        """Close the file descriptor (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
