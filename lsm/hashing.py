"""SHA-256 and BLAKE2b without loading OpenSSL when CPython has its own.

``hashlib`` initialises OpenSSL on import (about 4 ms, paid by every hook
process); CPython's built-in ``_sha256`` module computes the same digest.
It is used when present, ``hashlib`` otherwise. Cannot fail.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Hash", "blake2b_digest", "sha256"]


class Hash(Protocol):
    """What the hash objects offer (hashlib's and the built-in module's alike)."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...


try:
    from _sha256 import sha256 as _builtin  # type: ignore[import-not-found]  # CPython 3.11
except ImportError:  # pragma: no cover - other interpreters and versions
    try:
        from _sha2 import sha256 as _builtin  # type: ignore[import-not-found]  # 3.12+
    except ImportError:
        from hashlib import sha256 as _builtin


def sha256(data: bytes = b"") -> Hash:
    """A sha256 hash object (``update``, ``digest``, ``hexdigest``), as hashlib's."""
    h: Any = _builtin(data)
    return h  # type: ignore[no-any-return]


try:
    from _blake2 import blake2b as _blake2b  # CPython's built-in (hashlib uses it too)
except ImportError:  # pragma: no cover
    from hashlib import blake2b as _blake2b


def blake2b_digest(data: bytes, digest_size: int) -> bytes:
    """``hashlib.blake2b(data, digest_size=...).digest()``."""
    digest: bytes = _blake2b(data, digest_size=digest_size).digest()
    return digest
