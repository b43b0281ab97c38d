"""git-ai's working log as the storage itself: ``storage.mode = legacy`` (and ``dual``).

Rollback means a user can keep working with git-ai's own files and nothing
else. :class:`LegacyWorkingLog` gives the checkpoint command what it needs
from ``.git/ai/working_logs/<base>/`` (previous file states, blobs,
INITIAL) and appends a checkpoint the way git-ai does: the new line is
added, every older entry of a file the checkpoint touches loses its
character attributions (``prune_old_char_attributions``), and the file is
rewritten. Unlike git-ai, both the read and the rewrite stream: memory is
bounded by one line, never by the history, and lines that need no change
are copied byte for byte.

Atomicity: the rewrite goes to a temporary file that replaces
``checkpoints.jsonl`` with one ``rename`` after an fsync, so a crash leaves
the old file or the new one. Blobs are written (atomically) before the
line that names them. Errors: :class:`~lsm.errors.LegacyFormatError` when
the directory cannot be read or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import orjson

from lsm.errors import LegacyFormatError, UnreadableFileError
from lsm.legacy import layout
from lsm.legacy.files import read_blob, read_initial, write_blob, write_lines
from lsm.legacy.jsonform import checkpoint_line
from lsm.legacy.reader import MAX_LINE_BYTES, read_checkpoints
from lsm.model import Attribution, Checkpoint, CheckpointKind, InitialAttributions
from lsm.record import NamedTuple
from lsm.safeio import open_regular

__all__ = ["LegacyFileState", "LegacyWorkingLog", "is_ai_author"]


def is_ai_author(author_id: str) -> bool:
    """git-ai's ``is_ai_author_id``: neither ``human`` nor a KnownHuman ``h_`` id."""
    return author_id != "human" and not author_id.startswith("h_")


class LegacyFileState(NamedTuple):
    """The newest entry of one file in a legacy log, and where its line is."""

    blob_sha: str
    attributions: Sequence[Attribution]
    kind: CheckpointKind
    timestamp: int
    ai_touched: bool


