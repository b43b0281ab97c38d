"""What ``ckptlog inspect`` shows, as plain rows (dicts of JSON values).

Each function reads through the Store's public reads and returns rows a
renderer can print as text or JSON; streaming ones are generators so that
``--nl`` output starts at once and memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lsm.events import EventLog, summarize
from lsm.model import LineAttribution
from lsm.store import Store

__all__ = [
    "events_rows",
    "file_rows",
    "history_rows",
    "log_rows",
    "metrics",
    "segment_rows",
    "store_stats",
]


def _lines_by_author(line_attrs: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for la in line_attrs:
        assert isinstance(la, LineAttribution)
        out[la.author_id] = out.get(la.author_id, 0) + (la.end_line - la.start_line + 1)
    return out


def store_stats(store: Store) -> dict[str, Any]:
    """Counts, bytes on disk vs logical bytes, compression ratio, last compaction."""
    stats = store.stats()
    segs = store.segments()
    logical = sum(int(s.get("logical") or 0) for s in segs)
    stats["logical_bytes"] = logical
    stats["compression_ratio"] = (
        round(logical / stats["segment_bytes"], 2) if stats["segment_bytes"] and logical else None
    )
    last = None
    for ev in EventLog(store.root / "events.jsonl").read():
        if ev.get("kind") == "compaction":
            last = {"ts": ev.get("ts"), "policy": ev.get("policy"), "seconds": ev.get("seconds")}
    stats["last_compaction"] = last
    stats["store"] = str(store.root)
    return stats


def segment_rows(store: Store) -> list[dict[str, Any]]:
    """One row per segment."""
    return store.segments()


def log_rows(store: Store) -> list[dict[str, Any]]:
    """One row per working log."""
    return [
        {
            "name": info.name,
            "checkpoints": info.checkpoints,
            "runs": list(info.runs),
            "created_ms": info.created_ms,
            "archived_ms": info.archived_ms,
            "has_initial": info.has_initial,
            "imported": info.import_state,
        }
        for info in store.logs()
    ]


def file_rows(store: Store, log: str, *, with_lines: bool = True) -> Iterator[dict[str, Any]]:
    """The newest entry of every file: kind, when, AI-touched, lines per author.

    ``with_lines`` reads each newest entry (one pread per file) for its
    line attributions; without it the rows come from the index alone.
    """
    for state in store.files(log):
        row: dict[str, Any] = {
            "path": state.path,
            "seq": state.seq,
            "kind": state.kind.value,
            "timestamp": state.timestamp,
            "ai_touched": state.ai_touched,
            "blob_sha": state.blob_sha,
        }
        if with_lines:
            entry = store.latest(log, state.path)
            row["lines"] = _lines_by_author(entry.entry.line_attributions) if entry else {}
            row["attributions"] = len(entry.entry.attributions) if entry else 0
        yield row


def history_rows(store: Store, log: str, path: str) -> Iterator[dict[str, Any]]:
    """Every retained entry of one file, newest first."""
    for stored in store.history(log, path):
        e = stored.entry
        yield {
            "seq": stored.seq,
            "kind": stored.kind.value,
            "timestamp": stored.timestamp,
            "blob_sha": e.blob_sha,
            "attributions": len(e.attributions),
            "lines": _lines_by_author(e.line_attributions),
        }


def events_rows(
    store: Store, *, since_ms: int | None = None, kind: str | None = None
) -> Iterator[dict[str, Any]]:
    """Events from the store's event log, oldest first."""
    for ev in EventLog(store.root / "events.jsonl").read(since_ms=since_ms):
        if kind is None or ev.get("kind") == kind:
            yield ev


def metrics(store: Store, *, since_ms: int | None = None) -> dict[str, Any]:
    """Rollout monitors over the event log (see :func:`lsm.events.summarize`)."""
    return summarize(EventLog(store.root / "events.jsonl").read(since_ms=since_ms))
