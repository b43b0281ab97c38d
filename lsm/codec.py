"""Records <-> frame payloads: CBOR maps inside zstd frames.

This module knows the *schema* of each record type (docs/format.md,
"Records") and nothing of files or the index. Encoding cannot fail for
model objects that type-check; decoding raises :class:`RecordError` for a
payload that passed its CRC yet does not follow the schema (a bug or a
newer writer), which callers turn into a
:class:`~lsm.errors.CorruptRecordError` with the frame's location.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import cbor2
import zstandard

from lsm.frame import (
    FLAG_DICT,
    FLAG_ZSTD,
    RecordType,
    encode_frame,
)
from lsm.frame import (
    FRAME_HEADER as FRAME_HEADER_BYTES,
)
from lsm.model import (
    AgentId,
    Attribution,
    AttributionColumns,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    JsonObject,
    KnownHumanMetadata,
    LineAttribution,
    LineStats,
)
from lsm.record import NamedTuple

__all__ = [
    "KIND_BY_CODE",
    "KIND_CODE",
    "MAX_RECORD_BYTES",
    "BatchRecord",
    "BlobRecord",
    "CheckpointRecord",
    "Codec",
    "EntryRecord",
    "EventRecord",
    "InitialRecord",
    "RecordError",
    "RepairRecord",
    "SegmentInfoRecord",
    "TranscriptRecord",
    "decode_path",
    "encode_path",
    "sha_from_wire",
    "sha_to_wire",
]

_BIG_ENDIAN = sys.byteorder == "big"

#: Largest decompressed payload accepted (a guard against zstd bombs).
MAX_RECORD_BYTES = 1 << 30

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
#: Checkpoint kinds as stored in records and index values.
KIND_CODE = {
    CheckpointKind.HUMAN: 0,
    CheckpointKind.AI_AGENT: 1,
    CheckpointKind.AI_TAB: 2,
    CheckpointKind.KNOWN_HUMAN: 3,
}
KIND_BY_CODE = {v: k for k, v in KIND_CODE.items()}


class RecordError(ValueError):
    """A payload that passed its CRC does not decode to a valid record."""


# --------------------------------------------------------------------------- helpers


def encode_path(path: str) -> str | bytes:
    """A path as CBOR text, or as bytes when it holds undecodable (surrogate-escaped) bytes."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")
    return path


def decode_path(value: object) -> str:
    """Inverse of :func:`encode_path`."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    raise RecordError(f"path has type {type(value).__name__}")


def sha_to_wire(sha: str) -> str | bytes:
    """A sha256 hex string as 32 raw bytes; anything else (legacy values) as text."""
    if len(sha) == 64 and _HEX64.match(sha):
        return bytes.fromhex(sha)
    return sha


def sha_from_wire(value: object) -> str:
    """Inverse of :func:`sha_to_wire`."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str):
        return value
    raise RecordError(f"sha has type {type(value).__name__}")


def _req(obj: Mapping[str, Any], key: str, typ: type | tuple[type, ...]) -> Any:
    value = obj.get(key)
    if not isinstance(value, typ):
        raise RecordError(f"field {key!r} is missing or has type {type(value).__name__}")
    return value


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise RecordError(f"field {key!r} has type {type(value).__name__}")


def _encode_line_attrs(items: Sequence[LineAttribution]) -> list[list[Any]]:
    return [[la.start_line, la.end_line, la.author_id, la.overrode] for la in items]


def _decode_line_attrs(raw: object) -> list[LineAttribution]:
    if not isinstance(raw, list):
        raise RecordError("line attributions are not a list")
    out = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 4):
            raise RecordError("bad line attribution")
        sl, el, author, overrode = item
        if not (isinstance(sl, int) and isinstance(el, int) and isinstance(author, str)):
            raise RecordError("bad line attribution fields")
        if overrode is not None and not isinstance(overrode, str):
            raise RecordError("bad overrode")
        out.append(LineAttribution(sl, el, author, overrode))
    return out


