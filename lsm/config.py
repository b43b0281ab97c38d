"""User settings: one TOML file, overridable by environment variables.

The file is ``<git common dir>/ai/ckptlog.toml`` (next to git-ai's own
files). Every key can be overridden by ``CKPTLOG_<SECTION>_<KEY>`` (for
example ``CKPTLOG_STORAGE_MODE=legacy``), and the content caps also by
git-ai's own variables (``GIT_AI_MAX_CHECKPOINT_FILE_SIZE_BYTES`` ...), so a
hook environment written for git-ai keeps working. Precedence: CKPTLOG_*
variable > git-ai variable > file > default.

What can fail: :class:`~lsm.errors.ConfigError` for an unreadable file, an
unknown key or a bad value, naming the key and where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lsm.errors import ConfigError, UnreadableFileError
from lsm.options import Durability, StoreOptions
from lsm.record import NamedTuple
from lsm.safeio import read_regular

__all__ = [
    "CONFIG_FILE",
    "MAX_CONFIG_BYTES",
    "CapsSettings",
    "CheckpointSettings",
    "CommitSettings",
    "CompactionSettings",
    "Settings",
    "StorageSettings",
    "TranscriptSettings",
    "load_settings",
]

CONFIG_FILE = "ckptlog.toml"
#: The largest configuration file read.
MAX_CONFIG_BYTES = 1 << 20

_MODES = ("lsm", "legacy", "dual")
_OVERSIZE = ("import", "skip")


class StorageSettings(NamedTuple):
    """Where and how checkpoints are stored."""

    #: ``lsm`` (the store), ``legacy`` (git-ai's files only) or ``dual`` (both).
    mode: str = "lsm"
    #: Store directory; empty means ``<git common dir>/ai/lsm``.
    path: str = ""
    #: ``normal``, ``full`` or ``off`` (see lsm.options.Durability).
    durability: str = "normal"
    #: Seal the active segment at this size (bytes).
    segment_bytes: int = 32 << 20
    #: Seconds a hook waits for the writer lock before degrading.
    lock_timeout: float = 2.0


class CapsSettings(NamedTuple):
    """git-ai's content caps, plus ours on legacy history; a hit degrades, never fails."""

    max_file_bytes: int = 3 << 20
    max_total_bytes: int = 32 << 20
    max_total_lines: int = 500_000
    max_paths: int = 1000
    #: Legacy ``checkpoints.jsonl`` above this size is "oversized".
    max_checkpoint_jsonl_bytes: int = 64_000_000
    #: What to do with oversized legacy history: ``import`` (bounded) or ``skip``.
    oversized_history: str = "import"
    #: A hook does not import (storage.mode lsm, dual) or rewrite (legacy, dual) a
    #: git-ai history larger than this: at ~100 MB/s it would run for seconds.
    #: ``ckptlog import`` imports it. 0 means no limit.
    max_hook_history_bytes: int = 512 << 20
    #: A legacy line longer than this (after its ``transcript`` is cut out) is
    #: skipped with a warning; 0 means no cap. Parsed, a dense 8 MiB line takes ~300 MB.
    max_legacy_line_bytes: int = 8 << 20


class TranscriptSettings(NamedTuple):
    """Agent transcript parsing."""

    max_transcript_bytes: int = 32_000_000
    max_line_bytes: int = 1 << 20
    redact: bool = True


class CompactionSettings(NamedTuple):
    """When and how the compactor runs."""

    #: ``full``, ``git-ai``, ``time:<interval>`` or ``latest``.
    policy: str = "git-ai"
    #: Start ``ckptlog compact --auto`` in the background when thresholds pass.
    auto: bool = True
    min_sealed_segments: int = 4
    min_sealed_bytes: int = 64 << 20
    min_garbage_ratio: float = 0.3
    #: Archived working logs older than this are dropped (git-ai: 7 days).
    archive_retention_days: float = 7.0


