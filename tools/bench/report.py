"""Render results: the terminal table, the markdown table, the JSON document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tools.bench import stats
from tools.bench.config import Case, Limits
from tools.bench.runner import NA, OK, ImplResult
from tools.bench.verdict import Verdict, fmt_value, paired_figure, unit_of

HEADERS = (
    "case",
    "implementation",
    "input",
    "runs",
    "wall (median)",
    "peak RSS (median)",
    "ours/this wall",
    "ours/this RSS",
    "budget",
    "seed budget",
    "verdict",
)
PLAN_REFERENCE = "git-ai binary (plan's measurement)"


def fmt_limits(limits: Limits, op: str) -> str:
    """``<= 48.0 MB, <= 1.500 s`` for display."""
    parts = [
        f"{op} {fmt_value(value, unit_of(metric))}"
        + ("" if metric in ("rss_mb", "wall_s") else f" {metric}")
        for metric, value in limits.values.items()
    ]
    return ", ".join(parts) or "-"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}x" if value >= 0.01 else f"{value:.4f}x"


def _verdict(
    case: Case, r: ImplResult, is_reference: bool, by_key: dict[tuple[str, str], ImplResult]
) -> str:
    if r.status != OK:
        return r.status
    if not (is_reference and (case.budget or case.paired)):
        return ""
    medians = r.medians
    over = []
    for metric, limit in case.budget.values.items():
        value = medians.get(metric)
        if value is not None and value > limit:
            over.append(f"{metric} +{fmt_value(value - limit, unit_of(metric))}")
    for key, limit in case.paired.values.items():
        figure = paired_figure(case, by_key, key)
        if figure is not None and figure[0] > limit:
            over.append(f"{key} +{fmt_value(figure[0] - limit, unit_of(key))}")
    return "OVER: " + "; ".join(over) if over else "ok"


def _budget(case: Case) -> str:
    parts = [fmt_limits(limits, "<=") for limits in (case.budget, case.paired) if limits]
    return ", ".join(parts) or "-"


def rows(cases: Sequence[Case], results: Sequence[ImplResult]) -> list[list[str]]:
    """One row per (case, implementation), plus the plan's measurement where the case has one."""
    by_key = {(r.case, r.impl): r for r in results}
    out: list[list[str]] = []
    for case in cases:
        ref = by_key.get((case.name, case.ours[0]))
        ref_medians = ref.medians if ref is not None else {}
        first = True
        case_rows = [
            by_key[(case.name, i)] for i in case.implementations if (case.name, i) in by_key
        ]
        for r in case_rows:
            med = r.medians
            is_reference = r.impl == case.ours[0]
            label = f"{r.impl} (ours)" if r.role == "ours" else r.impl
            out.append(
                [
                    case.name if first else "",
                    label,
                    f"{r.input_bytes / 2**20:.1f} MB" if r.input_bytes else "-",
                    str(len(r.runs)) if r.status != NA else "-",
                    fmt_value(med["wall_s"], "s") if "wall_s" in med else "n/a",
                    fmt_value(med["rss_mb"], "MB") if "rss_mb" in med else "n/a",
                    "-" if is_reference else _fmt_ratio(stats.ratio(ref_medians, med, "wall_s")),
                    "-" if is_reference else _fmt_ratio(stats.ratio(ref_medians, med, "rss_mb")),
                    _budget(case) if is_reference else "",
                    fmt_limits(case.seed, "<") if is_reference else "",
                    _verdict(case, r, is_reference, by_key),
                ]
            )
            first = False
        if case.seed_measured and case_rows:
            plan = dict(case.seed_measured.values)
            out.append(
                [
                    "",
                    PLAN_REFERENCE,
                    case.seed_measured.note or "-",
                    "-",
                    fmt_value(plan["wall_s"], "s") if "wall_s" in plan else "-",
                    fmt_value(plan["rss_mb"], "MB") if "rss_mb" in plan else "-",
                    _fmt_ratio(stats.ratio(ref_medians, plan, "wall_s")),
                    _fmt_ratio(stats.ratio(ref_medians, plan, "rss_mb")),
                    "",
                    "",
                    "",
                ]
            )
    return out


