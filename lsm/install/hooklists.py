"""Installers for agents whose hooks file lists commands per event: Cursor, Firebender,
Windsurf, GitHub Copilot; plus Gemini CLI (Claude's shape) and Cline (hook scripts).

The files and keys are git-ai's (``src/mdm/agents/{cursor,firebender,windsurf,
github_copilot,gemini,cline}.rs``, research note gitai-commit-path.md §5.2), with
``ckptlog`` as the program:

* Cursor, ``~/.cursor/hooks.json``: ``{"version": 1, "hooks": {"preToolUse":
  [{"command": C}], "postToolUse": [{"command": C}]}}``, merged into what is there;
* Firebender, ``~/.firebender/hooks.json``: the same shape;
* Windsurf, ``~/.codeium/windsurf/hooks.json``: ``hooks.<event>: [{"command": C,
  "show_output": false}]`` for ``pre_write_code``, ``post_write_code``,
  ``pre_run_command``, ``post_run_command`` and ``post_cascade_response_with_transcript``;
* GitHub Copilot (the CLI and VS Code's agent hooks), ``~/.copilot/hooks/ckptlog.json``:
  ``hooks.PreToolUse`` / ``PostToolUse``: ``[{"type": "command", "command": C}]``
  (git-ai names the file ``git-ai.json``; ours sits beside it);
* Gemini CLI, ``$GEMINI_CLI_HOME/.gemini/settings.json`` (default ``~/.gemini/``):
  ``tools.enableHooks = true`` and Claude's catch-all matcher blocks under
  ``hooks.BeforeTool`` / ``hooks.AfterTool``;
* Cline, ``~/Documents/Cline/Hooks/PreToolUse`` and ``PostToolUse``: executable
  scripts (``#!/bin/sh``, a ``# ckptlog-managed: cline`` marker line, the command,
  then ``echo '{"cancel":false}'``, which Cline reads to go on).

Each entry of a list is ckptlog's when its command runs ``ckptlog checkpoint``;
install drops ckptlog's entries and appends one, so it is idempotent and
replaces a stale path; uninstall drops them (an event left empty goes).
Other entries are never touched. Where we differ from git-ai: Windows paths
and Copilot's ``powershell`` key are not written (POSIX only); Windsurf's
second file (``~/.codeium/hooks.json``) is not written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, ClassVar

from lsm.install.agents import ClaudeInstaller
from lsm.install.base import (
    Change,
    HookStatus,
    InstallContext,
    SettingsFileInstaller,
    is_ckptlog_checkpoint,
    missing_dirs,
    record_write,
    restore_or_edit,
    write_file,
)

__all__ = [
    "ClineInstaller",
    "CopilotInstaller",
    "CursorInstaller",
    "FirebenderInstaller",
    "GeminiInstaller",
    "WindsurfInstaller",
]


def _ours(entry: Any) -> bool:
    return isinstance(entry, dict) and is_ckptlog_checkpoint(str(entry.get("command", "")))


class _CommandListInstaller(SettingsFileInstaller):
    """``hooks.<event>``: a list of ``{"command": ...}`` entries (see the module docstring)."""

    fmt = "json"
    events: ClassVar[tuple[str, ...]] = ()
    #: Keys of ckptlog's entry besides ``command``, in the order they are written.
    entry_before: ClassVar[dict[str, Any]] = {}
    entry_after: ClassVar[dict[str, Any]] = {}
    #: Top-level keys set when absent (Cursor's ``version``).
    defaults: ClassVar[dict[str, Any]] = {}

    def add(self, doc: dict[str, Any], command: str, ctx: InstallContext) -> dict[str, Any]:
        for key, value in self.defaults.items():
            doc.setdefault(key, value)
        hooks = doc.get("hooks")
        if not isinstance(hooks, dict):
            hooks = doc["hooks"] = {}
        entry = {**self.entry_before, "command": command, **self.entry_after}
        for event in self.events:
            entries = hooks.get(event)
            kept = [e for e in entries if not _ours(e)] if isinstance(entries, list) else []
            hooks[event] = [*kept, entry]
        return doc

    def remove(self, doc: dict[str, Any], ctx: InstallContext) -> dict[str, Any]:
        hooks = doc.get("hooks")
        if not isinstance(hooks, dict):
            return doc
        for event in self.events:
            entries = hooks.get(event)
            if isinstance(entries, list):
                kept = [e for e in entries if not _ours(e)]
                if kept:
                    hooks[event] = kept
                else:
                    del hooks[event]
        if not hooks:
            del doc["hooks"]
        return doc

    def commands(self, doc: dict[str, Any]) -> list[str]:
        hooks = doc.get("hooks")
        if not isinstance(hooks, dict):
            return []
        out: list[str] = []
        for event in self.events:
            entries = hooks.get(event)
            out += [str(e["command"]) for e in entries or [] if _ours(e)]
        return out


class CursorInstaller(_CommandListInstaller):
    """Cursor: ``~/.cursor/hooks.json``, preToolUse and postToolUse."""

    name = "cursor"
    title = "Cursor"
    binary = "cursor-agent"
    events = ("preToolUse", "postToolUse")
    defaults: ClassVar[dict[str, Any]] = {"version": 1}

    def path(self, ctx: InstallContext) -> Path:
        return ctx.home / ".cursor" / "hooks.json"


class FirebenderInstaller(CursorInstaller):
    """Firebender: ``~/.firebender/hooks.json``, Cursor's shape."""

    name = "firebender"
    title = "Firebender"
    binary = ""

    def path(self, ctx: InstallContext) -> Path:
        return ctx.home / ".firebender" / "hooks.json"


