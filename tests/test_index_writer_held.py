"""A live process holding LMDB's write transaction: the hook gives up within its deadline.

The second process is real and outside ckptlog (plain ``lmdb``): it takes the
index's write transaction without ``LOCK`` and keeps it. A hook then finds
``LOCK`` free but LMDB's writer mutex held; LMDB has no timed wait, so the
engine's first write of the process runs on a helper thread with the lock
deadline, and the hook degrades: exit 0, one warning line, within the
deadline. Once the holder is gone the next hook records as usual.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import lsm
from tests.gitutil import GIT_ENV, init_repo

ENV = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}
HOOK = [sys.executable, "-m", "cli", "checkpoint"]

HOLDER = """
import sys, time, lmdb
env = lmdb.open(sys.argv[1], max_dbs=32)
txn = env.begin(write=True)
print("held", flush=True)
time.sleep(60)
"""


def _hook(repo: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(HOOK, cwd=repo, env=ENV, capture_output=True, text=True, timeout=60)
    return done, time.monotonic() - started


def test_hook_degrades_within_its_deadline_behind_a_held_write_transaction(
    tmp_path: Path,
) -> None:
    repo = init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2\n")
    first, _ = _hook(repo)
    assert first.returncode == 0, first.stderr
    with lsm.open_repo_store(repo) as store:
        index = store.engine.env.path
        before = store.count_checkpoints(lsm.current_log(repo))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        (repo / "a.py").write_text("x = 3\n")
        blocked, elapsed = _hook(repo)
        assert blocked.returncode == 0, blocked.stderr
        lines = blocked.stderr.splitlines()
        assert len(lines) == 1 and "warning" in lines[0], blocked.stderr
        assert "write transaction" in lines[0]
        # The lock deadline (2 s) plus process start-up on a busy machine.
        assert elapsed < 8, elapsed
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    again, _ = _hook(repo)
    assert again.returncode == 0, again.stderr
    with lsm.open_repo_store(repo) as store:
        assert store.count_checkpoints(lsm.current_log(repo)) == before + 1
