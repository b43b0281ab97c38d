"""Whole-store operations on an imported legacy history: compaction and dump.

* ``import-compact``: the case's ``repro-checkpoints`` legacy log is imported into a store (in
  setup, not measured); the measured child runs one ``git-ai`` compaction. Reported beside the
  harness's wall time and RSS: the legacy JSONL bytes, the store's segment bytes before and
  after, after/legacy in percent, throughput in legacy-equivalent MB/s, and the space
  amplification (bytes after, over the bytes a second compaction of the same live data writes).
* ``engine-dump``: the measured child streams the imported log as git-ai ``checkpoints.jsonl``
  lines to /dev/null (``ckptlog dump``'s path), reporting lines and bytes.
"""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Context, Metrics, Scenario

_SEGMENT_BYTES = 4 << 20


def _needs_repro(env: BenchEnv) -> str | None:
    if env.param("input", "none") not in ("repro-checkpoints", "history"):
        return "needs a repro-checkpoints or history input"
    return None


def _setup_imported(env: BenchEnv) -> Context:
    """A store holding the case's legacy log, imported as the first checkpoint would."""
    from pathlib import Path

    from lsm import Durability, Settings, Store, StoreOptions, import_working_log
    from tools.bench import inputs

    context = inputs.prepare(env)
    log_dir = Path(context["log_dir"])
    store_dir = Path(env.workdir) / "imported-store"
    opts = StoreOptions(durability=Durability.OFF, segment_bytes=_SEGMENT_BYTES)
    with Store.open(store_dir, options=opts) as store:
        import_working_log(store, log_dir.parent.parent, log_dir.name, "base", Settings())
    context["store"] = str(store_dir)
    context["legacy_bytes"] = (log_dir / "checkpoints.jsonl").stat().st_size
    return context


def _compact(context: Context) -> Metrics:
    from lsm import Store, compact

    with Store.open(context["store"]) as store:
        report = compact(store, "git-ai", seal_active=True)
        again = compact(store, "git-ai", seal_active=True)
    legacy = float(context["legacy_bytes"])
    after = float(report.bytes_after)
    return {
        "compact_s": report.seconds,
        "legacy_mb": legacy / 1e6,
        "store_mb_before": report.bytes_before / 1e6,
        "store_mb_after": after / 1e6,
        "after_pct_of_legacy": 100.0 * after / legacy if legacy else 0.0,
        "throughput_mb_s": legacy / 1e6 / report.seconds if report.seconds else 0.0,
        "space_amp": after / again.bytes_after if again.bytes_after else 1.0,
    }


def _dump(context: Context) -> Metrics:
    import os
    import time

    from lsm import Store, iter_log_lines

    started = time.perf_counter()
    lines = 0
    size = 0
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        with Store.open(context["store"]) as store:
            for line in iter_log_lines(store, "base"):
                os.write(fd, line)
                lines += 1
                size += len(line)
    finally:
        os.close(fd)
    return {
        "dump_s": time.perf_counter() - started,
        "lines": float(lines),
        "dump_mb": size / 1e6,
    }


SCENARIOS = (
    Scenario(
        name="import-compact",
        summary="git-ai compaction of a store that imported the case's legacy log",
        setup=_setup_imported,
        run=_compact,
        available=_needs_repro,
        fresh_per_run=True,
    ),
    Scenario(
        name="engine-dump",
        summary="dump of an imported legacy log as checkpoints.jsonl lines (to /dev/null)",
        setup=_setup_imported,
        run=_dump,
        available=_needs_repro,
        fresh_per_run=False,
    ),
)
