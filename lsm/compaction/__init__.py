"""Compaction: merge sealed segments at a configurable history granularity.

See :func:`compact` for the crash-safe protocol and
:mod:`lsm.compaction.policy` for the policies.
"""

from __future__ import annotations

from lsm.compaction.compactor import CompactionReport, compact
from lsm.compaction.policy import Action, Policy, parse_policy

__all__ = ["Action", "CompactionReport", "Policy", "compact", "parse_policy"]
