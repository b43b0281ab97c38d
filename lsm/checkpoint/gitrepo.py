"""The few facts about a git repository a checkpoint needs, found cheaply.

Repository discovery and HEAD resolution read ``.git`` directly (walking
up from the working directory, as git-ai does) so that a hook pays for no
``git`` process on the common path; anything unusual (reftable, a
``GIT_DIR`` override, a ref we cannot resolve) falls back to ``git
rev-parse``. Contents of HEAD's tree come from one ``git cat-file --batch``
process for all files of a checkpoint.

What can fail: :class:`~lsm.errors.InputError` when the directory is not
inside a git work tree; ``git`` failures for HEAD contents degrade to
"no content" (a new file), never to an exception.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from lsm.errors import InputError, NotARepositoryError, UnreadableFileError
from lsm.record import NamedTuple
from lsm.safeio import open_regular, read_regular

__all__ = ["Repo", "find_repo"]

_HEX = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")


def _git(args: list[str], cwd: Path, *, stdin: bytes | None = None) -> bytes:
    """``git -C cwd args...`` through :class:`lsm.git.Git` (the one place git runs); its stdout.

    :raises OSError: git failed or is missing (the callers here degrade on it).
    """
    from lsm.errors import GitError
    from lsm.git import Git

    try:
        code, out, err = Git(cwd).run(args, stdin=stdin, check=False)
    except GitError as exc:
        raise OSError(exc.what) from None
    if code != 0:
        raise OSError(code, err.decode("utf-8", "replace").strip())
    return out


class Repo(NamedTuple):
    """A git work tree.

    :ivar root: the work tree's top directory (realpath).
    :ivar git_dir: this work tree's git dir (``.git`` or ``.git/worktrees/<name>``).
    :ivar common_dir: the repository's common dir (shared by linked worktrees).
    :ivar worktree: the linked worktree's name, or None for the main one.
    """

    root: Path
    git_dir: Path
    common_dir: Path
    worktree: str | None

    def log_name(self, base: str) -> str:
        """The store's name of this work tree's working log of ``base``.

        git-ai keeps a linked worktree's logs in ``ai/worktrees/<name>/``; the
        store lives in the common dir, so their names carry that prefix.
        """
        return base if self.worktree is None else f"worktrees/{self.worktree}/{base}"

    # ------------------------------------------------------------------ HEAD

    def head_oid(self) -> str | None:
        """The full HEAD commit id, or None for a repository with no commits."""
        head = (_read_text(self.git_dir / "HEAD") or "").strip()
        if _HEX.match(head):
            return head
        if head.startswith("ref: ") and not (self.common_dir / "reftable").exists():
            # Loose or packed ref; a branch that resolves to nothing has no
            # commit yet: the repository's "initial" state.
            return self._resolve_ref(head[5:].strip())
        try:
            out = _git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], self.root)
        except OSError:
            return None
        oid = out.decode().strip()
        return oid if _HEX.match(oid) else None

    def _resolve_ref(self, ref: str, depth: int = 0) -> str | None:
        if depth > 5:
            return None
        for base in (self.git_dir, self.common_dir):
            text = (_read_text(base / ref) or "").strip()
            if _HEX.match(text):
                return text
            if text.startswith("ref: "):
                return self._resolve_ref(text[5:].strip(), depth + 1)
        return _packed_ref(self.common_dir / "packed-refs", ref)

    def base_name(self) -> str:
        """git-ai's working-log base: the full HEAD oid, or ``initial``."""
        return self.head_oid() or "initial"

    # ------------------------------------------------------------------ contents

    def head_contents(self, commit: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of ``paths`` (repo-relative, posix) in ``commit``'s tree; None if absent.

        One ``git cat-file --batch`` for all paths. Errors give None for every
        path (the caller then treats the files as new).
        """
        wanted = list(paths)
        if not wanted:
            return {}
        out: dict[str, bytes | None] = dict.fromkeys(wanted)
        request = b"".join(
            f"{commit}:{p}".encode("utf-8", "surrogateescape") + b"\n"
            for p in wanted
            if "\n" not in p
        )
        try:
            data = _git(["cat-file", "--batch"], self.root, stdin=request)
        except OSError:
            return out
        pos = 0
        for p in (p for p in wanted if "\n" not in p):
            nl = data.find(b"\n", pos)
            if nl < 0:
                break
            header = data[pos:nl].split(b" ")
            pos = nl + 1
            # "<oid> <type> <size>", or "<spec> missing": a spec can hold spaces, a size
            # is digits and "missing" is not.
            if len(header) != 3 or not header[2].isdigit():
                continue
            size = int(header[2])
            if header[1] == b"blob":
                out[p] = data[pos : pos + size]
            pos += size + 1  # a tree or submodule at that path is not file content
        return out

    def status_paths(self) -> list[str]:
        """Changed and untracked files (``git status --porcelain -uall``), repo-relative.

        Renames give their new path, as in git-ai's ``discover_dirty_files_from_status``.
        """
        try:
            data = _git(["status", "--porcelain=v1", "-z", "-uall"], self.root)
        except OSError as exc:
            raise InputError(f"git status failed: {exc.strerror}") from None
        out: list[str] = []
        items = data.split(b"\x00")
        i = 0
        while i < len(items):
            item = items[i]
            i += 1
            if len(item) < 4:
                continue
            status, path = item[:2], item[3:]
            if status[:1] in (b"R", b"C"):
                i += 1  # -z puts the original path in the next field
            out.append(path.decode("utf-8", "surrogateescape"))
        return out

    def commit_oid(self, rev: str) -> str | None:
        """The full id of the commit ``rev`` names (an abbreviated id, a branch...), or None."""
        if not rev or rev.startswith("-") or "\x00" in rev:
            return None
        try:
            out = _git(["rev-parse", "-q", "--verify", f"{rev}^{{commit}}"], self.root)
        except OSError:
            return None
        oid = out.decode("ascii", "replace").strip()
        return oid if _HEX.match(oid) else None

    def author_identity(self) -> str:
        """git-ai's author: ``git var GIT_COMMITTER_IDENT`` as ``Name <email>``, or ``unknown``."""
        try:
            out = _git(["var", "GIT_COMMITTER_IDENT"], self.root).decode("utf-8", "replace")
        except OSError:
            return "unknown"
        ident = out.strip()
        close = ident.rfind(">")
        if close < 0:
            return "unknown"
        return ident[: close + 1]

    # ------------------------------------------------------------------ paths

    @property
    def ai_dir(self) -> Path:
        """git-ai's ``ai`` directory for this work tree (legacy working logs live here)."""
        if self.worktree is None:
            return self.common_dir / "ai"
        return self.common_dir / "ai" / "worktrees" / self.worktree

    def relative(self, path: str | os.PathLike[str], cwd: Path) -> str | None:
        """``path`` made repo-relative (posix), or None if it lies outside the work tree.

        Symlinks are resolved first, so a path that reaches out of the
        repository through a symlink counts as outside.
        """
        p = Path(path)
        if not p.is_absolute():
            p = cwd / p
        try:
            real = Path(os.path.realpath(p))
        except (OSError, ValueError):
            return None
        try:
            rel = real.relative_to(self.root)
        except ValueError:
            return None
        text = rel.as_posix()
        if text in ("", ".") or text == ".git" or text.startswith(".git/"):
            return None
        return text


#: HEAD, a loose ref, ``commondir`` or a ``.git`` file is never longer than this.
_MAX_SMALL_FILE = 64 << 10


def _read_text(path: Path) -> str | None:
    # Through safeio: a FIFO or a device in .git cannot hang the hook. Anything
    # refused reads as "not there", and git itself is asked instead.
    try:
        return read_regular(path, _MAX_SMALL_FILE).decode("utf-8")
    except (OSError, UnreadableFileError, UnicodeDecodeError):
        return None


def _packed_ref(path: Path, ref: str) -> str | None:
    """The oid of ``ref`` in ``packed-refs``, streamed (the file can be large)."""
    suffix = b" " + ref.encode("utf-8", "surrogateescape")
    try:
        with open_regular(path) as f:
            for raw in f:
                line = raw.rstrip(b"\r\n")
                if line.endswith(suffix):
                    oid = line.split(b" ", 1)[0].decode("ascii", "replace")
                    if _HEX.match(oid):
                        return oid
    except (OSError, UnreadableFileError):
        return None
    return None


def find_repo(cwd: str | os.PathLike[str]) -> Repo:
    """The work tree containing ``cwd``.

    :raises NotARepositoryError: ``cwd`` does not exist or is not in a git work tree.
    """
    start = Path(cwd)
    try:
        start = Path(os.path.realpath(start))
    except OSError:
        raise NotARepositoryError(f"directory {cwd} does not exist") from None
    if not start.is_dir():
        raise NotARepositoryError(f"directory {cwd} does not exist")
    if "GIT_DIR" not in os.environ:
        for d in (start, *start.parents):
            dotgit = d / ".git"
            if dotgit.is_dir():
                return Repo(d, dotgit, _common_dir(dotgit), None)
            if dotgit.is_file():
                text = _read_text(dotgit) or ""
                if text.startswith("gitdir:"):
                    gd = Path(text[7:].strip())
                    if not gd.is_absolute():
                        gd = (d / gd).resolve()
                    common = _common_dir(gd)
                    name = gd.name if gd.parent.name == "worktrees" else None
                    return Repo(d, gd, common, name)
    try:
        out = _git(
            ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"], start
        ).decode("utf-8", "surrogateescape")
    except OSError:
        raise NotARepositoryError(f"{start} is not inside a git work tree") from None
    lines = out.splitlines()
    if len(lines) < 3:
        raise NotARepositoryError(f"{start} is not inside a git work tree")
    root, git_dir = Path(lines[0]), Path(lines[1])
    common = Path(lines[2])
    if not common.is_absolute():
        common = (start / common).resolve()
    name = git_dir.name if git_dir.parent.name == "worktrees" else None
    return Repo(Path(os.path.realpath(root)), git_dir, common, name)


def _common_dir(git_dir: Path) -> Path:
    text = _read_text(git_dir / "commondir")
    if text is None:
        return git_dir
    p = Path(text.strip())
    return p if p.is_absolute() else (git_dir / p).resolve()
