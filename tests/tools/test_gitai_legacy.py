"""The legacy-storage peer does what git-ai does to checkpoints.jsonl on one checkpoint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tools.bench.peers import gitai_legacy as legacy
from tools.bench.peers.gitai_legacy_claude import parse_transcript
from tools.repro import fixtures, shapes

SERDE_ORDER = [
    "kind",
    "diff",
    "author",
    "entries",
    "timestamp",
    "agent_id",
    "agent_metadata",
    "line_stats",
    "api_version",
    "git_ai_version",
    "trace_id",
]


def test_append_rewrites_everything_and_prunes(tmp_path: Path, input_cache: Path) -> None:
    # 10 lines over 4 files: f00000 appears at lines 0, 4, 8.
    fx = fixtures.prepare_repro_checkpoints(tmp_path, input_cache, lines=10, attrs=5, file_count=4)
    result = legacy.append_checkpoint(fx.log_dir, fx.repo, ["f00000.txt"], ts_ms=1755862023417)
    assert (result.checkpoints_read, result.checkpoints_written) == (10, 11)

    lines = fx.checkpoints_file.read_bytes().splitlines()
    assert len(lines) == 11 and result.bytes_written == fx.checkpoints_file.stat().st_size
    cps = [json.loads(line) for line in lines]
    for cp in cps[:10]:
        assert "transcript" not in cp  # unknown to the HEAD struct: dropped on rewrite
        assert list(cp) == [k for k in SERDE_ORDER if k != "trace_id"]

    new = cps[-1]
    assert list(new) == SERDE_ORDER
    content = shapes.EDITED_CONTENT.encode()
    sha = hashlib.sha256(content).hexdigest()
    assert new["kind"] == "AiAgent" and new["timestamp"] == 1755862023
    (entry,) = new["entries"]
    assert entry["file"] == "f00000.txt" and entry["blob_sha"] == sha
    assert entry["attributions"] == [
        {
            "start": 0,
            "end": len(content),
            "author_id": entry["attributions"][0]["author_id"],
            "ts": 1755862023417,
        }
    ]
    assert entry["line_attributions"][0]["end_line"] == 4
    assert (fx.log_dir / "blobs" / sha).read_bytes() == content

    # Only the newest entry per file keeps character attributions.
    newest = {cp["entries"][0]["file"]: i for i, cp in enumerate(cps)}
    for i, cp in enumerate(cps):
        (e,) = cp["entries"]
        assert bool(e["attributions"]) == (newest[e["file"]] == i), (i, e["file"])
    assert newest["f00000.txt"] == 10 and newest["f00001.txt"] == 9


def test_torn_line_fails_the_whole_read(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.jsonl"
    out = path.open("wb")
    shapes.write_history_checkpoints(out, 3, 3)
    out.write(b'{"kind":"Human","diff":"x"')  # torn final line
    out.close()
    with pytest.raises(legacy.TornLogError):
        legacy.read_all_checkpoints(path)


def test_read_skips_other_api_versions_and_migrates_short_hashes(tmp_path: Path) -> None:
    agent = {"tool": "claude", "id": "abc", "model": "m"}
    new = legacy.short_hash("abc", "claude")
    line = {
        "diff": "d",
        "author": "a",
        "timestamp": 1,
        "agent_id": agent,
        "api_version": "checkpoint/1.0.0",
        "entries": [
            {
                "file": "f",
                "attributions": [{"start": 0, "end": 1, "author_id": new[:7], "ts": 1}],
                "line_attributions": [
                    {"start_line": 1, "end_line": 1, "author_id": "human", "overrode": new[:7]}
                ],
            }
        ],
    }
    old = dict(line, api_version="checkpoint/0.9")
    path = tmp_path / "checkpoints.jsonl"
    path.write_text(json.dumps(line) + "\n\n" + json.dumps(old) + "\n")
    (cp,) = legacy.read_all_checkpoints(path)
    assert cp["kind"] == "Human"  # serde default
    (entry,) = cp["entries"]
    assert entry["blob_sha"] == ""
    assert entry["attributions"][0]["author_id"] == new
    assert entry["line_attributions"][0]["overrode"] == new


def test_oversized_log_is_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "checkpoints.jsonl"
    with path.open("wb") as out:
        shapes.write_history_checkpoints(out, 5, 5)
    monkeypatch.setattr(legacy, "MAX_CHECKPOINTS_JSONL_BYTES", 100)
    assert legacy.read_all_checkpoints(path) == []
    assert path.exists() and path.stat().st_size == 0


def test_claude_parser_reads_every_message(tmp_path: Path, input_cache: Path) -> None:
    cf = fixtures.prepare_claude(tmp_path, input_cache, pairs=4, thinking_bytes=20)
    t = parse_transcript(cf.transcript)
    assert t.model == "claude-3-7-sonnet"
    assert len(t.messages) == 12  # per pair: user text, thinking, "ack"
    assert t.messages[:3] == [
        ("user", "user-message-0", "2026-02-11T00:00:00Z"),
        ("assistant", "x" * 20, "2026-02-11T00:00:01Z"),
        ("assistant", "ack", "2026-02-11T00:00:01Z"),
    ]
