"""Presets: turn ``checkpoint [PRESET] [--hook-input JSON] [PATHS]`` into requests.

One preset per agent or editor integration git-ai supports, each in the
module of its family, each mirroring git-ai's (``src/commands/checkpoint_agent/presets/``):

===================  ===============  ============================================
group                module           presets
===================  ===============  ============================================
generic              ``agent_v1``     ``agent-v1`` (the documented JSON contract)
agents               ``claude``       ``claude``
                     ``codex``        ``codex``
                     ``droid``        ``droid``
                     ``cursor``       ``cursor``, ``cursor-background``
                     ``copilot``      ``github-copilot`` (VS Code and Copilot CLI)
                     ``gemini``       ``gemini``
                     ``windsurf``     ``windsurf``
                     ``opencode``     ``opencode``
                     ``amp``          ``amp``
                     ``cline``        ``cline``
                     ``continue_cli`` ``continue-cli``
                     ``pi``           ``pi``
                     ``firebender``   ``firebender``
editor and human     ``ai_tab``       ``ai_tab``
                     ``human``        ``human``, ``known_human``, ``mock_ai``, ``mock_known_human``
===================  ===============  ============================================

A preset parses its payload with :mod:`.parse` and maps git-ai's event to
requests with :func:`.events.agent_event`. Only the module of the preset
being run is imported: a hook pays for one agent's parser, not seventeen.

A name that is no preset is not dropped (git-ai drops it with "Unknown
preset"): :mod:`.unknown` records the edit as an AI checkpoint whose tool is
that name, with one warning (docs/agents.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lsm.checkpoint.presets.events import Invocation
from lsm.checkpoint.request import CheckpointRequest
from lsm.errors import InputError

__all__ = ["PRESETS", "Handler", "handler_for", "parse_invocation"]

Handler = Callable[[str, str | None, Invocation], list[CheckpointRequest]]

#: Preset name -> the module (under ``lsm.checkpoint.presets``) that parses it,
#: in the order ``ckptlog checkpoint --help`` lists them.
PRESETS: dict[str, str] = {
    "human": "human",
    "known_human": "human",
    "mock_ai": "human",
    "mock_known_human": "human",
    "ai_tab": "ai_tab",
    "agent-v1": "agent_v1",
    "claude": "claude",
    "codex": "codex",
    "droid": "droid",
    "cursor": "cursor",
    "cursor-background": "cursor",
    "github-copilot": "copilot",
    "gemini": "gemini",
    "windsurf": "windsurf",
    "opencode": "opencode",
    "amp": "amp",
    "cline": "cline",
    "continue-cli": "continue_cli",
    "pi": "pi",
    "firebender": "firebender",
}


def handler_for(name: str) -> Handler | None:
    """The parser of preset ``name`` (its module imported now), or ``None`` for no preset."""
    module = PRESETS.get(name)
    if module is None:
        return None
    # __import__ rather than importlib: nothing more to load on the hook path.
    loaded = __import__(f"lsm.checkpoint.presets.{module}", fromlist=["HANDLERS"])
    handlers: Mapping[str, Handler] = loaded.HANDLERS
    return handlers[name]


def parse_invocation(
    preset: str | None,
    hook_input: str | None,
    cli_paths: list[str],
    *,
    cwd: str,
    editor: str | None,
    editor_version: str | None,
    extension_version: str | None,
    env: Mapping[str, str],
    warn: Callable[[str], None] | None = None,
) -> list[CheckpointRequest]:
    """Parse one ``checkpoint`` invocation into zero or more requests.

    :param preset: the preset name; ``None`` means ``human``.
    :param hook_input: the hook's JSON payload (already read from stdin), or
        ``None`` when the command line gave none.
    :param cli_paths: file arguments (used by ``human``, ``known_human``, the
        mock presets and unknown presets when there is no hook input),
        relative to ``cwd``.
    :param cwd: the directory the command runs in; the fallback when the
        hook input names none.
    :param editor: ``--editor`` (``known_human``); likewise the versions.
    :param env: the environment (``HOME``, and the variables some agents'
        data directories are found by).
    :param warn: receives the one warning of an unknown preset (the edit is
        recorded all the same).
    :returns: the requests; empty means "nothing to do" (a read-only tool,
        an edit that names no file), which is a success.
    :raises InputError: malformed hook JSON, or a required hook field missing.
    """
    name = "human" if preset is None else preset
    if hook_input is not None:
        if hook_input.startswith("\ufeff"):
            hook_input = hook_input[1:]
        if not hook_input.strip():
            raise InputError(
                "--hook-input requires a value (it was empty)",
                hint="Pass the hook's JSON payload, or `--hook-input stdin` to read it.",
            )
    inv = Invocation(cli_paths, cwd, editor, editor_version, extension_version, env)
    handler = handler_for(name)
    if handler is not None:
        return handler(name, hook_input, inv)
    from lsm.checkpoint.presets.unknown import parse_unknown

    requests, warning = parse_unknown(name, hook_input, inv)
    if warn is not None:
        warn(warning)
    return requests
