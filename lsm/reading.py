"""Reading records by pointer: one ``pread`` per frame (or per checkpoint group).

:class:`SegmentReader` caches one read-only descriptor per segment and the
zstd dictionaries segments name. A pointer into a segment that no longer
exists (the compactor replaced and unlinked it after the caller's index
snapshot) raises :class:`SegmentGone`; the store then retries with a fresh
snapshot. Bytes that fail their CRC, or a CRC-valid payload that breaks the
schema, raise :class:`~lsm.errors.CorruptRecordError`: wrong data is never
returned.
"""

from __future__ import annotations

import _thread  # the lock type threading.Lock is, without importing threading
import os
from pathlib import Path
from typing import TypeVar

from lsm.codec import Codec, Record, RecordError
from lsm.errors import CorruptRecordError
from lsm.frame import (
    FRAME_HEADER,
    FrameProblem,
    RecordType,
    SegmentHeader,
    check_frame,
    split_block_address,
)
from lsm.fsutil import pread_exact
from lsm.segment import Pointer, read_frame_at, read_header, segment_path

__all__ = ["SegmentGone", "SegmentReader", "dict_path"]

R = TypeVar("R")


class SegmentGone(Exception):
    """The pointer's segment file does not exist (replaced by compaction)."""


def dict_path(root: Path, sha: bytes) -> Path:
    """Where a zstd dictionary with this sha256 lives."""
    return root / "dicts" / f"{sha.hex()}.zdict"


