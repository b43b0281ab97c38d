"""A faithful model of git-ai's legacy storage path, for one checkpoint (peer (a)).

What git-ai 1.6.24 (HEAD ``55a1d728f``) does per ``git-ai checkpoint``, step for step, with the
source it models (see ``gitai-semantics.md`` sections 1.2, 1.7, 2.4):

1. ``read_all_checkpoints_with_size_limit`` (``repo_storage.rs`` L510-597): if the file is over
   1 GiB, delete and recreate it empty; else read it line by line, parse every non-blank line
   (one bad line fails the whole read), skip lines whose ``api_version`` is not
   ``checkpoint/1.0.0``, and collect **every checkpoint into one list** (Rust's ``Vec``). Then
   the 7-to-16 character prompt-hash migration pass over every attribution.
2. ``build_previous_file_state_maps`` (``daemon/checkpoint.rs`` L638-664): one pass keeping the
   last entry per file (its blob sha and a copy of its character attributions) and the set of
   AI-touched files.
3. ``save_current_file_states``: read the edited file, write its blob (sha256 name).
4. ``append_checkpoint_to`` (``repo_storage.rs`` L476-491): push the new checkpoint,
   ``prune_old_char_attributions`` (only the newest entry per file keeps ``attributions``), and
   ``write_all_checkpoints``: truncate the file (``File::create``: no temp file, no rename) and
   serialise every checkpoint again.

It is a peer for **storage cost only**: the new entry is a simple whole-file AI attribution,
not git-ai's attribution diff (section 2.6), which costs the same in every storage design.

Modelling choices, each of which makes the peer cheaper than git-ai, so the ours/theirs ratios
this peer produces are conservative:

* JSON is parsed and written with **orjson** (a project dependency), the fastest JSON codec
  available to Python; the stdlib ``json`` would be 2-4x slower and flatter the ratio.
* Rust deep-clones each entry's attributions into the state map; the model copies the list
  (references to the same attribution objects), not the objects.
* Attribution objects are kept as parsed; serde would rebuild each one as a struct.
* Python's cyclic garbage collector is paused during the append (:func:`no_gc`): the data has
  no cycles and Rust has no tracing collector, and with it on, a 1M-checkpoint read spends more
  time collecting than parsing.

Python objects are larger than Rust structs, so per byte of history the model may hold more
memory than the Rust binary, and its wall time is CPython's, not Rust's. Both are reported as a
model, beside the plan's measurements of the real binary (307 MB: 1.78 GB, 33 s). On the 358 MB
repro input the model peaks at about 1.7 GB.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

API_VERSION = "checkpoint/1.0.0"
MAX_CHECKPOINTS_JSONL_BYTES = 1073741824
"""``MAX_CHECKPOINTS_JSONL_BYTES`` (``repo_storage.rs`` L16): the 1 GiB delete-and-recreate cap."""

KINDS = frozenset({"Human", "AiAgent", "AiTab", "KnownHuman"})
AI_KINDS = frozenset({"AiAgent", "AiTab"})
DEFAULT_LINE_STATS = {"additions": 0, "deletions": 0, "additions_sloc": 0, "deletions_sloc": 0}

Checkpoint = dict[str, Any]
"""A checkpoint as parsed: a dict with git-ai's ``Checkpoint`` fields in serde order."""


class TornLogError(ValueError):
    """A line of ``checkpoints.jsonl`` did not parse: git-ai fails the whole read."""


@dataclass(frozen=True)
class AppendResult:
    """What one modelled checkpoint did, for the benchmark's detail columns."""

    checkpoints_read: int
    checkpoints_written: int
    bytes_read: int
    bytes_written: int
    read_s: float
    state_s: float
    write_s: float


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    """``WorkingLogEntry`` with serde defaults: ``file`` required, lists default to ``[]``."""
    return {
        "file": raw["file"],
        "blob_sha": raw.get("blob_sha", ""),
        "attributions": raw.get("attributions") or [],
        "line_attributions": raw.get("line_attributions") or [],
    }


