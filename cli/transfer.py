"""``ckptlog dump``, ``import`` and ``export``: moving working logs between the store and git-ai.

``dump`` streams a log as git-ai ``checkpoints.jsonl`` lines (bounded
memory). ``import`` reads git-ai's working log into the store (a progress
bar on stderr); ``export`` writes the store's log back as git-ai's files, so
git-ai (or ``storage.mode = legacy``) can carry on from it.
"""

from __future__ import annotations

import sys
from typing import IO

import click
import orjson

import lsm
from cli.common import (
    CONTEXT_SETTINGS,
    LOG_HELP,
    StoreLocation,
    emit_json,
    emit_nl,
    lsm_errors,
    open_store,
    output_options,
    pick_log,
    store_options,
)

__all__ = ["dump", "export", "import_"]


def _where(location: StoreLocation, name: str) -> lsm.WorkingLogLocation:
    """Where git-ai keeps the files of the store's log ``name``."""
    with lsm_errors(not_a_repo_hint="git-ai's files live in a repository: run it there."):
        here = lsm.working_log(location.cwd)
    return lsm.WorkingLogLocation(name, name.rsplit("/", 1)[-1], here.ai_dir)


def _existing_log(store: lsm.Store, location: StoreLocation, log: str | None) -> str:
    name = pick_log(store, location, log)
    if store.log_info(name) is None:
        raise click.ClickException(
            f"no working log {name!r} in the store\n"
            "  hint: list the working logs with `ckptlog inspect logs`."
        )
    return name


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--log", default=None, help=LOG_HELP)
@click.option(
    "-o",
    "--output",
    type=click.File("wb"),
    default="-",
    help="Write here instead of standard output.",
)
@store_options
def dump(location: StoreLocation, log: str | None, output: IO[bytes]) -> None:
    """Print every checkpoint of a working log as git-ai checkpoints.jsonl lines.

    Streamed in bounded memory, in git-ai's exact serialization (and its
    rule that only the newest entry of a file keeps character attributions).
    """
    with open_store(location) as store:
        name = _existing_log(store, location, log)
        for line in lsm.iter_log_lines(store, name):
            output.write(line)
        output.flush()


@click.command("import", context_settings=CONTEXT_SETTINGS)
@click.option("--log", default=None, help=LOG_HELP)
@click.option(
    "--replace",
    is_flag=True,
    help="If the store already holds checkpoints for the log, archive them and import.",
)
@output_options
@store_options
def import_(location: StoreLocation, fmt: str, log: str | None, replace: bool) -> None:
    """Import git-ai's working log (checkpoints.jsonl, blobs, INITIAL) into the store.

    Streaming and bounded in memory, whatever the file's size; git-ai's
    files are never modified. Checkpoints hooks make import it on first
    touch anyway; this does it now, with a progress bar.
    """
    with lsm_errors(not_a_repo_hint="git-ai's files live in a repository: run it there."):
        here = lsm.working_log(location.cwd)
        settings = lsm.repo_settings(location.cwd)
    with open_store(location, create=True) as store:
        where = here
        if log is not None:
            prefix = here.log[: -len(here.base)]
            bases = [prefix + b for b in lsm.legacy_bases(here.ai_dir)]
            with lsm_errors():
                name = lsm.resolve_log(log, [*bases, *(i.name for i in store.logs())], location.cwd)
            where = _where(location, name)
        source = where.ai_dir / "working_logs" / where.base / "checkpoints.jsonl"
        if not source.exists():
            raise click.ClickException(
                f"no git-ai working log at {source}\n"
                "  hint: git-ai keeps one per base commit under .git/ai/working_logs/."
            )
        info = store.log_info(where.log)
        if info is not None and info.checkpoints:
            phase = (info.import_state or {}).get("phase")
            if phase == "done" and not replace:
                click.echo(f"{where.log}: already imported ({info.checkpoints} checkpoints)")
                return
            if phase == "mirrored" and not replace:
                click.echo(
                    f"{where.log}: git-ai's working log is the store's own copy "
                    f"(storage.mode = dual); the store holds all {info.checkpoints} checkpoints"
                )
                return
            if not replace:
                raise click.ClickException(
                    f"the store already holds {info.checkpoints} checkpoint(s) for {where.log}; "
                    "--replace archives them and imports git-ai's log"
                )
            archived = store.archive_log(where.log)
            click.echo(f"archived the store's log as {archived}", err=True)
        total = source.stat().st_size
        with click.progressbar(
            length=total, label="importing", file=sys.stderr, show_eta=False
        ) as bar:
            done = [0]

            def progress(read: int, _size: int) -> None:
                bar.update(read - done[0])
                done[0] = read

            report = lsm.import_working_log(
                store,
                where.ai_dir,
                where.base,
                where.log,
                settings.with_caps(oversized_history="import"),
                progress=progress,
            )
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    doc = {
        "log": where.log,
        "checkpoints": report.checkpoints,
        "blobs": report.blobs,
        "initial": report.has_initial,
        "stats": report.stats,
    }
    if fmt != "text":
        emit_json(doc)
    else:
        click.echo(
            f"imported {report.checkpoints} checkpoint(s), {report.blobs} blob(s)"
            f"{' and INITIAL' if report.has_initial else ''} into {where.log}"
        )


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("rev", required=False)
@click.option(
    "--agent-trace",
    is_flag=True,
    help="Write Agent Trace v0.1 records (JSON lines) of REV (a commit or A..B; default HEAD).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default=None, help="--agent-trace: to FILE."
)
@click.option("--log", default=None, help=LOG_HELP)
@click.option(
    "--base",
    default=None,
    help="Write git-ai's working log of this base commit (default: the log's base).",
)
@output_options
@store_options
def export(
    location: StoreLocation,
    fmt: str,
    rev: str | None,
    agent_trace: bool,
    output: str | None,
    log: str | None,
    base: str | None,
) -> None:
    """Write a working log as git-ai's files, or commits as Agent Trace records.

    Default: checkpoints.jsonl, blobs/, INITIAL, exactly as git-ai would
    have written them, so git-ai (or storage.mode=legacy) can carry on: this
    is the rollback path. checkpoints.jsonl is replaced atomically.

    --agent-trace [REV]: one Agent Trace record (github.com/cursor/agent-trace)
    per commit with a note, one JSON object per line.
    """
    if agent_trace:
        _agent_trace(location, rev or "HEAD", output)
        return
    if rev is not None:
        raise click.UsageError("REV is for --agent-trace; the working log is chosen by --log")
    with open_store(location) as store:
        where = _where(location, _existing_log(store, location, log))
        with lsm_errors():
            report = lsm.export_log(store, where.log, where.ai_dir, base or where.base)
    doc = {
        "path": report.path,
        "checkpoints": report.checkpoints,
        "bytes": report.bytes,
        "blobs": report.blobs,
        "initial": report.has_initial,
    }
    if fmt != "text":
        emit_json(doc)
    else:
        click.echo(
            f"wrote {report.checkpoints} checkpoint(s) ({report.bytes} bytes), "
            f"{report.blobs} new blob(s){' and INITIAL' if report.has_initial else ''} "
            f"to {report.path}"
        )


def _agent_trace(location: StoreLocation, rev: str, output: str | None) -> None:
    from lsm.agenttrace import trace_records

    with lsm_errors():
        records = trace_records(location.cwd, rev)
        if output is None:
            emit_nl(records)
            return
        count = 0
        with open(output, "wb") as f:
            for rec in records:
                f.write(orjson.dumps(rec) + b"\n")
                count += 1
    click.echo(f"wrote {count} Agent Trace record(s) to {output}")
