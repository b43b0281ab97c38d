"""A sandbox for commit-path tests: a real repository whose git hooks run the installed ckptlog.

Every action is what a user or an agent does: write a file and run the
agent's PreToolUse/PostToolUse hooks (``ckptlog checkpoint claude`` with a
Claude Code payload), save in an editor (``known_human``), commit with git
(whose ``post-commit`` hook runs ``ckptlog post-commit``). Assertions read
git's notes and the store through public APIs only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import lsm
from lsm.commit.diffs import nfc_path
from lsm.commit.postcommit import GIT_AI_VERSION
from lsm.git import unquote_path
from lsm.ids import human_short_hash, is_ai_author, session_id
from lsm.model import Checkpoint, InitialAttributions
from lsm.notes import session_of
from tests.commit.grammar import check_note
from tests.gitutil import GIT_ENV

#: The installed console script (the venv's), as git hooks would find it.
CKPTLOG = str(Path(sys.executable).with_name("ckptlog"))
ADA = "Ada Lovelace <ada@example.com>"
ADA_H = human_short_hash(ADA)
SESSION = "8f0c2a4e-5b1d-4f7a-9c3e-2d6b1a0e9f47"
MODEL = "claude-sonnet-4-5-20250929"

BASE_ENV = {
    **os.environ,
    **GIT_ENV,
    "CKPTLOG_COMPACTION_AUTO": "0",
    # git-ai at HEAD takes no checkpoint at commit time (its pre-commit step
    # was removed); the scenario ports model it, tests of ours turn it on.
    "CKPTLOG_COMMIT_CHECKPOINT_FIRST": "0",
    # git-ai's test builds compile out the rule that drops a KnownHuman save
    # within 1 s of an AI edit (KNOWN_HUMAN_MIN_SECS_AFTER_AI); its scenarios
    # make such saves back to back, so the ports turn it off the same way.
    "CKPTLOG_CHECKPOINT_KNOWN_HUMAN_MIN_SECS_AFTER_AI": "0",
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
}

HOOKS: dict[str, str] = {
    "post-commit": f'#!/bin/sh\nexec "{CKPTLOG}" post-commit\n',
    "pre-commit": f'#!/bin/sh\n"{CKPTLOG}" pre-commit\nexit 0\n',
    # git runs it for every ref update, twice: only "committed" can matter.
    "reference-transaction": (
        f'#!/bin/sh\n[ "$1" = committed ] || exit 0; exec "{CKPTLOG}" '
        'git-hook reference-transaction "$@"\n'
    ),
}
#: Every hook the commit path and the rewrites use.
ALL_HOOKS = (
    "post-commit",
    "post-rewrite",
    "post-checkout",
    "post-merge",
    "reference-transaction",
)


#: No INITIAL line (the default expectation of :meth:`Sandbox.assert_note`).
NO_LINES: Mapping[str, list[tuple[int, int, str]]] = {}


class Sandbox:
    """One repository, its hooks, and helpers to act in it."""

    def __init__(
        self,
        root: Path,
        files: Mapping[str, str] | None = None,
        *,
        hooks: Iterable[str] = ("post-commit",),
        env: Mapping[str, str] | None = None,
        init_commit: bool = True,
        existing: bool = False,
    ) -> None:
        """A new repository at ``root`` (``existing``: a work tree already there, as is)."""
        self.root = root
        self.env = {**BASE_ENV, **(env or {})}
        self.outputs: list[subprocess.CompletedProcess[str]] = []
        #: session id -> agent_id record of every AI checkpoint made through the helpers.
        self.agents: dict[str, dict[str, str]] = {}
        #: commits whose note a test planted on purpose unparsable (not checked).
        self.foreign_notes: set[str] = set()
        self.transcripts = root.parent / f"{root.name}-transcripts"
        self.transcripts.mkdir(parents=True, exist_ok=True)
        if existing:
            return
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ada Lovelace")
        self.git("config", "user.email", "ada@example.com")
        self.install_hooks(hooks)
        if files:
            for name, text in files.items():
                self.write(name, text)
            self.git("add", ".")
        if files is not None and init_commit:
            self.commit("init")

    def add_worktree(self, name: str, *args: str) -> Sandbox:
        """``git worktree add ../<name> ARGS``: a linked work tree (shared hooks, notes, store)."""
        path = self.root.parent / name
        self.git("worktree", "add", "-q", str(path), *args)
        linked = Sandbox(path, env=self.env, existing=True)
        linked.agents = self.agents
        return linked

    # ------------------------------------------------------------------ plumbing

    def install_hooks(self, names: Iterable[str]) -> None:
        """Write the one-line hook scripts into ``.git/hooks``."""
        hooks_dir = Path(self.git("rev-parse", "--git-path", "hooks"))
        if not hooks_dir.is_absolute():
            hooks_dir = self.root / hooks_dir
        hooks_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            script = HOOKS.get(name, f'#!/bin/sh\nexec "{CKPTLOG}" git-hook {name} "$@"\n')
            path = hooks_dir / name
            path.write_text(script)
            path.chmod(0o755)

    def run(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(args),
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stderr}")
        return done

    def git(self, *args: str, stdin: str | None = None) -> str:
        return self.run("git", *args, stdin=stdin).stdout.strip()

    def ckptlog(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        done = self.run(CKPTLOG, *args, stdin=stdin)
        assert "warning" not in done.stderr, done.stderr
        return done

    # ------------------------------------------------------------------ edits

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, newline="")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text()

    def _transcript(self, session: str, model: str) -> Path:
        path = self.transcripts / f"{session}.jsonl"
        line = {
            "type": "assistant",
            "sessionId": session,
            "message": {"role": "assistant", "model": model, "content": []},
        }
        path.write_text(json.dumps(line) + "\n")
        return path

    def claude(
        self,
        rel: str,
        text: str | None,
        *,
        session: str = SESSION,
        model: str = MODEL,
        tool: str = "Edit",
    ) -> str:
        """Claude edits ``rel`` (None: deletes it): PreToolUse, the edit, PostToolUse.

        Returns the author key its checkpoint wrote (``s_…::t_…``).
        """
        transcript = self._transcript(session, model)

        def payload(event: str) -> str:
            return json.dumps(
                {
                    "hook_event_name": event,
                    "tool_name": tool,
                    "session_id": session,
                    "transcript_path": str(transcript),
                    "cwd": str(self.root),
                    "tool_input": {"file_path": str(self.root / rel)},
                }
            )

        self.ckptlog("checkpoint", "claude", "--hook-input", "stdin", stdin=payload("PreToolUse"))
        if text is None:
            (self.root / rel).unlink()
        else:
            self.write(rel, text)
        self.ckptlog("checkpoint", "claude", "--hook-input", "stdin", stdin=payload("PostToolUse"))
        return f"{session_id('claude', session)}::{self.last_trace()}"

    def human(self, rel: str, text: str | None, *, checkpoint: bool = True) -> None:
        """A human edit (None deletes); checkpointed as the editor's plain human hook would."""
        if text is None:
            (self.root / rel).unlink()
        else:
            self.write(rel, text)
        if checkpoint:
            self.ckptlog("checkpoint", "--", rel)

    def known_human(self, rel: str, text: str) -> None:
        """A save in an editor with git-ai's extension (KnownHuman).

        git-ai drops a KnownHuman save made within a second of an AI edit of
        the file (KNOWN_HUMAN_MIN_SECS_AFTER_AI); :data:`BASE_ENV` turns the
        rule off, as git-ai's test builds do, so the outcome never depends on
        how fast the hooks before it ran.
        """
        self.write(rel, text)
        self.ckptlog("checkpoint", "known_human", "--editor", "vscode", "--", rel)

    def commit(self, message: str = "change", *args: str) -> str:
        """``git commit -q -m message args...`` (hooks run); the new HEAD."""
        done = self.run("git", "commit", "-q", "-m", message, *args)
        self.outputs.append(done)
        assert "warning" not in done.stderr, done.stderr
        return self.git("rev-parse", "HEAD")

    def add(self, *paths: str) -> None:
        self.git("add", "--", *paths)

    # ------------------------------------------------------------------ reading

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def note(self, rev: str = "HEAD") -> str | None:
        done = self.run("git", "notes", "--ref=ai", "show", rev, check=False)
        return done.stdout if done.returncode == 0 else None

    def attestations(self, rev: str = "HEAD") -> str:
        """The note's attestation section (before ``---``), or "" without a note."""
        text = self.note(rev)
        return "" if text is None else text.split("---\n", 1)[0]

    def metadata(self, rev: str = "HEAD") -> dict[str, Any]:
        text = self.note(rev)
        assert text is not None, f"no note on {rev}"
        return dict(json.loads(text.split("---\n", 1)[1]))

    def store(self) -> lsm.Store:
        return lsm.open_repo_store(self.root, env=self.env)

    def log_name(self, base: str | None = None) -> str:
        """The store's name of this work tree's log of ``base`` (default: HEAD's)."""
        where = lsm.working_log(self.root)
        if base is None:
            return where.log
        return where.log[: len(where.log) - len(where.base)] + base

    def initial(self, base: str | None = None) -> InitialAttributions:
        """INITIAL of ``base``'s working log (default: HEAD's) in this work tree.

        Once a later commit has archived that log (``old-<log>``), the
        archive's INITIAL: what the commit of ``base`` left there.
        """
        name = self.log_name(self.head() if base is None else base)
        with self.store() as store:
            if store.log_info(name) is None and store.log_info(f"old-{name}") is not None:
                name = f"old-{name}"
            return store.get_initial(name)

    def initial_lines(self, base: str | None = None) -> dict[str, list[tuple[int, int, str]]]:
        """INITIAL's files as ``path -> [(start, end, author)]``."""
        init = self.initial(base)
        return {
            p: [(la.start_line, la.end_line, la.author_id) for la in las]
            for p, las in sorted(init.files.items())
        }

    def initial_snapshot(self, path: str, base: str | None = None) -> str:
        init = self.initial(base)
        with self.store() as store:
            data = store.get_blob(init.file_blobs[path])
        assert data is not None
        return data.decode()

    def last_checkpoint(self) -> Checkpoint:
        """The newest checkpoint of HEAD's working log."""
        with self.store() as store:
            log = lsm.current_log(self.root)
            last = None
            for sc in store.checkpoints(log):
                last = sc.checkpoint
        assert last is not None
        return last

    def initial_key_of_last(self) -> str:
        """The author key of the newest checkpoint's first line attribution."""
        return self.last_checkpoint().entries[0].line_attributions[0].author_id

    def last_trace(self) -> str:
        if self.env.get("CKPTLOG_STORAGE_MODE") == "legacy":
            jsonl = self.root / ".git" / "ai" / "working_logs" / self.head() / "checkpoints.jsonl"
            legacy = json.loads(jsonl.read_text().splitlines()[-1])["trace_id"]
            assert isinstance(legacy, str)
            return legacy
        trace = self.last_checkpoint().trace_id
        assert trace is not None
        return trace

    # ------------------------------------------------------------------ git-ai's test presets

    def _ai_key(self) -> str:
        """The author key of the newest (AI) checkpoint; remembers its agent for metadata."""
        cp = self.last_checkpoint()
        assert cp.agent_id is not None and cp.trace_id is not None, "not an AI checkpoint"
        sid = session_id(cp.agent_id.tool, cp.agent_id.id)
        self.agents[sid] = {
            "tool": cp.agent_id.tool,
            "id": cp.agent_id.id,
            "model": cp.agent_id.model,
        }
        return f"{sid}::{cp.trace_id}"

    def mock_ai(self, *paths: str) -> str:
        """``ckptlog checkpoint mock_ai PATHS`` (a new agent session each call, as git-ai's).

        Returns the key it wrote (``s_…::t_…``).
        """
        self.ckptlog("checkpoint", "mock_ai", *paths)
        return self._ai_key()

    def mock_known_human(self, *paths: str) -> None:
        """``ckptlog checkpoint mock_known_human PATHS`` (KnownHuman, no editor metadata)."""
        self.ckptlog("checkpoint", "mock_known_human", *paths)

    def human_checkpoint(self, *paths: str) -> None:
        """``ckptlog checkpoint human PATHS``: an agent's pre-edit (untracked human) checkpoint."""
        self.ckptlog("checkpoint", "human", *paths)

    def agent_edit(self, rel: str, text: str, *, known_human: bool = False) -> str:
        """git-ai's agent edit: a pre-edit ``human`` checkpoint, the write, then ``mock_ai``.

        With ``known_human``, the post-edit checkpoint is ``mock_known_human``
        (git-ai's tests model an editor save that way). Returns the key the
        edit's lines get.
        """
        self.human_checkpoint(rel)
        self.write(rel, text)
        if known_human:
            self.mock_known_human(rel)
            return human_short_hash(ADA)
        return self.mock_ai(rel)

    def stage_all_and_commit(self, message: str = "change", *args: str) -> str:
        """git-ai's ``stage_all_and_commit``: ``git add -A`` then commit."""
        self.git("add", "-A")
        return self.commit(message, *args)

    # ------------------------------------------------------------------ notes and blame

    def note_files(self, rev: str = "HEAD") -> dict[str, list[tuple[str, list[tuple[int, int]]]]]:
        """The note's attestations, parsed by the spec grammar ({} without a note)."""
        text = self.note(rev)
        if text is None:
            return {}
        commit = self.git("rev-parse", rev)
        files: dict[str, list[tuple[str, list[tuple[int, int]]]]] = check_note(text, commit=commit)[
            "files"
        ]
        return files

    def key_at(self, rev: str, path: str, line: int) -> str:
        """The key of the (only) entry of ``rev``'s note covering ``path``:``line``."""
        keys = [
            k
            for k, ranges in self.note_files(rev).get(path, [])
            if any(a <= line <= b for a, b in ranges)
        ]
        assert len(keys) == 1, keys
        return keys[0]

    def edge_key(self, rev: str, path: str, line: int, source: str) -> str:
        """The key edge extension gave ``path``:``line``: ``source``'s session, another trace.

        git-ai mints a random trace id there; ckptlog derives one from the
        commit, path and line (a documented decision), so only its shape
        and session are known in advance.
        """
        key = self.key_at(rev, path, line)
        assert key != source and session_of(key) == session_of(source), (key, source)
        return key

    def blame(self, rel: str) -> list[tuple[str, str | None, str | None]]:
        """git-ai's blame overlay of the work-tree file: ``(text, commit, key)`` per line.

        ``git blame --line-porcelain`` gives each line's commit, original line
        and original path; that commit's note decides, its entries scanned
        last to first, the first containing the line winning; a key with no
        metadata record is skipped (``get_line_attribution``). ``commit`` is
        None for a line not committed yet; ``key`` None for an unattested line.
        """
        out = self.run_bytes("git", "blame", "--line-porcelain", "--no-textconv", "--", rel)
        rows: list[tuple[str, str | None, str | None]] = []
        cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        sha = orig = path = ""
        for raw in out.split(b"\n"):
            if raw.startswith(b"\t"):
                text = raw[1:].decode("utf-8", "surrogateescape")
                if set(sha) == {"0"}:
                    rows.append((text, None, None))
                    continue
                if sha not in cache:
                    note = self.note(sha)
                    parsed = check_note(note, commit=sha) if note is not None else None
                    cache[sha] = (parsed["files"], parsed["metadata"]) if parsed else ({}, {})
                files, meta = cache[sha]
                rows.append((text, sha, _line_owner(files, meta, path, int(orig))))
            elif re.match(rb"[0-9a-f]{40} ", raw):
                sha, orig = raw.split(b" ")[0].decode(), raw.split(b" ")[1].decode()
            elif raw.startswith(b"filename "):
                path = unquote_path(raw[9:].decode("utf-8", "surrogateescape"))
        return rows

    def authorship(self, rel: str, *, committed_only: bool = False) -> list[tuple[str, str]]:
        """``(text, "ai" | "human")`` per line of ``rel`` (git-ai's AI / not-AI split)."""
        out = []
        for text, commit, key in self.blame(rel):
            if committed_only and commit is None:
                continue
            out.append((text, "ai" if key is not None and is_ai_author(key) else "human"))
        return out

    def assert_lines_and_blame(self, rel: str, expected: Sequence[Line | str]) -> None:
        """git-ai's ``assert_lines_and_blame``: every line, its text and AI / not-AI."""
        want = [_expect(x) for x in expected]
        assert self.authorship(rel) == want

    def assert_committed_lines(self, rel: str, expected: Sequence[Line | str]) -> None:
        """git-ai's ``assert_committed_lines``: the same, for committed lines only."""
        want = [_expect(x) for x in expected]
        assert self.authorship(rel, committed_only=True) == want

    def session_record(self, key: str) -> dict[str, Any]:
        """The note/INITIAL ``sessions`` record git-ai writes for an AI key we made."""
        sid = session_of(key)
        return {"agent_id": dict(self.agents[sid]), "human_author": ADA}

    def expected_metadata(
        self,
        commit: str,
        keys: Iterable[str] = (),
        *,
        humans: Iterable[str] = (),
        prompts: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The metadata git-ai writes for a note on ``commit`` naming ``keys``.

        ``humans`` are the known humans' identities (git-ai never prunes them).
        """
        meta: dict[str, Any] = {
            "schema_version": "authorship/3.0.0",
            "git_ai_version": GIT_AI_VERSION,
            "base_commit_sha": commit,
            "prompts": dict(prompts or {}),
        }
        hs = {human_short_hash(h): {"author": h} for h in humans}
        if hs:
            meta["humans"] = dict(sorted(hs.items()))
        ss = {session_of(k): self.session_record(k) for k in keys if k.startswith("s_")}
        if ss:
            meta["sessions"] = dict(sorted(ss.items()))
        return meta

    def assert_note(
        self,
        rev: str,
        attestations: str,
        keys: Iterable[str] = (),
        *,
        humans: Iterable[str] = (),
        prompts: Mapping[str, Any] | None = None,
        initial: Mapping[str, list[tuple[int, int, str]]] | None = NO_LINES,
    ) -> None:
        """What post-commit wrote for ``rev``: its note and the INITIAL it left.

        The note's attestation text exactly, its whole metadata, and the
        INITIAL of ``rev``'s log as ``path -> [(start, end, key)]`` (by
        default: none; None skips it, for a test that checks it otherwise).
        """
        commit = self.git("rev-parse", rev)
        text = self.note(commit)
        assert text is not None, f"no note on {rev}"
        check_note(text, commit=commit)
        assert self.attestations(commit) == attestations
        assert self.metadata(commit) == self.expected_metadata(
            commit, keys, humans=humans, prompts=prompts
        )
        if initial is not None:
            assert self.initial_lines(commit) == dict(initial)

    def notes(self) -> dict[str, str]:
        """Every note on ``refs/notes/ai``: commit -> text."""
        listing = self.run("git", "notes", "--ref=ai", "list", check=False).stdout.split()
        blobs, commits = listing[0::2], listing[1::2]
        if not blobs:
            return {}
        out = self.run_bytes("git", "cat-file", "--batch", stdin=("\n".join(blobs) + "\n").encode())
        texts: list[str] = []
        i = 0
        while i < len(out):
            eol = out.index(b"\n", i)
            size = int(out[i:eol].split(b" ")[2])
            texts.append(out[eol + 1 : eol + 1 + size].decode("utf-8", "surrogateescape"))
            i = eol + 1 + size + 1
        return dict(zip(commits, texts, strict=True))

    def check_all_notes(self) -> int:
        """Every note in the repository passes the grammar; returns how many there are."""
        notes = self.notes()
        for commit, text in notes.items():
            if commit not in self.foreign_notes:
                check_note(text, commit=commit)
        return len(notes)

    def run_bytes(self, *args: str, stdin: bytes | None = None) -> bytes:
        done = subprocess.run(
            list(args),
            cwd=self.root,
            input=stdin,
            capture_output=True,
            env=self.env,
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stderr!r}")
        return done.stdout


def attested(files: dict[str, list[tuple[str, str]]]) -> str:
    """The attestation section a note has for ``{path: [(key, ranges)]}``, in note order.

    Our notes sort files by path and entries by key (docs/commit.md), so an
    expected note can be written in any order.
    """
    out = []
    for path in sorted(files):
        quoted = f'"{path}"' if any(c in path for c in " \t\n") else path
        out.append(quoted + "\n")
        out.extend(f"  {key} {ranges}\n" for key, ranges in sorted(files[path]))
    return "".join(out)


def att(path: str, *entries: tuple[str, str]) -> str:
    """One file's block of an attestation section: :func:`attested` of ``{path: entries}``."""
    return attested({path: list(entries)})


