"""The hook paths stay light: what a ``ckptlog checkpoint`` process imports.

A git hook runs ``ckptlog checkpoint`` for every commit, and an agent hook
runs ``ckptlog checkpoint claude`` after every edit, so start-up is most of
their latency. These modules cost milliseconds each to import and have no
business on those paths: ``dataclasses`` (which pulls in ``inspect``,
``ast``, ``dis``...), ``orjson`` (whose init imports ``dataclasses``,
``uuid``, ``datetime`` and ``json``; a transcript parse only loads it for a
big increment), ``tomllib`` (only read when a config file exists),
``secrets``, ``shutil``, the compactor, the legacy importer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lsm
from lsm.transcripts import parse_transcript
from tests.gitutil import GIT_ENV, init_repo

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPT = ROOT / "tests" / "fixtures" / "transcripts" / "example-claude-code.jsonl"

FORBIDDEN = (
    "dataclasses",
    "orjson",
    "inspect",
    "tomllib",
    "secrets",
    "shutil",
    "subprocess",
    "threading",
    "hashlib",
    "lsm.compaction.compactor",
    "lsm.legacy.importer",
)

CODE = "import sys; from cli.main import main; main(sys.argv[1:])"


def _env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CKPTLOG_", "GIT_AI_", "PYTHON"))
    }
    env.update({**GIT_ENV, "PYTHONPATH": str(ROOT)})
    return env


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", {"f.txt": "a\n"}, env=_env())


def _checkpoint_imports(repo: Path, *args: str) -> tuple[list[str], str]:
    """Run ``ckptlog checkpoint ARGS`` with ``-X importtime``: (modules imported, other stderr).

    Without ``args``, a human checkpoint of f.txt.
    """
    args = args or ("--", "f.txt")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CODE, "checkpoint", *args],
        cwd=repo,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    modules: list[str] = []
    other: list[str] = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                modules.append(name)
        else:
            other.append(line)
    return modules, "\n".join(other)


def test_human_checkpoint_imports_nothing_heavy(repo: Path) -> None:
    # The first checkpoint creates the store; the second appends to it.
    for n in range(2):
        with (repo / "f.txt").open("a") as f:
            f.write(f"line {n}\n")
        modules, messages = _checkpoint_imports(repo)
        assert "changed 1 file(s)" in messages, messages
        assert "lsm.checkpoint.runner" in modules  # the work was done in this process
        heavy = [m for m in FORBIDDEN if m in modules]
        assert heavy == [], f"the human hook imported {heavy}"


def test_claude_hook_imports_nothing_heavy(repo: Path, tmp_path: Path) -> None:
    # A small transcript that grows between the hooks, as a session's does.
    lines = TRANSCRIPT.read_bytes().splitlines(keepends=True)
    transcript = tmp_path / "session.jsonl"
    transcript.write_bytes(b"".join(lines[:20]))
    payload = json.dumps(
        {
            "hook_event_name": "PostToolUse",
            "tool_name": "Write",
            "session_id": "s1",
            "transcript_path": str(transcript),
            "cwd": str(repo),
            "tool_input": {"file_path": str(repo / "f.txt")},
        }
    )
    # The first hook creates the store and parses the transcript so far; the
    # second appends to both and parses only the line added in between.
    for n in range(2):
        if n:
            with transcript.open("ab") as f:
                f.write(lines[20])
        with (repo / "f.txt").open("a") as f:
            f.write(f"line {n}\n")
        modules, messages = _checkpoint_imports(repo, "claude", "--hook-input", payload)
        assert "ai_agent claude changed 1 file(s)" in messages, messages
        assert "lsm.transcripts.ingest" in modules  # the transcript was parsed in this process
        heavy = [m for m in FORBIDDEN if m in modules]
        assert heavy == [], f"the Claude hook imported {heavy}"

    # The store holds the session's messages, as a full parse of the file gives them.
    expected = [m.to_json() for m in parse_transcript("claude", transcript).messages]
    assert len(expected) > 1
    with lsm.open_repo_store(repo, env=_env()) as store:
        sessions = store.transcript_sessions()
        assert [(s["agent"], s["session"], s["end"]) for s in sessions] == [
            ("claude", "s1", transcript.stat().st_size)
        ]
        assert list(store.transcript_messages("claude", "s1")) == expected
