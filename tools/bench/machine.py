"""The machine a run was made on, for reports (figures are meaningless without it)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

from tools.bench.measure import time_available

PACKAGES = ("lsm-checkpoints", "orjson", "lmdb", "cbor2", "zstandard", "click", "matplotlib")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git_version() -> str:
    try:
        out = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return out.stdout.strip().removeprefix("git version ")


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (None where the OS has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def describe() -> dict[str, object]:
    """CPU, cores, RAM, kernel, Python, package versions, date, load average (at the start;
    the driver adds ``load_end`` when the run is over: a shared machine's figures move with it).
    """
    ram = _ram_gib()
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1) if ram is not None else None,
        "os": platform.platform(),
        "kernel": platform.release(),
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "git": _git_version(),
        "usr_bin_time": time_available(),
        "packages": {p: _version(p) for p in PACKAGES},
        "load": load_average(),
    }


def one_line(info: dict[str, object]) -> str:
    """A single-line summary for the terminal and the markdown."""
    packages = info.get("packages")
    pk = ", ".join(f"{k} {v}" for k, v in packages.items()) if isinstance(packages, dict) else ""
    text = (
        f"{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; {info['os']}; "
        f"{info['python']}; git {info['git']}; {pk}; {info['date_utc']} UTC"
    )
    load, end = info.get("load"), info.get("load_end")
    if isinstance(load, list) and load:
        text += f"; load average {load[0]:.2f} at the start"
        if isinstance(end, list) and end:
            text += f", {end[0]:.2f} at the end"
    return text
