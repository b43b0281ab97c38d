"""Frame and segment-header encoding: round trips and every kind of damage."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lsm.frame import (
    FLAG_ZSTD,
    FRAME_HEADER,
    SEGMENT_HEADER,
    FrameHeader,
    FrameProblem,
    RecordType,
    SegmentHeader,
    check_frame,
    encode_frame,
    mask_crc,
)


@settings(deadline=None)  # a loaded CI machine must not fail a pure function on time
@given(st.binary(max_size=2000), st.sampled_from(list(RecordType)))
def test_frame_round_trip(payload: bytes, rtype: RecordType) -> None:
    frame = encode_frame(rtype, payload)
    found = check_frame(frame, 0)
    assert isinstance(found, FrameHeader)
    assert (found.type, found.flags, found.length) == (rtype, FLAG_ZSTD, len(payload))
    assert frame[FRAME_HEADER:] == payload


def test_frame_at_offset_and_concatenated() -> None:
    a, b = encode_frame(1, b"first"), encode_frame(2, b"second")
    buf = b"xx" + a + b
    first = check_frame(buf, 2)
    assert isinstance(first, FrameHeader)
    second = check_frame(buf, 2 + first.size)
    assert isinstance(second, FrameHeader) and second.type == 2


def test_every_truncation_is_short_not_corrupt() -> None:
    frame = encode_frame(1, b"payload bytes")
    for cut in range(len(frame)):
        problem = check_frame(frame[:cut], 0)
        expected = FrameProblem.SHORT_HEADER if cut < FRAME_HEADER else FrameProblem.SHORT_PAYLOAD
        assert problem is expected, cut


def test_every_bit_flip_is_detected() -> None:
    frame = bytearray(encode_frame(1, b"some payload that matters"))
    for bit in range(len(frame) * 8):
        frame[bit // 8] ^= 1 << (bit % 8)
        assert isinstance(check_frame(bytes(frame), 0), FrameProblem), bit
        frame[bit // 8] ^= 1 << (bit % 8)


def test_zero_fill_and_unknown_flags() -> None:
    assert check_frame(bytes(64), 0) is FrameProblem.BAD_LENGTH
    bad_flags = bytearray(encode_frame(1, b"x"))
    bad_flags[9] = 0x80
    body = bytes(bad_flags[4:])
    bad_flags[:4] = mask_crc(
        zlib.crc32(body[FRAME_HEADER - 4 :], zlib.crc32(body[: FRAME_HEADER - 4]))
    ).to_bytes(4, "little")
    assert check_frame(bytes(bad_flags), 0) is FrameProblem.BAD_FLAGS


def test_oversized_payload_refused() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        encode_frame(1, bytes((64 << 20) + 1))


def test_mask_is_not_identity() -> None:
    assert mask_crc(0) != 0 and mask_crc(0x12345678) != 0x12345678


def test_segment_header_round_trip_and_damage() -> None:
    h = SegmentHeader(7, 1234, compacted=True, dict_sha=b"\x01" * 32)
    data = h.encode()
    assert len(data) == SEGMENT_HEADER
    assert SegmentHeader.decode(data) == h
    assert "truncated" in str(SegmentHeader.decode(data[:40]))
    assert "magic" in str(SegmentHeader.decode(b"X" + data[1:]))
    flipped = bytearray(data)
    flipped[20] ^= 4
    assert "CRC" in str(SegmentHeader.decode(bytes(flipped)))
    newer = SegmentHeader(7, 1234, version=99).encode()
    assert "newer" in str(SegmentHeader.decode(newer))
