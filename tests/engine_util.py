"""Helpers shared by the engine tests: deterministic checkpoints and a health check."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from lsm import (
    AgentId,
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    LineAttribution,
    LineStats,
    Store,
)
from lsm.verify import verify

ROOT = Path(__file__).resolve().parent.parent


def content_for(tag: str, i: int) -> bytes:
    """The file content checkpoint ``i`` of writer ``tag`` stores (deterministic)."""
    return f"{tag} checkpoint {i}\n".encode() * (1 + i % 3)


def make_checkpoint(
    tag: str, i: int, path: str, *, kind: CheckpointKind | None = None, attrs: int = 3
) -> tuple[Checkpoint, dict[str, bytes]]:
    """Checkpoint ``i`` of writer ``tag``: one entry for ``path``, content from content_for."""
    data = content_for(tag, i)
    sha = hashlib.sha256(data).hexdigest()
    kind = (
        kind if kind is not None else (CheckpointKind.AI_AGENT if i % 2 else CheckpointKind.HUMAN)
    )
    author = f"s_{tag[:4]:0>14}::t_{i:014x}" if kind.is_ai else "human"
    entry = FileEntry(
        path,
        sha,
        [Attribution(k, k + 1, author, 1000 + i) for k in range(attrs)],
        [LineAttribution(1, 1, author, None)] if kind.is_ai else [],
    )
    cp = Checkpoint(
        kind=kind,
        diff=hashlib.sha256(f"{path}{sha}".encode("utf-8", "surrogateescape")).hexdigest(),
        author="Test <t@example.com>",
        entries=[entry],
        timestamp=1_700_000_000 + i,
        agent_id=AgentId("mock_ai", tag, "m") if kind.is_ai else None,
        line_stats=LineStats(1, 0, 1, 0),
        git_ai_version="test",
        trace_id=f"t_{i:014x}",
    )
    return cp, {sha: data}


def assert_healthy(store: Store) -> None:
    """The store passes verify() with no errors (warnings allowed)."""
    errors = [p for p in verify(store) if p.severity == "error"]
    assert not errors, errors


def run_child(store: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run tests/engine_child.py against ``store``; returns the CompletedProcess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tests.engine_child", str(store), *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def parse_acks(stdout: str) -> list[tuple[str, int, int, str]]:
    """``ACK tag i seq path`` lines printed by the child after each acknowledged append."""
    out = []
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0] == "ACK":
            out.append((parts[1], int(parts[2]), int(parts[3]), parts[4]))
    return out
