"""verify finds each planted fault; --fix rebuilds the index, losing no intact checkpoint.

Faults: a flipped bit in a frame, a pointer into a missing segment, an
orphan checkpoint frame (its index entry gone), a missing blob, and a
truncated segment. Real stores, real files, the real CLI for the exit codes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.commands import cli
from lsm import Store, StoreOptions
from lsm.indexschema import checkpoint_key
from lsm.segment import segment_path
from lsm.verify import verify
from tests.engine_util import make_checkpoint

N = 60


def build(root: Path) -> None:
    """60 checkpoints over 4 files in 4 KiB segments: many sealed segments."""
    with Store.open(root, options=StoreOptions(segment_bytes=4096)) as s:
        for i in range(N):
            cp, blobs = make_checkpoint("t", i, f"f{i % 4}.txt", attrs=3)
            s.append("base", cp, blobs=blobs)


def sealed(root: Path) -> list[dict[str, object]]:
    with Store.open(root) as s:
        return [seg for seg in s.segments() if seg.get("state") == "sealed"]


def readable(root: Path) -> set[int]:
    with Store.open(root) as s:
        return {cp.seq for cp in s.checkpoints("base")}


def flip_bit(root: Path) -> str:
    sid = int(sealed(root)[1]["id"])  # type: ignore[call-overload]
    path = segment_path(root / "segments", sid)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))
    return "corrupt-frame"


def missing_segment(root: Path) -> str:
    sid = int(sealed(root)[1]["id"])  # type: ignore[call-overload]
    segment_path(root / "segments", sid).unlink()
    return "missing-segment"


def orphan_checkpoint(root: Path) -> str:
    with Store.open(root) as s:
        victim = next(iter(s.checkpoints("base")))
        env = s.engine.env
        env.write(
            lambda txn: txn.delete(
                checkpoint_key(victim.run, victim.seq), db=env.dbs["checkpoints"]
            )
        )
    return "orphan-checkpoint"


def missing_blob(root: Path) -> str:
    with Store.open(root) as s:
        entry = s.latest("base", "f1.txt")
        assert entry is not None
        key = bytes.fromhex(entry.entry.blob_sha)
        env = s.engine.env
        assert env.write(lambda txn: txn.delete(key, db=env.dbs["blobs"]))
    return "missing-blob"


def truncated_segment(root: Path) -> str:
    sid = int(sealed(root)[-1]["id"])  # type: ignore[call-overload]
    path = segment_path(root / "segments", sid)
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 2)
    return "truncated-segment"


@pytest.mark.parametrize(
    "plant",
    [flip_bit, missing_segment, orphan_checkpoint, missing_blob, truncated_segment],
    ids=lambda f: f.__name__,
)
def test_verify_detects_and_fix_keeps_every_intact_checkpoint(
    tmp_path: Path, plant: Callable[[Path], str]
) -> None:
    root = tmp_path / "store"
    build(root)
    before = readable(root)
    assert len(before) == N
    with Store.open(root) as s:
        assert [p for p in verify(s) if p.severity == "error"] == []
    pristine = tmp_path / "pristine"
    shutil.copytree(root, pristine)

    code = plant(root)
    r = CliRunner().invoke(cli, ["verify", "--json", "--store", str(root)])
    assert r.exit_code == 1, r.output
    assert f'"code": "{code}"' in r.output

    r = CliRunner().invoke(cli, ["verify", "--fix", "--store", str(root)])
    assert r.exit_code == 0, r.output
    with Store.open(root) as s:
        errors = [p for p in verify(s) if p.severity == "error"]
    # After the fix verify is green: damage was mended in place, losses recorded.
    assert errors == [], errors
    r = CliRunner().invoke(cli, ["verify", "--store", str(root)])
    assert r.exit_code == 0, r.output
    after = readable(root)
    # Every checkpoint whose bytes are intact is still readable (an orphan is re-indexed).
    lost = before - after
    if code in ("orphan-checkpoint", "missing-blob"):
        assert lost == set()
    elif code == "corrupt-frame":
        assert len(lost) <= 1  # the checkpoint the flipped byte is in, if any
    else:
        assert len(lost) < N // 2
    # Nothing was deleted: every segment byte is still on disk or in quarantine.
    kept = sum(p.stat().st_size for p in (root / "segments").iterdir())
    kept += sum(p.stat().st_size for p in (root / "quarantine").rglob("*") if p.is_file())
    if code not in ("missing-segment", "truncated-segment"):
        total = sum(p.stat().st_size for p in (pristine / "segments").iterdir())
        assert kept >= total - 1
