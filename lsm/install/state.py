"""What ``install-hooks`` changed, so that ``uninstall-hooks`` can undo it exactly.

One JSON file per scope (``install.json``) beside a ``backups/`` directory:

* user scope (agent settings, global git hooks): ``$CKPTLOG_STATE_DIR``,
  else ``$XDG_STATE_HOME/ckptlog``, else ``~/.local/state/ckptlog``;
* repository scope (its git hooks, its notes refspecs): ``<git common dir>/ai/install``.

For each file it wrote the state keeps the bytes it found first (a backup
file, or "absent"), the sha256 of what it wrote, and the directories it had
to create. Uninstall restores the backup when the file still holds exactly
what install wrote; otherwise the file was edited since, and the installer
removes its own entries from it instead. Other facts (git config values
that were replaced) are kept as free-form ``settings``.

Atomic: the state file is replaced with :func:`lsm.fsutil.atomic_write`;
backups are written before the state that names them, and both before the
settings file changes. What can fail: :class:`OSError` from the file system.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lsm.fsutil import atomic_write
from lsm.hashing import sha256

__all__ = ["FileRecord", "InstallState", "digest", "user_state_dir"]


def user_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the user-scope state lives (see the module docstring)."""
    e = os.environ if env is None else env
    if e.get("CKPTLOG_STATE_DIR"):
        return Path(e["CKPTLOG_STATE_DIR"])
    if e.get("XDG_STATE_HOME"):
        return Path(e["XDG_STATE_HOME"]) / "ckptlog"
    return Path(e.get("HOME") or Path.home()) / ".local" / "state" / "ckptlog"


def digest(data: bytes | None) -> str | None:
    """sha256 hex of ``data`` (None for an absent file)."""
    return None if data is None else sha256(data).hexdigest()


class FileRecord:
    """One file install wrote: the backup of what was there and what was written."""

    __slots__ = ("backup", "created_dirs", "installer", "written")

    def __init__(
        self,
        installer: str,
        backup: str | None,
        written: str | None,
        created_dirs: list[str] | None = None,
    ) -> None:
        self.installer = installer
        #: backup file name under backups/, or None: the file did not exist.
        self.backup = backup
        #: sha256 of the bytes install wrote (None: install deleted the file).
        self.written = written
        self.created_dirs = created_dirs or []

    def to_json(self) -> dict[str, Any]:
        return {
            "installer": self.installer,
            "backup": self.backup,
            "written": self.written,
            "created_dirs": self.created_dirs,
        }


class InstallState:
    """The state of one scope, loaded from (and saved to) ``<dir>/install.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "install.json"
        self.files: dict[str, FileRecord] = {}
        self.settings: dict[str, Any] = {}
        try:
            doc = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return
        except ValueError:
            doc = {}  # unreadable state: start afresh, backups stay on disk
        for path, rec in doc.get("files", {}).items():
            self.files[path] = FileRecord(
                rec.get("installer", ""),
                rec.get("backup"),
                rec.get("written"),
                list(rec.get("created_dirs", [])),
            )
        self.settings = dict(doc.get("settings", {}))

    def save(self) -> None:
        """Write the state atomically (removing the file when it holds nothing)."""
        if not self.files and not self.settings:
            if self.path.exists():
                self.path.unlink()
            return
        self.root.mkdir(parents=True, exist_ok=True)
        doc = {
            "files": {p: r.to_json() for p, r in sorted(self.files.items())},
            "settings": self.settings,
        }
        atomic_write(self.path, (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode())

    def backup(self, path: Path, data: bytes | None) -> str | None:
        """Keep ``data`` (the file's bytes before install) under backups/; its name."""
        if data is None:
            return None
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(path)).strip("_")[-120:]
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{name}"
        target = self.root / "backups" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
        return name

    def read_backup(self, name: str) -> bytes:
        """The bytes of a backup. :raises OSError: it is gone."""
        return (self.root / "backups" / name).read_bytes()

    def backup_path(self, name: str) -> Path:
        return self.root / "backups" / name
