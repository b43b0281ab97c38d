"""The click command group: everything except the hook fast path.

Each command parses its options, calls the library, renders the result and
maps library errors to exit codes. No storage logic lives here.
"""

from __future__ import annotations

import click

import lsm
from cli.common import CONTEXT_SETTINGS
from cli.compact import compact
from cli.demo import demo
from cli.inspect import inspect
from cli.install import doctor, install_hooks, uninstall_hooks
from cli.maintenance import config, verify
from cli.notes import notes
from cli.read import blame_cmd, show, stats, status
from cli.transfer import dump, export, import_

__all__ = ["cli"]


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(version=lsm.__version__, prog_name="ckptlog")
def cli() -> None:
    """ckptlog: a log-structured store for AI-authorship checkpoints.

    Set up with `install-hooks` (check with `doctor`). Hooks call
    `ckptlog checkpoint` and git's hooks `post-commit`; `blame`, `stats`,
    `show` and `status` tell who wrote what; `notes` shares the notes;
    `inspect`, `dump`, `verify`, `compact`, `import`, `export` and `config`
    look after the store.
    """


@cli.command(
    context_settings={**CONTEXT_SETTINGS, "ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.pass_context
def checkpoint(ctx: click.Context) -> None:
    """Record a checkpoint (git-ai compatible; see `ckptlog checkpoint --help`).

    ckptlog checkpoint [PRESET] [--hook-input JSON|stdin] [-C PATH] [--strict] [--] [PATHS...]
    """
    from cli.hook import USAGE, run

    if ctx.args[:1] in (["--help"], ["-h"]):
        click.echo(USAGE, nl=False)
        return
    ctx.exit(run(ctx.args))


def _hook_command(name: str, usage_attr: str, runner: str) -> click.Command:
    """A click stub for a click-free git-hook command (listed in --help and docs/cli.md)."""

    @cli.command(
        name=name,
        context_settings={
            **CONTEXT_SETTINGS,
            "ignore_unknown_options": True,
            "allow_extra_args": True,
        },
        add_help_option=False,
    )
    @click.pass_context
    def command(ctx: click.Context) -> None:
        import cli.githooks as hooks

        if ctx.args[:1] in (["--help"], ["-h"]):
            click.echo(getattr(hooks, usage_attr), nl=False)
            return
        ctx.exit(getattr(hooks, runner)(ctx.args))

    return command


_hook_command(
    "post-commit", "POST_COMMIT_USAGE", "run_post_commit"
).help = "Write the commit's authorship note (the git post-commit hook; see --help)."
_hook_command(
    "pre-commit", "PRE_COMMIT_USAGE", "run_pre_commit"
).help = "Human checkpoint of changed files with AI state (the git pre-commit hook)."
_hook_command(
    "git-hook", "GIT_HOOK_USAGE", "run_git_hook"
).help = "Entry point of every other git hook (post-rewrite, post-checkout, ...)."

cli.add_command(verify)
cli.add_command(compact)
cli.add_command(inspect)
cli.add_command(config)
cli.add_command(demo)
cli.add_command(dump)
cli.add_command(import_)
cli.add_command(export)
cli.add_command(install_hooks)
cli.add_command(uninstall_hooks)
cli.add_command(doctor)
cli.add_command(blame_cmd)
cli.add_command(stats)
cli.add_command(show)
cli.add_command(status)
cli.add_command(notes)