def _checkpoint(raw: dict[str, Any]) -> Checkpoint:
    """Deserialise one line into git-ai's ``Checkpoint`` shape (unknown keys dropped)."""
    kind = raw.get("kind", "Human")
    if kind not in KINDS:
        raise KeyError(f"unknown kind {kind!r}")
    cp: Checkpoint = {
        "kind": kind,
        "diff": raw["diff"],
        "author": raw["author"],
        "entries": [_entry(e) for e in raw["entries"]],
        "timestamp": raw["timestamp"],
        "agent_id": raw.get("agent_id"),
        "agent_metadata": raw.get("agent_metadata"),
        "line_stats": {**DEFAULT_LINE_STATS, **(raw.get("line_stats") or {})},
        "api_version": raw.get("api_version", ""),
    }
    for optional in ("git_ai_version", "known_human_metadata", "trace_id"):
        value = raw.get(optional)
        if value is not None:
            cp[optional] = value
    return cp


def short_hash(agent_id: str, tool: str) -> str:
    """``generate_short_hash``: ``sha256(f"{tool}:{id}")[:16]``."""
    return hashlib.sha256(f"{tool}:{agent_id}".encode()).hexdigest()[:16]


def read_all_checkpoints(path: Path) -> list[Checkpoint]:
    """Model of ``read_all_checkpoints_with_size_limit``: the whole history, as one list."""
    if not path.exists():
        return []
    if path.stat().st_size > MAX_CHECKPOINTS_JSONL_BYTES:
        path.unlink()
        path.touch()
        return []
    checkpoints: list[Checkpoint] = []
    with path.open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                cp = _checkpoint(orjson.loads(line))
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise TornLogError(f"{path}: {exc} (line of {len(line)} bytes)") from exc
            if cp["api_version"] != API_VERSION:
                continue
            checkpoints.append(cp)
    _migrate_prompt_hashes(checkpoints)
    return checkpoints


def _migrate_prompt_hashes(checkpoints: list[Checkpoint]) -> None:
    """The 7-to-16 character prompt-hash migration, run on every read (L555-592)."""
    old_to_new: dict[str, str] = {}
    for cp in checkpoints:
        agent = cp["agent_id"]
        if agent is not None:
            new = short_hash(agent["id"], agent["tool"])
            old_to_new[new[:7]] = new
    for cp in checkpoints:
        for entry in cp["entries"]:
            for attr in entry["attributions"]:
                author = attr["author_id"]
                if len(author) == 7 and author in old_to_new:
                    attr["author_id"] = old_to_new[author]
            for line_attr in entry["line_attributions"]:
                author = line_attr["author_id"]
                if len(author) == 7 and author in old_to_new:
                    line_attr["author_id"] = old_to_new[author]
                overrode = line_attr.get("overrode")
                if overrode is not None and len(overrode) == 7 and overrode in old_to_new:
                    line_attr["overrode"] = old_to_new[overrode]


def _is_ai_author(author_id: str) -> bool:
    return author_id != "human" and not author_id.startswith("h_")


def build_previous_file_state_maps(
    checkpoints: Sequence[Checkpoint],
) -> tuple[dict[str, tuple[str, list[dict[str, Any]]]], set[str]]:
    """Last (blob sha, attributions copy) per file, and the AI-touched files (L638-664)."""
    state: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    ai_touched: set[str] = set()
    for cp in checkpoints:
        is_ai = cp["kind"] in AI_KINDS
        for entry in cp["entries"]:
            state[entry["file"]] = (entry["blob_sha"], list(entry["attributions"]))
            if (
                is_ai
                or any(_is_ai_author(a["author_id"]) for a in entry["line_attributions"])
                or any(_is_ai_author(a["author_id"]) for a in entry["attributions"])
            ):
                ai_touched.add(entry["file"])
    return state, ai_touched


def save_file_state(log_dir: Path, repo: Path, file: str) -> str:
    """``save_current_file_states`` for one file: write its blob, return its sha256."""
    content = (repo / file).read_bytes()
    sha = hashlib.sha256(content).hexdigest()
    blobs = log_dir / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    (blobs / sha).write_bytes(content)
    return sha


MOCK_AGENT = {"tool": "mock_ai", "id": "bench-session", "model": "synthetic"}


