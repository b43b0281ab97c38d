"""SHA-256 and BLAKE2b: OpenSSL's through ``hashlib`` for large data, CPython's own for small.

``hashlib`` initialises OpenSSL when it is imported (4-6 ms here, paid by
every hook process that loads it); CPython's built-in ``_sha256`` computes
the same digest with no start-up cost but at 5-8 ms/MiB, where OpenSSL takes
0.6-0.7 ms/MiB. So :func:`sha256` hashes data shorter than :data:`LARGE`
(1 MiB, about where the import pays for itself) with the built-in module,
and anything larger with OpenSSL, imported at that first large hash; once
OpenSSL is loaded, every hash uses it. The digests are the same either way.
A 32 MiB checkpoint hashes in ~25 ms instead of ~250 ms, and a hook that
checkpoints a small edit still never loads OpenSSL (docs/benchmarks.md has
the A/B of the three choices). Cannot fail.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["LARGE", "Hash", "blake2b_digest", "sha256"]

#: Data at least this long is hashed by OpenSSL (``hashlib``).
LARGE = 1 << 20


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

_openssl: Any = None


def _load_openssl() -> Any:
    global _openssl
    import hashlib  # here, not at the top: only large data pays for OpenSSL's start-up

    _openssl = hashlib.sha256
    return _openssl


def sha256(data: bytes = b"") -> Hash:
    """A sha256 hash object of ``data`` (``update``, ``digest``, ``hexdigest``), as hashlib's.

    Further ``update`` calls stay on the implementation chosen here, so give
    large data at once (every caller does).
    """
    impl = _openssl
    if impl is None:
        impl = _builtin if len(data) < LARGE else _load_openssl()
    h: Any = impl(data)
    return h  # type: ignore[no-any-return]


try:
    from _blake2 import blake2b as _blake2b  # CPython's built-in (hashlib uses it too)
except ImportError:  # pragma: no cover
    from hashlib import blake2b as _blake2b


def blake2b_digest(data: bytes, digest_size: int) -> bytes:
    """``hashlib.blake2b(data, digest_size=...).digest()``."""
    digest: bytes = _blake2b(data, digest_size=digest_size).digest()
    return digest
