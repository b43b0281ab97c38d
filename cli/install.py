"""``ckptlog install-hooks``, ``uninstall-hooks``, ``doctor``: rendering :mod:`lsm.install`."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.common import CONTEXT_SETTINGS, emit_json, lsm_errors
from cli.style import Styler

if TYPE_CHECKING:
    from lsm.install import Change, InstallContext

__all__ = ["doctor", "install_hooks", "uninstall_hooks"]

F = TypeVar("F", bound=Callable[..., Any])


#: The installers' flags (lsm.install.INSTALLERS), named here so that --help needs no import.
_FLAGS = (
    ("git", "git hooks and notes sync."),
    ("claude", "Claude Code (~/.claude/settings.json)."),
    ("codex", "Codex (~/.codex/config.toml)."),
    ("droid", "Droid (~/.factory/settings.json)."),
    ("cursor", "Cursor (~/.cursor/hooks.json)."),
    ("github-copilot", "GitHub Copilot CLI and VS Code agent hooks (~/.copilot/hooks/)."),
    ("gemini", "Gemini CLI (~/.gemini/settings.json)."),
    ("windsurf", "Windsurf (~/.codeium/windsurf/hooks.json)."),
    ("cline", "Cline (~/Documents/Cline/Hooks/)."),
    ("firebender", "Firebender (~/.firebender/hooks.json)."),
)


def _selection(fn: F) -> F:
    def flags(f: Any) -> Any:
        for name, help_ in reversed(_FLAGS):
            f = click.option(f"--{name}", name.replace("-", "_"), is_flag=True, help=help_)(f)
        return f

    @flags
    @click.option("--all", "all_", is_flag=True, help="Everything above.")
    @click.option(
        "--repo",
        "scope",
        flag_value="repo",
        default=True,
        help="git hooks and notes refspecs of this repository (the default).",
    )
    @click.option(
        "--global",
        "scope",
        flag_value="global",
        help="git hooks for every repository (global core.hooksPath).",
    )
    @click.option("--dry-run", is_flag=True, help="Print the changes; write nothing.")
    @click.option("-C", "cwd", type=click.Path(file_okay=False), default=".", help="Run in PATH.")
    @click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
    @functools.wraps(fn)
    def wrapper(*args: Any, all_: bool, **kwargs: Any) -> Any:
        chosen = [name for name, _help in _FLAGS if kwargs.pop(name.replace("-", "_"))]
        names = ["all"] if all_ else chosen
        if not names:
            every = ", ".join(f"--{name}" for name, _help in _FLAGS)
            raise click.UsageError(f"say what to set up: {every} or --all")
        return fn(*args, names=names, **kwargs)

    return wrapper  # type: ignore[no-any-return]


def _print(changes: list[Change], names: list[str], dry_run: bool, verb: str) -> None:
    from lsm.install import INSTALLERS

    style = Styler()
    for name in names:
        mine = [c for c in changes if c.installer == name]
        title = INSTALLERS[name].title
        if not mine:
            click.echo(f"{title}: nothing to {verb}")
            continue
        for c in mine:
            action = ("would " + c.action) if dry_run else c.action
            line = f"{title}: {style.paint(action, 'cyan')} {c.path}"
            if c.detail:
                line += f" ({c.detail})"
            click.echo(line)
            if name != "git" and (c.before is not None or c.after is not None):
                for d in c.diff().splitlines():
                    color = "green" if d.startswith("+") else "red" if d.startswith("-") else None
                    click.echo("    " + style.paint(d, color))


def _run(
    verb: str,
    fn: Callable[[list[str], InstallContext], list[Change]],
    names: list[str],
    scope: str,
    dry_run: bool,
    cwd: str,
    as_json: bool,
    options: dict[str, Any],
) -> None:
    from lsm.install import INSTALLERS, InstallContext, ckptlog_path, detected

    ctx = InstallContext(ckptlog_path(), scope=scope, cwd=cwd, dry_run=dry_run, options=options)
    skipped: list[str] = []
    if names == ["all"]:
        # --all: every agent found on this machine (uninstall: every one).
        names = detected(ctx) if verb == "change" else list(INSTALLERS)
        skipped = [n for n in INSTALLERS if n not in names]
    with lsm_errors():
        changes = fn(names, ctx)
    if as_json:
        emit_json(
            {
                "ckptlog": ctx.ckptlog,
                "dry_run": dry_run,
                "changes": [{**c.to_json(), "diff": c.diff()} for c in changes],
            }
        )
        return
    _print(changes, names, dry_run, verb)
    for name in skipped:
        why = (
            "not in a git repository; use --global"
            if name == "git"
            else (f"--{name} installs it anyway")
        )
        click.echo(f"{INSTALLERS[name].title}: skipped, not found here ({why})")
    if dry_run:
        click.echo("(dry run: nothing was written)")


@click.command("install-hooks", context_settings=CONTEXT_SETTINGS)
@_selection
@click.option(
    "--pre-commit",
    "pre_commit",
    is_flag=True,
    help=(
        "git: run ckptlog's pre-commit hook for every commit (a human checkpoint; post-commit"
        " takes it already), not only to conclude a cherry-pick or revert."
    ),
)
@click.option("--no-notes-sync", is_flag=True, help="git: no notes push/fetch setup.")
def install_hooks(
    names: list[str],
    scope: str,
    dry_run: bool,
    cwd: str,
    as_json: bool,
    pre_commit: bool,
    no_notes_sync: bool,
) -> None:
    """Install ckptlog's hooks: git and the agents (Claude Code, Codex, Droid, Cursor, ...).

    Idempotent (a second run changes nothing) and reversible
    (uninstall-hooks restores every file it finds untouched since, byte for
    byte). Existing git hooks keep running, chained; the agents' other
    settings, and comments, stay. Every change is printed.

    Notes sync: fetch is configured as a refspec on every remote
    (refs/notes/ai-remote/<remote>); the pre-push hook merges and pushes
    refs/notes/ai, never forced.
    """
    from lsm.install import install

    options = {"pre_commit": pre_commit, "no_notes_sync": no_notes_sync}
    _run("change", install, names, scope, dry_run, cwd, as_json, options)


@click.command("uninstall-hooks", context_settings=CONTEXT_SETTINGS)
@_selection
def uninstall_hooks(names: list[str], scope: str, dry_run: bool, cwd: str, as_json: bool) -> None:
    """Remove what install-hooks set up.

    A file untouched since install is restored byte for byte from its
    backup; one edited since keeps the edits, only ckptlog's entries are
    removed. Chained git hooks are put back.
    """
    from lsm.install import uninstall

    _run("remove", uninstall, names, scope, dry_run, cwd, as_json, {})


def _ago(ts: int) -> str:
    if not ts:
        return "?"
    return datetime.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("-C", "cwd", type=click.Path(file_okay=False), default=".", help="Run in PATH.")
@click.option("--global", "global_", is_flag=True, help="Check the global git hooks.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def doctor(cwd: str, global_: bool, as_json: bool) -> None:
    """Which hooks are live, the last checkpoint and note, and the store's health."""
    from lsm.doctor import doctor as run_doctor
    from lsm.install import InstallContext, ckptlog_path

    ctx = InstallContext(ckptlog_path(), scope="global" if global_ else "repo", cwd=cwd)
    report = run_doctor(ctx)
    if as_json:
        emit_json(report)
        return
    style = Styler()
    ok, bad = style.paint("ok  ", "green"), style.paint("off ", "red")
    click.echo(f"ckptlog: {report['ckptlog']}")
    click.echo("\nHooks:")
    for h in report["hooks"]:
        mark = style.paint("live", "green") if h["live"] else bad
        tail = ""
        if h["live"] and not h["current"] and h["command"]:
            tail = style.paint(f" runs another ckptlog: {h['command']}", "yellow")
        if h["detail"]:
            tail += f" ({h['detail']})"
        click.echo(f"  {mark} {h['installer']:<27} {h['where']}{tail}")
    lc = report["last_checkpoint"]
    click.echo("\nLast checkpoint:")
    if "error" in lc:
        click.echo(f"  cannot read the store: {lc['error']}")
    elif lc["checkpoint"] is None:
        click.echo(f"  none in the current working log ({lc['log'][:12]})")
    else:
        cp = lc["checkpoint"]
        click.echo(
            f"  #{cp['seq']} {cp['kind']} by {cp['author']} at {_ago(cp['timestamp'])}: "
            f"{', '.join(cp['files'][:5])} ({lc['checkpoints']} in this working log)"
        )
    note = report["last_note"]["note"]
    click.echo("\nLast note:")
    if note is None:
        click.echo("  none (refs/notes/ai does not exist yet)")
    else:
        on = ", ".join(c[:12] for c in note["commits"]) or "?"
        click.echo(f"  on {on} at {_ago(note['timestamp'])}")
    health = report["store"]
    click.echo("\nStore:")
    if "error" in health:
        click.echo(f"  {bad} {health['error']}")
    else:
        mark = ok if health["ok"] else bad
        click.echo(
            f"  {mark} {health['checkpoints']} checkpoint(s) in {health['segments']} segment(s); "
            f"verify: {health['errors']} error(s), {health['warnings']} warning(s)"
            + (f": {health['first_problem']}" if health["first_problem"] else "")
        )
