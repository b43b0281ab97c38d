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

from typing import TYPE_CHECKING, Any

# Names load on first use (PEP 562): a hook that needs only the store and
# the checkpoint logic must not pay for compaction, verification and the
# configuration parser at start-up.
_LAZY: dict[str, tuple[str, str]] = {
    "API_VERSION": ("lsm.model", "API_VERSION"),
    "AgentId": ("lsm.model", "AgentId"),
    "Attribution": ("lsm.model", "Attribution"),
    "AttributionColumns": ("lsm.model", "AttributionColumns"),
    "Checkpoint": ("lsm.model", "Checkpoint"),
    "CheckpointKind": ("lsm.model", "CheckpointKind"),
    "CompactionBusyError": ("lsm.errors", "CompactionBusyError"),
    "CompactionReport": ("lsm.compaction", "CompactionReport"),
    "ConfigError": ("lsm.errors", "ConfigError"),
    "CorruptRecordError": ("lsm.errors", "CorruptRecordError"),
    "CorruptionError": ("lsm.errors", "CorruptionError"),
    "Durability": ("lsm.options", "Durability"),
    "Error": ("lsm.errors", "Error"),
    "FileEntry": ("lsm.model", "FileEntry"),
    "EventLog": ("lsm.events", "EventLog"),
    "FileState": ("lsm.results", "FileState"),
    "FormatVersionError": ("lsm.errors", "FormatVersionError"),
    "InitialAttributions": ("lsm.model", "InitialAttributions"),
    "InputError": ("lsm.errors", "InputError"),
    "KnownHumanMetadata": ("lsm.model", "KnownHumanMetadata"),
    "LegacyFormatError": ("lsm.errors", "LegacyFormatError"),
    "LineAttribution": ("lsm.model", "LineAttribution"),
    "LineStats": ("lsm.model", "LineStats"),
    "LogInfo": ("lsm.results", "LogInfo"),
    "NetworkFilesystemError": ("lsm.errors", "NetworkFilesystemError"),
    "NotARepositoryError": ("lsm.errors", "NotARepositoryError"),
    "NotFoundError": ("lsm.errors", "NotFoundError"),
    "PathOutsideRepoError": ("lsm.errors", "PathOutsideRepoError"),
    "Policy": ("lsm.compaction", "Policy"),
    "Problem": ("lsm.verify", "Problem"),
    "Record": ("lsm.record", "Record"),
    "Struct": ("lsm.record", "Struct"),
    "field": ("lsm.record", "field"),
    "Settings": ("lsm.config", "Settings"),
    "Store": ("lsm.store", "Store"),
    "StoreClosedError": ("lsm.errors", "StoreClosedError"),
    "StoreError": ("lsm.errors", "StoreError"),
    "StoreFullError": ("lsm.errors", "StoreFullError"),
    "StoreLockedError": ("lsm.errors", "StoreLockedError"),
    "StoreOptions": ("lsm.options", "StoreOptions"),
    "StoredCheckpoint": ("lsm.results", "StoredCheckpoint"),
    "StoredEntry": ("lsm.results", "StoredEntry"),
    "UnreadableFileError": ("lsm.errors", "UnreadableFileError"),
    "Writer": ("lsm.writer", "Writer"),
    "checkpoint_line": ("lsm.legacy.jsonform", "checkpoint_line"),
    "export_log": ("lsm.legacy.importer", "export_log"),
    "import_working_log": ("lsm.legacy.importer", "import_working_log"),
    "iter_log_lines": ("lsm.legacy.importer", "iter_log_lines"),
    "legacy_bases": ("lsm.legacy.layout", "list_bases"),
    "run_invocation": ("lsm.checkpoint", "run_invocation"),
    "compact": ("lsm.compaction", "compact"),
    "current_log": ("lsm.repostore", "current_log"),
    "working_log": ("lsm.repostore", "working_log"),
    "WorkingLogLocation": ("lsm.repostore", "WorkingLogLocation"),
    "compare_dual": ("lsm.dual", "compare_dual"),
    "DualDifference": ("lsm.dual", "DualDifference"),
    "load_settings": ("lsm.config", "load_settings"),
    "open_repo_store": ("lsm.repostore", "open_repo_store"),
    "parse_duration": ("lsm.events", "parse_duration"),
    "parse_policy": ("lsm.compaction", "parse_policy"),
    "repo_settings": ("lsm.repostore", "repo_settings"),
    "repo_store_path": ("lsm.repostore", "repo_store_path"),
    "resolve_log": ("lsm.repostore", "resolve_log"),
    "verify_store": ("lsm.verify", "verify"),
}

if TYPE_CHECKING:
    from lsm.checkpoint import run_invocation
    from lsm.compaction import CompactionReport, Policy, compact, parse_policy
    from lsm.config import Settings, load_settings
    from lsm.dual import DualDifference, compare_dual
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
        NotARepositoryError,
        NotFoundError,
        PathOutsideRepoError,
        StoreClosedError,
        StoreError,
        StoreFullError,
        StoreLockedError,
        UnreadableFileError,
    )
    from lsm.events import EventLog, parse_duration
    from lsm.legacy.importer import export_log, import_working_log, iter_log_lines
    from lsm.legacy.jsonform import checkpoint_line
    from lsm.legacy.layout import list_bases as legacy_bases
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
    from lsm.record import Record, Struct, field
    from lsm.repostore import (
        WorkingLogLocation,
        current_log,
        open_repo_store,
        repo_settings,
        repo_store_path,
        resolve_log,
        working_log,
    )
    from lsm.results import FileState, LogInfo, StoredCheckpoint, StoredEntry
    from lsm.store import Store
    from lsm.verify import Problem
    from lsm.verify import verify as verify_store
    from lsm.writer import Writer


def __getattr__(name: str) -> Any:
    found = _LAZY.get(name)
    if found is None:
        raise AttributeError(f"module 'lsm' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(found[0]), found[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "DualDifference",
    "Durability",
    "Error",
    "EventLog",
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
    "NotARepositoryError",
    "NotFoundError",
    "PathOutsideRepoError",
    "Policy",
    "Problem",
    "Record",
    "Settings",
    "Store",
    "StoreClosedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreOptions",
    "StoredCheckpoint",
    "StoredEntry",
    "Struct",
    "UnreadableFileError",
    "WorkingLogLocation",
    "Writer",
    "__version__",
    "checkpoint_line",
    "compact",
    "compare_dual",
    "current_log",
    "export_log",
    "field",
    "import_working_log",
    "iter_log_lines",
    "legacy_bases",
    "load_settings",
    "open_repo_store",
    "parse_duration",
    "parse_policy",
    "repo_settings",
    "repo_store_path",
    "resolve_log",
    "run_invocation",
    "verify_store",
    "working_log",
]
