"""lsm.hashing: the same SHA-256 digest from either implementation, OpenSSL only for large data."""

from __future__ import annotations

import hashlib
import subprocess
import sys

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
