"""Record encoding: every checkpoint field survives a round trip through frames."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from lsm.codec import CheckpointRecord, Codec, EntryRecord, decode_path, encode_path
from lsm.frame import FRAME_HEADER, check_frame
from lsm.model import (
    AgentId,
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    KnownHumanMetadata,
    LineAttribution,
    LineStats,
)

text = st.text(max_size=20)
paths = st.one_of(
    st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=1,
        max_size=30,
    ),
    st.binary(min_size=1, max_size=30).filter(lambda b: b"\x00" not in b).map(os.fsdecode),
)
attrs = st.lists(
    st.builds(
        Attribution, st.integers(0, 10**6), st.integers(0, 10**6), text, st.integers(0, 2**70)
    ),
    max_size=8,
)
line_attrs = st.lists(
    st.builds(
        LineAttribution, st.integers(1, 10**5), st.integers(1, 10**5), text, st.none() | text
    ),
    max_size=5,
)
entries = st.builds(
    FileEntry,
    paths,
    st.one_of(
        st.just(""), st.text(max_size=70), st.binary(min_size=32, max_size=32).map(bytes.hex)
    ),
    attrs,
    line_attrs,
)
checkpoints = st.builds(
    Checkpoint,
    kind=st.sampled_from(list(CheckpointKind)),
    diff=text,
    author=text,
    entries=st.lists(entries, max_size=4),
    timestamp=st.integers(0, 2**64 - 1),
    agent_id=st.none() | st.builds(AgentId, text, text, text),
    agent_metadata=st.none() | st.dictionaries(text, text, max_size=3),
    line_stats=st.builds(LineStats, *(st.integers(0, 2**32 - 1) for _ in range(4))),
    api_version=text,
    git_ai_version=st.none() | text,
    known_human_metadata=st.none() | st.builds(KnownHumanMetadata, text, text, text),
    trace_id=st.none() | text,
)


def _decode_all(codec: Codec, frames: list[bytes]) -> list[object]:
    out: list[object] = []
    for f in frames:
        h = check_frame(f, 0)
        assert not isinstance(h, type(None))
        out.append(codec.decode(f[8], codec.unpack(f[9], f[FRAME_HEADER:])))
    return out


@given(checkpoints, st.booleans())
def test_checkpoint_round_trip(cp: Checkpoint, imported: bool) -> None:
    codec = Codec()
    recs = _decode_all(codec, codec.checkpoint_frames(42, 3, "base", cp, imported=imported))
    head = recs[0]
    assert isinstance(head, CheckpointRecord)
    assert (head.seq, head.run, head.log, head.n_entries, head.imported) == (
        42,
        3,
        "base",
        len(cp.entries),
        imported,
    )
    got = head.checkpoint
    assert got.entries == []
    for field in (
        "kind",
        "diff",
        "author",
        "timestamp",
        "agent_id",
        "agent_metadata",
        "line_stats",
        "api_version",
        "git_ai_version",
        "known_human_metadata",
        "trace_id",
    ):
        assert getattr(got, field) == getattr(cp, field), field
    for i, (rec, want) in enumerate(zip(recs[1:], cp.entries, strict=True)):
        assert isinstance(rec, EntryRecord)
        assert (rec.seq, rec.position, rec.kind, rec.timestamp) == (42, i, cp.kind, cp.timestamp)
        assert rec.entry.file == want.file
        assert rec.entry.blob_sha == want.blob_sha
        assert list(rec.entry.attributions) == list(want.attributions)
        assert list(rec.entry.line_attributions) == list(want.line_attributions)


@given(paths)
def test_path_encoding(path: str) -> None:
    assert decode_path(encode_path(path)) == path


def test_initial_round_trip() -> None:
    codec = Codec()
    init = InitialAttributions(
        files={"a.py": [LineAttribution(1, 2, "s_x::t_y", None)], os.fsdecode(b"\xff.py"): []},
        prompts={"abcdef0123456789": {"agent_id": {"tool": "t"}, "total_additions": 1}},
        file_blobs={"a.py": "0" * 64},
        humans={"h_1": {"author": "A"}},
        sessions={"s_1": {"agent_id": None, "human_author": None}},
    )
    (rec,) = _decode_all(codec, [codec.initial_frame(5, "base", init)])
    assert rec.initial == init  # type: ignore[attr-defined]
