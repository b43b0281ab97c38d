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

# The small core loads with the package: errors, records, the data model and the
# engine options import nothing beyond the standard library's start-up set, and
# every hook needs them anyway. (A lazy table for these too cost more than loading
# them: docs/benchmarks.md, start-up decisions.)
from lsm.errors import (
    CompactionBusyError,
    ConfigError,
    CorruptionError,
    CorruptRecordError,
    Error,
    FormatVersionError,
    IndexCorruptError,
    InputError,
    LegacyFormatError,
    NetworkFilesystemError,
    NotARepositoryError,
    NotFoundError,
    PathOutsideRepoError,
    StoreAccessError,
    StoreClosedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
    UnreadableFileError,
)
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
from lsm.options import (
    Durability,
    StoreOptions,
)
from lsm.record import (
    NamedTuple,
    Record,
    Struct,
    field,
)

# Everything heavier loads on first use (PEP 562): a hook that fails on its input
# must not pay for the store, and one that checkpoints must not pay for
# compaction, verification or the legacy importer.
_LAZY: dict[str, tuple[str, str]] = {
    "CompactionReport": ("lsm.compaction", "CompactionReport"),
    "DualDifference": ("lsm.dual", "DualDifference"),
    "EventLog": ("lsm.events", "EventLog"),
    "FileState": ("lsm.results", "FileState"),
    "LogInfo": ("lsm.results", "LogInfo"),
    "Policy": ("lsm.compaction", "Policy"),
    "Problem": ("lsm.verify", "Problem"),
    "Settings": ("lsm.config", "Settings"),
    "Store": ("lsm.store", "Store"),
    "StoredCheckpoint": ("lsm.results", "StoredCheckpoint"),
    "StoredEntry": ("lsm.results", "StoredEntry"),
    "WorkingLogLocation": ("lsm.repostore", "WorkingLogLocation"),
    "Writer": ("lsm.writer", "Writer"),
    "checkpoint_line": ("lsm.legacy.jsonform", "checkpoint_line"),
    "compact": ("lsm.compaction", "compact"),
    "compare_dual": ("lsm.dual", "compare_dual"),
    "current_log": ("lsm.repostore", "current_log"),
    "export_log": ("lsm.legacy.importer", "export_log"),
    "import_working_log": ("lsm.legacy.importer", "import_working_log"),
    "iter_log_lines": ("lsm.legacy.importer", "iter_log_lines"),
    "legacy_bases": ("lsm.legacy.layout", "list_bases"),
    "load_settings": ("lsm.config", "load_settings"),
    "open_repo_store": ("lsm.repostore", "open_repo_store"),
    "parse_duration": ("lsm.events", "parse_duration"),
    "parse_policy": ("lsm.compaction", "parse_policy"),
    "repo_settings": ("lsm.repostore", "repo_settings"),
    "repo_store_path": ("lsm.repostore", "repo_store_path"),
    "resolve_log": ("lsm.repostore", "resolve_log"),
    "run_invocation": ("lsm.checkpoint", "run_invocation"),
    "verify_store": ("lsm.verify", "verify"),
    "working_log": ("lsm.repostore", "working_log"),
}

if TYPE_CHECKING:
    from lsm.checkpoint import run_invocation
    from lsm.compaction import CompactionReport, Policy, compact, parse_policy
    from lsm.config import Settings, load_settings
    from lsm.dual import DualDifference, compare_dual
    from lsm.events import EventLog, parse_duration
    from lsm.legacy.importer import export_log, import_working_log, iter_log_lines
    from lsm.legacy.jsonform import checkpoint_line
    from lsm.legacy.layout import list_bases as legacy_bases
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
    "IndexCorruptError",
    "InitialAttributions",
    "InputError",
    "KnownHumanMetadata",
    "LegacyFormatError",
    "LineAttribution",
    "LineStats",
    "LogInfo",
    "NamedTuple",
    "NetworkFilesystemError",
    "NotARepositoryError",
    "NotFoundError",
    "PathOutsideRepoError",
    "Policy",
    "Problem",
    "Record",
    "Settings",
    "Store",
    "StoreAccessError",
    "StoreClosedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreOptions",
    "StoreReadOnlyError",
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
