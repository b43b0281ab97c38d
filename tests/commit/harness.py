"""A sandbox for commit-path tests: a real repository whose git hooks run the installed ckptlog.

Every action is what a user or an agent does: write a file and run the
agent's PreToolUse/PostToolUse hooks (``ckptlog checkpoint claude`` with a
Claude Code payload), save in an editor (``known_human``), commit with git
(whose ``post-commit`` hook runs ``ckptlog post-commit``). Assertions read
git's notes and the store through public APIs only.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import lsm
from lsm.ids import human_short_hash, session_id
from lsm.model import InitialAttributions
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
    ) -> None:
        self.root = root
        self.env = {**BASE_ENV, **(env or {})}
        self.outputs: list[subprocess.CompletedProcess[str]] = []
        self.transcripts = root.parent / f"{root.name}-transcripts"
        self.transcripts.mkdir(parents=True, exist_ok=True)
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

        git-ai drops a KnownHuman save made in the same second as an AI edit
        of the file (KNOWN_HUMAN_MIN_SECS_AFTER_AI); the save waits for the
        next second, so that the outcome does not depend on how fast the
        hooks before it ran.
        """
        now = time.time()
        time.sleep(math.ceil(now) - now + 0.01)
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

    def _log(self, base: str) -> str:
        return base

    def store(self) -> lsm.Store:
        return lsm.open_repo_store(self.root, env=self.env)

    def initial(self, base: str | None = None) -> InitialAttributions:
        """INITIAL of ``base``'s working log (default: HEAD's)."""
        name = self.head() if base is None else base
        with self.store() as store:
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

    def initial_key_of_last(self) -> str:
        """The author key of the newest checkpoint's first line attribution."""
        with self.store() as store:
            last = None
            for sc in store.checkpoints(lsm.current_log(self.root)):
                last = sc.checkpoint
        assert last is not None
        return last.entries[0].line_attributions[0].author_id

    def last_trace(self) -> str:
        if self.env.get("CKPTLOG_STORAGE_MODE") == "legacy":
            jsonl = self.root / ".git" / "ai" / "working_logs" / self.head() / "checkpoints.jsonl"
            trace = json.loads(jsonl.read_text().splitlines()[-1])["trace_id"]
            assert isinstance(trace, str)
            return trace
        with self.store() as store:
            log = lsm.current_log(self.root)
            last = None
            for sc in store.checkpoints(log):
                last = sc.checkpoint
        assert last is not None and last.trace_id is not None
        return last.trace_id


def session_key(session: str = SESSION, tool: str = "claude") -> str:
    """The ``s_…`` id of an agent session."""
    return session_id(tool, session)


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
