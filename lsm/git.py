"""Running ``git`` for the commit path: one place for processes, objects and refs.

Every git process of post-commit, the rewrite hooks and the read commands
starts here, through ``posix_spawn`` (:mod:`lsm.checkpoint.spawn`; a hook
must not pay for :mod:`subprocess`), with the environment git-ai uses for
its internal git calls: no ``GIT_TRACE*`` (a trace target could stall us),
``GIT_OPTIONAL_LOCKS=0`` (never take ``.git/index.lock`` behind the user's
back, git-ai #1240), and ``GIT_TERMINAL_PROMPT=0``.

Batching is the point: :meth:`Git.cat_file` reads any number of objects
(``<rev>:<path>`` specs included) with one ``git cat-file --batch``, so a
commit costs a constant number of processes whatever it touches.

What can fail: :class:`~lsm.errors.GitError` when git cannot be started or
exits non-zero (:meth:`Git.run` with ``check=False`` returns the status
instead). Nothing here writes to the repository except :meth:`Git.run` with
a writing command, which the caller chooses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from lsm.checkpoint.spawn import Running
from lsm.checkpoint.spawn import run as spawn
from lsm.checkpoint.spawn import start as spawn_start
from lsm.errors import GitError
from lsm.record import NamedTuple

__all__ = [
    "EMPTY_TREE",
    "MAX_LISTED_PATHS",
    "PATCH_OPTIONS",
    "CommitObject",
    "Git",
    "GitObject",
    "RefMove",
    "is_null_oid",
    "is_oid",
    "last_reflog_entry",
    "parse_commit",
    "parse_ident",
    "reflog_tail",
    "unquote_path",
]

#: git-ai's "PatchParse" profile: options forced on every diff that is parsed
#: (the user's diff settings must not change what is read).
PATCH_OPTIONS = (
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--no-relative",
    "--no-color",
    "--diff-algorithm=default",
    "--indent-heuristic",
    "--inter-hunk-context=0",
)

#: git's empty tree (SHA-1): the diff base of a root commit.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

#: Most paths :meth:`Git.tree_blobs` names on the command line (git-ai's pathspec limit).
MAX_LISTED_PATHS = 1000

_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")


def is_oid(text: str) -> bool:
    """True for a full SHA-1 or SHA-256 object id in lowercase hex."""
    return _OID.match(text) is not None


class GitObject(NamedTuple):
    """One object read by ``cat-file --batch``: its id, type and bytes."""

    oid: str
    type: str
    data: bytes


class CommitObject(NamedTuple):
    """The fields of a commit object the commit path uses.

    :ivar author: ``Name <email>`` (the timestamp dropped), as git-ai formats identities.
    :ivar author_time: the author date, unix seconds.
    """

    oid: str
    tree: str
    parents: tuple[str, ...]
    author: str
    author_time: int
    committer: str
    message: str


def parse_ident(line: str) -> tuple[str, int]:
    """``Name <email> 1700000000 +0100`` -> (``Name <email>``, 1700000000)."""
    close = line.rfind(">")
    if close < 0:
        return line.strip(), 0
    ident = line[: close + 1].strip()
    rest = line[close + 1 :].split()
    try:
        ts = int(rest[0]) if rest else 0
    except ValueError:
        ts = 0
    return ident, ts


def parse_commit(oid: str, data: bytes) -> CommitObject:
    """Parse a raw commit object. :raises GitError: it has no tree line."""
    text = data.decode("utf-8", "replace")
    head, _, message = text.partition("\n\n")
    tree = ""
    parents: list[str] = []
    author = committer = ""
    author_time = 0
    for line in head.split("\n"):
        key, _, value = line.partition(" ")
        if key == "tree":
            tree = value
        elif key == "parent":
            parents.append(value)
        elif key == "author":
            author, author_time = parse_ident(value)
        elif key == "committer":
            committer = parse_ident(value)[0]
    if not tree:
        raise GitError(f"object {oid} is not a commit")
    return CommitObject(oid, tree, tuple(parents), author, author_time, committer, message)


_ESCAPES = {
    "a": 7,
    "b": 8,
    "t": 9,
    "n": 10,
    "v": 11,
    "f": 12,
    "r": 13,
    '"': 34,
    "\\": 92,
}


def unquote_path(raw: str) -> str:
    """A path as git prints it (C-quoted when it has special bytes) -> the path.

    Octal escapes are bytes of the (usually UTF-8) name; undecodable bytes
    come back as surrogate escapes, like :func:`os.fsdecode`.
    """
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
        return raw
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            octal = body[i + 1 : i + 4]
            if len(octal) == 3 and all(c in "01234567" for c in octal):
                out.append(int(octal, 8) & 0xFF)
                i += 4
                continue
            code = _ESCAPES.get(nxt)
            if code is not None:
                out.append(code)
                i += 2
                continue
        out.extend(ch.encode("utf-8", "surrogateescape"))
        i += 1
    return out.decode("utf-8", "surrogateescape")


class Git:
    """git commands run in one work tree (``git -C root``).

    :param root: the work tree (or any directory inside the repository).
    :param env: the environment to start from (default ``os.environ``).
    """

    def __init__(self, root: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> None:
        self.root = Path(root)
        base = os.environ if env is None else env
        self.env = {k: v for k, v in base.items() if not k.startswith("GIT_TRACE")}
        self.env["GIT_OPTIONAL_LOCKS"] = "0"
        self.env["GIT_TERMINAL_PROMPT"] = "0"
        #: How many git processes this object started (tests assert the batching).
        self.spawned = 0

    def run(
        self,
        args: Sequence[str],
        *,
        stdin: bytes | None = None,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes, bytes]:
        """``git -C root args...`` to completion: (status, stdout, stderr).

        :raises GitError: git cannot be started, or (``check``) exits non-zero.
        """
        argv = ["git", "-C", str(self.root), *args]
        full_env = self.env if env is None else {**self.env, **env}
        self.spawned += 1
        try:
            code, out, err = spawn(argv, full_env, stdin)
        except OSError as exc:
            raise GitError(
                f"cannot run git: {exc.strerror or exc}",
                hint="Install git (2.22 or newer) and make sure it is on PATH.",
            ) from None
        if check and code != 0:
            message = err.decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit status {code}"
            raise GitError(f"git {' '.join(args[:2])} failed: {detail}", returncode=code)
        return code, out, err

    def start(self, args: Sequence[str]) -> Running:
        """Start ``git -C root args...`` without waiting (``.wait()`` -> status, out, err).

        For overlapping one long git command with other work.
        :raises GitError: git cannot be started.
        """
        self.spawned += 1
        try:
            return spawn_start(["git", "-C", str(self.root), *args], self.env)
        except OSError as exc:
            raise GitError(
                f"cannot run git: {exc.strerror or exc}",
                hint="Install git (2.22 or newer) and make sure it is on PATH.",
            ) from None

    def output(self, args: Sequence[str], *, stdin: bytes | None = None) -> bytes:
        """stdout of ``git args...``. :raises GitError: it failed."""
        return self.run(args, stdin=stdin)[1]

    # ------------------------------------------------------------------ revisions

    def rev_parse(self, rev: str) -> str | None:
        """The full object id ``rev`` names, or None if it names nothing."""
        code, out, _ = self.run(
            ["rev-parse", "-q", "--verify", "--end-of-options", rev], check=False
        )
        oid = out.decode("ascii", "replace").strip()
        return oid if code == 0 and is_oid(oid) else None

    def resolve_commit(self, rev: str) -> str | None:
        """The commit ``rev`` names (``^{commit}`` peeled), or None."""
        return self.rev_parse(f"{rev}^{{commit}}")

    # ------------------------------------------------------------------ objects

    def cat_file(self, specs: Sequence[str]) -> list[GitObject | None]:
        """Read objects with one ``cat-file --batch``; None for each missing one.

        ``specs`` are anything ``cat-file`` accepts (``<oid>``, ``<rev>:<path>``).
        A spec containing a newline cannot be asked for and reads as missing.
        """
        if not specs:
            return []
        asked = [s for s in specs if "\n" not in s]
        request = b"".join(s.encode("utf-8", "surrogateescape") + b"\n" for s in asked)
        data = self.output(["cat-file", "--batch"], stdin=request)
        found: dict[int, GitObject | None] = {}
        pos = 0
        for n in range(len(asked)):
            nl = data.find(b"\n", pos)
            if nl < 0:
                break
            header = data[pos:nl].split(b" ")
            pos = nl + 1
            if len(header) == 3 and header[2].isdigit():
                size = int(header[2])
                found[n] = GitObject(
                    header[0].decode("ascii"), header[1].decode("ascii"), data[pos : pos + size]
                )
                pos += size + 1
            else:
                found[n] = None  # "<spec> missing" or "ambiguous"
        it = iter(range(len(asked)))
        out: list[GitObject | None] = []
        for s in specs:
            out.append(None if "\n" in s else found.get(next(it)))
        return out

    def tree_blobs(self, rev: str, paths: Sequence[str]) -> dict[str, str]:
        """The blob id of each of ``paths`` in ``rev``'s tree, from one ``ls-tree -r``.

        Paths absent from the tree, or naming a tree or a submodule, are left
        out. Why not ``cat-file`` ``<rev>:<path>`` specs: git walks the tree
        from the root for every such spec, inflating a loose root tree (a new
        commit's always is) once per path: 300 paths took 33 ms that way
        against 4 ms through ``ls-tree`` and blob ids (docs/benchmarks.md).
        More than :data:`MAX_LISTED_PATHS` paths are not put on the command
        line: the whole tree is listed and filtered.

        :raises GitError: ``rev`` names no tree-ish.
        """
        if not paths:
            return {}
        args = ["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", rev]
        wanted = set(paths)
        if len(wanted) <= MAX_LISTED_PATHS:
            args += ["--", *sorted(wanted)]
        found: dict[str, str] = {}
        for item in self.output(args).split(b"\0"):
            meta, tab, raw = item.partition(b"\t")
            fields = meta.split(b" ")
            if not tab or len(fields) != 3 or fields[1] != b"blob":
                continue
            path = raw.decode("utf-8", "surrogateescape")
            if path in wanted:
                found[path] = fields[2].decode("ascii")
        return found

    def blobs(self, specs: Sequence[str]) -> list[bytes | None]:
        """Contents of blobs by spec (``<rev>:<path>``); None when absent or not a blob."""
        return [
            o.data if o is not None and o.type == "blob" else None for o in self.cat_file(specs)
        ]

    def commit(self, rev: str) -> CommitObject | None:
        """The commit ``rev`` names, parsed, or None."""
        obj = self.cat_file([f"{rev}^{{commit}}"])[0]
        return None if obj is None else parse_commit(obj.oid, obj.data)

    # ------------------------------------------------------------------ config

    def config(self, key: str) -> str | None:
        """``git config --get key``, or None when unset."""
        code, out, _ = self.run(["config", "--get", key], check=False)
        return out.decode("utf-8", "replace").rstrip("\n") if code == 0 else None

    def config_global(self, key: str) -> str | None:
        """``git config --global --get key`` (the user's file only), or None."""
        code, out, _ = self.run(["config", "--global", "--get", key], check=False)
        return out.decode("utf-8", "replace").rstrip("\n") if code == 0 else None

    def config_local(self, key: str) -> str | None:
        """``git config --local --get key`` (this repository's file only), or None."""
        code, out, _ = self.run(["config", "--local", "--get", key], check=False)
        return out.decode("utf-8", "replace").rstrip("\n") if code == 0 else None


class RefMove(NamedTuple):
    """One reflog entry: a ref moved from ``old`` to ``new`` (all zeros: none)."""

    old: str
    new: str
    message: str


def last_reflog_entry(git_dir: str | os.PathLike[str], ref: str = "HEAD") -> RefMove | None:
    """The newest entry of ``<git_dir>/logs/<ref>``, or None (no reflog, or unreadable).

    Reads only the file's tail: a reflog can be megabytes.
    """
    path = Path(git_dir) / "logs" / ref
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(max(0, size - 8192))
            tail = f.read()
    except OSError:
        return None
    lines = [ln for ln in tail.split(b"\n") if ln]
    if not lines:
        return None
    head, _, message = lines[-1].partition(b"\t")
    fields = head.split(b" ")
    if len(fields) < 2:
        return None
    old, new = fields[0].decode("ascii", "replace"), fields[1].decode("ascii", "replace")
    if not (is_oid(old) and is_oid(new)):
        return None
    return RefMove(old, new, message.decode("utf-8", "replace"))


def reflog_tail(
    git_dir: str | os.PathLike[str], ref: str = "HEAD", *, size: int = 65536
) -> list[tuple[RefMove, int]]:
    """The newest entries of ``<git_dir>/logs/<ref>`` (oldest first) with their unix times.

    Only the file's last ``size`` bytes are read; a torn first line is skipped.
    """
    path = Path(git_dir) / "logs" / ref
    try:
        with open(path, "rb") as f:
            end = os.fstat(f.fileno()).st_size
            f.seek(max(0, end - size))
            tail = f.read()
    except OSError:
        return []
    out: list[tuple[RefMove, int]] = []
    for raw in tail.split(b"\n"):
        head, tab, message = raw.partition(b"\t")
        fields = head.split(b" ")
        if not tab or len(fields) < 4:
            continue
        old, new = fields[0].decode("ascii", "replace"), fields[1].decode("ascii", "replace")
        if not (is_oid(old) and is_oid(new)):
            continue
        try:
            when = int(fields[-2])
        except ValueError:
            continue
        out.append((RefMove(old, new, message.decode("utf-8", "replace")), when))
    return out


def is_null_oid(oid: str) -> bool:
    """True for git's all-zeros id (a ref that did not exist)."""
    return oid.strip("0") == "" and len(oid) in (40, 64)
