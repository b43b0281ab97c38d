"""The read commands: ``blame``, ``stats``, ``show``, ``status``; rendering only.

Authors read as ``tool (model)`` and people's names; ids (keys, sessions)
appear with ``--verbose`` and in ``--json``. Colours follow
:class:`cli.style.Styler`; long work shows :class:`cli.style.Progress`.
"""

from __future__ import annotations

import datetime
import functools
import sys
from typing import TYPE_CHECKING, Any

import click

from cli.common import CONTEXT_SETTINGS, emit_json, lsm_errors
from cli.style import Progress, Styler, shorten

if TYPE_CHECKING:
    from lsm.blame import BlameLine

__all__ = ["blame_cmd", "show", "stats", "status"]

_CWD = click.option(
    "-C", "cwd", type=click.Path(file_okay=False), default=".", help="Run as if started in PATH."
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
_VERBOSE = click.option("-v", "--verbose", is_flag=True, help="Show author keys and session ids.")


@functools.lru_cache(maxsize=4096)
def _date(ts: int) -> str:
    return datetime.datetime.fromtimestamp(ts, tz=datetime.UTC).strftime("%Y-%m-%d")


def _blame_name(line: BlameLine, verbose: bool) -> str:
    a = line.author
    name = a.label or line.git_author
    if verbose and a.key:
        name += f" [{a.key}]"
    return name


@click.command("blame", context_settings=CONTEXT_SETTINGS)
@click.argument("file")
@click.argument("rev", required=False)
@click.option("-L", "line_range", default=None, help="Only lines a,b (git blame's -L).")
@_CWD
@_JSON
@_VERBOSE
def blame_cmd(
    file: str, rev: str | None, line_range: str | None, cwd: str, as_json: bool, verbose: bool
) -> None:
    """Who wrote each line of FILE: git blame with the authorship notes.

    AI lines show as `tool (model)`, known humans by name, other lines
    with git's author. Lines not committed yet are looked up in the
    working log and marked `uncommitted`. With REV, blame that revision.
    """
    from lsm.blame import blame

    with lsm_errors():
        lines = blame(cwd, file, rev=rev, line_range=line_range)
    if as_json:
        emit_json({"file": file, "rev": rev, "lines": [ln.to_json() for ln in lines]})
        return
    style = Styler()
    names = [_blame_name(ln, verbose) for ln in lines]
    width = max((len(n) for n in names), default=0)
    if not verbose:
        width = min(width, 36)  # 80 columns for the usual `tool (model)` names
    digits = len(str(lines[-1].line)) if lines else 1
    out: list[str] = []
    for ln, name in zip(lines, names, strict=True):
        if ln.commit is None:
            sha, when = "--------", "uncommitted"
            kind = "uncommitted" if ln.author.kind != "untracked" else "untracked"
        else:
            sha = ("^" + ln.commit[:7]) if ln.boundary else ln.commit[:8]
            when, kind = _date(ln.time) + " ", ln.author.kind
        who = style.kind(shorten(name, width).ljust(width), kind)
        out.append(f"{style.paint(sha, dim=True)} {who} {when} {ln.line:>{digits}}) {ln.text}\n")
    # The file's own bytes back, as git blame prints them (not UTF-8 included).
    sys.stdout.flush()
    sys.stdout.buffer.write("".join(out).encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()


def _bar(ai: int, human: int, untracked: int, mixed: int) -> tuple[str, str]:
    total = ai + human + untracked + mixed
    cells = 40
    if total == 0:
        return "you  " + "·" * cells + " ai", "     (no additions)"
    h = (human * cells) // total
    if human > 1:
        h = max(h, 2)
    u = (untracked * cells) // total if untracked * 100 > total else 0
    m = (mixed * cells) // total
    a = cells - h - u - m
    line1 = "you  " + "█" * h + "▒" * m + "·" * u + "░" * a + " ai"
    hp, ap = round(human * 100 / total), round(ai * 100 / total)
    # git-ai's layout: the AI share ends under the bar's last cell.
    line2 = f"     {hp}%".ljust(5 + cells - len(f"{ap}%")) + f"{ap}%"
    return line1, line2


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("rev", default="HEAD", required=False)
@_CWD
@_JSON
@_VERBOSE
def stats(rev: str, cwd: str, as_json: bool, verbose: bool) -> None:
    """How many of the lines REV (a commit, default HEAD, or a range A..B) added are AI.

    Added lines are AI, human (known humans), mixed (both attested) or
    untracked (no attestation); AI lines are broken down by tool and model.
    """
    from lsm.authorship import commit_stats

    progress = Progress("commits")
    with lsm_errors():
        result = commit_stats(cwd, rev, progress=progress)
    progress.close()
    if as_json:
        emit_json(result.to_json())
        return
    style = Styler()
    line1, line2 = _bar(result.ai, result.human, result.untracked, result.mixed)
    n = len(result.commits)
    what = f"{rev} ({n} commits, {result.with_notes} with notes)" if n != 1 else rev
    click.echo(f"{what}: +{result.added} -{result.deleted}")
    click.echo(style.paint(line1, "magenta"))
    click.echo(line2)
    rows = [
        ("AI", result.ai, "ai"),
        ("human", result.human, "known_human"),
        ("mixed", result.mixed, "uncommitted"),
        ("untracked", result.untracked, "untracked"),
    ]
    for label, count, kind in rows:
        pct = f"{count * 100 / result.added:5.1f}%" if result.added else "    -"
        click.echo(f"  {style.kind(label.ljust(10), kind)} {count:>7}  {pct}")
        if label == "AI":
            for name, row in sorted(result.by_agent.items(), key=lambda kv: -kv[1]["lines"]):
                click.echo(f"    {shorten(name, 52):<52} {row['lines']:>7}")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("rev", default="HEAD", required=False)
@_CWD
@_JSON
@_VERBOSE
def show(rev: str, cwd: str, as_json: bool, verbose: bool) -> None:
    """A commit's authorship note, in readable form."""
    from lsm.authorship import show_note

    with lsm_errors():
        view = show_note(cwd, rev)
    if as_json:
        note = view.note
        doc: dict[str, Any] = {"commit": view.commit, "subject": view.subject, "note": None}
        if note is not None:
            doc["note"] = {
                "files": [
                    {
                        "path": path,
                        "entries": [{"author": a.to_json(), "lines": r} for a, r in rows],
                    }
                    for path, rows in view.files
                ],
                "metadata": {
                    "schema_version": note.metadata.schema_version,
                    "base_commit_sha": note.metadata.base_commit_sha,
                    "sessions": note.metadata.sessions,
                    "humans": note.metadata.humans,
                    "prompts": note.metadata.prompts,
                },
            }
        emit_json(doc)
        return
    style = Styler()
    click.echo(f"{style.paint(view.commit[:12], 'yellow')} {view.subject}")
    if view.note is None:
        click.echo("  no authorship note")
        return
    if not view.files:
        click.echo("  the note attests no line (a deletion, or nothing known)")
    for path, rows in view.files:
        click.echo(f"  {path}")
        width = min(max(len(a.label) for a, _ in rows), 44)
        for author, ranges in rows:
            name = style.kind(shorten(author.label, width).ljust(width), author.kind)
            click.echo(f"    {name}  {ranges}" + (f"  [{author.key}]" if verbose else ""))
    md = view.note.metadata
    if verbose:
        for sid, rec in sorted(md.sessions.items()):
            agent = rec.get("agent_id") or {}
            click.echo(
                f"  session {sid}: {agent.get('tool')} {agent.get('id')} for "
                f"{rec.get('human_author')}"
            )


@click.command(context_settings=CONTEXT_SETTINGS)
@_CWD
@_JSON
def status(cwd: str, as_json: bool) -> None:
    """Uncommitted AI lines, per file of the current working log."""
    from lsm.authorship import work_status

    with lsm_errors():
        rows = work_status(cwd)
    if as_json:
        emit_json({"files": rows})
        return
    if not rows:
        click.echo("no uncommitted AI lines")
        return
    style = Styler()
    click.echo(f"{'file':<40} {'AI':>6} {'mixed':>6} {'lines':>6}  by")
    for r in rows:
        agents = ", ".join(f"{a['name']} {a['lines']}" for a in r["agents"]) or "-"
        click.echo(
            f"{shorten(r['path'], 40):<40} {style.kind(str(r['ai_lines']).rjust(6), 'ai')} "
            f"{r['mixed_lines']:>6} {r['total_lines']:>6}  {agents}"
        )
