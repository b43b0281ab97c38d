"""Notes travel with the code: fetch, merge and push ``refs/notes/ai`` (research §8.3).

* :func:`fetch`: the remote's ``refs/notes/ai`` into the remote-tracking
  ref ``refs/notes/ai-remote/<remote>`` (a remote without notes is not an
  error), then :func:`merge_tracking`.
* :func:`merge_tracking`: every remote-tracking notes ref not yet contained
  in ``refs/notes/ai`` is merged into it with ``git notes merge -s ours``:
  when both sides annotate a commit differently, the local note wins
  (git-ai's rule). Cheap when there is nothing to do (one ``for-each-ref``
  and one ``merge-base`` per remote), so read commands call it first: a
  ``git pull`` that brought notes (through the refspec ``install-hooks``
  sets) needs no further step.
* :func:`push`: fetch and merge, then ``git push <remote>
  refs/notes/ai:refs/notes/ai``, never forced; a rejection (someone pushed
  notes meanwhile) is retried after another fetch and merge, three tries.

The merge commits are by ``ckptlog <ckptlog@local>``, like the notes commits.
What can fail: :class:`~lsm.errors.GitError` (git failing, the remote
unreachable, every try rejected).
"""

from __future__ import annotations

import re

from lsm.errors import GitError
from lsm.git import Git
from lsm.gitnotes import NOTES_COMMITTER
from lsm.notes import NOTES_REF
from lsm.record import Record

__all__ = ["SyncResult", "fetch", "merge_tracking", "push", "tracking_ref"]

TRACKING_PREFIX = "refs/notes/ai-remote/"
_TRIES = 3
_FETCH_FLAGS = (
    "--no-tags",
    "--recurse-submodules=no",
    "--no-write-fetch-head",
    "--no-auto-maintenance",
    "--quiet",
)


class SyncResult(Record):
    """What a sync did: the remote, the notes tip before/after, merged refs, tries."""

    __slots__ = ("after", "before", "merged", "pushed", "remote", "remote_had_notes", "tries")
    _fields = ("remote", "before", "after", "merged", "remote_had_notes", "pushed", "tries")

    def __init__(self, remote: str) -> None:
        self.remote = remote
        self.before: str | None = None
        self.after: str | None = None
        self.merged: list[str] = []
        self.remote_had_notes = False
        self.pushed = False
        self.tries = 0

    def to_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self._fields}


def tracking_ref(remote: str) -> str:
    """``refs/notes/ai-remote/<remote>``, the name sanitised (a URL may be a remote)."""
    return TRACKING_PREFIX + (re.sub(r"[^A-Za-z0-9._-]+", "_", remote).strip("._") or "remote")


def _ident_env() -> dict[str, str]:
    name, _, email = NOTES_COMMITTER.partition(" <")
    email = email.rstrip(">")
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def merge_tracking(git: Git) -> list[str]:
    """Merge every remote-tracking notes ref into ``refs/notes/ai``; the refs merged."""
    code, out, _ = git.run(
        ["for-each-ref", "--format=%(refname) %(objectname)", TRACKING_PREFIX], check=False
    )
    if code != 0 or not out.strip():
        return []
    merged: list[str] = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        ref, _, oid = line.partition(" ")
        local = git.rev_parse(NOTES_REF)
        if local == oid:
            continue
        if local is None:
            git.run(["update-ref", NOTES_REF, oid, ""])
            merged.append(ref)
            continue
        code, _, _ = git.run(["merge-base", "--is-ancestor", oid, local], check=False)
        if code == 0:
            continue  # already contained
        code, _, err = git.run(
            ["notes", f"--ref={NOTES_REF}", "merge", "-s", "ours", "--quiet", ref],
            check=False,
            env=_ident_env(),
        )
        if code != 0:
            raise GitError(
                f"git notes merge of {ref} failed: "
                f"{err.decode('utf-8', 'replace').strip().splitlines()[-1:] or code}",
                hint=f"Run `git notes --ref=ai merge -s ours {ref}` by hand to see why.",
            )
        merged.append(ref)
    return merged


def _fetch_only(git: Git, remote: str, result: SyncResult) -> None:
    ref = tracking_ref(remote)
    spec = f"+{NOTES_REF}*:{ref}*"  # a pattern: a remote without notes is no error
    git.run(["fetch", *_FETCH_FLAGS, remote, spec])
    result.remote_had_notes = git.rev_parse(ref) is not None


def fetch(git: Git, remote: str = "origin") -> SyncResult:
    """Fetch ``remote``'s notes and merge them into ``refs/notes/ai`` (local wins)."""
    result = SyncResult(remote)
    result.before = git.rev_parse(NOTES_REF)
    _fetch_only(git, remote, result)
    result.merged = merge_tracking(git)
    result.after = git.rev_parse(NOTES_REF)
    return result


def push(git: Git, remote: str = "origin") -> SyncResult:
    """Fetch, merge, then push ``refs/notes/ai`` to ``remote`` (never forced)."""
    result = SyncResult(remote)
    result.before = git.rev_parse(NOTES_REF)
    last = ""
    for attempt in range(1, _TRIES + 1):
        result.tries = attempt
        _fetch_only(git, remote, result)
        result.merged += [r for r in merge_tracking(git) if r not in result.merged]
        result.after = git.rev_parse(NOTES_REF)
        if result.after is None:
            return result  # nothing to push: no notes here or there
        code, _, err = git.run(
            [
                "push",
                "--quiet",
                "--no-verify",
                "--no-recurse-submodules",
                "--no-signed",
                remote,
                f"{NOTES_REF}:{NOTES_REF}",
            ],
            check=False,
        )
        if code == 0:
            result.pushed = True
            return result
        last = err.decode("utf-8", "replace").strip()
        if "rejected" not in last and "fetch first" not in last and "non-fast-forward" not in last:
            break
    raise GitError(
        f"pushing {NOTES_REF} to {remote} failed: {last.splitlines()[-1] if last else '?'}",
        hint=f"Run `ckptlog notes push {remote}` again; the local notes are intact.",
    )
