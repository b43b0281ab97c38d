"""Importing git-ai's working logs into the store, and exporting them back.

**Import** (on first touch of a base, or ``ckptlog import``): the
checkpoints are streamed from ``checkpoints.jsonl`` into the store in
batches (bounded memory), then the blobs and INITIAL follow, and the log is
marked imported. The legacy files are never modified or deleted. The log
is marked ``started`` before the first batch, so an import cut short by a
crash is redone from scratch (the partial copy is dropped) by the next
writer rather than imported twice.

**Export** (``ckptlog export``, rollback) writes a log back in git-ai's
exact format: ``checkpoints.jsonl`` (streamed, atomic), ``blobs/`` and
``INITIAL``. Character attributions git-ai itself would have pruned are
left out (see :func:`prune_positions`), so a log imported from git-ai and
exported unchanged is byte-identical, and a log appended to here looks
exactly as git-ai would have left it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsm.errors import InputError, UnreadableFileError
from lsm.fsutil import atomic_write
from lsm.legacy import layout
from lsm.legacy.files import (
    blob_names,
    read_blob,
    read_initial,
    write_blob,
    write_initial,
    write_lines,
)
from lsm.legacy.jsonform import checkpoint_line
from lsm.legacy.reader import ReadStats, read_checkpoints
from lsm.model import InitialAttributions
from lsm.record import NamedTuple
from lsm.safeio import open_regular

if TYPE_CHECKING:
    from lsm.config import Settings
    from lsm.store import Store

__all__ = [
    "ExportReport",
    "ImportReport",
    "export_log",
    "import_working_log",
    "iter_log_lines",
    "legacy_import_pending",
    "prune_positions",
]


class ImportReport(NamedTuple):
    """What an import did; ``warnings`` and ``cap_hits`` are for the caller to show and record."""

    checkpoints: int
    blobs: int
    has_initial: bool
    stats: dict[str, int]
    warnings: list[str]
    cap_hits: list[dict[str, Any]]
    skipped: bool = False


class ExportReport(NamedTuple):
    """What an export wrote."""

    path: str
    checkpoints: int
    bytes: int
    blobs: int
    has_initial: bool


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    # Parsing builds millions of short-lived objects that never form cycles;
    # the cyclic collector would otherwise rescan them for ~40% of the time.
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def legacy_import_pending(store: Store, ai_dir: Path, base: str, log: str) -> bool:
    """True if ``base`` has git-ai files the store has not imported (or finished importing)."""
    try:
        lpath = layout.log_dir(ai_dir, base)
    except InputError:  # not a base git-ai could have written
        return False
    if not (lpath / "checkpoints.jsonl").exists() and not (lpath / "INITIAL").exists():
        return False
    info = store.log_info(log)
    if info is None:
        return True
    state = info.import_state
    return state is None or (isinstance(state, dict) and state.get("phase") == "started")


def import_working_log(
    store: Store,
    ai_dir: Path,
    base: str,
    log: str,
    settings: Settings,
    *,
    progress: Callable[[int, int], None] | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import git-ai's working log of ``base`` into the store's ``log``.

    :param max_bytes: a ``checkpoints.jsonl`` larger than this is not imported
        (a warning and a cap hit; ``ckptlog import`` imports it): the hook's
        limit, ``caps.max_hook_history_bytes``. None: no limit.

    Takes (or re-enters) the writer lock for the whole import. Never raises
    for a damaged legacy file: unreadable lines are skipped and counted, a
    line over ``caps.max_legacy_line_bytes`` is skipped with a warning and a
    cap hit, and a file that is not a regular file (a directory or a FIFO in
    place of ``checkpoints.jsonl``, a ``blobs`` link out of the working log)
    is left out with one warning each. Memory is bounded by one line.

    :raises StoreFullError: the disk filled up (the log stays ``started`` and
        is redone next time).
    """
    warnings: list[str] = []
    cap_hits: list[dict[str, Any]] = []
    lpath = layout.log_dir(ai_dir, base)
    source = lpath / "checkpoints.jsonl"
    size = _source_size(source, warnings)
    caps = settings.caps
    with store.writer() as w:
        info = store.log_info(log)
        state = info.import_state if info is not None else None
        if info is not None and info.checkpoints and state is None:
            warnings.append(
                f"git-ai's working log for {base} appeared after checkpoints were stored here; "
                "not imported automatically (run `ckptlog import` to add it)"
            )
            w.set_import_state(log, {"phase": "declined", "source": str(source), "size": size})
            return ImportReport(0, 0, False, {}, warnings, cap_hits, skipped=True)
        if isinstance(state, dict) and state.get("phase") == "started":
            w.reset_log(log)  # a crashed import: start again from nothing
        cap = settings.caps.max_checkpoint_jsonl_bytes
        if size > cap:
            action = settings.caps.oversized_history
            cap_hits.append(
                {
                    "cap": "max_checkpoint_jsonl_bytes",
                    "value": size,
                    "limit": cap,
                    "action": action,
                    "path": str(source),
                }
            )
            if action == "skip":
                warnings.append(
                    f"git-ai history {source} is {size} bytes (cap {cap}); not imported"
                )
                w.set_import_state(log, {"phase": "skipped", "source": str(source), "size": size})
                return ImportReport(0, 0, False, {}, warnings, cap_hits, skipped=True)
            # Importing anyway is not a degradation (the import streams in bounded
            # memory): the cap hit is recorded as an event, without a warning.
        if max_bytes is not None and size > max_bytes:
            # Bounded memory is not bounded time: past this a hook would run for
            # many seconds (~100 MB/s). `ckptlog import` does it, with a progress bar.
            cap_hits.append(
                {
                    "cap": "max_hook_history_bytes",
                    "value": size,
                    "limit": max_bytes,
                    "action": "skip",
                    "path": str(source),
                }
            )
            warnings.append(
                f"git-ai history {source} is {size} bytes, too large to import during a hook "
                f"(caps.max_hook_history_bytes = {max_bytes}); run `ckptlog import` to import it"
            )
            w.set_import_state(log, {"phase": "skipped", "source": str(source), "size": size})
            return ImportReport(0, 0, False, {}, warnings, cap_hits, skipped=True)
        w.set_import_state(log, {"phase": "started", "source": str(source), "size": size})
        stats = ReadStats()
        count = 0
        with _gc_paused():
            if size:
                count = w.append_many(
                    log,
                    _checkpoints(source, stats, None, progress, size, caps.max_legacy_line_bytes),
                    imported=True,
                )
                migration = stats.migration_map()
                if migration:
                    # git-ai's 7->16 hash migration needs the whole file's agents:
                    # read again, now knowing them.
                    w.reset_log(log)
                    w.set_import_state(
                        log, {"phase": "started", "source": str(source), "size": size}
                    )
                    stats = ReadStats()
                    count = w.append_many(
                        log,
                        _checkpoints(
                            source, stats, migration, progress, size, caps.max_legacy_line_bytes
                        ),
                        imported=True,
                    )
            blobs = w.put_blobs(_legacy_blobs(lpath / "blobs", caps.max_total_bytes, warnings))
        try:
            initial = read_initial(lpath / "INITIAL", max_bytes=caps.max_checkpoint_jsonl_bytes)
        except UnreadableFileError as exc:
            warnings.append(f"{exc.what}; git-ai's INITIAL was not imported")
            initial = InitialAttributions()
        if not initial.is_empty():
            present = {}
            for sha in initial.file_blobs.values():
                if sha not in present and not store.has_blob(sha):
                    data = _legacy_blob(lpath / "blobs", sha, caps.max_total_bytes, warnings)
                    if data is not None:
                        present[sha] = data
            missing = [
                p
                for p, sha in initial.file_blobs.items()
                if sha not in present and not store.has_blob(sha)
            ]
            if missing:
                warnings.append(
                    f"INITIAL of {base}: snapshots missing for {', '.join(sorted(missing))}"
                )
                initial.file_blobs = {
                    p: s for p, s in initial.file_blobs.items() if p not in missing
                }
            w.set_initial(log, initial, blobs=present)
        counters = {
            "checkpoints": count,
            "skipped_api_version": stats.skipped_api,
            "invalid_lines": stats.invalid,
            "torn_lines": stats.torn,
            "transcripts_dropped": stats.transcripts_dropped,
            "migrated_ids": stats.migrated,
            "oversized_lines": stats.oversized,
        }
        if stats.invalid:
            warnings.append(
                f"{source}: {stats.invalid} unreadable line(s) skipped "
                "(git-ai would fail the whole read)"
            )
        if stats.torn:
            warnings.append(f"{source}: a torn last line was dropped")
        if stats.oversized:
            warnings.append(
                f"{source}: {stats.oversized} line(s) over the "
                f"{caps.max_legacy_line_bytes}-byte cap skipped (caps.max_legacy_line_bytes)"
            )
            cap_hits.append(
                {
                    "cap": "max_legacy_line_bytes",
                    "count": stats.oversized,
                    "bytes": stats.oversized_bytes,
                    "limit": caps.max_legacy_line_bytes,
                    "path": str(source),
                }
            )
        w.set_import_state(
            log,
            {
                "phase": "done",
                "source": str(source),
                "size": size,
                "at": int(time.time() * 1000),
                **counters,
            },
        )
    return ImportReport(count, blobs, not initial.is_empty(), counters, warnings, cap_hits)


