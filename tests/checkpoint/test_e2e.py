"""End to end: the real hook command, as separate processes, in real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import lsm
from lsm.model import CheckpointKind
from tests.gitutil import GIT_ENV, git, init_repo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
ENV = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}


def hook(
    repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "checkpoint", *args],
        cwd=repo,
        input=stdin,
        capture_output=True,
        text=True,
        env={**ENV, **(env or {})},
        check=False,
        timeout=60,
    )


def claude_payload(
    repo: Path, path: str, *, event: str = "PostToolUse", tool: str = "Write"
) -> str:
    transcript = repo / "transcript.jsonl"
    if not transcript.exists():
        transcript.write_bytes((FIXTURES / "example-claude-code.jsonl").read_bytes())
    return json.dumps(
        {
            "hook_event_name": event,
            "tool_name": tool,
            "session_id": "sess-1",
            "transcript_path": str(transcript),
            "cwd": str(repo),
            "tool_input": {"file_path": str(repo / path)},
        }
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {"a.py": "def f():\n    return 1\n", ".gitignore": "transcript.jsonl\n"}
    return init_repo(tmp_path / "repo", files)


def checkpoints(repo: Path) -> list[Any]:
    with lsm.open_repo_store(repo) as store:
        return [cp.checkpoint for cp in store.checkpoints(lsm.current_log(repo))]


def latest(repo: Path, path: str) -> Any:
    with lsm.open_repo_store(repo) as store:
        found = store.latest(lsm.current_log(repo), path)
        return None if found is None else found.entry


def test_human_edit(repo: Path) -> None:
    (repo / "a.py").write_text("def f():\n    return 2\n")
    done = hook(repo)
    assert done.returncode == 0, done.stderr
    [cp] = checkpoints(repo)
    assert cp.kind is CheckpointKind.HUMAN
    assert cp.author == "Ada <ada@example.com>"
    assert [e.file for e in cp.entries] == ["a.py"]
    # The human fast path: no attributions, but line stats.
    assert list(cp.entries[0].attributions) == []
    assert cp.line_stats.additions == 1 and cp.line_stats.deletions == 1
    assert cp.api_version == "checkpoint/1.0.0"
    # Nothing changed since: no new checkpoint.
    assert hook(repo).returncode == 0
    assert len(checkpoints(repo)) == 1


def test_agent_edit_then_human_override(repo: Path) -> None:
    (repo / "b.py").write_text("def g():\n    x = 1\n    return x\n")
    done = hook(repo, "claude", "--hook-input", "stdin", stdin=claude_payload(repo, "b.py"))
    assert done.returncode == 0, done.stderr
    [ai] = checkpoints(repo)
    assert ai.kind is CheckpointKind.AI_AGENT
    assert ai.agent_id.tool == "claude" and ai.agent_id.id == "sess-1"
    assert ai.agent_id.model == "claude-sonnet-4-20250514"  # from the transcript
    assert ai.agent_metadata["tool_use_id"] is not None
    author = ai.entries[0].line_attributions[0].author_id
    assert author.startswith("s_") and "::t_" in author
    assert [(la.start_line, la.end_line) for la in ai.entries[0].line_attributions] == [(1, 3)]

    (repo / "b.py").write_text("def g():\n    x = 2\n    return x\n")
    assert hook(repo).returncode == 0
    entry = latest(repo, "b.py")
    assert [
        (la.start_line, la.end_line, la.author_id, la.overrode) for la in entry.line_attributions
    ] == [
        (1, 1, author, None),
        (2, 2, "human", author),
        (3, 3, author, None),
    ]
    # The transcript was stored incrementally, once.
    with lsm.open_repo_store(repo) as store:
        [session] = store.transcript_sessions()
        assert session["agent"] == "claude"


def test_pre_tool_use_is_a_human_checkpoint_and_read_tools_are_skipped(repo: Path) -> None:
    (repo / "a.py").write_text("def f():\n    return 5\n")  # dirty before the agent edits
    payload = claude_payload(repo, "a.py", event="PreToolUse", tool="Edit")
    assert hook(repo, "claude", "--hook-input", payload).returncode == 0
    [cp] = checkpoints(repo)
    assert cp.kind is CheckpointKind.HUMAN and cp.agent_id is None
    read = claude_payload(repo, "a.py", tool="Read")
    assert hook(repo, "claude", "--hook-input", read).returncode == 0
    assert len(checkpoints(repo)) == 1


def test_crlf_only_change_keeps_attribution(repo: Path) -> None:
    (repo / "c.py").write_text("one\ntwo\n")
    assert hook(repo, "claude", "--hook-input", claude_payload(repo, "c.py")).returncode == 0
    before = latest(repo, "c.py")
    (repo / "c.py").write_bytes(b"one\r\ntwo\r\n")
    assert hook(repo).returncode == 0
    cps = checkpoints(repo)
    assert len(cps) == 2
    after = cps[-1].entries[0]
    assert cps[-1].line_stats == lsm.LineStats()
    assert list(after.line_attributions) == list(before.line_attributions)
    assert after.attributions[0].end == len(b"one\r\ntwo\r\n")


def test_deleted_file(repo: Path) -> None:
    (repo / "a.py").unlink()
    assert hook(repo, "--", "a.py").returncode == 0
    [cp] = checkpoints(repo)
    assert cp.entries[0].file == "a.py"
    assert cp.line_stats.deletions == 2
    with lsm.open_repo_store(repo) as store:
        assert store.get_blob(cp.entries[0].blob_sha) == b""


def test_file_over_the_cap_is_skipped_with_a_warning(repo: Path) -> None:
    (repo / "big.txt").write_text("x" * 2000 + "\n")
    (repo / "a.py").write_text("def f():\n    return 3\n")
    done = hook(repo, env={"CKPTLOG_CAPS_MAX_FILE_BYTES": "1000"})
    assert done.returncode == 0
    assert "big.txt" in done.stderr
    [cp] = checkpoints(repo)
    assert [e.file for e in cp.entries] == ["a.py"]
    with lsm.open_repo_store(repo) as store:
        hits = [e for e in store.events.read() if e.get("kind") == "cap_hit"]
    assert hits and hits[0]["cap"] == "max_file_bytes"


def test_paths_outside_the_repo_and_symlinks_out_are_rejected(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    (repo / "link.txt").symlink_to(outside)
    done = hook(repo, "--", str(outside), "link.txt", "../outside.txt")
    assert done.returncode == 0
    assert "outside" in done.stderr
    assert checkpoints(repo) == []


def test_binary_and_non_utf8_content_is_skipped(repo: Path) -> None:
    (repo / "nul.bin").write_bytes(b"a\x00b\n")
    (repo / "latin1.txt").write_bytes(b"caf\xe9\n")
    (repo / "ok.txt").write_text("fine\n")
    assert hook(repo).returncode == 0
    [cp] = checkpoints(repo)
    assert [e.file for e in cp.entries] == ["ok.txt"]


def test_ignore_rules(repo: Path) -> None:
    (repo / ".git-ai-ignore").write_text("generated/**\n")
    (repo / "generated").mkdir()
    (repo / "generated" / "x.py").write_text("x = 1\n")
    (repo / "package-lock.json").write_text("{}\n")
    (repo / "keep.py").write_text("y = 2\n")
    assert hook(repo).returncode == 0
    [cp] = checkpoints(repo)
    assert sorted(e.file for e in cp.entries) == [".git-ai-ignore", "keep.py"]


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["claude", "--hook-input", "{not json"], None),
        (["claude", "--hook-input", "stdin"], "[1, 2"),
        (["claude", "--hook-input", "stdin"], '{"hook_event_name": "PostToolUse"}'),
    ],
)
def test_malformed_hook_input_exits_zero_and_keeps_everything(
    repo: Path, args: list[str], stdin: str | None
) -> None:
    (repo / "a.py").write_text("def f():\n    return 9\n")
    assert hook(repo).returncode == 0
    before = checkpoints(repo)
    done = hook(repo, *args, stdin=stdin)
    assert done.returncode == 0
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, done.stderr
    assert checkpoints(repo) == before
    strict = hook(repo, "--strict", *args, stdin=stdin)
    assert strict.returncode == 1


def test_not_a_repository_exits_zero(tmp_path: Path) -> None:
    done = hook(tmp_path)
    assert done.returncode == 0
    assert done.stderr.count("warning") == 1


def test_four_hooks_at_once_on_different_files(repo: Path) -> None:
    procs = []
    for i in range(4):
        (repo / f"w{i}.py").write_text(f"value = {i}\n" * (i + 1))
    for i in range(4):
        payload = claude_payload(repo, f"w{i}.py")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "cli", "checkpoint", "claude", "--hook-input", payload],
                cwd=repo,
                env=ENV,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    cps = checkpoints(repo)
    assert sorted(cp.entries[0].file for cp in cps) == [f"w{i}.py" for i in range(4)]
    for i in range(4):
        entry = latest(repo, f"w{i}.py")
        assert entry.line_attributions[0].end_line == i + 1
    with lsm.open_repo_store(repo) as store:
        assert [p for p in lsm.verify_store(store) if p.severity == "error"] == []


def test_known_human_records_h_ids(repo: Path) -> None:
    (repo / "a.py").write_text("def f():\n    return 4\n")
    done = hook(repo, "known_human", "--editor", "vscode", "--", "a.py")
    assert done.returncode == 0, done.stderr
    [cp] = checkpoints(repo)
    assert cp.kind is CheckpointKind.KNOWN_HUMAN
    assert cp.known_human_metadata is not None and cp.known_human_metadata.editor == "vscode"
    ids = {a.author_id for a in cp.entries[0].attributions}
    assert any(i.startswith("h_") and len(i) == 16 for i in ids)


def test_legacy_working_log_is_imported_on_first_touch(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    wl = repo / ".git" / "ai" / "working_logs" / head
    wl.mkdir(parents=True)
    line = {
        "kind": "AiAgent",
        "diff": "d",
        "author": "Ada",
        "entries": [
            {
                "file": "a.py",
                "blob_sha": "0" * 64,
                "attributions": [{"start": 0, "end": 21, "author_id": "ai-1", "ts": 1}],
                "line_attributions": [
                    {"start_line": 1, "end_line": 2, "author_id": "ai-1", "overrode": None}
                ],
            }
        ],
        "timestamp": 1,
        "transcript": None,
        "agent_id": {"tool": "claude", "id": "x", "model": "m"},
        "line_stats": {"additions": 2, "deletions": 0, "additions_sloc": 2, "deletions_sloc": 0},
        "api_version": "checkpoint/1.0.0",
    }
    legacy = wl / "checkpoints.jsonl"
    legacy.write_text(json.dumps(line) + "\n")
    before = legacy.read_bytes()
    (repo / "n.py").write_text("z = 1\n")
    assert hook(repo).returncode == 0
    cps = checkpoints(repo)
    assert len(cps) == 2 and cps[0].kind is CheckpointKind.AI_AGENT
    assert legacy.read_bytes() == before  # never modified


def test_missing_or_truncated_transcript_still_checkpoints(repo: Path) -> None:
    (repo / "m.py").write_text("m = 1\n")
    payload = json.loads(claude_payload(repo, "m.py"))
    payload["transcript_path"] = str(repo / "no-such-transcript.jsonl")
    done = hook(repo, "claude", "--hook-input", json.dumps(payload))
    assert done.returncode == 0
    assert "no-such-transcript" in done.stderr  # one warning about the transcript
    [cp] = checkpoints(repo)
    assert cp.kind is CheckpointKind.AI_AGENT and cp.agent_id.model == "unknown"
    # A transcript cut in the middle of a line: the complete lines count, the rest waits.
    cut = repo / "cut.jsonl"
    data = (FIXTURES / "example-claude-code.jsonl").read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    payload["transcript_path"] = str(cut)
    (repo / "m.py").write_text("m = 2\n")
    done = hook(repo, "claude", "--hook-input", json.dumps(payload))
    assert done.returncode == 0, done.stderr
    assert len(checkpoints(repo)) == 2


def test_non_utf8_file_name(repo: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # not valid UTF-8: kept with surrogate escapes
    (repo / name).write_text("hello\n")
    done = hook(repo, "--", name)
    assert done.returncode == 0, done.stderr
    [cp] = checkpoints(repo)
    assert [e.file for e in cp.entries] == [name]
    assert latest(repo, name) is not None
