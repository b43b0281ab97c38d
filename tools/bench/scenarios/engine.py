"""The storage engine measured in-process, and its sqlite3 peer with the same API.

* ``engine-append`` / ``sqlite-append``: a fresh process opens a store that
  holds the case's ``history`` (N checkpoints) and makes ``appends``
  durable 1-file appends; reports p50/p99 of one append (``append_ms``),
  the open time, and (by the harness) the process's peak RSS.
* ``engine-latest`` / ``sqlite-latest``: ``lookups`` lookups of the newest
  entry of one file: index only (``latest_state_us``) and decoded
  (``latest_us``).
* ``engine-compact``: one ``git-ai`` compaction of the store (sealed
  segments only; the store is built with 4 MiB segments so most are).

Stores are built once per size from the cached history corpus (bulk
appends, not measured) and copied into each run's work directory.
"""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Context, Metrics, Scenario

TYPE_CHECKING = False  # as in tools.bench.scenario: importing typing costs a measured child
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from lsm import Checkpoint

_APPENDS = 200
_LOOKUPS = 5000
_SEGMENT_BYTES = 4 << 20


def _checkpoints_of(corpus: Path) -> Iterator[Checkpoint]:
    """Stream the corpus lines as lsm Checkpoints (the current-format history shape)."""
    import orjson

    from lsm import (
        AgentId,
        Attribution,
        Checkpoint,
        CheckpointKind,
        FileEntry,
        LineAttribution,
        LineStats,
    )

    with open(corpus, "rb") as f:
        for line in f:
            d = orjson.loads(line)
            entries = [
                FileEntry(
                    e["file"],
                    e.get("blob_sha", ""),
                    [
                        Attribution(a["start"], a["end"], a["author_id"], a["ts"])
                        for a in e.get("attributions", [])
                    ],
                    [
                        LineAttribution(
                            a["start_line"], a["end_line"], a["author_id"], a.get("overrode")
                        )
                        for a in e.get("line_attributions", [])
                    ],
                )
                for e in d["entries"]
            ]
            agent = d.get("agent_id")
            yield Checkpoint(
                kind=CheckpointKind.parse(d.get("kind")),
                diff=d["diff"],
                author=d["author"],
                entries=entries,
                timestamp=d["timestamp"],
                agent_id=AgentId(agent["tool"], agent["id"], agent["model"]) if agent else None,
                agent_metadata=d.get("agent_metadata"),
                line_stats=LineStats(**d.get("line_stats", {})),
                api_version=d.get("api_version", ""),
                git_ai_version=d.get("git_ai_version"),
                trace_id=d.get("trace_id"),
            )


def _built(env: BenchEnv, kind: str) -> Path:
    """The cached store of this size (built on first use), copied into the work dir."""
    import os
    import shutil
    from pathlib import Path

    from tools.repro.fixtures import history_corpus
    from tools.repro.shapes import history_file_count

    n = int(env.param("checkpoints", 1000))
    files = int(env.param("files", 0)) or history_file_count(n)
    cached = Path(env.cache_dir) / f"{kind}-store-{n}-{files}"
    if not cached.exists():
        tmp = cached.with_name(cached.name + ".building")
        shutil.rmtree(tmp, ignore_errors=True)
        corpus = history_corpus(Path(env.cache_dir), n, files)
        if kind == "engine":
            from lsm import Durability, Store, StoreOptions

            opts = StoreOptions(durability=Durability.OFF, segment_bytes=_SEGMENT_BYTES)
            with Store.open(tmp, options=opts) as store, store.writer() as w:
                w.append_many("base", _checkpoints_of(corpus), imported=False)
        else:
            from tools.bench.peers.sqlite_store import SqliteStore

            tmp.mkdir(parents=True)
            db = SqliteStore.open(tmp / "store.db")
            batch = []
            for cp in _checkpoints_of(corpus):
                batch.append(cp)
                if len(batch) >= 5000:
                    db.bulk_load("base", batch)
                    batch = []
            db.bulk_load("base", batch)
            db.close()
        tmp.rename(cached)
    target = Path(env.workdir) / "store"
    shutil.copytree(cached, target)
    # Flush the copy now: otherwise the kernel writes back hundreds of MB of
    # it during the measured appends, and each fdatasync waits behind that.
    os.sync()
    return target


def _setup_engine(env: BenchEnv) -> Context:
    return {"store": str(_built(env, "engine")), "n": int(env.param("checkpoints", 1000))}


def _setup_sqlite(env: BenchEnv) -> Context:
    return {"store": str(_built(env, "sqlite")), "n": int(env.param("checkpoints", 1000))}


def _new_checkpoints(count: int) -> list[tuple[Checkpoint, dict[str, bytes]]]:
    import hashlib

    from lsm import Attribution, Checkpoint, CheckpointKind, FileEntry, LineAttribution

    out = []
    for i in range(count):
        data = f"bench append {i}\n".encode()
        sha = hashlib.sha256(data).hexdigest()
        author = "s_0000000000beef::t_0000000000cafe"
        entry = FileEntry(
            "f00000.txt",
            sha,
            [Attribution(0, len(data), author, 1)],
            [LineAttribution(1, 1, author, None)],
        )
        cp = Checkpoint(
            kind=CheckpointKind.AI_AGENT,
            diff="bench",
            author="Bench <b@x>",
            entries=[entry],
            timestamp=i,
        )
        out.append((cp, {sha: data}))
    return out


