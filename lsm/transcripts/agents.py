"""The transcript formats added after Claude, Codex and Droid: their parsers and streams.

:func:`lsm.transcripts.stream.make_parser` and
:func:`~lsm.transcripts.stream.stream_transcript` hand these formats here, so
that a hook imports only the parser of the agent it runs for:

=================== ================================ ==========================================
format              source                           parser / stream
=================== ================================ ==========================================
``cursor``          JSONL                            ``cursor.CursorParser``
``gemini``          JSONL                            ``gemini.GeminiParser``
``windsurf``        JSONL                            ``windsurf.WindsurfParser``
``pi``              JSONL                            ``pi.PiParser``
``copilot``         JSONL (events, chat patch log)   ``copilot.CopilotParser``
``amp``             JSON document (``messages``)     ``amp.AmpParser``
``continue-cli``    JSON document (``history``)      ``continue_cli.ContinueParser``
``copilot-session`` JSON document (``requests``)     ``copilot.CopilotSessionParser``
``opencode``        SQLite (``message``, ``part``)   ``opencode.OpenCodeParser``
=================== ================================ ==========================================

JSONL formats run in :class:`~lsm.transcripts.stream.TranscriptStream`;
documents in :class:`~lsm.transcripts.document.DocumentStream`; OpenCode in
:class:`~lsm.transcripts.opencode.OpenCodeStream`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from lsm.errors import InputError
from lsm.transcripts.base import AgentParser
from lsm.transcripts.records import RecordStream
from lsm.transcripts.stream import ParseOptions
from lsm.transcripts.watermark import Watermark

__all__ = ["other_parser", "record_stream"]


def other_parser(
    agent: str,
    options: ParseOptions,
    state: dict[str, Any] | None,
    loads: Callable[[bytes | str], Any] | None,
) -> AgentParser:
    """A fresh (or resumed) parser for one of the formats in the module table.

    :raises InputError: for a format not in the table.
    """
    plan_cap = options.limits.max_plan_state_bytes
    if agent == "cursor":
        from lsm.transcripts.cursor import CursorParser

        return CursorParser(thinking=options.thinking, max_plan_state_bytes=plan_cap, state=state)
    if agent == "gemini":
        from lsm.transcripts.gemini import GeminiParser

        return GeminiParser(state=state)
    if agent == "windsurf":
        from lsm.transcripts.windsurf import WindsurfParser

        return WindsurfParser(state=state)
    if agent == "pi":
        from lsm.transcripts.pi import PiParser

        return PiParser(thinking=options.thinking, state=state)
    if agent == "copilot":
        from lsm.transcripts.copilot import CopilotParser

        return CopilotParser(state=state, loads=loads)
    if agent == "copilot-session":
        from lsm.transcripts.copilot import CopilotSessionParser

        return CopilotSessionParser(state=state)
    if agent == "amp":
        from lsm.transcripts.amp import AmpParser

        return AmpParser(thinking=options.thinking, state=state)
    if agent == "continue-cli":
        from lsm.transcripts.continue_cli import ContinueParser

        return ContinueParser(state=state)
    if agent == "opencode":
        from lsm.transcripts.opencode import OpenCodeParser

        return OpenCodeParser(state=state)
    raise InputError(f"no transcript parser for agent {agent!r}")


def record_stream(
    agent: str,
    path: str | os.PathLike[str],
    *,
    watermark: Watermark | None,
    options: ParseOptions | None,
    session_id: str | None,
) -> RecordStream:
    """The parse call for a JSON-document format or OpenCode's database.

    :raises InputError: another agent's watermark, or ``opencode`` without a session.
    """
    opts = options if options is not None else ParseOptions()
    if agent == "opencode":
        from lsm.transcripts.opencode import OpenCodeStream

        if session_id is None:
            raise InputError(
                "an OpenCode transcript is read per session: a session id is needed",
                hint="Pass session_id (the hook's session_id) with the database path.",
            )
        return OpenCodeStream(agent, path, session_id=session_id, watermark=watermark, options=opts)
    from lsm.transcripts.document import DocumentStream

    return DocumentStream(agent, path, watermark=watermark, options=opts)