def _pack_column(col: Sequence[int]) -> bytes | list[int]:
    """A column as packed little-endian u64 (fast to write and read), or a CBOR array.

    The array form is the fallback for values a u64 cannot hold (git-ai's
    ``ts`` is a u128) or anything else array('Q') refuses.
    """
    try:
        packed = array("Q", col)
    except (OverflowError, TypeError):
        return list(col)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def _unpack_column(value: object, what: str) -> Sequence[int]:
    if isinstance(value, bytes):
        if len(value) % 8:
            raise RecordError(f"packed column {what} has a partial value")
        col = array("Q")
        col.frombytes(value)
        if _BIG_ENDIAN:
            col.byteswap()
        return col
    if isinstance(value, list):
        return value
    raise RecordError(f"column {what} has type {type(value).__name__}")


def _encode_attrs(attrs: Sequence[Attribution]) -> dict[str, Any]:
    cols = AttributionColumns.from_attributions(attrs)
    return {
        "authors": list(cols.authors),
        "start": _pack_column(cols.starts),
        "end": _pack_column(cols.ends),
        "author": _pack_column(cols.author_idx),
        "ts": _pack_column(cols.ts),
    }


def _decode_attrs(raw: object) -> AttributionColumns:
    if not isinstance(raw, dict):
        raise RecordError("attributions are not a map")
    try:
        cols = AttributionColumns(
            _unpack_column(raw["start"], "start"),
            _unpack_column(raw["end"], "end"),
            raw["authors"],
            _unpack_column(raw["author"], "author"),
            _unpack_column(raw["ts"], "ts"),
        )
    except (KeyError, ValueError) as exc:
        raise RecordError(f"bad attribution columns: {exc}") from None
    n_authors = len(cols.authors)
    if any(not isinstance(a, str) for a in cols.authors) or (
        cols.author_idx and not (min(cols.author_idx) >= 0 and max(cols.author_idx) < n_authors)
    ):
        raise RecordError("attribution author index out of range")
    return cols


def _initial_to_wire(initial: InitialAttributions) -> dict[str, Any]:
    return {
        "files": {encode_path(p): _encode_line_attrs(v) for p, v in initial.files.items()},
        "prompts": initial.prompts,
        "file_blobs": {encode_path(p): s for p, s in initial.file_blobs.items()},
        "humans": initial.humans,
        "sessions": initial.sessions,
    }


def _initial_from_wire(raw: object) -> InitialAttributions:
    if not isinstance(raw, dict):
        raise RecordError("INITIAL is not a map")
    files_raw = raw.get("files") or {}
    blobs_raw = raw.get("file_blobs") or {}
    if not isinstance(files_raw, dict) or not isinstance(blobs_raw, dict):
        raise RecordError("INITIAL files/file_blobs are not maps")
    return InitialAttributions(
        files={decode_path(p): _decode_line_attrs(v) for p, v in files_raw.items()},
        prompts=dict(raw.get("prompts") or {}),
        file_blobs={decode_path(p): str(s) for p, s in blobs_raw.items()},
        humans=dict(raw.get("humans") or {}),
        sessions=dict(raw.get("sessions") or {}),
    )


# --------------------------------------------------------------------------- records


class CheckpointRecord(NamedTuple):
    """A decoded checkpoint header: the checkpoint without its entries."""

    seq: int
    run: int
    log: str
    n_entries: int
    imported: bool
    checkpoint: Checkpoint


class EntryRecord(NamedTuple):
    """A decoded file entry of checkpoint ``seq`` (``position`` within it).

    ``kind`` and ``timestamp`` repeat the checkpoint's, so that one entry is
    readable (and listable in a file's history) with a single read.
    """

    seq: int
    position: int
    kind: CheckpointKind
    timestamp: int
    entry: FileEntry


class BlobRecord(NamedTuple):
    """File content addressed by its sha256."""

    sha: str
    data: bytes


class EventRecord(NamedTuple):
    """A working-log lifecycle event (``op`` with its arguments)."""

    seq: int
    op: str
    args: JsonObject


