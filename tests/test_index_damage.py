"""A damaged or tampered LMDB index: no read returns wrong data, ``verify --fix`` restores all.

Three kinds of damage to ``index/data.mdb`` of a small real store: a zeroed
header, random 64-byte flips (each trial in its own process: LMDB may even
refuse the environment), and two values swapped in each named database.
For a zeroed header and swapped values every public read either fails
with the library's error (the hint says ``verify --fix``) or returns what
was written; ``verify --fix`` then brings every read back, and ``verify``
is green. Random flips can change a value into another one that still
decodes (LMDB keeps no checksums): those trials count the silent wrong
reads and the crashes of liblmdb on a damaged page (reported, not
asserted), and assert that no traceback escapes and that ``--fix``
restores everything.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import lmdb
import pytest

from lsm import Store
from lsm.errors import IndexCorruptError
from lsm.indexschema import DB_NAMES
from lsm.verify import verify
from tests.index_damage import OPTS, build, silent_wrong_reads, snapshot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("index") / "store"
    build(root)
    return root


def _copy(pristine: Path, dest: Path) -> Path:
    shutil.copytree(pristine, dest)
    return dest


def _fix_and_compare(root: Path, want: dict[str, object]) -> None:
    with Store.open(root, options=OPTS) as s:
        verify(s, fix=True)
        assert [p for p in verify(s) if p.severity == "error"] == []
        assert snapshot(s) == want


def _swap(root: Path, db: str) -> bool:
    """Swap the values of the first two keys of ``db`` that differ; False if none do."""
    env = lmdb.open(str(root / "index"), max_dbs=len(DB_NAMES) + 2)
    try:
        handle = env.open_db(db.encode(), create=False)
        with env.begin(write=True, db=handle) as txn:
            items = list(txn.cursor())
            for i in range(len(items)):
                for j in range(i + 1, len(items)):
                    (ka, va), (kb, vb) = items[i], items[j]
                    if va != vb:
                        txn.put(ka, vb)
                        txn.put(kb, va)
                        return True
        return False
    finally:
        env.close()


@pytest.mark.parametrize("db", DB_NAMES)
def test_swapped_values_in_each_database(tmp_path: Path, pristine: Path, db: str) -> None:
    with Store.open(pristine, read_only=True) as s:
        want = snapshot(s)
    root = _copy(pristine, tmp_path / "s")
    if not _swap(root, db):
        pytest.skip(f"{db} holds no two different values")
    # Every value is sealed with a checksum over its database, key and value: a
    # swapped meta value is found at open (IndexCorruptError, with the hint),
    # any other by the read that meets it.
    with contextlib.suppress(IndexCorruptError), Store.open(root, read_only=True) as s:
        wrong, failed = silent_wrong_reads(s, want)
        assert wrong == 0, (db, failed)
    _fix_and_compare(root, want)


def test_zeroed_header(tmp_path: Path, pristine: Path) -> None:
    with Store.open(pristine, read_only=True) as s:
        want = snapshot(s)
    root = _copy(pristine, tmp_path / "s")
    with open(root / "index" / "data.mdb", "r+b") as f:
        f.write(bytes(8192))  # both meta pages
    # The read-only open refuses the environment (IndexCorruptError, with the
    # hint), or opens it and no read returns wrong data.
    with contextlib.suppress(IndexCorruptError), Store.open(root, read_only=True) as s:
        assert silent_wrong_reads(s, want)[0] == 0
    _fix_and_compare(root, want)


TRIAL = """
import pickle, sys
from pathlib import Path
from lsm import Store
from lsm.errors import IndexCorruptError
from lsm.errors import Error
from tests.index_damage import OPTS, silent_wrong_reads, snapshot
want = pickle.loads(Path(sys.argv[2]).read_bytes())
if sys.argv[3] == "read":
    try:
        with Store.open(Path(sys.argv[1]), read_only=True) as s:
            wrong, failed = silent_wrong_reads(s, want)
    except Error:
        wrong, failed = 0, -1
    print(wrong, failed)
else:
    with Store.open(Path(sys.argv[1]), options=OPTS) as s:
        print(int(snapshot(s) == want))
"""


def _child(root: Path, wanted: Path, what: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRIAL, str(root), str(wanted), what],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def flip_trials(tmp_path: Path, pristine: Path, trials: int) -> dict[str, int]:
    """Random 64-byte flips of data.mdb, each trial's reads and fix in their own processes."""
    import pickle

    with Store.open(pristine, read_only=True) as s:
        want = snapshot(s)
    wanted = tmp_path / "want.pickle"
    wanted.write_bytes(pickle.dumps(want))
    size = (pristine / "index" / "data.mdb").stat().st_size
    rng = random.Random(10)
    figures = {"trials": trials, "wrong_reads": 0, "read_crashes": 0, "tracebacks": 0}
    figures |= {"fix_failed": 0, "restored": 0}
    for trial in range(trials):
        root = _copy(pristine, tmp_path / f"s{trial}")
        with open(root / "index" / "data.mdb", "r+b") as f:
            for _ in range(20):
                pos = rng.randrange(0, size - 64)
                f.seek(pos)
                old = f.read(64)
                f.seek(pos)
                f.write(bytes(b ^ rng.randrange(1, 256) for b in old))
        done = _child(root, wanted, "read")
        if done.returncode == 0:
            figures["wrong_reads"] += int(done.stdout.split()[0])
        elif done.returncode < 0:
            figures["read_crashes"] += 1  # LMDB followed a damaged page pointer (SIGBUS)
        else:
            figures["tracebacks"] += 1
        fixed = subprocess.run(
            [sys.executable, "-m", "cli", "verify", "--fix", "--store", str(root)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        if fixed.returncode != 0:
            figures["fix_failed"] += 1
            figures["tracebacks"] += int("Traceback" in fixed.stderr)
        elif _child(root, wanted, "compare").stdout.strip() == "1":
            figures["restored"] += 1
        shutil.rmtree(root)
    print(f"\nrandom data.mdb flips: {figures}")
    return figures


def test_random_flips_in_data_mdb(tmp_path: Path, pristine: Path) -> None:
    figures = flip_trials(tmp_path, pristine, 3)
    assert figures["tracebacks"] == 0 and figures["restored"] == 3


@pytest.mark.slow
def test_random_flips_in_data_mdb_many(tmp_path: Path, pristine: Path) -> None:
    figures = flip_trials(tmp_path, pristine, 20)
    assert figures["tracebacks"] == 0 and figures["restored"] == 20
