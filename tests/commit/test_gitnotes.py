"""Notes on refs/notes/ai in real repositories: fanout, batching, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from lsm.git import Git
from lsm.gitnotes import note_path, read_notes, update_notes
from tests.gitutil import GIT_ENV, git, init_repo


def _repo(tmp_path: Path, commits: int = 3) -> tuple[Path, list[str]]:
    repo = init_repo(tmp_path / "r", {"a.txt": "0\n"})
    shas = [git(repo, "rev-parse", "HEAD")]
    for i in range(1, commits):
        (repo / "a.txt").write_text(f"{i}\n")
        git(repo, "commit", "-qam", f"c{i}")
        shas.append(git(repo, "rev-parse", "HEAD"))
    return repo, shas


def _git(repo: Path) -> Git:
    return Git(repo, {**os.environ, **GIT_ENV})


def test_write_at_one_level_of_fanout_and_read_back_in_one_process(tmp_path: Path) -> None:
    repo, shas = _repo(tmp_path)
    g = _git(repo)
    written = update_notes(g, shas, lambda existing: {s: f"note {s}" for s in shas})
    assert set(written) == set(shas)
    tree = git(repo, "ls-tree", "-r", "--name-only", "refs/notes/ai")
    assert sorted(tree.splitlines()) == sorted(note_path(s) for s in shas)
    assert git(repo, "notes", "--ref=ai", "show", shas[1]) == f"note {shas[1]}"
    before = g.spawned
    assert read_notes(g, shas) == {s: f"note {s}" for s in shas}
    assert g.spawned == before + 1
    log = git(repo, "log", "-1", "--format=%an <%ae>|%B", "refs/notes/ai")
    assert log.startswith("ckptlog <ckptlog@local>|")


def test_flat_notes_from_git_notes_are_read_and_moved_to_the_canonical_path(
    tmp_path: Path,
) -> None:
    repo, shas = _repo(tmp_path)
    git(repo, "notes", "--ref=ai", "add", "-m", "flat", shas[0])
    assert git(repo, "ls-tree", "--name-only", "refs/notes/ai") == shas[0]
    g = _git(repo)
    assert read_notes(g, [shas[0]]) == {shas[0]: "flat\n"}
    update_notes(g, [shas[0]], lambda existing: {shas[0]: existing[shas[0]] + "more"})
    # The flat path is gone, one canonical path holds the note: no duplicate for git notes.
    assert git(repo, "ls-tree", "-r", "--name-only", "refs/notes/ai") == note_path(shas[0])
    assert git(repo, "notes", "--ref=ai", "show", shas[0]) == "flat\nmore"


def test_other_notes_survive_and_nothing_is_written_for_an_empty_result(tmp_path: Path) -> None:
    repo, shas = _repo(tmp_path)
    g = _git(repo)
    update_notes(g, [shas[0]], lambda e: {shas[0]: "one"})
    tip = git(repo, "rev-parse", "refs/notes/ai")
    assert update_notes(g, [shas[1]], lambda e: {}) == {}
    assert git(repo, "rev-parse", "refs/notes/ai") == tip
    update_notes(g, [shas[1]], lambda e: {shas[1]: "two"})
    assert read_notes(g, shas) == {shas[0]: "one", shas[1]: "two"}


def _writer(repo: str, sha: str, n: int, barrier: object) -> None:
    g = Git(repo, {**os.environ, **GIT_ENV})
    barrier.wait()  # type: ignore[attr-defined]
    for i in range(n):

        def append(existing: dict[str, str], i: int = i) -> dict[str, str]:
            return {sha: existing.get(sha, "") + f"{i}\n"}

        update_notes(g, [sha], append)


def test_concurrent_writers_never_lose_a_note(tmp_path: Path) -> None:
    repo, shas = _repo(tmp_path, commits=3)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3)
    procs = [ctx.Process(target=_writer, args=(str(repo), s, 8, barrier)) for s in shas]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    notes = read_notes(_git(repo), shas)
    assert notes == {s: "".join(f"{i}\n" for i in range(8)) for s in shas}
