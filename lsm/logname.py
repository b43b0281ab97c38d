"""Which working log a ``--log`` value names: a full name, a unique abbreviation, or a commit.

Working logs are named after their base commit: ``<oid>``, ``initial``,
``old-<oid>`` once archived, each under ``worktrees/<name>/`` for a linked
worktree. :func:`resolve_log` takes what a person types, in this order:

1. a log's exact name;
2. a unique prefix (4 characters or more) of a log's base, as git accepts an
   abbreviated commit id; logs of the current worktree are preferred;
3. anything git resolves to a commit (``HEAD~2``, a branch, an abbreviated
   id of a commit whose log has another name), mapped to that commit's log.

What can fail: :class:`~lsm.errors.InputError` when a prefix matches several
logs (the error lists them), :class:`~lsm.errors.NotFoundError` when nothing
matches. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lsm.errors import InputError, NotFoundError

__all__ = ["MIN_ABBREV", "resolve_log", "split_log"]

#: The shortest abbreviation taken (git's ``core.abbrev`` minimum).
MIN_ABBREV = 4


def split_log(name: str) -> tuple[str, str]:
    """``(worktree prefix, base)``: ``("worktrees/w/", "old-<oid>")`` or ``("", "<oid>")``."""
    if name.startswith("worktrees/"):
        prefix, _, base = name.rpartition("/")
        return prefix + "/", base
    return "", name


def _plain(base: str) -> str:
    return base[4:] if base.startswith("old-") else base


def resolve_log(
    given: str,
    names: Iterable[str],
    *,
    prefix: str = "",
    commit_of: Callable[[str], str | None] | None = None,
    flag: str = "--log",
) -> str:
    """The working log ``given`` names among ``names`` (see the module docstring).

    :param prefix: the current worktree's log prefix (``worktrees/<name>/``
        or ``""``): its logs win when an abbreviation matches in several worktrees.
    :param commit_of: resolves a revision to a full commit id (git), or None.
    :param flag: how the value is named in errors.
    :raises InputError: the abbreviation is ambiguous.
    :raises NotFoundError: no log matches.
    """
    known = list(dict.fromkeys(names))
    if given in known:
        return given
    if len(given) >= MIN_ABBREV:
        matches = [n for n in known if split_log(n)[1].startswith(given)]
        if len(matches) > 1:
            ours = [n for n in matches if split_log(n)[0] == prefix]
            if len(ours) == 1:
                return ours[0]
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(sorted(matches)[:5]) + (" ..." if len(matches) > 5 else "")
            raise InputError(
                f"{flag} {given} matches {len(matches)} working logs: {shown}",
                hint="Give more characters of the commit id (or the full log name).",
            )
    oid = commit_of(given) if commit_of is not None else None
    if oid is not None:
        for name in (prefix + oid, oid, *(n for n in known if _plain(split_log(n)[1]) == oid)):
            if name in known:
                return name
        raise NotFoundError(
            f"{flag} {given}: commit {oid[:12]} has no working log",
            hint="List the working logs with `ckptlog inspect logs`.",
        )
    raise NotFoundError(
        f"{flag} {given}: no working log has that name, and it is not a commit here",
        hint="List the working logs with `ckptlog inspect logs`; a commit id may be abbreviated.",
    )
