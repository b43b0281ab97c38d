"""Load ``budgets.toml``: profiles, cases, budgets and ckptlog variants (schema in the file)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.bench.scenario import Scalar, Variant

DEFAULT_CONFIG = Path(__file__).with_name("budgets.toml")

BUDGET_UNITS = {"rss_mb": "MB", "wall_s": "s", "inner_s": "s"}
"""Budgetable metrics with a unit; any other key names a scenario-reported metric."""

PAIRED_OPS = ("ratio", "delta")
"""A paired budget names ``<metric>_ratio`` (ours/peer) or ``<metric>_delta`` (ours - peer)."""


def paired_key(key: str) -> tuple[str, str]:
    """``wall_s_ratio`` -> (``wall_s``, ``ratio``); ValueError for a key of another shape."""
    metric, _, op = key.rpartition("_")
    if not metric or op not in PAIRED_OPS:
        raise ValueError(f"a paired budget key is <metric>_ratio or <metric>_delta, got {key!r}")
    return metric, op


@dataclass(frozen=True)
class Limits:
    """Upper bounds on medians, by metric name (``rss_mb``, ``wall_s``, ...)."""

    values: Mapping[str, float] = field(default_factory=dict)
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.values)

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None, where: str) -> Limits:
        if not raw:
            return cls()
        values: dict[str, float] = {}
        note = ""
        for key, value in raw.items():
            if key == "note":
                note = str(value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                values[key] = float(value)
            else:
                raise ValueError(f"{where}: {key} must be a number, got {value!r}")
        return cls(values, note)


@dataclass(frozen=True)
class Case:
    """One input measured for our implementation(s) and each peer."""

    name: str
    summary: str
    params: Mapping[str, Scalar]
    ours: tuple[str, ...]
    peers: tuple[str, ...]
    budget: Limits
    seed: Limits
    seed_measured: Limits
    runs: int | None
    scaling: int | None
    interleave: bool = False
    """Run the implementations alternately, run by run (A1 B1 A2 B2 ...), not one after the
    other: on a shared machine, load that drifts over minutes then hits both sides alike."""
    paired: Limits = field(default_factory=Limits)
    """Upper bounds on the median over run pairs of ours vs the first peer, by
    ``<metric>_ratio`` (ours/peer) or ``<metric>_delta`` (ours - peer); needs ``interleave``."""

    @property
    def implementations(self) -> tuple[str, ...]:
        return self.ours + self.peers


@dataclass(frozen=True)
class Config:
    """The whole benchmark configuration."""

    path: Path
    runs: int
    timeout_s: float
    profiles: Mapping[str, tuple[str, ...]]
    cases: Mapping[str, Case]
    variants: Mapping[str, Variant]

    def resolve(self, names: list[str]) -> list[Case]:
        """Cases of the named profiles and/or cases, expanded recursively, in order, once each.

        A name is a profile when one exists (and it is not being expanded already), else a case.
        """
        seen: dict[str, Case] = {}

        def walk(name: str, stack: tuple[str, ...]) -> None:
            # A profile may share its name with its one case (checkpoint-medium): inside the
            # profile, the name means the case.
            if name in self.profiles and name not in stack:
                for child in self.profiles[name]:
                    walk(child, (*stack, name))
            elif name in self.cases:
                seen.setdefault(name, self.cases[name])
            elif name in stack:
                raise ValueError(f"profile cycle: {' -> '.join((*stack, name))}")
            else:
                known = ", ".join(sorted(self.profiles))
                raise ValueError(f"unknown profile or case {name!r} (profiles: {known})")

        for name in names:
            walk(name, ())
        return list(seen.values())


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise ValueError(f"{where} must be a list of strings")
    return tuple(raw)


def _case(name: str, raw: Mapping[str, Any]) -> Case:
    where = f"case.{name}"
    ours = _strings(raw.get("ours", []), f"{where}.ours")
    if not ours:
        raise ValueError(f"{where}: `ours` needs at least one implementation")
    runs = raw.get("runs")
    scaling = raw.get("scaling")
    interleave = raw.get("interleave", False)
    if not isinstance(interleave, bool):
        raise ValueError(f"{where}.interleave must be true or false")
    paired = Limits.parse(raw.get("paired"), f"{where}.paired")
    for key in paired.values:
        paired_key(key)
    peers = _strings(raw.get("peers", []), f"{where}.peers")
    if paired and not (interleave and peers):
        raise ValueError(f"{where}: a paired budget needs interleave = true and a peer")
    return Case(
        name=name,
        summary=str(raw.get("summary", "")),
        params=dict(raw.get("params", {})),
        ours=ours,
        peers=peers,
        budget=Limits.parse(raw.get("budget"), f"{where}.budget"),
        seed=Limits.parse(raw.get("seed"), f"{where}.seed"),
        seed_measured=Limits.parse(raw.get("seed_measured"), f"{where}.seed_measured"),
        runs=int(runs) if runs is not None else None,
        scaling=int(scaling) if scaling is not None else None,
        interleave=interleave,
        paired=paired,
    )


def load(path: Path = DEFAULT_CONFIG) -> Config:
    """Parse and validate a budgets file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if raw.get("schema") != 1:
        raise ValueError(f"{path}: unsupported schema {raw.get('schema')!r} (expected 1)")
    defaults = raw.get("defaults", {})
    cases = {name: _case(name, body) for name, body in raw.get("case", {}).items()}
    profiles = {
        name: _strings(body, f"profiles.{name}") for name, body in raw.get("profiles", {}).items()
    }
    variants = {
        name: Variant(
            env={str(k): str(v) for k, v in body.get("env", {}).items()},
            args=tuple(str(a) for a in body.get("args", [])),
        )
        for name, body in raw.get("ckptlog", {}).get("variants", {}).items()
    }
    config = Config(
        path=path,
        runs=int(defaults.get("runs", 5)),
        timeout_s=float(defaults.get("timeout_s", 1200)),
        profiles=profiles,
        cases=cases,
        variants=variants,
    )
    for name in profiles:
        config.resolve([name])  # unknown names and cycles fail at load time
    return config
