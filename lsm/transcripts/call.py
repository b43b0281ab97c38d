"""What every parse call offers its caller, whatever the transcript is made of.

A parse call (:class:`~lsm.transcripts.stream.TranscriptStream` for JSONL,
:class:`~lsm.transcripts.records.RecordStream` for documents and databases)
runs as a generator of message lists. :class:`ParseCall` is the consuming
side they share: iterate for the messages, read :attr:`ParseCall.summary`
once they are consumed, or :meth:`ParseCall.close` (or leave the ``with``
block) to stop early. Subclasses set ``_gen`` and, when done, ``_summary``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Self

from lsm.errors import InputError
from lsm.transcripts.model import Message

if TYPE_CHECKING:
    from lsm.transcripts.stream import ParseSummary

__all__ = ["ParseCall"]


class ParseCall:
    """Iteration, summary and closing of one parse call."""

    _gen: Generator[list[Message], None, None]
    _summary: ParseSummary | None

    def __iter__(self) -> Iterator[Message]:
        for messages in self._gen:
            yield from messages

    @property
    def summary(self) -> ParseSummary:
        """The call's summary.

        :raises InputError: if read before the messages were all consumed.
        """
        if self._summary is None:
            raise InputError(
                "the transcript summary was read before its messages were consumed",
                hint="Iterate the stream to the end first.",
            )
        return self._summary

    def close(self) -> None:
        """Stop early and close the source; no summary is made."""
        self._gen.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