class CheckpointSettings(NamedTuple):
    """How checkpoints are taken."""

    #: A KnownHuman save less than this many seconds after an AI checkpoint of
    #: the same file is dropped as the editor saving what the agent wrote
    #: (git-ai ``KNOWN_HUMAN_MIN_SECS_AFTER_AI``). git-ai compiles the rule out
    #: of its test builds; 0 turns it off here (the scenario tests do).
    known_human_min_secs_after_ai: float = 1.0


class CommitSettings(NamedTuple):
    """What happens at commit time (post-commit and the rewrite hooks)."""

    #: Write authorship notes on refs/notes/ai at all.
    notes: bool = True
    #: git-ai's known-human fallback: in a commit with no AI line (or with
    #: known-human lines), lines no checkpoint explains go to the commit's author.
    known_human_fallback: bool = True
    #: Seconds post-commit waits for the store's writer lock before degrading.
    lock_timeout: float = 2.0
    #: Before the note, a human checkpoint of the files with AI state whose
    #: text changed since their last checkpoint (what git-ai's pre-commit did):
    #: a human rewrite of an AI line made since then counts as human.
    checkpoint_first: bool = True


class Settings(NamedTuple):
    """All settings, with where each non-default value came from.

    Immutable, like its sections (named tuples, not dataclasses: a hook
    must not pay for importing ``dataclasses``). The default ``sources``
    dict is shared: never mutate it.
    """

    storage: StorageSettings = StorageSettings()
    caps: CapsSettings = CapsSettings()
    transcripts: TranscriptSettings = TranscriptSettings()
    compaction: CompactionSettings = CompactionSettings()
    commit: CommitSettings = CommitSettings()
    checkpoint: CheckpointSettings = CheckpointSettings()
    #: "section.key" -> "file" | "env:<NAME>", for ``ckptlog config``.
    sources: dict[str, str] = {}  # noqa: RUF012 - shared default, never mutated
    #: The configuration file read, if any.
    file: str | None = None

    def store_options(self) -> StoreOptions:
        """The engine options these settings imply."""
        return StoreOptions(
            durability=Durability.parse(self.storage.durability),
            segment_bytes=self.storage.segment_bytes,
            lock_timeout=self.storage.lock_timeout,
        ).validated()

    def store_path(self, common_dir: Path) -> Path:
        """The store directory for a repository."""
        if self.storage.path:
            p = Path(self.storage.path).expanduser()
            return p if p.is_absolute() else common_dir / p
        return common_dir / "ai" / "lsm"

    def with_caps(self, **changes: Any) -> Settings:
        """A copy with some ``caps`` settings changed (e.g. ``oversized_history="import"``)."""
        return self._replace(caps=self.caps._replace(**changes))

    def to_json(self) -> dict[str, Any]:
        """Every setting as nested dicts (plus sources), for display."""
        return {
            "storage": self.storage._asdict(),
            "caps": self.caps._asdict(),
            "transcripts": self.transcripts._asdict(),
            "compaction": self.compaction._asdict(),
            "commit": self.commit._asdict(),
            "checkpoint": self.checkpoint._asdict(),
            "sources": dict(self.sources),
            "file": self.file,
        }


_SECTIONS: dict[str, Any] = {
    "storage": StorageSettings,
    "caps": CapsSettings,
    "transcripts": TranscriptSettings,
    "compaction": CompactionSettings,
    "commit": CommitSettings,
    "checkpoint": CheckpointSettings,
}


def _field_types(section: Any) -> dict[str, Any]:
    """A section's field names, in order, with their types' names (``"int"``...).

    The annotations are strings (``from __future__ import annotations``),
    which NamedTuple wraps in ``typing.ForwardRef``.
    """
    annotations: dict[str, Any] = section.__annotations__
    return {
        name: getattr(annotations[name], "__forward_arg__", annotations[name])
        for name in section._fields
    }


