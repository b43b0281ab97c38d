"""git-ai's authorship note (``authorship/3.0.0``): parse, serialize, merge, look up.

A note is attached to a commit on ``refs/notes/ai`` and says which of the
lines the commit *added* were written by whom::

    src/app.py                                 <- path, column 0; "quoted" if it holds
      s_da94694c8dffd3::t_4be01c9d7a2f36 5-7      a space, tab or newline
      h_0e1454042bcf16 1                       <- two spaces, key, one space, ranges
    ---                                        <- the divider, exactly
    {                                          <- metadata: serde_json pretty print
      "schema_version": "authorship/3.0.0",
      "git_ai_version": "...",
      "base_commit_sha": "<the commit the note is on>",
      "prompts": {},                           <- always present
      "humans": {...},                         <- omitted when empty
      "sessions": {...}                        <- omitted when empty
    }

There is no trailing newline. Ranges are 1-based, inclusive, ``N`` or
``A-B``, comma separated, sorted by start. Keys route by prefix: ``s_…::t_…``
to ``sessions[s_…]``, ``h_…`` to ``humans``, a bare 16-hex (legacy) id to
``prompts``. The grammar is git-ai's (``authorship_log_serialization.rs``,
``specs/git_ai_standard_v3.0.0.md``); the parser is as lenient as git-ai's
(blank lines skipped, trailing whitespace trimmed, files without entries
dropped).

Where we differ, on purpose: git-ai writes files and entries in HashMap
order; :func:`serialize_note` sorts files by path and entries by key, so the
same note always has the same bytes (git-ai readers accept any order). The
metadata records keep git-ai's field order (its structs); a field git-ai
does not know, found in a note we merge, is kept after the known ones.

Pure functions; :func:`parse_note` raises :class:`~lsm.errors.NoteFormatError`,
nothing else here can fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from lsm.errors import NoteFormatError
from lsm.model import JsonObject
from lsm.record import NamedTuple, Record

__all__ = [
    "NOTES_REF",
    "SCHEMA_VERSION",
    "Attestation",
    "AuthorshipNote",
    "FileAttestation",
    "NoteMetadata",
    "compress_lines",
    "expand_ranges",
    "fill_note",
    "format_ranges",
    "merge_notes",
    "normalize_record",
    "parse_note",
    "parse_ranges",
    "serialize_note",
    "session_of",
]

#: The notes ref git-ai writes and reads.
NOTES_REF = "refs/notes/ai"
#: The one schema version this module reads and writes.
SCHEMA_VERSION = "authorship/3.0.0"

#: An inclusive line range ``(start, end)``; a single line has ``start == end``.
LineRange = tuple[int, int]


class Attestation(NamedTuple):
    """One entry of a file: an author key and the lines it wrote."""

    key: str
    ranges: tuple[LineRange, ...]


class FileAttestation(NamedTuple):
    """A file's entries, in note order (a reader takes the *last* entry covering a line)."""

    path: str
    entries: tuple[Attestation, ...]


