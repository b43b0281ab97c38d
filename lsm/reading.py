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

import os
import threading
from pathlib import Path

from lsm.codec import Codec, Record, RecordError
from lsm.errors import CorruptRecordError
from lsm.frame import FRAME_HEADER, FrameProblem, check_frame
from lsm.fsutil import pread_exact
from lsm.index import Pointer
from lsm.segment import read_header, segment_path

__all__ = ["SegmentGone", "SegmentReader", "dict_path"]


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
        self._fds: dict[int, tuple[int, bytes | None]] = {}
        self._lock = threading.Lock()

    def _open(self, segment: int) -> tuple[int, bytes | None]:
        found = self._fds.get(segment)
        if found is not None:
            return found
        with self._lock:
            found = self._fds.get(segment)
            if found is not None:
                return found
            try:
                fd = os.open(segment_path(self.segments_dir, segment), os.O_RDONLY)
            except FileNotFoundError:
                raise SegmentGone(segment) from None
            header = read_header(fd)
            if isinstance(header, str):
                os.close(fd)
                raise CorruptRecordError(header, segment=segment, offset=0)
            dict_sha = header.dict_sha if header.has_dict else None
            if dict_sha is not None and not self.codec.has_dictionary(dict_sha):
                try:
                    data = dict_path(self.root, dict_sha).read_bytes()
                    self.codec.add_dictionary(dict_sha, data)
                except OSError:
                    os.close(fd)
                    raise CorruptRecordError(
                        f"zstd dictionary {dict_sha.hex()[:16]} is missing",
                        segment=segment,
                        offset=0,
                        hint="Restore dicts/ from a backup; the segment cannot be read without it.",
                    ) from None
            self._fds[segment] = (fd, dict_sha)
            return fd, dict_sha

    def read_raw(self, ptr: Pointer) -> bytes:
        """The bytes of ``ptr`` (one pread)."""
        fd, _ = self._open(ptr.segment)
        return pread_exact(fd, ptr.length, ptr.offset)

    def read_records(self, ptr: Pointer) -> list[tuple[int, Record | None]]:
        """Decode every frame in ``ptr``'s range: ``(absolute offset, record)`` pairs.

        :raises CorruptRecordError: a frame is cut short, fails its CRC, or
            does not decode.
        :raises SegmentGone: the segment was unlinked.
        """
        fd, dict_sha = self._open(ptr.segment)
        data = pread_exact(fd, ptr.length, ptr.offset)
        out: list[tuple[int, Record | None]] = []
        pos = 0
        while pos < len(data):
            found = check_frame(data, pos)
            if isinstance(found, FrameProblem):
                if len(data) < ptr.length:
                    # The file is shorter than the index believes.
                    raise CorruptRecordError(
                        f"frame expected here but the segment ends early ({found.value})",
                        segment=ptr.segment,
                        offset=ptr.offset + pos,
                    )
                raise CorruptRecordError(found.value, segment=ptr.segment, offset=ptr.offset + pos)
            payload = data[pos + FRAME_HEADER : pos + found.size]
            try:
                obj = self.codec.unpack(found.flags, payload, dict_sha)
                record = self.codec.decode(found.type, obj)
            except RecordError as exc:
                raise CorruptRecordError(
                    str(exc), segment=ptr.segment, offset=ptr.offset + pos
                ) from None
            out.append((ptr.offset + pos, record))
            pos += found.size
        if not out:
            raise CorruptRecordError(
                "no frame at this pointer", segment=ptr.segment, offset=ptr.offset
            )
        return out

    def read_record(self, ptr: Pointer) -> Record | None:
        """Decode the single frame at ``ptr``."""
        return self.read_records(ptr)[0][1]

    def forget(self, segment: int) -> None:
        """Close a cached descriptor (after the segment is replaced)."""
        with self._lock:
            found = self._fds.pop(segment, None)
        if found is not None:
            os.close(found[0])

    def close(self) -> None:
        """Close every cached descriptor."""
        with self._lock:
            fds, self._fds = self._fds, {}
        for fd, _ in fds.values():
            os.close(fd)
