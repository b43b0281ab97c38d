"""Many processes at once: concurrent writers, LMDB map growth, stale reader slots."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import lmdb
import lmdb.verify

from lsm import Store, StoreOptions
from tests.engine_util import ROOT, assert_healthy, make_checkpoint, parse_acks


def _spawn(store: Path, tag: str, count: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.engine_child",
            str(store),
            "--tag",
            tag,
            "--count",
            str(count),
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eight_writers_at_once(tmp_path: Path) -> None:
    store = tmp_path / "s"
    Store.open(store).close()
    procs = [_spawn(store, f"w{k}", 200) for k in range(8)]
    results = [(p, *p.communicate(timeout=300)) for p in procs]  # reap all before asserting
    acks = []
    for p, out, err in results:
        assert p.returncode == 0, err
        acks += parse_acks(out)
    assert len(acks) == 1600
    seqs = [seq for _t, _i, seq, _p in acks]
    assert len(set(seqs)) == len(seqs)  # a total order: no two checkpoints share a seq
    for tag in {t for t, *_ in acks}:
        mine = [seq for t, _i, seq, _p in acks if t == tag]
        assert mine == sorted(mine)  # each writer's appends are ordered as it made them
    with Store.open(store) as s:
        stored = list(s.checkpoints("base"))
        assert len(stored) == 1600
        assert [c.seq for c in stored] == sorted(seqs)
        by_seq = {c.seq: c.checkpoint for c in stored}
        for tag, i, seq, path in acks:
            assert by_seq[seq] == make_checkpoint(tag, i, path)[0]
        assert_healthy(s)


def test_map_growth_from_one_mib_with_concurrent_writers(tmp_path: Path) -> None:
    store = tmp_path / "s"
    one_mib = str(1 << 20)
    Store.open(store, options=StoreOptions(map_size=1 << 20)).close()
    # Long paths and many files make the index outgrow 1 MiB several times.
    procs = [
        _spawn(store, f"g{k}{'x' * 150}", 400, "--map-size", one_mib, "--files", "400")
        for k in range(4)
    ]
    results = [(p, *p.communicate(timeout=300)) for p in procs]
    total = 0
    for p, out, err in results:
        assert p.returncode == 0, err
        total += len(parse_acks(out))
    assert total == 1600
    with Store.open(store, options=StoreOptions(map_size=1 << 20)) as s:
        assert s.count_checkpoints("base") == 1600
        assert s.engine.env.map_size() > (1 << 20)
        assert_healthy(s)
    assert lmdb.verify.verify(str(store / "index")) == []  # type: ignore[no-untyped-call]


READER = """
import sys, time
from lsm import Store, StoreOptions
s = Store.open(sys.argv[1], options=StoreOptions(max_readers=4))
txn = s.engine.env.env.begin()   # holds a reader slot
print("reading", flush=True)
time.sleep(60)
"""

HOLDER = """
import sys, time
from lsm import Store, StoreOptions
s = Store.open(sys.argv[1], options=StoreOptions(max_readers=4))
print("open", flush=True)
time.sleep(60)
"""


def test_stale_reader_slots_of_killed_readers_are_cleared(tmp_path: Path) -> None:
    store = tmp_path / "s"
    with Store.open(store, options=StoreOptions(max_readers=4)) as s:
        cp, blobs = make_checkpoint("a", 1, "x.txt")
        s.append("base", cp, blobs=blobs)
    # A live process keeps the environment open, so LMDB does not reset its
    # lock table; four readers then take every slot and are SIGKILLed.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)], stdout=subprocess.PIPE, text=True
    )
    readers = []
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        for _ in range(3):
            r = subprocess.Popen(
                [sys.executable, "-c", READER, str(store)], stdout=subprocess.PIPE, text=True
            )
            assert r.stdout is not None and r.stdout.readline().strip() == "reading"
            readers.append(r)
        for r in readers:
            r.send_signal(signal.SIGKILL)
            r.communicate()
        time.sleep(0.1)
        # Without reader_check() on open these stale slots would fill the table.
        with Store.open(store, options=StoreOptions(max_readers=4)) as s:
            txns = [s.engine.env.env.begin() for _ in range(3)]
            assert s.latest("base", "x.txt") is not None
            for t in txns:
                t.abort()
    finally:
        holder.kill()
        holder.communicate()
        for r in readers:
            if r.poll() is None:
                r.kill()
                r.communicate()
