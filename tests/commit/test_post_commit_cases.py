"""The commit path's "cases to get right" (issue 12), each through real git commands.

Merge commits (first parent only), ``git add -p`` partial staging, renames,
deletions, content caps, ``commit -a`` / ``--no-verify``, detached HEAD, a
store locked by another process, notes already on the commit, the
known-human fallback for the commit's author, and the optional pre-commit
hook (git-ai's pre-May-2026 remedy for its "stale AI attestation").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from lsm.ids import human_short_hash
from tests.commit.conftest import MakeSandbox
from tests.commit.harness import ADA, ADA_H, CKPTLOG, ai, att, hu


def test_merge_commit_attests_against_its_first_parent(sandbox: MakeSandbox) -> None:
    """A conflicted merge finished by ``git commit`` gets a note, diffed against its first parent.

    git-ai: "conflicted merge finished by git commit: post-commit note for the
    merge commit (diff vs first parent)". The AI resolves the conflict; the
    lines the merge brings from the other branch are added lines too (first
    parent only) and, the note having AI lines, stay unattested there: blame
    resolves them to the branch's own commit and note.
    """
    sb = sandbox({"app.txt": "one\ntwo\nthree\n"})
    sb.git("checkout", "-q", "-b", "feature")
    sb.write("app.txt", "one\ntwo feature\nthree\n")
    kf = sb.mock_ai("app.txt")
    sb.write("feature.txt", "from feature\n")
    f1 = sb.stage_all_and_commit("feature")
    sb.git("checkout", "-q", "main")
    sb.write("app.txt", "one\ntwo main\nthree\n")
    m1 = sb.stage_all_and_commit("main")
    merge = sb.run("git", "merge", "feature", check=False)
    assert merge.returncode == 1 and "CONFLICT" in merge.stdout
    sb.write("app.txt", "one\ntwo merged\nthree\n")
    kr = sb.mock_ai("app.txt")
    c = sb.stage_all_and_commit("merge feature")

    assert sb.git("rev-parse", "HEAD^1", "HEAD^2").split() == [m1, f1]
    sb.assert_note(f1, att("app.txt", (kf, "2")), [kf])
    # feature.txt is new against the first parent but no checkpoint explains it:
    # the note has an AI line, so no known-human fallback.
    sb.assert_note(c, att("app.txt", (kr, "2")), [kr])
    sb.assert_lines_and_blame("feature.txt", ["from feature"])
    sb.assert_lines_and_blame("app.txt", ["one", ai("two merged"), "three"])
    with sb.store() as store:
        assert store.log_info(f"old-{m1}") is not None


def test_clean_merge_gets_no_note(sandbox: MakeSandbox) -> None:
    """A clean ``git merge`` runs post-merge, not post-commit: no note (as git-ai, no handler)."""
    sb = sandbox({"a.txt": "a\n"})
    sb.git("checkout", "-q", "-b", "feature")
    sb.write("b.txt", "b\n")
    k = sb.mock_ai("b.txt")
    f1 = sb.stage_all_and_commit("feature")
    sb.git("checkout", "-q", "main")
    sb.write("c.txt", "c\n")
    sb.stage_all_and_commit("main")
    sb.git("merge", "-q", "--no-ff", "-m", "merge", "feature")

    assert sb.note("HEAD") is None
    sb.assert_note(f1, att("b.txt", (k, "1")), [k])
    sb.assert_lines_and_blame("b.txt", [ai("b")])


def test_partial_staging_with_add_p(sandbox: MakeSandbox) -> None:
    """``git add -p`` (answers on stdin) stages the AI's first hunk; the second carries over."""
    base = "".join(f"line {i}\n" for i in range(1, 21))
    sb = sandbox({"code.py": base})
    edited = base.replace("line 2\n", "line 2\nai top\n").replace(
        "line 19\n", "line 19\nai bottom\n"
    )
    sb.write("code.py", edited)
    k = sb.mock_ai("code.py")
    sb.git("add", "-p", "code.py", stdin="y\nn\n")
    assert sb.git("diff", "--cached", "--numstat") == "1\t0\tcode.py"
    c1 = sb.commit("top only")

    sb.assert_note(c1, att("code.py", (k, "3")), [k], initial={"code.py": [(21, 21, k)]})
    assert sb.initial_snapshot("code.py") == edited
    sb.assert_committed_lines(
        "code.py",
        ["line 1", "line 2", ai("ai top"), *(f"line {i}" for i in range(3, 21))],
    )
    c2 = sb.stage_all_and_commit("bottom")
    sb.assert_note(c2, att("code.py", (k, "21")), [k])


