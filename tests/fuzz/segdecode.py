"""An independent reader of the store's segment files, written from docs/format.md alone.

The fuzz suite checks that nothing from outside the repository reached the
store by decoding every byte the store wrote *without* lsm's code (a bug in
lsm's reader must not hide a leak): the segment header and frame layout
(sections 2.1-2.2), the masked CRC (2.3), blocked segments (2.5), zstd
(through the ``zstandard`` binding, with the segment's dictionary from
``dicts/``) and CBOR (a minimal RFC 8949 decoder below: no indefinite
lengths, as the format promises).

:func:`store_strings` yields every text and byte string of every record.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zstandard

MAGIC = b"LSMCKSEG"
HEADER = 80
FRAME = 12
FLAG_ZSTD, FLAG_DICT = 1, 2
BLOCK = 0x08
MAX_FRAME = 64 << 20


class FormatError(Exception):
    """The bytes do not follow docs/format.md."""


def masked_crc(data: bytes) -> int:
    """Section 2.3: zlib's CRC-32, masked as LevelDB does."""
    crc = zlib.crc32(data) & 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# ---------------------------------------------------------------------------------- CBOR


def cbor_loads(data: bytes) -> Any:
    """One CBOR data item (major types 0-7, definite lengths); trailing bytes are an error."""
    value, end = _item(data, 0)
    if end != len(data):
        raise FormatError(f"{len(data) - end} bytes after the CBOR item")
    return value


def _arg(data: bytes, pos: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, pos
    if info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise FormatError("CBOR argument cut off")
        return int.from_bytes(data[pos : pos + size], "big"), pos + size
    raise FormatError(f"CBOR additional info {info} (indefinite or reserved)")


def _item(data: bytes, pos: int) -> tuple[Any, int]:
    if pos >= len(data):
        raise FormatError("CBOR item cut off")
    head = data[pos]
    major, info = head >> 5, head & 31
    pos += 1
    if major == 7:
        if info == 20:
            return False, pos
        if info == 21:
            return True, pos
        if info in (22, 23):
            return None, pos
        if info == 25:
            return _half(data[pos : pos + 2]), pos + 2
        if info == 26:
            return struct.unpack(">f", data[pos : pos + 4])[0], pos + 4
        if info == 27:
            return struct.unpack(">d", data[pos : pos + 8])[0], pos + 8
        raise FormatError(f"CBOR simple value {info}")
    n, pos = _arg(data, pos, info)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major in (2, 3):
        if pos + n > len(data):
            raise FormatError("CBOR string cut off")
        raw = data[pos : pos + n]
        return (raw if major == 2 else raw.decode("utf-8", "surrogateescape")), pos + n
    if major == 4:
        items = []
        for _ in range(n):
            item, pos = _item(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        out: dict[Any, Any] = {}
        for _ in range(n):
            key, pos = _item(data, pos)
            value, pos = _item(data, pos)
            out[key if not isinstance(key, list) else tuple(key)] = value
        return out, pos
    # major 6: a tag; bignums (2, 3) carry byte strings, others are kept as (tag, value)
    value, pos = _item(data, pos)
    if n == 2 and isinstance(value, bytes):
        return int.from_bytes(value, "big"), pos
    if n == 3 and isinstance(value, bytes):
        return -1 - int.from_bytes(value, "big"), pos
    return ("tag", n, value), pos


def _half(b: bytes) -> float:
    return struct.unpack(">e", b)[0]  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------- frames


def _frames(buf: bytes, start: int, *, inner: bool) -> Iterator[tuple[int, int, bytes]]:
    """``(type, flags, payload)`` of the frames of ``buf`` from ``start``; stops at a short one."""
    pos = start
    while pos + FRAME <= len(buf):
        crc, length, ftype, flags, reserved = struct.unpack_from("<IIBBH", buf, pos)
        if length > MAX_FRAME or ftype == 0 or reserved or flags & ~3:
            raise FormatError(f"invalid frame header at {pos}")
        if inner and flags:
            raise FormatError(f"a frame inside a block has flags {flags}")
        end = pos + FRAME + length
        if end > len(buf):
            return  # a torn tail of the active segment
        if masked_crc(buf[pos + 4 : pos + FRAME] + buf[pos + FRAME : end]) != crc:
            raise FormatError(f"CRC mismatch at {pos}")
        yield ftype, flags, buf[pos + FRAME : end]
        pos = end


def segment_records(path: Path, dicts: Path) -> Iterator[tuple[int, Any]]:
    """``(type, decoded CBOR map)`` of every record in one segment file."""
    buf = path.read_bytes()
    if len(buf) < HEADER or buf[:8] != MAGIC:
        raise FormatError(f"{path}: not a segment")
    version, hlen, _flags = struct.unpack_from("<HHI", buf, 8)
    if (
        version != 1
        or hlen != HEADER
        or masked_crc(buf[:76]) != struct.unpack_from("<I", buf, 76)[0]
    ):
        raise FormatError(f"{path}: bad segment header")
    dict_sha = buf[32:64]
    dctx_plain = zstandard.ZstdDecompressor()
    dctx_dict = None
    if any(dict_sha):
        data = (dicts / f"{dict_sha.hex()}.zdict").read_bytes()
        dctx_dict = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(data))

    def payload(fflags: int, raw: bytes) -> bytes:
        if not fflags & FLAG_ZSTD:
            return raw
        dctx = dctx_dict if fflags & FLAG_DICT else dctx_plain
        if dctx is None:
            raise FormatError("a FLAG_DICT frame in a segment without a dictionary")
        return dctx.decompress(raw, max_output_size=1 << 30)

    for ftype, fflags, raw in _frames(buf, HEADER, inner=False):
        body = payload(fflags, raw)
        if ftype == BLOCK:
            for itype, _iflags, iraw in _frames(body, 0, inner=True):
                yield itype, cbor_loads(iraw)
        else:
            yield ftype, cbor_loads(body)


def store_records(store: Path) -> Iterator[tuple[int, Any]]:
    """Every record of every segment of a store directory (temp segments included)."""
    seg_dir = store / "segments"
    if not seg_dir.is_dir():
        return
    for path in sorted(seg_dir.iterdir()):
        if path.name.endswith((".seg", ".seg.tmp")):
            yield from segment_records(path, store / "dicts")


def strings(value: Any) -> Iterator[bytes]:
    """Every text (as UTF-8, surrogates escaped) and byte string inside a decoded value."""
    if isinstance(value, bytes):
        yield value
    elif isinstance(value, str):
        yield value.encode("utf-8", "surrogateescape")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)


def store_strings(store: Path) -> Iterator[bytes]:
    """Every string the store holds, decoded independently of lsm."""
    for _type, record in store_records(store):
        yield from strings(record)
