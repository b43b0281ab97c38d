"""The elements of one array in a JSON document, streamed in bounded memory.

Some agents keep a session as one JSON document that they rewrite whole:
Amp's thread (``{"v": 220, "id": ..., "messages": [...]}``), Continue's
session (``{"history": [...]}``), VS Code's chat session
(``{"requests": [...]}``). :class:`ArrayRecords` reads such a file in 256 KiB
chunks, finds the array under a key of the top-level object, and yields each
element's span and (when wanted) raw bytes, one at a time, without ever
holding the document:

* values are delimited with the standard library's C scanner
  (``JSONDecoder.raw_decode``, ``scanstring``) on the decoded text, about
  75 MB/s; a value that does not fit in the buffer gets more text, up to
  ``max_record_bytes``; past that it is walked structurally (brackets and
  strings only, slower) and never held;
* an element longer than ``max_record_bytes`` is yielded with ``data=None``
  (the caller counts it as a cap hit), as is one ``keep`` does not want
  (a resumed parse passes over the elements it already read);
* bytes that are not UTF-8 are carried through (``surrogateescape``), so
  spans and ``data`` are the file's exact bytes; decoding the element is the
  caller's business;
* an element cut by the end of the file (a writer mid-rewrite) is not
  yielded; :attr:`ArrayRecords.complete` says whether the array was closed.

The walk stops at the array's closing bracket. A document that is not an
object, has no such key, or breaks the grammar sets :attr:`problem` and
yields what came before. Memory: one chunk plus one element of at most
``max_record_bytes``.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from lsm.record import NamedTuple

__all__ = ["ArrayRecords", "RawRecord"]

_CHUNK = 256 * 1024
#: Bytes of element 0 kept as its fingerprint.
HEAD_BYTES = 4096
_WS = re.compile(r"[ \t\r\n]*")
#: A whole string (group 1 set when it is closed in the buffer), or a bracket.
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+(")?|[{}\[\]]', re.DOTALL)
#: The rest of a string whose start was already consumed.
_STRING_REST = re.compile(r'(?:[^"\\]++|\\.)*+(")?', re.DOTALL)
_DECODER = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


class RawRecord(NamedTuple):
    """One array element: its ordinal, byte span ``[start, end)``, and bytes.

    :param data: the element's bytes, or ``None`` when it was longer than
        the cap or not wanted (``keep`` said no).
    :param head: its first (up to) 4 KiB, kept for element 0 only (a
        fingerprint of the document's identity); else ``b""``.
    """

    ordinal: int
    start: int
    end: int
    data: bytes | None
    head: bytes


class _Incomplete(Exception):
    """The buffer ended inside a value: read more."""


class ArrayRecords:
    """Iterate the elements of ``document[key]`` in ``file`` up to offset ``end``.

    :param file: a binary file; the walk seeks it to 0 and reads forward.
    :param end: bytes past this offset are not read (the size at the call's start).
    :param key: the top-level key whose array is walked (``"messages"``).
    :param max_record_bytes: the longest element kept; ``None`` for no cap.
    :param keep: ``keep(ordinal)`` false: the element's bytes are not kept.

    Reading raises ``OSError`` if the file cannot be read.
    """

    def __init__(
        self,
        file: BinaryIO,
        end: int,
        key: str,
        max_record_bytes: int | None,
        keep: Callable[[int], bool] | None = None,
    ) -> None:
        self._file = file
        self._end = end
        self._key = key
        self._cap = max_record_bytes
        self._keep = keep
        #: The array was found and closed.
        self.complete = False
        #: Why the walk stopped early (no object, no key, bad structure), else ``None``.
        self.problem: str | None = None
        # The text buffer: ``buf[i:]`` is unread; ``pos`` is buf[i]'s byte offset.
        self._buf = ""
        self._i = 0
        self._pos = 0
        self._read = 0
        self._eof = False
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")

    # ---------------------------------------------------------------- buffer

    def _advance(self, to: int) -> None:
        """Consume ``buf[i:to]``, keeping the byte offset ``pos`` of ``buf[i]``."""
        seg = self._buf[self._i : to]
        self._pos += len(seg) if seg.isascii() else _utf8_len(seg)
        self._i = to

    def _drop(self) -> None:
        """Forget the consumed text (``buf[:i]``)."""
        if self._i:
            self._buf = self._buf[self._i :]
            self._i = 0

    def _fill(self, want: int = _CHUNK) -> bool:
        """Append up to ``want`` more bytes of text; False at the end of the window."""
        if self._eof:
            return False
        self._drop()
        size = min(want, self._end - self._read)
        chunk = self._file.read(size) if size > 0 else b""
        self._read += len(chunk)
        if not chunk:
            self._eof = True
            self._buf += self._decoder.decode(b"", final=True)
            return False
        self._buf += self._decoder.decode(chunk)
        return True

    def _skip_ws(self) -> str | None:
        """The next character that is not whitespace (not consumed), or None at the end."""
        while True:
            self._advance(_WS.match(self._buf, self._i).end())  # type: ignore[union-attr]
            if self._i < len(self._buf):
                return self._buf[self._i]
            if not self._fill():
                return None

    # ---------------------------------------------------------------- values

    def _fast_value(self, limit: int) -> int:
        """The end index of the value at ``i``, found with the C scanner.

        :raises _Incomplete: the value is longer than ``limit`` characters.
        :raises ValueError: the value is not JSON, or is cut by the end of the window.
        """
        while True:
            try:
                _value, stop = _DECODER.raw_decode(self._buf, self._i)
            except ValueError:
                stop = -1
            # A value that ends with the buffer may go on (a number cut in two).
            if stop >= 0 and (stop < len(self._buf) or self._eof):
                return int(stop)
            if len(self._buf) - self._i > limit:
                raise _Incomplete
            if not self._fill(max(_CHUNK, len(self._buf))) and stop < 0:
                raise ValueError("the value is not JSON or is cut by the end of the file")

    def _slow_value(self) -> bool:
        """Walk the value at ``i`` by its brackets and strings, dropping what was read.

        :returns: False if the window ended inside it.
        """
        depth = 0
        while True:
            m = _TOKEN.search(self._buf, self._i)
            if m is None:
                self._advance(len(self._buf))
                if not self._fill():
                    return False
                continue
            self._advance(m.end())
            if self._buf[m.start()] == '"':
                if m.group(1) is None and not self._rest_of_string():
                    return False  # the string goes on past the window
                if depth == 0:
                    return True  # the value was a string
            elif self._buf[m.start()] in "{[":
                depth += 1
            else:
                depth -= 1
                if depth <= 0:
                    return depth == 0

    def _rest_of_string(self) -> bool:
        """Consume the rest of a string across buffers, never holding more than one chunk."""
        while True:
            m = _STRING_REST.match(self._buf, self._i)
            assert m is not None  # the pattern matches the empty string
            self._advance(m.end())
            if m.group(1) is not None:
                return True
            # The buffer ended inside the string (maybe on a backslash, kept for the next).
            if not self._fill():
                return False

    # ---------------------------------------------------------------- walk

    def __iter__(self) -> Iterator[RawRecord]:
        self._file.seek(0)
        if self._skip_ws() != "{":
            self.problem = "not a JSON object"
            return
        self._advance(self._i + 1)
        if not self._find_array():
            return
        yield from self._elements()

    def _find_array(self) -> bool:
        """Walk the top-level object's members to the ``[`` of the key's value (consumed)."""
        while True:
            c = self._skip_ws()
            if c == ",":
                self._advance(self._i + 1)
                continue
            if c != '"':
                self.problem = f"no {self._key!r} array"
                return False
            name = self._key_string()
            if name is None:
                return False
            if self._skip_ws() != ":":
                self.problem = "a key without a value"
                return False
            self._advance(self._i + 1)
            c = self._skip_ws()
            if c is None:
                self.problem = "the document ends after a key"
                return False
            if name == self._key and c == "[":
                self._advance(self._i + 1)
                return True
            if not self._skip_value():
                return False

    def _key_string(self) -> str | None:
        """The key string at ``i`` (consumed), or None (and a problem) if cut or broken."""
        while True:
            try:
                name, stop = _scanstring(self._buf, self._i + 1, True)
            except ValueError:
                if len(self._buf) - self._i > 4096 or not self._fill():
                    self.problem = "a broken or cut key"
                    return None
                continue
            self._advance(stop)
            return str(name)

    def _skip_value(self) -> bool:
        """Consume the value at ``i`` without keeping it; False (and a problem) if it fails."""
        limit = self._cap if self._cap is not None else 1 << 62
        try:
            self._advance(self._fast_value(limit))
            return True
        except _Incomplete:
            if self._slow_value():
                return True
            self.problem = "the document ends inside a value"
            return False
        except ValueError:
            self.problem = "the document ends inside a value, or is not JSON"
            return False

    def _elements(self) -> Iterator[RawRecord]:
        ordinal = 0
        first = True
        cap = self._cap if self._cap is not None else 1 << 62
        while True:
            c = self._skip_ws()
            if c is None:
                return  # the array was cut: no closing bracket yet
            if c == "]":
                self._advance(self._i + 1)
                self.complete = True
                return
            if c == "," and not first:
                self._advance(self._i + 1)
                continue
            first = False
            start = self._pos
            head = b""
            try:
                stop = self._fast_value(cap)
            except _Incomplete:
                if ordinal == 0:
                    head = self._buf[self._i : self._i + HEAD_BYTES].encode(
                        "utf-8", "surrogateescape"
                    )[:HEAD_BYTES]
                if not self._slow_value():
                    return
                yield RawRecord(ordinal, start, self._pos, None, head)
                ordinal += 1
                continue
            except ValueError:
                if not self._eof:
                    self.problem = "an element is not JSON"
                return
            wanted = ordinal == 0 or self._keep is None or self._keep(ordinal)
            raw = None
            if wanted:
                raw = self._buf[self._i : stop].encode("utf-8", "surrogateescape")
                if len(raw) > cap:
                    raw = None
            self._advance(stop)
            if ordinal == 0 and raw is not None:
                head = raw[:HEAD_BYTES]
            yield RawRecord(ordinal, start, self._pos, raw, head)
            ordinal += 1
