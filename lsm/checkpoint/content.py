"""Reading the files a checkpoint covers, under git-ai's content caps.

git-ai (``build_checkpoint_files`` and ``CheckpointContentBudget``) skips a
file over 3 MiB, then admits contents first come first served until 32 MiB
or 500,000 lines are used up; binary (NUL) and non-UTF-8 contents are
dropped; a missing file is a deletion (content ``""``). Every skip is
reported so the caller can warn and record a ``cap_hit`` or ``skipped``
event; none of them fails the checkpoint.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from lsm.errors import UnreadableFileError
from lsm.record import NamedTuple, Struct, field
from lsm.safeio import describe_mode, read_regular

__all__ = ["ContentBudget", "FileContents", "Skip", "count_lines", "read_contents"]


def count_lines(text: str) -> int:
    """git-ai's line count: newlines, plus one for an unterminated last line; 0 if empty."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


class Skip(NamedTuple):
    """A file left out of the checkpoint, and why.

    ``cap`` names the cap for cap hits (``max_file_bytes``,
    ``max_total_bytes``, ``max_total_lines``, ``max_paths``), else None.
    """

    path: str
    reason: str
    cap: str | None = None
    value: int | None = None
    limit: int | None = None


class ContentBudget(Struct):
    """Per-request totals (git-ai ``CheckpointContentBudget``)."""

    max_total_bytes: int
    max_total_lines: int
    used_bytes: int = 0
    used_lines: int = 0

    def reserve(self, path: str, text: str, size: int) -> Skip | None:
        """Admit ``text`` or say which total it would exceed."""
        lines = count_lines(text)
        if self.used_bytes + size > self.max_total_bytes:
            return Skip(
                path,
                "the request's total size cap is used up",
                "max_total_bytes",
                self.used_bytes + size,
                self.max_total_bytes,
            )
        if self.used_lines + lines > self.max_total_lines:
            return Skip(
                path,
                "the request's total line cap is used up",
                "max_total_lines",
                self.used_lines + lines,
                self.max_total_lines,
            )
        self.used_bytes += size
        self.used_lines += lines
        return None


class FileContents(Struct):
    """Contents admitted into a checkpoint (repo-relative path -> text) and skips."""

    texts: dict[str, str] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)


def read_contents(
    root: Path,
    paths: list[str],
    *,
    max_file_bytes: int,
    budget: ContentBudget,
    overrides: Mapping[str, str] | None = None,
) -> FileContents:
    """Read ``paths`` (repo-relative) under ``root`` in order, applying every cap.

    ``overrides`` (IDE ``dirty_files``) replace the disk content of a path.
    A file that vanished is read as ``""`` (a deletion). Nothing raises for
    a single file: unreadable files are skipped with a reason.
    """
    out = FileContents()
    for rel in paths:
        if overrides is not None and rel in overrides:
            text = overrides[rel]
            data = text.encode("utf-8", "surrogatepass")
        else:
            full = root / rel
            try:
                st = os.stat(full)
            except FileNotFoundError:
                data = b""
            except OSError as exc:
                out.skipped.append(Skip(rel, f"cannot stat: {exc.strerror}"))
                continue
            else:
                if not stat.S_ISREG(st.st_mode):
                    kind = describe_mode(st.st_mode)
                    out.skipped.append(Skip(rel, f"{kind}, not a regular file"))
                    continue
                if st.st_size > max_file_bytes:
                    out.skipped.append(
                        Skip(
                            rel,
                            "file is over the per-file size cap",
                            "max_file_bytes",
                            st.st_size,
                            max_file_bytes,
                        )
                    )
                    continue
                # Through safeio, confined to the work tree: a FIFO or a symbolic link
                # swapped in since the stat (or since the path was resolved) is refused
                # instead of blocking the hook or reading a file outside the repository.
                try:
                    data = read_regular(full, max_file_bytes, nofollow_below=root)
                except FileNotFoundError:
                    data = b""
                except UnreadableFileError as exc:
                    out.skipped.append(Skip(rel, exc.reason))
                    continue
            if b"\x00" in data:
                out.skipped.append(Skip(rel, "binary content (NUL byte)"))
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                out.skipped.append(Skip(rel, "content is not valid UTF-8"))
                continue
        if "\x00" in text:
            out.skipped.append(Skip(rel, "binary content (NUL byte)"))
            continue
        refused = budget.reserve(rel, text, len(data))
        if refused is not None:
            out.skipped.append(refused)
            continue
        out.texts[rel] = text
        out.raw[rel] = data
    return out
