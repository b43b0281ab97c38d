"""``ckptlog checkpoint``: the hook command, invocation-compatible with ``git-ai checkpoint``.

    ckptlog checkpoint [PRESET] [--hook-input JSON|stdin] [--editor E
        --editor-version V --extension-version X] [-C PATH] [--strict]
        [--quiet] [--] [PATHS...]

It runs under the hook contract (:mod:`cli.hookcontract`): whatever happens
it exits 0 (1 with ``--strict`` when something failed), prints at most one
warning line, and records every warning as an event in the store. An
unknown option is ignored with that warning, as git-ai ignores it, and the
checkpoint is still made. Exit status 2 is never used.

This module deliberately does not import click: a hook pays ~20 ms for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from cli.hookcontract import HookInputError, HookRun, HookUsageError, read_stdin, run_hook
from lsm import Struct, field

__all__ = ["USAGE", "HookArgs", "decode_hook_input", "parse_args", "run"]

USAGE = """usage: ckptlog checkpoint [PRESET] [--hook-input JSON|stdin] [-C PATH]
                          [--strict] [--quiet] [--] [PATHS...]

Record which lines of the named files (or, with no paths, of every changed
file) were written by an AI agent or by a human. Invocation-compatible with
`git-ai checkpoint`.

presets (docs/agents.md):
  generic           agent-v1
  agents            claude, codex, droid, cursor, cursor-background,
                    github-copilot (VS Code and Copilot CLI), gemini, windsurf,
                    opencode, amp, cline, continue-cli, pi, firebender
  editor and human  ai_tab, known_human, human (default)
  tests             mock_ai, mock_known_human
  any other name    recorded as an AI checkpoint whose tool is that name
options:
  --hook-input JSON|stdin   the agent hook's JSON payload (or read it from stdin,
                            at most 8 MiB, within 3 s)
  --editor NAME, --editor-version V, --extension-version V
                            known_human: the editor that reported the save
  -C PATH                   run as if started in PATH
  --strict                  exit 1 on failure instead of warning and exiting 0
  -q, --quiet               print nothing but the warning line
  -h, --help                show this message
Unknown options are ignored (with a warning), as git-ai ignores them.
"""

_VALUE_OPTS = {
    "--hook-input": "hook_input",
    "--editor": "editor",
    "--editor-version": "editor_version",
    "--extension-version": "extension_version",
    "-C": "cwd",
}
_FLAGS = {"--strict": "strict", "-q": "quiet", "--quiet": "quiet", "-h": "help", "--help": "help"}


class HookArgs(Struct):
    """Parsed command line of ``ckptlog checkpoint``.

    :ivar unknown: options that were not recognised (ignored, each one warned about).
    """

    preset: str | None = None
    hook_input: str | None = None
    paths: list[str] = field(default_factory=list)
    cwd: str | None = None
    editor: str | None = None
    editor_version: str | None = None
    extension_version: str | None = None
    strict: bool = False
    quiet: bool = False
    help: bool = False
    unknown: list[str] = field(default_factory=list)


def parse_args(argv: Sequence[str]) -> HookArgs:
    """Parse the arguments after ``checkpoint``.

    git-ai's rules: the first positional argument is the preset; no
    arguments, or a leading ``--``, means ``human``. Options it does not
    know are collected in ``unknown`` (git-ai skips them); a path that
    starts with ``-`` must come after ``--``.

    :raises HookUsageError: an option that takes a value has none.
    """
    args = HookArgs()
    positional: list[str] = []
    it = iter(argv)
    after_dashdash = False
    for arg in it:
        if after_dashdash:
            positional.append(arg)
            continue
        if arg == "--":
            after_dashdash = True
            if not positional:
                args.preset = "human"
            continue
        name, eq, inline = arg.partition("=")
        field = _VALUE_OPTS.get(name)
        if field is not None:
            value = inline if eq else next(it, None)
            if value is None:
                raise HookUsageError(f"{name} needs a value; nothing was recorded")
            setattr(args, field, value)
        elif arg in _FLAGS:
            setattr(args, _FLAGS[arg], True)
        elif arg.startswith("-") and arg != "-":
            args.unknown.append(arg)
        else:
            positional.append(arg)
    if args.preset is None and positional:
        args.preset = positional.pop(0)
    args.paths = positional
    return args


def _utf16_order(data: bytes | bytearray) -> str | None:
    """git-ai's ``likely_utf16_endian``: NUL bytes mostly at odd (LE) or even (BE) offsets."""
    sample = data[:512]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    least = len(sample) // 8
    if odd > least and odd > even * 4:
        return "utf-16-le"
    if even > least and even > odd * 4:
        return "utf-16-be"
    return None


def decode_hook_input(data: bytes | bytearray) -> str:
    """Hook input bytes as text, as git-ai decodes them (``decode_hook_input_bytes``).

    A UTF-16 byte-order mark, or NUL bytes laid out like UTF-16, select
    UTF-16; anything else must be UTF-8. A UTF-8 byte-order mark is dropped.

    :raises HookInputError: the bytes are not valid in the chosen encoding.
    """
    if data[:2] == b"\xff\xfe":
        encoding, body = "utf-16-le", data[2:]
    elif data[:2] == b"\xfe\xff":
        encoding, body = "utf-16-be", data[2:]
    else:
        order = _utf16_order(data)
        encoding, body = (order, data) if order else ("utf-8", data)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise HookInputError(
            f"the hook input is not valid {encoding.upper()} ({exc.reason} at byte {exc.start})"
        ) from None
    return text.removeprefix("\ufeff")


def run(argv: Sequence[str], *, stdin_fd: int = 0, stderr: TextIO | None = None) -> int:
    """Run ``ckptlog checkpoint`` with ``argv`` (the arguments after ``checkpoint``).

    :returns: the exit status (0, or 1 with ``--strict`` after a failure).
    """
    strict = "--strict" in argv[: argv.index("--")] if "--" in argv else "--strict" in argv

    def body(hook: HookRun) -> None:
        args = parse_args(argv)
        for option in args.unknown:
            hook.usage(f"unknown option {option} (ignored)")
        if args.help:
            sys.stdout.write(USAGE)  # the contract's guarded stdout: a closed pipe cannot fail it
            return
        _checkpoint(hook, args, stdin_fd)

    return run_hook("checkpoint", argv, body, strict=strict, stderr=stderr)


def _checkpoint(hook: HookRun, args: HookArgs, stdin_fd: int) -> None:
    from lsm.checkpoint import run_invocation

    cwd = os.path.abspath(args.cwd) if args.cwd else os.getcwd()
    hook_input = args.hook_input
    if hook_input == "stdin":
        hook_input = decode_hook_input(read_stdin(fd=stdin_fd))
        if not hook_input.strip():
            return  # git-ai: no hook input on stdin is nothing to do
    outcome = run_invocation(
        args.preset,
        hook_input,
        args.paths,
        cwd=cwd,
        editor=args.editor,
        editor_version=args.editor_version,
        extension_version=args.extension_version,
        on_store=hook.attach_events,
    )
    for failure in outcome.failures:
        hook.fail(failure.what, failure.hint)
    for warning in outcome.warnings:
        hook.warn(warning)
    if not args.quiet:
        for line in outcome.summaries:
            hook.info(line)