class SegmentReader:
    """Reads frames of a store's segments.

    :param root: the store directory (``segments/`` and ``dicts/`` inside).
    :param codec: decodes payloads; dictionaries are loaded into it.
    """

    def __init__(self, root: Path, codec: Codec) -> None:
        self.root = root
        self.segments_dir = root / "segments"
        self.codec = codec
        self._fds: dict[int, tuple[int, SegmentHeader]] = {}
        self._lock = _thread.allocate_lock()
        # The last decompressed block: history and dump reads walk blocks in order.
        self._block: tuple[int, int, bytes] | None = None

    def open_segment(self, segment: int) -> tuple[int, SegmentHeader]:
        """The cached read-only descriptor and checked header of ``segment``.

        The descriptor belongs to the reader (closed by :meth:`forget` and
        :meth:`close`); the segment's dictionary is loaded into the codec.

        :raises SegmentGone: no such segment file.
        :raises CorruptRecordError: a bad header or a missing dictionary.
        """
        found = self._fds.get(segment)
        if found is not None:
            return found
        with self._lock:
            found = self._fds.get(segment)
            if found is not None:
                return found
            path = segment_path(self.segments_dir, segment)
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                # A compaction that committed but crashed before renaming its
                # output leaves the (complete, synced) file under its temp name.
                try:
                    fd = os.open(path.with_name(path.name + ".tmp"), os.O_RDONLY)
                except FileNotFoundError:
                    raise SegmentGone(segment) from None
            header = read_header(fd)
            if isinstance(header, str):
                os.close(fd)
                raise CorruptRecordError(header, segment=segment, offset=0)
            if header.has_dict and not self.codec.has_dictionary(header.dict_sha):
                try:
                    data = dict_path(self.root, header.dict_sha).read_bytes()
                    self.codec.add_dictionary(header.dict_sha, data)
                except OSError:
                    os.close(fd)
                    raise CorruptRecordError(
                        f"zstd dictionary {header.dict_sha.hex()[:16]} is missing",
                        segment=segment,
                        offset=0,
                        hint="Restore dicts/ from a backup; the segment cannot be read without it.",
                    ) from None
            self._fds[segment] = (fd, header)
            return fd, header

    def header(self, segment: int) -> SegmentHeader:
        """The segment's header (opens the file if needed)."""
        return self.open_segment(segment)[1]

    def read_raw(self, ptr: Pointer) -> bytes:
        """The bytes of ``ptr`` (one pread; for blocked segments, from the decompressed block)."""
        fd, header = self.open_segment(ptr.segment)
        if header.blocked:
            block_off, inner = split_block_address(ptr.offset)
            block = self._read_block(fd, header, ptr.segment, block_off)
            return block[inner : inner + ptr.length]
        return pread_exact(fd, ptr.length, ptr.offset)

    def _read_block(self, fd: int, header: SegmentHeader, segment: int, block_off: int) -> bytes:
        cached = self._block
        if cached is not None and cached[0] == segment and cached[1] == block_off:
            return cached[2]
        found = read_frame_at(fd, block_off)
        if isinstance(found, FrameProblem):
            raise CorruptRecordError(f"block: {found.value}", segment=segment, offset=block_off)
        if found.header.type != RecordType.BLOCK:
            raise CorruptRecordError(
                "pointer names a frame that is not a block", segment=segment, offset=block_off
            )
        try:
            block = self.codec.decompress(
                found.header.flags, found.payload, header.dict_sha if header.has_dict else None
            )
        except RecordError as exc:
            raise CorruptRecordError(f"block: {exc}", segment=segment, offset=block_off) from None
        self._block = (segment, block_off, block)
        return block

    def read_records(self, ptr: Pointer) -> list[tuple[int, Record | None]]:
        """Decode every frame in ``ptr``'s range: ``(pointer offset, record)`` pairs.

        :raises CorruptRecordError: a frame is cut short, fails its CRC, or
            does not decode.
        :raises SegmentGone: the segment was unlinked.
        """
        fd, header = self.open_segment(ptr.segment)
        dict_sha = header.dict_sha if header.has_dict else None
        base = ptr.offset
        if header.blocked:
            block_off, inner = split_block_address(ptr.offset)
            data = self._read_block(fd, header, ptr.segment, block_off)[inner : inner + ptr.length]
            short = len(data) < ptr.length
        else:
            data = pread_exact(fd, ptr.length, ptr.offset)
            short = len(data) < ptr.length
        out: list[tuple[int, Record | None]] = []
        pos = 0
        while pos < len(data):
            found = check_frame(data, pos)
            if isinstance(found, FrameProblem):
                what = (
                    f"frame expected here but the segment ends early ({found.value})"
                    if short
                    else found.value
                )
                raise CorruptRecordError(what, segment=ptr.segment, offset=base + pos)
            payload = data[pos + FRAME_HEADER : pos + found.size]
            try:
                obj = self.codec.unpack(found.flags, payload, dict_sha)
                record = self.codec.decode(found.type, obj)
            except RecordError as exc:
                raise CorruptRecordError(str(exc), segment=ptr.segment, offset=base + pos) from None
            out.append((base + pos, record))
            pos += found.size
        if not out:
            raise CorruptRecordError(
                "no frame at this pointer", segment=ptr.segment, offset=ptr.offset
            )
        return out

    def read_record(self, ptr: Pointer) -> Record | None:
        """Decode the single frame at ``ptr``."""
        return self.read_records(ptr)[0][1]

    def read_typed(self, ptr: Pointer, rtype: type[R], what: str) -> R:
        """The record at ``ptr``, which must be a ``rtype`` (``what`` names it in the error).

        :raises CorruptRecordError: the frame is bad or holds another record type.
        """
        rec = self.read_record(ptr)
        if not isinstance(rec, rtype):
            raise CorruptRecordError(
                f"index points at a frame that is not {what}",
                segment=ptr.segment,
                offset=ptr.offset,
            )
        return rec

    def forget(self, segment: int) -> None:
        """Close a cached descriptor (after the segment is replaced)."""
        with self._lock:
            found = self._fds.pop(segment, None)
            if self._block is not None and self._block[0] == segment:
                self._block = None
        if found is not None:
            os.close(found[0])

    def close(self) -> None:
        """Close every cached descriptor."""
        with self._lock:
            fds, self._fds = self._fds, {}
            self._block = None
        for fd, _ in fds.values():
            os.close(fd)