# git-ai's own environment variables for its caps (src/config.rs).
_GITAI_ENV = {
    ("caps", "max_file_bytes"): "GIT_AI_MAX_CHECKPOINT_FILE_SIZE_BYTES",
    ("caps", "max_total_bytes"): "GIT_AI_MAX_CHECKPOINT_TOTAL_SIZE_BYTES",
    ("caps", "max_total_lines"): "GIT_AI_MAX_CHECKPOINT_TOTAL_LINES",
}


def _coerce(section: str, key: str, typ: Any, value: Any, source: str) -> Any:
    where = f"{section}.{key} ({source})"
    try:
        if typ is bool or typ == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if typ is int or typ == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            n = int(value)
            if n < 0:
                raise ValueError(value)
            return n
        if typ is float or typ == "float":
            x = float(value)
            if x < 0:
                raise ValueError(value)
            return x
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"bad value {value!r} for {where}") from None


def _validate(s: Settings) -> None:
    if s.storage.mode not in _MODES:
        raise ConfigError(
            f"storage.mode must be one of {', '.join(_MODES)}, not {s.storage.mode!r}"
        )
    Durability.parse(s.storage.durability)
    if s.caps.oversized_history not in _OVERSIZE:
        raise ConfigError(
            f"caps.oversized_history must be import or skip, not {s.caps.oversized_history!r}"
        )
    policy = s.compaction.policy
    if policy not in ("full", "git-ai", "latest") and not policy.startswith("time:"):
        raise ConfigError(
            f"compaction.policy must be full, git-ai, time:<interval> or latest, not {policy!r}"
        )
    s.store_options()  # range checks


def load_settings(ai_dir: Path | None, env: Mapping[str, str] | None = None) -> Settings:
    """Read ``<ai_dir>/ckptlog.toml`` (if present) and apply environment overrides.

    :param ai_dir: git-ai's ``ai`` directory of the repository, or None for
        defaults plus environment only.
    :raises ConfigError: unreadable file, unknown section or key, bad value.
    """
    environ = os.environ if env is None else env
    values: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    sources: dict[str, str] = {}
    file_used: str | None = None
    if ai_dir is not None:
        path = ai_dir / CONFIG_FILE
        try:
            # Every hook reads this file: a FIFO or a device here must not hang it.
            raw = read_regular(path, MAX_CONFIG_BYTES)
        except FileNotFoundError:
            raw = None
        except UnreadableFileError as exc:
            raise ConfigError(
                f"the configuration file {exc.what}",
                hint=(
                    "Make it a regular file you may read (check the owner and permissions "
                    "of the repository's .git/ai), or move it aside."
                ),
            ) from None
        if raw is not None:
            import tomllib  # only when there is a file: hooks mostly run without one

            file_used = str(path)
            try:
                doc = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path} is not valid TOML: {exc}") from None
            for section, body in doc.items():
                if section not in _SECTIONS or not isinstance(body, dict):
                    raise ConfigError(f"{path}: unknown section [{section}]")
                known = _field_types(_SECTIONS[section])
                for key, value in body.items():
                    if key not in known:
                        raise ConfigError(f"{path}: unknown key {section}.{key}")
                    values[section][key] = _coerce(section, key, known[key], value, "file")
                    sources[f"{section}.{key}"] = "file"
    for section, cls in _SECTIONS.items():
        for key, typ in _field_types(cls).items():
            gitai = _GITAI_ENV.get((section, key))
            for name in (gitai, f"CKPTLOG_{section.upper()}_{key.upper()}"):
                if name and name in environ:
                    values[section][key] = _coerce(section, key, typ, environ[name], name)
                    sources[f"{section}.{key}"] = f"env:{name}"
    settings = Settings(
        storage=StorageSettings(**values["storage"]),
        caps=CapsSettings(**values["caps"]),
        transcripts=TranscriptSettings(**values["transcripts"]),
        compaction=CompactionSettings(**values["compaction"]),
        commit=CommitSettings(**values["commit"]),
        checkpoint=CheckpointSettings(**values["checkpoint"]),
        sources=sources,
        file=file_used,
    )
    _validate(settings)
    return settings
