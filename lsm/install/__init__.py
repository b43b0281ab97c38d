"""``install-hooks`` / ``uninstall-hooks``: agent hook settings, git hooks, notes sync.

The registry :data:`INSTALLERS` maps a flag name (``git``, ``claude``,
``codex``, ``droid``, ``cursor``, ``github-copilot``, ``gemini``, ``windsurf``,
``cline``, ``firebender``) to its installer; ``--all`` means every entry. The
interface an entry implements, and the driver agent settings files share,
are in :mod:`lsm.install.base`; to add an agent, write a
:class:`~lsm.install.base.SettingsFileInstaller` subclass (see
:mod:`lsm.install.agents` and :mod:`lsm.install.hooklists`) and add it here.

:func:`install`, :func:`uninstall` and :func:`status` run the named
installers in registry order and return every change (or status line);
nothing is written with ``dry_run``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

from lsm.install.agents import ClaudeInstaller, CodexInstaller, DroidInstaller
from lsm.install.base import (
    Change,
    HookStatus,
    InstallContext,
    Installer,
    SettingsFileInstaller,
    is_ckptlog_checkpoint,
)
from lsm.install.githooks import GIT_HOOKS, GitHooksInstaller
from lsm.install.hooklists import (
    ClineInstaller,
    CopilotInstaller,
    CursorInstaller,
    FirebenderInstaller,
    GeminiInstaller,
    WindsurfInstaller,
)

__all__ = [
    "GIT_HOOKS",
    "INSTALLERS",
    "Change",
    "HookStatus",
    "InstallContext",
    "Installer",
    "SettingsFileInstaller",
    "ckptlog_path",
    "detected",
    "install",
    "is_ckptlog_checkpoint",
    "status",
    "uninstall",
]

#: Flag name -> installer, in the order they run and print.
INSTALLERS: dict[str, Installer] = {
    "git": GitHooksInstaller(),
    "claude": ClaudeInstaller(),
    "codex": CodexInstaller(),
    "droid": DroidInstaller(),
    "cursor": CursorInstaller(),
    "github-copilot": CopilotInstaller(),
    "gemini": GeminiInstaller(),
    "windsurf": WindsurfInstaller(),
    "cline": ClineInstaller(),
    "firebender": FirebenderInstaller(),
}


def ckptlog_path(argv0: str | None = None) -> str:
    """The absolute path of the running ``ckptlog`` (what hooks should call).

    The console script when this process is one; else the ``ckptlog`` on
    PATH; else the one beside the running Python (a venv's).
    """
    arg = sys.argv[0] if argv0 is None else argv0
    if os.path.basename(arg) == "ckptlog" and os.path.exists(arg):
        return os.path.abspath(arg)
    found = shutil.which("ckptlog")
    if found:
        return os.path.abspath(found)
    return os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "ckptlog")


def _selected(names: Sequence[str]) -> list[Installer]:
    unknown = [n for n in names if n not in INSTALLERS]
    if unknown:
        from lsm.errors import InputError

        raise InputError(
            f"unknown installer {unknown[0]!r}",
            hint=f"Choose among {', '.join(INSTALLERS)} (or --all).",
        )
    return [INSTALLERS[n] for n in INSTALLERS if n in names]


def detected(ctx: InstallContext) -> list[str]:
    """What ``--all`` installs: git, and every agent that looks installed here."""
    out = []
    for name, inst in INSTALLERS.items():
        detect = getattr(inst, "detect", None)
        if detect is None or detect(ctx):
            out.append(name)
    return out


def install(names: Sequence[str], ctx: InstallContext) -> list[Change]:
    """Install the named installers' hooks. :raises Error: see :mod:`lsm.install.base`."""
    out: list[Change] = []
    for inst in _selected(names):
        out += inst.install(ctx)
    return out


def uninstall(names: Sequence[str], ctx: InstallContext) -> list[Change]:
    """Remove what :func:`install` set up (restoring backups where nothing changed since)."""
    out: list[Change] = []
    for inst in _selected(names):
        out += inst.uninstall(ctx)
    return out


def status(ctx: InstallContext, names: Sequence[str] | None = None) -> list[HookStatus]:
    """Every hook the installers know, live or not (what ``doctor`` prints)."""
    out: list[HookStatus] = []
    for inst in _selected(list(INSTALLERS) if names is None else names):
        out += inst.status(ctx)
    return out
