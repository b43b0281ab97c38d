"""The data the store keeps, shaped exactly like git-ai's ``checkpoint/1.0.0``.

Field names, defaults and meanings follow git-ai's ``working_log.rs`` and
``attribution_tracker.rs`` (see docs/format.md and the semantics notes):

* :class:`Attribution` ranges are **UTF-8 byte offsets** into the file's
  blob, half-open ``[start, end)``; ``start == end`` is a deletion marker.
  ``ts`` is in milliseconds.
* :class:`LineAttribution` lines are 1-based and inclusive.
* :class:`Checkpoint` ``timestamp`` is in seconds.

Attributions are named tuples, so sorting a list of them sorts by
``(start, end, author_id, ts)``, the order git-ai uses. The model classes are
plain data: no I/O, nothing here can fail except the constructors' type
checks in :func:`CheckpointKind.parse`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Any, overload

from lsm.record import NamedTuple, Record

__all__ = [
    "API_VERSION",
    "AgentId",
    "Attribution",
    "AttributionColumns",
    "Checkpoint",
    "CheckpointKind",
    "FileEntry",
    "InitialAttributions",
    "JsonObject",
    "KnownHumanMetadata",
    "LineAttribution",
    "LineStats",
]

#: The only ``api_version`` git-ai reads; lines with any other value are skipped.
API_VERSION = "checkpoint/1.0.0"

#: A JSON object as decoded by orjson/cbor2 (values are JSON values).
JsonObject = dict[str, Any]


class CheckpointKind(Enum):
    """Who made a checkpoint. The value is git-ai's JSON spelling."""

    HUMAN = "Human"
    AI_AGENT = "AiAgent"
    AI_TAB = "AiTab"
    KNOWN_HUMAN = "KnownHuman"

    @property
    def is_ai(self) -> bool:
        """True for AiAgent and AiTab (git-ai's ``CheckpointKind::is_ai``)."""
        return self is CheckpointKind.AI_AGENT or self is CheckpointKind.AI_TAB

    def to_str(self) -> str:
        """git-ai's ``to_str()`` spelling, used in author ids and metrics."""
        return _KIND_TO_STR[self]

    @classmethod
    def parse(cls, value: object) -> CheckpointKind:
        """Parse the JSON ``kind`` field; ``None`` (missing) means Human.

        :raises ValueError: for an unknown value (git-ai fails the line too).
        """
        if value is None:
            return cls.HUMAN
        if isinstance(value, str):
            kind = _KIND_BY_VALUE.get(value)
            if kind is not None:
                return kind
        raise ValueError(f"unknown checkpoint kind {value!r}")


_KIND_TO_STR = {
    CheckpointKind.HUMAN: "human",
    CheckpointKind.AI_AGENT: "ai_agent",
    CheckpointKind.AI_TAB: "ai_tab",
    CheckpointKind.KNOWN_HUMAN: "known_human",
}
_KIND_BY_VALUE = {k.value: k for k in CheckpointKind}


class Attribution(NamedTuple):
    """A character-level attribution: bytes ``[start, end)`` of a blob."""

    start: int
    end: int
    author_id: str
    ts: int


class LineAttribution(NamedTuple):
    """A line-level attribution: lines ``start_line..=end_line`` (1-based)."""

    start_line: int
    end_line: int
    author_id: str
    overrode: str | None = None


class LineStats(NamedTuple):
    """Per-checkpoint line counts (sums over entries)."""

    additions: int = 0
    deletions: int = 0
    additions_sloc: int = 0
    deletions_sloc: int = 0

    def __add__(self, other: object) -> LineStats:
        if not isinstance(other, LineStats):
            return NotImplemented
        return LineStats(
            self.additions + other.additions,
            self.deletions + other.deletions,
            self.additions_sloc + other.additions_sloc,
            self.deletions_sloc + other.deletions_sloc,
        )


class AgentId(NamedTuple):
    """The agent that made an AI checkpoint: tool (``claude``), its session id, model."""

    tool: str
    id: str
    model: str


class KnownHumanMetadata(NamedTuple):
    """The editor that reported a KnownHuman save."""

    editor: str
    editor_version: str
    extension_version: str


class AttributionColumns(Sequence[Attribution]):
    """A read-only sequence of attributions kept as columns.

    Large legacy entries (1,500 attributions and more) are imported without
    building one tuple per attribution: the codec stores the columns as they
    are, and tuples are only made when someone iterates. ``authors`` is the
    table of distinct author ids; ``author_idx[i]`` indexes it.
    """

    __slots__ = ("_tuples", "author_idx", "authors", "ends", "starts", "ts")

    def __init__(
        self,
        starts: Sequence[int],
        ends: Sequence[int],
        authors: Sequence[str],
        author_idx: Sequence[int],
        ts: Sequence[int],
    ) -> None:
        n = len(starts)
        if not (len(ends) == len(author_idx) == len(ts) == n):
            raise ValueError("attribution columns differ in length")
        self.starts = starts
        self.ends = ends
        self.authors = authors
        self.author_idx = author_idx
        self.ts = ts
        self._tuples: list[Attribution] | None = None

    @classmethod
    def from_attributions(cls, attrs: Sequence[Attribution]) -> AttributionColumns:
        """Columnize a sequence of attributions (returns it as is if already columns)."""
        if isinstance(attrs, AttributionColumns):
            return attrs
        table: dict[str, int] = {}
        idx = [table.setdefault(a.author_id, len(table)) for a in attrs]
        return cls(
            [a.start for a in attrs],
            [a.end for a in attrs],
            list(table),
            idx,
            [a.ts for a in attrs],
        )

    def _materialize(self) -> list[Attribution]:
        if self._tuples is None:
            authors = self.authors
            self._tuples = [
                Attribution(s, e, authors[a], t)
                for s, e, a, t in zip(self.starts, self.ends, self.author_idx, self.ts, strict=True)
            ]
        return self._tuples

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> Attribution: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Attribution]: ...
    def __getitem__(self, i: int | slice) -> Attribution | Sequence[Attribution]:
        return self._materialize()[i]

    def __iter__(self) -> Iterator[Attribution]:
        return iter(self._materialize())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=False)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AttributionColumns(<{len(self)} attributions>)"