def test_rename_file_note_tracks_new_name(sandbox: MakeSandbox) -> None:
    """rewrite_ops_attribution.rs::test_rename_file_note_tracks_new_name

    A pure rename adds no line: its note is empty, and blame follows the
    rename to the first commit's note.
    """
    sb = sandbox()
    sb.write("original.txt", "ai-1\nai-2\nai-3\n")
    k = sb.mock_ai("original.txt")
    c1 = sb.stage_all_and_commit("initial")
    sb.git("mv", "original.txt", "renamed.txt")
    c2 = sb.commit("rename file")

    sb.assert_note(c1, att("original.txt", (k, "1-3")), [k])
    sb.assert_note(c2, "")
    sb.assert_committed_lines("renamed.txt", [ai("ai-1"), ai("ai-2"), ai("ai-3")])


def test_rename_and_edit_same_commit(sandbox: MakeSandbox) -> None:
    """rewrite_ops_attribution.rs::test_rename_and_edit_same_commit

    The AI's checkpoint is on the new name, which HEAD does not have: all
    three lines are its (git-ai: a file with no previous state starts
    empty). The commit's diff, limited to the files with state, cannot pair
    the rename, so all three lines are added and attested again, as git-ai
    does; blame still takes lines 1-2 to the first commit.
    """
    sb = sandbox()
    sb.write("original.txt", "ai-1\nai-2\n")
    k1 = sb.mock_ai("original.txt")
    sb.stage_all_and_commit("initial")
    sb.git("mv", "original.txt", "renamed.txt")
    sb.write("renamed.txt", "ai-1\nai-2\nnew-ai\n")
    k2 = sb.mock_ai("renamed.txt")
    sb.git("add", "-A")
    c2 = sb.commit("rename and edit")

    assert k1 != k2
    sb.assert_note(c2, att("renamed.txt", (k2, "1-3")), [k2])
    sb.assert_committed_lines("renamed.txt", [ai("ai-1"), ai("ai-2"), ai("new-ai")])
    assert [c for _t, c, _k in sb.blame("renamed.txt")][:2] == [sb.git("rev-parse", "HEAD^")] * 2


