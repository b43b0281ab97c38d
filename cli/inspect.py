"""``ckptlog inspect ...``: what is stored, for people (text) and scripts (--json / --nl)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import click

import lsm
from cli.common import (
    CONTEXT_SETTINGS,
    LOG_HELP,
    StoreLocation,
    emit_json,
    emit_nl,
    open_store,
    output_options,
    pick_log,
    store_options,
)
from lsm import inspection

__all__ = ["inspect"]


def _when(ts: Any, *, ms: bool = False) -> str:
    if not isinstance(ts, int | float) or ts <= 0:
        return "-"
    seconds = ts / 1000 if ms else ts
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _rows_out(rows: Iterable[dict[str, Any]], fmt: str, text: Any) -> None:
    """Render rows: --json one array, --nl one object a line, else ``text(row)`` lines."""
    if fmt == "json":
        emit_json(list(rows))
    elif fmt == "nl":
        emit_nl(rows)
    else:
        any_row = False
        for row in rows:
            any_row = True
            click.echo(text(row))
        if not any_row:
            click.echo("(none)")


def _since(window: str | None) -> int | None:
    if window is None:
        return None
    try:
        seconds = lsm.parse_duration(window)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    return int((time.time() - seconds) * 1000)


@click.group(context_settings=CONTEXT_SETTINGS)
def inspect() -> None:
    """Look at what the store holds."""


@inspect.command()
@output_options
@store_options
def stats(location: StoreLocation, fmt: str) -> None:
    """The store itself (not authorship): logs, checkpoints, segments, bytes, last compaction.

    For how much of a commit is AI, see `ckptlog stats`.
    """
    with open_store(location) as store:
        doc = inspection.store_stats(store)
    if fmt != "text":
        emit_json(doc)
        return
    for key, value in doc.items():
        if key == "last_compaction" and value:
            value = f"{_when(value.get('ts'), ms=True)} ({value.get('policy')})"
        click.echo(f"{key:<22} {value if value is not None else '-'}")


@inspect.command()
@output_options
@store_options
def segments(location: StoreLocation, fmt: str) -> None:
    """Every segment: state, size, seq range, compaction."""
    with open_store(location) as store:
        rows = inspection.segment_rows(store)
    _rows_out(
        rows,
        fmt,
        lambda r: (
            f"{r['id']:08d}  {r.get('state', '?'):<7} {int(r.get('file_size') or 0):>12} B  "
            f"seq {r.get('first_seq')}..{r.get('last_seq')}  "
            f"{'compacted' if r.get('compacted') else ''}"
        ),
    )


@inspect.command()
@output_options
@store_options
def logs(location: StoreLocation, fmt: str) -> None:
    """Every working log (one per base commit) with its checkpoint count."""
    with open_store(location) as store:
        rows = inspection.log_rows(store)
    _rows_out(
        rows,
        fmt,
        lambda r: (
            f"{r['name']}  {r['checkpoints']} checkpoint(s)"
            f"{'  archived ' + _when(r['archived_ms'], ms=True) if r['archived_ms'] else ''}"
            f"{'  INITIAL' if r['has_initial'] else ''}"
        ),
    )


@inspect.command()
@click.option("--log", "log", default=None, help=LOG_HELP)
@output_options
@store_options
def files(location: StoreLocation, fmt: str, log: str | None) -> None:
    """The newest entry of every file: kind, when, attributed lines per author."""
    with open_store(location) as store:
        name = pick_log(store, location, log)

        def text(r: dict[str, Any]) -> str:
            lines = (
                ", ".join(f"{a} {n}" for a, n in sorted(r["lines"].items()))
                or "no attributed lines"
            )
            flag = " AI-touched" if r["ai_touched"] else ""
            return (
                f"{r['path']}  {r['kind']} {_when(r['timestamp'])}  seq {r['seq']}{flag}  [{lines}]"
            )

        _rows_out(inspection.file_rows(store, name), fmt, text)


@inspect.command()
@click.argument("path")
@click.option("--log", "log", default=None, help=LOG_HELP)
@output_options
@store_options
def history(location: StoreLocation, fmt: str, path: str, log: str | None) -> None:
    """Every retained entry of one file, newest first."""
    with open_store(location) as store:
        name = pick_log(store, location, log)

        def text(r: dict[str, Any]) -> str:
            lines = ", ".join(f"{a} {n}" for a, n in sorted(r["lines"].items())) or "-"
            return (
                f"seq {r['seq']:>8}  {r['kind']:<10} {_when(r['timestamp'])}  "
                f"blob {r['blob_sha'][:12]}  {r['attributions']} attribution(s)  lines: {lines}"
            )

        _rows_out(inspection.history_rows(store, name, path), fmt, text)


@inspect.command()
@click.argument("seq", type=int)
@output_options
@store_options
def show(location: StoreLocation, fmt: str, seq: int) -> None:
    """One checkpoint, in git-ai's JSON form (its checkpoints.jsonl line).

    Text output is indented; --json and --nl print the compact line.
    """
    with open_store(location) as store:
        found = store.checkpoint(seq)
        if found is None:
            raise click.ClickException(f"no checkpoint with seq {seq}")
        line = lsm.checkpoint_line(found.checkpoint)
    if fmt != "text":
        sys.stdout.buffer.write(line)
        sys.stdout.flush()
        return
    click.echo(f"# seq {seq} in working log {found.log}")
    click.echo(json.dumps(json.loads(line), indent=2, ensure_ascii=False))


@inspect.command()
@click.option("--since", default=None, help="Only events newer than this (e.g. 1h, 7d).")
@click.option(
    "--kind", default=None, help="Only events of this kind (checkpoint, cap_hit, error...)."
)
@output_options
@store_options
def events(location: StoreLocation, fmt: str, since: str | None, kind: str | None) -> None:
    """The store's event log, oldest first."""
    with open_store(location) as store:
        rows: Iterator[dict[str, Any]] = inspection.events_rows(
            store, since_ms=_since(since), kind=kind
        )

        def text(r: dict[str, Any]) -> str:
            rest = " ".join(f"{k}={v}" for k, v in r.items() if k not in ("ts", "kind", "pid"))
            return f"{_when(r.get('ts'), ms=True)}  {r.get('kind', '?'):<14} {rest}"

        _rows_out(rows, fmt, text)


