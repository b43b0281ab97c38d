"""Parse calls over transcripts made of records rather than appended lines.

A JSONL transcript grows at its end, so a byte offset says where the last
parse stopped (:mod:`lsm.transcripts.stream`). Some agents keep their
session otherwise: as one JSON document rewritten whole (Amp, Continue, a
VS Code chat session: :mod:`lsm.transcripts.document`) or as rows of a
SQLite database (OpenCode: :mod:`lsm.transcripts.opencode`). Their unit is a
*record* (an array element, a message row), and a watermark counts records.

:class:`RecordStream` is what such a parse call shares with
:class:`~lsm.transcripts.stream.TranscriptStream`, so that
:func:`~lsm.transcripts.ingest.ingest_transcript` drives either the same
way: iterate it for the messages, or :meth:`RecordStream.batches` for lists
ending on record boundaries, each with the :class:`~lsm.transcripts.watermark.Watermark`
to resume from; then read :attr:`RecordStream.summary`. The watermark's
``offset`` is a position that only grows (the end of the last record read,
or the number of rows), kept for the store's bookkeeping; what resumes the
parse is in its ``state``: the records read so far and what identifies the
source, plus the agent parser's state under ``parser``.

Nothing about the source makes a call raise: a missing or unreadable file is
an empty result whose ``status`` says why, and bad records are counted and
skipped. Subclasses implement :meth:`RecordStream._parse`.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Generator, Iterator
from typing import Any

from lsm.errors import InputError
from lsm.transcripts.base import AgentParser
from lsm.transcripts.call import ParseCall
from lsm.transcripts.limits import CapHit
from lsm.transcripts.model import Message
from lsm.transcripts.redact import redact_message
from lsm.transcripts.stream import Batch, ParseOptions, ParseStatus, ParseSummary
from lsm.transcripts.watermark import EMPTY_DIGEST, RestartReason, Watermark

__all__ = ["RecordStream", "record_watermark"]


def record_watermark(agent: str, offset: int, state: dict[str, Any]) -> Watermark:
    """A watermark that resumes by its ``state`` (no head or anchor fingerprint)."""
    return Watermark(agent, offset, 0, EMPTY_DIGEST, 0, EMPTY_DIGEST, None, state)


class RecordStream(ParseCall, ABC):
    """One parse call over a record-based transcript, consumed as an iterator.

    :param agent: the transcript format's name (``amp``, ``opencode``...).
    :param path: the file (a document, a database).
    :param watermark: the previous call's; ``None`` for a full parse.
    :raises InputError: if ``watermark`` was made for another agent.
    """

    def __init__(
        self,
        agent: str,
        path: str | os.PathLike[str],
        *,
        watermark: Watermark | None,
        options: ParseOptions,
    ) -> None:
        if watermark is not None and watermark.agent != agent:
            raise InputError(
                f"a {watermark.agent} watermark cannot resume a {agent} transcript",
                hint="Keep one watermark per (agent, session).",
            )
        self._agent = agent
        self._path = os.fspath(path)
        self._given = watermark
        self._options = options
        self._summary: ParseSummary | None = None
        self._gen = self._run()
        # Progress, kept up by _parse: the watermark after the last record, and so on.
        self._mark: Watermark | None = watermark
        self._consumed = 0  # bytes (or rows) behind the records read so far
        self._start = 0 if watermark is None else watermark.offset
        self._size = 0
        self._restart: RestartReason | None = None
        self._records = self._invalid = self._messages = 0
        self._cap_hits: list[CapHit] = []
        self._parser: AgentParser | None = None

    # ---------------------------------------------------------------- public

    def batches(self, max_messages: int = 1000, max_bytes: int = 8 << 20) -> Iterator[Batch]:
        """Yield the messages in batches that end on record boundaries (see TranscriptStream)."""
        pending: list[Message] = []
        since = self._consumed
        for messages in self._gen:
            pending.extend(messages)
            mark = self._mark
            if mark is not None and (
                len(pending) >= max_messages or self._consumed - since >= max_bytes
            ):
                since = self._consumed
                yield Batch(pending, mark)
                pending = []
        final = self.summary.watermark
        if final is not None:
            yield Batch(pending, final)

    # ---------------------------------------------------------------- subclass API

    @abstractmethod
    def _parse(self) -> Generator[list[Message], None, None]:
        """Yield each record's messages (unredacted), keeping ``_mark`` etc. up to date.

        Return normally after finishing; raise ``OSError`` for an I/O error
        part-way. Set ``_status`` by calling :meth:`_unread` when nothing
        could be read.
        """

    def _emit(self, parser: AgentParser, entry: Any) -> list[Message]:
        """The messages of one decoded record, redacted when the options say so."""
        out: list[Message] = []
        parser.handle(entry, out)
        if out and self._options.redact:
            out = [redact_message(m) for m in out]
        self._messages += len(out)
        return out

    def _unread(self, status: ParseStatus, reason: str) -> None:
        """Finish without reading: the given watermark stays."""
        self._finish(status, reason, self._given)

    # ---------------------------------------------------------------- driver

    def _run(self) -> Generator[list[Message], None, None]:
        status: ParseStatus = "ok"
        reason = None
        try:
            yield from self._parse()
        except OSError as exc:
            status, reason = "read_error", exc.strerror or str(exc)
        if self._summary is None:
            self._finish(status, reason, self._mark)

    def _finish(self, status: ParseStatus, reason: str | None, mark: Watermark | None) -> None:
        parser = self._parser
        model = None
        if parser is not None and self._options.model:
            model = parser.model()
        offset = 0 if mark is None else mark.offset
        self._summary = ParseSummary(
            agent=self._agent,
            path=self._path,
            status=status,
            reason=reason,
            watermark=mark,
            start_offset=self._start,
            end_offset=offset,
            size=self._size,
            restarted=self._restart is not None,
            restart_reason=self._restart,
            model=model,
            messages=self._messages,
            lines=self._records,
            blank_lines=0,
            invalid_lines=self._invalid,
            lossy_lines=0,
            partial_bytes=0,
            cap_hits=tuple(self._cap_hits),
        )