def _source_size(source: Path, warnings: list[str]) -> int:
    """The size of ``checkpoints.jsonl``; 0 if absent or refused (with a warning)."""
    try:
        with open_regular(source, nofollow_below=source.parent) as f:
            return os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        return 0
    except UnreadableFileError as exc:
        warnings.append(f"{exc.what}; git-ai's checkpoints were not imported")
        return 0


def _checkpoints(
    source: Path,
    stats: ReadStats,
    migration: dict[str, str] | None,
    progress: Callable[[int, int], None] | None,
    size: int,
    max_line_bytes: int,
) -> Iterator[Any]:
    lines = read_checkpoints(
        source, stats=stats, migration=migration, max_line_bytes=max_line_bytes or None
    )
    for line in lines:
        if progress is not None:
            progress(line.offset + line.length, size)
        yield line.checkpoint


def _legacy_blob(blobs: Path, sha: str, max_bytes: int, warnings: list[str]) -> bytes | None:
    try:
        return read_blob(blobs, sha, max_bytes=max_bytes)
    except UnreadableFileError as exc:
        warnings.append(f"{exc.what}; blob not imported")
        return None


def _legacy_blobs(blobs: Path, max_bytes: int, warnings: list[str]) -> Iterator[bytes]:
    try:
        names = blob_names(blobs)
    except UnreadableFileError as exc:
        warnings.append(f"{exc.what}; no blob of this working log was imported")
        return
    for name in names:
        data = _legacy_blob(blobs, name, max_bytes, warnings)
        if data is not None:
            yield data


