"""Compaction: merge sealed segments at a configurable history granularity.

See :func:`compact` for the crash-safe protocol and
:mod:`lsm.compaction.policy` for the policies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Names load on first use (PEP 562): a hook imports lsm.compaction.trigger
# after every append and must not pay for the compactor.
_LAZY: dict[str, tuple[str, str]] = {
    "Action": ("lsm.compaction.policy", "Action"),
    "CompactionReport": ("lsm.compaction.compactor", "CompactionReport"),
    "Policy": ("lsm.compaction.policy", "Policy"),
    "compact": ("lsm.compaction.compactor", "compact"),
    "parse_policy": ("lsm.compaction.policy", "parse_policy"),
}

if TYPE_CHECKING:
    from lsm.compaction.compactor import CompactionReport, compact
    from lsm.compaction.policy import Action, Policy, parse_policy

__all__ = ["Action", "CompactionReport", "Policy", "compact", "parse_policy"]


def __getattr__(name: str) -> Any:
    found = _LAZY.get(name)
    if found is None:
        raise AttributeError(f"module 'lsm.compaction' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(found[0]), found[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
