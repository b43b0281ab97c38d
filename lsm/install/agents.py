"""Agent hook installers: Claude Code, Codex and Droid, with git-ai's files and keys.

Each is a :class:`~lsm.install.base.SettingsFileInstaller`: pure functions
from the parsed settings to the wanted settings; the driver does the files.
The shapes are git-ai's (``src/mdm/agents/{claude_code,codex,droid}.rs``,
research note gitai-commit-path.md §5.2), with ``ckptlog`` as the program:

* Claude Code, ``$CLAUDE_CONFIG_DIR/settings.json`` (default
  ``~/.claude/settings.json``): ``hooks.PreToolUse`` and ``hooks.PostToolUse``
  each hold a ``{"matcher": "*", "hooks": [{"type": "command", "command":
  "<ckptlog> checkpoint claude --hook-input stdin"}]}`` block; ckptlog
  commands in other matcher blocks are removed (blocks this empties go),
  duplicates are removed, a stale command (another ckptlog path) replaced.
* Droid, ``~/.factory/settings.json`` (JSONC): the same with ``checkpoint
  droid``, plus ``hooks.claudeHooksImported: true`` when absent.
* Codex, ``$CODEX_HOME/config.toml`` (default ``~/.codex/config.toml``):
  ``[features] hooks = true`` (the legacy ``codex_hooks`` key removed); for
  ``PreToolUse``, ``PostToolUse`` and ``Stop``, the first block of
  ``hooks.<Event>`` without a ``matcher`` gets the handler appended, and
  ``hooks.state."<config path>:<event>:<block>:<handler>"`` the trust entry
  Codex checks (``trusted_hash`` = sha256 of the key-sorted compact JSON of
  ``{event_name, hooks: [{async: false, command, timeout: 600, type}]}``),
  so that Codex runs it without asking.

Where we differ from git-ai, on purpose: comments and formatting of the
files are kept (git-ai re-serialises them; Droid's JSONC comments are lost
there), and uninstall restores the file byte for byte when it was not
edited since install. git-ai's own hook commands are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from lsm.hashing import sha256
from lsm.install.base import InstallContext, SettingsFileInstaller, is_ckptlog_checkpoint

__all__ = ["ClaudeInstaller", "CodexInstaller", "DroidInstaller"]

_CATCH_ALL = "*"


def _hooks_of(block: Any) -> list[Any]:
    hooks = block.get("hooks") if isinstance(block, dict) else None
    return hooks if isinstance(hooks, list) else []


def _is_ours(hook: Any) -> bool:
    return isinstance(hook, dict) and is_ckptlog_checkpoint(str(hook.get("command", "")))


def _matcher_blocks_add(doc: dict[str, Any], events: tuple[str, ...], command: str) -> None:
    """git-ai's ``install_hooks_at`` for Claude-shaped settings, on ``doc`` in place."""
    hooks = doc.get("hooks")
    if not isinstance(hooks, dict):
        hooks = doc["hooks"] = {}
    for event in events:
        blocks = hooks.get(event)
        blocks = list(blocks) if isinstance(blocks, list) else []
        kept: list[Any] = []
        for block in blocks:
            if isinstance(block, dict) and block.get("matcher") != _CATCH_ALL:
                inner = _hooks_of(block)
                left = [h for h in inner if not _is_ours(h)]
                if inner and not left:
                    continue  # emptied by the migration: drop it
                if len(left) != len(inner):
                    block = {**block, "hooks": left}
            kept.append(block)
        target = next(
            (b for b in kept if isinstance(b, dict) and b.get("matcher") == _CATCH_ALL), None
        )
        if target is None:
            target = {"matcher": _CATCH_ALL, "hooks": []}
            kept.append(target)
        inner = _hooks_of(target)
        ours = [i for i, h in enumerate(inner) if _is_ours(h)]
        if not ours:
            inner = [*inner, {"type": "command", "command": command}]
        else:
            first = ours[0]
            new_inner: list[Any] = []
            for i, h in enumerate(inner):
                if i == first:
                    new_inner.append(
                        h
                        if h.get("command") == command
                        else {"type": "command", "command": command}
                    )
                elif i not in ours:
                    new_inner.append(h)
            inner = new_inner
        target["hooks"] = inner
        hooks[event] = kept


def _strip_ours(
    hooks: dict[str, Any], events: tuple[str, ...], *, keep_empty_blocks: bool, keep_event: bool
) -> None:
    """Remove ckptlog's handlers from ``hooks[event]`` blocks; blocks this empties go.

    :param keep_empty_blocks: keep blocks that had no handler to begin with.
    :param keep_event: keep an event whose list ends up empty.
    """
    for event in events:
        blocks = hooks.get(event)
        if not isinstance(blocks, list):
            continue
        kept: list[Any] = []
        for block in blocks:
            inner = _hooks_of(block)
            left = [h for h in inner if not _is_ours(h)]
            if left or (keep_empty_blocks and not inner):
                kept.append({**block, "hooks": left} if len(left) != len(inner) else block)
        if kept or keep_event:
            hooks[event] = kept
        else:
            del hooks[event]


def _matcher_blocks_remove(doc: dict[str, Any], events: tuple[str, ...]) -> None:
    hooks = doc.get("hooks")
    if isinstance(hooks, dict):
        _strip_ours(hooks, events, keep_empty_blocks=True, keep_event=False)


def _matcher_blocks_commands(doc: dict[str, Any], events: tuple[str, ...]) -> list[str]:
    hooks = doc.get("hooks")
    if not isinstance(hooks, dict):
        return []
    out: list[str] = []
    for event in events:
        blocks = hooks.get(event)
        for block in blocks if isinstance(blocks, list) else []:
            out.extend(str(h["command"]) for h in _hooks_of(block) if _is_ours(h))
    return out


