"""Where the previous parse of a transcript stopped, and how to tell it still applies.

A :class:`Watermark` is what the caller persists per (agent, session) between
calls: the byte offset to resume from, the agent parser's carry-over state,
and a fingerprint of the file that made it:

* the first ``min(size, 4 KiB)`` bytes (``head``), to notice a file that was
  replaced by another one;
* the up to 4 KiB just before the offset (``anchor``), to notice a file that
  was rewritten (same beginning, different history) without growing smaller.

If the file is now shorter than the offset (or the head), it *shrank*; if a
digest differs, it was *replaced*. Either way the parse starts over at 0 with
fresh state and says so. Inode numbers are deliberately not compared: a copy
or an atomic rewrite with the same content is the same transcript.
"""

from __future__ import annotations

import json
import os
from typing import Any, Literal, TypeAlias

from lsm.errors import InputError
from lsm.hashing import blake2b_digest
from lsm.record import FrozenRecord
from lsm.transcripts.decode import loads

__all__ = [
    "EMPTY_DIGEST",
    "FINGERPRINT_BYTES",
    "RestartReason",
    "SkipKind",
    "Watermark",
    "anchor_of",
    "digest",
    "restart_reason",
]

#: Bytes hashed at the start of the file, and just before the offset.
FINGERPRINT_BYTES = 4096
#: ``digest(b"")``.
EMPTY_DIGEST = blake2b_digest(b"", 16)
_VERSION = 1

RestartReason: TypeAlias = Literal["shrank", "replaced"]
#: Why the watermark sits inside a line: an oversized line, or the transcript cap's gap.
SkipKind: TypeAlias = Literal["line", "gap"]


def digest(data: bytes) -> bytes:
    """A 16-byte BLAKE2b digest: collisions are not a concern at this size."""
    return blake2b_digest(data, 16)


class Watermark(FrozenRecord):
    """Resume point of one transcript for one agent.

    :param agent: the agent whose parser made it.
    :param offset: bytes consumed; the next call reads from here.
    :param head_len: how many leading bytes ``head_digest`` covers.
    :param head_digest: digest of the file's first ``head_len`` bytes.
    :param anchor_len: how many bytes before ``offset`` ``anchor_digest`` covers.
    :param anchor_digest: digest of the ``anchor_len`` bytes before ``offset``.
    :param skipping: set when ``offset`` lies inside a line being skipped.
    :param state: the agent parser's carry-over state (JSON-ready).
    """

    __slots__ = (
        "agent",
        "anchor_digest",
        "anchor_len",
        "head_digest",
        "head_len",
        "offset",
        "skipping",
        "state",
    )
    _fields = (
        "agent",
        "offset",
        "head_len",
        "head_digest",
        "anchor_len",
        "anchor_digest",
        "skipping",
        "state",
    )

    agent: str
    offset: int
    head_len: int
    head_digest: bytes
    anchor_len: int
    anchor_digest: bytes
    skipping: SkipKind | None
    state: dict[str, Any]

    def __init__(
        self,
        agent: str,
        offset: int,
        head_len: int,
        head_digest: bytes,
        anchor_len: int,
        anchor_digest: bytes,
        skipping: SkipKind | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        set_field = object.__setattr__
        set_field(self, "agent", agent)
        set_field(self, "offset", offset)
        set_field(self, "head_len", head_len)
        set_field(self, "head_digest", head_digest)
        set_field(self, "anchor_len", anchor_len)
        set_field(self, "anchor_digest", anchor_digest)
        set_field(self, "skipping", skipping)
        set_field(self, "state", {} if state is None else state)

    @property
    def fingerprint(self) -> bytes:
        """The file identity part, as one small byte string (for logs and comparisons)."""
        return (
            self.head_len.to_bytes(4, "big")
            + self.head_digest
            + self.anchor_len.to_bytes(4, "big")
            + self.anchor_digest
        )

    def to_bytes(self) -> bytes:
        """Serialize (compact JSON, as orjson writes it) for the caller to store.

        :raises ValueError: if the state holds a string with a lone surrogate
            (parsed transcript text never does).
        """
        doc: dict[str, Any] = {
            "v": _VERSION,
            "agent": self.agent,
            "offset": self.offset,
            "head": [self.head_len, self.head_digest.hex()],
            "anchor": [self.anchor_len, self.anchor_digest.hex()],
        }
        if self.skipping is not None:
            doc["skipping"] = self.skipping
        if self.state:
            doc["state"] = self.state
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Watermark:
        """Parse :meth:`to_bytes` output.

        :raises InputError: if ``data`` is not a watermark this version wrote
            (the caller should then parse from the start).
        """
        try:
            doc = loads(data)
            if not isinstance(doc, dict) or doc.get("v") != _VERSION:
                raise ValueError("not a version-1 transcript watermark")
            agent, offset = doc["agent"], doc["offset"]
            head_len, head_hex = doc["head"]
            anchor_len, anchor_hex = doc["anchor"]
            skipping = doc.get("skipping")
            state = doc.get("state", {})
            if not (
                isinstance(agent, str)
                and _is_count(offset)
                and _is_count(head_len)
                and head_len <= FINGERPRINT_BYTES
                and _is_count(anchor_len)
                and anchor_len <= offset
                and skipping in (None, "line", "gap")
                and isinstance(state, dict)
            ):
                raise ValueError("a field has the wrong type or range")
            return cls(
                agent,
                offset,
                head_len,
                bytes.fromhex(head_hex),
                anchor_len,
                bytes.fromhex(anchor_hex),
                skipping,
                state,
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError(
                f"bad transcript watermark: {exc}",
                hint="Drop the stored watermark; the next parse starts from the beginning.",
            ) from exc


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def restart_reason(
    fd: int, size: int, watermark: Watermark, head: bytes, head_digest: bytes
) -> RestartReason | None:
    """Why ``watermark`` no longer applies to the open file ``fd`` of ``size`` bytes.

    :param head: the file's first ``min(size, FINGERPRINT_BYTES)`` bytes.
    :param head_digest: ``digest(head)``, reused when the lengths agree.
    :returns: ``None`` if it still applies.
    :raises OSError: if the anchor bytes cannot be read.
    """
    if size < watermark.offset or size < watermark.head_len:
        return "shrank"
    if watermark.head_len != len(head):
        head_digest = digest(head[: watermark.head_len])
    if head_digest != watermark.head_digest:
        return "replaced"
    if watermark.anchor_len:
        anchor = os.pread(fd, watermark.anchor_len, watermark.offset - watermark.anchor_len)
        if digest(anchor) != watermark.anchor_digest:
            return "replaced"
    return None


def anchor_of(fd: int, offset: int) -> tuple[int, bytes]:
    """``(anchor_len, anchor_digest)`` for a watermark at ``offset``.

    :raises OSError: if the bytes cannot be read.
    """
    length = min(offset, FINGERPRINT_BYTES)
    data = os.pread(fd, length, offset - length) if length else b""
    return len(data), digest(data)
