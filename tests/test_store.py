"""Store behaviour with real LMDB and real files: appends, reads, logs, paths, errors."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lsm
from lsm import (
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    FormatVersionError,
    InitialAttributions,
    InputError,
    LineAttribution,
    Store,
    StoreClosedError,
    StoreLockedError,
    StoreOptions,
)
from lsm.indexschema import META_FORMAT, encode_u64
from tests.engine_util import assert_healthy, make_checkpoint


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "store")
    yield s
    s.close()


def test_public_api_is_pinned() -> None:
    assert sorted(lsm.__all__) == lsm.__all__
    for name in lsm.__all__:
        assert hasattr(lsm, name), name
    assert issubclass(lsm.StoreLockedError, lsm.Error)


def test_append_then_read_everything(store: Store) -> None:
    cp, blobs = make_checkpoint("a", 1, "src/app.py")
    seq = store.append("base", cp, blobs=blobs)
    state = store.latest_state("base", "src/app.py")
    assert state is not None and state.seq == seq and state.ai_touched
    assert state.blob_sha == cp.entries[0].blob_sha and state.has_attributions
    entry = store.latest("base", "src/app.py")
    assert entry is not None and entry.seq == seq and entry.kind is CheckpointKind.AI_AGENT
    assert list(entry.entry.attributions) == list(cp.entries[0].attributions)
    (stored,) = store.checkpoints("base")
    assert stored.checkpoint == cp and stored.seq == seq and not stored.imported
    assert store.checkpoint(seq) == stored
    assert store.get_blob(cp.entries[0].blob_sha) == next(iter(blobs.values()))
    assert store.latest("base", "other.py") is None
    assert store.latest("nolog", "src/app.py") is None
    assert_healthy(store)


def test_latest_and_history_follow_appends(store: Store) -> None:
    seqs = []
    for i in range(6):
        cp, blobs = make_checkpoint("a", i, f"f{i % 2}.txt")
        seqs.append(store.append("base", cp, blobs=blobs))
    hist = [e.seq for e in store.history("base", "f0.txt")]
    assert hist == [seqs[4], seqs[2], seqs[0]]
    state = store.latest_state("base", "f1.txt")
    assert state is not None and state.seq == seqs[5]
    assert store.count_checkpoints("base") == 6
    assert [c.seq for c in store.checkpoints("base", chunk=2)] == seqs
    files = list(store.files("base"))
    assert [f.path for f in files] == ["f0.txt", "f1.txt"]


def test_ai_touched_is_sticky(store: Store) -> None:
    ai, blobs = make_checkpoint("a", 1, "x.py", kind=CheckpointKind.AI_AGENT)
    store.append("base", ai, blobs=blobs)
    human, blobs = make_checkpoint("a", 2, "x.py", kind=CheckpointKind.HUMAN, attrs=0)
    store.append("base", human, blobs=blobs)
    state = store.latest_state("base", "x.py")
    assert state is not None and state.kind is CheckpointKind.HUMAN and state.ai_touched
    only_human, blobs = make_checkpoint("a", 3, "y.py", kind=CheckpointKind.HUMAN, attrs=0)
    store.append("base", only_human, blobs=blobs)
    y = store.latest_state("base", "y.py")
    assert y is not None and not y.ai_touched


def test_blobs_are_deduplicated(store: Store) -> None:
    sha = store.put_blob(b"same")
    size_before = sum(p.stat().st_size for p in (store.root / "segments").iterdir())
    assert store.put_blob(b"same") == sha == hashlib.sha256(b"same").hexdigest()
    size_after = sum(p.stat().st_size for p in (store.root / "segments").iterdir())
    assert size_before == size_after
    cp, _ = make_checkpoint("a", 1, "p")
    with pytest.raises(InputError, match="does not match"):
        store.append("base", cp, blobs={"0" * 64: b"other"})


def test_long_and_non_utf8_paths(store: Store) -> None:
    long_path = "d/" * 300 + "file.txt"
    weird = os.fsdecode(b"caf\xe9/\xff\xfe.txt")
    for i, path in enumerate([long_path, weird, "ok.txt"]):
        cp, blobs = make_checkpoint("a", i, path)
        store.append("base", cp, blobs=blobs)
        entry = store.latest("base", path)
        assert entry is not None and entry.entry.file == path
    assert {f.path for f in store.files("base")} == {long_path, weird, "ok.txt"}
    assert [e.entry.file for e in store.history("base", long_path)] == [long_path]
    cp, blobs = make_checkpoint("a", 9, "bad\x00path")
    with pytest.raises(InputError, match="NUL"):
        store.append("base", cp, blobs=blobs)
    assert_healthy(store)


def test_reopen_keeps_everything(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s") as s:
        for i in range(20):
            cp, blobs = make_checkpoint("a", i, f"f{i % 3}.txt")
            s.append("base", cp, blobs=blobs)
        before = [c.seq for c in s.checkpoints("base")]
    with Store.open(tmp_path / "s") as s:
        assert [c.seq for c in s.checkpoints("base")] == before
        cp, blobs = make_checkpoint("a", 99, "f0.txt")
        assert s.append("base", cp, blobs=blobs) > before[-1]


def test_segments_seal_at_threshold(tmp_path: Path) -> None:
    opts = StoreOptions(segment_bytes=4096)
    with Store.open(tmp_path / "s", options=opts) as s:
        for i in range(40):
            cp, blobs = make_checkpoint("a", i, f"f{i % 4}.txt", attrs=20)
            s.append("base", cp, blobs=blobs)
        assert len(list((tmp_path / "s" / "segments").glob("*.seg"))) > 3
        assert len(list(s.checkpoints("base"))) == 40
        assert_healthy(s)
        report = s.rebuild_index()
        assert report["checkpoints"] == 40
        assert len(list(s.checkpoints("base"))) == 40
        assert_healthy(s)


def test_log_lifecycle_rename_merge_archive(store: Store) -> None:
    a1, b1 = make_checkpoint("a", 1, "shared.py")
    store.append("old", a1, blobs=b1)
    a2, b2 = make_checkpoint("a", 2, "only_old.py")
    store.append("old", a2, blobs=b2)
    n1, b3 = make_checkpoint("a", 3, "shared.py")
    store.append("new", n1, blobs=b3)
    blob_old = store.put_blob(b"old snapshot")
    blob_new = store.put_blob(b"new snapshot")
    store.set_initial(
        "old",
        InitialAttributions(
            files={
                "k.py": [LineAttribution(1, 1, "s_old::t_1", None)],
                "o.py": [LineAttribution(2, 2, "x", None)],
            },
            file_blobs={"k.py": blob_old, "o.py": blob_old},
        ),
    )
    store.set_initial(
        "new",
        InitialAttributions(
            files={
                "k.py": [LineAttribution(5, 5, "s_new::t_1", None)],
                "n.py": [LineAttribution(1, 1, "y", None)],
            },
            file_blobs={"k.py": blob_new, "n.py": blob_new},
        ),
    )
    assert store.rename_log("old", "new") == "merged"
    assert [log.name for log in store.logs()] == ["new"]
    # Old checkpoints first, then new ones; the newest entry of a file wins.
    assert [c.checkpoint.entries[0].file for c in store.checkpoints("new")] == [
        "shared.py",
        "only_old.py",
        "shared.py",
    ]
    shared = store.latest("new", "shared.py")
    assert shared is not None and shared.entry.blob_sha == n1.entries[0].blob_sha
    assert store.latest("new", "only_old.py") is not None
    merged = store.get_initial("new")
    assert merged.files["k.py"] == [LineAttribution(1, 1, "s_old::t_1", None)]  # old wins
    assert set(merged.files) == {"k.py", "o.py", "n.py"}
    assert merged.file_blobs["k.py"] == blob_old
    assert store.rename_log("new", "new") == "none"
    assert store.rename_log("missing", "x") == "none"
    assert store.rename_log("new", "newer") == "renamed"
    assert store.archive_log("newer", at_ms=1000) == "old-newer"
    info = store.log_info("old-newer")
    assert info is not None and info.archived_ms == 1000 and info.checkpoints == 3
    assert store.prune_archived(7 * 86400, now_ms=1000 + 7 * 86400 * 1000) == ["old-newer"]
    assert store.logs() == []
    assert_healthy(store)


def test_reset_and_initial_rules(store: Store) -> None:
    cp, blobs = make_checkpoint("a", 1, "a.py")
    store.append("base", cp, blobs=blobs)
    snap = store.put_blob(b"snap")
    store.set_initial(
        "base",
        InitialAttributions(
            files={"a.py": [LineAttribution(1, 1, "x", None)], "empty.py": []},
            file_blobs={"a.py": snap, "empty.py": snap, "gone.py": snap},
        ),
    )
    got = store.get_initial("base")
    assert set(got.files) == {"a.py"} and set(got.file_blobs) == {"a.py"}
    with pytest.raises(InputError, match="not stored"):
        store.set_initial(
            "base",
            InitialAttributions(
                files={"a.py": [LineAttribution(1, 1, "x", None)]}, file_blobs={"a.py": "f" * 64}
            ),
        )
    store.reset_log("base")
    assert store.count_checkpoints("base") == 0
    assert store.get_initial("base").is_empty()
    assert store.latest("base", "a.py") is None
    assert_healthy(store)


def test_closed_store_and_bad_names(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "s")
    with pytest.raises(InputError):
        s.create_log("")
    s.close()
    s.close()
    with pytest.raises(StoreClosedError):
        s.latest("base", "x")


def test_lock_deadline_raises_typed_error(tmp_path: Path) -> None:
    root = tmp_path / "s"
    s = Store.open(root, options=StoreOptions(lock_timeout=0.3))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
            str(root / "LOCK"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with s:
            cp, blobs = make_checkpoint("a", 1, "x")
            started = time.monotonic()
            with pytest.raises(StoreLockedError) as info:
                s.append("base", cp, blobs=blobs)
            assert 0.25 < time.monotonic() - started < 3
            assert "LOCK" in info.value.hint
            assert s.latest("base", "x") is None  # reads never wait
        # A process's first writable open needs the lock (to open the index's
        # databases in a write transaction): it waits its deadline, no longer.
        started = time.monotonic()
        with pytest.raises(StoreLockedError):
            Store.open(root, options=StoreOptions(lock_timeout=0.3))
        assert time.monotonic() - started < 3
        with Store.open(root, read_only=True) as ro:  # never waits
            assert ro.latest("base", "x") is None
    finally:
        holder.kill()
        holder.communicate()
    with Store.open(root) as s:  # released on the holder's death
        cp, blobs = make_checkpoint("a", 1, "x")
        s.append("base", cp, blobs=blobs)


def test_newer_format_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "s"
    with Store.open(root) as s:
        s.put_blob(b"x")
        env = s.engine.env
        env.write(lambda txn: txn.put(META_FORMAT, encode_u64(99), db=env.dbs["meta"]))
    with pytest.raises(FormatVersionError):
        Store.open(root)


def test_lost_index_is_rebuilt_from_segments(tmp_path: Path) -> None:
    root = tmp_path / "s"
    with Store.open(root) as s:
        for i in range(10):
            cp, blobs = make_checkpoint("a", i, f"f{i % 3}.txt")
            s.append("base", cp, blobs=blobs)
        s.rename_log("base", "moved")
        want = [(c.seq, c.checkpoint) for c in s.checkpoints("moved")]
    for f in (root / "index").iterdir():
        f.unlink()
    with Store.open(root) as s:
        assert [(c.seq, c.checkpoint) for c in s.checkpoints("moved")] == want
        assert [log.name for log in s.logs()] == ["moved"]
        assert_healthy(s)


def test_fork_child_cannot_use_parent_store(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s") as s:
        s.put_blob(b"x")
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                s.latest("base", "x")
                os.write(w, b"used")
            except lsm.StoreError:
                os.write(w, b"refused")
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(r, 16) == b"refused"


def test_attribution_columns_survive_large_entries(store: Store) -> None:
    attrs = [
        Attribution(i * 2, i * 2 + 1, "synthetic-agent", 1_700_000_000_000) for i in range(1500)
    ]
    cp = Checkpoint(
        kind=CheckpointKind.AI_AGENT,
        diff="synthetic-1",
        author="synthetic",
        entries=[FileEntry("f00001.txt", "e" * 64, attrs, [])],
        timestamp=1,
    )
    store.append("base", cp)
    got = store.latest("base", "f00001.txt")
    assert got is not None and list(got.entry.attributions) == attrs


def _unseal_everything(root: Path) -> None:
    """Turn the index into what schema 1 wrote: the same values without their checksums."""
    import lmdb

    from lsm.indexschema import DB_NAMES, META_INDEX, unseal

    env = lmdb.open(str(root / "index"), max_dbs=len(DB_NAMES) + 2)
    try:
        with env.begin(write=True) as txn:
            for name in DB_NAMES:
                db = env.open_db(name.encode(), txn=txn, create=False)
                items = [(bytes(k), bytes(v)) for k, v in txn.cursor(db=db)]
                for k, v in items:
                    txn.put(k, unseal(name, k, v), db=db)
                if name == "meta":
                    txn.delete(META_INDEX, db=db)
    finally:
        env.close()


def test_an_index_of_the_older_schema_is_rebuilt_on_the_first_writable_open(
    tmp_path: Path,
) -> None:
    """Schema 2 seals every value; an index of schema 1 (no seals) is derived data: a read-only
    open says to rebuild it, a writable one moves it aside and rebuilds it, nothing lost."""
    root = tmp_path / "s"
    with Store.open(root) as s:
        for i in range(5):
            cp, blobs = make_checkpoint("a", i, "x")
            last = s.append("base", cp, blobs=blobs)
        want = [c.checkpoint for c in s.checkpoints("base")]
    _unseal_everything(root)
    with pytest.raises(lsm.StoreError, match="older version") as refused:
        Store.open(root, read_only=True)
    assert "verify --fix" in (refused.value.hint or "")
    with Store.open(root) as s:
        assert [c.checkpoint for c in s.checkpoints("base")] == want
        cp, blobs = make_checkpoint("a", 9, "x")
        assert s.append("base", cp, blobs=blobs) > last  # seqs are never reused
    events = (root / "events.jsonl").read_text()
    assert '"index_upgraded"' in events
    with Store.open(root, read_only=True) as s:
        assert len(list(s.checkpoints("base"))) == 6
