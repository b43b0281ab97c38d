"""The store against a plain in-memory model (hypothesis stateful testing).

Any sequence of appends across logs and files, blob puts, log renames and
merges, archives, resets, INITIAL updates, close/reopen, index rebuilds,
compactions and damage to a checkpoint followed by ``verify --fix`` must leave ``latest``,
``history``, ``checkpoints``, blobs and INITIAL exactly as the model says
(which loses exactly the damaged checkpoint).
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
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    LineAttribution,
    Store,
    StoreOptions,
)
from lsm.frame import BLOCK_SHIFT
from lsm.verify import verify
from lsm.writer import merge_initial

LOGS = st.sampled_from(["a" * 40, "b" * 40, "initial", "old-" + "a" * 40])
FILES = st.sampled_from(["x.py", "dir/y.rs", "z" * 450, "caf\udce9.txt"])
KINDS = st.sampled_from(list(CheckpointKind))


class StoreModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="lsm-model-"))
        self.opts = StoreOptions(segment_bytes=8192)
        self.store = Store.open(self.dir, options=self.opts)
        self.logs: dict[str, list[tuple[int, Checkpoint]]] = {}
        self.initial: dict[str, InitialAttributions] = {}
        self.blobs: dict[str, bytes] = {}
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(log=LOGS, files=st.lists(FILES, min_size=1, max_size=3, unique=True), kind=KINDS)
    def append(self, log: str, files: list[str], kind: CheckpointKind) -> None:
        self.counter += 1
        n = self.counter
        blobs = {}
        entries = []
        for f in files:
            data = f"{f} v{n}\n".encode("utf-8", "surrogateescape")
            sha = hashlib.sha256(data).hexdigest()
            blobs[sha] = data
            author = {
                CheckpointKind.HUMAN: "human",
                CheckpointKind.KNOWN_HUMAN: f"h_{n:014x}",
            }.get(kind, f"s_{n:014x}::t_{n:014x}")
            entries.append(
                FileEntry(
                    f,
                    sha,
                    [Attribution(0, len(data), author, n)],
                    [LineAttribution(1, 1, author, None)],
                )
            )
        cp = Checkpoint(kind=kind, diff=f"d{n}", author="A <a@b>", entries=entries, timestamp=n)
        seq = self.store.append(log, cp, blobs=blobs)
        self.logs.setdefault(log, []).append((seq, cp))
        self.blobs.update(blobs)

    @rule(data=st.binary(max_size=64))
    def put_blob(self, data: bytes) -> None:
        self.blobs[self.store.put_blob(data)] = data

    @rule(old=LOGS, new=LOGS)
    def rename(self, old: str, new: str) -> None:
        result = self.store.rename_log(old, new)
        if old == new or old not in self.logs:
            assert result == "none"
        elif new not in self.logs:
            assert result == "renamed"
            self.logs[new] = self.logs.pop(old)
            if old in self.initial:
                self.initial[new] = self.initial.pop(old)
        else:
            assert result == "merged"
            self.logs[new] = self.logs.pop(old) + self.logs[new]
            merged = merge_initial(
                self.initial.pop(old, InitialAttributions()),
                self.initial.get(new, InitialAttributions()),
            )
            if not merged.is_empty():
                self.initial[new] = merged

    @rule(log=LOGS)
    def archive(self, log: str) -> None:
        target = self.store.archive_log(log, to=f"arch-{log[:4]}")
        if log not in self.logs:
            assert target is None
            return
        assert target == f"arch-{log[:4]}"
        self.logs[target] = self.logs.pop(log)
        self.initial.pop(target, None)
        if log in self.initial:
            self.initial[target] = self.initial.pop(log)

    @rule(log=LOGS)
    def reset(self, log: str) -> None:
        self.store.reset_log(log)
        self.logs[log] = []
        self.initial.pop(log, None)

    @rule(log=LOGS, file=FILES, line=st.integers(1, 5))
    def set_initial(self, log: str, file: str, line: int) -> None:
        sha = self.store.put_blob(b"snapshot %d" % line)
        self.blobs[sha] = b"snapshot %d" % line
        init = InitialAttributions(
            files={file: [LineAttribution(line, line, "s_i::t_i", None)]}, file_blobs={file: sha}
        )
        self.store.set_initial(log, init)
        self.logs.setdefault(log, [])
        self.initial[log] = init

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.dir, options=self.opts)

    @rule()
    def rebuild(self) -> None:
        self.store.rebuild_index()

    @rule(seal=st.booleans())
    def compact(self, seal: bool) -> None:
        """``full`` keeps every record of a live log; what no live log or INITIAL names goes
        (dead runs' checkpoints, blobs, and with an empty active segment the lifecycle events
        of dead runs: the ``rebuild`` rule then checks the logs come back the same)."""
        from lsm import compact

        compact(self.store, "full", seal_active=seal)
        named = {e.blob_sha for cps in self.logs.values() for _, cp in cps for e in cp.entries}
        named |= {sha for init in self.initial.values() for sha in init.file_blobs.values()}
        self.blobs = {k: v for k, v in self.blobs.items() if k in named}

    @rule(pick=st.integers(0, 10**6), where=st.integers(0, 10**6))
    def damage_and_repair(self, pick: int, where: int) -> None:
        """Flip a byte of one checkpoint's header frame, then ``verify --fix``.

        The model loses exactly that checkpoint: everything else (its entries'
        blobs, the logs, INITIAL, the checkpoints after it) stays.
        """
        live = [(log, i) for log, cps in self.logs.items() for i in range(len(cps))]
        if not live:
            return
        log, i = live[pick % len(live)]
        seq = self.logs[log][i][0]
        with self.store.engine.view() as v:
            ptr = v.find_checkpoint(seq)
        assert ptr is not None
        if ptr.offset >> BLOCK_SHIFT:
            return  # compacted into a block: tests/test_damage.py flips those
        seg = self.dir / "segments" / f"{ptr.segment:08d}.seg"
        with open(seg, "r+b") as f:
            head = f.read()[ptr.offset : ptr.offset + 12]
            length = int.from_bytes(head[4:8], "little")
            pos = ptr.offset + 12 + where % length
            f.seek(pos)
            byte = f.read(1)
            f.seek(pos)
            f.write(bytes([byte[0] ^ 0x5A]))
        verify(self.store, fix=True)
        assert [p for p in verify(self.store) if p.severity == "error"] == []
        del self.logs[log][i]

    @invariant()
    def matches_model(self) -> None:
        s = self.store
        assert sorted(info.name for info in s.logs()) == sorted(self.logs)
        for log, cps in self.logs.items():
            assert [(c.seq, c.checkpoint) for c in s.checkpoints(log)] == cps
            by_file: dict[str, list[tuple[int, FileEntry]]] = {}
            for seq, cp in cps:
                for e in cp.entries:
                    by_file.setdefault(e.file, []).append((seq, e))
            assert sorted(f.path for f in s.files(log)) == sorted(by_file)
            for f, items in by_file.items():
                latest = s.latest(log, f)
                assert latest is not None
                assert (latest.seq, latest.entry) == items[-1]
                assert [(h.seq, h.entry) for h in s.history(log, f)] == items[::-1]
                state = s.latest_state(log, f)
                assert state is not None
                ai = any(cp.kind.is_ai for seq, cp in cps if any(e.file == f for e in cp.entries))
                assert state.ai_touched == ai
            assert s.get_initial(log) == self.initial.get(log, InitialAttributions())
        for sha, data in self.blobs.items():
            assert s.get_blob(sha) == data


StoreModel.TestCase.settings = settings(stateful_step_count=25, deadline=None)
TestStoreModel = StoreModel.TestCase
