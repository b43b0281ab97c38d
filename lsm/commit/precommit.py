"""Pre-commit: a human checkpoint of the changed files that have AI state.

git-ai's wrapper ran this before every commit until May 2026 (a Human
checkpoint of the dirty files, skipped when the base had no AI
checkpoint). It is what makes a human rewrite of an AI line, made after
the last checkpoint, count as human in the commit's note; without it
post-commit's carryover rules keep such a line AI (git-ai #2344).

It also records, for post-commit, a cherry-pick or revert that this commit
concludes (git's state files are gone by then). Only files the working log
says an AI touched (or that INITIAL carries) are checkpointed: the others
cannot change the note. What can fail: what ``ckptlog checkpoint`` can
(:func:`lsm.checkpoint.run_invocation`).
"""

from __future__ import annotations

import os

from lsm.checkpoint import InvocationOutcome, run_invocation
from lsm.checkpoint.gitrepo import find_repo
from lsm.commit.pending import remember_pick
from lsm.config import load_settings

__all__ = ["ai_state_paths", "pre_commit"]


def ai_state_paths(cwd: str | os.PathLike[str]) -> list[str]:
    """Repo-relative files of the current base with AI state (AI-touched or in INITIAL)."""
    repo = find_repo(cwd)
    settings = load_settings(repo.ai_dir)
    base = repo.base_name()
    if settings.storage.mode == "legacy":
        from lsm.legacy.workinglog import LegacyWorkingLog

        wl = LegacyWorkingLog(repo.ai_dir, base)
        initial = wl.initial()
        if not wl.path.exists():
            return sorted(initial.files)
        from lsm.legacy.reader import read_checkpoints

        seen: set[str] = set(initial.files)
        for line in read_checkpoints(wl.path):
            for e in line.checkpoint.entries:
                seen.add(e.file)
        states = wl.states(seen)
        return sorted(p for p in seen if p in initial.files or states[p].ai_touched)
    root = settings.store_path(repo.common_dir)
    if not (root / "index").exists():
        return []  # no store yet: nothing was ever checkpointed
    from lsm.store import Store

    with Store.open(root, options=settings.store_options()) as store:
        log = repo.log_name(base)
        paths = {f.path for f in store.files(log) if f.ai_touched}
        paths.update(store.get_initial(log).files)
    return sorted(paths)


def pre_commit(cwd: str | os.PathLike[str]) -> InvocationOutcome:
    """Checkpoint, as human, the changed files that have AI state; nothing if there are none.

    First, a cherry-pick or revert this commit concludes is recorded for
    post-commit (:func:`lsm.commit.pending.remember_pick`): git deletes its
    state files before post-commit runs.
    """
    repo = find_repo(cwd)
    remember_pick(repo.git_dir, repo.ai_dir, repo.head_oid())
    candidates = set(ai_state_paths(repo.root))
    if not candidates:
        return InvocationOutcome()
    changed = [p for p in repo.status_paths() if p in candidates]
    if not changed:
        return InvocationOutcome()
    return run_invocation("human", None, [str(repo.root / p) for p in changed], cwd=str(repo.root))
