"""A bounded JSONL line reader: complete lines only, never more than one held.

The reader walks ``[start, end)`` of a binary file with ``readline(limit)``, so
it holds at most ``max_line_bytes + 1`` bytes of one line. It follows git-ai's
stream worker (``src/daemon/stream_worker.rs``): a line without its trailing
``\\n`` is *partial* and is left for the next call. Unlike git-ai it caps the
line length: a longer line is discarded in 64 KiB chunks up to its newline.

If the end of the window falls inside an oversized line, the reader consumes
what it saw and reports ``skipping=True``; the next call passes that back and
the reader goes on discarding until the newline, instead of reading the line's
head again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["DISCARD_CHUNK", "LineReader", "next_line_start"]

#: Bytes read per step while discarding an oversized line.
DISCARD_CHUNK = 64 * 1024

_NEWLINE = 10  # b"\n"[0]


class LineReader:
    """Iterate the complete lines of ``file`` between ``start`` and ``end``.

    Each yielded line keeps its trailing ``\\n`` (JSON parsers accept it as
    whitespace, and slicing it off would copy the line). The attributes say
    where the reader stopped and what it skipped; read them after iterating.

    :param file: a binary file, buffered for speed; the reader seeks it.
    :param start: the offset of the first byte to read (a line start, or a
        point inside an oversized line when ``skipping`` is true).
    :param end: the offset where reading stops; bytes past it are treated as
        not written yet.
    :param max_line_bytes: the longest line, without its newline, that is
        yielded; ``None`` for no cap.
    :param skipping: start by discarding up to the next newline (the previous
        call ended inside an oversized line).

    Reading raises ``OSError`` if the file cannot be read; the attributes
    then describe everything consumed before the error.
    """

    __slots__ = (
        "_end",
        "_file",
        "_max_line",
        "discarded_bytes",
        "offset",
        "oversized_lines",
        "partial_bytes",
        "resumed_bytes",
        "skipping",
        "truncated",
    )

    def __init__(
        self,
        file: BinaryIO,
        start: int,
        end: int,
        max_line_bytes: int | None,
        *,
        skipping: bool = False,
    ) -> None:
        self._file = file
        self._end = end
        self._max_line = max_line_bytes
        #: Offset just past the last consumed byte: the next call's start.
        self.offset = start
        #: True if the window ended inside an oversized line.
        self.skipping = skipping
        #: Oversized lines first detected by this reader.
        self.oversized_lines = 0
        #: Bytes of oversized lines first detected by this reader and discarded.
        self.discarded_bytes = 0
        #: Bytes discarded to finish a line that an earlier call began to skip.
        self.resumed_bytes = 0
        #: Length of the incomplete line left at ``end`` (0 if none).
        self.partial_bytes = 0
        #: True if the file ended before ``end`` (it shrank while being read).
        self.truncated = False

    def __iter__(self) -> Iterator[bytes]:
        file, end = self._file, self._end
        cap = self._max_line
        pos = self.offset
        file.seek(pos)
        if self.skipping:
            pos = self._discard(pos)
            self.resumed_bytes, self.discarded_bytes = self.discarded_bytes, 0
        readline = file.readline
        while pos < end:
            want = end - pos if cap is None else min(cap + 1, end - pos)
            line = readline(want)
            size = len(line)
            if size == 0:
                self.truncated = True
                return
            if line[-1] == _NEWLINE:
                pos += size
                self.offset = pos
                yield line
                continue
            if cap is not None and size > cap:
                # Over the cap and still no newline: drop it without keeping it.
                self.oversized_lines += 1
                self.discarded_bytes += size
                pos += size
                self.offset = pos
                pos = self._discard(pos)
                continue
            if pos + size < end:
                # A short read before the window's end: the file shrank under us.
                self.truncated = True
                return
            self.partial_bytes = size
            return

    def _discard(self, pos: int) -> int:
        """Consume bytes up to and including the next newline (or ``end``)."""
        file, end = self._file, self._end
        self.skipping = True
        while pos < end:
            chunk = file.readline(min(DISCARD_CHUNK, end - pos))
            if not chunk:
                self.truncated = True
                break
            pos += len(chunk)
            self.discarded_bytes += len(chunk)
            if chunk[-1] == _NEWLINE:
                self.skipping = False
                break
        self.offset = pos
        return pos


def next_line_start(file: BinaryIO, pos: int, end: int) -> tuple[int, bool]:
    """The first line start at or after ``pos``, found without holding a line.

    ``pos`` is a line start if it is 0 or the byte before it is a newline;
    otherwise the bytes up to the next newline are read in chunks and dropped.

    :returns: ``(offset, inside)``: the line start, or ``(end, True)`` if no
        newline comes before ``end`` (the caller is then inside a line it
        must go on skipping).
    :raises OSError: if the file cannot be read.
    """
    if pos <= 0:
        return 0, False
    cursor = pos - 1  # the newline that ends the previous line would sit here
    file.seek(cursor)
    while cursor < end:
        chunk = file.readline(min(DISCARD_CHUNK, end - cursor))
        if not chunk:
            break
        cursor += len(chunk)
        if chunk[-1] == _NEWLINE:
            return cursor, False
    return end, True
