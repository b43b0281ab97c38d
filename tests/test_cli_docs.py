"""docs/cli.md is generated from --help; every command has help."""

from __future__ import annotations

from pathlib import Path

import click

from cli.commands import cli
from cli.reference import render

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text() == render(), (
        "docs/cli.md is stale: run `python -m cli.reference > docs/cli.md`"
    )


def test_every_command_has_help() -> None:
    def walk(cmd: click.Command) -> None:
        assert cmd.help, cmd.name
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(click.Context(cmd)):
                sub = cmd.get_command(click.Context(cmd), name)
                assert sub is not None
                walk(sub)

    walk(cli)
