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
from cli.maintenance import config, verify
from cli.transfer import dump, export, import_

__all__ = ["cli"]


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(version=lsm.__version__, prog_name="ckptlog")
def cli() -> None:
    """ckptlog: a log-structured store for AI-authorship checkpoints.

    Hooks call `ckptlog checkpoint`; `inspect`, `dump`, `verify`, `compact`,
    `import`, `export` and `config` look after the store.
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


cli.add_command(verify)
cli.add_command(compact)
cli.add_command(inspect)
cli.add_command(config)
cli.add_command(demo)
cli.add_command(dump)
cli.add_command(import_)
cli.add_command(export)
