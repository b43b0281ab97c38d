"""Torn tails, truncations and bit flips: recovery keeps every complete frame and
never returns wrong data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from lsm import CorruptRecordError, Store, StoreOptions
from lsm.codec import Codec
from lsm.recovery import SegmentScan, scan_segment
from lsm.segment import ScannedFrame, read_header, scan_frames
from lsm.verify import verify
from tests.engine_util import assert_healthy, make_checkpoint


def _build(root: Path, n: int = 5, **kw: Any) -> dict[int, tuple[int, int]]:
    """A store with n checkpoints; returns seq -> (group start, group end) in segment 1."""
    with Store.open(root, options=StoreOptions(**kw)) as s:
        for i in range(n):
            cp, blobs = make_checkpoint("t", i, f"f{i % 2}.txt", attrs=1)
            s.append("base", cp, blobs=blobs)
        with s.engine.view() as v:
            out = {seq: (p.offset, p.offset + p.length) for _run, seq, p in v.checkpoints_all()}
    return out


def _frames(seg: Path) -> list[ScannedFrame]:
    fd = os.open(seg, os.O_RDONLY)
    try:
        return [f for f in scan_frames(fd, 80, os.fstat(fd).st_size) if isinstance(f, ScannedFrame)]
    finally:
        os.close(fd)


def _unit_ends(groups: dict[int, tuple[int, int]], frames: list[ScannedFrame]) -> list[int]:
    """Ends of the complete units recovery keeps: checkpoint groups and standalone frames."""
    ends = {end for _start, end in groups.values()}
    for f in frames:
        if not any(start <= f.offset < end for start, end in groups.values()):
            ends.add(f.end)
    return sorted(ends)


def _check_cut(
    pristine: Path,
    work: Path,
    cut: int,
    tail: bytes,
    groups: dict[int, tuple[int, int]],
    unit_ends: list[int],
) -> None:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(pristine, work)
    seg = work / "segments" / "00000001.seg"
    with open(seg, "r+b") as f:
        f.truncate(cut)
        f.seek(cut)
        f.write(tail)
    size_after = cut + len(tail)
    with Store.open(work) as s:
        got = {c.seq: c for c in s.checkpoints("base")}
        want = {seq for seq, (_a, end) in groups.items() if end <= cut}
        assert set(got) == want, (cut, len(tail))
        for seq, stored in got.items():
            i = sorted(groups).index(seq)
            cp, _ = make_checkpoint("t", i, f"f{i % 2}.txt", attrs=1)
            assert stored.checkpoint == cp
        # Every byte past the last complete unit (a torn frame and any
        # garbage) went to quarantine, and nothing else did.
        valid_end = max([end for end in unit_ends if end <= cut] + [80])
        q = sorted((work / "quarantine").glob("*.bin"))
        original = (pristine / "segments" / "00000001.seg").read_bytes()
        if size_after > valid_end:
            assert q, cut
            assert q[-1].read_bytes() == original[valid_end:cut] + tail
        else:
            assert not q, cut
        cp, blobs = make_checkpoint("t", 100, "after.txt", attrs=1)
        s.append("base", cp, blobs=blobs)
        assert s.latest("base", "after.txt") is not None
        assert_healthy(s)


def _cuts(groups: dict[int, tuple[int, int]], frames: list[ScannedFrame]) -> range:
    start = frames[-3].offset
    return range(start, frames[-1].end + 1)


@pytest.mark.parametrize("tail", [b"", bytes(37), b"\xde\xad\xbe\xef" * 9])
def test_torn_tail_sampled(tmp_path: Path, tail: bytes) -> None:
    pristine = tmp_path / "pristine"
    groups = _build(pristine)
    frames = _frames(pristine / "segments" / "00000001.seg")
    ends = _unit_ends(groups, frames)
    for cut in list(_cuts(groups, frames))[::7]:
        _check_cut(pristine, tmp_path / "work", cut, tail, groups, ends)


@pytest.mark.slow
@pytest.mark.parametrize("tail", [b"", bytes(37), b"\xde\xad\xbe\xef" * 9])
def test_torn_tail_every_offset(tmp_path: Path, tail: bytes) -> None:
    pristine = tmp_path / "pristine"
    groups = _build(pristine)
    frames = _frames(pristine / "segments" / "00000001.seg")
    ends = _unit_ends(groups, frames)
    for cut in _cuts(groups, frames):
        _check_cut(pristine, tmp_path / "work", cut, tail, groups, ends)


def _sealed_store(root: Path) -> tuple[Path, dict[int, object], dict[str, bytes]]:
    """A store whose first segment is sealed and small; returns it and what it holds."""
    opts = StoreOptions(segment_bytes=4096)
    expected: dict[int, object] = {}
    blobs_all: dict[str, bytes] = {}
    with Store.open(root, options=opts) as s:
        i = 0
        while len(list((root / "segments").glob("*.seg"))) < 2:
            cp, blobs = make_checkpoint("b", i, f"f{i % 2}.txt", attrs=2)
            expected[s.append("base", cp, blobs=blobs)] = cp
            blobs_all.update(blobs)
            i += 1
    return root / "segments" / "00000001.seg", expected, blobs_all


def _read_all(s: Store, expected: dict[int, object], blobs: dict[str, bytes]) -> int:
    """Read every checkpoint, entry and blob; count corruption errors; assert no wrong data."""
    errors = 0
    for seq, cp in expected.items():
        try:
            got = s.checkpoint(seq)
            assert got is not None and got.checkpoint == cp
        except CorruptRecordError:
            errors += 1
    for path in ("f0.txt", "f1.txt"):
        try:
            for e in s.history("base", path):
                assert e.entry == expected[e.seq].entries[0]  # type: ignore[attr-defined]
        except CorruptRecordError:
            errors += 1
    for sha, data in blobs.items():
        try:
            assert s.get_blob(sha) in (data, None)
        except CorruptRecordError:
            errors += 1
    return errors


def _scan_finds_damage(seg: Path) -> bool:
    """True if a full scan of the segment file reports a bad header or frame."""
    fd = os.open(seg, os.O_RDONLY)
    try:
        if isinstance(read_header(fd), str):
            return True
        scan = SegmentScan()
        list(
            scan_segment(
                fd,
                1,
                Codec(),
                80,
                os.fstat(fd).st_size,
                scan,
            )
        )
        return bool(scan.damage)
    finally:
        os.close(fd)


def _flip_bits(tmp_path: Path, step: int) -> None:
    seg, expected, blobs = _sealed_store(tmp_path / "s")
    original = seg.read_bytes()
    flips = 0
    with Store.open(tmp_path / "s") as s:
        assert _read_all(s, expected, blobs) == 0
        fd = os.open(seg, os.O_RDWR)
        try:
            for bit in range(0, len(original) * 8, step):
                pos = bit // 8
                os.pwrite(fd, bytes([original[pos] ^ (1 << (bit % 8))]), pos)
                s.engine.reader.forget(1)
                # Reads never return wrong data (asserted inside); every flip
                # is caught by a read's CRC check or, for frames no index
                # pointer names (lifecycle events), by a scan.
                errors = _read_all(s, expected, blobs)
                assert errors > 0 or _scan_finds_damage(seg), bit
                flips += 1
                os.pwrite(fd, original[pos : pos + 1], pos)
        finally:
            os.close(fd)
        s.engine.reader.forget(1)
        assert _read_all(s, expected, blobs) == 0
    assert flips == len(range(0, len(original) * 8, step))


def test_bit_flips_of_a_sealed_segment_sampled(tmp_path: Path) -> None:
    _flip_bits(tmp_path, 13)


@pytest.mark.slow
def test_every_bit_flip_of_a_sealed_segment(tmp_path: Path) -> None:
    _flip_bits(tmp_path, 1)


def test_rebuild_mends_corruption_in_sealed_segment_in_place(tmp_path: Path) -> None:
    seg, expected, _blobs = _sealed_store(tmp_path / "s")
    data = bytearray(seg.read_bytes())
    data[len(data) // 2] ^= 0x10
    seg.write_bytes(bytes(data))
    with Store.open(tmp_path / "s") as s:
        report = s.rebuild_index()
        assert report["damaged_ranges"] == 1 and report["quarantined"]
        (repair,) = report["repairs"]
        assert repair["how"] == "padded" and repair["lost"]
        got = {c.seq: c.checkpoint for c in s.checkpoints("base")}
        assert got and len(got) == len(expected) - 1
        for seq, cp in got.items():
            assert expected[seq] == cp
        # Only the damaged range changed: it holds a REPAIR record of the same
        # length now, and quarantine holds the original bytes.
        mended = seg.read_bytes()
        start, end = repair["start"], repair["end"]
        assert start <= len(data) // 2 < end and len(mended) == len(data)
        assert mended[:start] == data[:start] and mended[end:] == data[end:]
        assert Path(repair["quarantine"]).read_bytes() == bytes(data[start:end])
        assert [p for p in verify(s) if p.severity == "error"] == []
        cp, blobs = make_checkpoint("b", 999, "new.txt")
        s.append("base", cp, blobs=blobs)


def test_a_torn_batch_is_indexed_whole_or_not_at_all(tmp_path: Path) -> None:
    """Writer.batch() behind its BATCH marker: a write cut at any byte loses all of it."""
    before = tmp_path / "before"
    with Store.open(before) as s:
        cp, blobs = make_checkpoint("t", 0, "f.txt", attrs=1)
        s.append("base", cp, blobs=blobs)
    after = tmp_path / "after"
    shutil.copytree(before, after)
    with Store.open(after) as s, s.writer() as w, w.batch():
        w.create_log("other")
        for i in range(1, 4):
            cp, blobs = make_checkpoint("t", i, f"f{i}.txt", attrs=1)
            w.append("other", cp, blobs=blobs)
        w.rename_log("base", "moved")
    seg = "segments/00000001.seg"
    start = (before / seg).stat().st_size
    written = (after / seg).read_bytes()
    assert len(written) > start
    work = tmp_path / "work"
    # Every 17th byte cut and the end; the slow suite's torn-tail tests cut everywhere.
    for cut in [*range(start, len(written), 17), len(written)]:
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(before, work)
        (work / seg).write_bytes(written[:cut])
        with Store.open(work) as s:
            logs = sorted(info.name for info in s.logs())
            if cut == len(written):
                assert logs == ["moved", "other"], cut  # the whole batch was written
                assert s.count_checkpoints("other") == 3
            else:
                assert logs == ["base"], cut  # torn: nothing of it
                assert s.count_checkpoints("base") == 1
            assert_healthy(s)
