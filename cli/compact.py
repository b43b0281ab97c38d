"""``ckptlog compact``: merge sealed segments under a history policy."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

import lsm
from cli.common import StoreLocation, emit_json, lsm_errors, open_store, store_options

__all__ = ["compact"]


def _human_bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)


@click.command()
@click.option(
    "--policy",
    default=None,
    help="full, git-ai, time:<interval> (e.g. time:1h) or latest; "
    "default: compaction.policy from the settings (git-ai).",
)
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document.")
@click.option(
    "--auto", is_flag=True, help="Started by a hook: exit quietly if another compaction runs."
)
@store_options
def compact(
    location: StoreLocation, policy: str | None, dry_run: bool, as_json: bool, auto: bool
) -> None:
    """Merge sealed segments, dropping what the policy no longer keeps.

    Safe to run at any time: hooks keep appending while it works, a crash
    leaves the old state or the new one, and nothing a policy keeps is lost.
    """
    if auto:
        # Started in the background by a hook: yield the CPU to the hooks and
        # the editor that keep running meanwhile.
        with contextlib.suppress(OSError, AttributeError):
            os.nice(10)
    with lsm_errors():
        settings = (
            lsm.repo_settings(location.cwd) if location.store is None else lsm.load_settings(None)
        )
    chosen = policy or settings.compaction.policy
    if policy is not None:
        try:
            lsm.parse_policy(policy)
        except lsm.Error as exc:  # the value came from the flag, not from the settings
            raise click.BadParameter(exc.what, param_hint="--policy") from None
    retention = settings.compaction.archive_retention_days * 86400
    with open_store(location, write=True) as store:
        bar: Any = None
        show = sys.stderr.isatty() and not as_json and not auto

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if not show:
                return
            if bar is None:
                bar = click.progressbar(length=total, label="compacting", file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)

        try:
            report = lsm.compact(
                store,
                chosen,
                dry_run=dry_run,
                retention_s=retention,
                seal_active=not auto and not dry_run,
                progress=progress,
            )
        except lsm.CompactionBusyError:
            if auto:
                return
            raise
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    doc = report.to_json()
    if as_json:
        emit_json(doc)
        return
    if auto:
        return
    verb = "would compact" if dry_run else "compacted"
    if not report.inputs:
        click.echo("nothing to compact: no sealed segments")
        return
    n = len(report.inputs)
    click.echo(f"{verb} {n} segment(s) with policy {report.policy} in {report.seconds:.2f}s")
    click.echo(
        f"  segments: {report.segments_before} -> {report.segments_after}   "
        f"bytes: {_human_bytes(report.bytes_before)} -> {_human_bytes(report.bytes_after)}"
    )
    kinds = sorted(set(report.kept) | set(report.dropped))
    for k in kinds:
        click.echo(
            f"  {k:<11} kept {report.kept.get(k, 0):>8}   dropped {report.dropped.get(k, 0):>8}"
        )
    if report.stripped:
        click.echo(f"  character attributions stripped from {report.stripped} superseded entries")
    if report.dropped_logs:
        click.echo(f"  archived logs dropped: {', '.join(report.dropped_logs)}")
