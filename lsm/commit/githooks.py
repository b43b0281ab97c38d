"""``ckptlog git-hook NAME``: what each git hook does for authorship.

One entry point for every hook ckptlog installs besides ``post-commit``
(whose script calls ``ckptlog post-commit`` directly). A hook's stdin is
always read to its end, so that git never blocks writing to a hook that
stopped listening (the CLI reads it, within a cap and a deadline).

``reference-transaction`` runs for every ref update of every git command
(twice: ``prepared``, then ``committed``), so its fast path decides from the
stdin lines and the invoking command alone, importing nothing heavy, whether
there is anything to do (a reset, an ``update-ref`` of HEAD's branch, a
stash); ``prepared`` and ``aborted`` never do anything.

What can fail: whatever the handler can; the CLI turns it into one warning
line and exit 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

__all__ = ["HANDLED", "dispatch"]

Handler = Callable[[Sequence[str], str, str], str | None]


def _post_commit(args: Sequence[str], data: str, cwd: str) -> str | None:
    from lsm.commit.postcommit import post_commit

    return post_commit(cwd).skipped


def _pre_commit(args: Sequence[str], data: str, cwd: str) -> str | None:
    from lsm.commit.precommit import pre_commit

    pre_commit(cwd)
    return None


def _post_rewrite(args: Sequence[str], data: str, cwd: str) -> str | None:
    from lsm.commit.rewrites import RewriteContext, on_post_rewrite

    ctx = RewriteContext.open(cwd)
    try:
        did = on_post_rewrite(ctx, args[0] if args else "", data)
        ctx.record("post-rewrite", did)
        return did
    finally:
        ctx.close()


def _post_checkout(args: Sequence[str], data: str, cwd: str) -> str | None:
    if len(args) < 3:
        return "post-checkout without its three arguments"
    from lsm.commit.probe import has_live_log

    # The fast path: every handled case moves, archives or trims the previous
    # HEAD's live log; without one there is nothing to do.
    if not has_live_log(cwd, args[0]):
        return None
    from lsm.commit.rewrites import RewriteContext, on_post_checkout

    ctx = RewriteContext.open(cwd)
    try:
        did = on_post_checkout(ctx, args[0], args[1], args[2])
        ctx.record("post-checkout", did)
        return did
    finally:
        ctx.close()


def _post_merge(args: Sequence[str], data: str, cwd: str) -> str | None:
    from lsm.commit.rewrites import RewriteContext, on_post_merge

    ctx = RewriteContext.open(cwd)
    try:
        did = on_post_merge(ctx, args[0] if args else "0")
        ctx.record("post-merge", did)
        return did
    finally:
        ctx.close()


_COMMANDS_WITH_THEIR_OWN_HOOKS = frozenset(
    {
        "commit",
        "merge",
        "rebase",
        "cherry-pick",
        "revert",
        "checkout",
        "switch",
        "pull",
        "am",
        "fetch",
        "push",
        "clone",
        "tag",
        "branch",
        "worktree",
        "notes",
        "fast-import",
        "gc",
        "pack-refs",
        "remote",
        "bisect",
        "replace",
    }
)


#: Commands whose final branch update may need the rename no other hook does.
_REBASING = frozenset({"rebase", "pull"})


def _moves_a_branch(data: str) -> bool:
    """True if a ``refs/heads/`` ref moved between two commits."""
    null = "0" * 40
    for line in data.splitlines():
        fields = line.split(" ", 2)
        if (
            len(fields) == 3
            and fields[2].startswith("refs/heads/")
            and fields[0] != fields[1]
            and not fields[0].startswith(null)
            and not fields[1].startswith(null)
        ):
            return True
    return False


def _reference_transaction(args: Sequence[str], data: str, cwd: str) -> str | None:
    if not args or args[0] != "committed":
        return None  # prepared / aborted: never act, never fail
    relevant = False
    for line in data.splitlines():
        fields = line.split(" ", 2)
        if len(fields) != 3:
            continue
        # HEAD counts even unmoved: `git reset --hard` in place discards work.
        if fields[2] == "HEAD" or (
            fields[0] != fields[1]
            and (fields[2] == "refs/stash" or fields[2].startswith("refs/heads/"))
        ):
            relevant = True
            break
    if not relevant:
        return None
    from lsm.commit.gitcommand import invoking_commands

    chain = invoking_commands()
    # Their post-commit / post-rewrite / post-checkout / post-merge act,
    # except for the branch update that ends a rebase which rewrote nothing
    # (a fast-forward): no post-rewrite follows it.
    if (
        chain
        and chain[-1].name in _COMMANDS_WITH_THEIR_OWN_HOOKS
        and (chain[-1].name not in _REBASING or not _moves_a_branch(data))
    ):
        return None
    from lsm.commit.rewrites import RewriteContext, on_reference_transaction

    ctx = RewriteContext.open(cwd)
    try:
        did = on_reference_transaction(ctx, args[0], data)
        ctx.record("reference-transaction", did)
        return did
    finally:
        ctx.close()


def _pre_push(args: Sequence[str], data: str, cwd: str) -> str | None:
    # git runs pre-push with the remote's name (or URL) and URL; pushing
    # refs/notes/ai itself (our own push runs with --no-verify) needs nothing.
    pushed = [line for line in data.splitlines() if line.strip()]
    if pushed and all(" refs/notes/" in line for line in pushed):
        return None
    from lsm.git import Git
    from lsm.notesync import push

    result = push(Git(cwd), args[0] if args else "origin")
    return "pushed refs/notes/ai" if result.pushed else None


#: Hook name -> handler(args, stdin text, cwd) -> what it did (None: nothing).
HANDLED: dict[str, Handler] = {
    "post-commit": _post_commit,
    "pre-commit": _pre_commit,
    "post-rewrite": _post_rewrite,
    "post-checkout": _post_checkout,
    "post-merge": _post_merge,
    "reference-transaction": _reference_transaction,
    "pre-push": _pre_push,
}


def dispatch(name: str, args: Sequence[str], stdin: str, cwd: str | os.PathLike[str]) -> str | None:
    """Run hook ``name`` with its stdin text; what it did (None: nothing, or not a hook of ours)."""
    handler = HANDLED.get(name)
    if handler is None:
        return None
    return handler(args, stdin, str(cwd))
