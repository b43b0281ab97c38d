"""The hostile world the fuzz cases run in, and the values they are made of.

:func:`build` makes, under one directory: a git repository with ordinary
files and traps inside it (a FIFO, links to ``/dev/zero`` and out of the
repository, a sparse 2 GiB file, a directory, binary and non-UTF-8 files),
repositories whose git-ai working log is booby-trapped (a FIFO or a
directory as ``checkpoints.jsonl``, ``blobs`` linked out, a ``/dev/zero``
INITIAL, a 64 MiB line), an ``outside`` directory whose files carry a
*canary* (a random marker that must never reach a store), transcripts of
every kind (real ones, FIFOs, devices, sparse, NUL bytes, invalid UTF-8),
and a ``HOME`` with agent settings that are FIFOs or device links.

:class:`World` holds the paths and the value pools the per-preset
generators (``tests/fuzz/registry.py``) draw from.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.gitutil import GIT_ENV

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
SPARSE = 2 << 30


class World:
    """Paths and value pools of one built world."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.canary = "CANARY" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
        self.repo = root / "repo"
        self.outside = root / "outside"
        self.transcripts = root / "transcripts"
        self.home = root / "home"
        self.legacy_repos: list[Path] = []
        self.paths: list[str] = []
        self.transcript_paths: list[str] = []
        self.dirs: list[str] = []

    # ------------------------------------------------------------------ environment

    def env(self) -> dict[str, str]:
        """The environment every case starts from."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "CKPTLOG_COMPACTION_AUTO": "0",
            "CODEX_HOME": str(self.home / ".codex"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            **GIT_ENV,
        }

    def repos(self) -> list[Path]:
        """Every repository whose store the cases may write."""
        return [self.repo, *self.legacy_repos]

    def outside_snapshot(self) -> dict[str, str]:
        """Name -> digest of every regular file under ``outside`` (it must never change)."""
        out: dict[str, str] = {}
        for p in sorted(self.outside.rglob("*")):
            if p.is_symlink() or not p.is_file():
                out[str(p.relative_to(self.outside))] = "special"
            elif p.stat().st_size < (1 << 20):
                out[str(p.relative_to(self.outside))] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p.relative_to(self.outside))] = f"size {p.stat().st_size}"
        return out

    # ------------------------------------------------------------------ value pools

    def path(self, rng: random.Random) -> str:
        """A file path a hook might name: in, out, through links, odd files, odd strings."""
        return rng.choice(self.paths)

    def transcript(self, rng: random.Random) -> str:
        return rng.choice(self.transcript_paths)

    def cwd(self, rng: random.Random) -> str:
        return rng.choice(self.dirs)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    ).stdout.strip()


def _init_repo(path: Path, files: dict[str, str]) -> str:
    path.mkdir(parents=True)
    _git(path, "init", "-q")
    _git(path, "config", "user.name", "Fuzz")
    _git(path, "config", "user.email", "fuzz@example.com")
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    _git(path, "add", ".")
    _git(path, "commit", "-q", "-m", "init")
    return _git(path, "rev-parse", "HEAD")


def _sparse(path: Path, tail: bytes = b"") -> None:
    with path.open("wb") as f:
        f.truncate(SPARSE - len(tail))
        f.seek(SPARSE - len(tail))
        f.write(tail)


_LINE = {
    "kind": "AiAgent",
    "diff": "d",
    "author": "Fuzz",
    "entries": [
        {
            "file": "a.py",
            "blob_sha": "0" * 64,
            "attributions": [{"start": 0, "end": 6, "author_id": "ai-1", "ts": 1}],
            "line_attributions": [
                {"start_line": 1, "end_line": 1, "author_id": "ai-1", "overrode": None}
            ],
        }
    ],
    "timestamp": 1,
    "agent_id": {"tool": "claude", "id": "x", "model": "m"},
    "line_stats": {"additions": 1, "deletions": 0, "additions_sloc": 1, "deletions_sloc": 0},
    "api_version": "checkpoint/1.0.0",
}


def _legacy_repo(world: World, name: str, trap: str) -> Path:
    """A repository whose git-ai working log holds one trap."""
    repo = world.root / f"legacy-{name}"
    head = _init_repo(repo, {"a.py": "x = 1\n"})
    wl = repo / ".git" / "ai" / "working_logs" / head
    wl.mkdir(parents=True)
    line = json.dumps(_LINE).encode() + b"\n"
    if trap == "fifo":
        os.mkfifo(wl / "checkpoints.jsonl")
    elif trap == "directory":
        (wl / "checkpoints.jsonl").mkdir()
    elif trap == "dev-zero":
        (wl / "checkpoints.jsonl").symlink_to("/dev/zero")
    elif trap == "blobs-out":
        (wl / "checkpoints.jsonl").write_bytes(line)
        (wl / "blobs").symlink_to(world.outside)
    elif trap == "blob-links":
        (wl / "checkpoints.jsonl").write_bytes(line)
        blobs = wl / "blobs"
        blobs.mkdir()
        (blobs / ("1" * 64)).symlink_to(world.outside / "passwd")
        os.mkfifo(blobs / ("2" * 64))
        (blobs / ("3" * 64)).symlink_to("/dev/zero")
    elif trap == "initial":
        (wl / "checkpoints.jsonl").write_bytes(line)
        os.mkfifo(wl / "INITIAL")
    elif trap == "huge-line":
        with (wl / "checkpoints.jsonl").open("wb") as f:
            f.write(line)
            f.write(b'{"kind":"AiAgent","diff":"' + b"z" * (64 << 20) + b'"}\n')
            f.write(line)
    elif trap == "sparse":
        _sparse(wl / "checkpoints.jsonl", b"\n" + line)
    (repo / "a.py").write_text("x = 2\n")
    return repo


def build(root: Path) -> World:
    """Make the whole world under ``root`` (about a second)."""
    world = World(root)
    canary = world.canary
    out = world.outside
    out.mkdir(parents=True)
    (out / "passwd").write_text(f"root:x:0:0:{canary}:/root:/bin/sh\n")
    (out / "secret.py").write_text(f"API = '{canary}'\n")
    (out / "dir").mkdir()
    os.mkfifo(out / "fifo")
    _sparse(out / "sparse", canary.encode())

    repo = world.repo
    _init_repo(repo, {"a.py": "x = 1\n", "src/b.py": "def f():\n    return 1\n"})
    (repo / "new.txt").write_text("hello\n")
    (repo / "nul.bin").write_bytes(b"a\x00b\n")
    (repo / "latin1.txt").write_bytes(b"caf\xe9\n")
    (repo / "dir").mkdir()
    os.mkfifo(repo / "fifo")
    (repo / "link_out").symlink_to(out / "passwd")
    (repo / "link_in").symlink_to(repo / "a.py")
    (repo / "link_zero").symlink_to("/dev/zero")
    (repo / "link_dangling").symlink_to(repo / "nowhere")
    _sparse(repo / "sparse.bin")
    (repo / ".git-ai-ignore").write_text("ignored/**\n")
    (repo / "ignored").mkdir()
    (repo / "ignored" / "x.py").write_text("ignored = 1\n")

    for trap in ("fifo", "directory", "dev-zero", "blobs-out", "blob-links", "initial"):
        world.legacy_repos.append(_legacy_repo(world, trap, trap))
    world.legacy_repos.append(_legacy_repo(world, "huge-line", "huge-line"))
    world.legacy_repos.append(_legacy_repo(world, "sparse", "sparse"))

    t = world.transcripts
    t.mkdir()
    for name in ("example-claude-code.jsonl", "codex-session-simple.jsonl", "droid-session.jsonl"):
        shutil.copyfile(FIXTURES / name, t / name)
    (t / "s1.settings.json").write_text('{"model": "fuzz-model"}')
    os.mkfifo(t / "fifo.jsonl")
    os.mkfifo(t / "fifo.settings.json")
    (t / "zero.jsonl").symlink_to("/dev/zero")
    (t / "zero.settings.json").symlink_to("/dev/zero")
    (t / "link_out.jsonl").symlink_to(out / "passwd")
    _sparse(t / "sparse.jsonl")
    (t / "nul.jsonl").write_bytes(b'{"type":"user","message":{"content":"a\x00b"}}\n\x00\x00\n')
    (t / "bad-utf8.jsonl").write_bytes(b'{"type":"user","message":{"content":"caf\xe9"}}\n')
    (t / "utf16.jsonl").write_bytes('{"type":"user"}\n'.encode("utf-16"))
    (t / "huge-line.jsonl").write_bytes(
        b'{"type":"user","message":{"content":"' + b"y" * (3 << 20) + b'"}}\n'
    )
    (t / "dir.jsonl").mkdir()

    home = world.home
    codex = home / ".codex"
    codex.mkdir(parents=True)
    os.mkfifo(codex / "config.toml")
    factory = home / ".factory" / "sessions"
    factory.mkdir(parents=True)
    (home / ".local" / "share").mkdir(parents=True)

    world.paths = [
        str(repo / "a.py"),
        str(repo / "src" / "b.py"),
        str(repo / "new.txt"),
        "a.py",
        "src/b.py",
        "./src/../a.py",
        str(repo / "nul.bin"),
        str(repo / "latin1.txt"),
        str(repo / "dir"),
        str(repo / "fifo"),
        str(repo / "link_out"),
        str(repo / "link_in"),
        str(repo / "link_zero"),
        str(repo / "link_dangling"),
        str(repo / "sparse.bin"),
        str(repo / "ignored" / "x.py"),
        str(repo / "missing.py"),
        str(repo / ".git" / "config"),
        str(out / "passwd"),
        str(out / "secret.py"),
        str(out / "fifo"),
        str(out / "sparse"),
        "../outside/passwd",
        "/dev/zero",
        "/dev/null",
        "/etc/passwd",
        "/proc/self/environ",
        "file://" + str(repo / "a.py"),
        "",
        "a" * 5000,
        "caf\udce9.py",
        "tab\tnew\nline.py",
        "\u202eevil.py",
    ]
    world.transcript_paths = [str(t / n) for n in sorted(os.listdir(t))] + [
        str(out / "passwd"),
        str(out / "fifo"),
        "/dev/zero",
        str(t / "missing.jsonl"),
        "",
    ]
    world.dirs = [
        str(repo),
        str(repo),
        str(repo),
        str(repo / "src"),
        str(out),
        str(root / "missing-dir"),
        str(repo / "fifo"),
        "/",
        *[str(r) for r in world.legacy_repos],
    ]
    return world


def hostile_value(world: World, rng: random.Random) -> Any:
    """A value of the wrong kind for wherever it lands."""
    return rng.choice(
        [
            None,
            True,
            0,
            -1,
            2**70,
            1.5e308,
            "",
            " ",
            [],
            {},
            [world.path(rng)],
            {"nested": world.path(rng)},
            "x" * rng.choice([1, 100, 100_000]),
            "\x00",
            "\ud800",
        ]
    )
