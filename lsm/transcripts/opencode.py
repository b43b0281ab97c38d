"""OpenCode sessions, read from OpenCode's SQLite database (``opencode.db``).

The ``message`` table has one row per message (``id``, ``session_id``,
``time_created``, ``data`` JSON with ``role``, ``time.created``,
``time.completed``, the model), the ``part`` table its parts (``text``,
``tool``, step markers). Follows ``read_opencode_sqlite`` in git-ai's
legacy ``transcript_readers.rs``:

* messages in ``(time_created, id)`` order; each message's parts ordered by
  their own start time (``time.start``, else ``state.time.start``, else the
  row's ``time_created``);
* a ``text`` part, trimmed, non-empty, is a user or assistant message
  (per the message's role); a ``tool`` part of an assistant message is a
  tool use of its ``input`` (else ``state.input``, else ``{}``); step markers
  and unknown parts yield nothing;
* timestamps are the message's creation time as RFC 3339;
* the model is the first message's: ``model.modelID`` (user messages) or
  ``modelID`` (assistant messages), as git-ai's model extraction reads it.

Incremental: the watermark holds the ``(time_created, id)`` of the last
message read (``state.after``) and ``offset`` counts the messages read. An
assistant message that OpenCode has not completed yet (no
``time.completed``) and that no later message follows is left for the next
call: its parts are still being written. Parts are fetched for 64 messages at a
time; a row longer than ``max_line_bytes`` is skipped (a ``line_bytes`` cap
hit); one call reads at most ``max_transcript_bytes`` of rows and leaves the
rest for the next (a database is not cut like a growing file: nothing is
skipped for good). The database is opened read-only, with a short busy
timeout, after checking that it is a regular file.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import Any

from lsm.transcripts.base import AgentParser
from lsm.transcripts.decode import loads as decode_loads
from lsm.transcripts.limits import CapHit
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.records import RecordStream, record_watermark
from lsm.transcripts.rfc3339 import millis_to_rfc3339
from lsm.transcripts.sources import open_source
from lsm.transcripts.text import get, get_str, rust_trim

__all__ = ["OpenCodeParser", "OpenCodeStream"]

_PART_BATCH = 64
_BUSY_TIMEOUT_S = 0.25


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _part_start(part: Any, fallback: int) -> int:
    start = _int(get(get(part, "time"), "start"))
    if start is None:
        start = _int(get(get(get(part, "state"), "time"), "start"))
    return fallback if start is None else start


class OpenCodeParser(AgentParser):
    """Turns one OpenCode message (with its parts) into messages.

    An entry is ``{"role", "created", "data": <message JSON>, "parts": [<part JSON>...]}``,
    as :class:`OpenCodeStream` builds it. :param state: a previous call's :meth:`state`.
    """

    agent = "opencode"

    def __init__(self, *, state: dict[str, Any] | None = None) -> None:
        model = (state or {}).get("model")
        self._model: str | None = model if isinstance(model, str) else None

    def handle(self, entry: Any, out: list[Message]) -> None:
        data = get(entry, "data")
        role = get_str(data, "role")
        if self._model is None:
            self._model = get_str(get(data, "model"), "modelID") or get_str(data, "modelID")
        timestamp = millis_to_rfc3339(get(entry, "created"))
        parts = get(entry, "parts")
        if not isinstance(parts, list):
            return
        for part in parts:
            kind = get_str(part, "type")
            if kind == "text":
                text = get_str(part, "text")
                if text is not None and rust_trim(text) and role in ("user", "assistant"):
                    out.append(TextMessage(role, rust_trim(text), timestamp))  # type: ignore[arg-type]
            elif kind == "tool" and role == "assistant":
                name = get_str(part, "tool")
                if name is None:
                    continue
                tool_input = part.get("input")
                if tool_input is None:
                    tool_input = get(part.get("state"), "input")
                out.append(ToolUse(name, {} if tool_input is None else tool_input, timestamp))

    def state(self) -> dict[str, Any]:
        return {} if self._model is None else {"model": self._model}

    def model(self) -> str | None:
        return self._model


class OpenCodeStream(RecordStream):
    """A parse call over one session of an OpenCode database (see the module docstring).

    :param session_id: the session whose messages are read.
    """

    def __init__(
        self, agent: str, path: str | os.PathLike[str], *, session_id: str, **kw: Any
    ) -> None:
        super().__init__(agent, path, **kw)
        self._session = session_id

    def _parse(self) -> Generator[list[Message], None, None]:
        import sqlite3  # only OpenCode hooks pay for it
        from urllib.parse import quote

        opened = open_source(self._path)
        if opened.file is None:
            self._unread(opened.status, opened.reason or opened.status)
            return
        opened.file.close()
        self._size = opened.size
        uri = f"file:{quote(os.path.abspath(self._path))}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            self._unread("unreadable", f"cannot open the database: {exc}")
            return
        try:
            yield from self._read(conn)
        except sqlite3.Error as exc:
            raise OSError(f"database read failed: {exc}") from None
        finally:
            conn.close()

    def _read(self, conn: Any) -> Generator[list[Message], None, None]:
        from lsm.transcripts.stream import make_parser

        state = {} if self._given is None else self._given.state
        after = state.get("after")
        resumed = _valid_after(after)
        created, last_id = (-(1 << 62), "")
        if resumed:
            created, last_id = after[0], after[1]  # type: ignore[index]  # _valid_after checked
        parser_state = state.get("parser") if resumed else None
        self._parser = parser = make_parser(
            self._agent, self._options, parser_state if isinstance(parser_state, dict) else None
        )
        rows = self._given.offset if self._given is not None and resumed else 0
        limits = self._options.limits
        line_cap = limits.max_line_bytes if limits.max_line_bytes is not None else -1
        budget = limits.max_transcript_bytes
        oversized = [0, 0]
        conn.execute("PRAGMA cache_size = -2000")  # as git-ai: keep the page cache small
        cursor = conn.execute(
            "SELECT id, time_created, length(data), "
            "CASE WHEN ? < 0 OR length(data) <= ? THEN data END FROM message "
            "WHERE session_id = ? AND (time_created > ? OR (time_created = ? AND id > ?)) "
            "ORDER BY time_created, id",
            (line_cap, line_cap, self._session, created, created, last_id),
        )
        for batch in _chunks(cursor, _PART_BATCH):
            parts = _parts(conn, [row[0] for row in batch], line_cap, oversized)
            for message_id, row_created, size, text in batch:
                data = _decode(text, oversized, size)
                if text is not None and not isinstance(data, dict):
                    self._invalid += 1
                    data = None
                unfinished = get_str(data, "role") == "assistant" and (
                    _int(get(get(data, "time"), "completed")) is None
                )
                if unfinished and not self._followed(conn, row_created, message_id):
                    break  # still being written: it waits for the next call
                self._records += 1
                rows += 1
                self._consumed += size or 0
                out: list[Message] = []
                if data is not None:
                    stamp = _int(get(get(data, "time"), "created"))
                    ordered = sorted(parts.get(message_id, []), key=lambda p: p[0])
                    entry = {
                        "data": data,
                        "created": row_created if stamp is None else stamp,
                        "parts": [part for _start, part in ordered],
                    }
                    out = self._emit(parser, entry)
                state = {"after": [row_created, message_id], **_parser_state(parser)}
                self._mark = record_watermark(self._agent, rows, state)
                if out:
                    yield out
                if budget is not None and self._consumed >= budget:
                    break
            else:
                continue
            break
        self._close_caps(oversized)

    def _followed(self, conn: Any, created: int, message_id: str) -> bool:
        """Whether a later message of the session exists (then an unfinished one was abandoned)."""
        row = conn.execute(
            "SELECT 1 FROM message WHERE session_id = ? AND "
            "(time_created > ? OR (time_created = ? AND id > ?)) LIMIT 1",
            (self._session, created, created, message_id),
        ).fetchone()
        return row is not None

    def _close_caps(self, oversized: list[int]) -> None:
        cap = self._options.limits.max_line_bytes
        if oversized[0] and cap is not None:
            self._cap_hits.append(CapHit("line_bytes", oversized[1], oversized[0], cap))


def _valid_after(after: Any) -> bool:
    return (
        isinstance(after, list)
        and len(after) == 2
        and _int(after[0]) is not None
        and isinstance(after[1], str)
    )


def _parser_state(parser: AgentParser) -> dict[str, Any]:
    state = parser.state()
    return {"parser": state} if state else {}


def _decode(text: str | None, oversized: list[int], size: int | None) -> Any:
    if text is None:
        oversized[0] += 1
        oversized[1] += size or 0
        return None
    try:
        return decode_loads(text)
    except ValueError:
        return None


def _chunks(cursor: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in cursor:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parts(
    conn: Any, message_ids: list[str], line_cap: int, oversized: list[int]
) -> dict[str, list[tuple[int, Any]]]:
    """The parts of these messages, as ``(start time, part JSON)``, per message id."""
    marks = ",".join("?" * len(message_ids))
    # Only "?" placeholders are formatted into the query; the ids are bound.
    query = (
        "SELECT message_id, time_created, length(data), "  # noqa: S608
        "CASE WHEN ? < 0 OR length(data) <= ? THEN data END FROM part "
        f"WHERE message_id IN ({marks}) ORDER BY message_id, id"
    )
    rows = conn.execute(query, (line_cap, line_cap, *message_ids))
    found: dict[str, list[tuple[int, Any]]] = {}
    for message_id, created, size, text in rows:
        part = _decode(text, oversized, size)
        if part is not None:
            found.setdefault(message_id, []).append((_part_start(part, created), part))
    return found
