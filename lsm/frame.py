"""Byte layout of segment files: the segment header and record frames.

Everything is little-endian. See docs/format.md for the full description.

Segment header (80 bytes)::

    0   8  magic           b"LSMCKSEG"
    8   2  format version  u16 (FORMAT_VERSION)
    10  2  header length   u16 (80)
    12  4  flags           u32, bit 0: written by the compactor
    16  8  segment id      u64
    24  8  created         u64, unix milliseconds
    32 32  dictionary      sha256 of the zstd dictionary file, or 32 zero bytes
    64 12  reserved        zero
    76  4  crc             masked CRC-32 of bytes 0..76

Frame (12-byte header, then the payload)::

    0   4  crc             masked CRC-32 of bytes 4..12 of the header + payload
    4   4  length          u32, payload length
    8   1  type            record type; bit 7 set = safe to ignore if unknown
    9   1  flags           bit 0: payload is a zstd frame; bit 1: zstd uses the
                           segment's dictionary; other bits zero
    10  2  reserved        zero

The CRC is ours: CBOR and zstd decode most bit flips silently, so neither is
trusted to detect damage. It is masked as in LevelDB (rotate right 15, add a
constant) so that a payload holding frames of its own has no CRC fixed point.
"""

from __future__ import annotations

import enum
import struct
import zlib

from lsm.record import NamedTuple

__all__ = [
    "BLOCK_SHIFT",
    "FLAG_DICT",
    "FLAG_ZSTD",
    "FORMAT_VERSION",
    "FRAME_HEADER",
    "MAX_PAYLOAD",
    "SAFE_TO_IGNORE",
    "SEGMENT_HEADER",
    "SEGMENT_MAGIC",
    "FrameHeader",
    "FrameProblem",
    "RecordType",
    "SegmentHeader",
    "block_address",
    "check_frame",
    "encode_frame",
    "frame_length",
    "mask_crc",
    "split_block_address",
]

#: On-disk format version, written in every segment header and in the index meta.
FORMAT_VERSION = 1
SEGMENT_MAGIC = b"LSMCKSEG"
#: Size in bytes of the segment header.
SEGMENT_HEADER = 80
#: Size in bytes of a frame header.
FRAME_HEADER = 12
#: Largest payload a frame may carry (64 MiB); a longer length field is damage.
MAX_PAYLOAD = 64 << 20
#: Type bit: a reader that does not know this type may skip the frame.
SAFE_TO_IGNORE = 0x80

FLAG_ZSTD = 0x01
FLAG_DICT = 0x02
_KNOWN_FLAGS = FLAG_ZSTD | FLAG_DICT

_FRAME = struct.Struct("<IIBBH")
_SEG = struct.Struct("<8sHHIQQ32s12sI")
_MASK_DELTA = 0xA282EAD8


class RecordType(enum.IntEnum):
    """Record types of format version 1."""

    CHECKPOINT = 0x01  #: checkpoint header; its entries follow it
    ENTRY = 0x02  #: one file entry of the preceding checkpoint
    BLOB = 0x03  #: file content, addressed by sha256
    LOG_EVENT = 0x04  #: working-log lifecycle: create, reset, rename, merge, archive, drop
    INITIAL = 0x05  #: a working log's INITIAL attributions (whole replacement)
    TRANSCRIPT = 0x06  #: a batch of parsed transcript messages of one agent session
    SEGMENT_INFO = 0x07  #: first frame of a compacted segment: what it replaces
    BLOCK = 0x08  #: a zstd-compressed run of uncompressed frames (compacted segments)
    NOTE = 0x81  #: free-form note; safe to ignore (also used as padding)
    BATCH = 0x82  #: the next ``n`` frames are one atomic write (safe to ignore)
    REPAIR = 0x83  #: written over damaged bytes by a repair: what was lost (safe to ignore)


#: In a blocked segment a pointer's offset is ``block offset << BLOCK_SHIFT | offset
#: of the frame inside the decompressed block``.
BLOCK_SHIFT = 24


def block_address(block_offset: int, inner: int) -> int:
    """The pointer offset of a frame at ``inner`` in the block frame at ``block_offset``."""
    return (block_offset << BLOCK_SHIFT) | inner


def split_block_address(offset: int) -> tuple[int, int]:
    """Inverse of :func:`block_address`: ``(block offset, inner offset)``."""
    return offset >> BLOCK_SHIFT, offset & ((1 << BLOCK_SHIFT) - 1)


