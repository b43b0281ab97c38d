"""Storing what is new in an agent's transcript, from the session's watermark on.

The store keeps one watermark per (agent, session) in its ``sessions``
database. :func:`ingest_transcript` parses the bytes appended since then
(a replaced or shrunk file starts over), outside the writer lock, and
stores each batch of messages together with the watermark that follows it
in one append: a crash never loses or repeats a message. If another
process advanced the same session's watermark meanwhile, this call stops
and leaves the rest to it.

Nothing here raises for a bad transcript: a missing or unreadable file, an
oversized line or a transcript past its byte cap comes back in the result
(warnings, cap hits) for the caller to show and record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsm.errors import InputError
from lsm.record import Struct, field
from lsm.transcripts.limits import TranscriptLimits
from lsm.transcripts.stream import ParseOptions, stream_transcript
from lsm.transcripts.watermark import Watermark

if TYPE_CHECKING:
    from lsm.config import TranscriptSettings
    from lsm.store import Store

__all__ = ["IngestResult", "ingest_transcript"]

#: Messages and transcript bytes per stored batch (one append each).
BATCH_MESSAGES = 2000
BATCH_BYTES = 2 << 20  # bounds the peak: a batch is held parsed, encoded and compressed


class IngestResult(Struct):
    """What one ingestion stored.

    :ivar model: the session's model if the transcript names it.
    :ivar status: the parser's status (``ok``, ``missing``, ``unreadable``, ``read_error``)
        or ``superseded`` when another process advanced the session first.
    """

    agent: str
    session: str
    status: str = "ok"
    messages: int = 0
    batches: int = 0
    start: int = 0
    end: int = 0
    model: str | None = None
    restarted: bool = False
    warnings: list[str] = field(default_factory=list)
    cap_hits: list[dict[str, Any]] = field(default_factory=list)


def ingest_transcript(
    store: Store,
    agent: str,
    session: str,
    path: str,
    settings: TranscriptSettings,
    *,
    settings_path: str | None = None,
) -> IngestResult:
    """Parse and store the new part of ``path`` for ``(agent, session)``.

    Memory is bounded by one batch. Each batch is one atomic append.
    """
    result = IngestResult(agent, session)
    state = store.transcript_state(agent, session)
    watermark = None
    if state is not None and state.get("watermark"):
        try:
            watermark = Watermark.from_bytes(bytes(state["watermark"]))
        except InputError:  # a watermark we cannot read means: start over
            watermark = None
    expected_seq = None if state is None else state.get("seq")
    limits = TranscriptLimits(
        max_transcript_bytes=settings.max_transcript_bytes or None,
        max_line_bytes=settings.max_line_bytes or None,
    )
    options = ParseOptions(limits=limits, redact=settings.redact)
    start = watermark.offset if watermark is not None else 0
    with stream_transcript(
        agent,
        path,
        watermark=watermark,
        options=options,
        settings_path=settings_path,
        session_id=session,
    ) as stream:
        for batch in stream.batches(BATCH_MESSAGES, BATCH_BYTES):
            end = batch.watermark.offset
            if not batch.messages and watermark is not None and end == watermark.offset:
                continue  # nothing new
            with store.writer() as w:
                current = store.transcript_state(agent, session)
                if (None if current is None else current.get("seq")) != expected_seq:
                    result.status = "superseded"
                    return result
                expected_seq = w.add_transcript(
                    agent,
                    session,
                    min(start, end),
                    end,
                    [m.to_json() for m in batch.messages],
                    {"watermark": batch.watermark.to_bytes(), "path": path},
                )
            result.messages += len(batch.messages)
            result.batches += 1
            start = end
            watermark = batch.watermark
        summary = stream.summary
    result.status = summary.status
    result.start = summary.start_offset
    result.end = summary.end_offset
    result.model = summary.model
    result.restarted = summary.restarted
    if summary.status in ("missing", "unreadable", "read_error"):
        result.warnings.append(f"transcript {path}: {summary.reason or summary.status}")
    result.warnings.extend(summary.refused)
    if summary.restarted:
        result.warnings.append(
            f"transcript {path} {summary.restart_reason}; parsed again from the start"
        )
    for hit in summary.cap_hits:
        result.cap_hits.append(
            {
                "cap": f"transcript_{hit.kind}"
                if not hit.kind.startswith("transcript")
                else hit.kind,
                "bytes": hit.bytes,
                "count": hit.count,
                "limit": hit.limit,
                "path": path,
            }
        )
        result.warnings.append(
            f"transcript {path}: {hit.count} x {hit.kind} cap ({hit.limit} bytes) hit, "
            f"{hit.bytes} bytes skipped"
        )
    if summary.invalid_lines:
        result.warnings.append(
            f"transcript {path}: {summary.invalid_lines} invalid line(s) skipped"
        )
    return result
