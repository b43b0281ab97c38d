"""Files in odd states: FIFOs, devices, links and huge lines where the hook reads.

Each case runs the real hook as a process in a real repository. A FIFO used
to hang it forever (in the legacy case holding LOCK); ``/dev/zero`` read
until memory ran out; a ``blobs`` link pulled ``/etc/passwd``-like files into
the store. Now every such file is refused with one warning, the checkpoint
is still made, and nothing from outside the repository reaches the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import lsm
from tests.gitutil import GIT_ENV, git, init_repo

ENV = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}
CANARY = b"root:x:0:0:canary-from-outside:/root:/bin/sh\n"
LINE = {
    "kind": "AiAgent",
    "diff": "d",
    "author": "Ada",
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


def hook(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "checkpoint", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**ENV, **(env or {})},
        timeout=30,  # a regression hangs: fail, do not block the run
    )


def warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if ": warning:" in line]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    d = tmp_path / "outside"
    d.mkdir()
    (d / "passwd").write_bytes(CANARY)
    return d


def _wl(repo: Path) -> Path:
    wl = repo / ".git" / "ai" / "working_logs" / git(repo, "rev-parse", "HEAD")
    wl.mkdir(parents=True)
    return wl


def _files(repo: Path) -> list[str]:
    with lsm.open_repo_store(repo) as store:
        cps = store.checkpoints(lsm.current_log(repo))
        return [e.file for cp in cps for e in cp.checkpoint.entries]


def _store_has(repo: Path, data: bytes) -> bool:
    with lsm.open_repo_store(repo) as store:
        return store.get_blob(hashlib.sha256(data).hexdigest()) is not None


@pytest.mark.parametrize("kind", ["fifo", "directory", "dev-zero-link"])
def test_checkpoints_jsonl_that_is_not_a_file_gives_one_warning(repo: Path, kind: str) -> None:
    target = _wl(repo) / "checkpoints.jsonl"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        target.symlink_to("/dev/zero")
    (repo / "a.py").write_text("x = 2\n")
    done = hook(repo)
    assert done.returncode == 0
    [line] = warnings(done)
    assert "checkpoints.jsonl" in line and "git-ai's checkpoints were not imported" in line
    assert _files(repo) == ["a.py"]  # the checkpoint went on
    (repo / "a.py").write_text("x = 3\n")
    again = hook(repo)  # imported (what could be) once: no warning the next time
    assert warnings(again) == [] and _files(repo) == ["a.py", "a.py"]


def test_blobs_never_come_from_outside_the_working_log(repo: Path, outside: Path) -> None:
    wl = _wl(repo)
    (wl / "checkpoints.jsonl").write_text(json.dumps(LINE) + "\n")
    (wl / "blobs").symlink_to(outside)  # the whole directory reaches out
    (repo / "a.py").write_text("x = 4\n")
    done = hook(repo)
    assert done.returncode == 0
    [line] = warnings(done)
    assert "reaches through the symbolic link" in line or "symbolic link" in line
    assert len(_files(repo)) == 2  # the legacy checkpoint and the new one
    assert not _store_has(repo, CANARY)


def test_a_blob_link_or_fifo_is_refused_and_the_rest_imported(repo: Path, outside: Path) -> None:
    wl = _wl(repo)
    (wl / "checkpoints.jsonl").write_text(json.dumps(LINE) + "\n")
    blobs = wl / "blobs"
    blobs.mkdir()
    good = b"print('kept')\n"
    (blobs / hashlib.sha256(good).hexdigest()).write_bytes(good)
    (blobs / ("1" * 64)).symlink_to(outside / "passwd")
    os.mkfifo(blobs / ("2" * 64))
    (blobs / ("3" * 64)).symlink_to("/dev/zero")
    (wl / "INITIAL").symlink_to("/dev/zero")
    (repo / "a.py").write_text("x = 5\n")
    done = hook(repo)
    assert done.returncode == 0
    [line] = warnings(done)
    assert "(+3 more warnings:" in line  # four refusals: three blobs and INITIAL
    with lsm.open_repo_store(repo) as store:
        refused = sorted(e["message"] for e in store.events.read() if e["kind"] == "warning")
    assert len(refused) == 4
    assert any("INITIAL" in m for m in refused) and any("FIFO" in m for m in refused)
    assert _store_has(repo, good) and not _store_has(repo, CANARY)


def test_a_huge_legacy_line_is_skipped_in_bounded_memory(repo: Path) -> None:
    wl = _wl(repo)
    with (wl / "checkpoints.jsonl").open("wb") as f:
        f.write(json.dumps(LINE).encode() + b"\n")
        f.write(b'{"kind":"AiAgent","diff":"')
        f.write(b"z" * (64 << 20))  # a 64 MiB line (was 214 MB of peak memory)
        f.write(b'"}\n')
        f.write(json.dumps(LINE).encode() + b"\n")
    (repo / "a.py").write_text("x = 6\n")
    code = (
        "import sys\nfrom cli.hook import run\ncode = run(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(hwm, file=sys.stderr)\nsys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, env=ENV, timeout=60
    )
    assert done.returncode == 0, done.stderr
    [line] = warnings(done)
    assert "1 line(s) over the 8388608-byte cap skipped" in line
    assert int(done.stderr.splitlines()[-1]) < 64_000  # kB: bounded by the cap, not the line
    assert len(_files(repo)) == 3  # the two readable legacy lines and the new checkpoint
    with lsm.open_repo_store(repo) as store:
        hits = {e["cap"]: e for e in store.events.read() if e["kind"] == "cap_hit"}
    assert hits["max_legacy_line_bytes"]["count"] == 1
    assert hits["max_legacy_line_bytes"]["bytes"] > 64 << 20


def test_the_event_log_is_never_written_through_a_link(repo: Path, outside: Path) -> None:
    (repo / "a.py").write_text("x = 7\n")
    assert hook(repo).returncode == 0
    events = repo / ".git" / "ai" / "lsm" / "events.jsonl"
    events.unlink()
    events.symlink_to(outside / "passwd")
    (repo / "a.py").write_text("x = 8\n")
    assert hook(repo).returncode == 0
    assert (outside / "passwd").read_bytes() == CANARY  # not appended to
    assert _files(repo) == ["a.py", "a.py"]
    events.unlink()
    os.mkfifo(events)  # a FIFO there: the open does not block
    (repo / "a.py").write_text("x = 9\n")
    assert hook(repo).returncode == 0


def test_a_fifo_config_or_rules_file_cannot_hang_the_hook(repo: Path) -> None:
    os.mkfifo(repo / ".gitattributes")
    (repo / "a.py").write_text("x = 10\n")
    done = hook(repo, "--", "a.py")
    assert done.returncode == 0
    [line] = warnings(done)
    assert ".gitattributes is a FIFO" in line and "ignore rules were not applied" in line
    assert _files(repo) == ["a.py"]
    (repo / ".git" / "ai").mkdir(exist_ok=True)
    (repo / ".git" / "ai" / "ckptlog.toml").symlink_to("/dev/zero")
    done = hook(repo, "--", "a.py")
    assert done.returncode == 0
    [line] = warnings(done)
    assert "ckptlog.toml is a character device, not a regular file" in line


def _agent_hook(repo: Path, preset: str, payload: Mapping[str, object], env: dict[str, str]):
    return hook(repo, preset, "--hook-input", json.dumps(payload), env=env)


def test_agent_settings_and_transcripts_that_are_not_files(repo: Path, tmp_path: Path) -> None:
    (repo / "a.py").write_text("x = 11\n")
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    transcript = sessions / "s1.jsonl"
    transcript.write_text('{"type": "message", "id": "m1"}\n')
    os.mkfifo(sessions / "s1.settings.json")
    droid = {
        "hookEventName": "PostToolUse",
        "tool_name": "Edit",
        "session_id": "s1",
        "cwd": str(repo),
        "transcript_path": str(transcript),
        "tool_input": {"file_path": str(repo / "a.py")},
    }
    done = _agent_hook(repo, "droid", droid, {})
    assert done.returncode == 0
    [line] = warnings(done)
    assert "s1.settings.json is a FIFO, not a regular file; not read" in line
    # Codex: config.toml a link to /dev/zero, the transcript a FIFO.
    home = tmp_path / "codex"
    home.mkdir()
    (home / "config.toml").symlink_to("/dev/zero")
    rollout = home / "rollout.jsonl"
    os.mkfifo(rollout)
    (repo / "a.py").write_text("x = 12\n")
    codex = {
        "hook_event_name": "PostToolUse",
        "tool_name": "apply_patch",
        "session_id": "c1",
        "cwd": str(repo),
        "transcript_path": str(rollout),
        "tool_input": {"input": "*** Update File: a.py\n"},
    }
    done = _agent_hook(repo, "codex", codex, {"CODEX_HOME": str(home)})
    assert done.returncode == 0
    [line] = warnings(done)
    assert "rollout.jsonl: is a FIFO, not a regular file" in line
    rollout.unlink()
    rollout.write_text('{"type": "event_msg"}\n')
    (repo / "a.py").write_text("x = 13\n")
    done = _agent_hook(repo, "codex", codex, {"CODEX_HOME": str(home)})
    [line] = warnings(done)
    assert "config.toml is a character device, not a regular file; not read" in line
    with lsm.open_repo_store(repo) as store:
        agents = [cp.checkpoint.agent_id for cp in store.checkpoints(lsm.current_log(repo))]
    assert [a.model if a else None for a in agents] == ["unknown", "unknown", "unknown"]


def test_dual_mode_does_not_take_its_own_copy_for_a_foreign_history(repo: Path) -> None:
    env = {"CKPTLOG_STORAGE_MODE": "dual"}
    for n in range(3):
        (repo / "a.py").write_text(f"x = {20 + n}\n")
        done = hook(repo, env=env)
        assert done.returncode == 0 and warnings(done) == [], done.stderr
    assert _files(repo) == ["a.py"] * 3
    imported = subprocess.run(
        [sys.executable, "-m", "cli", "import"], cwd=repo, env={**ENV, **env},
        capture_output=True, text=True,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert "the store's own copy" in imported.stdout


@pytest.mark.parametrize("mode", ["dual", "legacy"])
def test_a_blobs_link_out_of_the_working_log_is_never_written_through(
    repo: Path, outside: Path, mode: str
) -> None:
    """git-ai's copy (dual) or the log itself (legacy) never writes a blob through a link."""
    (_wl(repo) / "blobs").symlink_to(outside)
    before = sorted(p.name for p in outside.iterdir())
    (repo / "a.py").write_text("x = 2\n")
    done = hook(repo, "mock_ai", "a.py", env={"CKPTLOG_STORAGE_MODE": mode})
    assert done.returncode == 0, done.stderr
    [line] = warnings(done)
    assert "blobs is a symbolic link" in line, line
    assert sorted(p.name for p in outside.iterdir()) == before
    if mode == "dual":
        assert _files(repo) == ["a.py"]  # the store's checkpoint went on


@pytest.mark.parametrize("name", ["new file.py", "a b c.py", "x 12.py"])
def test_a_new_file_with_spaces_in_its_name(repo: Path, name: str) -> None:
    """HEAD lacks the file: git answers ``<commit>:<name> missing``, three words for a name with
    one space, which read as an object header (and crashed the hook) before."""
    (repo / name).write_text("y = 1\n")
    done = hook(repo, "mock_ai", name)
    assert done.returncode == 0 and warnings(done) == [], done.stderr
    assert _files(repo) == [name]