def mask_crc(crc: int) -> int:
    """LevelDB's CRC mask: rotate right by 15 bits and add a constant."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


class FrameHeader(NamedTuple):
    """A decoded frame header."""

    crc: int
    length: int
    type: int
    flags: int

    @property
    def size(self) -> int:
        """Total frame size: header plus payload."""
        return FRAME_HEADER + self.length


def encode_frame(rtype: int, payload: bytes, flags: int = FLAG_ZSTD) -> bytes:
    """Frame ``payload`` (already compressed if ``flags`` says so)."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds the frame limit")
    tail = _FRAME.pack(0, len(payload), rtype, flags, 0)[4:]
    crc = mask_crc(zlib.crc32(payload, zlib.crc32(tail)))
    return struct.pack("<I", crc) + tail + payload


class FrameProblem(enum.Enum):
    """Why bytes at some offset are not a valid frame."""

    SHORT_HEADER = "the header runs past the end of the data"
    BAD_LENGTH = "the length field is impossible"
    SHORT_PAYLOAD = "the payload runs past the end of the data"
    BAD_CRC = "the CRC does not match"
    BAD_FLAGS = "unknown flag bits are set"


def frame_length(buf: bytes | memoryview, pos: int) -> int:
    """The payload length a frame header at ``buf[pos:]`` claims (unchecked; header must fit)."""
    return int.from_bytes(buf[pos + 4 : pos + 8], "little")


def check_frame(buf: bytes | memoryview, pos: int) -> FrameHeader | FrameProblem:
    """Validate the frame starting at ``buf[pos:]``.

    Returns the header when the whole frame is present and its CRC matches,
    else the problem. A frame cut by the end of ``buf`` gives SHORT_HEADER or
    SHORT_PAYLOAD, which at the end of an active segment means a torn write.
    """
    end = len(buf)
    if pos + FRAME_HEADER > end:
        return FrameProblem.SHORT_HEADER
    crc, length, rtype, flags, reserved = _FRAME.unpack_from(buf, pos)
    if length > MAX_PAYLOAD or rtype == 0:
        return FrameProblem.BAD_LENGTH
    stop = pos + FRAME_HEADER + length
    if stop > end:
        return FrameProblem.SHORT_PAYLOAD
    view = memoryview(buf)
    actual = mask_crc(
        zlib.crc32(view[pos + FRAME_HEADER : stop], zlib.crc32(view[pos + 4 : pos + FRAME_HEADER]))
    )
    if actual != crc:
        return FrameProblem.BAD_CRC
    if flags & ~_KNOWN_FLAGS or reserved:
        return FrameProblem.BAD_FLAGS
    return FrameHeader(crc, length, rtype, flags)


class SegmentHeader(NamedTuple):
    """A decoded segment header."""

    segment_id: int
    created_ms: int
    compacted: bool = False
    dict_sha: bytes = bytes(32)
    version: int = FORMAT_VERSION
    #: Records live inside BLOCK frames; pointers use block addressing.
    blocked: bool = False

    @property
    def has_dict(self) -> bool:
        """True when frames flagged FLAG_DICT need the dictionary ``dict_sha``."""
        return self.dict_sha != bytes(32)

    def encode(self) -> bytes:
        """The 80 header bytes."""
        body = _SEG.pack(
            SEGMENT_MAGIC,
            self.version,
            SEGMENT_HEADER,
            (1 if self.compacted else 0) | (2 if self.blocked else 0),
            self.segment_id,
            self.created_ms,
            self.dict_sha,
            bytes(12),
            0,
        )[:-4]
        return body + struct.pack("<I", mask_crc(zlib.crc32(body)))

    @classmethod
    def decode(cls, data: bytes) -> SegmentHeader | str:
        """Decode header bytes; returns a problem description when they are bad."""
        if len(data) < SEGMENT_HEADER:
            return "the segment header is truncated"
        magic, version, hlen, flags, seg_id, created, dict_sha, _res, crc = _SEG.unpack_from(
            data, 0
        )
        if magic != SEGMENT_MAGIC:
            return "bad magic: not a segment file"
        if mask_crc(zlib.crc32(data[: SEGMENT_HEADER - 4])) != crc:
            return "the segment header CRC does not match"
        if version > FORMAT_VERSION or hlen != SEGMENT_HEADER:
            return f"format version {version} is newer than this reader ({FORMAT_VERSION})"
        return cls(seg_id, created, bool(flags & 1), dict_sha, version, bool(flags & 2))