class InitialRecord(NamedTuple):
    """A log's INITIAL attributions as of ``seq`` (empty = deleted)."""

    seq: int
    log: str
    initial: InitialAttributions


class TranscriptRecord(NamedTuple):
    """A batch of parsed transcript messages of one agent session."""

    seq: int
    agent: str
    session: str
    start: int
    end: int
    messages: list[JsonObject]
    meta: JsonObject


class SegmentInfoRecord(NamedTuple):
    """What a compacted segment replaces, and how it was made.

    :ivar ordered: its records are in seq order (every input was: written by
        a compaction that took its inputs oldest first). False for segments
        written before the flag, which rebuild reads for their order.
    """

    replaces: list[int]
    policy: str
    created_ms: int
    ordered: bool = False


class BatchRecord(NamedTuple):
    """The marker of an atomic write: the next ``frames`` frames stand or fall together."""

    frames: int


class RepairRecord(NamedTuple):
    """What a repair did, in two forms.

    Written over damaged bytes (same length, so no offset moves), ``info``
    holds ``next_seq``/``next_run`` (counters a later rebuild must not go
    below), ``segment``, ``start``, ``end``, ``reason``, ``at``,
    ``quarantine`` (the name of the copy of the original bytes) and
    ``lost`` (what the bytes held), as far as the range has room. Appended
    by the writer after a repair, it holds the whole account: the counters,
    ``at``, ``repairs`` (every mended range) and ``lost_blobs`` (contents
    that no record holds any more).
    """

    info: dict[str, Any]


Record = (
    CheckpointRecord
    | EntryRecord
    | BlobRecord
    | EventRecord
    | InitialRecord
    | TranscriptRecord
    | SegmentInfoRecord
    | BatchRecord
    | RepairRecord
)


# --------------------------------------------------------------------------- codec


