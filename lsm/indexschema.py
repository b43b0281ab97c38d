"""The index schema: named databases, their key encodings and their typed values.

This is the only module that knows how index keys and values are laid out
(docs/format.md, section 5). Everything else reads and writes the index
through these encoders and decoders (:class:`lsm.indexview.IndexView` for
reads, :class:`lsm.applier.Applier` and the compactor for writes), so a
layout change happens here or nowhere.

Keys use big-endian integers, so that byte order is numeric order and a
prefix scan walks a run's records in ``seq`` order. Values are CBOR unless
noted. Nothing here touches LMDB: these are pure functions over bytes.
Decoders raise ``ValueError`` (or ``KeyError``/``TypeError``) for bytes that
do not follow the layout; the read path turns that into
:class:`~lsm.errors.CorruptRecordError`.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable
from typing import Any, Final, ParamSpec, TypeVar

import cbor2

from lsm.codec import KIND_BY_CODE, KIND_CODE, sha_from_wire, sha_to_wire
from lsm.hashing import blake2b_digest
from lsm.model import CheckpointKind
from lsm.record import NamedTuple
from lsm.segment import Pointer

__all__ = [
    "AGENT_HUMAN",
    "AGENT_PROMPT",
    "AGENT_SESSION",
    "DB_NAMES",
    "INDEX_VERSION",
    "META_ACTIVE",
    "META_DURABLE",
    "META_FACTS",
    "META_FORMAT",
    "META_INDEX",
    "META_NEXT_RUN",
    "META_NEXT_SEGMENT",
    "META_NEXT_SEQ",
    "META_TAIL",
    "AgentFact",
    "BlobRef",
    "HistoryRef",
    "IndexValueError",
    "LatestValue",
    "LogEntry",
    "RunInfo",
    "SegmentInfo",
    "agent_key",
    "agent_prefix",
    "blob_key",
    "checkpoint_key",
    "decode_u64",
    "dumps",
    "encode_u64",
    "history_key",
    "history_prefix",
    "key_run",
    "key_seq",
    "latest_key",
    "loads",
    "log_key",
    "log_name",
    "path_key",
    "path_of_key",
    "run_key",
    "seal",
    "segment_id",
    "segment_key",
    "session_key",
    "session_run_key",
    "transcript_key",
    "u64",
    "unseal",
]

#: Named databases of format version 1 (see docs/format.md).
DB_NAMES: Final = (
    "meta",
    "logs",
    "runs",
    "latest",
    "history",
    "checkpoints",
    "blobs",
    "segments",
    "sessions",
    "transcripts",
    "session_runs",
    # Commit-time facts (docs/format.md, docs/commit.md): per (run, path) whether
    # an entry requires post-processing; per run the agents and known humans.
    "postflags",
    "agents",
)

META_FORMAT = b"format_version"
META_NEXT_SEQ = b"next_seq"
META_NEXT_RUN = b"next_run"
META_NEXT_SEGMENT = b"next_segment"
META_ACTIVE = b"active_segment"
META_DURABLE = b"durable_offset"
#: Start of the last committed write in the active segment (checked on open).
META_TAIL = b"tail_offset"
#: 1 when ``postflags`` and ``agents`` were kept since the index was built
#: (a store indexed by an older version lacks them until a rebuild).
META_FACTS = b"commit_facts"

#: The index schema's version (``meta``): 2 seals every value with a checksum. An index of an
#: older schema is rebuilt from the segments by the first writable open.
INDEX_VERSION = 2
META_INDEX = b"index_version"

# Paths up to this many bytes are stored in keys verbatim; longer ones hashed.
_MAX_INLINE_PATH = 400
_U64 = struct.Struct(">Q")
_F_AI = 1
_F_ATTRS = 2
_F_LINES = 4


class IndexValueError(ValueError):
    """An index key or value does not follow its layout (LMDB damage or a bug)."""


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _layout(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Make a decoder raise IndexValueError, whatever way the bytes are wrong."""

    @functools.wraps(fn)
    def decode(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(*args, **kwargs)
        except IndexValueError:
            raise
        except (
            ValueError,
            KeyError,
            TypeError,
            IndexError,
            AttributeError,
            struct.error,
            cbor2.CBORError,
            EOFError,
            OverflowError,
            RecursionError,
        ) as exc:
            raise IndexValueError(f"{fn.__qualname__}: {exc}") from None

    return decode


def dumps(obj: object) -> bytes:
    """CBOR-encode an index value."""
    return cbor2.dumps(obj)


@_layout
def loads(data: bytes | memoryview) -> Any:
    """CBOR-decode an index value."""
    return cbor2.loads(bytes(data) if isinstance(data, memoryview) else data)


# --------------------------------------------------------------------------- keys


def u64(n: int) -> bytes:
    """An unsigned 64-bit big-endian key part."""
    return _U64.pack(n)


def encode_u64(n: int) -> bytes:
    """A ``meta`` value: 8 bytes big-endian."""
    return _U64.pack(n)


@_layout
def decode_u64(raw: bytes | memoryview) -> int:
    """Inverse of :func:`encode_u64`."""
    return int(_U64.unpack(raw)[0])


def key_run(key: bytes) -> int:
    """The run a ``latest``/``history``/``checkpoints``/``runs`` key belongs to."""
    return int.from_bytes(key[:8], "big")


def key_seq(key: bytes) -> int:
    """The seq that ends a ``history`` or ``checkpoints`` key."""
    return int.from_bytes(key[-8:], "big")


def _bounded(raw: bytes) -> bytes:
    # Keys are at most 511 bytes in LMDB: hash what would not fit.
    if len(raw) <= _MAX_INLINE_PATH:
        return raw + b"\x00"
    return b"\x01" + blake2b_digest(raw, 16) + b"\x00"


def path_key(path: str) -> bytes:
    """The key part for a repo-relative path.

    ``b"p" + utf8 + b"\\0"`` for paths up to 400 bytes, else ``b"h" +
    blake2b-128(path) + b"\\0"`` (the full path is kept in the value). Git
    paths never contain NUL, so the terminator makes keys prefix-free.
    """
    raw = path.encode("utf-8", "surrogateescape")
    if b"\x00" in raw:
        raise ValueError("path contains a NUL byte")
    if len(raw) <= _MAX_INLINE_PATH:
        return b"p" + raw + b"\x00"
    return b"h" + blake2b_digest(raw, 16) + b"\x00"


@_layout
def path_of_key(pk: bytes, full: bytes | None) -> str:
    """The path a path key stands for (``full`` is the value's copy of a hashed path)."""
    if pk[:1] == b"p":
        return pk[1:-1].decode("utf-8", "surrogateescape")
    if full is None:
        raise ValueError("a hashed path key without its full path")
    return bytes(full).decode("utf-8", "surrogateescape")


def log_key(name: str) -> bytes:
    """``logs`` key: the log name's bytes (surrogate-escaped bytes kept raw)."""
    return name.encode("utf-8", "surrogateescape")


def log_name(key: bytes) -> str:
    """Inverse of :func:`log_key`."""
    return bytes(key).decode("utf-8", "surrogateescape")


def run_key(run: int) -> bytes:
    """``runs`` key, and the prefix of everything belonging to one run."""
    return u64(run)


#: ``agents`` key kinds: a session (``s_…``), a legacy prompt (16 hex), a known human.
AGENT_SESSION, AGENT_PROMPT, AGENT_HUMAN = b"s", b"p", b"h"


def agent_prefix(run: int, kind: bytes = b"") -> bytes:
    """Prefix of a run's ``agents`` keys (of one kind, if given)."""
    return u64(run) + kind


def agent_key(run: int, kind: bytes, ident: str) -> bytes:
    """``agents`` key: run + kind byte + the id (``s_…``, 16 hex or ``h_…``)."""
    return u64(run) + kind + ident.encode("utf-8", "surrogateescape")


def latest_key(run: int, path: str) -> bytes:
    """``latest`` key: run + path."""
    return u64(run) + path_key(path)


def history_prefix(run: int, path: str) -> bytes:
    """Prefix of one path's ``history`` keys within a run."""
    return u64(run) + path_key(path)


def history_key(run: int, path: str, seq: int) -> bytes:
    """``history`` key: run + path + seq."""
    return u64(run) + path_key(path) + u64(seq)


def checkpoint_key(run: int, seq: int) -> bytes:
    """``checkpoints`` key: run + seq."""
    return u64(run) + u64(seq)


def blob_key(sha: str) -> bytes | None:
    """``blobs`` key: the 32 raw bytes of a sha256 hex, or None if ``sha`` is not hex."""
    try:
        return bytes.fromhex(sha)
    except ValueError:
        return None


def segment_key(segment: int) -> bytes:
    """``segments`` key."""
    return u64(segment)


def segment_id(key: bytes) -> int:
    """Inverse of :func:`segment_key`."""
    return int.from_bytes(key, "big")


def session_key(agent: str, session: str) -> bytes:
    """``sessions`` key: agent NUL session NUL (hashed past the key limit)."""
    return _bounded(agent.encode() + b"\x00" + session.encode("utf-8", "surrogateescape"))


def transcript_key(agent: str, session: str, seq: int) -> bytes:
    """``transcripts`` key: the session key + seq."""
    return session_key(agent, session) + u64(seq)


def session_run_key(agent: str, session: str, run: int) -> bytes:
    """``session_runs`` key: the session key + run (the value is empty)."""
    return session_key(agent, session) + u64(run)


# --------------------------------------------------------------------------- values


def _name_bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


class LogEntry(NamedTuple):
    """A ``logs`` value: one working log.

    :ivar runs: the log's runs, oldest first (a merge concatenates them).
    :ivar initial: pointer to the log's current INITIAL record, or None.
    :ivar import_state: the legacy-import marker (a map) or None.
    """

    runs: tuple[int, ...]
    created: int
    archived: int | None = None
    initial: Pointer | None = None
    initial_seq: int | None = None
    import_state: Any = None

    def encode(self, name: str | None = None) -> bytes:
        """CBOR map ``{runs, created, archived, initial, initial_seq, import, name}``.

        ``name`` (the key's log name, as bytes) is echoed so that a read can
        tell a value that is not its key's (damaged or swapped).
        """
        return dumps(
            {
                **({"name": _name_bytes(name)} if name is not None else {}),
                "runs": list(self.runs),
                "created": self.created,
                "archived": self.archived,
                "initial": None if self.initial is None else self.initial.to_list(),
                "initial_seq": self.initial_seq,
                "import": self.import_state,
            }
        )

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview, name: str | None = None) -> LogEntry:
        """Inverse of :meth:`encode`; with ``name``, the echo (if any) must match it."""
        m = loads(raw)
        if name is not None and "name" in m and m["name"] != _name_bytes(name):
            raise ValueError(f"the value of log {name!r} belongs to another log")
        initial = m.get("initial")
        return cls(
            runs=tuple(int(r) for r in m["runs"]),
            created=int(m.get("created") or 0),
            archived=None if m.get("archived") is None else int(m["archived"]),
            initial=None if initial is None else Pointer.from_list(initial),
            initial_seq=None if m.get("initial_seq") is None else int(m["initial_seq"]),
            import_state=m.get("import"),
        )


