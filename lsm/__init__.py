"""lsm-checkpoints: a log-structured store for AI-authorship checkpoints.

Checkpoints (git-ai's ``checkpoint/1.0.0`` records) go into immutable,
zstd-compressed segment files of CBOR records, each framed with a length
and a CRC; an LMDB index maps every file of every working log to its
newest entry, so an append costs O(changed files) and never reads the
history::

    >>> from lsm import Store, Checkpoint, CheckpointKind, FileEntry
    >>> with Store.open(".git/ai/lsm") as store:                # doctest: +SKIP
    ...     seq = store.append("<base oid>", checkpoint, blobs={sha: data})
    ...     store.latest("<base oid>", "src/app.py")

See docs/architecture.md for the write, read and recovery paths, and
docs/format.md for the bytes on disk.
"""

from __future__ import annotations

from lsm.compaction import CompactionReport, Policy, compact, parse_policy
from lsm.config import Settings, load_settings
from lsm.errors import (
    CompactionBusyError,
    ConfigError,
    CorruptionError,
    CorruptRecordError,
    Error,
    FormatVersionError,
    InputError,
    LegacyFormatError,
    NetworkFilesystemError,
    NotFoundError,
    PathOutsideRepoError,
    StoreClosedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
)
from lsm.events import parse_duration
from lsm.model import (
    API_VERSION,
    AgentId,
    Attribution,
    AttributionColumns,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    KnownHumanMetadata,
    LineAttribution,
    LineStats,
)
from lsm.options import Durability, StoreOptions
from lsm.repostore import current_log, open_repo_store, repo_settings
from lsm.store import Store
from lsm.stored import FileState, LogInfo, StoredCheckpoint, StoredEntry
from lsm.verify import Problem
from lsm.verify import verify as verify_store
from lsm.writer import Writer

__version__ = "0.1.0"

__all__ = [
    "API_VERSION",
    "AgentId",
    "Attribution",
    "AttributionColumns",
    "Checkpoint",
    "CheckpointKind",
    "CompactionBusyError",
    "CompactionReport",
    "ConfigError",
    "CorruptRecordError",
    "CorruptionError",
    "Durability",
    "Error",
    "FileEntry",
    "FileState",
    "FormatVersionError",
    "InitialAttributions",
    "InputError",
    "KnownHumanMetadata",
    "LegacyFormatError",
    "LineAttribution",
    "LineStats",
    "LogInfo",
    "NetworkFilesystemError",
    "NotFoundError",
    "PathOutsideRepoError",
    "Policy",
    "Problem",
    "Settings",
    "Store",
    "StoreClosedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreOptions",
    "StoredCheckpoint",
    "StoredEntry",
    "Writer",
    "__version__",
    "compact",
    "current_log",
    "load_settings",
    "open_repo_store",
    "parse_duration",
    "parse_policy",
    "repo_settings",
    "verify_store",
]
