"""Budgets against results: which budget was breached, and by how much."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tools.bench.config import BUDGET_UNITS, Case
from tools.bench.runner import FAILED, NA, ImplResult


@dataclass(frozen=True)
class Breach:
    """A median over its budget."""

    case: str
    impl: str
    metric: str
    value: float
    limit: float

    def message(self) -> str:
        over = self.value - self.limit
        pct = 100.0 * over / self.limit if self.limit else float("inf")
        unit = BUDGET_UNITS.get(self.metric, "")
        return (
            f"{self.case}: {self.impl} {self.metric} {fmt_value(self.value, unit)} > budget "
            f"{fmt_value(self.limit, unit)} (over by {fmt_value(over, unit)}, +{pct:.0f}%)"
        )


@dataclass(frozen=True)
class Verdict:
    """Everything that decides the exit status."""

    breaches: list[Breach]
    failures: list[str]
    unmeasured: list[str]

    def failed(self, *, require_all: bool) -> bool:
        return bool(self.breaches or self.failures or (require_all and self.unmeasured))


def fmt_value(value: float, unit: str) -> str:
    """``1.234 s`` / ``85 ms`` / ``447.3 MB`` / a bare number."""
    if unit == "s":
        return f"{value:.3f} s" if abs(value) >= 1 else f"{value * 1000:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g}"


def evaluate(cases: Sequence[Case], results: Sequence[ImplResult]) -> Verdict:
    """Compare each budgeted case's reference implementation (its first ``ours``) with its
    budget; collect failed runs of any implementation."""
    by_key = {(r.case, r.impl): r for r in results}
    breaches: list[Breach] = []
    failures: list[str] = []
    unmeasured: list[str] = []
    for r in results:
        if r.status == FAILED:
            failures.append(f"{r.case}: {r.impl} failed: {r.reason}")
    for case in cases:
        if not case.budget:
            continue
        ref = by_key.get((case.name, case.ours[0]))
        if ref is None or ref.status == NA:
            why = ref.reason if ref is not None else "not run"
            unmeasured.append(f"{case.name}: {case.ours[0]} not measured ({why})")
            continue
        if ref.status == FAILED:
            continue
        medians = ref.medians
        for metric, limit in case.budget.values.items():
            value = medians.get(metric)
            if value is None:
                failures.append(f"{case.name}: {ref.impl} reported no {metric!r} for its budget")
            elif value > limit:
                breaches.append(Breach(case.name, ref.impl, metric, value, limit))
    return Verdict(breaches, failures, unmeasured)