class Codec:
    """Encodes records to frames and decodes frame payloads back.

    A Codec owns zstd contexts, which are not thread-safe: use one per thread.

    :param level: zstd level for new frames (3 measured best for hooks).
    """

    def __init__(self, level: int = 3) -> None:
        self._cctx = zstandard.ZstdCompressor(level=level, write_content_size=True)
        self._dctx = zstandard.ZstdDecompressor()
        #: Uncompressed (CBOR) bytes packed since the last :meth:`take_logical`.
        self.logical_bytes = 0
        self._dict_dctx: dict[bytes, zstandard.ZstdDecompressor] = {}

    # -- low level

    def pack(self, rtype: int, obj: object) -> bytes:
        """CBOR-encode ``obj``, compress it and frame it."""
        raw = cbor2.dumps(obj)
        self.logical_bytes += len(raw)
        return encode_frame(rtype, self._cctx.compress(raw), FLAG_ZSTD)

    def take_logical(self) -> int:
        """Uncompressed bytes packed since the last call (for size accounting)."""
        n, self.logical_bytes = self.logical_bytes, 0
        return n

    def add_dictionary(self, sha: bytes, data: bytes) -> None:
        """Make a zstd dictionary available for frames flagged FLAG_DICT."""
        if sha not in self._dict_dctx:
            self._dict_dctx[sha] = zstandard.ZstdDecompressor(
                dict_data=zstandard.ZstdCompressionDict(data)
            )

    def has_dictionary(self, sha: bytes) -> bool:
        """True once :meth:`add_dictionary` was called for ``sha``."""
        return sha in self._dict_dctx

    def decompress(self, flags: int, payload: bytes, dict_sha: bytes | None = None) -> bytes:
        """The payload's bytes after zstd (if ``FLAG_ZSTD``), with the bomb guard.

        :raises RecordError: bad zstd data, an oversized payload, or a
            dictionary that is not loaded.
        """
        if not flags & FLAG_ZSTD:
            return payload
        dctx = self._dctx
        if flags & FLAG_DICT:
            found = self._dict_dctx.get(dict_sha or b"")
            if found is None:
                raise RecordError("frame needs a zstd dictionary that is not loaded")
            dctx = found
        try:
            size = zstandard.get_frame_parameters(payload).content_size
            if size > MAX_RECORD_BYTES and size != zstandard.CONTENTSIZE_UNKNOWN:
                raise RecordError(f"payload claims {size} bytes decompressed")
            return dctx.decompress(payload, max_output_size=MAX_RECORD_BYTES)
        except zstandard.ZstdError as exc:
            raise RecordError(f"zstd: {exc}") from None

    def unpack(self, flags: int, payload: bytes, dict_sha: bytes | None = None) -> object:
        """Decompress and CBOR-decode a frame payload.

        :raises RecordError: bad zstd data, an oversized payload, bad CBOR,
            or a dictionary that is not loaded.
        """
        data = self.decompress(flags, payload, dict_sha)
        try:
            return cbor2.loads(data, allow_indefinite=False, max_depth=64)
        except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as exc:
            raise RecordError(f"cbor: {exc}") from None

    # -- encoding

    def checkpoint_frames(
        self, seq: int, run: int, log: str, cp: Checkpoint, *, imported: bool = False
    ) -> list[bytes]:
        """The header frame followed by one frame per entry, in entry order."""
        head: dict[str, Any] = {
            "seq": seq,
            "run": run,
            "log": log,
            "n": len(cp.entries),
            "imported": imported,
            "kind": KIND_CODE[cp.kind],
            "diff": cp.diff,
            "author": cp.author,
            "timestamp": cp.timestamp,
            "line_stats": list(cp.line_stats),
            "api_version": cp.api_version,
        }
        if cp.agent_id is not None:
            head["agent_id"] = [cp.agent_id.tool, cp.agent_id.id, cp.agent_id.model]
        if cp.agent_metadata is not None:
            head["agent_metadata"] = cp.agent_metadata
        if cp.git_ai_version is not None:
            head["git_ai_version"] = cp.git_ai_version
        if cp.known_human_metadata is not None:
            k = cp.known_human_metadata
            head["known_human_metadata"] = [k.editor, k.editor_version, k.extension_version]
        if cp.trace_id is not None:
            head["trace_id"] = cp.trace_id
        frames = [self.pack(RecordType.CHECKPOINT, head)]
        for i, entry in enumerate(cp.entries):
            frames.append(
                self.pack(RecordType.ENTRY, self.entry_map(seq, i, cp.kind, cp.timestamp, entry))
            )
        return frames

    @staticmethod
    def entry_map(
        seq: int, index: int, kind: CheckpointKind, timestamp: int, entry: FileEntry
    ) -> dict[str, Any]:
        """The CBOR map of one entry record."""
        obj: dict[str, Any] = {
            "seq": seq,
            "i": index,
            "kind": KIND_CODE[kind],
            "timestamp": timestamp,
            "file": encode_path(entry.file),
            "blob_sha": sha_to_wire(entry.blob_sha),
        }
        if entry.attributions:
            obj["attributions"] = _encode_attrs(entry.attributions)
        if entry.line_attributions:
            obj["line_attributions"] = _encode_line_attrs(entry.line_attributions)
        return obj

    def blob_frame(self, sha: str, data: bytes) -> bytes:
        """A blob record."""
        return self.pack(RecordType.BLOB, {"sha": bytes.fromhex(sha), "data": data})

    def event_frame(self, seq: int, op: str, args: Mapping[str, Any]) -> bytes:
        """A working-log event record."""
        return self.pack(RecordType.LOG_EVENT, {"seq": seq, "op": op, **args})

    def initial_frame(self, seq: int, log: str, initial: InitialAttributions) -> bytes:
        """An INITIAL record (an empty one deletes the log's INITIAL)."""
        return self.pack(
            RecordType.INITIAL, {"seq": seq, "log": log, "initial": _initial_to_wire(initial)}
        )

    def transcript_frame(
        self,
        seq: int,
        agent: str,
        session: str,
        start: int,
        end: int,
        messages: Iterable[JsonObject],
        meta: Mapping[str, Any],
    ) -> bytes:
        """A transcript batch record."""
        return self.pack(
            RecordType.TRANSCRIPT,
            {
                "seq": seq,
                "agent": agent,
                "session": session,
                "start": start,
                "end": end,
                "messages": list(messages),
                "meta": dict(meta),
            },
        )

    def segment_info_frame(
        self, replaces: Sequence[int], policy: str, created_ms: int, *, ordered: bool = False
    ) -> bytes:
        """The first frame of a compacted segment (``ordered``: see :class:`SegmentInfoRecord`)."""
        info: dict[str, Any] = {"replaces": list(replaces), "policy": policy, "created": created_ms}
        if ordered:
            info["ordered"] = True
        return self.pack(RecordType.SEGMENT_INFO, info)

    @staticmethod
    def batch_frame(frames: int) -> bytes:
        """A BATCH marker for the ``frames`` frames that follow it (uncompressed)."""
        return encode_frame(RecordType.BATCH, cbor2.dumps({"n": frames}), 0)

    def repair_frame(self, info: Mapping[str, Any]) -> bytes:
        """The REPAIR record a writer appends after a repair: its whole account."""
        return self.pack(RecordType.REPAIR, dict(info))

    @staticmethod
    def repair_frames(length: int, info: Mapping[str, Any]) -> bytes:
        """REPAIR frames exactly ``length`` bytes long (uncompressed), the first holding ``info``.

        What does not fit is dropped from ``info`` (the list ``lost`` first,
        then everything): the length is what must hold. ``length`` of 13 or
        more always fits except 14 (a CBOR map cannot be 2 bytes long).

        :raises ValueError: ``length`` cannot be filled.
        """
        out: list[bytes] = []
        left = length
        first = True
        while left > 0:
            size = min(left, 32 << 20)
            if 0 < left - size < 13:
                size = left - 13
            out.append(_repair_frame(size, dict(info) if first else {}))
            first = False
            left -= size
        return b"".join(out)

    # -- decoding

    def decode(self, rtype: int, obj: object) -> Record | None:
        """Turn a decoded payload into its record; None for ignorable unknown types.

        :raises RecordError: schema violations, or an unknown type without the
            safe-to-ignore bit.
        """
        if not isinstance(obj, dict):
            raise RecordError("payload is not a map")
        if rtype == RecordType.ENTRY:
            return decode_entry(obj)
        if rtype == RecordType.CHECKPOINT:
            return decode_checkpoint(obj)
        if rtype == RecordType.BLOB:
            sha = _req(obj, "sha", bytes)
            return BlobRecord(sha.hex(), _req(obj, "data", bytes))
        if rtype == RecordType.LOG_EVENT:
            args = {k: v for k, v in obj.items() if k not in ("seq", "op")}
            return EventRecord(_req(obj, "seq", int), _req(obj, "op", str), args)
        if rtype == RecordType.INITIAL:
            return InitialRecord(
                _req(obj, "seq", int),
                decode_path(obj.get("log")),
                _initial_from_wire(obj.get("initial")),
            )
        if rtype == RecordType.TRANSCRIPT:
            return TranscriptRecord(
                _req(obj, "seq", int),
                _req(obj, "agent", str),
                _req(obj, "session", str),
                _req(obj, "start", int),
                _req(obj, "end", int),
                _req(obj, "messages", list),
                _req(obj, "meta", dict),
            )
        if rtype == RecordType.SEGMENT_INFO:
            return SegmentInfoRecord(
                [int(x) for x in _req(obj, "replaces", list)],
                _req(obj, "policy", str),
                _req(obj, "created", int),
                obj.get("ordered") is True,
            )
        if rtype == RecordType.BATCH:
            n = _req(obj, "n", int)
            if n < 0:
                raise RecordError("negative batch size")
            return BatchRecord(n)
        if rtype == RecordType.REPAIR:
            return RepairRecord({k: v for k, v in obj.items() if isinstance(k, str) and k != "p"})
        if rtype & 0x80:
            return None
        raise RecordError(f"unknown record type 0x{rtype:02x}")


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for code, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * width):
            return bytes([major << 5 | code]) + n.to_bytes(width, "big")
    raise ValueError(n)