def text_table(table: Sequence[Sequence[str]], headers: Sequence[str] = HEADERS) -> str:
    """A fixed-width table with a header rule."""
    widths = [len(h) for h in headers]
    for row in table:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in table]
    return "\n".join([line.rstrip(), rule, *(b.rstrip() for b in body)])


def markdown_table(table: Sequence[Sequence[str]], headers: Sequence[str] = HEADERS) -> str:
    """The same table as GitHub markdown."""

    def esc(cell: str) -> str:
        return cell.replace("|", "\\|") or " "

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in table]
    return "\n".join(lines)


def notes(results: Sequence[ImplResult]) -> list[str]:
    """Why rows are n/a or failed, grouped by reason."""
    grouped: dict[str, list[str]] = {}
    for r in results:
        if r.status != OK:
            grouped.setdefault(f"{r.status}: {r.reason}", []).append(f"{r.case}/{r.impl}")
    return [f"{reason}  <- {', '.join(who)}" for reason, who in grouped.items()]


PAIRED_SHOWN = ("wall_s_ratio", "wall_s_delta", "rss_mb_ratio")
"""The paired figures every interleaved case reports, budgeted or not."""


def paired_lines(cases: Sequence[Case], results: Sequence[ImplResult]) -> list[str]:
    """For each interleaved case: ours against its first peer, run pair by run pair."""
    by_key = {(r.case, r.impl): r for r in results}
    lines = []
    for case in cases:
        if not (case.interleave and case.peers):
            continue
        keys = list(PAIRED_SHOWN) + [k for k in case.paired.values if k not in PAIRED_SHOWN]
        parts, pairs = [], 0
        for key in keys:
            figure = paired_figure(case, by_key, key)
            if figure is None:
                continue
            value, pairs = figure
            shown = fmt_value(value, unit_of(key))
            if key.endswith("_delta") and value >= 0:
                shown = "+" + shown
            limit = case.paired.values.get(key)
            budget = f" (budget <= {fmt_value(limit, unit_of(key))})" if limit is not None else ""
            parts.append(f"{key} {shown}{budget}")
        if parts:
            lines.append(
                f"{case.name}: {case.ours[0]} vs {case.peers[0]}, median of {pairs} alternating "
                f"run pairs: " + ", ".join(parts)
            )
    return lines


def verdict_lines(verdict: Verdict, *, require_all: bool) -> list[str]:
    """The end-of-run summary: each breach with its amount, each failure."""
    lines = [f"BUDGET BREACHED  {b.message()}" for b in verdict.breaches]
    lines += [f"over budget (report-only, not gated)  {b.message()}" for b in verdict.report_only]
    lines += [f"FAILED           {f}" for f in verdict.failures]
    tag = "NOT MEASURED (fails with --require-all)" if not require_all else "NOT MEASURED"
    lines += [f"{tag}  {u}" for u in verdict.unmeasured]
    return lines


def json_document(
    cases: Sequence[Case],
    results: Sequence[ImplResult],
    verdict: Verdict,
    machine: Mapping[str, Any],
    command: str,
) -> dict[str, Any]:
    """Everything, machine-readable."""
    return {
        "command": command,
        "machine": dict(machine),
        "cases": [
            {
                "name": c.name,
                "summary": c.summary,
                "params": dict(c.params),
                "ours": list(c.ours),
                "peers": list(c.peers),
                "budget": dict(c.budget.values),
                "seed": dict(c.seed.values),
                "seed_measured": dict(c.seed_measured.values),
            }
            for c in cases
        ],
        "results": [r.to_json() for r in results],
        "breaches": [b.message() for b in verdict.breaches],
        "report_only": [b.message() for b in verdict.report_only],
        "failures": verdict.failures,
        "unmeasured": verdict.unmeasured,
    }
