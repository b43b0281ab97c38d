"""Every preset as a real hook process, fed hostile input: exit 0, one warning line at most,
bounded time and memory, nothing from outside the repository stored.

Per preset: its own payload (from git-ai's test cases) made hostile: the transcript path
pointing at a FIFO, ``/dev/zero``, a sparse 2 GB file, a symlink out of the repository; the
edited path outside the repository; the payload truncated, in UTF-16, with invalid UTF-8 or
a NUL byte. Each runs as ``python -m cli checkpoint PRESET --hook-input stdin`` in a real
repository; its peak RSS is the process's own (``VmHWM`` at exit). A sample runs by
default, the whole matrix under ``-m slow``; ``CKPTLOG_PRESET_FUZZ_REPORT=FILE`` appends one
JSON line of figures per case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import lsm
from lsm.checkpoint.presets import PRESETS
from tests.gitutil import GIT_ENV, init_repo

CASES = Path(__file__).with_name("preset_cases")
ENV = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}
MAX_SECONDS = 5.0
MAX_RSS_MB = 64.0

_TRANSCRIPT_KEYS = ("transcript_path", "session_path", "chat_session_path")


def _seed(preset: str) -> dict[str, Any]:
    """The first successful post-edit payload of ``preset`` in git-ai's cases."""
    name = {"known_human": "human", "mock_ai": "human", "mock_known_human": "human"}.get(
        preset, preset
    )
    path = CASES / f"{name}.json"
    doc = (
        json.loads(path.read_text())
        if path.exists()
        else json.loads((CASES / "claude.json").read_text())
    )
    for case in doc["cases"]:
        ours = case.get("preset", doc["preset"]) == preset
        if ours and isinstance(case.get("payload"), dict) and case["expect"].get("requests"):
            return dict(case["payload"])
    return dict(doc["cases"][0].get("payload") or {})


def _retarget(value: Any, repo: Path, transcript: str | None) -> Any:
    """The payload with its paths moved into ``repo`` (and its transcript replaced)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _TRANSCRIPT_KEYS and transcript is not None:
                out[key] = transcript
            elif key == "tool_info" and isinstance(item, dict):
                info = dict(_retarget(item, repo, transcript))
                if transcript is not None:
                    info["transcript_path"] = transcript
                out[key] = info
            else:
                out[key] = _retarget(item, repo, transcript)
        return out
    if isinstance(value, list):
        return [_retarget(v, repo, transcript) for v in value]
    if isinstance(value, str):
        for root in ("/home/user/project", "/Users/a/project", "/tmp/project", "/project",
                     "/home/user", "/path", "/p"):  # fmt: skip
            if value == root or value.startswith(root + "/"):
                return str(repo) + value[len(root) :]
    return value


def _hostile(repo: Path, tmp: Path) -> dict[str, Any]:
    """Named hostile inputs: a transcript path, or raw stdin bytes, or a payload change."""
    fifo = tmp / "fifo.jsonl"
    os.mkfifo(fifo)
    sparse = tmp / "sparse.jsonl"
    with sparse.open("wb") as f:
        f.truncate(2 << 30)
    outside = tmp / "outside.txt"
    outside.write_text("secret outside the repository\n")
    link = repo / "link.jsonl"
    link.symlink_to(outside)
    return {
        "fifo": ("transcript", str(fifo)),
        "dev-zero": ("transcript", "/dev/zero"),
        "sparse-2g": ("transcript", str(sparse)),
        "symlink-out": ("transcript", str(link)),
        "outside-path": ("paths", str(outside)),
        "truncated": ("stdin", None),
        "utf16": ("stdin", None),
        "bad-utf8": ("stdin", None),
        "nul": ("stdin", None),
    }


def _stdin(kind: str, payload: dict[str, Any]) -> bytes:
    text = json.dumps(payload)
    if kind == "truncated":
        return text[: len(text) // 2].encode()
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "bad-utf8":
        return text.encode()[:-1] + b'\xff"}'
    if kind == "nul":
        return text.replace('"', '"\x00', 1).encode()
    return text.encode()


#: Runs the hook and writes the process's own peak RSS (VmHWM, KiB) to $PEAK_FILE at exit.
#: (wait4's ru_maxrss would not do: on Linux it includes the forked copy of the test process.)
_HOOK = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(line.split()[1])
atexit.register(_peak)
sys.argv = ["ckptlog", *sys.argv[1:]]
runpy.run_module("cli", run_name="__main__", alter_sys=True)
"""


