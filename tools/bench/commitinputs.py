"""Inputs of the commit-path benchmarks: a repository just before (or just after) an AI commit.

The state every commit scenario starts from, built through the **installed** ``ckptlog`` (the
one under test, so the store is in the format it writes), cached, and copied into each run:

1. the ``files``-file repository of :mod:`tools.repro.gitrepo` (HEAD = P);
2. git-ai's working log of P: the ``history`` corpus of ``checkpoints`` checkpoints over those
   files (:func:`tools.repro.fixtures.history_corpus`), imported with ``ckptlog import``;
3. an AI edit: :data:`AI_LINES` lines appended to each of the first ``commit_files`` files,
   recorded by ``ckptlog checkpoint mock_ai -- <files>`` (git-ai's test preset: an AI
   checkpoint of the named paths);
4. ``ckptlog export``: git-ai's files of P rewritten from the store, so they hold the same
   ``checkpoints + 1`` checkpoints (the git-ai peer reads them, ours reads the store);
5. ``git add`` of the edited files (stage ``staged``, where ``git commit`` scenarios start);
6. ``git commit`` with no hooks (stage ``committed``, where post-commit scenarios start): the
   HEAD reflog says ``commit: …`` from P to C, as after a real commit, and nothing has run yet.

Git runs with the fixture's hermetic environment (:func:`tools.repro.gitrepo.git_env`: no user
or system configuration, fixed identity and dates, so C is the same commit every time); the
auto-compactor is off while the template is built (a detached compaction must not race the
copy). Three templates are cached, each built from the one before: ``imported`` (steps 1-2,
shared by every commit size), ``staged`` (3-5) and ``committed`` (6). They are keyed by shape and
by a fingerprint of the installed ckptlog (its version and its package files), so a rebuilt
wheel never reuses a store another build wrote.

What can fail: :class:`RuntimeError` naming the step and its output when a command fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tools.bench.scenario import BenchEnv, Context
from tools.repro import fixtures, shapes
from tools.repro.cache import cached_path
from tools.repro.gitrepo import GIT_IDENTITY, git, git_env, repo_from_template

STAGES = ("staged", "committed")
AI_LINES = 3
"""Lines the AI edit appends to each committed file (the note attests ``3 x commit_files``)."""
COMMIT_MESSAGE = "AI edit"
META = "commit-input.json"
"""Written beside the template's repository: base, commit, files (what the context needs)."""


def ai_edit_line(file_index: int, line: int) -> str:
    """The ``line``-th line the AI edit appends to file ``file_index``."""
    return f"ai edit of file {file_index}, line {line}\n"


def _build_env() -> dict[str, str]:
    """The environment of the template's commands: hermetic git, no auto-compaction."""
    return {**git_env(), "CKPTLOG_COMPACTION_AUTO": "false"}


def measured_env() -> dict[str, str]:
    """What a measured command gets on top of the driver's environment: the fixture's hermetic
    git configuration, identity and dates (ckptlog's own settings stay the defaults)."""
    return {**GIT_IDENTITY, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _run(argv: list[str], cwd: Path, env: dict[str, str], step: str) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-2000:]
        raise RuntimeError(f"{step}: `{' '.join(argv)}` exited {done.returncode}: {tail}")
    return done.stdout + done.stderr


