"""``ckptlog doctor``: are the hooks live, what was recorded last, is the store healthy.

Three questions, each answered from what is on disk, nothing guessed:

* hooks: every installer's :meth:`status` (git hooks, notes refspecs, agent
  settings), with whether each one runs *this* ckptlog;
* the last checkpoint of the current working log (from the index: the
  newest file state, then that one checkpoint) and the last note written
  (the tip of ``refs/notes/ai`` and the commit(s) it annotated);
* the store's health: :func:`lsm.verify.verify` summarised.

What can fail: nothing raises; a part that cannot be read says why in its
``error`` field.
"""

from __future__ import annotations

from typing import Any

from lsm.authors import human_name
from lsm.errors import Error
from lsm.git import Git
from lsm.install import InstallContext, status
from lsm.notes import NOTES_REF

__all__ = ["doctor"]


def _last_checkpoint(ctx: InstallContext) -> dict[str, Any]:
    from lsm.repostore import current_log, open_repo_store

    try:
        with open_repo_store(ctx.cwd) as store:
            log = current_log(ctx.cwd)
            newest = max(store.files(log), key=lambda s: s.seq, default=None)
            if newest is None:
                return {"log": log, "checkpoint": None}
            sc = store.checkpoint(newest.seq)
            if sc is None:
                return {"log": log, "checkpoint": None}
            cp = sc.checkpoint
            who = (
                f"{cp.agent_id.tool} ({cp.agent_id.model})"
                if cp.agent_id is not None
                else human_name(cp.author)
            )
            return {
                "log": log,
                "checkpoint": {
                    "seq": sc.seq,
                    "kind": cp.kind.value,
                    "timestamp": cp.timestamp,
                    "author": who,
                    "files": [e.file for e in cp.entries],
                },
                "checkpoints": store.count_checkpoints(log),
            }
    except Error as exc:
        return {"error": f"{exc.what}; {exc.hint}"}


def _last_note(ctx: InstallContext) -> dict[str, Any]:
    git = Git(ctx.cwd)
    code, out, _ = git.run(["log", "-1", "--format=%H %ct", NOTES_REF, "--"], check=False)
    if code != 0 or not out.strip():
        return {"note": None}
    tip, _, when = out.decode("ascii", "replace").strip().partition(" ")
    code, changed, _ = git.run(
        ["diff-tree", "--root", "-r", "--name-only", "--no-commit-id", tip], check=False
    )
    annotated = [p.replace("/", "") for p in changed.decode("ascii", "replace").split()]
    return {"note": {"notes_commit": tip, "timestamp": int(when or 0), "commits": annotated[:5]}}


def _health(ctx: InstallContext) -> dict[str, Any]:
    from lsm.repostore import open_repo_store
    from lsm.verify import verify

    try:
        with open_repo_store(ctx.cwd) as store:
            problems = verify(store, lmdb_check=False)
            counts = store.stats()
    except Error as exc:
        return {"ok": False, "error": f"{exc.what}; {exc.hint}"}
    errors = [p for p in problems if p.severity == "error"]
    return {
        "ok": not errors,
        "errors": len(errors),
        "warnings": len(problems) - len(errors),
        "first_problem": problems[0].message if problems else None,
        "checkpoints": counts["checkpoints"],
        "segments": counts["segments"],
    }


def doctor(ctx: InstallContext) -> dict[str, Any]:
    """The whole report as a JSON-ready document."""
    return {
        "ckptlog": ctx.ckptlog,
        "hooks": [s.to_json() for s in status(ctx)],
        "last_checkpoint": _last_checkpoint(ctx),
        "last_note": _last_note(ctx),
        "store": _health(ctx),
    }
