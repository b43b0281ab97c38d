"""The human hook path stays light: what a ``ckptlog checkpoint`` process imports.

A git hook runs ``ckptlog checkpoint`` for every commit, so its start-up
is most of its latency. These modules cost milliseconds each to import and
have no business on that path: ``dataclasses`` (which pulls in ``inspect``,
``ast``, ``dis``...), ``orjson`` (whose init imports ``dataclasses``,
``uuid``, ``datetime`` and ``json``), ``tomllib`` (only read when a config
file exists), ``secrets``, ``shutil``, the compactor, the legacy importer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = (
    "dataclasses",
    "orjson",
    "inspect",
    "tomllib",
    "secrets",
    "shutil",
    "lsm.compaction.compactor",
    "lsm.legacy.importer",
)

CODE = "import sys; from cli.main import main; main(sys.argv[1:])"


def _env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CKPTLOG_", "GIT_AI_", "PYTHON"))
    }
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], env=_env(), check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    _git(r, "init", "-q")
    _git(r, "config", "user.name", "Ada")
    _git(r, "config", "user.email", "ada@example.com")
    (r / "f.txt").write_text("a\n")
    _git(r, "add", ".")
    _git(r, "commit", "-q", "-m", "init")
    return r


def _checkpoint_imports(repo: Path) -> tuple[list[str], str]:
    """Run a human checkpoint of f.txt with ``-X importtime``: (modules imported, other stderr)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CODE, "checkpoint", "--", "f.txt"],
        cwd=repo,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    modules: list[str] = []
    other: list[str] = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                modules.append(name)
        else:
            other.append(line)
    return modules, "\n".join(other)


def test_human_checkpoint_imports_nothing_heavy(repo: Path) -> None:
    # The first checkpoint creates the store; the second appends to it.
    for n in range(2):
        with (repo / "f.txt").open("a") as f:
            f.write(f"line {n}\n")
        modules, messages = _checkpoint_imports(repo)
        assert "changed 1 of the 1 file(s)" in messages, messages
        assert "lsm.checkpoint.runner" in modules  # the work was done in this process
        heavy = [m for m in FORBIDDEN if m in modules]
        assert heavy == [], f"the human hook imported {heavy}"