def _repair_frame(length: int, info: dict[str, Any]) -> bytes:
    """One REPAIR frame of exactly ``length`` bytes: ``info`` plus a ``pad`` byte string."""
    payload_len = length - FRAME_HEADER_BYTES
    while True:
        body = cbor2.dumps(info)[1:] if info else b""
        # {**info, "p": bytes(k)}: map head, info's pairs, "p", byte-string head, k bytes.
        fixed = len(_cbor_head(5, len(info) + 1)) + len(body) + 2
        for head in (1, 2, 3, 5, 9):
            k = payload_len - fixed - head
            if k >= 0 and len(_cbor_head(2, k)) == head:
                payload = (
                    _cbor_head(5, len(info) + 1) + body + b"\x61p" + _cbor_head(2, k) + bytes(k)
                )
                return encode_frame(RecordType.REPAIR, payload, 0)
        if not info:
            break
        if info.get("lost"):
            info["lost"] = info["lost"][: len(info["lost"]) // 2]
        else:
            info.popitem()
    if payload_len in (1, 3):
        # {} or {0: 0}: the shortest maps.
        return encode_frame(RecordType.REPAIR, b"\xa0" if payload_len == 1 else b"\xa1\x00\x00", 0)
    raise ValueError(f"a repair record cannot be {length} bytes long")


def decode_checkpoint(obj: Mapping[str, Any]) -> CheckpointRecord:
    """Decode a checkpoint header map (entries left empty)."""
    kind = KIND_BY_CODE.get(obj.get("kind"))  # type: ignore[arg-type]
    if kind is None:
        raise RecordError("bad checkpoint kind")
    stats = _req(obj, "line_stats", list)
    agent = obj.get("agent_id")
    khm = obj.get("known_human_metadata")
    meta = obj.get("agent_metadata")
    if meta is not None and not isinstance(meta, dict):
        raise RecordError("agent_metadata is not a map")
    try:
        cp = Checkpoint(
            kind=kind,
            diff=_req(obj, "diff", str),
            author=_req(obj, "author", str),
            entries=[],
            timestamp=_req(obj, "timestamp", int),
            agent_id=AgentId(*agent) if agent is not None else None,
            agent_metadata=meta,
            line_stats=LineStats(*stats),
            api_version=_req(obj, "api_version", str),
            git_ai_version=_opt_str(obj, "git_ai_version"),
            known_human_metadata=KnownHumanMetadata(*khm) if khm is not None else None,
            trace_id=_opt_str(obj, "trace_id"),
        )
    except TypeError as exc:
        raise RecordError(f"bad checkpoint fields: {exc}") from None
    return CheckpointRecord(
        _req(obj, "seq", int),
        _req(obj, "run", int),
        decode_path(obj.get("log")),
        _req(obj, "n", int),
        bool(obj.get("imported", False)),
        cp,
    )


def decode_entry(obj: Mapping[str, Any]) -> EntryRecord:
    """Decode an entry map."""
    attrs_raw = obj.get("attributions")
    lines_raw = obj.get("line_attributions")
    entry = FileEntry(
        file=decode_path(obj.get("file")),
        blob_sha=sha_from_wire(obj.get("blob_sha", "")),
        attributions=_decode_attrs(attrs_raw) if attrs_raw is not None else [],
        line_attributions=_decode_line_attrs(lines_raw) if lines_raw is not None else [],
    )
    kind = KIND_BY_CODE.get(obj.get("kind"))  # type: ignore[arg-type]
    if kind is None:
        raise RecordError("bad entry kind")
    return EntryRecord(
        _req(obj, "seq", int), _req(obj, "i", int), kind, _req(obj, "timestamp", int), entry
    )
