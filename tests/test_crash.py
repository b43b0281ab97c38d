"""Crashes at every durable step (kill points) and SIGKILL storms, with real processes.

After any crash, reopening the store must find every acknowledged
checkpoint readable with the content that was written, and no index
pointer may dangle.
"""

from __future__ import annotations

import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lsm import Store
from tests.engine_util import ROOT, assert_healthy, make_checkpoint, parse_acks, run_child

KILL_POINTS = [
    "append.before_write",
    "append.torn_write",
    "append.after_write",
    "append.after_sync",
    "append.in_index_txn",
    "append.after_commit",
    "seal.after_file",
    "seal.after_commit",
]


def _check_acked(store_path: Path, acks: list[tuple[str, int, int, str]]) -> None:
    """Every acknowledged checkpoint is readable and holds what was written."""
    with Store.open(store_path) as s:
        for tag, i, seq, path in acks:
            got = s.checkpoint(seq)
            assert got is not None, (tag, i, seq)
            want, blobs = make_checkpoint(tag, i, path)
            assert got.checkpoint == want
            sha = want.entries[0].blob_sha
            assert s.get_blob(sha) == blobs[sha]
        # latest is at least as new as the newest acknowledged entry of each path.
        newest: dict[str, int] = {}
        for _tag, _i, seq, path in acks:
            newest[path] = max(newest.get(path, 0), seq)
        for path, seq in newest.items():
            state = s.latest_state("base", path)
            assert state is not None and state.seq >= seq
        assert_healthy(s)


@pytest.mark.parametrize("point", KILL_POINTS)
@pytest.mark.parametrize("nth", [1, 3])
def test_kill_point(tmp_path: Path, point: str, nth: int) -> None:
    store = tmp_path / "s"
    acks: list[tuple[str, int, int, str]] = []
    # Small segments so that the seal points are reached within a few appends.
    args = ["--segment-bytes", "4096", "--files", "3"]
    first = run_child(
        store, "--tag", "a", "--count", "40", *args, env={"CKPTLOG_KILL_AT": f"{point}:{nth}"}
    )
    assert first.returncode == 137, first.stderr
    acks += parse_acks(first.stdout)
    _check_acked(store, acks)
    # A fresh writer recovers whatever the crash left and goes on.
    second = run_child(store, "--tag", "b", "--count", "5", *args)
    assert second.returncode == 0, second.stderr
    acks += parse_acks(second.stdout)
    _check_acked(store, acks)


@pytest.mark.parametrize(
    ("crash", "then"),
    [
        ("append.torn_write", "recover.after_quarantine"),
        ("append.torn_write", "recover.after_truncate"),
        ("append.after_sync", "recover.after_truncate"),
    ],
)
def test_crash_during_recovery(tmp_path: Path, crash: str, then: str) -> None:
    store = tmp_path / "s"
    first = run_child(store, "--tag", "a", "--count", "6", env={"CKPTLOG_KILL_AT": f"{crash}:4"})
    assert first.returncode == 137
    acks = parse_acks(first.stdout)
    second = run_child(store, "--tag", "b", "--count", "3", env={"CKPTLOG_KILL_AT": then})
    acks += parse_acks(second.stdout)
    third = run_child(store, "--tag", "c", "--count", "3")
    assert third.returncode == 0, third.stderr
    acks += parse_acks(third.stdout)
    _check_acked(store, acks)
    assert list((store / "quarantine").iterdir()) or crash == "append.after_sync"


def _storm_round(store: Path, round_no: int, rng: random.Random) -> list[tuple[str, int, int, str]]:
    procs = []
    for w in range(4):
        tag = f"r{round_no}w{w}"
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.engine_child",
                    str(store),
                    "--tag",
                    tag,
                    "--count",
                    "100000",
                    "--segment-bytes",
                    "65536",
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    # Kill mid-flight: once every writer has acknowledged something (start-up
    # takes long on a loaded machine), after a random extra stretch.
    early: dict[int, list[str]] = {i: [] for i in range(len(procs))}
    outs = [p.stdout for p in procs if p.stdout is not None]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(early.values()):
        ready, _, _ = select.select(outs, [], [], 0.5)
        for i, stream in enumerate(outs):
            if stream in ready:
                line = stream.readline()
                if line:
                    early[i].append(line)
    time.sleep(rng.uniform(0.05, 0.6))
    for p in procs:
        p.send_signal(signal.SIGKILL)
    acks = []
    for i, p in enumerate(procs):
        out, _err = p.communicate()
        acks += parse_acks("".join(early[i]) + out)
    return acks


@pytest.mark.slow
def test_sigkill_storm(tmp_path: Path) -> None:
    store = tmp_path / "s"
    rng = random.Random(1234)
    acks: list[tuple[str, int, int, str]] = []
    for round_no in range(20):
        acks += _storm_round(store, round_no, rng)
        _check_acked(store, acks)
    assert len(acks) > 100


def test_sigkill_storm_short(tmp_path: Path) -> None:
    store = tmp_path / "s"
    rng = random.Random(99)
    acks: list[tuple[str, int, int, str]] = []
    for round_no in range(2):
        acks += _storm_round(store, round_no, rng)
    _check_acked(store, acks)