def test_ai_edit_checkpointed_under_the_old_name_then_renamed(sandbox: MakeSandbox) -> None:
    """The AI edits old.txt; the user ``git mv``s it to new.txt and commits the edit with it.

    git-ai's algorithm, copied with its defect (flagged to the lead): the
    carryover of old.txt (gone from the commit) is its whole observed text,
    all of it "unstaged" (virtual_attribution.rs L2311-2316 look unstaged
    lines up under the old name), so the AI line is not committed; the note
    has no AI line and the known-human fallback takes it; INITIAL keeps it
    under the new name. Committing the rename alone first (``git mv``
    moves the index entry, not the edit) carries the line over as
    uncommitted, but INITIAL's snapshot under the new name is the rename
    commit's text, not the text its line numbers refer to (L2608-2614): the
    next commit finds no AI line there either.
    """
    sb = sandbox({"old.txt": "keep 1\nkeep 2\nkeep 3\nkeep 4\n"})
    edited = "keep 1\nkeep 2\nai line\nkeep 3\nkeep 4\n"
    sb.write("old.txt", edited)
    k = sb.mock_ai("old.txt")
    sb.git("mv", "old.txt", "new.txt")
    c1 = sb.commit("the rename alone")
    assert sb.git("diff-tree", "-r", "-M", "--name-status", "HEAD^", "HEAD").startswith("R100")
    sb.assert_note(c1, "", initial={"new.txt": [(3, 3, k)]})
    assert sb.initial_snapshot("new.txt") == "keep 1\nkeep 2\nkeep 3\nkeep 4\n"
    sb.git("add", "new.txt")
    c2 = sb.commit("the edit")
    sb.assert_note(c2, att("new.txt", (ADA_H, "3")), humans=[ADA])

    sb2 = sandbox({"old.txt": "keep 1\nkeep 2\nkeep 3\nkeep 4\n"})
    sb2.write("old.txt", edited)
    k2 = sb2.mock_ai("old.txt")
    sb2.git("mv", "old.txt", "new.txt")
    sb2.git("add", "new.txt")
    c = sb2.commit("rename with the AI's edit")
    assert sb2.git("diff-tree", "-r", "-M", "--name-status", "HEAD^", "HEAD").startswith("R")
    sb2.assert_note(
        c, att("new.txt", (ADA_H, "3")), humans=[ADA], initial={"new.txt": [(3, 3, k2)]}
    )


def test_deleted_ai_file(sandbox: MakeSandbox) -> None:
    """An AI file deleted before the commit: nothing attested, nothing carried, no warning."""
    sb = sandbox({"keep.txt": "keep\n"})
    sb.write("gone.txt", "ai 1\nai 2\n")
    k = sb.mock_ai("gone.txt")
    sb.human("gone.txt", None)
    sb.write("keep.txt", "keep\nhuman\n")
    c = sb.stage_all_and_commit("no gone.txt")

    assert k
    sb.assert_note(c, att("keep.txt", (ADA_H, "2")), humans=[ADA])
    assert sb.initial_lines() == {}

    # A committed AI file deleted later: the deletion commit's note is empty.
    sb.write("ai.txt", "ai\n")
    k2 = sb.mock_ai("ai.txt")
    c2 = sb.stage_all_and_commit("ai.txt")
    sb.assert_note(c2, att("ai.txt", (k2, "1")), [k2])
    sb.human("ai.txt", None)
    c3 = sb.stage_all_and_commit("remove ai.txt")
    sb.assert_note(c3, "")


def test_an_ai_file_replaced_by_a_fifo_before_the_commit(sandbox: MakeSandbox) -> None:
    """The staged AI text is committed while the work tree holds a FIFO at its path.

    Post-commit reads each file with AI state to see whether it changed since
    its checkpoint: a FIFO is refused unopened (opening it would block until
    a writer came), the commit gets its note, the hook exits 0 in time.
    """
    sb = sandbox({"keep.txt": "keep\n"})
    sb.write("ai.txt", "ai 1\nai 2\n")
    k = sb.mock_ai("ai.txt")
    sb.add("ai.txt")
    (sb.root / "ai.txt").unlink()
    os.mkfifo(sb.root / "ai.txt")
    done = sb.run("git", "commit", "-q", "-m", "ai.txt", check=False)
    assert done.returncode == 0, done.stderr
    sb.assert_note(sb.head(), att("ai.txt", (k, "1-2")), [k])


