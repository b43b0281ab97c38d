"""The index's commit-time facts equal a fold over the log's checkpoints, whatever happened.

Post-commit reads :meth:`Store.commit_facts` (running aggregates kept on
append) instead of the history. This state machine appends checkpoints of
every kind (sessions, legacy prompts, known humans, fast-path human entries,
entries with only character attributions, all-human attributions), renames
and merges logs, resets them, rebuilds the index, compacts (``git-ai`` and
``full``) and reopens; after every step, for every log, the fold built from
the facts must be the fold of git-ai's ``from_persisted_working_log`` over
the checkpoints, and so must the state with contents loaded.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lsm import (
    AgentId,
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    LineAttribution,
    LineStats,
    Store,
    StoreOptions,
)
from lsm.commit.state import LogFold
from lsm.commit.worklog import StoreLog
from lsm.ids import session_id

LOGS = st.sampled_from(["a" * 40, "b" * 40, "initial"])
FILES = st.sampled_from(["x.py", "dir/y.rs", "z" * 450])
AUTHORS = st.sampled_from(
    [
        "human",
        "h_0123456789abcd",
        "s_aaaaaaaaaaaaaa::t_11111111111111",  # a session no checkpoint has
        f"{session_id('claude', 'sess-1')}::t_11111111111111",  # sessions of AGENTS
        f"{session_id('codex', 't')}::t_22222222222222",
        "0123456789abcdef",
    ]
)
AGENTS = st.sampled_from(
    [
        None,
        AgentId("claude", "sess-1", "m1"),
        AgentId("claude", "sess-1", "m2"),
        AgentId("codex", "t", "g"),
    ]
)


class FactsModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="lsm-facts-"))
        self.store = Store.open(self.dir, options=StoreOptions(segment_bytes=4096))
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(
        log=LOGS,
        files=st.lists(FILES, min_size=1, max_size=3, unique=True),
        kind=st.sampled_from(list(CheckpointKind)),
        agent=AGENTS,
        traced=st.booleans(),
        shape=st.sampled_from(["lines", "chars", "empty", "human-chars"]),
        author=AUTHORS,
        adds=st.integers(0, 9),
    )
    def append(
        self,
        log: str,
        files: list[str],
        kind: CheckpointKind,
        agent: AgentId | None,
        traced: bool,
        shape: str,
        author: str,
        adds: int,
    ) -> None:
        self.counter += 1
        n = self.counter
        blobs: dict[str, bytes] = {}
        entries = []
        for f in files:
            data = f"{f}\nline two v{n}\nthree\n".encode()
            sha = hashlib.sha256(data).hexdigest()
            blobs[sha] = data
            if shape == "lines":
                las = [LineAttribution(1, 2, author, None if author != "human" else "x")]
                entries.append(FileEntry(f, sha, [Attribution(0, len(data), author, n)], las))
            elif shape == "chars":
                entries.append(FileEntry(f, sha, [Attribution(0, len(data), author, n)], []))
            elif shape == "human-chars":
                entries.append(FileEntry(f, sha, [Attribution(0, len(data), "human", n)], []))
            else:
                entries.append(FileEntry(f, sha, [], []))
        cp = Checkpoint(
            kind=kind,
            diff="d",
            author=f"Person {n % 2} <p@x>",
            entries=entries,
            timestamp=n,
            agent_id=agent if kind.is_ai else None,
            line_stats=LineStats(adds, n % 3, adds, 0),
            trace_id=f"t_{n:014x}" if traced else None,
        )
        self.store.append(log, cp, blobs=blobs)

    @rule(old=LOGS, new=LOGS)
    def rename_or_merge(self, old: str, new: str) -> None:
        self.store.rename_log(old, new)

    @rule(log=LOGS)
    def reset(self, log: str) -> None:
        self.store.reset_log(log)

    @rule()
    def rebuild(self) -> None:
        self.store.rebuild_index()

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.dir, options=StoreOptions(segment_bytes=4096))

    @rule(policy=st.sampled_from(["git-ai", "full"]))
    def compact(self, policy: str) -> None:
        from lsm import compact, parse_policy

        compact(self.store, parse_policy(policy))

    @invariant()
    def facts_equal_the_fold(self) -> None:
        for info in self.store.logs():
            oracle = LogFold(self.store.get_initial(info.name))
            oracle.add_all(sc.checkpoint for sc in self.store.checkpoints(info.name))
            facts = StoreLog(self.store, info.name).fold()
            assert facts.differences(oracle) == [], info.name
            # The store's fold looks up only the sessions its attributions name.
            named = oracle.referenced_sessions()
            assert facts.sessions == {k: v for k, v in oracle.sessions.items() if k in named}
            a = facts.state(self.store.get_blob, "Ada <a@x>")
            b = oracle.state(self.store.get_blob, "Ada <a@x>")
            b.sessions = {k: v for k, v in b.sessions.items() if k in named}
            # A file only the index flags, whose attribution data names only `human`
            # (differences() says why), is diffed for nothing: not a difference.
            for path in a.pathspecs ^ b.pathspecs:
                if inert(facts, path) and inert(oracle, path):
                    a.pathspecs.discard(path)
                    b.pathspecs.discard(path)
            assert a == b, info.name


def inert(fold: LogFold, path: str) -> bool:
    f = fold.files.get(path)
    if f is None:
        return path not in fold.initial.files
    lines = all(la.author_id == "human" and la.overrode is None for la in f.line_attrs or ())
    return lines and all(a.author_id == "human" for a in f.char_attrs or ())


TestFacts = FactsModel.TestCase
TestFacts.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)


def test_facts_of_an_imported_legacy_log_equal_its_fold(tmp_path: Path) -> None:
    from lsm import Settings, import_working_log
    from lsm.commit.worklog import LegacyLog
    from lsm.legacy.workinglog import LegacyWorkingLog

    ai = tmp_path / "ai"
    base = "c" * 40
    wl = LegacyWorkingLog(ai, base)
    for n in range(1, 8):
        data = f"a\nb{n}\nc\n".encode()
        sha = hashlib.sha256(data).hexdigest()
        agent = AgentId("claude", f"s{n % 2}", f"m{n}")
        who = f"{session_id('claude', f's{n % 2}')}::t_1"
        kind = CheckpointKind.AI_AGENT if n % 3 else CheckpointKind.KNOWN_HUMAN
        cp = Checkpoint(
            kind=kind,
            diff="d",
            author="Ada <a@x>",
            entries=[
                FileEntry(
                    f"f{n % 3}.py",
                    sha,
                    [Attribution(0, len(data), who, n)],
                    [LineAttribution(1, 3, who, None)],
                )
            ],
            timestamp=n,
            agent_id=agent if kind.is_ai else None,
            line_stats=LineStats(n, 1, n, 0),
            trace_id=f"t_{n:014x}" if n % 2 else None,
        )
        wl.append(cp, {sha: data})
    with Store.open(tmp_path / "store") as store:
        import_working_log(store, ai, base, base, Settings())
        facts = StoreLog(store, base).fold()
        legacy = LegacyLog(ai, base).fold()
        assert facts.differences(legacy) == []
        assert facts.sessions and facts.prompts and facts.humans


def test_char_attributions_compaction_strips_leave_no_difference(tmp_path: Path) -> None:
    """Found by the state machine: a Human checkpoint whose only non-``human`` authors are
    character attributions, superseded and then stripped by compaction. The index still flags
    the file (its flag is kept on append); the fold over the stripped log does not. Both are
    inert (all-human attribution data): no difference, the same state."""
    from lsm import compact, parse_policy

    with Store.open(tmp_path / "s", options=StoreOptions(segment_bytes=4096)) as store:
        for n, (files, author) in enumerate(
            [(["x.py", "dir/y.rs"], "h_0123456789abcd"), (["x.py"], "human")], start=1
        ):
            blobs, entries = {}, []
            for f in files:
                data = f"{f}\nv{n}\n".encode()
                sha = hashlib.sha256(data).hexdigest()
                blobs[sha] = data
                entries.append(FileEntry(f, sha, [Attribution(0, len(data), author, n)], []))
            cp = Checkpoint(
                kind=CheckpointKind.HUMAN,
                diff="d",
                author="P <p@x>",
                entries=entries,
                timestamp=n,
                line_stats=LineStats(0, 0, 0, 0),
            )
            store.append("initial", cp, blobs=blobs)
        for n in range(40):  # seal the segments holding them (only sealed ones compact)
            data = f"filler {n}\n".encode() * 20
            sha = hashlib.sha256(data).hexdigest()
            entry = FileEntry("f.py", sha, [], [])
            filler = Checkpoint(
                kind=CheckpointKind.HUMAN, diff="d", author="P", entries=[entry], timestamp=n
            )
            store.append("b" * 40, filler, blobs={sha: data})
        compact(store, parse_policy("git-ai"))
        oracle = LogFold(store.get_initial("initial"))
        oracle.add_all(sc.checkpoint for sc in store.checkpoints("initial"))
        facts = StoreLog(store, "initial").fold()
        assert facts.files["x.py"].needs_post and not oracle.files["x.py"].needs_post
        assert facts.differences(oracle) == []