class AgentFact(NamedTuple):
    """An ``agents`` value: what a run's checkpoints say of one agent or known human.

    For a session or prompt: the agent id of its newest checkpoint (``seq``)
    and the summed line stats of all of them. For a known human: ``tool`` is
    the author identity and ``seq`` the first checkpoint's (first wins).
    """

    tool: str
    id: str = ""
    model: str = ""
    additions: int = 0
    deletions: int = 0
    seq: int = 0

    def encode(self) -> bytes:
        """CBOR ``[tool, id, model, additions, deletions, seq]``."""
        return dumps(list(self))

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview) -> AgentFact:
        """Inverse of :meth:`encode` (a longer array, from a newer writer, is accepted)."""
        tool, ident, model, adds, dels, seq = loads(raw)[:6]
        return cls(str(tool), str(ident), str(model), int(adds), int(dels), int(seq))


class RunInfo(NamedTuple):
    """A ``runs`` value: a run's owner when created and its checkpoint counters."""

    log: str = ""
    created: int = 0
    checkpoints: int = 0
    last_seq: int = 0
    last_native_seq: int = 0
    last_imported_seq: int = 0

    def encode(self, run: int | None = None) -> bytes:
        """CBOR map of the fields (and ``run``, the key's run id, echoed)."""
        return dumps({**self._asdict(), **({"run": run} if run is not None else {})})

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview, run: int | None = None) -> RunInfo:
        """Inverse of :meth:`encode` (missing fields take their defaults).

        With ``run``, the echo (if any) must match it.
        """
        m = loads(raw)
        if run is not None and "run" in m and m["run"] != run:
            raise ValueError(f"the value of run {run} belongs to run {m['run']}")
        return cls(
            log=str(m.get("log") or ""),
            created=int(m.get("created") or 0),
            checkpoints=int(m.get("checkpoints") or 0),
            last_seq=int(m.get("last_seq") or 0),
            last_native_seq=int(m.get("last_native_seq") or 0),
            last_imported_seq=int(m.get("last_imported_seq") or 0),
        )


