"""``verify --dual``: the store and git-ai's files, compared record by record.

In ``storage.mode = dual`` every checkpoint goes to both. This reads
git-ai's ``checkpoints.jsonl`` (raw lines, streamed) beside the store's
export of the same log (:func:`lsm.legacy.importer.iter_log_lines`, git-ai's
serialization and prune rule) and reports each record that differs, with
the fields that differ. Memory: two lines at a time. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import Any

import orjson

from lsm.legacy import layout
from lsm.legacy.importer import iter_log_lines
from lsm.record import NamedTuple
from lsm.safeio import open_regular
from lsm.store import Store

__all__ = ["DualDifference", "compare_dual"]


class DualDifference(NamedTuple):
    """One record that differs: ``record`` is its position (0-based, non-blank lines)."""

    record: int
    fields: list[str]
    legacy: str | None
    store: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return self._asdict()


def _legacy_lines(path: Path) -> Iterator[bytes]:
    try:
        f = open_regular(path, nofollow_below=path.parent)
    except FileNotFoundError:
        return
    with f:
        for raw in f:
            if raw.strip():
                yield raw if raw.endswith(b"\n") else raw + b"\n"


def _fields(a: bytes, b: bytes) -> list[str]:
    try:
        x, y = orjson.loads(a), orjson.loads(b)
    except orjson.JSONDecodeError:
        return ["<unparsable>"]
    if not isinstance(x, dict) or not isinstance(y, dict):
        return ["<not an object>"]
    keys = list(dict.fromkeys([*x, *y]))
    out = [k for k in keys if x.get(k) != y.get(k)]
    if list(x) != list(y) and not out:
        out.append("<key order>")
    return out or ["<bytes>"]


def compare_dual(
    store: Store, log: str, ai_dir: Path, base: str, *, limit: int = 100
) -> tuple[int, list[DualDifference]]:
    """Compare ``log`` in the store with git-ai's working log of ``base``.

    Returns the number of records compared and up to ``limit`` differences.
    """
    diffs: list[DualDifference] = []
    n = 0
    legacy = _legacy_lines(layout.checkpoints_path(ai_dir, base))
    for n, (a, b) in enumerate(zip_longest(legacy, iter_log_lines(store, log)), start=1):
        if a == b:
            continue
        if len(diffs) < limit:
            if a is None or b is None:
                fields = ["<missing in legacy>" if a is None else "<missing in store>"]
            else:
                fields = _fields(a, b)
            diffs.append(
                DualDifference(
                    n - 1,
                    fields,
                    None if a is None else a[:300].decode("utf-8", "replace"),
                    None if b is None else b[:300].decode("utf-8", "replace"),
                )
            )
    return n, diffs
