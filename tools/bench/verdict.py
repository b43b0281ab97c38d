"""Budgets against results: which budget was breached, and by how much."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from tools.bench import stats
from tools.bench.config import BUDGET_UNITS, Case, paired_key
from tools.bench.runner import FAILED, NA, OK, ImplResult


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
        unit = unit_of(self.metric)
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
    #: Breaches of budgets that :meth:`gated` left out of the verdict: reported, never failing.
    report_only: list[Breach] = field(default_factory=list)

    def failed(self, *, require_all: bool) -> bool:
        return bool(self.breaches or self.failures or (require_all and self.unmeasured))

    def gated(self, metrics: Collection[str]) -> Verdict:
        """The verdict where only breaches of ``metrics`` (``rss_mb``, ``wall_s_ratio``...)
        fail; the others move to :attr:`report_only`. Failed runs still fail."""
        keep = [b for b in self.breaches if b.metric in metrics]
        moved = [b for b in self.breaches if b.metric not in metrics]
        return Verdict(keep, self.failures, self.unmeasured, self.report_only + moved)


def unit_of(metric: str) -> str:
    """The display unit of a budget key: ``s``, ``MB``, ``x`` (a paired ratio) or none."""
    if metric in BUDGET_UNITS:
        return BUDGET_UNITS[metric]
    base, _, op = metric.rpartition("_")
    if op == "ratio" and base:
        return "x"
    if op == "delta" and base:
        return BUDGET_UNITS.get(base, "")
    return ""


def fmt_value(value: float, unit: str) -> str:
    """``1.234 s`` / ``85 ms`` / ``447.3 MB`` / ``1.03x`` / a bare number."""
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "s":
        return f"{value:.3f} s" if abs(value) >= 1 else f"{value * 1000:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g}"


def evaluate(cases: Sequence[Case], results: Sequence[ImplResult]) -> Verdict:
    """Compare each budgeted case's reference implementation (its first ``ours``) with its
    budget, and its paired figures against its first peer with its paired budget; collect
    failed runs of any implementation."""
    by_key = {(r.case, r.impl): r for r in results}
    breaches: list[Breach] = []
    failures: list[str] = []
    unmeasured: list[str] = []
    for r in results:
        if r.status == FAILED:
            failures.append(f"{r.case}: {r.impl} failed: {r.reason}")
    for case in cases:
        if not (case.budget or case.paired):
            continue
        ref = by_key.get((case.name, case.ours[0]))
        if ref is None or ref.status != OK:
            _not_measured(case.name, case.ours[0], ref, unmeasured)
            continue
        medians = ref.medians
        for metric, limit in case.budget.values.items():
            value = medians.get(metric)
            if value is None:
                failures.append(f"{case.name}: {ref.impl} reported no {metric!r} for its budget")
            elif value > limit:
                breaches.append(Breach(case.name, ref.impl, metric, value, limit))
        if case.paired:
            _paired(case, by_key, breaches, failures, unmeasured)
    return Verdict(breaches, failures, unmeasured)


def _not_measured(
    case: str, impl: str, r: ImplResult | None, unmeasured: list[str], then: str = ""
) -> None:
    """Note an implementation that was not measured (n/a); a failed one is a failure already."""
    if r is None or r.status == NA:
        why = r.reason if r is not None else "not run"
        unmeasured.append(f"{case}: {impl} not measured ({why}){then}")


def paired_figure(
    case: Case, by_key: dict[tuple[str, str], ImplResult], key: str
) -> tuple[float, int] | None:
    """A paired figure (``wall_s_ratio``...) of the case's first ours against its first peer."""
    ours, theirs = by_key.get((case.name, case.ours[0])), by_key.get((case.name, case.peers[0]))
    if ours is None or theirs is None or ours.status != OK or theirs.status != OK:
        return None
    metric, op = paired_key(key)
    return stats.paired(ours.runs, theirs.runs, metric, op)


def _paired(
    case: Case,
    by_key: dict[tuple[str, str], ImplResult],
    breaches: list[Breach],
    failures: list[str],
    unmeasured: list[str],
) -> None:
    """The paired budget of a case whose reference was measured (its peer may not have been)."""
    peer = by_key.get((case.name, case.peers[0]))
    if peer is None or peer.status != OK:
        _not_measured(case.name, case.peers[0], peer, unmeasured, ": no paired figure")
        return
    for key, limit in case.paired.values.items():
        figure = paired_figure(case, by_key, key)
        if figure is None:
            failures.append(f"{case.name}: no run pair reported {key!r} for its paired budget")
        elif figure[0] > limit:
            impl = f"{case.ours[0]} vs {peer.impl}"
            breaches.append(Breach(case.name, impl, key, figure[0], limit))