class LatestValue(NamedTuple):
    """A ``latest`` value: what the index knows of a file's newest entry in one run.

    :ivar ai_touched: some entry of the file in the run was AI-made or
        carries an AI author (git-ai's ``ai_touched_files``).
    :ivar full_path: the path's bytes when the key holds its hash, else None.
    """

    seq: int
    pointer: Pointer
    blob_sha: str
    kind: CheckpointKind
    timestamp: int
    ai_touched: bool
    has_attributions: bool
    has_line_attributions: bool
    full_path: bytes | None = None

    def encode(self) -> bytes:
        """CBOR ``[seq, segment, offset, length, sha, kind, timestamp, flags, full path]``."""
        flags = (
            (_F_AI if self.ai_touched else 0)
            | (_F_ATTRS if self.has_attributions else 0)
            | (_F_LINES if self.has_line_attributions else 0)
        )
        p = self.pointer
        return dumps(
            [
                self.seq,
                p.segment,
                p.offset,
                p.length,
                sha_to_wire(self.blob_sha),
                KIND_CODE[self.kind],
                self.timestamp,
                flags,
                self.full_path,
            ]
        )

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview) -> LatestValue:
        """Inverse of :meth:`encode`."""
        seq, seg, off, length, sha, kind, ts, flags, full = loads(raw)
        return cls(
            seq=seq,
            pointer=Pointer(seg, off, length),
            blob_sha=sha_from_wire(sha),
            kind=KIND_BY_CODE[kind],
            timestamp=ts,
            ai_touched=bool(flags & _F_AI),
            has_attributions=bool(flags & _F_ATTRS),
            has_line_attributions=bool(flags & _F_LINES),
            full_path=None if full is None else bytes(full),
        )

    @staticmethod
    def full_path_for(pk: bytes, path: str) -> bytes | None:
        """What :attr:`full_path` must hold for path key ``pk`` (None when the key is inline)."""
        return None if pk[:1] == b"p" else path.encode("utf-8", "surrogateescape")