class WindsurfInstaller(_CommandListInstaller):
    """Windsurf: ``~/.codeium/windsurf/hooks.json``, five events, output hidden."""

    name = "windsurf"
    title = "Windsurf"
    binary = "windsurf"
    events = (
        "pre_write_code",
        "post_write_code",
        "pre_run_command",
        "post_run_command",
        "post_cascade_response_with_transcript",
    )
    entry_after: ClassVar[dict[str, Any]] = {"show_output": False}

    def path(self, ctx: InstallContext) -> Path:
        return ctx.home / ".codeium" / "windsurf" / "hooks.json"


class CopilotInstaller(_CommandListInstaller):
    """GitHub Copilot: ``~/.copilot/hooks/ckptlog.json``, PreToolUse and PostToolUse."""

    name = "github-copilot"
    title = "GitHub Copilot"
    binary = "copilot"
    events = ("PreToolUse", "PostToolUse")
    entry_before: ClassVar[dict[str, Any]] = {"type": "command"}

    def path(self, ctx: InstallContext) -> Path:
        return ctx.home / ".copilot" / "hooks" / "ckptlog.json"


class GeminiInstaller(ClaudeInstaller):
    """Gemini CLI: Claude's matcher blocks under BeforeTool/AfterTool, hooks enabled."""

    name = "gemini"
    title = "Gemini CLI"
    binary = "gemini"
    events = ("BeforeTool", "AfterTool")

    def path(self, ctx: InstallContext) -> Path:
        base = ctx.env.get("GEMINI_CLI_HOME")
        return (Path(base) if base else ctx.home) / ".gemini" / "settings.json"

    def add(self, doc: dict[str, Any], command: str, ctx: InstallContext) -> dict[str, Any]:
        tools = doc.get("tools")
        if not isinstance(tools, dict):
            tools = doc["tools"] = {}
        tools["enableHooks"] = True
        return super().add(doc, command, ctx)

    # remove(): the hooks go; ``tools.enableHooks`` stays (other hooks may need it).


#: The marker line that makes a Cline hook script ckptlog's.
CLINE_MARKER = "# ckptlog-managed: cline"


class ClineInstaller:
    """Cline: the ``PreToolUse`` and ``PostToolUse`` scripts of ``~/Documents/Cline/Hooks``.

    A script without the marker line is the user's: install leaves it (and
    says so), uninstall never removes it.
    """

    name = "cline"
    title = "Cline"
    events = ("PreToolUse", "PostToolUse")

    def _dir(self, ctx: InstallContext) -> Path:
        return ctx.home / "Documents" / "Cline" / "Hooks"

    def script(self, ctx: InstallContext) -> bytes:
        command = ctx.command("checkpoint", "cline", "--hook-input", "stdin")
        return f"#!/bin/sh\n{CLINE_MARKER}\n{command}\necho '{{\"cancel\":false}}'\n".encode()

    def detect(self, ctx: InstallContext) -> bool:
        return self._dir(ctx).parent.exists()

    def install(self, ctx: InstallContext) -> list[Change]:
        wanted = self.script(ctx)
        changes: list[Change] = []
        for event in self.events:
            path = self._dir(ctx) / event
            before = _read_small(path)
            if before == wanted:
                continue
            if before is not None and CLINE_MARKER.encode() not in before:
                changes.append(
                    Change(self.name, "skip", str(path), "a hook script that is not ckptlog's")
                )
                continue
            action = "create" if before is None else "update"
            changes.append(Change(self.name, action, str(path), "hook script", before, wanted))
            if not ctx.dry_run:
                created = missing_dirs(path)
                write_file(path, wanted)
                os.chmod(path, 0o755)  # noqa: S103 - Cline runs it: it must be executable
                record_write(ctx.user_state, self.name, path, before, wanted, created)
        return changes

    def uninstall(self, ctx: InstallContext) -> list[Change]:
        changes: list[Change] = []
        for event in self.events:
            path = self._dir(ctx) / event
            current = _read_small(path)
            if current is not None and CLINE_MARKER.encode() not in current:
                continue  # the user's own script
            change = restore_or_edit(ctx.user_state, self.name, path, current, None, ctx.dry_run)
            if change is None and current is not None:
                # Ours, but edited since install (or installed from another state dir): remove.
                change = Change(self.name, "remove", str(path), "hook script", current, None)
                if not ctx.dry_run:
                    write_file(path, None)
            if change is not None:
                changes.append(change)
        return changes

    def status(self, ctx: InstallContext) -> list[HookStatus]:
        wanted = self.script(ctx)
        out: list[HookStatus] = []
        for event in self.events:
            path = self._dir(ctx) / event
            data = _read_small(path)
            if data is None or CLINE_MARKER.encode() not in data:
                detail = "no hook script" if data is None else "a hook script that is not ckptlog's"
                out.append(HookStatus(self.name, str(path), False, detail=detail))
                continue
            line = next((ln for ln in data.decode("utf-8", "replace").splitlines()
                         if is_ckptlog_checkpoint(ln)), "")  # fmt: skip
            executable = bool(os.stat(path).st_mode & stat.S_IXUSR)
            out.append(
                HookStatus(self.name, str(path), executable, line, data == wanted and executable)
            )
        return out


def _read_small(path: Path) -> bytes | None:
    from lsm.errors import UnreadableFileError
    from lsm.safeio import read_regular

    try:
        return read_regular(path, 1 << 20)
    except FileNotFoundError:
        return None
    except UnreadableFileError:
        return b""  # not a regular file, or huge: certainly not ours