class ClaudeInstaller(SettingsFileInstaller):
    """Claude Code: PreToolUse and PostToolUse catch-all blocks."""

    name = "claude"
    title = "Claude Code"
    binary = "claude"
    fmt = "json"
    events = ("PreToolUse", "PostToolUse")

    def path(self, ctx: InstallContext) -> Path:
        base = ctx.env.get("CLAUDE_CONFIG_DIR")
        return (Path(base) if base else ctx.home / ".claude") / "settings.json"

    def add(self, doc: dict[str, Any], command: str, ctx: InstallContext) -> dict[str, Any]:
        _matcher_blocks_add(doc, self.events, command)
        return doc

    def remove(self, doc: dict[str, Any], ctx: InstallContext) -> dict[str, Any]:
        _matcher_blocks_remove(doc, self.events)
        if doc.get("hooks") == {}:
            del doc["hooks"]
        return doc

    def commands(self, doc: dict[str, Any]) -> list[str]:
        return _matcher_blocks_commands(doc, self.events)


class DroidInstaller(ClaudeInstaller):
    """Droid (Factory): Claude's shape in ``~/.factory/settings.json``, JSONC."""

    name = "droid"
    title = "Droid"
    binary = "droid"
    fmt = "jsonc"

    def path(self, ctx: InstallContext) -> Path:
        return ctx.home / ".factory" / "settings.json"

    def add(self, doc: dict[str, Any], command: str, ctx: InstallContext) -> dict[str, Any]:
        _matcher_blocks_add(doc, self.events, command)
        doc["hooks"].setdefault("claudeHooksImported", True)
        return doc

    def remove(self, doc: dict[str, Any], ctx: InstallContext) -> dict[str, Any]:
        # claudeHooksImported stays: Droid itself sets it, and it is harmless.
        _matcher_blocks_remove(doc, self.events)
        return doc


_CODEX_EVENTS = ("PreToolUse", "PostToolUse", "Stop")
_SNAKE = {"PreToolUse": "pre_tool_use", "PostToolUse": "post_tool_use", "Stop": "stop"}


def codex_trust_hash(event_snake: str, command: str) -> str:
    """Codex's ``trusted_hash`` of one handler (git-ai's ``compute_trust_hash``)."""
    identity = {
        "event_name": event_snake,
        "hooks": [{"async": False, "command": command, "timeout": 600, "type": "command"}],
    }
    data = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + sha256(data.encode()).hexdigest()


class CodexInstaller(SettingsFileInstaller):
    """Codex: inline hooks in ``config.toml`` with their trust state."""

    name = "codex"
    title = "Codex"
    binary = "codex"
    fmt = "toml"
    owned_tables = ("hooks",)
    owned_keys: ClassVar[dict[str, tuple[str, ...]]] = {"features": ("hooks", "codex_hooks")}

    def path(self, ctx: InstallContext) -> Path:
        base = ctx.env.get("CODEX_HOME")
        return (Path(base) if base else ctx.home / ".codex") / "config.toml"

    def add(self, doc: dict[str, Any], command: str, ctx: InstallContext) -> dict[str, Any]:
        features = doc.get("features")
        if not isinstance(features, dict):
            features = doc["features"] = {}
        features.pop("codex_hooks", None)
        features["hooks"] = True
        hooks = doc.get("hooks")
        if not isinstance(hooks, dict):
            hooks = doc["hooks"] = {}
        _strip_ours(hooks, _CODEX_EVENTS, keep_empty_blocks=True, keep_event=True)
        placed: list[tuple[str, int, int]] = []
        for event in _CODEX_EVENTS:
            blocks = hooks.setdefault(event, [])
            idx = next(
                (i for i, b in enumerate(blocks) if isinstance(b, dict) and "matcher" not in b),
                None,
            )
            if idx is None:
                blocks.append({"hooks": []})
                idx = len(blocks) - 1
            inner = list(_hooks_of(blocks[idx]))
            placed.append((event, idx, len(inner)))
            inner.append({"type": "command", "command": command})
            blocks[idx]["hooks"] = inner
        state = hooks.get("state")
        if not isinstance(state, dict):
            state = hooks["state"] = {}
        prefix = str(self.path(ctx))
        for event, block, handler in placed:
            snake = _SNAKE[event]
            state[f"{prefix}:{snake}:{block}:{handler}"] = {
                "enabled": True,
                "trusted_hash": codex_trust_hash(snake, command),
            }
        return doc

    def remove(self, doc: dict[str, Any], ctx: InstallContext) -> dict[str, Any]:
        hooks = doc.get("hooks")
        if isinstance(hooks, dict):
            _strip_ours(hooks, _CODEX_EVENTS, keep_empty_blocks=False, keep_event=False)
            state = hooks.get("state")
            prefix = str(self.path(ctx))
            if isinstance(state, dict):
                for key in [k for k in state if k.startswith(prefix + ":")]:
                    if any(f":{s}:" in key for s in _SNAKE.values()):
                        del state[key]
                if not state:
                    del hooks["state"]
            if not hooks:
                del doc["hooks"]
        features = doc.get("features")
        if isinstance(features, dict):
            features.pop("hooks", None)
            features.pop("codex_hooks", None)
            if not features:
                del doc["features"]
        return doc

    def commands(self, doc: dict[str, Any]) -> list[str]:
        return _matcher_blocks_commands(doc, _CODEX_EVENTS)
