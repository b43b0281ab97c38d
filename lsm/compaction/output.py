"""Writing compacted segments: records packed into zstd blocks with a dictionary.

A compacted segment is a *blocked* segment (header flag bit 1): after the
header and one SEGMENT_INFO frame come BLOCK frames, each a zstd frame
(compressed with the store-trained dictionary) of uncompressed inner
frames. An inner frame keeps its own CRC. Records that belong together (a
checkpoint and its entries) never straddle two blocks, so one block read
returns a whole checkpoint.

Output files are written under ``<id>.seg.tmp`` and synced; the compactor
renames them only after the index switch committed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

from lsm.codec import Codec
from lsm.frame import (
    FLAG_DICT,
    FLAG_ZSTD,
    RecordType,
    SegmentHeader,
    block_address,
    encode_frame,
)
from lsm.fsutil import private_open, sync_fd, write_all
from lsm.segment import Pointer, segment_path

__all__ = ["BlockWriter", "OutputSegment", "inner_frame"]

#: Called with the pointers of a unit's frames once its block is written.
Placed = Callable[[list[Pointer]], None]


@dataclass(slots=True)
class OutputSegment:
    """One output file of a compaction."""

    segment_id: int
    tmp_path: Path
    size: int = 0
    records: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    checkpoints: int = 0
    logical: int = 0


@dataclass(slots=True)
class _Pending:
    frames: list[bytes] = field(default_factory=list)
    callbacks: list[tuple[int, int, Placed]] = field(default_factory=list)  # (first, count, cb)
    seqs: list[int] = field(default_factory=list)
    checkpoints: int = 0
    size: int = 0


class BlockWriter:
    """Packs units of inner frames into blocks and blocks into output segments.

    :param allocate: returns a fresh segment id (reserved in the index).
    :param replaces: ids of the input segments (recorded in SEGMENT_INFO).
    :param dict_data: the zstd dictionary, or None.
    :param dict_sha: its sha256 (32 bytes), or 32 zero bytes.
    :param dry_run: compress and count, but write nothing.
    """

    def __init__(
        self,
        segments_dir: Path,
        codec: Codec,
        allocate: Callable[[], int],
        replaces: list[int],
        policy: str,
        *,
        dict_data: bytes | None,
        dict_sha: bytes,
        block_bytes: int = 0,
        segment_bytes: int = 64 << 20,
        level: int = 3,
        sync: bool = True,
        dry_run: bool = False,
    ) -> None:
        self.segments_dir = segments_dir
        self.codec = codec
        self.allocate = allocate
        self.replaces = replaces
        self.policy = policy
        #: Every output's records are in seq order (set by the compactor: see SegmentInfoRecord).
        self.ordered = False
        self.dict_sha = dict_sha if dict_data is not None else bytes(32)
        self.block_bytes = block_bytes
        self.segment_bytes = segment_bytes
        self.sync = sync
        self.dry_run = dry_run
        zdict = zstandard.ZstdCompressionDict(dict_data) if dict_data is not None else None
        self._cctx = zstandard.ZstdCompressor(level=level, dict_data=zdict, write_content_size=True)
        self._flags = FLAG_ZSTD | (FLAG_DICT if dict_data is not None else 0)
        self.outputs: list[OutputSegment] = []
        self._fd = -1
        self._current: OutputSegment | None = None
        self._pending = _Pending()
        self.bytes_written = 0

    # ------------------------------------------------------------------ files

    def _open_next(self) -> OutputSegment:
        # A dry run numbers its imaginary outputs 0; nothing is written.
        sid = 0 if self.dry_run else self.allocate()
        path = segment_path(self.segments_dir, sid)
        tmp = path.with_name(path.name + ".tmp")
        header = SegmentHeader(
            sid,
            int(time.time() * 1000),
            compacted=True,
            dict_sha=self.dict_sha,
            blocked=True,
        ).encode()
        info = self.codec.segment_info_frame(
            self.replaces, self.policy, int(time.time() * 1000), ordered=self.ordered
        )
        out = OutputSegment(sid, tmp, size=len(header) + len(info))
        if not self.dry_run:
            self._fd = private_open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            write_all(self._fd, header + info, 0)
        self.outputs.append(out)
        self._current = out
        return out

    def _close_current(self) -> None:
        if self._fd >= 0:
            if self.sync:
                sync_fd(self._fd)
            os.close(self._fd)
            self._fd = -1
        self._current = None

    # ------------------------------------------------------------------ blocks

    def add(
        self,
        frames: list[bytes],
        on_placed: Placed,
        seq: int | None = None,
        *,
        checkpoint: bool = False,
    ) -> None:
        """Queue one unit (frames that must stay together); ``on_placed`` gets their pointers."""
        size = sum(len(f) for f in frames)
        p = self._pending
        if p.frames and (p.size + size > self.block_bytes or size > self.block_bytes // 2):
            self._flush_block()
            p = self._pending
        p.callbacks.append((len(p.frames), len(frames), on_placed))
        p.frames.extend(frames)
        p.size += size
        if seq is not None:
            p.seqs.append(seq)
        p.checkpoints += 1 if checkpoint else 0
        if p.size >= self.block_bytes:
            self._flush_block()

    def _flush_block(self) -> None:
        p = self._pending
        if not p.frames:
            return
        out = self._current
        if out is None or out.size >= self.segment_bytes:
            if out is not None:
                self._close_current()
            out = self._open_next()
        data = b"".join(p.frames)
        block = encode_frame(RecordType.BLOCK, self._cctx.compress(data), self._flags)
        block_off = out.size
        if not self.dry_run:
            write_all(self._fd, block, block_off)
        out.size += len(block)
        out.records += len(p.frames)
        out.checkpoints += p.checkpoints
        out.logical += len(data)
        self.bytes_written += len(block)
        # Offsets of each frame inside the decompressed block.
        inner = []
        pos = 0
        for f in p.frames:
            inner.append(pos)
            pos += len(f)
        for first, count, cb in p.callbacks:
            ptrs = [
                Pointer(out.segment_id, block_address(block_off, inner[k]), len(p.frames[k]))
                for k in range(first, first + count)
            ]
            cb(ptrs)
        if p.seqs:
            lo, hi = min(p.seqs), max(p.seqs)
            out.first_seq = lo if out.first_seq is None else min(out.first_seq, lo)
            out.last_seq = hi if out.last_seq is None else max(out.last_seq, hi)
        self._pending = _Pending()

    def finish(self) -> list[OutputSegment]:
        """Flush the last block and sync every output file."""
        self._flush_block()
        self._close_current()
        return self.outputs

    def abort(self) -> None:
        """Remove every output file written so far (a failed compaction)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        for out in self.outputs:
            with contextlib.suppress(FileNotFoundError):
                out.tmp_path.unlink()


def inner_frame(rtype: int, cbor_bytes: bytes) -> bytes:
    """An uncompressed frame for a block (the block compresses it)."""
    return encode_frame(rtype, cbor_bytes, 0)
