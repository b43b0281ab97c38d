"""The one exception family of lsm-checkpoints.

Every failure the library raises on purpose is an :class:`Error`, and every
``Error`` carries a ``hint``: one sentence naming what the caller (or the
person reading the message) can do about it. The hook layer catches
``Error`` (and, as a last resort, ``Exception``), prints one warning line and
exits 0; the CLI maps it to a non-zero exit with the hint on stderr.

Hierarchy::

    Error
    ├── ConfigError            bad setting or configuration file
    ├── InputError             bad input from a caller (hook JSON, paths, ...)
    │   ├── PathOutsideRepoError
    │   └── NotARepositoryError  the directory is not inside a git work tree
    ├── StoreError             the store cannot do what was asked
    │   ├── StoreLockedError   the writer lock was not taken before the deadline
    │   │   └── CompactionBusyError  another compactor is running
    │   ├── StoreClosedError   the Store was used after close()
    │   ├── StoreFullError     the disk (or a quota) is full; nothing was acknowledged
    │   ├── FormatVersionError a file was written by a newer, incompatible format
    │   ├── NetworkFilesystemError  LMDB refused on NFS/SMB/sshfs
    │   ├── StoreAccessError   the store cannot be opened as asked (permissions, read-only fs)
    │   ├── StoreReadOnlyError a write was asked of a store opened read-only
    │   └── CorruptionError    bytes on disk fail their checks
    │       ├── CorruptRecordError  one frame at (segment, offset) is bad
    │       └── IndexCorruptError   the LMDB index (index/data.mdb) is damaged
    ├── NotFoundError          a log, checkpoint, blob or session does not exist
    ├── LegacyFormatError      a git-ai working-log file cannot be read
    ├── NoteFormatError        an authorship note on refs/notes/ai cannot be parsed
    ├── GitError               a git command failed or git is missing
    ├── UnreadableFileError    a file someone else wrote was refused (FIFO, device, link, size)
    └── InstallError           install-hooks cannot read or write a settings file or hook
"""

from __future__ import annotations

__all__ = [
    "CompactionBusyError",
    "ConfigError",
    "CorruptRecordError",
    "CorruptionError",
    "Error",
    "FormatVersionError",
    "GitError",
    "IndexCorruptError",
    "InputError",
    "InstallError",
    "LegacyFormatError",
    "NetworkFilesystemError",
    "NotARepositoryError",
    "NotFoundError",
    "NoteFormatError",
    "PathOutsideRepoError",
    "StoreAccessError",
    "StoreClosedError",
    "StoreError",
    "StoreFullError",
    "StoreLockedError",
    "StoreReadOnlyError",
    "UnreadableFileError",
]


class Error(Exception):
    """Base class of every error lsm-checkpoints raises on purpose.

    :param what: what went wrong, in one sentence.
    :param hint: what to do about it; defaults to the class's ``HINT``.
    """

    #: Default hint for the class; instances may override it.
    HINT = "This is a bug in lsm-checkpoints if it persists; please report it."

    def __init__(self, what: str, *, hint: str | None = None) -> None:
        self.what = what
        self.hint = hint if hint is not None else self.HINT
        super().__init__(f"{what} (hint: {self.hint})")


class ConfigError(Error):
    """A setting has a bad value, or the configuration file cannot be parsed."""

    HINT = "Fix the value in ai/ckptlog.toml or the CKPTLOG_* environment variable."


class InputError(Error):
    """Input from a caller is malformed (hook JSON, arguments, paths)."""

    HINT = "Check the arguments or the hook payload; nothing was written."


class PathOutsideRepoError(InputError):
    """A path lies outside the repository, or reaches out of it through a symlink."""

    HINT = "Only files inside the repository's work tree can be checkpointed."


class NotARepositoryError(InputError):
    """The directory a command (or a hook payload's ``cwd``) names is not in a git work tree."""

    HINT = "Run it inside a git work tree, or pass -C PATH; nothing was written."


class StoreError(Error):
    """The store cannot carry out the operation."""

    HINT = "Run `ckptlog verify` to check the store."


class StoreLockedError(StoreError):
    """The writer lock was held by another process past the deadline."""

    HINT = (
        "Another ckptlog process holds the store's LOCK; the checkpoint was skipped. "
        "If this persists, look for a hung process (`fuser <store>/LOCK`)."
    )