def session_key(session: str = SESSION, tool: str = "claude") -> str:
    """The ``s_…`` id of an agent session."""
    return session_id(tool, session)


# ---------------------------------------------------------------------- expected lines


class Line(NamedTuple):
    """One expected line of git-ai's fluent test API: its text and who wrote it.

    ``kind``: ``ai`` (a ``mock_ai`` checkpoint), ``human`` (``mock_known_human``)
    or ``untracked`` (a plain human checkpoint). Assertions compare AI / not
    AI, as git-ai's do (``AuthorType::Human | UnattributedHuman``).
    """

    text: str
    kind: str


def ai(text: str) -> Line:
    return Line(text, "ai")


def hu(text: str) -> Line:
    return Line(text, "human")


def un(text: str) -> Line:
    return Line(text, "untracked")


def _line(x: Line | str) -> Line:
    return x if isinstance(x, Line) else hu(x)


def _expect(x: Line | str) -> tuple[str, str]:
    line = _line(x)
    return (line.text, "ai" if line.kind == "ai" else "human")


def _line_owner(
    files: Mapping[str, list[tuple[str, list[tuple[int, int]]]]],
    meta: Mapping[str, Any],
    path: str,
    line: int,
) -> str | None:
    """git-ai ``get_line_attribution``: the last entry covering ``line`` whose key has a record.

    Post-commit writes paths in NFC (git-ai's diff parser); git-ai's blame
    looks the raw path up only, so a decomposed name it would miss is looked
    up in NFC here.
    """
    entries = files.get(path)
    if entries is None:
        entries = files.get(nfc_path(path), [])
    for key, ranges in reversed(entries):
        if not any(a <= line <= b for a, b in ranges):
            continue
        if key.startswith("h_"):
            known = key in meta.get("humans", {})
        elif key.startswith("s_"):
            known = session_of(key) in meta.get("sessions", {})
        else:
            known = key in meta.get("prompts", {})
        if known:
            return key
    return None


