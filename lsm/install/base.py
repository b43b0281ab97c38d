"""The installer interface, and the driver every settings-file installer shares.

An installer is one thing ``install-hooks`` can set up (an agent's hook
configuration, git's hooks, notes sync). It has a ``name`` (its flag:
``--claude``), a ``title`` for people, and three methods that get an
:class:`InstallContext` and return what they did or found:

* ``install(ctx) -> list[Change]`` and ``uninstall(ctx) -> list[Change]``:
  idempotent; with ``ctx.dry_run`` they compute the changes and write
  nothing; every change is returned (the CLI prints each one);
* ``status(ctx) -> list[HookStatus]``: what ``doctor`` shows.

Agent settings files share :class:`SettingsFileInstaller`: a subclass says
which file (``path``), its format (``json``, ``jsonc`` or ``toml``), and two
pure functions on the parsed document, ``add(doc, command, ctx)`` and
``remove(doc, ctx)``, plus ``commands(doc)`` (the ckptlog commands it finds,
for ``doctor``). The driver reads the file, computes the wanted document,
writes it with the smallest text edit that holds (comments and the other
settings kept: :mod:`lsm.install.jsonedit`, :mod:`lsm.install.tomledit`),
keeps a backup and records it in the state (:mod:`lsm.install.state`), and
on uninstall restores the backup byte for byte when the file was not edited
since. To add an agent, write such a subclass and list it in
:data:`lsm.install.registry.INSTALLERS`.

What can fail: :class:`~lsm.errors.InstallError` (a settings file that does
not parse, a file system error), always before anything was written for
that file.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import os
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol

from lsm.errors import InstallError
from lsm.fsutil import atomic_write
from lsm.install import jsonedit, tomledit
from lsm.install.state import FileRecord, InstallState, digest, user_state_dir
from lsm.record import Record

__all__ = [
    "Change",
    "HookStatus",
    "InstallContext",
    "Installer",
    "SettingsFileInstaller",
    "is_ckptlog_checkpoint",
    "missing_dirs",
    "record_write",
    "restore_or_edit",
    "write_file",
]


def is_ckptlog_checkpoint(command: str) -> bool:
    """True for a hook command that runs ``ckptlog checkpoint`` (git-ai's substring test)."""
    return "ckptlog" in command and "checkpoint" in command


class InstallContext(Record):
    """Everything an installer may look at.

    :ivar ckptlog: the absolute path of the ``ckptlog`` to install.
    :ivar scope: ``repo`` or ``global`` (git hooks and notes sync; agent
        settings are per user whatever the scope).
    :ivar cwd: the directory the command runs in (the repository for ``repo``).
    """

    __slots__ = ("ckptlog", "cwd", "dry_run", "env", "home", "options", "scope", "user_state")
    _fields = ("ckptlog", "scope", "cwd", "home", "dry_run", "options")

    def __init__(
        self,
        ckptlog: str,
        *,
        scope: str = "repo",
        cwd: str | os.PathLike[str] = ".",
        env: Mapping[str, str] | None = None,
        dry_run: bool = False,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.ckptlog = ckptlog
        self.scope = scope
        self.cwd = Path(cwd)
        self.env = dict(os.environ if env is None else env)
        self.home = Path(self.env.get("HOME") or Path.home())
        self.dry_run = dry_run
        self.options = dict(options or {})
        self.user_state = InstallState(user_state_dir(self.env))

    def command(self, *args: str) -> str:
        """A shell command line running this ckptlog with ``args``."""
        return " ".join(shlex.quote(a) for a in (self.ckptlog, *args))


class Change(Record):
    """One thing install or uninstall did (or, with ``--dry-run``, would do).

    :ivar action: ``create``, ``update``, ``restore``, ``delete``, ``config`` or ``note``.
    :ivar before, after: the file's bytes (None: absent) for file changes.
    """

    __slots__ = ("action", "after", "before", "detail", "installer", "path")
    _fields = ("installer", "action", "path", "detail")

    def __init__(
        self,
        installer: str,
        action: str,
        path: str,
        detail: str = "",
        before: bytes | None = None,
        after: bytes | None = None,
    ) -> None:
        self.installer = installer
        self.action = action
        self.path = path
        self.detail = detail
        self.before = before
        self.after = after

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def diff(self) -> str:
        """A unified diff of a file change ("" for other changes)."""
        if self.before is None and self.after is None:
            return ""
        old = (self.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (self.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, f"{self.path} (before)", f"{self.path} (after)")
        return "".join(ln if ln.endswith("\n") else ln + "\n" for ln in lines)


class HookStatus(Record):
    """One hook as ``doctor`` sees it.

    :ivar live: it is installed where the tool reads it.
    :ivar command: the ckptlog it runs (None when not installed).
    :ivar current: it runs *this* ckptlog (same file).
    """

    __slots__ = ("command", "current", "detail", "installer", "live", "where")
    _fields = ("installer", "where", "live", "command", "current", "detail")

    def __init__(
        self,
        installer: str,
        where: str,
        live: bool,
        command: str | None = None,
        current: bool = False,
        detail: str = "",
    ) -> None:
        self.installer = installer
        self.where = where
        self.live = live
        self.command = command
        self.current = current
        self.detail = detail

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}


class Installer(Protocol):
    """What the registry holds (see the module docstring)."""

    name: str
    title: str

    def install(self, ctx: InstallContext) -> list[Change]: ...

    def uninstall(self, ctx: InstallContext) -> list[Change]: ...

    def status(self, ctx: InstallContext) -> list[HookStatus]: ...


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InstallError(
            f"cannot read {path}: {exc.strerror or exc}",
            hint="Check the file's permissions, or leave this agent out (see --help).",
        ) from None


def missing_dirs(path: Path) -> list[Path]:
    """The directories above ``path`` that do not exist yet, nearest first."""
    out: list[Path] = []
    d = path.parent
    while not d.exists():
        out.append(d)
        d = d.parent
    return out


def write_file(path: Path, data: bytes | None) -> None:
    """Write ``data`` atomically (through a symlink to its target); None deletes the file.

    :raises InstallError: the file system refused.
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        if data is None:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        atomic_write(target, data)
        if mode is not None:
            os.chmod(target, mode)
    except OSError as exc:
        raise InstallError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="Check the directory's permissions; nothing else was changed for this file.",
        ) from None


def record_write(
    state: InstallState,
    installer: str,
    path: Path,
    before: bytes | None,
    after: bytes | None,
    created: list[Path],
) -> None:
    """Note in ``state`` that install wrote ``after`` over ``before`` (first backup kept)."""
    key = str(path)
    rec = state.files.get(key)
    if rec is None:
        rec = FileRecord(
            installer, state.backup(path, before), digest(after), [str(d) for d in created]
        )
        state.files[key] = rec
    else:
        rec.written = digest(after)
        rec.created_dirs.extend(str(d) for d in created if str(d) not in rec.created_dirs)
    state.save()


def restore_or_edit(
    state: InstallState,
    installer: str,
    path: Path,
    current: bytes | None,
    edited: bytes | None,
    dry_run: bool,
) -> Change | None:
    """Uninstall one file: its backup when untouched since install, else ``edited``.

    ``edited`` is the file with ckptlog's entries removed (None: leave it).
    """
    key = str(path)
    rec = state.files.get(key)
    if rec is not None and digest(current) == rec.written:
        original = None if rec.backup is None else state.read_backup(rec.backup)
        change = Change(
            installer, "restore", key, "as it was before install-hooks", current, original
        )
        if not dry_run:
            write_file(path, original)
            if original is None:
                for d in rec.created_dirs:
                    with contextlib.suppress(OSError):  # not empty: the user's now
                        Path(d).rmdir()
            del state.files[key]
            state.save()
        return change
    if edited is None or edited == current:
        if rec is not None and not dry_run:
            del state.files[key]
            state.save()
        return None
    detail = "ckptlog's entries removed"
    if rec is not None and rec.backup is not None:
        kept = state.backup_path(rec.backup)
        detail += f" (edited since install, so not restored; the backup stays at {kept})"
    change = Change(installer, "update", key, detail, current, edited)
    if not dry_run:
        write_file(path, edited)
        if rec is not None:
            del state.files[key]
            state.save()
    return change


class SettingsFileInstaller:
    """The shared driver of agent settings files (see the module docstring)."""

    name: str = ""
    title: str = ""
    fmt: ClassVar[str] = "json"
    #: TOML only: the tables rewritten whole and the keys set in place.
    owned_tables: ClassVar[tuple[str, ...]] = ()
    owned_keys: ClassVar[dict[str, tuple[str, ...]]] = {}

    def path(self, ctx: InstallContext) -> Path:
        raise NotImplementedError

    def add(self, doc: dict[str, Any], command: str, ctx: InstallContext) -> dict[str, Any]:
        raise NotImplementedError

    def remove(self, doc: dict[str, Any], ctx: InstallContext) -> dict[str, Any]:
        raise NotImplementedError

    def commands(self, doc: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    #: The agent's program, for :meth:`detect`.
    binary: str = ""

    def detect(self, ctx: InstallContext) -> bool:
        """The agent looks installed: its settings directory exists or its program is on PATH."""
        if self.path(ctx).parent.exists():
            return True
        return bool(self.binary) and shutil.which(self.binary, path=ctx.env.get("PATH")) is not None

    def checkpoint_command(self, ctx: InstallContext) -> str:
        return ctx.command("checkpoint", self.name, "--hook-input", "stdin")

    # ------------------------------------------------------------------ text

    def _parse(self, path: Path, data: bytes | None) -> dict[str, Any]:
        text = "" if data is None else data.decode("utf-8", "replace")
        try:
            doc = tomledit.loads(text) if self.fmt == "toml" else jsonedit.loads(text)
        except (ValueError, jsonedit.JsonSyntaxError) as exc:
            raise InstallError(
                f"{path} is not valid {self.fmt.upper()}: {exc}",
                hint="Fix the file (or move it away) and run the command again; it is unchanged.",
            ) from None
        if not isinstance(doc, dict):
            raise InstallError(
                f"{path} does not hold a {self.fmt.upper()} object",
                hint="Its top level must be an object (a table); the file was not changed.",
            )
        return doc

    def _render(self, data: bytes | None, new: dict[str, Any]) -> tuple[bytes, bool]:
        text = "" if data is None else data.decode("utf-8", "replace")
        if self.fmt == "toml":
            out, kept = tomledit.update_text(
                text, new, owned_tables=self.owned_tables, owned_keys=self.owned_keys
            )
        else:
            out, kept = jsonedit.update_text(text, new)
        return out.encode("utf-8"), kept

    # ------------------------------------------------------------------ verbs

    def install(self, ctx: InstallContext) -> list[Change]:
        path = self.path(ctx)
        before = _read(path)
        doc = self._parse(path, before)
        wanted = self.add(copy.deepcopy(doc), self.checkpoint_command(ctx), ctx)
        if wanted == doc and before is not None:
            return []
        after, kept = self._render(before, wanted)
        detail = (
            "hooks added"
            if kept or before is None
            else ("hooks added; the file was rewritten whole, so its comments are lost")
        )
        change = Change(
            self.name, "create" if before is None else "update", str(path), detail, before, after
        )
        if not ctx.dry_run:
            created = missing_dirs(path)
            write_file(path, after)
            record_write(ctx.user_state, self.name, path, before, after, created)
        return [change]

    def uninstall(self, ctx: InstallContext) -> list[Change]:
        path = self.path(ctx)
        current = _read(path)
        edited: bytes | None = None
        if current is not None:
            doc = self._parse(path, current)
            wanted = self.remove(copy.deepcopy(doc), ctx)
            if wanted != doc:
                edited = self._render(current, wanted)[0]
        change = restore_or_edit(ctx.user_state, self.name, path, current, edited, ctx.dry_run)
        return [] if change is None else [change]

    def status(self, ctx: InstallContext) -> list[HookStatus]:
        path = self.path(ctx)
        data = _read(path)
        if data is None:
            return [HookStatus(self.name, str(path), False, detail="no settings file")]
        try:
            doc = self._parse(path, data)
        except InstallError as exc:
            return [HookStatus(self.name, str(path), False, detail=exc.what)]
        found = self.commands(doc)
        if not found:
            return [HookStatus(self.name, str(path), False, detail="no ckptlog hook")]
        want = self.checkpoint_command(ctx)
        current = all(c == want for c in found)
        return [HookStatus(self.name, str(path), True, found[0], current)]
