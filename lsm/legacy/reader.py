"""Reading git-ai's ``checkpoints.jsonl`` as a stream, one checkpoint at a time.

git-ai's reader (``read_all_checkpoints_with_size_limit``) collects every
line into a Vec; this one yields checkpoints one by one, so memory is
bounded by the longest line it keeps (and a legacy ``transcript`` member,
which can be hundreds of megabytes, is cut out of long lines without ever
being held). The rules, git-ai's first and then ours:

* blank lines are skipped; unknown keys are ignored;
* a line whose ``api_version`` is not ``checkpoint/1.0.0`` (missing or
  empty included) is skipped and counted, as git-ai does;
* missing ``kind`` means Human; ``line_stats``, ``blob_sha``,
  ``attributions``, ``line_attributions`` default as in git-ai;
* a line that does not parse (or has a field of the wrong type) makes
  git-ai fail the whole read. We skip it and count it; the last line of the
  file counts as *torn* (a crashed writer). ``strict=True`` restores
  git-ai's behaviour and raises :class:`~lsm.errors.LegacyFormatError`;
* git-ai's 7-to-16 prompt-hash migration: an author id (or ``overrode``)
  of exactly 7 characters that is the prefix of ``sha256("tool:id")[:16]``
  for an ``agent_id`` anywhere in the file becomes the 16-character id.
  Building that map needs the whole file, so the reader reports the
  candidates it met and the agents it saw (:class:`ReadStats`); the caller
  reads again with ``migration`` when a candidate matches (rare: logs
  written before git-ai 1.0).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from lsm.errors import LegacyFormatError
from lsm.ids import legacy_short_hash
from lsm.model import (
    API_VERSION,
    AgentId,
    AttributionColumns,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    KnownHumanMetadata,
    LineAttribution,
    LineStats,
)
from lsm.record import NamedTuple
from lsm.safeio import open_regular

__all__ = ["MAX_LINE_BYTES", "LegacyLine", "ReadStats", "read_checkpoints"]

#: Lines longer than this are filtered (their ``transcript`` cut out) chunk by chunk.
LONG_LINE = 8 << 20
#: What is left of a line after the cut may be at most this long; a longer one is
#: skipped (and counted), never held: parsed, a dense 8 MiB line takes ~300 MB.
MAX_LINE_BYTES = 8 << 20
_CHUNK = 1 << 20
_HEX7 = re.compile(r"[0-9a-f]{7}\Z")
_START = itemgetter("start")
_END = itemgetter("end")
_TS = itemgetter("ts")
_AUTHOR = itemgetter("author_id")


class LegacyLine(NamedTuple):
    """One checkpoint read from the file, where it was, and how long its line was."""

    checkpoint: Checkpoint
    offset: int
    length: int


class ReadStats:
    """What a read met besides checkpoints (filled in as the iteration proceeds)."""

    __slots__ = (
        "agent_hashes",
        "bytes_read",
        "checkpoints",
        "invalid",
        "migrated",
        "oversized",
        "oversized_bytes",
        "seven_char_ids",
        "skipped_api",
        "torn",
        "transcripts_dropped",
    )

    def __init__(self) -> None:
        self.checkpoints = 0
        self.skipped_api = 0
        self.invalid = 0
        self.torn = 0
        self.transcripts_dropped = 0
        self.bytes_read = 0
        self.migrated = 0
        #: lines skipped because they were over ``max_line_bytes`` (after the transcript cut)
        self.oversized = 0
        #: the bytes of those lines
        self.oversized_bytes = 0
        #: legacy 16-hex ids of every agent_id seen ("tool:id" hashed)
        self.agent_hashes: set[str] = set()
        #: 7-character author ids met (migration candidates)
        self.seven_char_ids: set[str] = set()

    def migration_map(self) -> dict[str, str]:
        """``{7-char prefix: 16-char id}`` for the candidates that match an agent."""
        by_prefix = {h[:7]: h for h in self.agent_hashes}
        return {c: by_prefix[c] for c in self.seven_char_ids if c in by_prefix}


def _int(value: Any, default: int = 0) -> int:
    if value is None:
        return default
    if type(value) is not int or value < 0:
        raise ValueError(f"expected an unsigned integer, got {value!r}")
    return value


def _str(value: Any, what: str, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    return value


def _columns(items: Any, stats: ReadStats, migration: dict[str, str] | None) -> AttributionColumns:
    if not isinstance(items, list):
        raise ValueError("attributions must be a list")
    if not items:
        return AttributionColumns([], [], [], [], [])
    # Column by column, through map/itemgetter, keeps this at C speed for
    # 1,500-attribution entries.
    starts = list(map(_START, items))
    ends = list(map(_END, items))
    ts = list(map(_TS, items))
    names = list(map(_AUTHOR, items))
    for col in (starts, ends, ts):
        if not set(map(type, col)) <= {int}:
            raise ValueError("attribution offsets and ts must be integers")
    distinct = dict.fromkeys(names)
    if len(distinct) == 1:
        table = {names[0]: 0}
        idx = [0] * len(names)
    else:
        table = {n: i for i, n in enumerate(distinct)}
        idx = list(map(table.__getitem__, names))
    authors = list(table)
    for i, a in enumerate(authors):
        if not isinstance(a, str):
            raise ValueError("author_id must be a string")
        if len(a) == 7 and _HEX7.match(a):
            stats.seven_char_ids.add(a)
            if migration and a in migration:
                authors[i] = migration[a]
                stats.migrated += 1
    return AttributionColumns(starts, ends, authors, idx, ts)


def _line_attrs(
    items: Any, stats: ReadStats, migration: dict[str, str] | None
) -> list[LineAttribution]:
    if not isinstance(items, list):
        raise ValueError("line_attributions must be a list")
    out = []
    for a in items:
        author = _str(a["author_id"], "author_id")
        overrode = a.get("overrode")
        if overrode is not None and not isinstance(overrode, str):
            raise ValueError("overrode must be a string or null")
        for who in (author, overrode):
            if who is not None and len(who) == 7 and _HEX7.match(who):
                stats.seven_char_ids.add(who)
        if migration:
            author = migration.get(author, author)
            if overrode is not None:
                overrode = migration.get(overrode, overrode)
        out.append(LineAttribution(_int(a["start_line"]), _int(a["end_line"]), author, overrode))
    return out


def parse_checkpoint(
    obj: Any, stats: ReadStats, migration: dict[str, str] | None = None
) -> Checkpoint | None:
    """A decoded line as a Checkpoint; None if its api_version is not ours.

    :raises ValueError: the object does not have git-ai's shape.
    """
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    if obj.get("api_version") != API_VERSION:
        return None
    entries = []
    raw_entries = obj["entries"]
    if not isinstance(raw_entries, list):
        raise ValueError("entries must be a list")
    for e in raw_entries:
        entries.append(
            FileEntry(
                file=_str(e["file"], "file"),
                blob_sha=_str(e.get("blob_sha"), "blob_sha", ""),
                attributions=_columns(e.get("attributions") or [], stats, migration),
                line_attributions=_line_attrs(e.get("line_attributions") or [], stats, migration),
            )
        )
    agent = obj.get("agent_id")
    agent_id = None
    if agent is not None:
        agent_id = AgentId(
            _str(agent["tool"], "agent_id.tool"),
            _str(agent["id"], "agent_id.id"),
            _str(agent["model"], "agent_id.model"),
        )
        stats.agent_hashes.add(legacy_short_hash(agent_id.tool, agent_id.id))
    meta = obj.get("agent_metadata")
    if meta is not None and not (
        isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values())
    ):
        raise ValueError("agent_metadata must map strings to strings")
    stats_raw = obj.get("line_stats") or {}
    if not isinstance(stats_raw, dict):
        raise ValueError("line_stats must be an object")
    khm = obj.get("known_human_metadata")
    gav = obj.get("git_ai_version")
    trace = obj.get("trace_id")
    return Checkpoint(
        kind=CheckpointKind.parse(obj.get("kind")),
        diff=_str(obj["diff"], "diff"),
        author=_str(obj["author"], "author"),
        entries=entries,
        timestamp=_int(obj["timestamp"]),
        agent_id=agent_id,
        agent_metadata=meta,
        line_stats=LineStats(
            _int(stats_raw.get("additions")),
            _int(stats_raw.get("deletions")),
            _int(stats_raw.get("additions_sloc")),
            _int(stats_raw.get("deletions_sloc")),
        ),
        api_version=API_VERSION,
        git_ai_version=None if gav is None else _str(gav, "git_ai_version"),
        known_human_metadata=None
        if khm is None
        else KnownHumanMetadata(
            _str(khm["editor"], "editor"),
            _str(khm["editor_version"], "editor_version"),
            _str(khm["extension_version"], "extension_version"),
        ),
        trace_id=None if trace is None else _str(trace, "trace_id"),
    )


class _TranscriptCutter:
    """Copies one JSON object's bytes, leaving out its top-level ``transcript`` member.

    A byte-level scanner fed chunk by chunk. It tracks strings (with
    escapes) and nesting depth; at depth 1 it holds back each member's
    separator and key until the ``:`` shows which key it is, and skips the
    whole value of ``"transcript"``. It jumps between interesting bytes with
    regular expressions, so a long string costs one C-level search rather
    than a Python loop per byte.
    """

    _OUTSIDE = re.compile(rb'["{}\[\],:]')
    _INSIDE = re.compile(rb'["\\]')

    def __init__(self, limit: int | None = None) -> None:
        self.out: list[bytes] = []
        #: Stop keeping bytes past this many (the line is then skipped).
        self.limit = limit
        self.kept = 0
        self.over = False
        self.depth = 0
        self.in_string = False
        self.escape = False
        self.key: bytearray | None = None  # a depth-1 key being read
        self.want_key = False  # at depth 1, after "{" or ","
        self.key_done: bytes | None = None  # a complete key waiting for its ":"
        self.members = 0  # members written so far
        self.skipping = False
        self.dropped = False

    def feed(self, chunk: bytes) -> None:
        pos, n = 0, len(chunk)
        while pos < n:
            if self.in_string:
                if self.escape:
                    self.escape = False
                    self._emit(chunk[pos : pos + 1])
                    pos += 1
                    continue
                m = self._INSIDE.search(chunk, pos)
                if m is None:
                    self._emit(chunk[pos:])
                    return
                self._emit(chunk[pos : m.end()])
                pos = m.end()
                if chunk[m.start()] == 0x5C:  # backslash
                    self.escape = True
                else:
                    self.in_string = False
                    if self.key is not None:
                        self.key_done, self.key = bytes(self.key), None
                continue
            m = self._OUTSIDE.search(chunk, pos)
            if m is None:
                self._emit(chunk[pos:])
                return
            self._emit(chunk[pos : m.start()])
            pos = m.end()
            self._structural(chunk[m.start()])

    def _emit(self, data: bytes) -> None:
        if not data:
            return
        if self.key is not None:
            self.key += data
            self.kept += len(data)  # a huge key counts against the limit too
        elif not self.skipping and self.key_done is None:
            self._keep(data)

    def _structural(self, c: int) -> None:
        if c == 0x22:  # a quote opens a string
            self.in_string = True
            if self.depth == 1 and self.want_key and not self.skipping:
                self.want_key = False
                self.key = bytearray(b'"')
            else:
                self._emit(b'"')
            return
        if c in (0x7B, 0x5B):  # { [
            self.depth += 1
            if self.depth == 1:
                self.want_key = True
                self._keep(b"{")
            elif not self.skipping:
                self._keep(bytes((c,)))
            return
        if c in (0x7D, 0x5D):  # } ]
            self.depth -= 1
            if self.depth == 0:
                self.skipping = False
                self._keep(b"}")
            elif not self.skipping:
                self._keep(bytes((c,)))
            return
        if c == 0x2C and self.depth == 1:  # a member separator: held back
            self.skipping = False
            self.want_key = True
            return
        if c == 0x3A and self.depth == 1 and self.key_done is not None:
            key, self.key_done = self.key_done, None
            if key == b'"transcript"':
                self.skipping = True
                self.dropped = True
                return
            self._keep((b"," if self.members else b"") + key + b":")
            self.members += 1
            return
        if not self.skipping:
            self._keep(bytes((c,)))

    def _keep(self, data: bytes) -> None:
        self.out.append(data)
        self.kept += len(data)

    def check_limit(self) -> None:
        """Drop what was kept once it passes ``limit``; ``over`` says so."""
        if self.limit is not None and not self.over and self.kept > self.limit:
            self.over = True
            self.out = []

    def result(self) -> bytes:
        return b"".join(self.out)


def _parse_line(line: bytes, st: ReadStats, migration: dict[str, str] | None) -> Checkpoint | None:
    obj = orjson.loads(line)
    if isinstance(obj, dict) and "transcript" in obj:
        del obj["transcript"]
        st.transcripts_dropped += 1
    try:
        return parse_checkpoint(obj, st, migration)
    except ValueError:
        # orjson turns integers past 64 bits into floats; git-ai's ts is a
        # u128. The standard library keeps them exact (slow, and rare).
        exact = json.loads(line)
        if isinstance(exact, dict):
            exact.pop("transcript", None)
        return parse_checkpoint(exact, st, migration)


def _read_long_line(
    f: BinaryIO, first: bytes, limit: int | None
) -> tuple[bytes | None, int, bool, bool]:
    """Consume the rest of a long line.

    Returns ``(filtered bytes or None if over limit, length, complete, transcript dropped)``.
    Once the kept bytes pass ``limit`` the rest of the line is read and thrown away.
    """
    cutter = _TranscriptCutter(limit)
    length = len(first)
    cutter.feed(first)
    cutter.check_limit()
    complete = first.endswith(b"\n")
    while not complete:
        chunk = f.readline(_CHUNK)
        if not chunk:
            break
        length += len(chunk)
        complete = chunk.endswith(b"\n")
        if not cutter.over:
            cutter.feed(chunk)
            cutter.check_limit()
    if cutter.over:
        return None, length, complete, cutter.dropped
    return cutter.result(), length, complete, cutter.dropped


def read_checkpoints(
    path: str | Path,
    *,
    stats: ReadStats | None = None,
    migration: dict[str, str] | None = None,
    strict: bool = False,
    max_line_bytes: int | None = MAX_LINE_BYTES,
) -> Iterator[LegacyLine]:
    """Yield the checkpoints of a ``checkpoints.jsonl``, one at a time.

    ``stats`` (if given) is filled in as the iteration proceeds. The file is
    opened through :mod:`lsm.safeio` (a regular file, not a symbolic link).
    Memory is bounded by ``max_line_bytes``: a line longer than that once its
    ``transcript`` is cut out is skipped and counted (``stats.oversized``).

    :raises LegacyFormatError: the file does not exist, or (``strict``) a
        line does not parse.
    :raises UnreadableFileError: it is not a regular file (a directory, a
        FIFO), a symbolic link, or cannot be opened.
    """
    st = stats if stats is not None else ReadStats()
    p = Path(path)
    try:
        f = open_regular(p, nofollow_below=p.parent, buffering=1 << 20)
    except FileNotFoundError as exc:
        raise LegacyFormatError(f"cannot read {path}: {exc.strerror}") from None
    # Lines past this go through the cutter (and the cap) chunk by chunk.
    long_line = LONG_LINE if max_line_bytes is None else min(LONG_LINE, max_line_bytes + 1)
    try:
        offset = 0
        while True:
            raw = f.readline(long_line)
            if not raw:
                return
            start = offset
            complete = raw.endswith(b"\n")
            length = len(raw)
            line: bytes | None = raw
            if not complete and len(raw) == long_line:
                line, length, complete, dropped = _read_long_line(f, raw, max_line_bytes)
                if dropped:
                    st.transcripts_dropped += 1
            offset += length
            st.bytes_read = offset
            if line is None:
                st.oversized += 1
                st.oversized_bytes += length
                continue
            if not line.strip():
                continue
            try:
                cp = _parse_line(line, st, migration)
            except (ValueError, KeyError, TypeError) as exc:
                # The last line of the file is what a crashed writer tears.
                at_end = not complete or not f.peek(1)  # type: ignore[attr-defined]
                if strict:
                    raise LegacyFormatError(
                        f"{path}: line at byte {start} does not parse ({exc})",
                        hint="git-ai fails the whole read here; non-strict reads skip the line.",
                    ) from None
                if at_end:
                    st.torn += 1
                else:
                    st.invalid += 1
                continue
            if cp is None:
                st.skipped_api += 1
                continue
            st.checkpoints += 1
            yield LegacyLine(cp, start, length)
    finally:
        f.close()
