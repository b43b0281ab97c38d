"""History-granularity policies: which entries a compaction keeps, strips or drops.

* ``full``: keep every record; compaction only merges and recompresses.
* ``git-ai`` (default): keep every checkpoint; strip the character-level
  attributions of entries git-ai would have pruned (an entry superseded,
  for its file, by a later entry at or before the log's last native
  append: git-ai's ``prune_old_char_attributions`` invariant). Exports are
  unchanged by it, since export applies the same rule.
* ``time:<interval>``: per file, keep the last entry of each interval
  (``30m``, ``6h``, ``1d``, ``2w`` or seconds) and always the newest;
  kept non-newest entries are stripped as under ``git-ai``.
* ``latest``: per file, keep only the newest entry of each working log.

In every policy, records of dropped or reset logs, blobs nothing kept
refers to, old INITIAL versions, and transcripts of dead sessions go.
"""

from __future__ import annotations

import enum

from lsm.errors import ConfigError
from lsm.events import parse_duration
from lsm.record import NamedTuple

__all__ = ["Action", "Policy", "parse_policy"]


class Action(enum.Enum):
    """What happens to one entry."""

    KEEP = "keep"
    STRIP = "strip"  #: keep, without character attributions
    DROP = "drop"


class Policy(NamedTuple):
    """A parsed policy.

    :ivar name: ``full``, ``git-ai``, ``time`` or ``latest``.
    :ivar interval_s: bucket width for ``time``.
    """

    name: str
    interval_s: int = 0

    def __str__(self) -> str:
        return f"time:{self.interval_s}s" if self.name == "time" else self.name

    @property
    def drops_entries(self) -> bool:
        """True for policies that drop whole entries (not only attributions)."""
        return self.name in ("time", "latest")

    @property
    def strips(self) -> bool:
        """True for policies that strip character attributions of superseded entries."""
        return self.name != "full"


def parse_policy(text: str) -> Policy:
    """Parse ``full``, ``git-ai``, ``latest`` or ``time:<interval>``.

    :raises ConfigError: anything else, or a zero interval.
    """
    value = text.strip().lower()
    if value in ("full", "git-ai", "latest"):
        return Policy(value)
    if value.startswith("time:"):
        try:
            seconds = parse_duration(value[5:])
        except ValueError:
            seconds = 0
        if seconds > 0:
            return Policy("time", seconds)
    raise ConfigError(
        f"bad compaction policy {text!r}: use full, git-ai, latest or time:<interval> "
        "(for example time:1h, time:1d)"
    )
