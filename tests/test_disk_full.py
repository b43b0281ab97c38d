"""A full disk: the append that does not fit fails with StoreFullError and leaves nothing behind.

RLIMIT_FSIZE makes the kernel refuse writes past a file size (EFBIG), the
unprivileged stand-in for ENOSPC: a short write, then an error, exactly
the shape of a full disk.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lsm import Store
from tests.engine_util import ROOT, assert_healthy, make_checkpoint, parse_acks

LIMIT = 512 * 1024

CHILD = """
import resource, signal, sys
from lsm import Store, StoreFullError
from tests.engine_util import make_checkpoint
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = Store.open(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
long = sys.argv[3] == "index"
for i in range(100000):
    path = ("d" * 380 + f"/{i}.txt") if long else f"f{i % 4}.txt"
    cp, blobs = make_checkpoint("full", i, path, attrs=0 if long else 40)
    try:
        seq = store.append("base", cp, blobs=blobs)
    except StoreFullError as exc:
        print("FULL", type(exc).__name__, exc.hint, flush=True)
        break
    print(f"ACK full {i} {seq} {path}", flush=True)
store.close()
"""


@pytest.mark.parametrize("fills", ["segment", "index"])
def test_full_disk_fails_cleanly_and_loses_nothing(tmp_path: Path, fills: str) -> None:
    root = tmp_path / "s"
    Store.open(root).close()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(LIMIT), fills],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "FULL StoreFullError" in proc.stdout
    acks = parse_acks(proc.stdout)
    assert len(acks) > 10
    seg = root / "segments" / "00000001.seg"
    with Store.open(root) as s:
        # The failed append was cut back: the segment ends where the index says.
        assert seg.stat().st_size <= LIMIT
        got = {c.seq: c.checkpoint for c in s.checkpoints("base")}
        assert len(got) == len(acks)
        for tag, i, seq, path in acks:
            assert got[seq] == make_checkpoint(tag, i, path, attrs=0 if fills == "index" else 40)[0]
        assert_healthy(s)
        # With space again, appends work.
        cp, blobs = make_checkpoint("after", 1, "x.txt")
        s.append("base", cp, blobs=blobs)