# ----------------------------------------------------------------------------- export


def prune_positions(store: Store, log: str) -> dict[str, tuple[int, int]]:
    """For each file: the log position before which git-ai would have pruned its entries.

    git-ai clears the character attributions of every entry that is not the
    newest for its file each time it appends a checkpoint. So an entry loses
    them exactly when a newer entry of its file exists at or before the
    log's last native (non-imported) checkpoint. Positions are
    ``(index of the run in the log, seq)``; files with no such entry are absent.
    """
    info = store.log_info(log)
    if info is None:
        return {}
    runs = list(info.runs)
    last_native: tuple[int, int] | None = None
    for i, run in enumerate(runs):
        native = store.run_info(run).get("last_native_seq", 0)
        if native:
            last_native = (i, int(native))
    if last_native is None:
        return {}
    index = {run: i for i, run in enumerate(runs)}
    out: dict[str, tuple[int, int]] = {}
    for state in store.files(log):
        for run, ref in store.history_refs(log, state.path):
            pos = (index[run], ref.seq)
            if pos <= last_native:
                out[state.path] = pos
                break
    return out


def iter_log_lines(store: Store, log: str) -> Iterator[bytes]:
    """Every checkpoint of ``log`` as a git-ai ``checkpoints.jsonl`` line, streamed."""
    thresholds = prune_positions(store, log)
    info = store.log_info(log)
    index = {run: i for i, run in enumerate(info.runs)} if info is not None else {}
    for stored in store.checkpoints(log):
        pos = (index.get(stored.run, 0), stored.seq)
        strip = frozenset(
            i
            for i, e in enumerate(stored.checkpoint.entries)
            if e.file in thresholds and pos < thresholds[e.file]
        )
        yield checkpoint_line(stored.checkpoint, strip=strip)


def export_log(store: Store, log: str, ai_dir: Path, base: str | None = None) -> ExportReport:
    """Write ``log`` as git-ai's working log of ``base`` (default: the log's name).

    ``checkpoints.jsonl`` is replaced atomically; blobs named by any entry or
    by INITIAL are written if missing; INITIAL is written (or removed); an
    archived log (``old-<base>``) gets git-ai's ``.archived_at`` (unix seconds).
    """
    target = base or log.rsplit("/", 1)[-1]
    lpath = layout.log_dir(ai_dir, target)
    lines = 0

    def counted() -> Iterator[bytes]:
        nonlocal lines
        for line in iter_log_lines(store, log):
            lines += 1
            yield line

    written = write_lines(lpath / "checkpoints.jsonl", counted())
    blobs = 0
    seen: set[str] = set()
    initial = store.get_initial(log)
    shas = [
        ref.blob_sha for st in store.files(log) for _run, ref in store.history_refs(log, st.path)
    ]
    shas.extend(initial.file_blobs.values())
    for sha in shas:
        if sha in seen or len(sha) != 64:
            continue
        seen.add(sha)
        if (lpath / "blobs" / sha).exists():
            continue
        data = store.get_blob(sha)
        if data is not None:
            write_blob(lpath / "blobs", data)
            blobs += 1
    has_initial = write_initial(lpath / "INITIAL", initial)
    info = store.log_info(log)
    if info is not None and info.archived_ms is not None:
        # An archived log (post-commit's ``old-<base>``): git-ai's prune reads this stamp.
        atomic_write(lpath / ".archived_at", str(info.archived_ms // 1000).encode())
    return ExportReport(str(lpath / "checkpoints.jsonl"), lines, written, blobs, has_initial)
