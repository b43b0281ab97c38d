"""Generate docs/cli.md from the commands' own ``--help`` text.

``python -m cli.reference > docs/cli.md`` rewrites it; tests/test_cli_docs.py
fails when the file and the help texts drift apart.
"""

from __future__ import annotations

import click

from cli.commands import cli
from cli.common import CONTEXT_SETTINGS
from cli.githooks import GIT_HOOK_USAGE, POST_COMMIT_USAGE, PRE_COMMIT_USAGE
from cli.hook import USAGE

__all__ = ["render"]


def _walk(cmd: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, cmd)]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.list_commands(click.Context(cmd))):
            sub = cmd.get_command(click.Context(cmd), name)
            if sub is not None and name not in _HOOKS:
                out.extend(_walk(sub, [*path, name]))
    return out


#: Click-free hook commands, documented from their own usage texts.
_HOOKS = {
    "checkpoint": USAGE,
    "post-commit": POST_COMMIT_USAGE,
    "pre-commit": PRE_COMMIT_USAGE,
    "git-hook": GIT_HOOK_USAGE,
}


def render() -> str:
    """The whole reference as Markdown."""
    parts = [
        "# CLI reference\n",
        "Generated from `--help` by `python -m cli.reference > docs/cli.md`; "
        "a test fails when it drifts.\n",
    ]
    for name, usage in _HOOKS.items():
        parts.append(f"## ckptlog {name}\n")
        parts.append("```\n" + usage + "```\n")
        parts.append(
            "Exit status: always 0, with at most one line "
            f"`ckptlog {name}: warning: <what>; <hint>` on stderr (every warning is also an "
            "event: `ckptlog inspect events`); 1 with `--strict` when something failed. "
            "Never 2, whatever happens to stdin, stdout and stderr.\n"
        )
    for path, cmd in _walk(cli, ["ckptlog"]):
        # The command's own context settings (``-h``), whatever ran before:
        # click caches a command's help option on first use.
        settings = {
            **CONTEXT_SETTINGS,
            **cmd.context_settings,
            "terminal_width": 80,
            "max_content_width": 80,
        }
        ctx = click.Context(cmd, info_name=" ".join(path), **settings)
        parts.append(f"## {' '.join(path)}\n")
        parts.append("```\n" + cmd.get_help(ctx) + "\n```\n")
    parts.append(
        "## Exit status\n\n"
        "| status | meaning |\n|---|---|\n"
        "| 0 | success (and every hook command, whatever happened) |\n"
        "| 1 | an error (`Error: ...` and a hint on stderr); `verify` found errors |\n"
        "| 2 | the command line could not be parsed (never for `checkpoint`) |\n"
    )
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    click.echo(render(), nl=False)