PENDING = "||__AI LINE__ PENDING__||"


class LineFile:
    """git-ai's ``TestFile``: a file edited line by line, each edit checkpointed.

    Contents are the lines joined by ``\\n`` with no final newline, exactly
    as git-ai's harness writes them (so appending after the last line
    changes that line, which git-ai's expectations rely on). Every edit
    records the key of its AI checkpoint in :attr:`keys`.
    """

    def __init__(self, sb: Sandbox, rel: str) -> None:
        self.sb = sb
        self.rel = rel
        self.lines: list[Line] = []
        self.keys: list[str] = []

    def contents(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def _checkpoint(self, kind: str) -> None:
        if kind == "ai":
            self.keys.append(self.sb.mock_ai(self.rel))
        elif kind == "human":
            self.sb.mock_known_human(self.rel)
        else:
            self.sb.ckptlog("checkpoint", "--", self.rel)

    def _write(self, text: str, kind: str, *, stage: bool = False) -> None:
        self.sb.write(self.rel, text)
        if stage:
            self.sb.git("add", "-A")
        self._checkpoint(kind)

    def set_contents(self, lines: Sequence[Line | str], *, stage: bool = True) -> LineFile:
        """git-ai ``set_contents``: the human lines first (AI lines stubbed), then the AI lines.

        Each step is staged (``git add -A``) before its checkpoint unless
        ``stage`` is False (``set_contents_no_stage``). With no AI line the
        second checkpoint would see an unchanged file and record nothing:
        it is skipped.
        """
        want = [_line(x) for x in lines]
        stub = "\n".join(PENDING if x.kind == "ai" else x.text for x in want)
        human = "untracked" if any(x.kind == "untracked" for x in want) else "human"
        self._write(stub, human, stage=stage)
        if any(x.kind == "ai" for x in want):
            self._write("\n".join(x.text for x in want), "ai", stage=stage)
        self.lines = want
        return self

    def insert_at(self, index: int, lines: Sequence[Line | str]) -> LineFile:
        """git-ai ``insert_at``: each run of same-author lines written and checkpointed in turn."""
        want = [_line(x) for x in lines]
        assert want, "insert at least one line"
        at = index
        i = 0
        while i < len(want):
            j = i
            while j < len(want) and want[j].kind == want[i].kind:
                j += 1
            self.lines[at:at] = want[i:j]
            self._write(self.contents(), want[i].kind)
            at += j - i
            i = j
        return self

    def replace_at(self, index: int, line: Line | str) -> LineFile:
        new = _line(line)
        self.lines[index] = new
        self._write(self.contents(), new.kind)
        return self

    def delete_at(self, index: int) -> LineFile:
        """git-ai ``delete_at``: deletions are checkpointed as the known human."""
        del self.lines[index]
        self._write(self.contents(), "human")
        return self

    def delete_range(self, start: int, end: int) -> LineFile:
        del self.lines[start:end]
        self._write(self.contents(), "human")
        return self

    def stage(self) -> None:
        self.sb.add(self.rel)