class CompactionBusyError(StoreLockedError):
    """Another compaction holds ``COMPACT.lock``; this one did nothing."""

    HINT = "Another ckptlog compact is running; try again when it is done."


class StoreClosedError(StoreError):
    """The :class:`~lsm.store.Store` was used after ``close()``."""

    HINT = "Open the store again with Store.open()."


class StoreFullError(StoreError):
    """A write failed with ENOSPC/EDQUOT; the partial write was rolled back."""

    HINT = "Free disk space (or raise the quota); no acknowledged checkpoint was lost."


class FormatVersionError(StoreError):
    """A segment or index was written by a newer format this version cannot read."""

    HINT = "Upgrade lsm-checkpoints, or move the store aside and re-import git-ai's files."


class NetworkFilesystemError(StoreError):
    """The store lies on a network filesystem, where LMDB's locking is unsafe."""

    HINT = (
        "Put the store on a local disk: set storage.path in ai/ckptlog.toml "
        "(or CKPTLOG_STORAGE_PATH) to a local directory."
    )


class StoreAccessError(StoreError):
    """The store cannot be opened as asked: permission denied, or a read-only filesystem."""

    HINT = (
        "Check the owner and permissions of the store directory (it is private to its owner: "
        "0700), or open it read-only (inspect, dump, verify without --fix)."
    )


class StoreReadOnlyError(StoreError):
    """A write was asked of a store opened with ``read_only=True``."""

    HINT = "Open the store without read_only to change it."


class CorruptionError(StoreError):
    """Bytes on disk fail their checksum or structure checks."""

    HINT = "Run `ckptlog verify` to list the damage and `ckptlog verify --fix` to repair the index."


class CorruptRecordError(CorruptionError):
    """One frame in a segment is damaged; no wrong data was returned.

    :param segment: the segment id.
    :param offset: the byte offset of the frame in the segment file.
    """

    def __init__(self, what: str, *, segment: int, offset: int, hint: str | None = None) -> None:
        self.segment = segment
        self.offset = offset
        super().__init__(f"segment {segment:08d} offset {offset}: {what}", hint=hint)


class IndexCorruptError(CorruptionError):
    """The LMDB index fails LMDB's or the store's checks; the segments are not affected."""

    HINT = (
        "Run `ckptlog verify --fix`: it moves index/ aside and rebuilds it from the segments "
        "(no checkpoint is lost)."
    )


class NotFoundError(Error):
    """The named log, checkpoint, blob or session does not exist."""

    HINT = "List what exists with `ckptlog inspect logs` or `ckptlog inspect stats`."


class LegacyFormatError(Error):
    """A git-ai working-log file (checkpoints.jsonl, INITIAL) cannot be read."""

    HINT = "The legacy file was left untouched; inspect it or move it aside."


class NoteFormatError(Error):
    """An authorship note (``refs/notes/ai``) does not follow ``authorship/3.0.0``."""

    HINT = (
        "The note was left as it is; look at it with `git notes --ref=ai show <commit>` "
        "and fix or remove it."
    )


class GitError(Error):
    """A ``git`` command failed (or git is not installed).

    :param returncode: git's exit status (None when it could not be started).
    """

    HINT = "Run the git command shown by hand to see why it fails; nothing was written."

    def __init__(
        self, what: str, *, returncode: int | None = None, hint: str | None = None
    ) -> None:
        self.returncode = returncode
        super().__init__(what, hint=hint)


class UnreadableFileError(Error):
    """A file written by someone else was not read (see :mod:`lsm.safeio`).

    It is not a regular file (a FIFO, a device, a directory), is a symbolic
    link where none is followed, is over its size limit, or cannot be opened.

    :param path: the file, as given.
    :param reason: why, in a few words (``is a FIFO, not a regular file``).
    """

    HINT = "The file was left untouched and not read; replace it with a regular file or remove it."

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} {reason}", hint=hint)


class InstallError(Error):
    """``install-hooks`` / ``uninstall-hooks`` cannot read or write a file it manages."""

    HINT = "Fix or move the file named, then run the command again; it was left as it was."
