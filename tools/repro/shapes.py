"""Byte-exact input shapes, written from precomputed byte templates.

Three shapes:

* ``repro-checkpoints``: the legacy ``checkpoints.jsonl`` lines that git-ai's
  ``scripts/repro_runaway_memory.py`` writes: one ``AiAgent`` checkpoint per line, each with one
  entry of N character attributions ``{"start":2i,"end":2i+1,"author_id":"synthetic-agent",
  "ts":1700000000000}``, file ``f{i % file_count:05d}.txt``, ``"transcript":null`` and
  ``"git_ai_version":"repro"``. The bytes equal ``json.dumps(line, separators=(",", ":"))``.
* ``claude``: a Claude Code transcript of user/assistant line pairs, the assistant line carrying a
  thinking block of ``thinking_bytes`` characters (the same script's transcript shape).
* ``history``: a realistic current-format (``checkpoint/1.0.0``, 2026) working log of N checkpoints
  over F files, already pruned the way git-ai leaves it on disk: only the newest entry per file
  keeps character attributions. Used for the scaling study (1k to 1M checkpoints), where the
  repro shape (about 110 kB per line) would not fit on a disk.

Every writer streams: a 350 MB file is written line by line from byte templates, never built in
memory and never passed through ``json.dumps`` per line. Each shape also has an exact size formula
(``*_bytes``) so tests and profiles can check sizes without writing the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO

BASE_CONTENT = "line0\nline1\nline2\n"
"""Content of every seeded file ``fNNNNN.txt`` (as in the repro script)."""

EDITED_CONTENT = BASE_CONTENT + "change\n"
"""Content of ``f00000.txt`` after the edit that the measured checkpoint records."""

BASE_BLOB_SHA = hashlib.sha256(BASE_CONTENT.encode()).hexdigest()
"""sha256 of :data:`BASE_CONTENT`: the ``blob_sha`` of every generated entry."""

REPRO_TS_MS = 1700000000000
REPRO_EPOCH_S = 1700000000
HISTORY_EPOCH_S = 1755000000
CLAUDE_MODEL = "claude-3-7-sonnet"

_WRITE_CHUNK = 1 << 20


def file_name(index: int) -> str:
    """Repo-relative name of the ``index``-th seeded file."""
    return f"f{index:05d}.txt"


# --------------------------------------------------------------------------------------------
# repro-checkpoints


def _repro_attribution(i: int) -> bytes:
    return b'{"start":%d,"end":%d,"author_id":"synthetic-agent","ts":%d}' % (
        i * 2,
        i * 2 + 1,
        REPRO_TS_MS,
    )


def repro_attributions(attrs: int) -> bytes:
    """The JSON array shared by every repro line: ``attrs`` one-byte attributions."""
    return b"[" + b",".join(_repro_attribution(i) for i in range(attrs)) + b"]"


def _repro_line_parts(attrs: int) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """Constant byte segments around the four per-line fields (diff, file, timestamp, id)."""
    return (
        b'{"kind":"AiAgent","diff":"synthetic-',
        b'","author":"synthetic","entries":[{"file":"',
        b'","blob_sha":"'
        + BASE_BLOB_SHA.encode()
        + b'","attributions":'
        + repro_attributions(attrs)
        + b',"line_attributions":[]}],"timestamp":',
        b',"transcript":null,"agent_id":{"tool":"mock_ai","id":"session-',
        b'","model":"synthetic"},"agent_metadata":null,"line_stats":{"additions":1,'
        b'"deletions":0,"additions_sloc":1,"deletions_sloc":0},'
        b'"api_version":"checkpoint/1.0.0","git_ai_version":"repro"}\n',
    )


def repro_checkpoint_lines(lines: int, attrs: int, file_count: int) -> Iterator[bytes]:
    """Yield the ``lines`` repro checkpoint lines (each ending in ``\\n``)."""
    p0, p1, p2, p3, p4 = _repro_line_parts(attrs)
    for i in range(lines):
        yield b"".join(
            (
                p0,
                b"%d" % i,
                p1,
                file_name(i % file_count).encode(),
                p2,
                b"%d" % (REPRO_EPOCH_S + i),
                p3,
                b"%06d" % i,
                p4,
            )
        )


def repro_checkpoints_bytes(lines: int, attrs: int, file_count: int) -> int:
    """Exact size in bytes of :func:`write_repro_checkpoints` output."""
    fixed = sum(len(p) for p in _repro_line_parts(attrs)) + len(file_name(0))
    variable = 0
    for i in range(lines):
        variable += len(b"%d" % i) + len(b"%d" % (REPRO_EPOCH_S + i)) + len(b"%06d" % i)
        variable += len(file_name(i % file_count)) - len(file_name(0))
    return fixed * lines + variable


def repro_file_count(lines: int, base_files: int = 400) -> int:
    """The repro script's file count: ``max(400, checkpoint_count)``, one file per checkpoint."""
    return max(base_files, lines)


def write_repro_checkpoints(out: BinaryIO, lines: int, attrs: int, file_count: int) -> None:
    """Stream the repro ``checkpoints.jsonl`` into ``out``."""
    _write_chunked(out, repro_checkpoint_lines(lines, attrs, file_count))


# --------------------------------------------------------------------------------------------
# claude


def _claude_parts(thinking_bytes: int) -> tuple[bytes, bytes, bytes]:
    return (
        b'{"type":"user","timestamp":"2026-02-11T00:00:00Z","message":{"content":"user-message-',
        b'"}}\n',
        b'{"type":"assistant","timestamp":"2026-02-11T00:00:01Z","message":{"model":"'
        + CLAUDE_MODEL.encode()
        + b'","content":[{"type":"thinking","thinking":"'
        + b"x" * thinking_bytes
        + b'"},{"type":"text","text":"ack"}]}}\n',
    )


