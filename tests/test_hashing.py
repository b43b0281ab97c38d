"""lsm.hashing: the same SHA-256 digest from either implementation, OpenSSL only for large data."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from lsm import hashing


def test_digests_match_hashlib_on_both_sides_of_the_threshold() -> None:
    for size in (0, 1, 4095, hashing.LARGE - 1, hashing.LARGE, hashing.LARGE + 7):
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        assert hashing.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest(), size
    h = hashing.sha256()
    h.update(b"abc")
    assert h.hexdigest() == hashlib.sha256(b"abc").hexdigest()


def test_openssl_is_loaded_only_by_large_data() -> None:
    code = (
        "import sys\nfrom lsm.hashing import sha256, LARGE\n"
        "sha256(b'x' * (LARGE - 1)).hexdigest()\n"
        "small = 'hashlib' in sys.modules\n"
        "sha256(b'x' * LARGE).hexdigest()\n"
        "print(small, 'hashlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_git_blob_ids_are_git_hash_objects_on_both_sides_of_the_threshold(tmp_path: Path) -> None:
    for size in (0, 5, hashing.LARGE - 1, hashing.LARGE + 3):
        data = b"y\n" * (size // 2) + b"z" * (size % 2)
        blob = tmp_path / "blob"
        blob.write_bytes(data)
        git = subprocess.run(
            ["git", "hash-object", "--no-filters", str(blob)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert hashing.git_blob_id(data) == git.stdout.strip(), size


def test_git_blob_ids_of_small_data_leave_openssl_unloaded() -> None:
    code = (
        "import sys\nfrom lsm.hashing import git_blob_id, LARGE\n"
        "git_blob_id(b'x' * (LARGE - 1))\n"
        "print('hashlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
