"""What a hook remembers for the commit that follows it.

Two history operations end in a plain ``git commit`` whose post-commit hook
cannot tell, by itself, where the commit's lines came from:

* ``git merge --squash`` (then ``git commit``): ``post-merge 1`` records the
  squashed branch's commits (:func:`remember_squash`);
* a cherry-pick or revert concluded by ``git commit``: after a conflict
  (``cherry-pick --continue`` runs ``git commit``, which deletes
  ``CHERRY_PICK_HEAD`` before post-commit runs), or after ``cherry-pick -n``
  (which fires no hook at all). The ``pre-commit`` hook still sees git's
  state files (``CHERRY_PICK_HEAD``, ``REVERT_HEAD``, or a ``MERGE_MSG``
  with no merge in progress) and records them (:func:`remember_pick`).

Each record names the HEAD it was made on; post-commit uses it only for a
commit whose parent is that HEAD (else it is stale: an abandoned squash or
pick followed by an unrelated commit) and removes it either way. Records
are small JSON files in the work tree's git-ai directory, written
atomically; one that cannot be read counts as absent.

Nothing here runs git; reading and writing a record can fail only with
``OSError``, which :func:`remember_pick` swallows (a hook never fails).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

__all__ = [
    "PICK_FILE",
    "SQUASH_FILE",
    "Pick",
    "pending_exists",
    "remember_pick",
    "remember_squash",
    "take_pick",
    "take_squash",
]

#: A ``merge --squash`` waiting for its commit.
SQUASH_FILE = "ckptlog-pending-squash.json"
#: A cherry-pick or revert waiting for its commit (recorded by pre-commit).
PICK_FILE = "ckptlog-pending-pick.json"

_OID_LENGTHS = (40, 64)


def _oid(text: str) -> str | None:
    text = text.strip()
    ok = len(text) in _OID_LENGTHS and all(c in "0123456789abcdef" for c in text)
    return text if ok else None


def _read_oid(path: Path) -> str | None:
    try:
        return _oid(path.read_text("ascii"))
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, doc: dict[str, Any]) -> None:
    from lsm.fsutil import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(doc).encode(), sync=False)


def _take(path: Path) -> dict[str, Any] | None:
    """The record at ``path`` (removed), or None."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        doc = None
    with contextlib.suppress(OSError):
        path.unlink()
    return doc if isinstance(doc, dict) else None


def pending_exists(ai_dir: Path) -> bool:
    """True if any record waits for a commit (two ``stat`` calls)."""
    return (ai_dir / SQUASH_FILE).exists() or (ai_dir / PICK_FILE).exists()


# ---------------------------------------------------------------------- squash


def remember_squash(ai_dir: Path, onto: str, sources: list[str]) -> None:
    """``merge --squash`` of ``sources`` (oldest first) onto HEAD ``onto``."""
    _write(ai_dir / SQUASH_FILE, {"onto": onto, "sources": sources})


def take_squash(ai_dir: Path) -> tuple[str, list[str]] | None:
    """``(onto, sources)`` of a pending squash (the record is consumed)."""
    doc = _take(ai_dir / SQUASH_FILE)
    if doc is None:
        return None
    try:
        return str(doc["onto"]), [str(s) for s in doc["sources"]]
    except (KeyError, TypeError):
        return None


# ---------------------------------------------------------------------- cherry-pick / revert


class Pick:
    """A pick waiting for its commit.

    :ivar kind: ``cherry-pick`` or ``revert``.
    :ivar head: the HEAD it was recorded on (the commit's parent to be).
    :ivar source: the picked (or reverted) commit, when git named it.
    :ivar message: ``MERGE_MSG`` of a ``cherry-pick -n`` (no source named).
    """

    __slots__ = ("head", "kind", "message", "source")

    def __init__(self, kind: str, head: str, source: str | None, message: str | None) -> None:
        self.kind = kind
        self.head = head
        self.source = source
        self.message = message


def remember_pick(git_dir: Path, ai_dir: Path, head: str | None) -> str | None:
    """Record the pick git's state files show (pre-commit); returns its kind, or None.

    ``CHERRY_PICK_HEAD`` or ``REVERT_HEAD`` name the source; a ``MERGE_MSG``
    with neither, and no ``MERGE_HEAD`` or ``SQUASH_MSG``, is what
    ``cherry-pick -n`` leaves (the source's message). Nothing raises.
    """
    if head is None:
        return None
    path = ai_dir / PICK_FILE
    doc: dict[str, Any] | None = None
    for kind, name in (("cherry-pick", "CHERRY_PICK_HEAD"), ("revert", "REVERT_HEAD")):
        source = _read_oid(git_dir / name)
        if source is not None:
            doc = {"kind": kind, "head": head, "source": source}
            break
    if doc is None:
        message = None
        if not (git_dir / "MERGE_HEAD").exists() and not (git_dir / "SQUASH_MSG").exists():
            with contextlib.suppress(OSError):
                message = (git_dir / "MERGE_MSG").read_text("utf-8", "replace")
        if message is None:
            # No pick in progress: a record left by an abandoned one must not
            # be taken by this commit.
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        doc = {"kind": "cherry-pick", "head": head, "message": message}
    try:
        _write(path, doc)
    except OSError:
        return None
    return str(doc["kind"])


def take_pick(ai_dir: Path) -> Pick | None:
    """The pending pick (the record is consumed), or None."""
    doc = _take(ai_dir / PICK_FILE)
    if doc is None:
        return None
    head = _oid(str(doc.get("head", "")))
    source = _oid(str(doc.get("source", "")))
    message = doc.get("message")
    kind = doc.get("kind")
    if head is None or kind not in ("cherry-pick", "revert"):
        return None
    if source is None and not isinstance(message, str):
        return None
    return Pick(str(kind), head, source, message if isinstance(message, str) else None)
