"""A process's own memory figures, read by the process itself.

On Linux, ``/proc/self/status`` gives ``VmHWM`` (the peak resident set of *this* address space,
which starts fresh at ``exec``) plus ``RssAnon`` and ``RssFile`` (heap versus file-backed pages such
as an LMDB map). ``ru_maxrss`` is not used on Linux: a child's value is the maximum of its own peak
and its parent's resident set when it forked (anchors-style.md section 4).

Imported by every measured child, so it imports nothing beyond builtins.
"""

from __future__ import annotations

import sys

STATUS = "/proc/self/status"
_FIELDS = {"VmHWM": "peak_kb", "RssAnon": "rss_anon_kb", "RssFile": "rss_file_kb"}


def parse_status(text: str) -> dict[str, int | str | None]:
    """``peak_kb``, ``rss_anon_kb``, ``rss_file_kb`` (KiB) and ``rss_source`` from the text of
    a ``/proc/<pid>/status`` file. Raises KeyError when it has no ``VmHWM``."""
    out: dict[str, int | str | None] = {"rss_anon_kb": None, "rss_file_kb": None}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in _FIELDS:
            out[_FIELDS[key]] = int(rest.split()[0])
    if "peak_kb" not in out:
        raise KeyError("VmHWM")
    out["rss_source"] = "VmHWM"
    return out


def read_self() -> dict[str, int | str | None]:
    """This process's own peak RSS: ``VmHWM`` where ``/proc`` exists, else ``ru_maxrss``."""
    try:
        with open(STATUS) as status:
            return parse_status(status.read())
    except (OSError, KeyError, ValueError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sys.platform == "darwin":
            peak //= 1024  # bytes on macOS, KiB elsewhere
        return {
            "peak_kb": peak,
            "rss_anon_kb": None,
            "rss_file_kb": None,
            "rss_source": "ru_maxrss",
        }
