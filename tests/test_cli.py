"""The click commands, through CliRunner, on real stores in real git repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.commands import cli
from lsm import Store, StoreOptions
from tests.engine_util import make_checkpoint


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    return tmp_path / "repo"


@pytest.fixture
def filled(repo: Path) -> Path:
    """A repo whose store (initial log) holds 12 checkpoints over 3 files, some sealed."""
    with Store.open(repo / ".git" / "ai" / "lsm", options=StoreOptions(segment_bytes=4096)) as s:
        for i in range(12):
            cp, blobs = make_checkpoint("c", i, f"f{i % 3}.txt")
            s.append("initial", cp, blobs=blobs)
    return repo


def run(*args: str) -> object:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def test_version_and_help() -> None:
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and "ckptlog" in r.output
    r = CliRunner().invoke(cli, ["-h"])
    assert r.exit_code == 0 and "inspect" in r.output


def test_inspect_commands_text_and_json(filled: Path) -> None:
    c = ["-C", str(filled)]
    r = CliRunner().invoke(cli, ["inspect", "stats", *c])
    assert r.exit_code == 0 and "checkpoints            12" in r.output
    doc = json.loads(CliRunner().invoke(cli, ["inspect", "stats", "--json", *c]).output)
    assert doc["checkpoints"] == 12 and doc["files"] == 3 and doc["segments"] >= 2
    logs = json.loads(CliRunner().invoke(cli, ["inspect", "logs", "--json", *c]).output)
    assert [row["name"] for row in logs] == ["initial"]
    files = CliRunner().invoke(cli, ["inspect", "files", "--nl", *c]).output.splitlines()
    assert [json.loads(line)["path"] for line in files] == ["f0.txt", "f1.txt", "f2.txt"]
    hist = json.loads(
        CliRunner().invoke(cli, ["inspect", "history", "f1.txt", "--json", *c]).output
    )
    assert [h["seq"] for h in hist] == sorted((h["seq"] for h in hist), reverse=True) and len(
        hist
    ) == 4
    segs = json.loads(CliRunner().invoke(cli, ["inspect", "segments", "--json", *c]).output)
    assert {s["state"] for s in segs} == {"active", "sealed"}
    r = CliRunner().invoke(cli, ["inspect", "files", "--json", "--nl", *c])
    assert r.exit_code == 2  # usage error: the options exclude each other


def test_inspect_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["inspect", "files", "-C", str(tmp_path)])
    assert r.exit_code == 1
    assert "not inside a git work tree" in r.output


def test_verify_ok_then_detects_damage_and_fixes(filled: Path) -> None:
    c = ["-C", str(filled)]
    r = CliRunner().invoke(cli, ["verify", *c])
    assert r.exit_code == 0 and "ok: no problems" in r.output
    seg = filled / ".git" / "ai" / "lsm" / "segments" / "00000001.seg"
    data = bytearray(seg.read_bytes())
    data[200] ^= 0xFF
    seg.write_bytes(bytes(data))
    r = CliRunner().invoke(cli, ["verify", "--json", *c])
    assert r.exit_code == 1
    doc = json.loads(r.output)
    assert not doc["ok"] and any(p["code"] == "corrupt-frame" for p in doc["problems"])
    r = CliRunner().invoke(cli, ["verify", "--fix", *c])
    assert r.exit_code == 0 and "rebuilt" in r.output
    r = CliRunner().invoke(cli, ["verify", "--no-lmdb-check", *c])
    # The damaged frame stays in its sealed segment (never modified); what is
    # left is reported, and the index no longer points at it.
    assert all("bad-pointer" not in line for line in r.output.splitlines())


def test_compact_report_and_dry_run(filled: Path) -> None:
    c = ["-C", str(filled)]
    r = CliRunner().invoke(cli, ["compact", "--dry-run", "--json", *c])
    assert r.exit_code == 0
    doc = json.loads(r.output)
    assert doc["dry_run"] and doc["inputs"]
    r = CliRunner().invoke(cli, ["compact", "--policy", "latest", *c])
    assert r.exit_code == 0 and "compacted" in r.output
    r = CliRunner().invoke(cli, ["compact", "--policy", "bogus", *c])
    # A usage error that names the flag, not a configuration error.
    assert r.exit_code == 2 and "Invalid value for --policy: bad compaction policy" in r.output
    assert "ckptlog.toml" not in r.output


def test_config_shows_sources(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".git" / "ai").mkdir(parents=True, exist_ok=True)
    (repo / ".git" / "ai" / "ckptlog.toml").write_text("[caps]\nmax_paths = 10\n")
    monkeypatch.setenv("CKPTLOG_STORAGE_DURABILITY", "full")
    doc = json.loads(CliRunner().invoke(cli, ["config", "--json", "-C", str(repo)]).output)
    assert doc["caps"]["max_paths"] == 10 and doc["sources"]["caps.max_paths"] == "file"
    assert doc["storage"]["durability"] == "full"
    assert doc["sources"]["storage.durability"] == "env:CKPTLOG_STORAGE_DURABILITY"
    (repo / ".git" / "ai" / "ckptlog.toml").write_text("[caps]\nmax_pathz = 10\n")
    r = CliRunner().invoke(cli, ["config", "-C", str(repo)])
    assert r.exit_code == 1 and "unknown key caps.max_pathz" in r.output


def test_installed_entry_point_runs(filled: Path) -> None:
    exe = Path(sys.executable).with_name("ckptlog")
    out = subprocess.run(
        [str(exe), "inspect", "logs", "--json", "-C", str(filled)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)[0]["checkpoints"] == 12
