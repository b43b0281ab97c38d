"""The commit-path benchmark: its inputs, its scenarios' checks, and the git-ai peer model.

Real repositories and the real ckptlog (the one installed beside this Python): the inputs are
built through ``ckptlog import``/``checkpoint``/``export``, and the peer's note is compared with
the one ``ckptlog post-commit`` writes for the same commit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lsm import Store
from tools.bench import commitinputs
from tools.bench.peers import gitai_postcommit as peer
from tools.bench.scenario import BenchEnv
from tools.bench.scenarios import commit as scenarios
from tools.repro.gitrepo import git, git_env

CKPTLOG = str(Path(sys.executable).with_name("ckptlog"))
N, FILES, K = 20, 5, 2


def _env(workdir: Path, cache: Path, **params: Any) -> BenchEnv:
    shape = {"input": "commit", "checkpoints": N, "files": FILES, "commit_files": K, **params}
    return BenchEnv(workdir, cache, shape, ckptlog=CKPTLOG)


def _ckptlog(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **commitinputs.measured_env()}
    return subprocess.run(
        [CKPTLOG, *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def _attestations(note: str) -> str:
    """The part of a note above ``---``: files and their entries (metadata differs by tool)."""
    return note.split("\n---\n", 1)[0]


@pytest.fixture
def committed(tmp_path: Path, input_cache: Path) -> dict[str, Any]:
    return commitinputs.prepare(_env(tmp_path / "w", input_cache), "committed")


def test_the_committed_input_is_an_ai_commit_whose_post_commit_has_not_run(
    committed: dict[str, Any],
) -> None:
    repo, base, commit = Path(committed["repo"]), committed["base"], committed["commit"]
    assert git(repo, "rev-parse", "HEAD") == commit and git(repo, "rev-parse", "HEAD^") == base
    assert git(repo, "log", "-g", "-1", "--format=%gs", "HEAD") == "commit: AI edit"
    assert git(repo, "diff", "--name-only", "HEAD^", "HEAD").split() == committed["files"]
    assert git(repo, "status", "--porcelain") == ""
    assert committed["ai_lines"] == commitinputs.AI_LINES * K
    # the store holds the history and the AI edit; git-ai's files hold the same, exported
    with Store.open(repo / ".git" / "ai" / "lsm") as store:
        checkpoints = [sc.checkpoint for sc in store.checkpoints(base)]
    assert len(checkpoints) == committed["checkpoints"] == N + 1
    last = checkpoints[-1]
    assert last.agent_id is not None and last.agent_id.tool == "mock_ai"
    assert sorted(e.file for e in last.entries) == committed["files"]
    lines = Path(committed["log_dir"], "checkpoints.jsonl").read_text().splitlines()
    assert len(lines) == N + 1 and json.loads(lines[-1])["agent_id"]["tool"] == "mock_ai"
    notes = subprocess.run(
        ["git", "-C", repo, "notes", "--ref=ai", "list"], capture_output=True, check=False
    )
    assert notes.stdout == b""  # nothing has run yet


def test_ours_and_the_peer_attest_the_same_lines(committed: dict[str, Any], tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(committed["repo"], twin, symlinks=True)
    done = _ckptlog(Path(committed["repo"]), "post-commit", "--strict", "--verbose")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert scenarios.check_post_commit(committed, output) is None
    metrics = scenarios.post_commit_metrics(committed, output)
    assert metrics["git_processes"] >= 1 and metrics["inner_ms"] >= 0
    ours = git(Path(committed["repo"]), "notes", "--ref=ai", "show", committed["commit"])

    result = peer.post_commit(twin, committed["base"], committed["commit"])
    theirs = git(twin, "notes", "--ref=ai", "show", committed["commit"])
    assert theirs == result.note
    assert _attestations(theirs) == _attestations(ours)
    meta = json.loads(theirs.split("\n---\n", 1)[1])
    assert meta["schema_version"] == "authorship/3.0.0"
    assert meta["base_commit_sha"] == committed["commit"]
    assert [s["agent_id"]["tool"] for s in meta["sessions"].values()] == ["mock_ai"]

    # git-ai's cost: three full reads, a blob per entry (observed) and per attributed entry
    log = Path(committed["log_dir"], "checkpoints.jsonl").read_text()
    raw = [json.loads(line) for line in log.splitlines()]
    entries = [e for cp in raw for e in cp["entries"]]
    attributed = [e for e in entries if e["line_attributions"] or e["attributions"]]
    assert result.checkpoints_read == 3 * (N + 1)
    assert result.blobs_read == len(entries) + len(attributed)
    assert result.git_processes == 11
    assert result.committed_lines == committed["ai_lines"] and result.carried_lines == 0
    logs = twin / ".git" / "ai" / "working_logs"
    assert not (logs / committed["base"]).exists()
    assert (logs / f"old-{committed['base']}" / ".archived_at").read_text().isdigit()


def test_uncommitted_ai_lines_are_carried_by_both(tmp_path: Path) -> None:
    # An AI edit of two files, only one committed: the other's lines go to C's INITIAL.
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "--template=", "-b", "main")
    for name in ("a.txt", "b.txt"):
        (repo / name).write_text("one\ntwo\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "seed")
    base = git(repo, "rev-parse", "HEAD")
    for name in ("a.txt", "b.txt"):
        with (repo / name).open("a") as out:
            out.write("ai 1\nai 2\n")
    for args in (("checkpoint", "mock_ai", "--strict", "--", "a.txt", "b.txt"), ("export",)):
        assert _ckptlog(repo, *args).returncode == 0
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "AI edit of a")
    commit = git(repo, "rev-parse", "HEAD")
    twin = tmp_path / "twin"
    shutil.copytree(repo, twin, symlinks=True)

    done = _ckptlog(repo, "post-commit", "--strict", "--verbose")
    assert "2 AI" in done.stderr and "2 uncommitted AI line(s) carried over" in done.stderr
    result = peer.post_commit(twin, base, commit)
    assert (result.committed_lines, result.carried_lines) == (2, 2)
    ours = git(repo, "notes", "--ref=ai", "show", commit)
    assert _attestations(result.note) == _attestations(ours)
    initial = json.loads((twin / ".git" / "ai" / "working_logs" / commit / "INITIAL").read_text())
    (attr,) = initial["files"]["b.txt"]
    assert (attr["start_line"], attr["end_line"]) == (3, 4)
    sha = initial["file_blobs"]["b.txt"]
    blob = twin / ".git" / "ai" / "working_logs" / commit / "blobs" / sha
    assert blob.read_text() == "one\ntwo\nai 1\nai 2\n"
    assert list(initial["sessions"]) == [attr["author_id"].split("::")[0]]


def test_post_commit_runs_that_did_not_do_the_work_fail(committed: dict[str, Any]) -> None:
    good = (
        f"ckptlog: note on {committed['commit'][:12]}: 6 AI, 0 known-human, 0 untracked "
        "line(s); 0 uncommitted AI line(s) carried over (3 git processes, 41 ms)\n"
    )
    assert scenarios.check_post_commit(committed, good) is None
    assert scenarios.post_commit_metrics(committed, good) == {
        "inner_ms": 41.0,
        "git_processes": 3.0,
    }
    warned = "ckptlog post-commit: warning: no authorship note written: locked\n" + good
    assert "warned" in str(scenarios.check_post_commit(committed, warned))
    assert "no post-commit summary" in str(scenarios.check_post_commit(committed, ""))
    wrong = good.replace(": 6 AI", ": 2 AI")
    assert "attests 2 AI lines" in str(scenarios.check_post_commit(committed, wrong))
    other = good.replace(committed["commit"][:12], "0123456789ab")
    assert "not " + committed["commit"][:12] in str(scenarios.check_post_commit(committed, other))


@pytest.mark.parametrize(
    ("hooks", "expect_note"),
    [(scenarios.HOOKS_ALL, True), (("post-commit",), True), ((), False)],
)
def test_a_git_commit_with_and_without_hooks(
    tmp_path: Path, input_cache: Path, hooks: tuple[str, ...], expect_note: bool
) -> None:
    context = scenarios.setup_git_commit(hooks)(_env(tmp_path / "w", input_cache))
    # the whole set as a user installs it (this build has install-hooks); one hook by hand
    expected = {scenarios.HOOKS_ALL: "ckptlog install-hooks", (): "none"}
    assert context["hooks"].startswith(expected.get(hooks, "harness scripts: post-commit"))
    assert (
        context["commit"] is None
        and git(Path(context["repo"]), "rev-parse", "HEAD") == (context["base"])
    )
    done = scenarios.git_commit_command(context).run_unmeasured()
    assert done.returncode == 0, done.stderr
    assert scenarios.check_git_commit(context, done.stdout + done.stderr) is None
    # the check tells a commit whose hooks did nothing from one that wrote the note
    context["expect_note"] = not expect_note
    assert "note on" in str(scenarios.check_git_commit(context, ""))


def test_the_template_is_rebuilt_when_the_installed_package_changes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for package in ("lsm", "cli"):
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text("")
    python = tmp_path / "python"  # an interpreter that finds this fake install first
    python.write_text(f'#!/bin/sh\nPYTHONPATH={site} exec {sys.executable} -S "$@"\n')
    python.chmod(0o755)
    script = tmp_path / "ckptlog"
    script.write_text(f"#!{python}\nprint('ckptlog')\n")
    script.chmod(0o755)
    before = commitinputs.ckptlog_fingerprint(str(script))
    assert commitinputs.ckptlog_fingerprint(str(script)) == before
    (site / "lsm" / "store.py").write_text("FORMAT = 2\n")
    assert commitinputs.ckptlog_fingerprint(str(script)) != before
    native = tmp_path / "native"  # not a Python script: its own bytes
    native.write_bytes(b"\x7fELF 1")
    first = commitinputs.ckptlog_fingerprint(str(native))
    native.write_bytes(b"\x7fELF 2")
    assert commitinputs.ckptlog_fingerprint(str(native)) != first


def test_the_peer_parses_git_diffs_as_git_ai_does() -> None:
    diff = (
        b"diff --git a/x.txt b/x.txt\n--- a/x.txt\n+++ b/x.txt\n@@ -2,0 +3,2 @@\n+a\n+b\n"
        b"@@ -9 +10 @@\n-old\n+new\n"
        b"diff --git a/gone.txt b/gone.txt\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    )
    assert peer.parse_added_lines(diff) == {"x.txt": {3, 4, 10}}
    assert peer.compress([5, 1, 2, 3, 7, 8]) == "1-3,5,7-8"
    assert peer.merged_carryover("p\n", "p\nc\n", "p\nc\nmore\n") == "p\nc\nmore\n"
    assert peer.merged_carryover("p\n", "p\nc\nmore\n", "p\nc\n") == "p\nc\nmore\n"
    content = "ab\ncd\nef\n"
    chars = peer.line_attributions_to_attributions(
        [{"start_line": 2, "end_line": 3, "author_id": "s_x::t_y"}], content
    )
    assert chars == [{"start": 3, "end": 9, "author_id": "s_x::t_y", "ts": 0}]
    back = peer.attributions_to_line_attributions(chars, content)
    assert [(la["start_line"], la["end_line"]) for la in back] == [(2, 2), (3, 3)]


def test_the_hermetic_measured_environment() -> None:
    env = commitinputs.measured_env()
    assert env["GIT_CONFIG_GLOBAL"] == os.devnull and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert env["GIT_AUTHOR_DATE"] == git_env()["GIT_AUTHOR_DATE"]
