"""Ready-to-measure working directories: a repository, its legacy working log, an edit.

These are the inputs every checkpoint scenario shares (git-ai's legacy peer, the installed
``ckptlog``, and the engine scenarios the lead adds), so each sees byte-identical data. The large
files come from the cache (:mod:`tools.repro.cache`) and are *copied* into the run directory,
because the tools under test rewrite or import them.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from tools.repro import shapes
from tools.repro.cache import cached_path
from tools.repro.gitrepo import repo_from_template

TARGET_FILE = shapes.file_name(0)
"""The file edited before the measured checkpoint (``f00000.txt``, as in the repro script)."""

CLAUDE_TRANSCRIPT = "claude-large.jsonl"


@dataclass(frozen=True)
class CheckpointFixture:
    """A repository whose working log holds a legacy ``checkpoints.jsonl`` history."""

    repo: Path
    head: str
    log_dir: Path
    input_bytes: int
    checkpoints: int

    @property
    def checkpoints_file(self) -> Path:
        return self.log_dir / "checkpoints.jsonl"


@dataclass(frozen=True)
class ClaudeFixture:
    """A one-file repository plus a large Claude transcript and the hook input for it."""

    repo: Path
    head: str
    transcript: Path
    input_bytes: int

    def hook_input(self) -> str:
        """The repro script's PostToolUse payload for this transcript, compact JSON."""
        payload = {
            "transcript_path": str(self.transcript),
            "cwd": str(self.repo),
            "tool_input": {"file_path": TARGET_FILE},
            "hook_event_name": "PostToolUse",
        }
        return json.dumps(payload, separators=(",", ":"))


def repro_checkpoints_corpus(cache: Path, lines: int, attrs: int, file_count: int) -> Path:
    """The cached repro-shape ``checkpoints.jsonl`` for these parameters."""

    def build(tmp: Path) -> None:
        with tmp.open("wb") as out:
            shapes.write_repro_checkpoints(out, lines, attrs, file_count)

    return cached_path(cache, f"repro-checkpoints-{lines}x{attrs}-f{file_count}.jsonl", build)


def history_corpus(cache: Path, checkpoints: int, file_count: int) -> Path:
    """The cached ``history``-shape ``checkpoints.jsonl`` for these parameters."""

    def build(tmp: Path) -> None:
        with tmp.open("wb") as out:
            shapes.write_history_checkpoints(out, checkpoints, file_count)

    return cached_path(cache, f"history-{checkpoints}-f{file_count}.jsonl", build)


def claude_corpus(cache: Path, pairs: int, thinking_bytes: int) -> Path:
    """The cached Claude transcript for these parameters."""

    def build(tmp: Path) -> None:
        with tmp.open("wb") as out:
            shapes.write_claude_transcript(out, pairs, thinking_bytes)

    return cached_path(cache, f"claude-{pairs}x{thinking_bytes}.jsonl", build)


def install_log(repo: Path, head: str, corpus: Path) -> Path:
    """Install ``corpus`` as git-ai's working log of ``head`` (with the seeded files' blob)."""
    log_dir = repo / ".git" / "ai" / "working_logs" / head
    blobs = log_dir / "blobs"
    blobs.mkdir(parents=True)
    (blobs / shapes.BASE_BLOB_SHA).write_text(shapes.BASE_CONTENT, encoding="utf-8")
    shutil.copyfile(corpus, log_dir / "checkpoints.jsonl")
    return log_dir


def edit_target(repo: Path, extra_line: str = "change") -> None:
    """Append one line to ``f00000.txt`` (the repro script's edit; repeatable)."""
    path = repo / TARGET_FILE
    with path.open("a", encoding="utf-8") as out:
        out.write(extra_line + "\n")


def prepare_repro_checkpoints(
    workdir: Path, cache: Path, *, lines: int, attrs: int = 1500, file_count: int = 0
) -> CheckpointFixture:
    """A repo in the repro script's checkpoint shape, with ``f00000.txt`` edited.

    ``file_count`` 0 means the script's choice, ``max(400, lines)``.
    """
    files = file_count or shapes.repro_file_count(lines)
    corpus = repro_checkpoints_corpus(cache, lines, attrs, files)
    repo = workdir / "repo"
    head = repo_from_template(cache, repo, files)
    log_dir = install_log(repo, head, corpus)
    edit_target(repo)
    return CheckpointFixture(repo, head, log_dir, corpus.stat().st_size, lines)


def prepare_history(
    workdir: Path, cache: Path, *, checkpoints: int, file_count: int = 0
) -> CheckpointFixture:
    """A repo whose working log is a ``history``-shape corpus, with ``f00000.txt`` edited."""
    files = file_count or shapes.history_file_count(checkpoints)
    corpus = history_corpus(cache, checkpoints, files)
    repo = workdir / "repo"
    head = repo_from_template(cache, repo, files)
    log_dir = install_log(repo, head, corpus)
    edit_target(repo)
    return CheckpointFixture(repo, head, log_dir, corpus.stat().st_size, checkpoints)


def prepare_claude(
    workdir: Path, cache: Path, *, pairs: int, thinking_bytes: int = 8000
) -> ClaudeFixture:
    """The repro script's Claude scenario: a 1-file repo, the transcript inside it, an edit."""
    corpus = claude_corpus(cache, pairs, thinking_bytes)
    repo = workdir / "repo"
    head = repo_from_template(cache, repo, 1)
    transcript = repo / CLAUDE_TRANSCRIPT
    shutil.copyfile(corpus, transcript)
    edit_target(repo, "changed")
    return ClaudeFixture(repo, head, transcript, transcript.stat().st_size)


BIG_FILE = "big.txt"
"""The new file of a ``file`` input (untracked, so its first checkpoint has no HEAD content)."""


@dataclass(frozen=True)
class FileFixture:
    """A one-file repository plus a new, untracked text file of a given size."""

    repo: Path
    head: str
    path: Path
    input_bytes: int


def big_text(size: int) -> bytes:
    """``size`` bytes of text in 200-byte lines (under git-ai's 500,000-line cap up to 95 MiB)."""
    line = b"%07d " + b"generated line of a large source file, " * 4 + b"end"
    out = bytearray()
    i = 0
    while len(out) < size:
        chunk = (line % i)[:199] + b"\n"
        out += chunk
        i += 1
    return bytes(out[:size])


def prepare_file(workdir: Path, cache: Path, *, file_bytes: int) -> FileFixture:
    """A repo whose work tree holds a new ``big.txt`` of ``file_bytes`` bytes."""
    repo = workdir / "repo"
    head = repo_from_template(cache, repo, 1)
    path = repo / BIG_FILE
    path.write_bytes(big_text(file_bytes))
    return FileFixture(repo, head, path, file_bytes)


def append_claude_pair(transcript: Path, index: int, thinking_bytes: int = 8000) -> None:
    """Append one more user/assistant pair (a turn of the agent between two hooks)."""
    with transcript.open("ab") as out:
        out.write(shapes.claude_pair(index, thinking_bytes))