class NoteMetadata(Record):
    """The JSON after the divider. Records are JSON objects in git-ai's shapes.

    :ivar prompts: legacy 16-hex id -> ``PromptRecord``.
    :ivar humans: ``h_…`` -> ``{"author": "Name <email>"}``.
    :ivar sessions: ``s_…`` -> ``SessionRecord`` (``agent_id``, ``human_author``...).
    """

    __slots__ = (
        "base_commit_sha",
        "extra",
        "git_ai_version",
        "humans",
        "prompts",
        "schema_version",
        "sessions",
    )
    _fields = (
        "schema_version",
        "git_ai_version",
        "base_commit_sha",
        "prompts",
        "humans",
        "sessions",
        "extra",
    )

    schema_version: str
    git_ai_version: str | None
    base_commit_sha: str
    prompts: dict[str, JsonObject]
    humans: dict[str, JsonObject]
    sessions: dict[str, JsonObject]
    extra: dict[str, Any]

    def __init__(
        self,
        base_commit_sha: str = "",
        git_ai_version: str | None = None,
        prompts: dict[str, JsonObject] | None = None,
        humans: dict[str, JsonObject] | None = None,
        sessions: dict[str, JsonObject] | None = None,
        schema_version: str = SCHEMA_VERSION,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.schema_version = schema_version
        self.git_ai_version = git_ai_version
        self.base_commit_sha = base_commit_sha
        self.prompts = {} if prompts is None else prompts
        self.humans = {} if humans is None else humans
        self.sessions = {} if sessions is None else sessions
        self.extra = {} if extra is None else extra


class AuthorshipNote(Record):
    """A parsed note: per-file attestations and the metadata."""

    __slots__ = ("files", "metadata")
    _fields = ("files", "metadata")

    files: list[FileAttestation]
    metadata: NoteMetadata

    def __init__(
        self, files: list[FileAttestation] | None = None, metadata: NoteMetadata | None = None
    ) -> None:
        self.files = [] if files is None else files
        self.metadata = NoteMetadata() if metadata is None else metadata

    def file(self, path: str) -> FileAttestation | None:
        """The attestations of ``path``, or None."""
        for f in self.files:
            if f.path == path:
                return f
        return None

    def keys(self) -> set[str]:
        """Every attestation key used by some file."""
        return {e.key for f in self.files for e in f.entries}

    def line_owner(self, path: str, line: int) -> str | None:
        """The key that owns ``line`` of ``path``: the *last* entry covering it (git-ai's rule).

        Keys whose metadata record is missing are skipped, as git-ai's
        ``get_line_attribution`` skips them (a foreign cherry-pick).
        """
        f = self.file(path)
        if f is None:
            return None
        for entry in reversed(f.entries):
            if any(a <= line <= b for a, b in entry.ranges) and self.has_record(entry.key):
                return entry.key
        return None

    def has_record(self, key: str) -> bool:
        """True if the metadata describes ``key`` (``h_`` human, ``s_`` session or prompt)."""
        md = self.metadata
        if key.startswith("h_"):
            return key in md.humans
        if key.startswith("s_"):
            return session_of(key) in md.sessions
        return key in md.prompts


# ---------------------------------------------------------------------- ranges


def compress_lines(lines: Iterable[int]) -> list[LineRange]:
    """Sorted, deduplicated line numbers as maximal consecutive ranges."""
    out: list[LineRange] = []
    for n in sorted(set(lines)):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def expand_ranges(ranges: Iterable[LineRange]) -> Iterator[int]:
    """Every line number of ``ranges`` (in range order; may repeat if they overlap)."""
    for a, b in ranges:
        yield from range(a, b + 1)


def format_ranges(ranges: Iterable[LineRange]) -> str:
    """``1,3-5``: sorted by start (git-ai's ``format_line_ranges``), not merged."""
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in sorted(ranges, key=lambda r: r[0]))


def parse_ranges(text: str) -> tuple[LineRange, ...]:
    """Inverse of :func:`format_ranges`. :raises ValueError: a part is not a number or range."""
    out: list[LineRange] = []
    for part in text.split(","):
        if not part:
            continue
        dash = part.find("-")
        if dash >= 0:
            a, b = _u32(part[:dash]), _u32(part[dash + 1 :])
        else:
            a = b = _u32(part)
        out.append((a, b))
    return tuple(out)


def _u32(text: str) -> int:
    # Rust's u32::from_str: ASCII digits with an optional '+', nothing else.
    body = text[1:] if text.startswith("+") else text
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(f"not a line number: {text!r}")
    value = int(body)
    if value > 0xFFFFFFFF:
        raise ValueError(f"line number out of range: {text!r}")
    return value


def session_of(key: str) -> str:
    """The session part of an ``s_…::t_…`` key (the key itself otherwise)."""
    return key.split("::", 1)[0]


# ---------------------------------------------------------------------- parse


def parse_note(text: str) -> AuthorshipNote:
    """Parse a note as git-ai does.

    :raises NoteFormatError: no ``---`` divider, an entry before any path,
        an entry without ranges, a bad range, or metadata that is not a
        JSON object with a string ``base_commit_sha``.
    """
    lines = text.splitlines()
    try:
        divider = lines.index("---")
    except ValueError:
        raise NoteFormatError("the note has no '---' divider") from None
    files: list[FileAttestation] = []
    path: str | None = None
    entries: list[Attestation] = []
    for raw in lines[:divider]:
        line = raw.rstrip()
        if not line:
            continue
        if line.startswith("  "):
            body = line[2:]
            space = body.find(" ")
            if space < 0:
                raise NoteFormatError(f"attestation entry without ranges: {body!r}")
            if path is None:
                raise NoteFormatError("attestation entry before any file path")
            try:
                ranges = parse_ranges(body[space + 1 :])
            except ValueError as exc:
                raise NoteFormatError(f"bad line ranges in {body!r}: {exc}") from None
            entries.append(Attestation(body[:space], ranges))
            continue
        if path is not None and entries:
            files.append(FileAttestation(path, tuple(entries)))
        entries = []
        path = line[1:-1] if len(line) >= 2 and line[0] == '"' and line[-1] == '"' else line
    if path is not None and entries:
        files.append(FileAttestation(path, tuple(entries)))
    try:
        meta = json.loads("\n".join(lines[divider + 1 :]))
    except ValueError as exc:
        raise NoteFormatError(f"the metadata is not JSON: {exc}") from None
    return AuthorshipNote(files, _metadata_from_json(meta))