def _run(
    repo: Path, preset: str, data: bytes, env: dict[str, str]
) -> tuple[int, str, float, float]:
    """Run the hook; (exit code, stderr, seconds, peak RSS MB of the hook process itself)."""
    stdin = repo.parent / "stdin.bin"
    stdin.write_bytes(data)
    stderr = repo.parent / "stderr.txt"
    peak_file = repo.parent / "peak.txt"
    root = str(Path(__file__).resolve().parents[2])
    started = time.monotonic()
    with stdin.open("rb") as inp, stderr.open("wb") as err:
        done = subprocess.run(
            [sys.executable, "-c", _HOOK, "checkpoint", preset, "--hook-input", "stdin"],
            cwd=repo,
            env={**env, "PEAK_FILE": str(peak_file), "PYTHONPATH": root},
            stdin=inp,
            stdout=subprocess.DEVNULL,
            stderr=err,
            timeout=30,
            check=False,
        )
    seconds = time.monotonic() - started
    peak_mb = int(peak_file.read_text()) / 1024
    return done.returncode, stderr.read_text("utf-8", "replace"), seconds, peak_mb


def _stored_bytes(repo: Path) -> bytes:
    """Every message and entry file the store holds, for the 'nothing from outside' check."""
    with lsm.open_repo_store(repo) as store:
        parts = [json.dumps(s).encode() for s in store.transcript_sessions()]
        for cp in store.checkpoints(lsm.current_log(repo)):
            parts += [e.file.encode() for e in cp.checkpoint.entries]
        for session in store.transcript_sessions():
            for message in store.transcript_messages(session["agent"], session["session"]):
                parts.append(json.dumps(message).encode())
    return b"\n".join(parts)


MATRIX = [(p, h) for p in PRESETS for h in
          ("fifo", "dev-zero", "sparse-2g", "symlink-out", "outside-path", "truncated",
           "utf16", "bad-utf8", "nul")]  # fmt: skip
SAMPLE = [(p, "fifo") for p in PRESETS]


def _case(preset: str, hostile: str, tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    home = tmp_path / "home"
    home.mkdir()
    env = {**ENV, "HOME": str(home), "GIT_AI_OPENCODE_STORAGE_PATH": str(home / "oc")}
    kind, value = _hostile(repo, tmp_path)[hostile]
    payload = _retarget(_seed(preset), repo, value if kind == "transcript" else None)
    if kind == "paths":
        payload = json.loads(json.dumps(payload).replace(str(repo / "src/main.rs"), str(value)))
        payload["edited_filepaths"] = [value]
        payload["file_paths"] = [value]
    (repo / "a.py").write_text("x = 2\n")
    code, err, seconds, peak = _run(repo, preset, _stdin(hostile, payload), env)
    warnings = [line for line in err.splitlines() if "warning" in line]
    report = os.environ.get("CKPTLOG_PRESET_FUZZ_REPORT")
    if report:  # figures for the closing note: one JSON line per case
        with open(report, "a") as out:
            row = {"preset": preset, "case": hostile, "exit": code, "seconds": round(seconds, 3),
                   "rss_mb": round(peak, 1), "warnings": len(warnings)}  # fmt: skip
            out.write(json.dumps(row) + "\n")
    assert code == 0, err
    assert len(warnings) <= 1, err
    assert "Traceback" not in err, err
    assert seconds < MAX_SECONDS, (seconds, err)
    assert peak < MAX_RSS_MB, (peak, err)
    if (repo / ".git" / "ai").exists():
        assert b"secret outside the repository" not in _stored_bytes(repo)


@pytest.mark.parametrize(("preset", "hostile"), SAMPLE, ids=[f"{p}-{h}" for p, h in SAMPLE])
def test_hostile_sample(preset: str, hostile: str, tmp_path: Path) -> None:
    _case(preset, hostile, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(("preset", "hostile"), MATRIX, ids=[f"{p}-{h}" for p, h in MATRIX])
def test_hostile_matrix(preset: str, hostile: str, tmp_path: Path) -> None:
    _case(preset, hostile, tmp_path)