def _pcts(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return s[len(s) // 2], s[min(len(s) - 1, int(len(s) * 0.99))]


def _append(context: Context, engine: bool) -> Metrics:
    import time

    todo = _new_checkpoints(_APPENDS + 1)
    # Import first: open_ms is the store's own opening cost.
    from pathlib import Path

    from lsm import Store
    from tools.bench.peers.sqlite_store import SqliteStore

    t0 = time.perf_counter()
    store: object = (
        Store.open(context["store"])
        if engine
        else SqliteStore.open(Path(context["store"]) / "store.db")
    )
    open_s = time.perf_counter() - t0
    times = []
    for i, (cp, blobs) in enumerate(todo):
        t = time.perf_counter()
        store.append("base", cp, blobs=blobs)  # type: ignore[attr-defined]
        if i:  # the first append pays for lazy opens
            times.append((time.perf_counter() - t) * 1000)
    store.close()  # type: ignore[attr-defined]
    p50, p99 = _pcts(times)
    return {"append_p50_ms": p50, "append_p99_ms": p99, "open_ms": open_s * 1000}


def _one_append(context: Context, engine: bool) -> Metrics:
    """A process that opens the store and appends ONE checkpoint (like a hook, minus git)."""
    import time
    from pathlib import Path

    from lsm import Store
    from tools.bench.peers.sqlite_store import SqliteStore

    ((cp, blobs),) = _new_checkpoints(1)
    t0 = time.perf_counter()
    store: object = (
        Store.open(context["store"])
        if engine
        else SqliteStore.open(Path(context["store"]) / "store.db")
    )
    store.append("base", cp, blobs=blobs)  # type: ignore[attr-defined]
    store.close()  # type: ignore[attr-defined]
    return {"open_append_ms": (time.perf_counter() - t0) * 1000}


def _latest(context: Context, engine: bool) -> Metrics:
    import time

    if engine:
        from lsm import Store

        store: object = Store.open(context["store"])
    else:
        from pathlib import Path

        from tools.bench.peers.sqlite_store import SqliteStore

        store = SqliteStore.open(Path(context["store"]) / "store.db")
    state_t, full_t = [], []
    for _ in range(_LOOKUPS):
        t = time.perf_counter()
        assert store.latest_state("base", "f00000.txt") is not None  # type: ignore[attr-defined]
        state_t.append((time.perf_counter() - t) * 1e6)
    for _ in range(_LOOKUPS):
        t = time.perf_counter()
        assert store.latest("base", "f00000.txt") is not None  # type: ignore[attr-defined]
        full_t.append((time.perf_counter() - t) * 1e6)
    store.close()  # type: ignore[attr-defined]
    return {"latest_state_us": _pcts(state_t)[0], "latest_us": _pcts(full_t)[0]}


def _compact(context: Context) -> Metrics:
    from lsm import Store, compact

    with Store.open(context["store"]) as store:
        report = compact(store, "git-ai")
    return {
        "compact_s": report.seconds,
        "bytes_before": float(report.bytes_before),
        "bytes_after": float(report.bytes_after),
        "logical_mb": report.logical_bytes / 1e6,
    }


def _needs_history(env: BenchEnv) -> str | None:
    return None if env.param("input", "none") == "history" else "needs a history input"


SCENARIOS = (
    Scenario(
        name="engine-append",
        summary=f"lsm Store: open, then {_APPENDS} durable 1-file appends (p50/p99)",
        setup=_setup_engine,
        run=lambda c: _append(c, True),
        available=_needs_history,
        fresh_per_run=False,
    ),
    Scenario(
        name="engine-open-append",
        summary="lsm Store: open and append one checkpoint (peak RSS of the whole process)",
        setup=_setup_engine,
        run=lambda c: _one_append(c, True),
        available=_needs_history,
        fresh_per_run=False,
    ),
    Scenario(
        name="sqlite-open-append",
        summary="sqlite3 peer: open and append one checkpoint",
        setup=_setup_sqlite,
        run=lambda c: _one_append(c, False),
        available=_needs_history,
        fresh_per_run=False,
    ),
    Scenario(
        name="sqlite-append",
        summary=f"sqlite3 peer (WAL, synchronous=FULL): open, then {_APPENDS} appends",
        setup=_setup_sqlite,
        run=lambda c: _append(c, False),
        available=_needs_history,
        fresh_per_run=False,
    ),
    Scenario(
        name="engine-latest",
        summary=f"lsm Store: {_LOOKUPS} latest_state and {_LOOKUPS} latest lookups (p50)",
        setup=_setup_engine,
        run=lambda c: _latest(c, True),
        available=_needs_history,
        fresh_per_run=False,
    ),
    Scenario(
        name="sqlite-latest",
        summary=f"sqlite3 peer: {_LOOKUPS} + {_LOOKUPS} lookups (p50)",
        setup=_setup_sqlite,
        run=lambda c: _latest(c, False),
        available=_needs_history,
        fresh_per_run=False,
    ),
    Scenario(
        name="engine-compact",
        summary="lsm Store: one git-ai compaction of every sealed segment",
        setup=_setup_engine,
        run=_compact,
        available=_needs_history,
    ),
)
