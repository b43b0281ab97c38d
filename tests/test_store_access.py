"""Opening a store read-only, private file modes, and a damaged LMDB environment.

Real stores, real LMDB files, real processes; a read-only filesystem through
a private mount namespace (``unshare --mount``) where the machine allows it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lsm import (
    Checkpoint,
    IndexCorruptError,
    InitialAttributions,
    LineAttribution,
    NotFoundError,
    Store,
    StoreAccessError,
    StoreOptions,
    StoreReadOnlyError,
    compact,
)
from tests.engine_util import ROOT, assert_healthy, make_checkpoint, run_child
from tests.gitutil import GIT_ENV, git, init_repo


def _tree(root: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``root`` with its size and content hash (LMDB's reader table excluded)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_dir():
            out[rel + "/"] = (0, "")
        elif rel != "index/lock.mdb":
            out[rel] = (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def _filled(root: Path, n: int = 12) -> dict[int, Checkpoint]:
    expected = {}
    with Store.open(root, options=StoreOptions(segment_bytes=4096)) as s:
        for i in range(n):
            cp, blobs = make_checkpoint("r", i, f"f{i % 3}.txt")
            expected[s.append("base", cp, blobs=blobs)] = cp
        sha = s.put_blob(b"snapshot")
        s.set_initial(
            "base",
            InitialAttributions(
                files={"f0.txt": [LineAttribution(1, 1, "s_x::t_y", None)]},
                file_blobs={"f0.txt": sha},
            ),
        )
    return expected


def test_read_only_open_of_no_store_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nothing" / "here"
    with pytest.raises(NotFoundError) as info:
        Store.open(missing, read_only=True)
    assert "no store" in info.value.what and info.value.hint
    assert not (tmp_path / "nothing").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NotFoundError):
        Store.open(empty, read_only=True)
    assert list(empty.iterdir()) == []


def test_read_only_open_reads_everything_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "s"
    expected = _filled(root)
    # A writer killed after its segment write leaves an orphan tail: a
    # writable open would index it (and quarantine a torn rest).
    died = run_child(
        root, "--tag", "k", "--count", "3", env={"CKPTLOG_KILL_AT": "append.after_sync:2"}
    )
    assert died.returncode == 137
    before = _tree(root)
    with Store.open(root, read_only=True) as s:
        got = {c.seq: c.checkpoint for c in s.checkpoints("base")}
        assert {seq: got[seq] for seq in expected} == expected
        assert {f.path for f in s.files("base")} >= {"f0.txt", "f1.txt", "f2.txt"}
        entry = s.latest("base", "f1.txt")
        assert entry is not None and s.get_blob(entry.entry.blob_sha) is not None
        assert not s.get_initial("base").is_empty()
        assert s.stats()["checkpoints"] >= len(expected)
        cp, blobs = make_checkpoint("r", 99, "new.txt")
        with pytest.raises(StoreReadOnlyError):
            s.append("base", cp, blobs=blobs)
        with pytest.raises(StoreReadOnlyError):
            s.rebuild_index()
    assert _tree(root) == before  # no event, no quarantine file, the tail untouched


def test_read_only_open_on_a_read_only_filesystem(tmp_path: Path) -> None:
    root = tmp_path / "s"
    expected = _filled(root)
    code = (
        "import sys\n"
        "from lsm import Store, StoreAccessError\n"
        "with Store.open(sys.argv[1], read_only=True) as s:\n"
        "    print('read', sum(1 for _ in s.checkpoints('base')))\n"
        "try:\n"
        "    Store.open(sys.argv[1])\n"
        "except StoreAccessError as exc:\n"
        "    print('refused', exc.hint)\n"
    )
    script = (
        f"mount --bind {root} {root} && mount -o remount,bind,ro {root} && "
        f'exec {sys.executable} -c "$CODE" {root}'
    )
    probe = subprocess.run(
        ["unshare", "--mount", "sh", "-c", f"mount --bind {root} {root}"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode().strip()}")
    out = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CODE": code, "PYTHONPATH": str(ROOT)},
        check=False,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert f"read {len(expected)}" in out.stdout
    assert "refused" in out.stdout and "read-only" in out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_read_only_open_of_a_store_whose_lock_file_is_not_writable(tmp_path: Path) -> None:
    root = tmp_path / "s"
    expected = _filled(root)
    lock = root / "index" / "lock.mdb"
    lock.chmod(0o400)
    (root / "index").chmod(0o500)
    try:
        with Store.open(root, read_only=True) as s:
            assert sum(1 for _ in s.checkpoints("base")) == len(expected)
        with pytest.raises(StoreAccessError):
            Store.open(root)
    finally:
        (root / "index").chmod(0o700)
        lock.chmod(0o600)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_store_files_are_0600_and_directories_0700(tmp_path: Path, umask: int) -> None:
    root = tmp_path / "s"
    code = (
        "import os, sys\n"
        f"os.umask({umask})\n"
        "from lsm import Store, StoreOptions, compact\n"
        "from tests.engine_util import make_checkpoint\n"
        "with Store.open(sys.argv[1], options=StoreOptions(segment_bytes=4096)) as s:\n"
        "    for i in range(80):\n"
        "        cp, blobs = make_checkpoint('p', i, f'f{i % 4}.txt', attrs=40)\n"
        "        s.append('base', cp, blobs=blobs)\n"
        "    compact(s, 'git-ai', seal_active=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    # A torn tail makes the next writer quarantine bytes.
    with Store.open(root, read_only=True) as s:
        (active,) = [seg["id"] for seg in s.segments() if seg["state"] == "active"]
    with (root / "segments" / f"{active:08d}.seg").open("ab") as f:
        f.write(b"\x01" * 40)
    reopen = "import os, sys\nos.umask(%d)\nfrom lsm import Store\nStore.open(sys.argv[1]).close()"
    subprocess.run([sys.executable, "-c", reopen % umask, str(root)], cwd=ROOT, check=True)
    assert list((root / "quarantine").iterdir())
    assert list((root / "dicts").iterdir())
    seen_dirs = seen_files = 0
    for p in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        if p.is_dir():
            assert mode == 0o700, (p, oct(mode))
            seen_dirs += 1
        else:
            assert mode == 0o600, (p, oct(mode))
            seen_files += 1
    names = {p.name for p in root.rglob("*")}
    assert {"LOCK", "COMPACT.lock", "events.jsonl", "data.mdb", "lock.mdb"} <= names
    assert seen_dirs >= 5 and seen_files >= 8


def _zero_header(root: Path) -> None:
    data = root / "index" / "data.mdb"
    with data.open("r+b") as f:
        f.write(bytes(8192))


def test_zeroed_index_header_read_only_refuses_writable_open_rebuilds(tmp_path: Path) -> None:
    root = tmp_path / "s"
    expected = _filled(root)
    _zero_header(root)
    with pytest.raises(IndexCorruptError) as info:
        Store.open(root, read_only=True)
    assert "verify --fix" in info.value.hint
    with Store.open(root) as s:
        got = {c.seq: c.checkpoint for c in s.checkpoints("base")}
        assert got == expected
        assert not s.get_initial("base").is_empty()
        assert_healthy(s)
    aside = list(root.glob("index.corrupt-*"))
    assert len(aside) == 1 and (aside[0] / "data.mdb").is_file()  # kept, not deleted
    kinds = [e["kind"] for e in Store.open(root).events.read()]
    assert "index_moved_aside" in kinds


def test_a_hook_whose_index_is_damaged_rebuilds_it_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}
    repo = init_repo(tmp_path / "repo", {"a.txt": "one\n"})

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli", "checkpoint", "--", "a.txt"],
            cwd=repo,
            capture_output=True,
            text=True,
            env={**env, "PYTHONPATH": str(ROOT)},
            check=False,
            timeout=60,
        )

    for n in range(3):
        (repo / "a.txt").write_text(f"one\nline {n}\n")
        assert hook().returncode == 0
    root = Path(git(repo, "rev-parse", "--git-common-dir"))
    root = (repo / root if not root.is_absolute() else root) / "ai" / "lsm"
    with Store.open(root, read_only=True) as s:
        (log,) = [info.name for info in s.logs()]
        before = [c.seq for c in s.checkpoints(log)]
    _zero_header(root)
    (repo / "a.txt").write_text("one\nline 9\n")
    done = hook()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    with Store.open(root, read_only=True) as s:
        after = [c.seq for c in s.checkpoints(log)]
    assert after[: len(before)] == before and len(after) == len(before) + 1
    shutil.rmtree(root.parent / "lsm", ignore_errors=True)


def test_compaction_output_and_dictionary_survive_a_reopen_read_only(tmp_path: Path) -> None:
    root = tmp_path / "s"
    expected = _filled(root, 60)
    with Store.open(root) as s:
        compact(s, "full", seal_active=True)
    with Store.open(root, read_only=True) as s:
        assert {c.seq: c.checkpoint for c in s.checkpoints("base")} == expected