def new_ai_checkpoint(
    files: Sequence[tuple[str, str, bytes]],
    *,
    ts_ms: int,
    trace_id: str,
    agent: dict[str, str] | None = None,
    metadata: dict[str, str] | None = None,
) -> Checkpoint:
    """A simple AI checkpoint: each (file, blob sha, content) attributed whole to one session."""
    agent = agent or MOCK_AGENT
    session = hashlib.sha256(f"{agent['tool']}:{agent['id']}".encode()).hexdigest()[:14]
    author_id = f"s_{session}::{trace_id}"
    diff = hashlib.sha256(b"".join(f.encode() + s.encode() for f, s, _ in sorted(files)))
    entries = []
    added = 0
    for file, sha, content in files:
        lines = content.count(b"\n") + (0 if content.endswith(b"\n") or not content else 1)
        added += lines
        entries.append(
            {
                "file": file,
                "blob_sha": sha,
                "attributions": [
                    {"start": 0, "end": len(content), "author_id": author_id, "ts": ts_ms}
                ],
                "line_attributions": [
                    {"start_line": 1, "end_line": lines, "author_id": author_id, "overrode": None}
                ],
            }
        )
    return {
        "kind": "AiAgent",
        "diff": diff.hexdigest(),
        "author": "Bench Bot <bench@example.com>",
        "entries": entries,
        "timestamp": ts_ms // 1000,
        "agent_id": agent,
        "agent_metadata": metadata or None,
        "line_stats": {
            "additions": added,
            "deletions": 0,
            "additions_sloc": added,
            "deletions_sloc": 0,
        },
        "api_version": API_VERSION,
        "git_ai_version": "bench",
        "trace_id": trace_id,
    }


def prune_old_char_attributions(checkpoints: Sequence[Checkpoint]) -> None:
    """Clear ``attributions`` in every entry but the newest per file (L660-684)."""
    newest: dict[str, int] = {}
    for idx in range(len(checkpoints) - 1, -1, -1):
        for entry in checkpoints[idx]["entries"]:
            newest.setdefault(entry["file"], idx)
    for idx, cp in enumerate(checkpoints):
        for entry in cp["entries"]:
            if newest.get(entry["file"], idx) != idx and entry["attributions"]:
                entry["attributions"] = []


def write_all_checkpoints(path: Path, checkpoints: Iterable[Checkpoint]) -> int:
    """Truncate and rewrite the whole file, one compact JSON line per checkpoint (L689)."""
    written = 0
    with path.open("wb") as out:
        for cp in checkpoints:
            line = orjson.dumps(cp, option=orjson.OPT_APPEND_NEWLINE)
            out.write(line)
            written += len(line)
    return written


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def append_checkpoint(
    log_dir: Path,
    repo: Path,
    files: Sequence[str],
    *,
    ts_ms: int | None = None,
    agent: dict[str, str] | None = None,
    metadata: dict[str, str] | None = None,
) -> AppendResult:
    """Record one AI checkpoint of ``files`` the way git-ai's legacy storage does."""
    with no_gc():
        return _append(log_dir, repo, files, ts_ms=ts_ms, agent=agent, metadata=metadata)


def _append(
    log_dir: Path,
    repo: Path,
    files: Sequence[str],
    *,
    ts_ms: int | None,
    agent: dict[str, str] | None,
    metadata: dict[str, str] | None,
) -> AppendResult:
    path = log_dir / "checkpoints.jsonl"
    bytes_read = path.stat().st_size if path.exists() else 0
    t0 = time.perf_counter()
    checkpoints = read_all_checkpoints(path)
    n_read = len(checkpoints)
    t1 = time.perf_counter()
    state, ai_touched = build_previous_file_state_maps(checkpoints)
    snapshot = []
    for file in files:
        sha = save_file_state(log_dir, repo, file)
        snapshot.append((file, sha, (repo / file).read_bytes()))
    now_ms = ts_ms if ts_ms is not None else int(time.time() * 1000)
    new = new_ai_checkpoint(
        snapshot, ts_ms=now_ms, trace_id=f"t_{now_ms:014x}", agent=agent, metadata=metadata
    )
    del state, ai_touched  # git-ai drops the maps when the entries are built, before appending
    checkpoints.append(new)
    prune_old_char_attributions(checkpoints)
    t2 = time.perf_counter()
    written = write_all_checkpoints(path, checkpoints)
    t3 = time.perf_counter()
    return AppendResult(
        checkpoints_read=n_read,
        checkpoints_written=len(checkpoints),
        bytes_read=bytes_read,
        bytes_written=written,
        read_s=t1 - t0,
        state_s=t2 - t1,
        write_s=t3 - t2,
    )
