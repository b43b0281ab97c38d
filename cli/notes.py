"""``ckptlog notes push|fetch [REMOTE]``: share refs/notes/ai by hand (:mod:`lsm.notesync`)."""

from __future__ import annotations

import click

from cli.common import CONTEXT_SETTINGS, emit_json, lsm_errors
from lsm.git import Git
from lsm.notesync import SyncResult
from lsm.notesync import fetch as fetch_notes
from lsm.notesync import push as push_notes

__all__ = ["notes"]


@click.group(context_settings=CONTEXT_SETTINGS)
def notes() -> None:
    """Push or fetch the authorship notes (refs/notes/ai) by hand.

    The pre-push hook and the fetch refspec that install-hooks sets up do
    this on every push and fetch; these commands are for the rest.
    """


def _report(result: SyncResult, as_json: bool, verb: str) -> None:
    if as_json:
        emit_json(result.to_json())
        return
    merged = f", merged {', '.join(result.merged)}" if result.merged else ""
    if verb == "push":
        if result.pushed:
            click.echo(f"pushed refs/notes/ai to {result.remote}{merged}")
        else:
            click.echo(f"no notes to push to {result.remote}")
    elif not result.remote_had_notes:
        click.echo(f"{result.remote} has no notes yet")
    else:
        moved = "updated" if result.before != result.after else "already up to date"
        click.echo(f"fetched notes from {result.remote}: refs/notes/ai {moved}{merged}")


_REMOTE = click.argument("remote", default="origin", required=False)
_CWD = click.option("-C", "cwd", type=click.Path(file_okay=False), default=".", help="Run in PATH.")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


@notes.command(context_settings=CONTEXT_SETTINGS)
@_REMOTE
@_CWD
@_JSON
def push(remote: str, cwd: str, as_json: bool) -> None:
    """Fetch and merge REMOTE's notes, then push refs/notes/ai to it (never forced)."""
    with lsm_errors():
        result = push_notes(Git(cwd), remote)
    _report(result, as_json, "push")


@notes.command(context_settings=CONTEXT_SETTINGS)
@_REMOTE
@_CWD
@_JSON
def fetch(remote: str, cwd: str, as_json: bool) -> None:
    """Fetch REMOTE's notes and merge them into refs/notes/ai (local notes win)."""
    with lsm_errors():
        result = fetch_notes(Git(cwd), remote)
    _report(result, as_json, "fetch")
