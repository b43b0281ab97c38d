"""SHA-256, git's blob ids (SHA-1) and BLAKE2b: OpenSSL's for large data, CPython's own for small.

``hashlib`` initialises OpenSSL when it is imported (4-6 ms here, paid by
every hook process that loads it); CPython's built-in ``_sha256`` computes
the same digest with no start-up cost but at 5-8 ms/MiB, where OpenSSL takes
0.6-0.7 ms/MiB. So :func:`sha256` hashes data shorter than :data:`LARGE`
(1 MiB, about where the import pays for itself) with the built-in module,
and anything larger with OpenSSL, imported at that first large hash; once
OpenSSL is loaded, every hash uses it. The digests are the same either way.
A 32 MiB checkpoint hashes in ~25 ms instead of ~250 ms, and a hook that
checkpoints a small edit still never loads OpenSSL (docs/benchmarks.md has
the A/B of the three choices). :func:`git_blob_id` follows the same rule
(loading OpenSSL also costs a post-commit 3.5 MB of peak RSS). Cannot fail.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["LARGE", "Hash", "blake2b_digest", "git_blob_id", "sha256"]

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

try:
    from _sha1 import sha1 as _builtin_sha1  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - interpreters without it
    from hashlib import sha1 as _builtin_sha1

#: ``hashlib`` once something large was hashed (OpenSSL loaded), else None
_openssl: Any = None


def _load_openssl() -> Any:
    global _openssl
    import hashlib  # here, not at the top: only large data pays for OpenSSL's start-up

    _openssl = hashlib
    return _openssl


def sha256(data: bytes = b"") -> Hash:
    """A sha256 hash object of ``data`` (``update``, ``digest``, ``hexdigest``), as hashlib's.

    Further ``update`` calls stay on the implementation chosen here, so give
    large data at once (every caller does).
    """
    lib = _openssl
    if lib is None and len(data) < LARGE:
        h: Any = _builtin(data)
    else:
        h = (lib or _load_openssl()).sha256(data)
    return h  # type: ignore[no-any-return]


def git_blob_id(data: bytes) -> str:
    """git's object id of a blob holding ``data``, as ``git hash-object`` prints it.

    SHA-1 of ``blob <length>\\0`` followed by ``data``.
    """
    head = b"blob %d\0" % len(data)
    lib = _openssl
    if lib is None and len(data) < LARGE:
        h: Any = _builtin_sha1(head)
    else:
        h = (lib or _load_openssl()).sha1(head, usedforsecurity=False)
    h.update(data)
    return h.hexdigest()  # type: ignore[no-any-return]


try:
    from _blake2 import blake2b as _blake2b  # CPython's built-in (hashlib uses it too)
except ImportError:  # pragma: no cover
    from hashlib import blake2b as _blake2b


def blake2b_digest(data: bytes, digest_size: int) -> bytes:
    """``hashlib.blake2b(data, digest_size=...).digest()``."""
    digest: bytes = _blake2b(data, digest_size=digest_size).digest()
    return digest