@inspect.command()
@click.option("--since", default=None, help="Window, e.g. 1h, 24h, 7d (default: everything).")
@output_options
@store_options
def metrics(location: StoreLocation, fmt: str, since: str | None) -> None:
    """Checkpoint duration p50/p95/p99, cap hits by kind, errors, degraded runs."""
    with open_store(location) as store:
        doc = inspection.metrics(store, since_ms=_since(since))
    if fmt != "text":
        emit_json(doc)
        return
    d = doc["duration_ms"]

    def ms(x: Any) -> str:
        return "-" if x is None else f"{x:.1f} ms"

    click.echo(f"checkpoints   {doc['checkpoints']}")
    pcts = "  ".join(f"{k} {ms(d[k])}" for k in ("p50", "p95", "p99", "max"))
    click.echo(f"duration      {pcts}")
    caps = ", ".join(f"{k} {v}" for k, v in sorted(doc["cap_hits"].items())) or "none"
    click.echo(f"cap hits      {caps}")
    click.echo(f"errors        {doc['errors']}")
    click.echo(f"degraded      {doc['degraded']}")
    click.echo(f"compactions   {doc['compactions']}")
    click.echo(f"recoveries    {doc['recoveries']}")


@inspect.command()
@click.argument("session", required=False)
@click.option(
    "--agent", default=None, help="claude, codex or droid (default: any agent with this session)."
)
@output_options
@store_options
def transcript(location: StoreLocation, fmt: str, session: str | None, agent: str | None) -> None:
    """A session's stored transcript messages, in order (no SESSION: list the sessions)."""
    with open_store(location) as store:
        sessions = store.transcript_sessions()
        if session is None:
            _rows_out(
                sessions,
                fmt,
                lambda r: (
                    f"{r['agent']:<7} {r['session']}  {r.get('batches', 0)} batch(es), "
                    f"{r.get('end', 0)} bytes parsed"
                ),
            )
            return
        matches = [
            s
            for s in sessions
            if s["session"] == session and (agent is None or s["agent"] == agent)
        ]
        if not matches:
            raise click.ClickException(f"no stored transcript for session {session!r}")
        if len(matches) > 1:
            raise click.ClickException(
                f"session {session!r} exists for several agents; pass --agent"
            )
        rows = store.transcript_messages(matches[0]["agent"], session)

        def text(m: dict[str, Any]) -> str:
            if m.get("type") == "gap":
                return f"[... {m['to'] - m['from']} bytes of transcript not stored (cap) ...]"
            if m.get("type") == "tool_use":
                args = str(m.get("input"))[:200]
                return f"[{m.get('timestamp', '')}] tool_use {m.get('name')}: {args}"
            return f"[{m.get('timestamp', '')}] {m.get('type')}: {m.get('text', '')}"

        _rows_out(rows, fmt, text)
