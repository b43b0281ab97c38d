"""dump, inspect show, import, export, and the storage modes (legacy, dual) with verify --dual."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

import lsm
from cli.commands import cli
from tests.gitutil import GIT_ENV, git, init_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", {f"f{i}.py": f"# file {i}\n" for i in range(3)})


def session(repo: Path, n: int, mode: str = "lsm") -> None:
    """n checkpoints, alternating an agent (mock_ai) and a human over three files."""
    env = {**os.environ, **GIT_ENV, "CKPTLOG_STORAGE_MODE": mode, "CKPTLOG_COMPACTION_AUTO": "0"}
    for i in range(n):
        path = repo / f"f{i % 3}.py"
        lines = path.read_text().splitlines(keepends=True)
        if i % 2:
            lines.append(f"value_{i} = {i} * 2\n")
        elif len(lines) > 1:
            lines[-1] = lines[-1].replace("2", "3")
        else:
            lines.append(f"human_{i} = {i}\n")
        path.write_text("".join(lines))
        preset = "mock_ai" if i % 2 else None
        outcome = lsm.run_invocation(preset, None, [str(path)], cwd=str(repo), env=env)
        assert not outcome.failed, outcome.warnings
        assert outcome.results and outcome.results[0].seq is not None


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def legacy_file(repo: Path) -> Path:
    head = git(repo, "rev-parse", "HEAD")
    return repo / ".git" / "ai" / "working_logs" / head / "checkpoints.jsonl"


def test_dump_and_show(repo: Path) -> None:
    session(repo, 10)
    code, out = run("dump", "-C", str(repo))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 10
    docs = [orjson.loads(line) for line in lines]
    assert all(d["api_version"] == "checkpoint/1.0.0" for d in docs)
    # Only the newest entry of each file keeps character attributions (git-ai's prune).
    newest = {d["entries"][0]["file"]: i for i, d in enumerate(docs)}
    for i, d in enumerate(docs):
        if newest[d["entries"][0]["file"]] != i:
            assert d["entries"][0]["attributions"] == []
    with lsm.open_repo_store(repo) as store:
        last = max(cp.seq for cp in store.checkpoints(lsm.current_log(repo)))
    code, out = run("inspect", "show", str(last), "--json", "-C", str(repo))
    assert code == 0 and out == lines[-1] + "\n"
    code, out = run("inspect", "show", str(last), "-C", str(repo))
    assert code == 0
    assert '"kind": "AiAgent"' in out  # the newest checkpoint is the agent's
    code, out = run("inspect", "show", "999999", "-C", str(repo))
    assert code == 1 and "no checkpoint" in out


def test_legacy_mode_then_import_and_export_round_trip(repo: Path) -> None:
    session(repo, 20, mode="legacy")
    legacy = legacy_file(repo)
    original = legacy.read_bytes()
    assert len(original.splitlines()) == 20
    with lsm.open_repo_store(repo) as store:
        assert store.log_info(lsm.current_log(repo)) is None  # legacy mode: git-ai's files only
    # The legacy log is git-ai's format: only the newest entry per file has attributions.
    docs = [orjson.loads(line) for line in original.splitlines()]
    with_attrs = [d["entries"][0]["file"] for d in docs if d["entries"][0]["attributions"]]
    assert len(with_attrs) == len(set(with_attrs))

    code, out = run("import", "-C", str(repo))
    assert code == 0, out
    assert "imported 20 checkpoint(s)" in out
    blobs = sorted(p.name for p in (legacy.parent / "blobs").iterdir())
    code, out = run("export", "-C", str(repo))
    assert code == 0, out
    assert legacy.read_bytes() == original  # byte-identical round trip
    assert sorted(p.name for p in (legacy.parent / "blobs").iterdir()) == blobs
    code, out = run("import", "-C", str(repo))
    assert code == 0 and "already imported" in out


def test_first_touch_imports_the_legacy_log(repo: Path) -> None:
    session(repo, 4, mode="legacy")
    session(repo, 2)  # lsm mode: the first checkpoint imports git-ai's log first
    with lsm.open_repo_store(repo) as store:
        info = store.log_info(lsm.current_log(repo))
    assert info is not None and info.checkpoints == 6
    code, out = run("import", "-C", str(repo))
    assert code == 0 and "already imported" in out


def test_import_refuses_over_native_checkpoints_unless_replace(repo: Path) -> None:
    session(repo, 2)  # native checkpoints in the store
    session(repo, 3, mode="legacy")  # then git-ai's files appear (a rollback, say)
    code, out = run("import", "-C", str(repo))
    assert code == 1 and "--replace" in out
    code, out = run("import", "--replace", "-C", str(repo))
    assert code == 0, out
    assert "imported 3 checkpoint(s)" in out
    with lsm.open_repo_store(repo) as store:
        logs = {info.name: info for info in store.logs()}
    assert logs[lsm.current_log(repo)].checkpoints == 3
    assert any(info.archived_ms for info in logs.values())  # the native ones, kept


def test_dual_mode_verify_dual_finds_the_changed_record(repo: Path) -> None:
    session(repo, 200, mode="dual")
    code, out = run("verify", "--dual", "-C", str(repo))
    assert code == 0, out
    assert "200 record(s) compared, 0 differ" in out
    legacy = legacy_file(repo)
    lines = legacy.read_bytes().splitlines(keepends=True)
    target = 57
    lines[target] = lines[target].replace(b'"timestamp":1', b'"timestamp":2', 1)
    legacy.write_bytes(b"".join(lines))
    code, out = run("verify", "--dual", "--json", "-C", str(repo))
    assert code == 1
    doc = orjson.loads(out)
    assert [d["record"] for d in doc["differences"]] == [target]
    assert doc["differences"][0]["fields"] == ["timestamp"]
