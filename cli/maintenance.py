"""Maintenance commands: ``verify`` and ``config``."""

from __future__ import annotations

import click

import lsm
from cli.common import emit_json, lsm_errors, open_store, output_options, store_options

__all__ = ["config", "verify"]


@click.command()
@click.option(
    "--fix",
    is_flag=True,
    help="Rebuild the index from the segments (quarantining unreadable bytes).",
)
@click.option("--no-lmdb-check", is_flag=True, help="Skip LMDB's structural verifier (faster).")
@output_options
@store_options
def verify(location: object, fmt: str, fix: bool, no_lmdb_check: bool) -> None:
    """Check every frame, pointer, blob and log of the store.

    Exits 1 if any error is found (warnings alone exit 0). With --fix the
    index is rebuilt afterwards; no data is ever deleted.
    """
    with open_store(location) as store:  # type: ignore[arg-type]
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
            click.echo("fixed: the index was rebuilt from the segments")
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
