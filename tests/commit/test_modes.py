"""Post-commit with storage.mode legacy and dual, the redo path, and rewrites left alone."""

from __future__ import annotations

import json
from pathlib import Path

from tests.commit.grammar import check_note
from tests.commit.harness import Sandbox

APP = "def main():\n    return 1\n"
NEW = "def main():\n    return 1\n\n\ndef extra():\n    return 2\n"


def _mode(tmp_path: Path, mode: str) -> Sandbox:
    return Sandbox(tmp_path / "repo", {"app.py": APP}, env={"CKPTLOG_STORAGE_MODE": mode})


def test_legacy_mode_reads_and_writes_git_ai_files(tmp_path: Path) -> None:
    sb = _mode(tmp_path, "legacy")
    parent = sb.head()
    key = sb.claude("app.py", NEW)
    sb.claude("notes.md", "# todo\n", tool="Write")
    sb.add("app.py")
    c = sb.commit("extra")
    assert sb.attestations() == f"app.py\n  {key} 3-6\n"
    check_note(sb.note() or "", commit=c)
    logs = sb.root / ".git" / "ai" / "working_logs"
    assert not (logs / parent).exists()
    archived = logs / f"old-{parent}"
    assert (archived / "checkpoints.jsonl").exists()
    assert int((archived / ".archived_at").read_text()) > 0
    initial = json.loads((logs / c / "INITIAL").read_text())
    [(path, [attr])] = initial["files"].items()
    assert path == "notes.md" and attr["start_line"] == 1 and attr["end_line"] == 1
    sha = initial["file_blobs"]["notes.md"]
    assert (logs / c / "blobs" / sha).read_text() == "# todo\n"
    # The store was never used.
    assert not (sb.root / ".git" / "ai" / "lsm" / "index").exists()


def test_dual_mode_writes_both_and_reports_no_difference(tmp_path: Path) -> None:
    sb = _mode(tmp_path, "dual")
    parent = sb.head()
    sb.write("app.py", NEW)
    sb.write("notes.md", "# todo\n")
    sb.ckptlog("checkpoint", "mock_ai", "app.py", "notes.md")
    key = sb.initial_key_of_last()
    sb.add("app.py")
    done_before = len(sb.outputs)
    c = sb.commit("extra")
    assert "disagree" not in sb.outputs[done_before].stderr
    assert sb.attestations() == f"app.py\n  {key} 3-6\n"
    assert sb.initial_lines() == {"notes.md": [(1, 1, sb.initial().files["notes.md"][0].author_id)]}
    logs = sb.root / ".git" / "ai" / "working_logs"
    assert (logs / c / "INITIAL").exists() and (logs / f"old-{parent}").exists()


def test_dual_mode_warns_when_the_sources_disagree(tmp_path: Path) -> None:
    sb = _mode(tmp_path, "dual")
    sb.write("app.py", NEW)
    sb.ckptlog("checkpoint", "mock_ai", "app.py")
    # Damage git-ai's copy only: the store still has the checkpoint.
    jsonl = sb.root / ".git" / "ai" / "working_logs" / sb.head() / "checkpoints.jsonl"
    jsonl.write_text("")
    done = sb.run("git", "commit", "-qam", "extra")
    assert "dual mode: the store and git-ai's files disagree: app.py" in done.stderr


def test_redo_of_a_finished_commit_changes_nothing(tmp_path: Path) -> None:
    sb = Sandbox(tmp_path / "repo", {"app.py": APP})
    sb.claude("app.py", NEW)
    c = sb.commit("extra", "-a")
    note = sb.note()
    # The log was archived: a redo finds nothing new and keeps the note as it is.
    sb.ckptlog("post-commit", "--commit", c)
    sb.ckptlog("post-commit", "--commit", "HEAD")
    assert sb.note(c) == note
    with sb.store() as store:
        names = [log.name for log in store.logs()]
    assert not any(n.startswith("old-old-") for n in names)


def test_amend_is_left_to_the_rewrite_hooks(tmp_path: Path) -> None:
    sb = Sandbox(tmp_path / "repo", {"app.py": APP})
    sb.claude("app.py", NEW)
    c = sb.commit("extra", "-a")
    note = sb.note(c)
    sb.write("app.py", NEW + "# tail\n")
    sb.run("git", "commit", "-q", "--amend", "-a", "-m", "extra!")
    amended = sb.head()
    assert amended != c
    assert sb.note(c) == note  # the original note is kept
    assert sb.note(amended) is None  # post-commit did not guess


def test_hook_commands_keep_the_contract(tmp_path: Path) -> None:
    import subprocess

    from tests.commit.harness import BASE_ENV, CKPTLOG

    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    for argv in (
        ["post-commit"],
        ["pre-commit"],
        ["git-hook", "post-checkout", "x", "y", "1"],
        ["post-commit", "--bogus"],
    ):
        done = subprocess.run(
            [CKPTLOG, *argv], cwd=outside, env=BASE_ENV, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (argv, done.stderr)
        lines = done.stderr.splitlines()
        assert len(lines) <= 1 and all(ln.startswith("ckptlog ") for ln in lines), lines
        strict = subprocess.run(
            [CKPTLOG, *argv, "--strict"],
            cwd=outside,
            env=BASE_ENV,
            capture_output=True,
            check=False,
        )
        assert strict.returncode == (1 if argv[0] != "git-hook" or lines else 0), argv
        with open("/dev/full", "w") as full:
            quiet = subprocess.run(
                [CKPTLOG, *argv], cwd=outside, env=BASE_ENV, stderr=full, check=False
            )
        assert quiet.returncode == 0, argv


def test_checkpoint_first_makes_an_unchecked_human_rewrite_human(tmp_path: Path) -> None:
    """commit.checkpoint_first (our default): git-ai's old pre-commit step, inside post-commit."""
    for first, expect_ai in (("0", True), ("1", False)):
        sb = Sandbox(
            tmp_path / f"repo{first}",
            {"app.py": APP},
            env={"CKPTLOG_COMMIT_CHECKPOINT_FIRST": first},
        )
        key = sb.claude("app.py", NEW)
        # A human rewrites the AI's last line and commits without a checkpoint.
        sb.human("app.py", NEW.replace("return 2", "return 3"), checkpoint=False)
        c = sb.commit("extra", "-a")
        note = sb.attestations(c)
        if expect_ai:
            # git-ai's "stale AI attestation" (#2344): the rewritten line stays AI.
            assert note == f"app.py\n  {key} 3-6\n"
        else:
            assert f"{key} 3-5\n" in note and "6" not in note.split(key)[1].split("\n")[0]