def _metadata_from_json(meta: object) -> NoteMetadata:
    if not isinstance(meta, dict):
        raise NoteFormatError("the metadata is not a JSON object")
    base = meta.get("base_commit_sha")
    schema = meta.get("schema_version")
    version = meta.get("git_ai_version")
    if not isinstance(base, str) or not isinstance(schema, str):
        raise NoteFormatError("the metadata lacks schema_version or base_commit_sha")
    if version is not None and not isinstance(version, str):
        raise NoteFormatError("git_ai_version is not a string")
    maps: dict[str, dict[str, JsonObject]] = {}
    for name in ("prompts", "humans", "sessions"):
        value = meta.get(name, {})
        if name == "prompts" and "prompts" not in meta:
            raise NoteFormatError("the metadata lacks prompts")
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise NoteFormatError(f"metadata {name} is not a map of records")
        maps[name] = value
    known = {"schema_version", "git_ai_version", "base_commit_sha", "prompts", "humans", "sessions"}
    return NoteMetadata(
        base_commit_sha=base,
        git_ai_version=version,
        prompts=maps["prompts"],
        humans=maps["humans"],
        sessions=maps["sessions"],
        schema_version=schema,
        extra={k: v for k, v in meta.items() if k not in known},
    )


# ---------------------------------------------------------------------- serialize

# git-ai's struct field orders (serde writes fields in declaration order).
_AGENT_ID = ("tool", "id", "model")
_PROMPT = (
    "agent_id",
    "human_author",
    "messages_url",
    "total_additions",
    "total_deletions",
    "accepted_lines",
    "overriden_lines",
    "custom_attributes",
)
_SESSION = ("agent_id", "human_author", "custom_attributes")
_HUMAN = ("author",)
# Option fields serde skips when None (``skip_serializing_if = "Option::is_none"``).
_SKIP_NONE = frozenset({"messages_url", "custom_attributes"})