def test_file_over_the_content_cap_degrades_with_a_warning(sandbox: MakeSandbox) -> None:
    """An AI file that grew past ``caps.max_file_bytes`` by commit time is skipped, with a warning.

    The commit's other files get their note as usual; the skipped file's
    lines are neither attested nor carried over, and the hook exits 0.
    """
    sb = sandbox({"small.txt": "s\n", "big.txt": "b\n"}, env={"CKPTLOG_CAPS_MAX_FILE_BYTES": "200"})
    sb.write("big.txt", "b\nai\n")
    kb = sb.mock_ai("big.txt")
    sb.write("small.txt", "s\nai small\n")
    ks = sb.mock_ai("small.txt")
    sb.write("big.txt", "b\nai\n" + "x" * 300 + "\n")
    sb.git("add", "-A")
    done = sb.run("git", "commit", "-q", "-m", "big")
    c = sb.head()

    assert done.returncode == 0
    warnings = [x for x in done.stderr.splitlines() if "warning" in x]
    assert len(warnings) == 1 and "big.txt" in warnings[0], done.stderr
    assert kb
    sb.assert_note(c, att("small.txt", (ks, "2")), [ks])
    assert sb.initial_lines() == {}


def test_commit_a_and_no_verify_still_run_post_commit(sandbox: MakeSandbox) -> None:
    """``git commit -a`` stages the AI's edit; ``--no-verify`` skips pre-commit, not post-commit."""
    sb = sandbox({"a.txt": "a\n"}, hooks=("post-commit", "pre-commit"))
    sb.write("a.txt", "a\nai a\n")
    k1 = sb.mock_ai("a.txt")
    c1 = sb.commit("all", "-a")
    sb.assert_note(c1, att("a.txt", (k1, "2")), [k1])

    sb.write("a.txt", "a\nai a\nai b\n")
    k2 = sb.mock_ai("a.txt")
    c2 = sb.commit("no verify", "-a", "--no-verify")
    sb.assert_note(c2, att("a.txt", (k2, "3")), [k2])


def test_detached_head(sandbox: MakeSandbox) -> None:
    """A commit on a detached HEAD: the same note and INITIAL as on a branch."""
    sb = sandbox({"a.txt": "a\n"})
    sb.git("checkout", "-q", "--detach")
    sb.write("a.txt", "a\nai\n")
    sb.write("b.txt", "ai b\n")
    k = sb.mock_ai("a.txt", "b.txt")
    sb.add("a.txt")
    c = sb.commit("detached")

    assert sb.run("git", "symbolic-ref", "-q", "HEAD", check=False).returncode == 1
    sb.assert_note(c, att("a.txt", (k, "2")), [k], initial={"b.txt": [(1, 1, k)]})


HOLD_LOCK = textwrap.dedent(
    """
    import fcntl, sys, time
    fd = open(sys.argv[1], "a+")
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
    """
)


def test_commit_while_the_store_is_locked_then_redo(sandbox: MakeSandbox) -> None:
    """The store's LOCK held by another process: the hook warns once and exits 0; the redo finishes.

    The note needs no store lock and is written first; the transition
    (INITIAL of the new base, archive of the old log) waits for the lock
    past its deadline and is given up with one warning line. ``ckptlog
    post-commit --commit C`` afterwards makes it, and leaves the note as it was.
    """
    sb = sandbox(
        {"a.txt": "a\n"},
        env={"CKPTLOG_STORAGE_LOCK_TIMEOUT": "0.3", "CKPTLOG_COMMIT_LOCK_TIMEOUT": "0.3"},
    )
    parent = sb.head()
    sb.write("a.txt", "a\nai 1\n")
    sb.write("b.txt", "ai b\n")
    k = sb.mock_ai("a.txt", "b.txt")
    sb.add("a.txt")
    lock = sb.root / ".git" / "ai" / "lsm" / "LOCK"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        done = sb.run("git", "commit", "-q", "-m", "while locked")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        assert holder.stdout is not None
        holder.stdout.close()
    c = sb.head()

    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ckptlog post-commit: warning:"), lines
    assert "locked" in lines[0] and f"ckptlog post-commit --commit {c[:12]}" in lines[0]
    sb.assert_note(c, att("a.txt", (k, "2")), [k])  # and no INITIAL yet
    note = sb.note(c)
    with sb.store() as store:
        assert store.log_info(parent) is not None  # not archived
    assert sb.initial_lines(c) == {}

    redo = sb.ckptlog("post-commit", "--commit", c)
    assert redo.returncode == 0
    assert sb.note(c) == note
    assert sb.initial_lines(c) == {"b.txt": [(1, 1, k)]}
    with sb.store() as store:
        assert store.log_info(parent) is None
    events = [
        json.loads(x)
        for x in (sb.root / ".git" / "ai" / "lsm" / "events.jsonl").read_text().splitlines()
    ]
    # The hook's warning is an event too; the redo recorded its own post_commit.
    warned = [e for e in events if e["kind"] == "warning" and e.get("command") == "post-commit"]
    assert len(warned) == 1 and f"--commit {c[:12]}" in warned[0]["message"]
    assert [e["commit"] for e in events if e["kind"] == "post_commit"][-2:] == [c, c]


