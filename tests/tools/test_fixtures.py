"""Fixtures are real git repositories with the legacy working log in git-ai's place."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tools.repro import fixtures, shapes
from tools.repro.cache import cached_path


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def test_repro_checkpoint_fixture(tmp_path: Path, input_cache: Path) -> None:
    fx = fixtures.prepare_repro_checkpoints(tmp_path, input_cache, lines=6, attrs=4)
    assert _git(fx.repo, "rev-parse", "HEAD").strip() == fx.head
    assert fx.log_dir == fx.repo / ".git" / "ai" / "working_logs" / fx.head
    assert len(_git(fx.repo, "ls-files").split()) == 400  # max(400, lines), as the script
    assert _git(fx.repo, "status", "--porcelain").split() == ["M", "f00000.txt"]
    assert (fx.repo / "f00000.txt").read_text() == shapes.EDITED_CONTENT
    assert (fx.log_dir / "blobs" / shapes.BASE_BLOB_SHA).read_text() == shapes.BASE_CONTENT
    data = fx.checkpoints_file.read_bytes()
    assert len(data) == fx.input_bytes == shapes.repro_checkpoints_bytes(6, 4, 400)
    assert [json.loads(line)["diff"] for line in data.splitlines()] == [
        f"synthetic-{i}" for i in range(6)
    ]


def test_claude_fixture_matches_the_repro_payload(tmp_path: Path, input_cache: Path) -> None:
    cf = fixtures.prepare_claude(tmp_path, input_cache, pairs=3, thinking_bytes=50)
    assert _git(cf.repo, "ls-files").split() == ["f00000.txt"]
    assert (cf.repo / "f00000.txt").read_text() == "line0\nline1\nline2\nchanged\n"
    assert cf.transcript == cf.repo / "claude-large.jsonl"
    assert cf.input_bytes == shapes.claude_transcript_bytes(3, 50)
    assert json.loads(cf.hook_input()) == {
        "transcript_path": str(cf.transcript),
        "cwd": str(cf.repo),
        "tool_input": {"file_path": "f00000.txt"},
        "hook_event_name": "PostToolUse",
    }


def test_runs_get_private_copies(tmp_path: Path, input_cache: Path) -> None:
    a = fixtures.prepare_history(tmp_path / "a", input_cache, checkpoints=20)
    b = fixtures.prepare_history(tmp_path / "b", input_cache, checkpoints=20)
    assert a.head == b.head  # deterministic template commit
    a.checkpoints_file.write_text("")  # a tool under test rewrites its copy...
    assert b.checkpoints_file.stat().st_size == b.input_bytes > 0  # ...the others keep theirs


def test_cache_builds_once(tmp_path: Path) -> None:
    calls: list[Path] = []

    def build(tmp: Path) -> None:
        calls.append(tmp)
        tmp.write_text("x")

    first = cached_path(tmp_path, "thing", build)
    second = cached_path(tmp_path, "thing", build)
    assert first == second and first.read_text() == "x"
    assert len(calls) == 1
    assert not any(p.name.startswith(".") for p in first.parent.iterdir())  # no temp leftovers
