"""Engine settings: what a :class:`~lsm.store.Store` is opened with.

These are the storage engine's knobs only. The user-facing configuration
file (``ai/ckptlog.toml`` plus ``CKPTLOG_*`` variables, lsm.config) maps
onto them.
"""

from __future__ import annotations

import enum

from lsm.errors import ConfigError
from lsm.record import NamedTuple

__all__ = ["Durability", "StoreOptions"]


class Durability(enum.Enum):
    """How hard an append works to survive a power loss.

    * ``normal`` (default): the segment is fdatasync'ed (F_FULLFSYNC on
      macOS) before the index commits, and the index commit flushes its
      data pages but defers its meta page (LMDB ``metasync=False``). An
      acknowledged checkpoint survives a power loss: if the index's last
      commit is undone, the frames past the durable offset it records are
      re-indexed from the segment on the next open. One sync fewer than
      ``full``.
    * ``full``: as ``normal``, and the index meta page is synced too, so the
      index never needs that redo.
    * ``off``: nothing is synced. Survives process crashes only; after a
      power loss the store may need ``ckptlog verify --fix``.
    """

    FULL = "full"
    NORMAL = "normal"
    OFF = "off"

    @classmethod
    def parse(cls, value: str) -> Durability:
        """Parse a setting value.

        :raises ConfigError: for anything but full, normal or off.
        """
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ConfigError(f"durability must be full, normal or off, not {value!r}") from None


class StoreOptions(NamedTuple):
    """Settings of an open store.

    :param durability: see :class:`Durability`.
    :param segment_bytes: seal the active segment once it reaches this size.
    :param lock_timeout: seconds to wait for the writer lock before giving up.
    :param map_size: initial LMDB map size; it doubles whenever it fills.
    :param max_readers: LMDB reader slots (processes x threads reading at once).
    :param zstd_level: compression level of new frames.
    :param allow_network_fs: open a store on NFS/SMB anyway (unsafe for LMDB).
    """

    durability: Durability = Durability.NORMAL
    segment_bytes: int = 32 << 20
    lock_timeout: float = 2.0
    map_size: int = 64 << 20
    max_readers: int = 512
    zstd_level: int = 3
    allow_network_fs: bool = False

    def validated(self) -> StoreOptions:
        """These options, checked.

        :raises ConfigError: a value is out of range.
        """
        if self.segment_bytes < 4096:
            raise ConfigError("segment_bytes must be at least 4096")
        if self.lock_timeout < 0:
            raise ConfigError("lock_timeout must not be negative")
        if self.map_size < (1 << 20):
            raise ConfigError("map_size must be at least 1 MiB")
        if not 1 <= self.zstd_level <= 22:
            raise ConfigError("zstd_level must be between 1 and 22")
        return self
