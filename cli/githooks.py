"""The git-hook commands: ``ckptlog post-commit``, ``pre-commit`` and ``git-hook NAME``.

    ckptlog post-commit [--commit REV] [-C PATH] [--strict] [-q|--verbose]
    ckptlog pre-commit [-C PATH] [--strict] [-q]
    ckptlog git-hook NAME [ARGS...]

git runs these from its hooks (each hook script is one line), so they run
under the hook contract (:mod:`cli.hookcontract`) like ``ckptlog
checkpoint``: whatever fails, one warning line on stderr, an event in the
store's log, and exit 0 (``--strict``: 1). A failing pre-commit hook would
abort ``git commit``; so would a ``reference-transaction`` hook failing in
its ``prepared`` state.

Click-free, like :mod:`cli.hook`: every commit pays for this start-up.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cli.hookcontract import HookInputError, HookRun, read_stdin, run_hook

__all__ = [
    "GIT_HOOK_USAGE",
    "POST_COMMIT_USAGE",
    "PRE_COMMIT_USAGE",
    "run_git_hook",
    "run_post_commit",
    "run_pre_commit",
]

POST_COMMIT_USAGE = """usage: ckptlog post-commit [--commit REV] [-C PATH] [--strict] [-q|--verbose]

Write the authorship note of the commit just made (HEAD, or REV) on
refs/notes/ai, and carry its uncommitted AI lines over to the new base.
The git post-commit hook runs it; --commit redoes one commit's note.

options:
  --commit REV   redo the note of REV (e.g. after a commit made while the store was locked)
  -C PATH        run as if started in PATH
  --strict       exit 1 on failure instead of warning and exiting 0
  -q, --quiet    print nothing but warnings
  --verbose      print what was written
  -h, --help     show this message
"""

PRE_COMMIT_USAGE = """usage: ckptlog pre-commit [-C PATH] [--strict] [-q]

Remember the cherry-pick or revert this commit concludes (git deletes its
state files before post-commit), and take a human checkpoint of the staged
and changed files that have AI state, so that a human rewrite of an AI line
made since the last checkpoint counts as human (skipped when the base has
no AI checkpoint). Always exits 0 (a
failing pre-commit hook would abort the commit); --strict exits 1.
"""

GIT_HOOK_USAGE = """usage: ckptlog git-hook NAME [ARGS...]

The entry point of every git hook ckptlog installs other than post-commit
(post-rewrite, post-checkout, post-merge, reference-transaction, ...):
the hook script is `ckptlog git-hook NAME "$@"`, with stdin passed on.
Always exits 0.
"""


class _Args:
    __slots__ = ("commit", "cwd", "help", "quiet", "rest", "strict", "unknown", "verbose")

    def __init__(self) -> None:
        self.commit: str | None = None
        self.cwd: str | None = None
        self.strict = False
        self.quiet = False
        self.verbose = False
        self.help = False
        self.unknown: list[str] = []
        self.rest: list[str] = []


def _parse(argv: Sequence[str], values: set[str]) -> _Args:
    args = _Args()
    it = iter(argv)
    for arg in it:
        name, eq, inline = arg.partition("=")
        if name in values:
            value = inline if eq else next(it, None)
            if value is None:
                args.unknown.append(f"{name} needs a value")
            elif name == "--commit":
                args.commit = value
            else:
                args.cwd = value
        elif arg == "--strict":
            args.strict = True
        elif arg in ("-q", "--quiet"):
            args.quiet = True
        elif arg == "--verbose":
            args.verbose = True
        elif arg in ("-h", "--help"):
            args.help = True
        elif arg.startswith("-"):
            args.unknown.append(f"unknown option {arg} (ignored)")
        else:
            args.rest.append(arg)
    return args


def _attach(run: HookRun, cwd: str) -> None:
    from lsm.commit import event_log

    events = event_log(cwd)
    if events is not None:
        run.attach_events(events)


def run_post_commit(argv: Sequence[str]) -> int:
    """``ckptlog post-commit``: see :data:`POST_COMMIT_USAGE`."""
    args = _parse(argv, {"--commit", "-C"})
    if args.help:
        print(POST_COMMIT_USAGE, end="")
        return 0

    def body(run: HookRun) -> None:
        for problem in args.unknown:
            run.usage(problem)
        for extra in args.rest:
            run.usage(f"unexpected argument {extra} (ignored)")
        cwd = args.cwd or os.getcwd()
        _attach(run, cwd)
        from lsm.commit import post_commit

        result = post_commit(cwd, commit=args.commit)
        for line in result.warnings:
            run.warn(line)
        if args.verbose and not args.quiet:
            if result.skipped:
                run.info(f"ckptlog: {result.commit[:12]}: {result.skipped}")
            else:
                run.info(
                    f"ckptlog: note on {result.commit[:12]}: {result.ai_lines} AI, "
                    f"{result.human_lines} known-human, {result.unknown_lines} untracked "
                    f"line(s); {result.carried} uncommitted AI line(s) carried over "
                    f"({result.git_processes} git processes, {result.duration_ms:.0f} ms)"
                    + (
                        f"; {result.as_committed} file(s) with AI state left as committed, unread"
                        if result.as_committed
                        else ""
                    )
                )

    return run_hook("post-commit", argv, body, strict=args.strict)


def run_pre_commit(argv: Sequence[str]) -> int:
    """``ckptlog pre-commit``: see :data:`PRE_COMMIT_USAGE`."""
    args = _parse(argv, {"-C"})
    if args.help:
        print(PRE_COMMIT_USAGE, end="")
        return 0

    def body(run: HookRun) -> None:
        for problem in args.unknown:
            run.usage(problem)
        cwd = args.cwd or os.getcwd()
        _attach(run, cwd)
        from lsm.commit import pre_commit

        outcome = pre_commit(cwd)
        for line in outcome.warnings:
            run.warn(line)
        if not args.quiet:
            for line in outcome.summaries:
                run.info(line)

    return run_hook("pre-commit", argv, body, strict=args.strict)


def run_git_hook(argv: Sequence[str]) -> int:
    """``ckptlog git-hook NAME [ARGS...]``: dispatch one git hook; always 0 (``--strict``: 1)."""
    if not argv or argv[0] in ("-h", "--help"):
        print(GIT_HOOK_USAGE, end="")
        return 0
    name, rest = argv[0], [a for a in argv[1:] if a != "--strict"]
    strict = "--strict" in argv[1:]

    def body(run: HookRun) -> None:
        try:
            data = read_stdin().decode("utf-8", "surrogateescape")
        except HookInputError:
            if name == "reference-transaction":
                return  # too many refs to be a reset or a stash: nothing of ours
            raise
        cwd = os.getcwd()
        from lsm.commit import dispatch_git_hook

        did = dispatch_git_hook(name, rest, data, cwd)
        if did is None and name not in _KNOWN:
            run.warn(f"ckptlog has nothing to do for the {name} hook")

    return run_hook(f"git-hook {name}", argv, body, strict=strict)


#: Hooks ckptlog acts on (others are accepted and do nothing, with a warning).
_KNOWN = frozenset(
    {
        "post-commit",
        "pre-commit",
        "post-rewrite",
        "post-checkout",
        "post-merge",
        "reference-transaction",
    }
)
