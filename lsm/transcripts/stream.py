"""Parse what is new in a transcript, one line at a time, within caps.

:func:`stream_transcript` returns a :class:`TranscriptStream`: iterate it for
the messages of this increment (or call :meth:`TranscriptStream.batches` for
lists that end on line boundaries, each with a watermark to resume from), then
read :attr:`TranscriptStream.summary` for the final watermark, the model and
what was skipped. :func:`parse_transcript` does the same into a list.

One call reads the file from the watermark's offset to the size it had when
the call began; bytes appended meanwhile wait for the next call. Memory stays
bounded by one line (at most ``max_line_bytes``), the read buffer, and the
messages the caller keeps.

Nothing about the transcript makes a call raise: a missing or unreadable file
gives an empty result whose ``status`` says why, an I/O error part-way keeps
what was parsed (``status="read_error"``), and bad lines are counted and
skipped. Only caller mistakes raise :class:`~lsm.errors.InputError` (an
unknown agent, another agent's watermark) or :class:`~lsm.errors.ConfigError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, Final, Literal, TypeAlias

from lsm.errors import ConfigError, InputError, UnreadableFileError
from lsm.record import FrozenRecord, NamedTuple
from lsm.safeio import open_regular
from lsm.transcripts.base import AgentParser, ThinkingMode
from lsm.transcripts.call import ParseCall
from lsm.transcripts.claude import ClaudeParser
from lsm.transcripts.codex import CodexParser
from lsm.transcripts.decode import loads as decode_loads
from lsm.transcripts.decode import loads_for
from lsm.transcripts.droid import DroidParser
from lsm.transcripts.limits import CapHit, TranscriptLimits
from lsm.transcripts.lines import LineReader, next_line_start
from lsm.transcripts.model import Message
from lsm.transcripts.models import extract_model
from lsm.transcripts.redact import redact_message
from lsm.transcripts.text import is_blank
from lsm.transcripts.watermark import (
    EMPTY_DIGEST,
    FINGERPRINT_BYTES,
    RestartReason,
    SkipKind,
    Watermark,
    anchor_of,
    digest,
    restart_reason,
)

if TYPE_CHECKING:
    from lsm.transcripts.records import RecordStream

__all__ = [
    "AGENTS",
    "Batch",
    "ParseOptions",
    "ParseResult",
    "ParseStatus",
    "ParseSummary",
    "TranscriptStream",
    "make_parser",
    "parse_transcript",
    "stream_transcript",
]

#: The transcript formats with a parser: JSONL ones (this module's stream),
#: JSON documents (lsm.transcripts.document) and OpenCode's database
#: (lsm.transcripts.opencode).
AGENTS: Final = (
    "claude",
    "codex",
    "droid",
    "cursor",
    "gemini",
    "windsurf",
    "pi",
    "copilot",
    "amp",
    "continue-cli",
    "copilot-session",
    "opencode",
)

ParseStatus: TypeAlias = Literal["ok", "missing", "unreadable", "read_error"]

_READ_BUFFER = 256 * 1024


_DEFAULT_LIMITS = TranscriptLimits()


class ParseOptions(FrozenRecord):
    """How a transcript is parsed.

    :param limits: the caps (:class:`~lsm.transcripts.limits.TranscriptLimits`).
    :param redact: redact secrets in message texts and tool inputs (on by default).
    :param thinking: what Claude/Droid thinking blocks become: ``assistant``
        (git-ai's legacy parsers, the default), ``thinking`` or ``drop``.
    :param model: find the session's model (reads at most ~1 MiB more).
    :param codex_home: the Codex home for the ``config.toml`` model fallback
        (default ``$CODEX_HOME`` or ``~/.codex``).
    """

    __slots__ = ("codex_home", "limits", "model", "redact", "thinking")
    _fields = ("limits", "redact", "thinking", "model", "codex_home")

    limits: TranscriptLimits
    redact: bool
    thinking: ThinkingMode
    model: bool
    codex_home: str | None

    def __init__(
        self,
        limits: TranscriptLimits = _DEFAULT_LIMITS,
        redact: bool = True,
        thinking: ThinkingMode = "assistant",
        model: bool = True,
        codex_home: str | None = None,
    ) -> None:
        if thinking not in ("assistant", "thinking", "drop"):
            raise ConfigError(f"thinking must be assistant, thinking or drop, not {thinking!r}")
        set_field = object.__setattr__
        set_field(self, "limits", limits)
        set_field(self, "redact", redact)
        set_field(self, "thinking", thinking)
        set_field(self, "model", model)
        set_field(self, "codex_home", codex_home)


class ParseSummary(NamedTuple):
    """What one parse call did.

    :param status: ``ok``; ``missing`` or ``unreadable`` (nothing read, ``reason``
        says why); ``read_error`` (an I/O error stopped the call part-way; the
        watermark covers what was parsed).
    :param watermark: what to persist and pass to the next call; ``None`` only
        when nothing was read and no watermark was given.
    :param start_offset: where this call began parsing (after a restart or a gap).
    :param end_offset: where it stopped: the watermark's offset.
    :param size: the file size this call saw.
    :param restarted: the given watermark no longer applied (``restart_reason``
        says whether the file shrank or was replaced), so parsing began at 0.
    :param model: the session's model, if found (and asked for).
    :param messages: messages yielded.
    :param lines: complete lines read (including blank and invalid ones).
    :param blank_lines: whitespace-only lines.
    :param invalid_lines: lines that are not JSON; skipped (git-ai aborts instead).
    :param lossy_lines: lines with invalid UTF-8, parsed with U+FFFD replacements.
    :param partial_bytes: bytes of an unterminated last line left for the next call.
    :param cap_hits: the caps this call ran into.
    :param refused: files found while looking for the model that were not read
        (a FIFO, a device, a link, over the size cap), one line each.
    """

    agent: str
    path: str
    status: ParseStatus
    reason: str | None
    watermark: Watermark | None
    start_offset: int
    end_offset: int
    size: int
    restarted: bool
    restart_reason: RestartReason | None
    model: str | None
    messages: int
    lines: int
    blank_lines: int
    invalid_lines: int
    lossy_lines: int
    partial_bytes: int
    cap_hits: tuple[CapHit, ...]
    refused: tuple[str, ...] = ()


class ParseResult(NamedTuple):
    """The messages of one increment and the call's summary."""

    messages: list[Message]
    summary: ParseSummary


class Batch(NamedTuple):
    """Messages that end on a line boundary, and the watermark just past that line.

    Storing a batch together with its watermark makes the increment resumable
    at batch granularity.
    """

    messages: list[Message]
    watermark: Watermark


def make_parser(
    agent: str,
    options: ParseOptions,
    state: dict[str, Any] | None = None,
    *,
    loads: Callable[[bytes | str], Any] | None = None,
) -> AgentParser:
    """A fresh (or resumed, given ``state``) line parser for ``agent``.

    :param loads: the JSON decoder for JSON inside a line (Codex tool
        arguments); by default :func:`lsm.transcripts.decode.loads`.
    :raises InputError: for an agent without a parser.
    """
    plan_cap = options.limits.max_plan_state_bytes
    if agent == "claude":
        return ClaudeParser(thinking=options.thinking, max_plan_state_bytes=plan_cap, state=state)
    if agent == "droid":
        return DroidParser(thinking=options.thinking, max_plan_state_bytes=plan_cap, state=state)
    if agent == "codex":
        return CodexParser(state=state, loads=loads)
    if agent in AGENTS:
        from lsm.transcripts.agents import other_parser  # the other agents' parsers

        return other_parser(agent, options, state, loads)
    raise InputError(f"no transcript parser for agent {agent!r}; known: {', '.join(AGENTS)}")


_SKIP: Final = object()


class TranscriptStream(ParseCall):
    """One parse call over a JSONL transcript, consumed as an iterator (see :class:`ParseCall`).

    Use as a context manager (or call :meth:`close`) if you may stop early; the
    file is closed when the messages run out. Create with :func:`stream_transcript`.
    """

    def __init__(
        self,
        agent: str,
        path: str | os.PathLike[str],
        *,
        watermark: Watermark | None = None,
        options: ParseOptions | None = None,
        settings_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self._options = options if options is not None else ParseOptions()
        # Fail on caller mistakes now, not at the first next().
        self._parser = make_parser(agent, self._options)
        if watermark is not None and watermark.agent != agent:
            raise InputError(
                f"a {watermark.agent} watermark cannot resume a {agent} transcript",
                hint="Keep one watermark per (agent, session).",
            )
        self._agent = agent
        self._path = os.fspath(path)
        self._given = watermark
        self._settings_path = settings_path
        self._summary: ParseSummary | None = None
        self._loads: Callable[[bytes | str], Any] = decode_loads
        self._gen = self._run()
        # Progress, read by batches() and the summary.
        self._fd = -1
        self._head: tuple[int, bytes] = (0, EMPTY_DIGEST)
        self._reader: LineReader | None = None
        self._start = 0
        self._size = 0
        self._skip_kind: SkipKind | None = None
        self._restart: RestartReason | None = None
        self._gap = 0
        self._lines = self._blank = self._invalid = self._lossy = self._messages = 0

    # ---------------------------------------------------------------- public

    def batches(self, max_messages: int = 1000, max_bytes: int = 8 << 20) -> Iterator[Batch]:
        """Yield the messages in batches that end on line boundaries.

        A batch closes once it holds ``max_messages`` messages or covers
        ``max_bytes`` of transcript; it may run over by one line's messages.
        The last batch (possibly empty) carries the call's final watermark;
        there is none only when the file is missing (or unreadable) and no
        watermark was given.
        """
        pending: list[Message] = []
        since: int | None = None
        for messages in self._gen:
            pending.extend(messages)
            reader = self._reader
            if since is None:
                since = self._start
            consumed = 0 if reader is None else reader.offset - since
            if len(pending) >= max_messages or consumed >= max_bytes:
                try:
                    mark = self._checkpoint()
                except OSError:
                    continue  # the anchor could not be read: keep going, close the batch later
                since = mark.offset
                yield Batch(pending, mark)
                pending = []
        final = self.summary.watermark
        if final is not None:
            yield Batch(pending, final)

    # ---------------------------------------------------------------- driver

    def _run(self) -> Generator[list[Message], None, None]:
        # The agent writes its transcript in place: a FIFO, a device or a symbolic
        # link there is refused (safeio), never opened for a blocking read.
        try:
            file = open_regular(self._path, follow_symlinks=False, buffering=_READ_BUFFER)
        except FileNotFoundError as exc:
            self._finish_unread("missing", exc.strerror or str(exc))
            return
        except UnreadableFileError as exc:
            self._finish_unread("unreadable", exc.reason)
            return
        with file:
            self._fd = file.fileno()
            status: ParseStatus = "ok"
            reason = None
            try:
                yield from self._parse(file)
            except OSError as exc:
                status, reason = "read_error", exc.strerror or str(exc)
            self._finish(status, reason)

    def _parse(self, file: BinaryIO) -> Generator[list[Message], None, None]:
        options, limits, given = self._options, self._options.limits, self._given
        fd = self._fd
        size = os.fstat(fd).st_size
        self._size = size
        head = os.pread(fd, min(size, FINGERPRINT_BYTES), 0)
        self._head = (len(head), digest(head))

        start, skipping, state = 0, None, None
        if given is not None:
            self._restart = restart_reason(fd, size, given, head, self._head[1])
            if self._restart is None:
                start, skipping, state = given.offset, given.skipping, given.state

        cap = limits.max_transcript_bytes
        if cap is not None and size - start > cap:
            # Keep the newest part: resume at the first line start in the last `cap` bytes.
            new_start, inside = next_line_start(file, size - cap, size)
            self._gap = new_start - start
            start, skipping = new_start, ("gap" if inside else None)
        self._start, self._skip_kind = start, skipping
        # The standard library for a small increment, orjson for a big one (same results).
        self._loads = loads = loads_for(size - start)
        self._parser = parser = make_parser(self._agent, options, state, loads=loads)

        reader = LineReader(file, start, size, limits.max_line_bytes, skipping=skipping is not None)
        self._reader = reader
        handle, redact = parser.handle, options.redact
        for line in reader:
            self._lines += 1
            try:
                entry = loads(line)
            except ValueError:  # json's, orjson's and UnicodeDecodeError all are
                entry = self._recover(line)
                if entry is _SKIP:
                    continue
            out: list[Message] = []
            handle(entry, out)
            if out:
                if redact:
                    out = [redact_message(message) for message in out]
                self._messages += len(out)
                yield out

    def _recover(self, line: bytes) -> Any:
        """A line the decoder refused: blank, lossy UTF-8 (parsed with U+FFFD), or invalid."""
        try:
            line.decode("utf-8")
            lossy = False
        except UnicodeDecodeError:
            lossy = True
        text = line.decode("utf-8", "replace")
        if is_blank(text):
            self._blank += 1
            return _SKIP
        if lossy:
            try:
                entry = self._loads(text)
            except ValueError:
                pass
            else:
                self._lossy += 1
                return entry
        self._invalid += 1
        return _SKIP

    # ---------------------------------------------------------------- results

    def _watermark(self, offset: int, skipping: SkipKind | None) -> Watermark:
        given = self._given
        if given is not None and self._restart is None and given.offset == offset:
            anchor_len, anchor_digest = given.anchor_len, given.anchor_digest  # verified above
        else:
            anchor_len, anchor_digest = anchor_of(self._fd, offset)
        head_len, head_digest = self._head
        return Watermark(
            self._agent,
            offset,
            head_len,
            head_digest,
            anchor_len,
            anchor_digest,
            skipping,
            self._parser.state(),
        )

    def _checkpoint(self) -> Watermark:
        # Called between lines (after yielding one line's messages): never inside a skip.
        reader = self._reader
        return self._watermark(self._start if reader is None else reader.offset, None)

    def _finish(self, status: ParseStatus, reason: str | None) -> None:
        reader = self._reader
        if reader is None:
            # Failed before reading a line (only an I/O error gets here): keep the old mark.
            self._finish_unread(status, reason or "read error")
            return
        skipping: SkipKind | None = None
        if reader.skipping:
            # Still inside the line we resumed skipping, or inside a new oversized one.
            skipping = self._skip_kind if reader.oversized_lines == 0 else "line"
        offset = reader.offset
        try:
            watermark: Watermark | None = self._watermark(offset, skipping)
        except OSError as exc:
            # Without the anchor we cannot vouch for this offset; keep the old mark.
            watermark = self._given if self._restart is None else None
            offset = 0 if watermark is None else watermark.offset
            status, reason = "read_error", exc.strerror or str(exc)
        refused: list[str] = []
        self._summary = ParseSummary(
            agent=self._agent,
            path=self._path,
            status=status,
            reason=reason,
            watermark=watermark,
            start_offset=self._start,
            end_offset=offset,
            size=self._size,
            restarted=self._restart is not None,
            restart_reason=self._restart,
            model=self._model(refused),
            messages=self._messages,
            lines=self._lines,
            blank_lines=self._blank,
            invalid_lines=self._invalid,
            lossy_lines=self._lossy,
            partial_bytes=reader.partial_bytes,
            cap_hits=self._cap_hits(),
            refused=tuple(refused),
        )

    def _finish_unread(self, status: ParseStatus, reason: str) -> None:
        given = self._given
        offset = 0 if given is None else given.offset
        self._summary = ParseSummary(
            agent=self._agent,
            path=self._path,
            status=status,
            reason=reason,
            watermark=given,
            start_offset=offset,
            end_offset=offset,
            size=0,
            restarted=False,
            restart_reason=None,
            model=None,
            messages=0,
            lines=0,
            blank_lines=0,
            invalid_lines=0,
            lossy_lines=0,
            partial_bytes=0,
            cap_hits=(),
        )

    def _cap_hits(self) -> tuple[CapHit, ...]:
        limits, reader = self._options.limits, self._reader
        hits: list[CapHit] = []
        resumed = 0 if reader is None else reader.resumed_bytes
        gap_bytes = self._gap + (resumed if self._skip_kind == "gap" else 0)
        if gap_bytes and limits.max_transcript_bytes is not None:
            hits.append(
                CapHit(
                    "transcript_bytes",
                    gap_bytes,
                    1 if self._gap else 0,
                    limits.max_transcript_bytes,
                )
            )
        if reader is not None and limits.max_line_bytes is not None:
            line_bytes = reader.discarded_bytes + (resumed if self._skip_kind == "line" else 0)
            if line_bytes or reader.oversized_lines:
                hits.append(
                    CapHit("line_bytes", line_bytes, reader.oversized_lines, limits.max_line_bytes)
                )
        count, size = self._parser.forgotten_plans()
        if count:
            hits.append(CapHit("plan_state_bytes", size, count, limits.max_plan_state_bytes))
        return tuple(hits)

    def _model(self, refused: list[str]) -> str | None:
        if not self._options.model:
            return None
        model = self._parser.model()
        if model is not None:
            return model
        return extract_model(
            self._agent,
            self._path,
            settings_path=self._settings_path,
            codex_home=self._options.codex_home,
            refused=refused,
        )


def stream_transcript(
    agent: str,
    path: str | os.PathLike[str],
    *,
    watermark: Watermark | None = None,
    options: ParseOptions | None = None,
    settings_path: str | os.PathLike[str] | None = None,
    session_id: str | None = None,
) -> TranscriptStream | RecordStream:
    """Start parsing ``agent``'s transcript at ``path`` from ``watermark`` (or the start).

    :param agent: one of :data:`AGENTS` (a JSONL format, a JSON document
        format, or ``opencode``'s database).
    :param watermark: the previous call's ``summary.watermark``; ``None`` for a full parse.
    :param options: caps, redaction, thinking mode, model extraction.
    :param settings_path: Droid's ``.settings.json`` (default: beside the transcript).
    :param session_id: the session to read (``opencode``: one database holds them all).
    :raises InputError: for an unknown agent or another agent's watermark.
    """
    if agent in ("amp", "continue-cli", "copilot-session", "opencode"):
        from lsm.transcripts.agents import record_stream

        return record_stream(
            agent, path, watermark=watermark, options=options, session_id=session_id
        )
    return TranscriptStream(
        agent, path, watermark=watermark, options=options, settings_path=settings_path
    )


def parse_transcript(
    agent: str,
    path: str | os.PathLike[str],
    *,
    watermark: Watermark | None = None,
    options: ParseOptions | None = None,
    settings_path: str | os.PathLike[str] | None = None,
    session_id: str | None = None,
) -> ParseResult:
    """:func:`stream_transcript`, collected into a list (for small increments and tests).

    :raises InputError: for an unknown agent or another agent's watermark.
    """
    with stream_transcript(
        agent,
        path,
        watermark=watermark,
        options=options,
        settings_path=settings_path,
        session_id=session_id,
    ) as stream:
        messages = list(stream)
        return ParseResult(messages, stream.summary)
