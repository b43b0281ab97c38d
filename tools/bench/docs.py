"""Write results into a markdown file (``docs/benchmarks.md``), in a marked section per profile.

The section between ``<!-- tools.bench:begin NAME -->`` and ``<!-- tools.bench:end NAME -->`` is
replaced on every run of profile NAME; everything outside the markers is left alone, so the file
can carry hand-written prose. Cases with a ``scaling`` size also get a long-format table and a
PNG plot (``<md stem>-scaling.png`` beside the markdown file).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from tools.bench import report, stats
from tools.bench.config import Case
from tools.bench.machine import one_line
from tools.bench.runner import OK, ImplResult
from tools.bench.verdict import Verdict, fmt_value

HEADER = """# Benchmarks

Produced by `python -m tools.bench`; profiles, inputs and budgets live in
`tools/bench/budgets.toml`, the harness is described in `tools/README.md`.

    python -m tools.bench --profile quick --no-fail        # CI: small sizes, reports only
    python -m tools.bench --profile all --md docs/benchmarks.md --json bench-out/all.json

Peak RSS is each measured process's own high-water mark (`VmHWM`, or `/usr/bin/time -f %M`
for the installed `ckptlog`), never the driver's `ru_maxrss`; wall time is spawn to exit. Both
are medians of the runs shown (5 unless a case says otherwise). MB = MiB. Ratios are
ours/theirs: below 1x means ours is smaller or faster. `gitai-legacy-*` rows are a Python
model of git-ai's legacy storage path (`tools/bench/peers/`), shown beside the plan's own
measurements of the git-ai binary. The sections between `tools.bench` markers are regenerated;
text outside them is kept.
"""


def scaling_series(
    cases: Sequence[Case], results: Sequence[ImplResult]
) -> dict[str, list[tuple[int, float, float]]]:
    """implementation -> [(history size, median wall s, median RSS MB)] for ``scaling`` cases."""
    size = {c.name: c.scaling for c in cases if c.scaling is not None}
    series: dict[str, list[tuple[int, float, float]]] = {}
    for r in results:
        n = size.get(r.case)
        med = r.medians
        if n is None or r.status != OK or "wall_s" not in med or "rss_mb" not in med:
            continue
        series.setdefault(r.impl, []).append((n, med["wall_s"], med["rss_mb"]))
    return {impl: sorted(points) for impl, points in series.items()}


def scaling_table(cases: Sequence[Case], results: Sequence[ImplResult]) -> str:
    """History size x implementation, long format, with ratios to the case's reference."""
    by_key = {(r.case, r.impl): r for r in results}
    headers = (
        "history size",
        "implementation",
        "append wall",
        "peak RSS",
        "ours/this wall",
        "ours/this RSS",
    )
    table: list[list[str]] = []
    for case in cases:
        if case.scaling is None:
            continue
        ref = by_key.get((case.name, case.ours[0]))
        ref_med = ref.medians if ref is not None else {}
        for impl in case.implementations:
            r = by_key.get((case.name, impl))
            if r is None or r.status != OK:
                continue
            med = r.medians
            ours_ref = impl == case.ours[0]
            table.append(
                [
                    f"{case.scaling:,}",
                    f"{impl} (ours)" if impl in case.ours else impl,
                    fmt_value(med["wall_s"], "s"),
                    fmt_value(med.get("rss_mb", float("nan")), "MB"),
                    "-" if ours_ref else _ratio(stats.ratio(ref_med, med, "wall_s")),
                    "-" if ours_ref else _ratio(stats.ratio(ref_med, med, "rss_mb")),
                ]
            )
    return report.markdown_table(table, headers) if table else ""


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}x"


def section(
    name: str,
    cases: Sequence[Case],
    results: Sequence[ImplResult],
    verdict: Verdict,
    machine: Mapping[str, object],
    command: str,
    plot_name: str | None,
) -> str:
    """The markdown body of one profile's section (without the markers)."""
    parts = [
        f"## Profile `{name}`",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {one_line(dict(machine))}",
        "",
        report.markdown_table(report.rows(cases, results)),
        "",
    ]
    paired = report.paired_lines(cases, results)
    if paired:
        parts += ["Paired figures (ours against the first peer, runs alternating):", ""]
        parts += [*(f"- {line}" for line in paired), ""]
    notes = report.notes(results)
    if notes:
        parts += ["Rows not measured:", "", *(f"- {n}" for n in notes), ""]
    lines = report.verdict_lines(verdict, require_all=False)
    if lines:
        parts += ["Verdict:", "", *(f"- {v}" for v in lines), ""]
    scaling = scaling_table(cases, results)
    if scaling:
        parts += ["### Append latency and peak RSS against history size", "", scaling, ""]
        if plot_name:
            parts += [f"![append latency and peak RSS against history size]({plot_name})", ""]
    return "\n".join(parts)


def write(path: Path, name: str, body: str) -> None:
    """Insert or replace the section ``name`` of ``path`` (created with a header if missing)."""
    begin, end = f"<!-- tools.bench:begin {name} -->", f"<!-- tools.bench:end {name} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text, count=1)
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
