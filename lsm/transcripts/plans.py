"""Claude plan files: ``Write``/``Edit`` to ``.claude/plans/*.md`` become plan messages.

Follows ``is_plan_file_path`` and ``extract_plan_from_tool_use`` in git-ai's
legacy ``src/commands/checkpoint_agent/transcript_readers.rs`` (deleted in
c26089615). A ``Write`` gives the plan's full text; an ``Edit`` replaces the
first ``old_string`` with ``new_string`` in the text tracked for that path (or,
with nothing tracked, yields ``new_string`` alone).

The tracked texts are state that outlives one parse call, so
:class:`PlanTracker` serializes to JSON and is carried in the watermark. It is
bounded: past ``max_bytes`` the oldest plans are forgotten (a later ``Edit`` of
a forgotten plan then yields ``new_string`` alone, as git-ai does for a plan it
never saw written).
"""

from __future__ import annotations

import itertools
from typing import Any

from lsm.transcripts.text import get_str, is_blank

__all__ = ["PlanTracker", "is_plan_file_path"]


def is_plan_file_path(file_path: str) -> bool:
    """True for a ``.md`` file (any case) under a ``.claude/plans`` directory pair.

    Rust ``Path`` semantics on POSIX: ``/``-separated, empty and ``.``
    components dropped, ``..`` never a name; the extension is what follows the
    last dot of the file name, except for a name whose only dot leads it.
    """
    parts = file_path.split("/")
    name = next((p for p in reversed(parts) if p and p != "."), "")
    if name in ("", ".."):
        return False
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or _ascii_lower(extension) != "md":
        return False
    # Path::components() keeps only Normal names here; RootDir, CurDir and
    # ParentDir are filtered out before looking for the pair.
    names = [_ascii_lower(p) for p in parts if p not in ("", ".", "..")]
    return any(a == ".claude" and b == "plans" for a, b in itertools.pairwise(names))


def _ascii_lower(text: str) -> str:
    # Rust's to_ascii_lowercase: only A-Z change (str.lower() folds more).
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


class PlanTracker:
    """The latest text of every plan file seen, oldest first.

    :param max_bytes: the most plan text (UTF-8 bytes) kept.
    """

    __slots__ = ("_max_bytes", "_plans", "_size", "forgotten", "forgotten_bytes")

    def __init__(self, max_bytes: int, plans: dict[str, str] | None = None) -> None:
        self._max_bytes = max_bytes
        self._plans: dict[str, str] = {}
        self._size = 0
        #: Plans forgotten to stay under ``max_bytes`` since this tracker was made.
        self.forgotten = 0
        #: Their size in bytes.
        self.forgotten_bytes = 0
        for path, text in (plans or {}).items():
            self._set(path, text)

    def plan_for(self, tool_name: str, tool_input: Any) -> str | None:
        """The plan text a ``tool_use`` produces, or ``None`` if it is not a plan edit."""
        if tool_name == "Write":
            path = get_str(tool_input, "file_path")
            if path is None or not is_plan_file_path(path):
                return None
            content = get_str(tool_input, "content")
            if content is None or is_blank(content):
                return None
            self._set(path, content)
            return content
        if tool_name == "Edit":
            path = get_str(tool_input, "file_path")
            if path is None or not is_plan_file_path(path):
                return None
            old = get_str(tool_input, "old_string")
            new = get_str(tool_input, "new_string")
            if new is None:
                return None
            if old is not None:
                if not old and not new:
                    return None
                current = self._plans.get(path)
                updated = new if current is None else current.replace(old, new, 1)
            elif new:
                updated = new
            else:
                return None
            self._set(path, updated)
            return updated
        return None

    def to_json(self) -> dict[str, str]:
        """The tracked texts, oldest first (JSON-ready)."""
        return dict(self._plans)

    def _set(self, path: str, text: str) -> None:
        previous = self._plans.pop(path, None)
        if previous is not None:
            self._size -= _size(path, previous)
        size = _size(path, text)
        # Evict oldest first; a plan larger than the whole budget is not kept.
        while self._plans and self._size + size > self._max_bytes:
            old_path = next(iter(self._plans))
            old_size = _size(old_path, self._plans.pop(old_path))
            self._size -= old_size
            self.forgotten += 1
            self.forgotten_bytes += old_size
        if size > self._max_bytes:
            self.forgotten += 1
            self.forgotten_bytes += size
            return
        self._plans[path] = text
        self._size += size


def _size(path: str, text: str) -> int:
    return len(path.encode("utf-8", "surrogatepass")) + len(text.encode("utf-8", "surrogatepass"))