def claude_pair(index: int, thinking_bytes: int) -> bytes:
    """One user line plus one assistant line (with its thinking block)."""
    user0, user1, assistant = _claude_parts(thinking_bytes)
    return user0 + b"%d" % index + user1 + assistant


def claude_transcript_bytes(pairs: int, thinking_bytes: int) -> int:
    """Exact size in bytes of :func:`write_claude_transcript` output."""
    fixed = sum(len(p) for p in _claude_parts(thinking_bytes))
    return fixed * pairs + sum(len(b"%d" % i) for i in range(pairs))


def write_claude_transcript(
    out: BinaryIO, pairs: int, thinking_bytes: int, *, first_index: int = 0
) -> None:
    """Stream ``pairs`` user/assistant pairs into ``out``, numbering from ``first_index``."""
    user0, user1, assistant = _claude_parts(thinking_bytes)
    _write_chunked(
        out,
        (user0 + b"%d" % i + user1 + assistant for i in range(first_index, first_index + pairs)),
    )


# --------------------------------------------------------------------------------------------
# history (current format, pruned)

HISTORY_AUTHOR = "Bench Bot <bench@example.com>"
HISTORY_MODEL = "claude-sonnet-4-5-20250929"
HISTORY_SESSION_LENGTH = 50
"""Checkpoints per agent session in the ``history`` shape."""
HISTORY_HUMAN_EVERY = 4
"""Every 4th checkpoint is a Human one (the fast-path entry: no attributions)."""


def history_file_count(checkpoints: int, max_files: int = 1000) -> int:
    """Files touched by a ``history`` corpus: one per checkpoint, at most ``max_files``."""
    return max(1, min(checkpoints, max_files))


def _session(i: int) -> tuple[bytes, bytes]:
    """(agent id, author id) of the session that checkpoint ``i`` belongs to."""
    sid = f"00000000-0000-4000-8000-{i // HISTORY_SESSION_LENGTH:012d}"
    session = "s_" + hashlib.sha256(f"claude:{sid}".encode()).hexdigest()[:14]
    return sid.encode(), session.encode()


def history_checkpoint_line(i: int, checkpoints: int, file_count: int) -> bytes:
    """The ``i``-th line of a ``history`` corpus of ``checkpoints`` lines."""
    f = file_name(i % file_count).encode()
    trace = b"t_%014x" % i
    ts = HISTORY_EPOCH_S + i
    diff = hashlib.sha256(b"%d" % i).hexdigest().encode()
    newest = i >= checkpoints - file_count
    stats = b'{"additions":3,"deletions":0,"additions_sloc":3,"deletions_sloc":0}'
    if i % HISTORY_HUMAN_EVERY == HISTORY_HUMAN_EVERY - 1:
        return b"".join(
            (
                b'{"kind":"Human","diff":"',
                diff,
                b'","author":"',
                HISTORY_AUTHOR.encode(),
                b'","entries":[{"file":"',
                f,
                b'","blob_sha":"',
                BASE_BLOB_SHA.encode(),
                b'","attributions":[],"line_attributions":[]}],"timestamp":',
                b"%d" % ts,
                b',"agent_id":null,"agent_metadata":null,"line_stats":',
                stats,
                b',"api_version":"checkpoint/1.0.0","git_ai_version":"1.6.24","trace_id":"',
                trace,
                b'"}\n',
            )
        )
    sid, session = _session(i)
    author_id = session + b"::" + trace
    attributions = (
        b'[{"start":0,"end":%d,"author_id":"%s","ts":%d}]'
        % (len(BASE_CONTENT), author_id, ts * 1000 + 417)
        if newest
        else b"[]"
    )
    return b"".join(
        (
            b'{"kind":"AiAgent","diff":"',
            diff,
            b'","author":"',
            HISTORY_AUTHOR.encode(),
            b'","entries":[{"file":"',
            f,
            b'","blob_sha":"',
            BASE_BLOB_SHA.encode(),
            b'","attributions":',
            attributions,
            b',"line_attributions":[{"start_line":1,"end_line":3,"author_id":"',
            author_id,
            b'","overrode":null}]}],"timestamp":',
            b"%d" % ts,
            b',"agent_id":{"tool":"claude","id":"',
            sid,
            b'","model":"',
            HISTORY_MODEL.encode(),
            b'"},"agent_metadata":{"edit_kind":"file_edit","tool_use_id":"toolu_',
            b"%012d" % i,
            b'"},"line_stats":',
            stats,
            b',"api_version":"checkpoint/1.0.0","git_ai_version":"1.6.24","trace_id":"',
            trace,
            b'"}\n',
        )
    )


def write_history_checkpoints(out: BinaryIO, checkpoints: int, file_count: int) -> None:
    """Stream a ``history`` corpus of ``checkpoints`` lines into ``out``."""
    _write_chunked(
        out, (history_checkpoint_line(i, checkpoints, file_count) for i in range(checkpoints))
    )


# --------------------------------------------------------------------------------------------


def _write_chunked(out: BinaryIO, lines: Iterator[bytes]) -> None:
    """Write ``lines`` in ~1 MiB writes (few syscalls, bounded memory)."""
    buf: list[bytes] = []
    size = 0
    for line in lines:
        buf.append(line)
        size += len(line)
        if size >= _WRITE_CHUNK:
            out.write(b"".join(buf))
            buf.clear()
            size = 0
    if buf:
        out.write(b"".join(buf))