class FileEntry(Record):
    """One file's state in a checkpoint (git-ai ``WorkingLogEntry``).

    ``file`` is repo-relative with ``/`` separators. Non-UTF-8 names are
    carried as ``str`` with surrogate escapes (``os.fsdecode``).
    ``blob_sha`` is the sha256 hex of the content, or whatever a legacy line held.
    """

    __slots__ = ("attributions", "blob_sha", "file", "line_attributions")
    _fields = ("file", "blob_sha", "attributions", "line_attributions")

    file: str
    blob_sha: str
    attributions: Sequence[Attribution]
    line_attributions: Sequence[LineAttribution]

    def __init__(
        self,
        file: str,
        blob_sha: str = "",
        attributions: Sequence[Attribution] = (),
        line_attributions: Sequence[LineAttribution] = (),
    ) -> None:
        self.file = file
        self.blob_sha = blob_sha
        self.attributions = attributions
        self.line_attributions = line_attributions


class Checkpoint(Record):
    """One checkpoint (git-ai ``Checkpoint``): a set of file entries made at once.

    ``agent_metadata`` keeps the key order it was given (git-ai writes a
    HashMap, so any order is canonical). ``None`` fields that git-ai omits
    when empty (``git_ai_version``, ``known_human_metadata``, ``trace_id``)
    stay omitted on export.
    """

    __slots__ = (
        "agent_id",
        "agent_metadata",
        "api_version",
        "author",
        "diff",
        "entries",
        "git_ai_version",
        "kind",
        "known_human_metadata",
        "line_stats",
        "timestamp",
        "trace_id",
    )
    _fields = (
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
        "known_human_metadata",
        "trace_id",
    )

    kind: CheckpointKind
    diff: str
    author: str
    entries: list[FileEntry]
    timestamp: int
    agent_id: AgentId | None
    agent_metadata: dict[str, str] | None
    line_stats: LineStats
    api_version: str
    git_ai_version: str | None
    known_human_metadata: KnownHumanMetadata | None
    trace_id: str | None

    def __init__(
        self,
        kind: CheckpointKind,
        diff: str,
        author: str,
        entries: list[FileEntry],
        timestamp: int,
        agent_id: AgentId | None = None,
        agent_metadata: dict[str, str] | None = None,
        line_stats: LineStats = LineStats(),  # noqa: B008 - an immutable NamedTuple
        api_version: str = API_VERSION,
        git_ai_version: str | None = None,
        known_human_metadata: KnownHumanMetadata | None = None,
        trace_id: str | None = None,
    ) -> None:
        self.kind = kind
        self.diff = diff
        self.author = author
        self.entries = entries
        self.timestamp = timestamp
        self.agent_id = agent_id
        self.agent_metadata = agent_metadata
        self.line_stats = line_stats
        self.api_version = api_version
        self.git_ai_version = git_ai_version
        self.known_human_metadata = known_human_metadata
        self.trace_id = trace_id


class InitialAttributions(Record):
    """git-ai's ``INITIAL`` file: uncommitted attributions carried into a base.

    ``prompts``, ``humans`` and ``sessions`` hold git-ai's records as JSON
    objects, key order preserved, so they round-trip unchanged. Each
    instance gets its own empty dicts for the fields not given.
    """

    __slots__ = ("file_blobs", "files", "humans", "prompts", "sessions")
    _fields = ("files", "prompts", "file_blobs", "humans", "sessions")

    files: dict[str, list[LineAttribution]]
    prompts: dict[str, JsonObject]
    file_blobs: dict[str, str]
    humans: dict[str, JsonObject]
    sessions: dict[str, JsonObject]

    def __init__(
        self,
        files: dict[str, list[LineAttribution]] | None = None,
        prompts: dict[str, JsonObject] | None = None,
        file_blobs: dict[str, str] | None = None,
        humans: dict[str, JsonObject] | None = None,
        sessions: dict[str, JsonObject] | None = None,
    ) -> None:
        self.files = {} if files is None else files
        self.prompts = {} if prompts is None else prompts
        self.file_blobs = {} if file_blobs is None else file_blobs
        self.humans = {} if humans is None else humans
        self.sessions = {} if sessions is None else sessions

    def is_empty(self) -> bool:
        """True when git-ai would delete the INITIAL file (no file has attributions)."""
        return not any(self.files.values())
