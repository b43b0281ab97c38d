"""Millisecond Unix times as chrono's ``DateTime<Utc>::to_rfc3339()`` writes them.

git-ai turns millisecond timestamps (Copilot requests, Amp's ``sentAt``, Pi
and OpenCode messages) into strings with ``DateTime::from_timestamp_millis``
and ``to_rfc3339``: ``2024-01-28T16:37:10+00:00``, with ``.123`` when the
milliseconds are not zero. Made here with ``time.gmtime`` (no ``datetime``
import on the hook path). Cannot fail: an out-of-range time is ``None``,
as chrono's ``from_timestamp_millis`` gives.
"""

from __future__ import annotations

import time

__all__ = ["millis_to_rfc3339"]


def millis_to_rfc3339(ms: object) -> str | None:
    """``ms`` (an integer, not a bool) as an RFC 3339 UTC string, else ``None``."""
    if not isinstance(ms, int) or isinstance(ms, bool):
        return None
    seconds, millis = divmod(ms, 1000)
    try:
        t = time.gmtime(seconds)
    except (OverflowError, OSError, ValueError):
        return None
    if not 0 <= t.tm_year <= 9999:
        return None  # chrono writes other years with a sign and more digits; not worth copying
    base = (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    )
    fraction = f".{millis:03d}" if millis else ""
    return f"{base}{fraction}+00:00"