class HistoryRef(NamedTuple):
    """A ``history`` value: where one entry is, and what a listing needs without reading it."""

    seq: int
    pointer: Pointer
    timestamp: int
    blob_sha: str
    kind: CheckpointKind
    has_attributions: bool = False
    has_line_attributions: bool = False

    def encode(self) -> bytes:
        """CBOR ``[segment, offset, length, timestamp, blob_sha, kind, flags]``.

        ``flags``: bit 1 the entry has character attributions, bit 2 line
        attributions (the same bits as in ``latest``).
        """
        p = self.pointer
        flags = (_F_ATTRS if self.has_attributions else 0) | (
            _F_LINES if self.has_line_attributions else 0
        )
        return dumps(
            [
                p.segment,
                p.offset,
                p.length,
                self.timestamp,
                sha_to_wire(self.blob_sha),
                KIND_CODE[self.kind],
                flags,
            ]
        )

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview, seq: int) -> HistoryRef:
        """Inverse of :meth:`encode` (``seq`` comes from the key)."""
        seg, off, length, ts, sha, kind, flags = loads(raw)
        return cls(
            seq,
            Pointer(seg, off, length),
            ts,
            sha_from_wire(sha),
            KIND_BY_CODE[kind],
            bool(flags & _F_ATTRS),
            bool(flags & _F_LINES),
        )