def test_a_redo_of_a_finished_commit_changes_nothing_and_says_what_the_note_holds(
    sandbox: MakeSandbox,
) -> None:
    """``post-commit --commit C`` after the hook finished: the log is archived, so the redo finds
    no state of its own; the note stays byte for byte, and the summary counts that note (it
    once reported the AI lines as known-human: what the redo computed, not what C carries)."""
    sb = sandbox({"a.txt": "one\n"})
    sb.write("a.txt", "one\ntwo\nthree\n")
    k = sb.mock_ai("a.txt")
    c = sb.stage_all_and_commit("ai")
    note = sb.note(c)
    redo = sb.ckptlog("post-commit", "--commit", c, "--verbose")
    assert sb.note(c) == note
    sb.assert_note(c, att("a.txt", (k, "2-3")), [k])
    assert f"note on {c[:12]}: 2 AI, 0 known-human, 0 untracked line(s)" in redo.stderr


def test_existing_note_from_another_tool_is_kept_and_filled(sandbox: MakeSandbox) -> None:
    """A note git-ai (or anyone) already wrote on the commit is merged, never clobbered.

    Its attestations and metadata stay as they are; only the lines it leaves
    unattested are added, with the records they need.
    """
    sb = sandbox({"a.txt": "a\n"}, hooks=())
    sb.write("a.txt", "a\nai 1\nai 2\n")
    k = sb.mock_ai("a.txt")
    c = sb.stage_all_and_commit("no hook yet")
    theirs_key = "s_0123456789abcd::t_0123456789abcd"
    theirs = f"a.txt\n  {theirs_key} 2\n---\n" + json.dumps(
        {
            "schema_version": "authorship/3.0.0",
            "git_ai_version": "1.6.24",
            "base_commit_sha": c,
            "prompts": {},
            "sessions": {
                "s_0123456789abcd": {
                    "agent_id": {"tool": "codex", "id": "x", "model": "gpt-5"},
                    "human_author": ADA,
                }
            },
        },
        indent=2,
    )
    sb.git("notes", "--ref=ai", "add", "-m", theirs, c)
    sb.ckptlog("post-commit", "--commit", c)

    meta = sb.metadata(c)
    assert meta["git_ai_version"] == "1.6.24"  # theirs, first wins
    assert meta["sessions"] == {
        "s_0123456789abcd": {
            "agent_id": {"tool": "codex", "id": "x", "model": "gpt-5"},
            "human_author": ADA,
        },
        k.split("::")[0]: sb.session_record(k),
    }
    assert sb.attestations(c) == att("a.txt", (theirs_key, "2"), (k, "3"))


def test_unparsable_existing_note_is_left_alone_with_a_warning(sandbox: MakeSandbox) -> None:
    """An existing note that does not parse is kept byte for byte; post-commit warns once."""
    sb = sandbox({"a.txt": "a\n"}, hooks=())
    sb.write("a.txt", "a\nai\n")
    sb.mock_ai("a.txt")
    c = sb.stage_all_and_commit("no hook yet")
    sb.git("notes", "--ref=ai", "add", "-m", "not an authorship note", c)
    sb.foreign_notes.add(c)
    done = sb.run(CKPTLOG, "post-commit", "--commit", c)

    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "unparsable" in lines[0], lines
    assert sb.note(c) == "not an authorship note\n"
    # The commit's transition still happened: the log moved on.
    with sb.store() as store:
        assert store.log_info(sb.git("rev-parse", "HEAD^")) is None


