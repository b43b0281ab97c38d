"""Helpers of the history-rewrite scenarios: AI edits in one process, the exact working-log state.

Every scenario asserts two things after the rewrite: the exact notes (via
the harness's :func:`~tests.commit.harness.attested`), and the exact state
of the working logs, which :func:`logs` and :func:`pending` read through the
store's public API: which logs are live or archived, and what the next
commit of a base would see (its INITIAL plus its checkpoints, folded as
post-commit folds them).
"""

from __future__ import annotations

import os
from pathlib import Path

import lsm
from lsm.commit.worklog import StoreLog
from lsm.ids import HUMAN, session_id
from tests.commit.harness import Sandbox

#: (start, end, author key) of one line attribution.
Span = tuple[int, int, str]


#: ``f.txt`` of every rewrite test repository (the :func:`sb` fixture of conftest.py).
BASE = "a\nb\nc\n"


def log_of(sb: Sandbox, base: str | None = None) -> str:
    """The store's name of this work tree's log of ``base`` (default: HEAD's)."""
    where = lsm.working_log(sb.root)
    if base is None:
        return where.log
    return where.log[: len(where.log) - len(where.base)] + base


def ai(sb: Sandbox, rel: str, text: str | None) -> str:
    """An AI edit of ``rel`` (None: deletes it), checkpointed by ``mock_ai``; returns its key.

    One process, where an agent's Pre/PostToolUse pair is two: git-ai's
    rewrite tests use the same preset. Each call is a new session.
    """
    if text is None:
        (sb.root / rel).unlink()
    else:
        sb.write(rel, text)
    sb.ckptlog("checkpoint", "mock_ai", "--", rel)
    with sb.store() as store:
        last = None
        for sc in store.checkpoints(log_of(sb)):
            last = sc.checkpoint
    assert last is not None and last.agent_id is not None and last.trace_id is not None
    return f"{session_id(last.agent_id.tool, last.agent_id.id)}::{last.trace_id}"


def commit_ai(sb: Sandbox, rel: str, text: str, message: str = "ai") -> tuple[str, str]:
    """An AI edit of ``rel``, staged and committed: ``(commit, key)``."""
    key = ai(sb, rel, text)
    sb.add(rel)
    return sb.commit(message), key


def commit_human(sb: Sandbox, rel: str, text: str | None, message: str = "human") -> str:
    """A human edit (checkpointed as the editor's plain human hook does), committed."""
    sb.human(rel, text)
    sb.git("add", "-A", "--", rel)
    return sb.commit(message)


def logs(sb: Sandbox) -> dict[str, str]:
    """Every working log of the store: name -> ``live`` or ``archived``."""
    with sb.store() as store:
        return {
            info.name: ("archived" if info.archived_ms is not None else "live")
            for info in store.logs()
        }


def live(sb: Sandbox) -> set[str]:
    """The live logs that hold something (an INITIAL or a checkpoint)."""
    with sb.store() as store:
        return {
            info.name
            for info in store.logs()
            if info.archived_ms is None and (info.has_initial or info.checkpoints)
        }


def pending(sb: Sandbox, base: str | None = None) -> dict[str, list[Span]]:
    """What the next commit on ``base`` (default HEAD) would see: path -> its AI/known spans.

    The log's INITIAL and checkpoints, folded as post-commit folds them;
    ``human`` spans (untracked) are left out, as they never reach a note.
    """
    name = log_of(sb, base)
    with sb.store() as store:
        state = StoreLog(store, name).state(None)
    out: dict[str, list[Span]] = {}
    for path, vf in sorted(state.files.items()):
        spans = [(la.start_line, la.end_line, la.author_id) for la in vf.line_attrs]
        spans = [s for s in spans if s[2] != HUMAN]
        if spans:
            out[path] = sorted(spans)
    return out


def script(sb: Sandbox, name: str, body: str) -> str:
    """An executable shell script beside the repository (a sequence or message editor)."""
    path = Path(sb.root.parent) / name
    path.write_text("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return str(path)


def todo_editor(sb: Sandbox, todo: str) -> None:
    """``GIT_SEQUENCE_EDITOR`` writes ``todo`` as the interactive rebase's list."""
    (sb.root.parent / "todo.txt").write_text(todo)
    sb.env["GIT_SEQUENCE_EDITOR"] = script(
        sb, "todo.sh", f'cat "{sb.root.parent / "todo.txt"}" > "$1"\n'
    )


def linked_worktree(sb: Sandbox, name: str, *args: str) -> Sandbox:
    """``git worktree add ../<name> ARGS``: a Sandbox over it (the hooks,
    notes and store shared).
    """
    path = sb.root.parent / name
    sb.git("worktree", "add", "-q", str(path), *args)
    linked = object.__new__(Sandbox)
    linked.root = path
    linked.env = sb.env
    linked.outputs = []
    linked.transcripts = sb.transcripts
    return linked