def _ordered(obj: Mapping[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in order:
        if name in obj and not (name in _SKIP_NONE and obj[name] is None):
            value = obj[name]
            if name == "agent_id" and isinstance(value, Mapping):
                value = _ordered(value, _AGENT_ID)
            elif name == "custom_attributes" and isinstance(value, Mapping):
                value = dict(sorted(value.items()))  # a HashMap: any order is git-ai's
            out[name] = value
    for name in sorted(set(obj) - set(order)):
        out[name] = obj[name]
    return out


def normalize_record(kind: str, record: Mapping[str, Any]) -> JsonObject:
    """A metadata record in git-ai's field order (``kind``: prompt, session or human)."""
    order = {"prompt": _PROMPT, "session": _SESSION, "human": _HUMAN}[kind]
    return _ordered(record, order)


def _overlapping(entries: list[Attestation]) -> bool:
    spans = sorted((a, b, i) for i, e in enumerate(entries) for a, b in e.ranges)
    last_end, last_owner = 0, -1
    for a, b, i in spans:
        if a <= last_end and i != last_owner:
            return True
        if b > last_end:
            last_end, last_owner = b, i
    return False


def _quote_path(path: str) -> str:
    return f'"{path}"' if (" " in path or "\t" in path or "\n" in path) else path


def serialize_note(note: AuthorshipNote) -> str:
    """The note's text, byte-identical for equal notes (files sorted; keys too, see below).

    Entries with no ranges and files with no entries are left out (a
    reader would drop them anyway). Overlapping ranges within one entry are
    written as they are, as git-ai does; entries of a file that overlap each
    other keep their order, which decides who owns the shared lines.
    """
    out: list[str] = []
    for f in sorted(note.files, key=lambda f: f.path):
        # Readers give a line to the *last* entry covering it: entries are
        # sorted only when no two of them share a line (order then means nothing).
        entries = [e for e in f.entries if e.ranges]
        if not _overlapping(entries):
            entries.sort(key=lambda e: e.key)
        if not entries:
            continue
        out.append(_quote_path(f.path) + "\n")
        for e in entries:
            out.append(f"  {e.key} {format_ranges(e.ranges)}\n")
    out.append("---\n")
    md = note.metadata
    meta: dict[str, Any] = {
        "schema_version": md.schema_version,
        "git_ai_version": md.git_ai_version,
        "base_commit_sha": md.base_commit_sha,
        "prompts": {k: normalize_record("prompt", v) for k, v in sorted(md.prompts.items())},
    }
    if md.humans:
        meta["humans"] = {k: normalize_record("human", v) for k, v in sorted(md.humans.items())}
    if md.sessions:
        meta["sessions"] = {
            k: normalize_record("session", v) for k, v in sorted(md.sessions.items())
        }
    for k in sorted(md.extra):
        meta.setdefault(k, md.extra[k])
    # serde_json's pretty printer: 2-space indent, ": " and "," separators,
    # non-ASCII verbatim, control characters as lowercase \u00XX (as json does).
    out.append(json.dumps(meta, indent=2, ensure_ascii=False))
    return "".join(out)


# ---------------------------------------------------------------------- merge


def merge_notes(into: AuthorshipNote, other: AuthorshipNote) -> AuthorshipNote:
    """git-ai's ``merge_authorship_logs``: ``other`` folded into ``into`` (a new note).

    For the same file and key, ranges of ``other`` not already present are
    added (no re-normalisation); new keys and files are appended after the
    existing ones, so on overlap a reader prefers ``other``'s newer entry.
    Metadata maps merge first-wins (``into``'s records stay).
    ``base_commit_sha`` and ``git_ai_version`` are ``into``'s.
    """
    files: dict[str, list[Attestation]] = {f.path: list(f.entries) for f in into.files}
    order = [f.path for f in into.files]
    for f in other.files:
        entries = files.get(f.path)
        if entries is None:
            files[f.path] = list(f.entries)
            order.append(f.path)
            continue
        for e in f.entries:
            for i, mine in enumerate(entries):
                if mine.key == e.key:
                    have = set(mine.ranges)
                    added = tuple(r for r in e.ranges if r not in have)
                    entries[i] = Attestation(mine.key, mine.ranges + added)
                    break
            else:
                entries.append(e)
    md, om = into.metadata, other.metadata
    merged = NoteMetadata(
        base_commit_sha=md.base_commit_sha,
        git_ai_version=md.git_ai_version,
        prompts={**om.prompts, **md.prompts},
        humans={**om.humans, **md.humans},
        sessions={**om.sessions, **md.sessions},
        schema_version=md.schema_version,
        extra={**om.extra, **md.extra},
    )
    return AuthorshipNote([FileAttestation(p, tuple(files[p])) for p in order], merged)


def fill_note(existing: AuthorshipNote, extra: AuthorshipNote) -> AuthorshipNote:
    """``existing`` kept whole, plus the lines of ``extra`` it does not cover (a new note).

    How a note we compute joins one already on the commit (written by
    git-ai, or by an earlier run): nothing there is changed or shadowed;
    lines it leaves unattested get ``extra``'s attribution, under entries
    appended after the existing ones. Records of ``extra``'s keys are added
    when missing. ``base_commit_sha`` and ``git_ai_version`` stay ``existing``'s.
    """
    covered: dict[str, set[int]] = {}
    for f in existing.files:
        seen = covered.setdefault(f.path, set())
        for e in f.entries:
            seen.update(expand_ranges(e.ranges))
    added: list[FileAttestation] = []
    for f in extra.files:
        have = covered.get(f.path, set())
        entries = []
        for e in f.entries:
            lines = [n for n in expand_ranges(e.ranges) if n not in have]
            if lines:
                entries.append(Attestation(e.key, tuple(compress_lines(lines))))
        if entries:
            added.append(FileAttestation(f.path, tuple(entries)))
    # Only the records of keys that were added come from ``extra``.
    used = {e.key for f in added for e in f.entries}
    em = extra.metadata
    records = NoteMetadata(
        base_commit_sha=em.base_commit_sha,
        git_ai_version=em.git_ai_version,
        prompts={k: v for k, v in em.prompts.items() if k in used},
        humans={k: v for k, v in em.humans.items() if k in used},
        sessions={k: v for k, v in em.sessions.items() if any(session_of(x) == k for x in used)},
    )
    return merge_notes(existing, AuthorshipNote(added, records))
