"""Rebase through real git hooks: the exact notes and the exact working-log state.

Scenarios of git-ai's ``rebase.rs``, ``rebase_note_integrity.rs``,
``pull_rebase_ff.rs`` and ``rebase_attribution_remaining.rs``
(gitai-commit-path.md §3.0, §3.3, §7): git's post-rewrite map shifts each
note onto its new commit, drops map to the previous survivor, squashes
merge, and the working log follows the new tip.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.commit.harness import ADA_H, Sandbox, attested
from tests.commit.rewrite_kit import (
    BASE,
    ai,
    commit_ai,
    commit_human,
    live,
    logs,
    pending,
    script,
    todo_editor,
)


def _upstream(sb: Sandbox, text: str = "top\n" + BASE) -> str:
    """main gains a human commit that puts a line above everything in f.txt."""
    sb.git("checkout", "-q", "main")
    c = commit_human(sb, "f.txt", text, "upstream")
    return c


def _rebased(sb: Sandbox, upstream: str = "main") -> list[str]:
    return sb.git("rev-list", "--reverse", f"{upstream}..HEAD").split()


def test_rebase_shifts_every_note_and_moves_the_log(sb: Sandbox) -> None:
    """test_rebase_with_different_trees, test_rebase_multiple_commits."""
    sb.git("checkout", "-q", "-b", "feat")
    g1, kg = commit_ai(sb, "g.txt", "x\ny\n")
    g2, kf = commit_ai(sb, "f.txt", BASE + "AI\n")
    kw = ai(sb, "w.txt", "untracked wip\n")  # an untracked AI file rides along
    _upstream(sb)
    sb.git("checkout", "-q", "feat")
    sb.git("rebase", "-q", "main")
    n1, n2 = _rebased(sb)
    assert sb.attestations(n1) == attested({"g.txt": [(kg, "1-2")]})
    assert sb.attestations(n2) == attested({"f.txt": [(kf, "5")]})
    assert sb.note(g1) is not None and sb.note(g2) is not None  # git-ai keeps the old notes
    assert live(sb) == {n2}
    assert pending(sb) == {"w.txt": [(1, 1, kw)]}
    assert g2 not in logs(sb)


def test_rebase_keeps_mixed_ai_and_known_human_lines(sb: Sandbox) -> None:
    """test_rebase_mixed_authorship, test_rebase_with_human_only_commit_between_ai_commits."""
    sb.git("checkout", "-q", "-b", "feat")
    _, k1 = commit_ai(sb, "f.txt", BASE + "ai1\n")
    commit_human(sb, "f.txt", BASE + "ai1\nhuman\n")
    _, k3 = commit_ai(sb, "f.txt", BASE + "ai1\nhuman\nai2\n")
    _upstream(sb)
    sb.git("checkout", "-q", "feat")
    sb.git("rebase", "-q", "main")
    n1, n2, n3 = _rebased(sb)
    assert sb.attestations(n1) == attested({"f.txt": [(k1, "5")]})
    assert sb.attestations(n2) == attested({"f.txt": [(ADA_H, "6")]})
    assert sb.attestations(n3) == attested({"f.txt": [(k3, "7")]})
    assert set(sb.metadata(n2).get("humans", {})) == {ADA_H}


def test_rebase_with_identical_trees_keeps_notes_verbatim(sb: Sandbox) -> None:
    """test_rebase_no_conflicts_identical_trees: upstream touched another file."""
    sb.git("checkout", "-q", "-b", "feat")
    _, key = commit_ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "other.txt", "o\n")
    sb.git("checkout", "-q", "feat")
    sb.git("rebase", "-q", "main")
    [n] = _rebased(sb)
    assert sb.attestations(n) == attested({"f.txt": [(key, "4-5")]})
    assert sb.metadata(n)["base_commit_sha"] == n


def test_rebase_fast_forward_moves_the_working_log(sb: Sandbox) -> None:
    """test_rebase_fast_forward: no commit is rewritten, HEAD moves, the log follows."""
    sb.git("branch", "feat")
    up = _upstream(sb)
    sb.git("checkout", "-q", "feat")
    old = sb.head()
    key = ai(sb, "w.txt", "wip\n")
    sb.git("rebase", "-q", "main")
    assert sb.head() == up
    assert live(sb) == {up}
    assert pending(sb) == {"w.txt": [(1, 1, key)]}
    assert old not in logs(sb)


def test_rebase_autostash_keeps_the_uncommitted_ai_lines(sb: Sandbox) -> None:
    """test_rebase_autostash (the issue: ``inspect`` showed ``(none)``, then human lines)."""
    sb.git("checkout", "-q", "-b", "feat")
    _, kg = commit_ai(sb, "g.txt", "g1\ng2\n")
    _upstream(sb)
    sb.git("checkout", "-q", "feat")
    key = ai(sb, "f.txt", BASE + "wip1\nwip2\n")
    sb.git("rebase", "-q", "--autostash", "main")
    [n] = _rebased(sb)
    assert sb.attestations(n) == attested({"g.txt": [(kg, "1-2")]})
    assert live(sb) == {n}
    # The next checkpoint (a known human's) keeps the AI lines where they now
    # are. It diffs from the text of the last checkpoint, before the rebase:
    # upstream's line 1 counts as its, and no note will attest it (it is not
    # an added line of the next commit).
    sb.known_human("f.txt", "top\n" + BASE + "wip1\nwip2\nhuman\n")
    assert pending(sb) == {"f.txt": [(1, 1, ADA_H), (5, 6, key), (7, 7, ADA_H)]}
    c = sb.commit("wip", "-a")
    assert sb.attestations(c) == attested({"f.txt": [(key, "5-6"), (ADA_H, "7")]})


def _remote(sb: Sandbox) -> Path:
    """A bare remote with main pushed, and a second clone that pushes upstream work."""
    bare = sb.root.parent / "remote.git"
    sb.run("git", "init", "-q", "--bare", "-b", "main", str(bare))
    sb.git("remote", "add", "origin", str(bare))
    sb.git("push", "-q", "origin", "main")
    sb.git("branch", "-q", "--set-upstream-to=origin/main", "main")
    other = sb.root.parent / "other"
    sb.run("git", "clone", "-q", str(bare), str(other))
    (other / "f.txt").write_text("top\n" + BASE)
    env = sb.env
    for args in (["commit", "-q", "-am", "upstream"], ["push", "-q", "origin", "main"]):
        subprocess.run(["git", *args], cwd=other, env=env, check=True, capture_output=True)
    return bare


def test_pull_rebase_keeps_committed_ai_authorship(sb: Sandbox) -> None:
    """test_pull_rebase_preserves_committed_ai_authorship."""
    _remote(sb)
    c, key = commit_ai(sb, "f.txt", BASE + "AI\n")
    sb.git("pull", "-q", "--rebase")
    [n] = sb.git("rev-list", "origin/main..HEAD").split()
    assert n != c
    assert sb.attestations(n) == attested({"f.txt": [(key, "5")]})
    assert live(sb) == set()


def test_pull_rebase_autostash_keeps_committed_and_uncommitted_lines(sb: Sandbox) -> None:
    """test_pull_rebase_committed_and_autostash_preserves_all_authorship."""
    _remote(sb)
    _, key = commit_ai(sb, "g.txt", "g\n")
    wip = ai(sb, "f.txt", BASE + "wip\n")
    sb.git("pull", "-q", "--rebase", "--autostash")
    [n] = sb.git("rev-list", "origin/main..HEAD").split()
    assert sb.attestations(n) == attested({"g.txt": [(key, "1")]})
    assert live(sb) == {n}
    c = sb.commit("wip", "-a")
    assert sb.attestations(c) == attested({"f.txt": [(wip, "5")]})


def test_interactive_rebase_squash_fixup_drop_reword_exact_notes(sb: Sandbox) -> None:
    """test_rebase_squash_preserves_all_authorship,
    test_rebase_interactive_drop_preserves_attribution.
    """
    c1, k1 = commit_ai(sb, "a.txt", "one\n")
    c2, k2 = commit_ai(sb, "a.txt", "one\ntwo\n")
    c3, k3 = commit_ai(sb, "b.txt", "three\n")
    c4, k4 = commit_ai(sb, "c.txt", "four\n")
    c5, k5 = commit_ai(sb, "d.txt", "five\n")
    todo_editor(
        sb,
        f"pick {c1} one\nsquash {c2} two\nfixup {c3} three\ndrop {c4} four\nreword {c5} five\n",
    )
    sb.env["GIT_EDITOR"] = script(sb, "msg.sh", 'echo edited > "$1"\n')
    base = sb.git("rev-parse", f"{c1}^")
    sb.git("rebase", "-q", "-i", base)
    squashed, reworded = sb.git("rev-list", "--reverse", f"{base}..HEAD").split()
    assert sb.attestations(squashed) == attested(
        {"a.txt": [(k1, "1"), (k2, "2")], "b.txt": [(k3, "1")]}
    )
    sessions = {k.split("::")[0] for k in (k1, k2, k3)}
    assert set(sb.metadata(squashed)["sessions"]) == sessions
    # The dropped commit's note merged into its previous survivor, where its
    # lines do not exist: nothing of it survives the tree diff.
    assert sb.attestations(reworded) == attested({"d.txt": [(k5, "1")]})
    assert not (sb.root / "c.txt").exists()
    assert live(sb) == set()
    del k4


def test_interactive_rebase_reorder(sb: Sandbox) -> None:
    """test_rebase_interactive_reorder."""
    c1, k1 = commit_ai(sb, "f.txt", "top\n" + BASE)
    c2, k2 = commit_ai(sb, "g.txt", "g\n")
    todo_editor(sb, f"pick {c2} g\npick {c1} f\n")
    base = sb.git("rev-parse", f"{c1}^")
    sb.git("rebase", "-q", "-i", base)
    n1, n2 = sb.git("rev-list", "--reverse", f"{base}..HEAD").split()
    assert sb.attestations(n1) == attested({"g.txt": [(k2, "1")]})
    assert sb.attestations(n2) == attested({"f.txt": [(k1, "1")]})


def test_rebase_autosquash_merges_the_fixup_note(sb: Sandbox) -> None:
    """test_rebase_autosquash, test_autosquash_preserves_combined_ai_attribution."""
    base = sb.head()
    c1, k1 = commit_ai(sb, "f.txt", BASE + "AI line 2\nkeep\n", "Add feature")
    _, k2 = commit_ai(sb, "f.txt", BASE + "AI line 2 fixed\nkeep\n", "fixup! Add feature")
    sb.env["GIT_SEQUENCE_EDITOR"] = "true"
    sb.git("rebase", "-q", "-i", "--autosquash", base)
    [n] = sb.git("rev-list", f"{base}..HEAD").split()
    # The fixup's line replaced the first one's: the later note wins that line.
    assert sb.attestations(n) == attested({"f.txt": [(k1, "5"), (k2, "4")]})
    del c1


def test_rebase_conflict_resolved_by_ai_then_continue(sb: Sandbox) -> None:
    """test_regular_rebase_conflict_ai_resolution_preserves_original_and_resolution_sessions."""
    sb.git("checkout", "-q", "-b", "feat")
    _, kf = commit_ai(sb, "f.txt", "a\nfeature\nc\nkept\n")
    _upstream(sb, "a\nmain change\nc\n")
    sb.git("checkout", "-q", "feat")
    done = sb.run("git", "rebase", "main", check=False)
    assert done.returncode != 0  # a conflict on line 2
    onto = sb.git("rev-parse", "main")
    assert sb.head() == onto
    sb.human("f.txt", sb.read("f.txt"))
    kr = ai(sb, "f.txt", "a\nmain change\nAI resolved\nc\nkept\n")
    sb.add("f.txt")
    sb.env["GIT_EDITOR"] = "true"
    sb.git("rebase", "--continue")
    [n] = _rebased(sb)
    # The resolution's line is the resolution session's; the feature's other
    # line survives the tree diff; its conflicted line does not.
    assert sb.attestations(n) == attested({"f.txt": [(kf, "5"), (kr, "3")]})
    assert {kf.split("::")[0], kr.split("::")[0]} <= set(sb.metadata(n)["sessions"])
    assert live(sb) == set()
    assert logs(sb).get(onto) != "live"


def test_rebase_skip_keeps_the_next_commit(sb: Sandbox) -> None:
    """test_rebase_skip."""
    sb.git("checkout", "-q", "-b", "feat")
    commit_ai(sb, "f.txt", "AI line 1\nb\nc\n")
    _, kg = commit_ai(sb, "g.txt", "feature\n")
    _upstream(sb, "MAIN\nb\nc\n")
    sb.git("checkout", "-q", "feat")
    assert sb.run("git", "rebase", "main", check=False).returncode != 0
    sb.git("rebase", "--skip")
    [n] = _rebased(sb)
    assert sb.attestations(n) == attested({"g.txt": [(kg, "1")]})


def test_rebase_abort_leaves_notes_and_logs_as_they_were(sb: Sandbox) -> None:
    """test_rebase_abort, test_regular_rebase_with_conflict_abort_preserves_original_notes."""
    sb.git("checkout", "-q", "-b", "feat")
    commit_ai(sb, "f.txt", BASE + "feat\n")
    key = ai(sb, "w.txt", "wip\n")
    _upstream(sb, BASE + "main\n")
    sb.git("checkout", "-q", "feat")
    head = sb.head()
    notes = sb.git("notes", "--ref=ai", "list")
    assert sb.run("git", "rebase", "main", check=False).returncode != 0
    sb.git("rebase", "--abort")
    assert sb.head() == head
    assert sb.git("notes", "--ref=ai", "list") == notes
    assert live(sb) == {head}
    assert pending(sb) == {"w.txt": [(1, 1, key)]}


def test_interactive_rebase_edit_and_amend(sb: Sandbox) -> None:
    """test_interactive_rebase_edit_amend_preserves_notes."""
    c1, k1 = commit_ai(sb, "f.txt", BASE + "AI1\n")
    c2, k2 = commit_ai(sb, "g.txt", "g\n")
    todo_editor(sb, f"edit {c1} one\npick {c2} two\n")
    base = sb.git("rev-parse", f"{c1}^")
    sb.git("rebase", "-q", "-i", base)
    k3 = ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    sb.add("f.txt")
    sb.git("commit", "-q", "--amend", "--no-edit")
    sb.git("rebase", "--continue")
    n1, n2 = sb.git("rev-list", "--reverse", f"{base}..HEAD").split()
    assert sb.attestations(n1) == attested({"f.txt": [(k1, "4"), (k3, "5")]})
    assert sb.attestations(n2) == attested({"g.txt": [(k2, "1")]})
    assert live(sb) == set()


def test_rebase_file_deleted_and_recreated(sb: Sandbox) -> None:
    """test_rebase_file_delete_recreate_preserves_attribution."""
    sb.git("checkout", "-q", "-b", "feat")
    commit_ai(sb, "g.txt", "old\n")
    sb.git("rm", "-q", "g.txt")
    sb.commit("delete g")
    _, key = commit_ai(sb, "g.txt", "new1\nnew2\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "other.txt", "o\n")
    sb.git("checkout", "-q", "feat")
    sb.git("rebase", "-q", "main")
    _, deleted, recreated = _rebased(sb)
    assert sb.attestations(deleted) == ""
    assert sb.attestations(recreated) == attested({"g.txt": [(key, "1-2")]})


def test_installed_hooks_move_the_log_on_a_fast_forward_rebase(tmp_path: Path) -> None:
    """The scripts ``install-hooks --git`` writes (their shell filter lets the branch update
    that ends a rebase through) do what the one-line hooks do."""
    sb = Sandbox(tmp_path / "repo", {"f.txt": BASE}, hooks=())
    sb.env["CKPTLOG_STATE_DIR"] = str(tmp_path / "state")
    sb.ckptlog("install-hooks", "--git", "--no-notes-sync")
    sb.git("branch", "feat")
    up = _upstream(sb)
    sb.git("checkout", "-q", "feat")
    key = ai(sb, "w.txt", "wip\n")
    sb.git("rebase", "-q", "main")
    assert live(sb) == {up}
    assert pending(sb) == {"w.txt": [(1, 1, key)]}
