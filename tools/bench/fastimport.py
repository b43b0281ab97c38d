"""Benchmark inputs written with one ``git fast-import``: commits, then their notes.

The reading and rewrite scenarios build repositories whose every commit carries an authorship
note; both end their stream the same way: one notes commit on ``refs/notes/ai`` naming each
commit by its mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def notes_and_done(notes: Iterable[tuple[int, bytes]], ts: int) -> bytes:
    """The stream's tail: one ``refs/notes/ai`` commit with a note per ``(mark, text)``, then
    ``done``."""
    out = [b"commit refs/notes/ai\ncommitter ckptlog <ckptlog@local> %d +0000\ndata 0\n" % ts]
    for mark, text in notes:
        out.append(b"N inline :%d\ndata %d\n%s\n" % (mark, len(text), text))
    out.append(b"done\n")
    return b"".join(out)


def run(repo: str, stream: bytes, env: Mapping[str, str]) -> None:
    """Feed ``stream`` to ``git fast-import`` in ``repo``. :raises CalledProcessError: it failed."""
    import subprocess

    subprocess.run(
        ["git", "-C", repo, "fast-import", "--quiet", "--done"],
        input=stream,
        check=True,
        env=dict(env),
    )