class BlobRef(NamedTuple):
    """A ``blobs`` value: the BLOB frame's pointer and the content size."""

    pointer: Pointer
    size: int

    def encode(self) -> bytes:
        """The 16-byte pointer + u64le size."""
        return self.pointer.pack() + self.size.to_bytes(8, "little")

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview) -> BlobRef:
        """Inverse of :meth:`encode`."""
        return cls(Pointer.unpack(raw), int.from_bytes(bytes(raw[16:24]), "little"))


class SegmentInfo(NamedTuple):
    """A ``segments`` value: one segment file as the index knows it.

    :ivar state: ``active`` or ``sealed``.
    :ivar size: bytes the index relies on (the durable end while active).
    :ivar frames: frames counted; :ivar checkpoints: checkpoint groups counted.
    :ivar logical: uncompressed bytes of the records (size accounting).
    :ivar dict_sha: the zstd dictionary (32 bytes) the segment's frames use, or None.
    :ivar replaces: for a compaction output, the segments it replaced.
    """

    state: str
    size: int
    created: int
    first_seq: int | None = None
    last_seq: int | None = None
    frames: int = 0
    checkpoints: int = 0
    logical: int = 0
    compacted: bool = False
    blocked: bool = False
    dict_sha: bytes | None = None
    replaces: tuple[int, ...] = ()
    policy: str | None = None
    sealed: int | None = None

    def encode(self) -> bytes:
        """CBOR map (``dict`` for :attr:`dict_sha`; ``policy``/``sealed`` only when set)."""
        m: dict[str, Any] = {
            "state": self.state,
            "size": self.size,
            "created": self.created,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "frames": self.frames,
            "checkpoints": self.checkpoints,
            "logical": self.logical,
            "compacted": self.compacted,
            "blocked": self.blocked,
            "dict": self.dict_sha,
            "replaces": list(self.replaces),
        }
        if self.policy is not None:
            m["policy"] = self.policy
        if self.sealed is not None:
            m["sealed"] = self.sealed
        return dumps(m)

    @classmethod
    @_layout
    def decode(cls, raw: bytes | memoryview) -> SegmentInfo:
        """Inverse of :meth:`encode`."""
        m = loads(raw)
        d = m.get("dict")
        return cls(
            state=str(m["state"]),
            size=int(m.get("size") or 0),
            created=int(m.get("created") or 0),
            first_seq=None if m.get("first_seq") is None else int(m["first_seq"]),
            last_seq=None if m.get("last_seq") is None else int(m["last_seq"]),
            frames=int(m.get("frames") or 0),
            checkpoints=int(m.get("checkpoints") or 0),
            logical=int(m.get("logical") or 0),
            compacted=bool(m.get("compacted")),
            blocked=bool(m.get("blocked")),
            dict_sha=bytes(d) if d else None,
            replaces=tuple(int(x) for x in m.get("replaces") or ()),
            policy=m.get("policy"),
            sealed=None if m.get("sealed") is None else int(m["sealed"]),
        )

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (``dict`` as hex)."""
        out = self._asdict()
        del out["dict_sha"]
        out["dict"] = self.dict_sha.hex() if self.dict_sha else None
        out["replaces"] = list(self.replaces)
        return out


# ---------------------------------------------------------------------- sealed values

_CRC = struct.Struct("<I")
#: Per database, the CRC-32 of its name: a value moved to another database fails too.
_SEEDS: Final = {name: zlib.crc32(name.encode()) for name in DB_NAMES}


def seal(db: str, key: bytes, value: bytes) -> bytes:
    """The stored form of ``value`` under ``key`` of ``db``: it, then a CRC-32 of all three.

    LMDB keeps no checksums: a flipped byte, a value swapped with another
    key's, or a key whose bytes changed would otherwise read as good data.
    """
    return value + _CRC.pack(zlib.crc32(value, zlib.crc32(key, _SEEDS[db])))


def unseal(db: str, key: bytes, raw: bytes) -> bytes:
    """The value :func:`seal` stored. :raises IndexValueError: the checksum does not match."""
    body = raw[:-4]
    if len(raw) < 4 or _CRC.unpack_from(raw, len(body))[0] != zlib.crc32(
        body, zlib.crc32(key, _SEEDS[db])
    ):
        raise IndexValueError(f"a {db} value (key {key[:24].hex()}) fails its checksum")
    return body
