"""Transcripts kept as one JSON document: Amp threads, Continue sessions, VS Code chat sessions.

The agent rewrites the whole file when the session grows, so neither a byte
offset nor a head fingerprint survives a write (Amp's document starts with
``"v": 220``, a counter bumped on every save). The unit is a record, an
element of the document's array (``messages``, ``history``, ``requests``);
the watermark counts them, as git-ai's ``RecordIndex`` watermark does:

* ``state.records``: how many elements were read; the next call walks past
  them without decoding (:class:`~lsm.transcripts.jsondoc.ArrayRecords`) and
  parses the rest;
* ``state.first``: the length and digest of element 0, the session's first
  message. If it changed, the file is another session (*replaced*); if the
  array now has fewer elements than were read, it *shrank*. Either way the
  call starts over from element 0 with fresh parser state, and says so.
* ``state.parser``: the agent parser's carry-over (the model...).

As with git-ai, an element already read is not read again if the agent
later rewrites it in place (a message that was still streaming); and an
element cut by a half-written file waits for the next call.

Caps: an element over ``max_line_bytes`` is skipped (a ``line_bytes`` cap
hit); when more than ``max_transcript_bytes`` of new elements exist, the
newest are kept and those starting before ``size - max_transcript_bytes``
are skipped (a ``transcript_bytes`` cap hit). The walk itself reads the
whole file (in chunks: memory stays bounded by one chunk and one element).
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any, BinaryIO

from lsm.transcripts.decode import loads_for
from lsm.transcripts.jsondoc import ArrayRecords, RawRecord
from lsm.transcripts.limits import CapHit
from lsm.transcripts.model import Message
from lsm.transcripts.records import RecordStream, record_watermark
from lsm.transcripts.sources import open_source
from lsm.transcripts.stream import ParseOptions
from lsm.transcripts.watermark import RestartReason, Watermark, digest

__all__ = ["DOCUMENT_KEYS", "DocumentStream"]

#: The transcript formats kept as a JSON document, and the key of their array.
DOCUMENT_KEYS = {"amp": "messages", "continue-cli": "history", "copilot-session": "requests"}


def _fingerprint(record: RawRecord) -> str:
    return f"{record.end - record.start}:{digest(record.head).hex()}"


class DocumentStream(RecordStream):
    """A parse call over a JSON-document transcript (see the module docstring)."""

    def __init__(
        self,
        agent: str,
        path: str | os.PathLike[str],
        *,
        watermark: Watermark | None,
        options: ParseOptions,
    ) -> None:
        super().__init__(agent, path, watermark=watermark, options=options)
        self._key = DOCUMENT_KEYS[agent]

    def _parse(self) -> Generator[list[Message], None, None]:
        from lsm.transcripts.stream import make_parser

        opened = open_source(self._path)
        if opened.file is None:
            self._unread(opened.status, opened.reason or opened.status)
            return
        with opened.file as file:
            self._size = size = opened.size
            state = {} if self._given is None else self._given.state
            records = state.get("records")
            done = records if isinstance(records, int) and records >= 0 else 0
            first = state.get("first") if done else None
            parser_state = state.get("parser") if done else None
            self._loads = loads_for(size)
            self._parser = make_parser(
                self._agent,
                self._options,
                parser_state if isinstance(parser_state, dict) else None,
                loads=self._loads,
            )
            restart = yield from self._walk(file, size, done, first)
            if restart is not None:  # fewer elements than were read: start over
                self._restart = restart
                self._mark = record_watermark(self._agent, 0, {"records": 0})
                self._parser = make_parser(self._agent, self._options, None, loads=self._loads)
                yield from self._walk(file, size, 0, None)

    def _walk(
        self, file: BinaryIO, size: int, done: int, first: object
    ) -> Generator[list[Message], None, RestartReason | None]:
        """Parse the elements after the first ``done``; a restart reason if they are gone."""
        limits = self._options.limits
        cap = limits.max_transcript_bytes
        gap_from = 0 if cap is None else size - cap
        skip_below = [done]  # mutable: a replaced document resets it to 0

        def keep(index: int) -> bool:
            return index == 0 or index >= skip_below[0]

        walker = ArrayRecords(file, size, self._key, limits.max_line_bytes, keep)
        fingerprint: str | None = first if isinstance(first, str) else None
        count = 0
        gap_bytes = gap_count = oversized = oversized_bytes = 0
        assert self._parser is not None
        for record in walker:
            count = record.ordinal + 1
            self._records += 1
            if record.ordinal == 0:
                found = _fingerprint(record)
                if skip_below[0] and found != fingerprint:
                    self._restart = "replaced"
                    skip_below[0] = 0
                    from lsm.transcripts.stream import make_parser

                    self._parser = make_parser(self._agent, self._options, None, loads=self._loads)
                fingerprint = found
            if record.ordinal < skip_below[0]:
                continue
            if record.start < gap_from:
                gap_bytes += record.end - record.start
                gap_count = 1
            elif record.data is None:
                oversized += 1
                oversized_bytes += record.end - record.start
            else:
                try:
                    entry: Any = self._loads(record.data)
                except ValueError:
                    self._invalid += 1
                else:
                    out = self._emit(self._parser, entry)
                    self._advance(record, fingerprint)
                    if out:
                        yield out
                    continue
            self._advance(record, fingerprint)
        if gap_bytes and cap is not None:
            self._cap_hits.append(CapHit("transcript_bytes", gap_bytes, gap_count, cap))
        if oversized and limits.max_line_bytes is not None:
            self._cap_hits.append(
                CapHit("line_bytes", oversized_bytes, oversized, limits.max_line_bytes)
            )
        if walker.complete and count < skip_below[0]:
            return "shrank"
        return None

    def _advance(self, record: RawRecord, fingerprint: str | None) -> None:
        assert self._parser is not None
        self._consumed = record.end
        state: dict[str, Any] = {"records": record.ordinal + 1, "first": fingerprint}
        parser_state = self._parser.state()
        if parser_state:
            state["parser"] = parser_state
        self._mark = record_watermark(self._agent, record.end, state)