def test_known_human_fallback_attests_the_commit_author(sandbox: MakeSandbox) -> None:
    """A commit with no AI line: every added line goes to the commit's *author* as a known human.

    git-ai attests the local identity (its PR #2062 would use the commit's
    author): a documented decision. The local identity here is Ada; the
    commit is authored by Grace.
    """
    sb = sandbox({"a.txt": "a\n"})
    sb.write("a.txt", "a\nfrom grace\n")
    sb.write("b.txt", "b\n")
    grace = "Grace Hopper <grace@example.com>"
    c = sb.stage_all_and_commit("by grace", "--author", grace)

    gh = human_short_hash(grace)
    sb.assert_note(c, att("a.txt", (gh, "2")) + att("b.txt", (gh, "1")), humans=[grace])
    assert gh != ADA_H


def test_empty_commit_gets_an_empty_note(sandbox: MakeSandbox) -> None:
    """``git commit --allow-empty``: a note with no files (git-ai writes one for every commit)."""
    sb = sandbox({"a.txt": "a\n"})
    c = sb.commit("nothing", "--allow-empty")
    sb.assert_note(c, "")


def test_stale_ai_attestation_and_the_pre_commit_hook(sandbox: MakeSandbox) -> None:
    """A human rewrites an AI line after the last checkpoint, without one (git-ai #2344).

    Without pre-commit, git-ai's overlap rule keeps the line AI (the "stale
    AI attestation", gitai-commit-path.md §2.6). With ``ckptlog pre-commit``
    installed (git-ai's pre-May-2026 behaviour), the human checkpoint it
    takes makes the rewrite human.
    """
    for hooks, expected in ((("post-commit",), "ai"), (("post-commit", "pre-commit"), "human")):
        sb = sandbox({"a.txt": "a\nb\n"}, hooks=hooks)
        sb.write("a.txt", "a\nai line\nb\n")
        k = sb.mock_ai("a.txt")
        sb.write("a.txt", "a\nhuman rewrite\nb\n")
        c = sb.stage_all_and_commit("rewritten")
        if expected == "ai":
            sb.assert_note(c, att("a.txt", (k, "2")), [k])
            sb.assert_lines_and_blame("a.txt", ["a", ai("human rewrite"), "b"])
        else:
            # The rewrite is the plain human's: untracked, and the note has no AI line.
            sb.assert_note(c, att("a.txt", (ADA_H, "2")), humans=[ADA])
            sb.assert_lines_and_blame("a.txt", ["a", hu("human rewrite"), "b"])


def test_known_human_save_right_after_an_ai_edit_is_dropped(sandbox: MakeSandbox) -> None:
    """git-ai's KNOWN_HUMAN_MIN_SECS_AFTER_AI (1 s), kept by default (the tests turn it off)."""
    sb = sandbox({"a.txt": "a\n"}, env={"CKPTLOG_CHECKPOINT_KNOWN_HUMAN_MIN_SECS_AFTER_AI": "3600"})
    sb.write("a.txt", "a\nai\n")
    k = sb.mock_ai("a.txt")
    sb.write("a.txt", "a\nai\nsaved\n")
    done = sb.run(CKPTLOG, "checkpoint", "mock_known_human", "a.txt")
    assert "known_human checkpoint dropped" in done.stderr
    c = sb.stage_all_and_commit("x")
    edge = sb.edge_key(c, "a.txt", 3, k)
    sb.assert_note(c, att("a.txt", (k, "2"), (edge, "3")), [k])