class LegacyWorkingLog:
    """One base commit's git-ai working log, read and written in git-ai's format."""

    def __init__(self, ai_dir: Path, base: str, *, max_bytes: int | None = None) -> None:
        """:param max_bytes: refuse to read or rewrite a ``checkpoints.jsonl`` larger
        than this (a hook's bound: every checkpoint streams the whole file)."""
        self.ai_dir = ai_dir
        self.base = base
        self.max_bytes = max_bytes
        self.dir = layout.log_dir(ai_dir, base)
        self.path = self.dir / "checkpoints.jsonl"
        # From the last scan: file -> (line offset, entry index) of its newest
        # entry, and every entry that still holds character attributions.
        self._newest: dict[str, tuple[int, int]] | None = None
        self._with_attrs: list[tuple[int, int, str]] = []
        #: Files refused while reading (one line each), for the caller to show.
        self.warnings: list[str] = []

    def states(self, files: Iterable[str]) -> dict[str, LegacyFileState]:
        """The newest entry of each of ``files`` (absent: never checkpointed).

        ``ai_touched`` follows git-ai: an AI checkpoint or an AI author id in
        any entry of the file (INITIAL keys are the caller's to add). The
        same pass notes every entry that still has character attributions,
        for the prune of the next :meth:`append`.
        """
        wanted = set(files)
        out: dict[str, LegacyFileState] = {}
        touched: set[str] = set()
        self._newest = {}
        self._with_attrs = []
        if not self.path.exists():
            return out
        self._check_size()
        for line in read_checkpoints(self.path):
            cp = line.checkpoint
            for i, e in enumerate(cp.entries):
                self._newest[e.file] = (line.offset, i)
                if len(e.attributions):
                    self._with_attrs.append((line.offset, i, e.file))
                if e.file not in wanted:
                    continue
                if (
                    cp.kind.is_ai
                    or any(is_ai_author(a.author_id) for a in e.attributions)
                    or any(is_ai_author(la.author_id) for la in e.line_attributions)
                ):
                    touched.add(e.file)
                out[e.file] = LegacyFileState(
                    e.blob_sha, list(e.attributions), cp.kind, cp.timestamp, False
                )
        return {f: s._replace(ai_touched=f in touched) for f, s in out.items()}

    def _check_size(self) -> None:
        if self.max_bytes is None:
            return
        try:
            size = self.path.stat().st_size
        except OSError:
            return  # read_checkpoints says what is wrong with it
        if size > self.max_bytes:
            raise LegacyFormatError(
                f"{self.path} is {size} bytes, too large to rewrite during a hook "
                f"(caps.max_hook_history_bytes = {self.max_bytes})",
                hint=(
                    "git-ai's files are rewritten whole on every checkpoint in this mode; "
                    "run `ckptlog import` and use storage.mode = lsm."
                ),
            )

    def get_blob(self, sha: str) -> bytes | None:
        """A blob's bytes, or None (absent, or refused: see :attr:`warnings`)."""
        try:
            return read_blob(self.dir / "blobs", sha)
        except UnreadableFileError as exc:
            self.warnings.append(f"{exc.what}; read as a missing blob")
            return None

    def initial(self) -> InitialAttributions:
        """The INITIAL file (empty when there is none, or when it is refused)."""
        try:
            return read_initial(self.dir / "INITIAL")
        except UnreadableFileError as exc:
            self.warnings.append(f"{exc.what}; read as no INITIAL")
            return InitialAttributions()

    def append(self, cp: Checkpoint, blobs: dict[str, bytes]) -> int:
        """Append ``cp`` as git-ai would; returns the new file size.

        ``blobs`` maps each content's sha256 hex (computed once, by the
        checkpoint) to the content.

        git-ai's prune: after the append, every entry that is not the newest
        of its file loses its character attributions. The scan of
        :meth:`states` (run here if it has not been) says which.
        """
        try:
            for sha, data in blobs.items():
                write_blob(self.dir / "blobs", data, sha if len(sha) == 64 else None)
            if self._newest is None:
                self.states(())
            newest = dict(self._newest or {})
            for e in cp.entries:
                newest[e.file] = (-1, -1)  # the new line
            superseded: dict[int, set[int]] = {}
            for off, i, f in self._with_attrs:
                if newest.get(f) != (off, i):
                    superseded.setdefault(off, set()).add(i)
            size = write_lines(self.path, self._rewritten(superseded, checkpoint_line(cp)))
        except OSError as exc:
            raise LegacyFormatError(
                f"cannot write {self.path}: {exc.strerror}",
                hint="Check the disk and the permissions of .git/ai/working_logs.",
            ) from None
        self._newest = None
        return size

    def _rewritten(self, superseded: dict[int, set[int]], new_line: bytes) -> Iterator[bytes]:
        """The current lines with the prune applied, then ``new_line``.

        Memory is bounded by one line of at most ``MAX_LINE_BYTES``: a longer
        line (the reader skipped it, so it is never pruned) is copied through
        in chunks.
        """
        if self.path.exists():
            with open_regular(self.path, nofollow_below=self.dir) as f:
                offset = 0
                while True:
                    raw = f.readline(MAX_LINE_BYTES + 1)
                    if not raw:
                        break
                    at = offset
                    offset += len(raw)
                    if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                        yield raw
                        for more in iter(lambda: f.readline(MAX_LINE_BYTES), b""):
                            offset += len(more)
                            yield more
                            if more.endswith(b"\n"):
                                break
                        else:
                            yield b"\n"  # a torn last line stays, now terminated
                        continue
                    positions = superseded.get(at)
                    if positions:
                        raw = _strip_attributions(raw, positions)
                    elif not raw.endswith(b"\n"):
                        raw += b"\n"  # a torn last line stays, now terminated
                    yield raw
        yield new_line


def _strip_attributions(raw: bytes, positions: set[int]) -> bytes:
    """Clear ``attributions`` of the entries at ``positions``; other keys keep their order."""
    obj = orjson.loads(raw)
    entries = obj.get("entries")
    if isinstance(entries, list):
        for i in positions:
            if i < len(entries) and isinstance(entries[i], dict):
                entries[i]["attributions"] = []
    return orjson.dumps(obj) + b"\n"
