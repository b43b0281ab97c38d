"""git-ai's files: exact JSON, tolerant streaming reads, import into the store, export back."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lsm import (
    AgentId,
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    KnownHumanMetadata,
    LegacyFormatError,
    LineAttribution,
    LineStats,
    Settings,
    Store,
)
from lsm.ids import legacy_short_hash
from lsm.legacy import layout
from lsm.legacy.files import read_initial, write_initial
from lsm.legacy.importer import (
    export_log,
    import_working_log,
    iter_log_lines,
    legacy_import_pending,
)
from lsm.legacy.jsonform import checkpoint_line, initial_text
from lsm.legacy.reader import ReadStats, read_checkpoints

BASE = "a" * 40
EXAMPLE = (
    '{"kind":"AiAgent","diff":"b337d0a60519b9c93d6609c88b8e6734d880b3aa991822aff57f77471af44602",'
    '"author":"Ada Lovelace <ada@example.com>","entries":[{"file":"src/greet.py",'
    '"blob_sha":"55bd464026ade939cf018db5e51f4f73df4795f68d3346b557e96d6b1d1c8f82",'
    '"attributions":[{"start":0,"end":60,"author_id":"s_da94694c8dffd3::t_4be01c9d7a2f36",'
    '"ts":1755862023417}],"line_attributions":[{"start_line":1,"end_line":4,'
    '"author_id":"s_da94694c8dffd3::t_4be01c9d7a2f36","overrode":null}]}],'
    '"timestamp":1755862023,"agent_id":{"tool":"claude","id":"8f0c2a4e-5b1d-4f7a-9c3e-2d6b1a0e9f47",'
    '"model":"claude-sonnet-4-5-20250929"},"agent_metadata":{"edit_kind":"file_edit",'
    '"tool_use_id":"toolu_01AbCdEf","transcript_path":"/home/ada/.claude/projects/-home-ada-proj/'
    '8f0c2a4e-5b1d-4f7a-9c3e-2d6b1a0e9f47.jsonl"},"line_stats":{"additions":4,"deletions":0,'
    '"additions_sloc":3,"deletions_sloc":0},"api_version":"checkpoint/1.0.0",'
    '"git_ai_version":"1.6.24","trace_id":"t_4be01c9d7a2f36"}\n'
)

text = st.text(max_size=12)
checkpoints = st.builds(
    Checkpoint,
    kind=st.sampled_from(list(CheckpointKind)),
    diff=text,
    author=text,
    entries=st.lists(
        st.builds(
            FileEntry,
            st.text(min_size=1, max_size=12),
            st.text(max_size=64),
            st.lists(
                st.builds(
                    Attribution,
                    st.integers(0, 10**9),
                    st.integers(0, 10**9),
                    text,
                    st.integers(0, 2**80),
                ),
                max_size=4,
            ),
            st.lists(
                st.builds(
                    LineAttribution,
                    st.integers(0, 10**6),
                    st.integers(0, 10**6),
                    text,
                    st.none() | text,
                ),
                max_size=3,
            ),
        ),
        max_size=3,
    ),
    timestamp=st.integers(0, 2**64 - 1),
    agent_id=st.none() | st.builds(AgentId, text, text, text),
    agent_metadata=st.none() | st.dictionaries(text, text, max_size=3),
    line_stats=st.builds(LineStats, *(st.integers(0, 2**32 - 1) for _ in range(4))),
    git_ai_version=st.none() | text,
    known_human_metadata=st.none() | st.builds(KnownHumanMetadata, text, text, text),
    trace_id=st.none() | text,
)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_example_line_round_trips_byte_for_byte(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.jsonl", EXAMPLE.encode())
    (line,) = read_checkpoints(path)
    assert checkpoint_line(line.checkpoint) == EXAMPLE.encode()
    assert line.checkpoint.kind is CheckpointKind.AI_AGENT and line.length == len(EXAMPLE.encode())


@given(st.lists(checkpoints, max_size=4))
def test_canonical_lines_round_trip(
    tmp_path_factory: pytest.TempPathFactory, cps: list[Checkpoint]
) -> None:
    data = b"".join(checkpoint_line(cp) for cp in cps)
    path = _write(tmp_path_factory.mktemp("rt") / "c.jsonl", data)
    got = [line.checkpoint for line in read_checkpoints(path)]
    assert b"".join(checkpoint_line(cp) for cp in got) == data
    # and it is what serde_json writes: valid JSON, compact, git-ai's field order
    for raw, cp in zip(data.splitlines(), cps, strict=True):
        obj = json.loads(raw)
        assert list(obj)[:10] == [
            "kind",
            "diff",
            "author",
            "entries",
            "timestamp",
            "agent_id",
            "agent_metadata",
            "line_stats",
            "api_version",
            *list(obj)[9:10],
        ]
        assert ("trace_id" in obj) == (cp.trace_id is not None)


def test_escaping_matches_serde_json() -> None:
    cp = Checkpoint(
        kind=CheckpointKind.HUMAN,
        diff='a"b\\c\n\t\x01\x7f/é\u2028',
        author="x",
        entries=[],
        timestamp=1,
    )
    line = checkpoint_line(cp)
    assert b'"diff":"a\\"b\\\\c\\n\\t\\u0001\x7f/\xc3\xa9\xe2\x80\xa8"' in line
    big = Checkpoint(
        kind=CheckpointKind.AI_AGENT,
        diff="d",
        author="a",
        timestamp=1,
        entries=[FileEntry("f", "", [Attribution(0, 1, "x", 2**100)], [])],
    )
    assert b'"ts":1267650600228229401496703205376}' in checkpoint_line(big)


def test_reader_tolerances(tmp_path: Path) -> None:
    good = EXAMPLE.encode()
    other_api = good.replace(b"checkpoint/1.0.0", b"checkpoint/0.9.0")
    no_kind = good.replace(b'"kind":"AiAgent",', b"")
    bad_kind = good.replace(b'"kind":"AiAgent"', b'"kind":"Robot"')
    path = _write(
        tmp_path / "c.jsonl",
        good
        + b"\n   \n"
        + other_api
        + b"{not json\n"
        + no_kind
        + bad_kind
        + good[: len(good) // 2],
    )
    stats = ReadStats()
    got = list(read_checkpoints(path, stats=stats))
    assert [g.checkpoint.kind for g in got] == [CheckpointKind.AI_AGENT, CheckpointKind.HUMAN]
    assert (stats.skipped_api, stats.invalid, stats.torn) == (1, 2, 1)
    with pytest.raises(LegacyFormatError, match="does not parse"):
        list(read_checkpoints(path, strict=True))
    with pytest.raises(LegacyFormatError, match="cannot read"):
        list(read_checkpoints(tmp_path / "missing.jsonl"))


def test_seven_char_ids_migrate_with_an_agent_seen_later(tmp_path: Path) -> None:
    full = legacy_short_hash("cursor", "sess-1")
    early = {
        "kind": "Human",
        "diff": "d",
        "author": "a",
        "timestamp": 1,
        "agent_id": None,
        "api_version": "checkpoint/1.0.0",
        "entries": [
            {
                "file": "x",
                "attributions": [{"start": 0, "end": 1, "author_id": full[:7], "ts": 1}],
                "line_attributions": [
                    {"start_line": 1, "end_line": 1, "author_id": "human", "overrode": full[:7]}
                ],
            }
        ],
    }
    later = {
        **early,
        "kind": "AiAgent",
        "agent_id": {"tool": "cursor", "id": "sess-1", "model": "m"},
        "entries": [],
    }
    path = _write(tmp_path / "c.jsonl", orjson.dumps(early) + b"\n" + orjson.dumps(later) + b"\n")
    stats = ReadStats()
    list(read_checkpoints(path, stats=stats))
    mapping = stats.migration_map()
    assert mapping == {full[:7]: full}
    first = next(iter(read_checkpoints(path, migration=mapping))).checkpoint
    assert first.entries[0].attributions[0].author_id == full
    assert first.entries[0].line_attributions[0].overrode == full


def test_huge_transcript_member_is_cut_without_being_held(tmp_path: Path) -> None:
    obj = orjson.loads(EXAMPLE)
    head = orjson.dumps({k: v for k, v in obj.items() if k in ("kind", "diff", "author")})[:-1]
    rest = orjson.dumps({k: v for k, v in obj.items() if k not in ("kind", "diff", "author")})[1:]
    path = tmp_path / "c.jsonl"
    with open(path, "wb") as f:
        f.write(head + b',"transcript":{"messages":[')
        msg = orjson.dumps({"type": "assistant", "text": "x" * 1_000_000 + '"},{'})
        for i in range(50):
            f.write((b"," if i else b"") + msg)
        f.write(b"]}," + rest + b"\n")
        f.write(EXAMPLE.encode())
    assert path.stat().st_size > 50_000_000
    code = (
        "import sys\nfrom lsm.legacy.reader import read_checkpoints, ReadStats\n"
        "st = ReadStats()\nn = sum(1 for _ in read_checkpoints(sys.argv[1], stats=st))\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(n, st.transcripts_dropped, hwm)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    n, dropped, hwm_kb = (int(x) for x in out.stdout.split())
    assert (n, dropped) == (2, 1)
    assert hwm_kb < 60_000  # a 50 MB member never held: the floor is ~25 MB of interpreter


def test_initial_is_written_like_serde_pretty(tmp_path: Path) -> None:
    init = InitialAttributions(
        files={"src/greet.py": [LineAttribution(5, 7, "s_x::t_y", None)], "empty.py": []},
        prompts={},
        file_blobs={"src/greet.py": "ab" * 32, "empty.py": "cd" * 32},
        sessions={
            "s_z": {"agent_id": {"tool": "claude", "id": "1", "model": "m"}, "human_author": None},
            "s_a": {"agent_id": None, "human_author": "A"},
        },
    )
    path = tmp_path / "INITIAL"
    assert write_initial(path, init)
    assert path.read_text() == (
        "{\n"
        '  "files": {\n'
        '    "src/greet.py": [\n'
        "      {\n"
        '        "start_line": 5,\n'
        '        "end_line": 7,\n'
        '        "author_id": "s_x::t_y",\n'
        '        "overrode": null\n'
        "      }\n"
        "    ]\n"
        "  },\n"
        '  "prompts": {},\n'
        '  "file_blobs": {\n'
        f'    "src/greet.py": "{"ab" * 32}"\n'
        "  },\n"
        '  "sessions": {\n'
        '    "s_a": {\n'
        '      "agent_id": null,\n'
        '      "human_author": "A"\n'
        "    },\n"
        '    "s_z": {\n'
        '      "agent_id": {\n'
        '        "tool": "claude",\n'
        '        "id": "1",\n'
        '        "model": "m"\n'
        "      },\n"
        '      "human_author": null\n'
        "    }\n"
        "  }\n"
        "}"
    )
    back = read_initial(path)
    assert set(back.files) == {"src/greet.py"} and set(back.file_blobs) == {"src/greet.py"}
    assert initial_text(back) == path.read_bytes()
    assert not write_initial(path, InitialAttributions(files={"x": []}))
    assert not path.exists()
    assert read_initial(path).is_empty()
    _write(path, b"{broken")
    assert read_initial(path).is_empty()


def test_archive_and_prune(tmp_path: Path) -> None:
    ai = tmp_path / "ai"
    _write(layout.checkpoints_path(ai, BASE), EXAMPLE.encode())
    assert layout.archive(ai, BASE, now_s=1000) == layout.log_dir(ai, f"old-{BASE}")
    assert layout.list_bases(ai) == [f"old-{BASE}"]
    assert layout.prune_archived(ai, now_s=1000 + 86400) == []
    assert layout.prune_archived(ai, now_s=1000 + 7 * 86400) == [f"old-{BASE}"]
    with pytest.raises(Exception, match="not a working-log base"):
        layout.log_dir(ai, "../etc")


def _legacy_log(
    ai: Path,
    lines: list[bytes],
    blobs: dict[str, bytes],
    initial: InitialAttributions | None = None,
) -> None:
    _write(layout.checkpoints_path(ai, BASE), b"".join(lines))
    for data in blobs.values():
        _write(layout.blob_path(ai, BASE, hashlib.sha256(data).hexdigest()), data)
    if initial is not None:
        write_initial(layout.initial_path(ai, BASE), initial)


def test_import_then_export_is_byte_identical(tmp_path: Path) -> None:
    ai = tmp_path / "ai"
    lines = [EXAMPLE.encode()]
    for i in range(30):
        cp = Checkpoint(
            kind=CheckpointKind.AI_AGENT if i % 2 else CheckpointKind.HUMAN,
            diff=f"d{i}",
            author="A",
            timestamp=i,
            entries=[
                FileEntry(
                    f"f{i % 4}",
                    hashlib.sha256(b"%d" % i).hexdigest(),
                    [Attribution(0, 2, "s_a::t_b", i)],
                    [],
                )
            ],
            trace_id=f"t_{i:014x}",
        )
        lines.append(checkpoint_line(cp))
    blobs = {str(i): b"%d" % i for i in range(30)}
    snap = b"snapshot"
    init = InitialAttributions(
        files={"f0": [LineAttribution(1, 1, "s_a::t_b", None)]},
        file_blobs={"f0": hashlib.sha256(snap).hexdigest()},
    )
    _legacy_log(ai, lines, {**blobs, "snap": snap}, init)
    original = layout.checkpoints_path(ai, BASE).read_bytes()
    with Store.open(tmp_path / "store") as store:
        assert legacy_import_pending(store, ai, BASE, BASE)
        report = import_working_log(store, ai, BASE, BASE, Settings())
        assert report.checkpoints == 31 and report.has_initial and report.blobs == 31
        assert not legacy_import_pending(store, ai, BASE, BASE)
        assert layout.checkpoints_path(ai, BASE).read_bytes() == original  # never modified
        assert b"".join(iter_log_lines(store, BASE)) == original
        out = tmp_path / "out"
        rep = export_log(store, BASE, out)
        assert rep.checkpoints == 31
        assert layout.checkpoints_path(out, BASE).read_bytes() == original
        assert (
            layout.initial_path(out, BASE).read_bytes()
            == layout.initial_path(ai, BASE).read_bytes()
        )
        assert sorted(p.name for p in layout.blobs_dir(out, BASE).iterdir()) == sorted(
            p.name for p in layout.blobs_dir(ai, BASE).iterdir()
        )


def test_native_append_after_import_prunes_like_git_ai(tmp_path: Path) -> None:
    ai = tmp_path / "ai"
    lines = []
    for i in range(3):
        cp = Checkpoint(
            kind=CheckpointKind.AI_AGENT,
            diff=f"d{i}",
            author="A",
            timestamp=i,
            entries=[FileEntry("same.py", "", [Attribution(0, 1, "s_a::t_b", i)], [])],
        )
        lines.append(checkpoint_line(cp))
    _legacy_log(ai, lines, {})
    with Store.open(tmp_path / "store") as store:
        import_working_log(store, ai, BASE, BASE, Settings())
        assert b"".join(iter_log_lines(store, BASE)) == b"".join(lines)  # imported as is
        store.append(
            BASE,
            Checkpoint(
                kind=CheckpointKind.HUMAN,
                diff="n",
                author="A",
                timestamp=9,
                entries=[FileEntry("other.py", "", [], [])],
            ),
        )
        out = [json.loads(x) for x in iter_log_lines(store, BASE)]
        # git-ai's append pruned every entry but the newest of each file
        assert [len(o["entries"][0]["attributions"]) for o in out] == [0, 0, 1, 0]


def test_crashed_import_is_redone(tmp_path: Path) -> None:
    ai = tmp_path / "ai"
    _legacy_log(ai, [EXAMPLE.encode()] * 5, {})
    with Store.open(tmp_path / "store") as store:
        store.append(BASE, orjson_checkpoint())  # a partial import's leftovers...
        with store.writer() as w:
            w.set_import_state(BASE, {"phase": "started"})
        assert legacy_import_pending(store, ai, BASE, BASE)
        report = import_working_log(store, ai, BASE, BASE, Settings())
        assert report.checkpoints == 5
        assert store.count_checkpoints(BASE) == 5  # ...were dropped, not kept beside the redo


def orjson_checkpoint() -> Checkpoint:
    (line,) = read_checkpoints_bytes(EXAMPLE.encode())
    return line


def read_checkpoints_bytes(data: bytes) -> list[Checkpoint]:
    from lsm.legacy.reader import parse_checkpoint

    cp = parse_checkpoint(orjson.loads(data), ReadStats())
    assert cp is not None
    return [cp]


def test_oversized_history_can_be_skipped(tmp_path: Path) -> None:
    from lsm.config import CapsSettings

    ai = tmp_path / "ai"
    _legacy_log(ai, [EXAMPLE.encode()] * 3, {})
    settings = Settings(caps=CapsSettings(max_checkpoint_jsonl_bytes=100, oversized_history="skip"))
    with Store.open(tmp_path / "store") as store:
        report = import_working_log(store, ai, BASE, BASE, settings)
        assert report.skipped and report.cap_hits[0]["cap"] == "max_checkpoint_jsonl_bytes"
        assert store.count_checkpoints(BASE) == 0
        assert not legacy_import_pending(store, ai, BASE, BASE)
    settings = Settings(caps=CapsSettings(max_checkpoint_jsonl_bytes=100))
    with Store.open(tmp_path / "store2") as store:
        report = import_working_log(store, ai, BASE, BASE, settings)
        assert not report.skipped and report.checkpoints == 3 and report.cap_hits
