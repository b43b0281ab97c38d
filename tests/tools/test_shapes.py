"""The generators write git-ai's repro shapes byte for byte, at the sizes the profiles claim."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from tools.repro import shapes


def _repro_reference(i: int, attrs: int, file_count: int) -> dict[str, object]:
    """The line the repro script builds for checkpoint ``i`` (its field order)."""
    return {
        "kind": "AiAgent",
        "diff": f"synthetic-{i}",
        "author": "synthetic",
        "entries": [
            {
                "file": f"f{i % file_count:05d}.txt",
                "blob_sha": hashlib.sha256(b"line0\nline1\nline2\n").hexdigest(),
                "attributions": [
                    {
                        "start": a * 2,
                        "end": a * 2 + 1,
                        "author_id": "synthetic-agent",
                        "ts": 1700000000000,
                    }
                    for a in range(attrs)
                ],
                "line_attributions": [],
            }
        ],
        "timestamp": 1700000000 + i,
        "transcript": None,
        "agent_id": {"tool": "mock_ai", "id": f"session-{i:06d}", "model": "synthetic"},
        "agent_metadata": None,
        "line_stats": {"additions": 1, "deletions": 0, "additions_sloc": 1, "deletions_sloc": 0},
        "api_version": "checkpoint/1.0.0",
        "git_ai_version": "repro",
    }


def test_repro_lines_are_the_scripts_bytes() -> None:
    out = io.BytesIO()
    shapes.write_repro_checkpoints(out, lines=12, attrs=7, file_count=5)
    lines = out.getvalue().splitlines(keepends=True)
    assert len(lines) == 12
    for i, line in enumerate(lines):
        expected = json.dumps(_repro_reference(i, 7, 5), separators=(",", ":")) + "\n"
        assert line.decode() == expected
        parsed = json.loads(line)
        assert list(parsed) == list(_repro_reference(i, 7, 5))  # key order
        (entry,) = parsed["entries"]
        assert entry["file"] == f"f{i % 5:05d}.txt"
        assert len(entry["attributions"]) == 7
        assert entry["attributions"][3] == {
            "start": 6,
            "end": 7,
            "author_id": "synthetic-agent",
            "ts": 1700000000000,
        }


@pytest.mark.parametrize(("lines", "attrs", "files"), [(1, 1, 400), (37, 15, 400), (120, 3, 7)])
def test_repro_size_formula_is_exact(lines: int, attrs: int, files: int) -> None:
    out = io.BytesIO()
    shapes.write_repro_checkpoints(out, lines, attrs, files)
    assert len(out.getvalue()) == shapes.repro_checkpoints_bytes(lines, attrs, files)


def test_profile_sizes_match_the_plan() -> None:
    medium = shapes.repro_checkpoints_bytes(800, 1500, shapes.repro_file_count(800))
    heavy = shapes.repro_checkpoints_bytes(3200, 1500, shapes.repro_file_count(3200))
    assert medium == pytest.approx(88e6, rel=0.03)  # "~88 MB"
    assert heavy == pytest.approx(350e6, rel=0.03)  # "~350 MB"
    assert shapes.claude_transcript_bytes(8000, 8000) / 2**20 == pytest.approx(64, rel=0.03)
    assert shapes.claude_transcript_bytes(23700, 8000) / 2**20 == pytest.approx(187, rel=0.01)


def test_claude_transcript_shape_and_size() -> None:
    out = io.BytesIO()
    shapes.write_claude_transcript(out, pairs=11, thinking_bytes=100)
    data = out.getvalue()
    assert len(data) == shapes.claude_transcript_bytes(11, 100)
    lines = [json.loads(line) for line in data.splitlines()]
    assert len(lines) == 22
    user, assistant = lines[20], lines[21]
    assert user == {
        "type": "user",
        "timestamp": "2026-02-11T00:00:00Z",
        "message": {"content": "user-message-10"},
    }
    assert assistant["type"] == "assistant"
    assert assistant["message"]["model"] == "claude-3-7-sonnet"
    thinking, text = assistant["message"]["content"]
    assert thinking == {"type": "thinking", "thinking": "x" * 100}
    assert text == {"type": "text", "text": "ack"}
    assert shapes.claude_pair(10, 100) == data[-len(shapes.claude_pair(10, 100)) :]


def test_history_is_current_format_and_pruned() -> None:
    out = io.BytesIO()
    n, files = 200, 30
    shapes.write_history_checkpoints(out, n, files)
    cps = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(cps) == n
    newest: dict[str, int] = {}
    for i, cp in enumerate(cps):
        assert cp["api_version"] == "checkpoint/1.0.0"
        assert cp["trace_id"] == f"t_{i:014x}"
        assert cp["kind"] == ("Human" if i % 4 == 3 else "AiAgent")
        newest[cp["entries"][0]["file"]] = i
    assert len(newest) == files
    for i, cp in enumerate(cps):
        (entry,) = cp["entries"]
        has_chars = bool(entry["attributions"])
        assert has_chars == (newest[entry["file"]] == i and cp["kind"] == "AiAgent")
        if cp["kind"] == "AiAgent":
            (la,) = entry["line_attributions"]
            session, trace = la["author_id"].split("::")
            assert session.startswith("s_") and len(session) == 16
            assert trace == cp["trace_id"]