def ckptlog_fingerprint(ckptlog: str) -> str:
    """A short hash of the installed ckptlog: its path and its package files.

    The package is found (not imported) through the interpreter on the console script's
    ``#!`` line; a ckptlog that is not a Python script is fingerprinted by its own bytes.
    """
    h = hashlib.sha256(ckptlog.encode())
    script = Path(ckptlog)
    first = script.read_bytes()[:512].split(b"\n", 1)[0]
    python = first[2:].strip().decode() if first.startswith(b"#!") else ""
    where = ""
    if python:
        found = subprocess.run(  # from /, so that no lsm/ of the working directory shadows it
            [python, "-c", "import importlib.util as u; print(u.find_spec('lsm').origin)"],
            cwd=os.sep,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        where = found.stdout.strip() if found.returncode == 0 else ""
    if where:
        root = Path(where).parent.parent
        for sub in ("lsm", "cli"):
            for path in sorted((root / sub).rglob("*.py")):
                st = path.stat()
                h.update(f"{path.relative_to(root)} {st.st_size} {st.st_mtime_ns}\n".encode())
    else:
        h.update(script.read_bytes())
    return h.hexdigest()[:12]


def _edit(repo: Path, count: int) -> list[str]:
    files = [shapes.file_name(i) for i in range(count)]
    for i, name in enumerate(files):
        with (repo / name).open("a", encoding="utf-8") as out:
            out.write("".join(ai_edit_line(i, j) for j in range(1, AI_LINES + 1)))
    return files


def _build_imported(tmp: Path, cache: Path, ckptlog: str, n: int, files: int) -> None:
    repo = tmp / "repo"
    head = repo_from_template(cache, repo, files)
    fixtures.install_log(repo, head, fixtures.history_corpus(cache, n, files))
    _run([ckptlog, "import"], repo, _build_env(), "import the history")
    (tmp / META).write_text(json.dumps({"base": head, "commit": None, "files": []}))


def _build_staged(tmp: Path, imported: Path, ckptlog: str, n: int, k: int) -> None:
    shutil.copytree(imported, tmp, symlinks=True)
    repo = tmp / "repo"
    meta = json.loads((tmp / META).read_text())
    log_dir = repo / ".git" / "ai" / "working_logs" / meta["base"]
    env = _build_env()
    edited = _edit(repo, k)
    _run([ckptlog, "checkpoint", "mock_ai", "--strict", "--", *edited], repo, env, "checkpoint")
    _run([ckptlog, "export"], repo, env, "export git-ai's files")
    with (log_dir / "checkpoints.jsonl").open("rb") as lines:
        count = sum(1 for _ in lines)
    if count != n + 1:
        raise RuntimeError(f"export wrote {count} checkpoints, expected {n + 1}")
    git(repo, "add", "--", *edited)
    meta.update(files=edited, checkpoints=n + 1)
    (tmp / META).write_text(json.dumps(meta))


def _build_committed(tmp: Path, staged: Path) -> None:
    shutil.copytree(staged, tmp, symlinks=True)
    repo = tmp / "repo"
    git(repo, "commit", "-q", "--no-verify", "-m", COMMIT_MESSAGE)
    meta = json.loads((tmp / META).read_text())
    meta["commit"] = git(repo, "rev-parse", "HEAD")
    (tmp / META).write_text(json.dumps(meta))


def template(env: BenchEnv, stage: str, checkpoints: int | None = None) -> Path:
    """The cached template directory (``repo/`` and :data:`META`) for the case's shape."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (one of {', '.join(STAGES)})")
    if env.ckptlog is None:
        raise RuntimeError(env.ckptlog_problem or "ckptlog is not installed")
    ckptlog = env.ckptlog
    n = int(checkpoints if checkpoints is not None else env.param("checkpoints", 1000))
    files = int(env.param("files", 400))
    k = int(env.param("commit_files", 1))
    if not 1 <= k <= files:
        raise ValueError(f"commit_files must be 1..files ({files}), got {k}")
    cache = Path(env.cache_dir)
    key = f"commit-{n}-f{files}-{ckptlog_fingerprint(ckptlog)}"
    imported = cached_path(
        cache, f"{key}-imported", lambda tmp: _build_imported(tmp, cache, ckptlog, n, files)
    )
    staged = cached_path(
        cache, f"{key}-k{k}-staged", lambda tmp: _build_staged(tmp, imported, ckptlog, n, k)
    )
    if stage == "staged":
        return staged
    return cached_path(cache, f"{key}-k{k}-committed", lambda tmp: _build_committed(tmp, staged))


def prepare(env: BenchEnv, stage: str, checkpoints: int | None = None) -> Context:
    """Copy the template for this case into ``env.workdir``; return the scenario context.

    Context: ``input`` (``commit``), ``repo``, ``base`` (P), ``commit`` (C, or None when
    staged), ``log_dir`` (git-ai's working log of P), ``files`` (the edited paths),
    ``ai_lines`` (what the note must attest), ``checkpoints`` (in the log, the AI edit
    included), ``input_bytes`` (the log as git-ai's ``checkpoints.jsonl``), ``ckptlog``.
    """
    source = template(env, stage, checkpoints)
    meta: dict[str, Any] = json.loads((source / META).read_text())
    repo = Path(env.workdir) / "repo"
    repo.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "repo", repo, symlinks=True)
    # The copy changed every inode and mtime: refresh the index now, not in the measured run.
    subprocess.run(
        ["git", "-C", str(repo), "update-index", "-q", "--refresh"],
        env=git_env(),
        check=False,
        capture_output=True,
    )
    log_dir = repo / ".git" / "ai" / "working_logs" / meta["base"]
    return {
        "input": "commit",
        "repo": str(repo),
        "base": meta["base"],
        "commit": meta["commit"],
        "log_dir": str(log_dir),
        "files": list(meta["files"]),
        "ai_lines": AI_LINES * len(meta["files"]),
        "checkpoints": int(meta["checkpoints"]),
        "input_bytes": (log_dir / "checkpoints.jsonl").stat().st_size,
        "ckptlog": env.ckptlog,
        "env": measured_env(),
    }
