"""Maintenance commands: ``verify`` and ``config``."""

from __future__ import annotations

import click

import lsm
from cli.common import (
    LOG_HELP,
    StoreLocation,
    emit_json,
    lsm_errors,
    open_store,
    output_options,
    pick_log,
    store_options,
)

__all__ = ["config", "verify"]


@click.command()
@click.option(
    "--fix",
    is_flag=True,
    help="Rebuild the index from the segments (quarantining unreadable bytes).",
)
@click.option("--no-lmdb-check", is_flag=True, help="Skip LMDB's structural verifier (faster).")
@click.option(
    "--dual",
    is_flag=True,
    help="Compare the store with git-ai's files (storage.mode=dual), record by record.",
)
@click.option("--log", default=None, help="With --dual: the working log. " + LOG_HELP)
@output_options
@store_options
def verify(
    location: StoreLocation,
    fmt: str,
    fix: bool,
    no_lmdb_check: bool,
    dual: bool,
    log: str | None,
) -> None:
    """Check every frame, pointer, blob and log of the store.

    Exits 1 if any error is found (warnings alone exit 0). With --fix the
    index is rebuilt and damage mended: damaged bytes are copied to
    quarantine/ and overwritten by a repair record of the same length (a
    torn tail of the active segment is cut off), every intact record is
    kept, and what was lost is listed ("info: repaired") and recorded in
    the store; verify is green afterwards. With --dual, compare the working
    log with git-ai's checkpoints.jsonl instead.
    """
    if dual:
        _verify_dual(location, fmt, log)
        return
    with open_store(location, write=fix) as store:
        problems = lsm.verify_store(store, fix=fix, lmdb_check=not no_lmdb_check)
    errors = [p for p in problems if p.severity == "error"]
    if fmt != "text":
        emit_json(
            {
                "ok": not errors,
                "fixed": fix and bool(errors),
                "problems": [p.to_json() for p in problems],
            }
        )
    else:
        for p in problems:
            where = f" [segment {p.segment} offset {p.offset}]" if p.segment is not None else ""
            click.echo(f"{p.severity}: {p.code}: {p.message}{where}")
        if not problems:
            click.echo("ok: no problems found")
        elif fix and errors:
            click.echo("fixed: the index was rebuilt from the segments and the damage mended")
    if errors and not fix:
        raise SystemExit(1)


@click.command()
@output_options
@click.option(
    "-C", "cwd", type=click.Path(file_okay=False), default=".", help="Repository directory."
)
def config(fmt: str, cwd: str) -> None:
    """Show the effective settings and where each came from (file, environment, default)."""
    with lsm_errors():
        settings = lsm.repo_settings(cwd)
    doc = settings.to_json()
    if fmt != "text":
        emit_json(doc)
        return
    click.echo(f"# file: {doc['file'] or '(none)'}")
    for section in ("storage", "caps", "transcripts", "compaction"):
        click.echo(f"[{section}]")
        for key, value in doc[section].items():
            source = doc["sources"].get(f"{section}.{key}", "default")
            click.echo(f"{key} = {value!r}  # {source}")


def _verify_dual(location: StoreLocation, fmt: str, log: str | None) -> None:
    with lsm_errors(not_a_repo_hint="git-ai's files live in a repository: run it there."):
        where = lsm.working_log(location.cwd)
    with open_store(location) as store:
        name = pick_log(store, location, log)
        base = name.rsplit("/", 1)[-1]
        compared, diffs = lsm.compare_dual(store, name, where.ai_dir, base)
    if fmt != "text":
        emit_json(
            {
                "ok": not diffs,
                "log": name,
                "records": compared,
                "differences": [d.to_json() for d in diffs],
            }
        )
    else:
        for d in diffs:
            click.echo(f"record {d.record}: differs in {', '.join(d.fields)}")
            click.echo(f"  legacy: {d.legacy}")
            click.echo(f"  store:  {d.store}")
        click.echo(
            f"{'ok' if not diffs else 'differences'}: {compared} record(s) compared, "
            f"{len(diffs)} differ"
        )
    if diffs:
        raise SystemExit(1)
