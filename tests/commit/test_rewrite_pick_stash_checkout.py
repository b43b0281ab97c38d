"""Cherry-pick, revert, merge, stash and checkout through real git hooks.

Scenarios of git-ai's ``cherry_pick.rs``, ``rewrite_ops_attribution.rs``,
``squash_merge.rs``, ``stash_attribution.rs``, ``checkout_switch.rs`` and
``worktrees.rs`` (gitai-commit-path.md §3.4-§3.9, §7): the exact notes and
the exact working-log state each leaves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commit.harness import ADA_H, ALL_HOOKS, Sandbox, attested
from tests.commit.rewrite_kit import (
    BASE,
    ai,
    commit_ai,
    commit_human,
    linked_worktree,
    live,
    logs,
    pending,
)


@pytest.fixture
def sbp(tmp_path: Path) -> Sandbox:
    """With the pre-commit hook too (``install-hooks`` installs it by default)."""
    return Sandbox(tmp_path / "repo", {"f.txt": BASE}, hooks=(*ALL_HOOKS, "pre-commit"))


def _side(sb: Sandbox) -> None:
    sb.git("checkout", "-q", "-b", "side")


# ---------------------------------------------------------------------- cherry-pick


def test_cherry_pick_of_several_commits(sb: Sandbox) -> None:
    """test_multiple_commits_cherry_pick, test_cherry_pick_multiple_ai_sessions."""
    _side(sb)
    s1, k1 = commit_ai(sb, "g.txt", "g1\n")
    s2, k2 = commit_ai(sb, "f.txt", BASE + "AI\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "f.txt", "top\n" + BASE)
    sb.git("cherry-pick", s1, s2)
    p1, p2 = sb.git("rev-list", "--reverse", "HEAD~2..HEAD").split()
    assert sb.attestations(p1) == attested({"g.txt": [(k1, "1")]})
    assert sb.attestations(p2) == attested({"f.txt": [(k2, "5")]})
    assert live(sb) == set()


def test_cherry_pick_conflict_resolved_by_ai_then_continue(sbp: Sandbox) -> None:
    """test_cherry_pick_with_conflict_and_continue, test_cherry_pick_conflict_ai_rewrite_resolution.

    ``--continue`` runs ``git commit``, which deletes ``CHERRY_PICK_HEAD``
    before post-commit: the pre-commit hook recorded the source.
    """
    sb = sbp
    _side(sb)
    s, ks = commit_ai(sb, "f.txt", "a\nside\nc\nkept\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "f.txt", "a\nmain\nc\n")
    assert sb.run("git", "cherry-pick", s, check=False).returncode != 0
    head = sb.head()
    sb.human("f.txt", sb.read("f.txt"))
    kr = ai(sb, "f.txt", "a\nmain\nresolved\nc\nkept\n")
    sb.add("f.txt")
    sb.env["GIT_EDITOR"] = "true"
    sb.git("cherry-pick", "--continue")
    picked = sb.head()
    assert sb.git("rev-parse", "HEAD~1") == head
    # The source's conflicted line is gone; its other line survives the tree
    # diff; the resolution's line is the resolution session's.
    assert sb.attestations(picked) == attested({"f.txt": [(kr, "3"), (ks, "5")]})
    assert live(sb) == set()


def test_cherry_pick_no_commit_then_commit_carries_the_source_note(sbp: Sandbox) -> None:
    """test_cherry_pick_no_commit_preserves_attribution, ..._defers_to_final_commit_tree.

    ``cherry-pick -n`` fires no hook; the pre-commit hook finds its
    ``MERGE_MSG`` (the source's message), and post-commit the one commit
    outside HEAD's history with that message.
    """
    sb = sbp
    _side(sb)
    s, ks = commit_ai(sb, "g.txt", "g1\ng2\n", "the side work")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "f.txt", "top\n" + BASE)
    sb.git("cherry-pick", "-n", s)
    c = sb.commit("picked by hand")
    assert sb.attestations(c) == attested({"g.txt": [(ks, "1-2")]})
    assert live(sb) == set()


def test_revert_concluded_after_a_conflict(sbp: Sandbox) -> None:
    """``revert`` stopped on a conflict, then ``--continue``: its parent's note comes back."""
    sb = sbp
    c1, k1 = commit_ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    c2 = commit_human(sb, "f.txt", BASE + "AI1\nhuman\n")
    commit_human(sb, "f.txt", BASE + "AI1\nhuman changed\n")
    assert sb.run("git", "revert", "--no-edit", c2, check=False).returncode != 0
    sb.write("f.txt", BASE + "AI1\nAI2\n")
    sb.add("f.txt")
    sb.env["GIT_EDITOR"] = "true"
    sb.git("revert", "--continue")
    assert sb.attestations() == attested({"f.txt": [(k1, "5")]})
    del c1


def test_cherry_pick_abort_changes_nothing(sb: Sandbox) -> None:
    """test_cherry_pick_abort."""
    _side(sb)
    s, _ = commit_ai(sb, "f.txt", "a\nside\nc\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "f.txt", "a\nmain\nc\n")
    key = ai(sb, "w.txt", "wip\n")
    notes = sb.git("notes", "--ref=ai", "list")
    head = sb.head()
    assert sb.run("git", "cherry-pick", s, check=False).returncode != 0
    sb.git("cherry-pick", "--abort")
    assert sb.git("notes", "--ref=ai", "list") == notes
    assert live(sb) == {head}
    assert pending(sb) == {"w.txt": [(1, 1, key)]}


def test_cherry_pick_of_a_human_commit_keeps_its_known_human_note(sb: Sandbox) -> None:
    """test_cherry_pick_no_ai_authorship,
    test_cherry_pick_preserves_human_only_commit_note_metadata.
    """
    _side(sb)
    s = commit_human(sb, "g.txt", "h1\nh2\n")
    assert sb.attestations(s) == attested({"g.txt": [(ADA_H, "1-2")]})
    sb.git("checkout", "-q", "main")
    sb.git("cherry-pick", s)
    assert sb.attestations() == attested({"g.txt": [(ADA_H, "1-2")]})
    assert set(sb.metadata().get("humans", {})) == {ADA_H}


# ---------------------------------------------------------------------- revert


def test_revert_of_an_older_commit_restores_its_parents_attribution(sb: Sandbox) -> None:
    """test_revert_older_commit_restores_original_ai_attribution."""
    c1, k1 = commit_ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    c2 = commit_human(sb, "f.txt", BASE + "AI1\nhuman\n")
    commit_human(sb, "g.txt", "other\n")
    sb.git("revert", "--no-edit", c2)
    reverted = sb.head()
    # The revert brings back "AI2", which c2's parent (c1) attests.
    assert sb.attestations(reverted) == attested({"f.txt": [(k1, "5")]})
    assert live(sb) == set()
    del c1


def test_revert_of_an_ai_commit_attests_nothing(sb: Sandbox) -> None:
    """A revert that only deletes lines: its note has no attestation."""
    commit_ai(sb, "f.txt", BASE + "AI1\n")
    sb.git("revert", "--no-edit", "HEAD")
    assert sb.attestations() == ""
    assert sb.note() is not None


# ---------------------------------------------------------------------- merges


def test_clean_merge_commit_gets_no_note_and_blame_finds_the_branch_notes(sb: Sandbox) -> None:
    """A clean ``git merge`` (a merge commit): no note,
    as in git-ai; blame resolves to each side.
    """
    _side(sb)
    s, ks = commit_ai(sb, "g.txt", "side1\nside2\n")
    sb.git("checkout", "-q", "main")
    m, km = commit_ai(sb, "f.txt", BASE + "main\n")
    sb.git("merge", "-q", "--no-edit", "side")
    merge = sb.head()
    assert sb.note(merge) is None
    blame = sb.git("blame", "--line-porcelain", "--", "g.txt")
    assert {ln.split()[0] for ln in blame.splitlines() if len(ln) > 40 and ln[40] == " "} == {s}
    assert sb.attestations(s) == attested({"g.txt": [(ks, "1-2")]})
    assert sb.attestations(m) == attested({"f.txt": [(km, "4")]})
    assert live(sb) == set()


def test_merge_squash_then_commit_merges_the_branch_notes(sb: Sandbox) -> None:
    """test_prepare_working_log_squash_multiple_sessions, test_squash_merge_conflict_keep_both."""
    _side(sb)
    _, k1 = commit_ai(sb, "g.txt", "one\n")
    _, k2 = commit_ai(sb, "g.txt", "one\ntwo\n")
    _, k3 = commit_ai(sb, "f.txt", BASE + "side\n")
    sb.git("checkout", "-q", "main")
    commit_human(sb, "f.txt", "top\n" + BASE)
    sb.git("merge", "-q", "--squash", "side")
    c = sb.commit("squashed")
    assert sb.attestations(c) == attested({"g.txt": [(k1, "1"), (k2, "2")], "f.txt": [(k3, "5")]})
    assert not (sb.root / ".git" / "ai" / "ckptlog-pending-squash.json").exists()


def test_fast_forward_merge_moves_the_log(sb: Sandbox) -> None:
    """test_fast_forward_pull_preserves_ai_attribution (a merge that fast-forwards)."""
    _side(sb)
    s = commit_human(sb, "g.txt", "g\n")
    sb.git("checkout", "-q", "main")
    key = ai(sb, "w.txt", "wip\n")
    sb.git("merge", "-q", "--ff-only", "side")
    assert sb.head() == s
    assert live(sb) == {s}
    assert pending(sb) == {"w.txt": [(1, 1, key)]}


# ---------------------------------------------------------------------- stash


def test_stash_push_and_pop(sb: Sandbox) -> None:
    """test_stash_pop_with_ai_attribution, test_stash_multiple_files."""
    head = sb.head()
    kf = ai(sb, "f.txt", BASE + "c1\nc2\n")
    kg = ai(sb, "g.txt", "new\n")
    sb.add("g.txt")
    sb.git("stash")
    stash = sb.git("rev-parse", "refs/stash")
    assert pending(sb) == {}
    assert logs(sb)[f"stash/{stash}"] == "live"
    sb.git("stash", "pop")
    assert pending(sb) == {"f.txt": [(4, 5, kf)], "g.txt": [(1, 1, kg)]}
    assert f"stash/{stash}" not in logs(sb)
    assert live(sb) == {head}
    c = sb.commit("popped", "-a")
    assert sb.attestations(c) == attested({"f.txt": [(kf, "4-5")], "g.txt": [(kg, "1")]})


def test_stash_pathspec_leaves_the_other_files_state(sb: Sandbox) -> None:
    """test_stash_push_with_pathspec_single_file,
    test_stash_push_pathspec_excludes_unstashed_file.
    """
    sb.write("g.txt", "g\n")
    sb.add("g.txt")
    sb.commit("g")
    kf = ai(sb, "f.txt", BASE + "AI f\n")
    kg = ai(sb, "g.txt", "g\nAI g\n")
    sb.git("stash", "push", "-q", "--", "f.txt")
    stash = sb.git("rev-parse", "refs/stash")
    assert pending(sb) == {"g.txt": [(2, 2, kg)]}
    with sb.store() as store:
        assert store.get_initial(f"stash/{stash}").files.keys() == {"f.txt"}
    sb.git("stash", "pop", "-q")
    assert pending(sb) == {"f.txt": [(4, 4, kf)], "g.txt": [(2, 2, kg)]}


def test_stash_keep_index_then_pop(sb: Sandbox) -> None:
    """``stash --keep-index``: the staged text stays in the work tree, the state leaves with it."""
    kf = ai(sb, "f.txt", BASE + "staged\n")
    sb.add("f.txt")
    sb.write("f.txt", BASE + "staged\nunstaged\n")
    ku = ai(sb, "f.txt", BASE + "staged\nunstaged\n")
    sb.git("stash", "push", "-q", "--keep-index")
    assert sb.read("f.txt") == BASE + "staged\n"
    sb.git("checkout", "-q", "--", "f.txt")  # drop the kept copy, as a user testing the index would
    sb.git("reset", "-q", "--hard")
    sb.git("stash", "pop", "-q")
    assert sb.read("f.txt") == BASE + "staged\nunstaged\n"
    assert pending(sb) == {"f.txt": [(4, 4, kf), (5, 5, ku)]}


def test_stash_drop_discards_the_stashed_state(sb: Sandbox) -> None:
    """``stash drop``: the stash's log is dropped with it."""
    ai(sb, "f.txt", BASE + "AI\n")
    sb.git("stash")
    stash = sb.git("rev-parse", "refs/stash")
    sb.git("stash", "drop", "-q")
    assert f"stash/{stash}" not in logs(sb)
    assert pending(sb) == {}


def test_stash_pop_on_another_branch(sb: Sandbox) -> None:
    """test_stash_pop_across_branches: the state follows the stash to a new base."""
    key = ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    sb.git("stash")
    sb.git("checkout", "-q", "-b", "feature")
    commit_human(sb, "g.txt", "other\n")
    sb.git("stash", "pop", "-q")
    assert pending(sb) == {"f.txt": [(4, 5, key)]}
    c = sb.commit("popped", "-a")
    assert sb.attestations(c) == attested({"f.txt": [(key, "4-5")]})


def test_stash_pop_onto_a_moved_file_keeps_lines_that_map(sb: Sandbox) -> None:
    """test_stash_apply_shift_uses_final_commit_tree_after_later_edit: the popped text differs."""
    key = ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    sb.git("stash")
    commit_human(sb, "f.txt", "top\n" + BASE)
    sb.git("stash", "pop", "-q")
    assert sb.read("f.txt") == "top\n" + BASE + "AI1\nAI2\n"
    assert pending(sb) == {"f.txt": [(5, 6, key)]}


def test_stash_branch_restores_the_state(sb: Sandbox) -> None:
    """test_stash_branch_preserves_ai_attribution."""
    key = ai(sb, "f.txt", BASE + "AI\n")
    head = sb.head()
    sb.git("stash")
    commit_human(sb, "g.txt", "moved on\n")
    sb.git("stash", "branch", "from-stash")
    assert sb.head() == head
    assert pending(sb) == {"f.txt": [(4, 4, key)]}


def test_stash_with_existing_initial(sb: Sandbox) -> None:
    """test_stash_with_existing_initial_attributions: INITIAL lines leave and come back too."""
    kg = ai(sb, "g.txt", "carried\n")
    commit_human(sb, "f.txt", BASE + "h\n")  # g.txt stays uncommitted: INITIAL of the new base
    head = sb.head()
    assert sb.initial_lines(head) == {"g.txt": [(1, 1, kg)]}
    kf = ai(sb, "f.txt", BASE + "h\nAI\n")
    sb.git("stash", "push", "-q", "-u")
    assert pending(sb) == {}
    sb.git("stash", "pop", "-q")
    assert pending(sb) == {"f.txt": [(5, 5, kf)], "g.txt": [(1, 1, kg)]}


# ---------------------------------------------------------------------- checkout / switch


def test_checkout_branch_renames_the_log(sb: Sandbox) -> None:
    """test_checkout_branch_migrates_working_log, test_switch_branch_migrates_working_log."""
    sb.git("branch", "other")
    c = commit_human(sb, "f.txt", BASE + "h\n")
    key = ai(sb, "g.txt", "ai1\nai2\n")
    sb.git("switch", "-q", "other")
    other = sb.head()
    assert live(sb) == {other}
    assert c not in logs(sb)
    # The issue: a human checkpoint after the switch re-attributed every AI line.
    sb.human("g.txt", "ai1\nai2\nhuman\n")
    assert pending(sb) == {"g.txt": [(1, 2, key)]}


def test_checkout_to_a_base_with_its_own_log_merges_them(sb: Sandbox) -> None:
    """git-ai's merge_working_log_dirs: checkpoints concatenated, the old base's INITIAL wins."""
    sb.git("branch", "other")
    other = sb.head()
    kx = ai(sb, "x.txt", "x\n")  # INITIAL of ``other`` after the next commit? no: a live log
    commit_human(sb, "f.txt", BASE + "h\n")
    assert sb.initial_lines() == {"x.txt": [(1, 1, kx)]}
    ky = ai(sb, "y.txt", "y\n")
    sb.git("checkout", "-q", "other")
    assert sb.head() == other
    assert pending(sb) == {"x.txt": [(1, 1, kx)], "y.txt": [(1, 1, ky)]}


def test_checkout_force_archives_the_log(sb: Sandbox) -> None:
    """test_checkout_force_deletes_working_log, test_switch_force_flag_deletes_working_log."""
    sb.git("branch", "other")
    commit_human(sb, "f.txt", BASE + "h\n")
    head = sb.head()
    ai(sb, "f.txt", BASE + "h\nAI\n")
    sb.git("checkout", "-q", "-f", "other")
    assert logs(sb)[f"old-{head}"] == "archived"
    assert live(sb) == set()


def test_switch_discard_changes_archives_the_log(sb: Sandbox) -> None:
    """test_switch_discard_changes_deletes_working_log."""
    sb.git("branch", "other")
    commit_human(sb, "f.txt", BASE + "h\n")
    head = sb.head()
    ai(sb, "f.txt", BASE + "h\nAI\n")
    sb.git("switch", "-q", "--discard-changes", "other")
    assert logs(sb)[f"old-{head}"] == "archived"
    assert live(sb) == set()


def test_checkout_merge_carries_the_log(sb: Sandbox) -> None:
    """test_checkout_merge_migrates_working_log, test_switch_merge_migrates_working_log."""
    sb.git("branch", "other")
    commit_human(sb, "g.txt", "g\n")
    key = ai(sb, "f.txt", BASE + "AI\n")
    sb.git("checkout", "-q", "-m", "other")
    assert live(sb) == {sb.head()}
    assert pending(sb) == {"f.txt": [(4, 4, key)]}
    c = sb.commit("carried", "-a")
    assert sb.attestations(c) == attested({"f.txt": [(key, "4")]})


def test_checkout_of_paths_drops_only_their_state(sb: Sandbox) -> None:
    """test_checkout_pathspec_removes_file_attributions, test_checkout_pathspec_multiple_files."""
    ai(sb, "f.txt", BASE + "wip\n")
    sb.write("g.txt", "g\n")
    sb.add("g.txt")
    sb.commit("g")
    ai(sb, "f.txt", BASE + "wip\n")
    kg = ai(sb, "g.txt", "g\nAI\n")
    kh = ai(sb, "h.txt", "new\n")
    sb.git("checkout", "--", "f.txt")
    assert pending(sb) == {"g.txt": [(2, 2, kg)], "h.txt": [(1, 1, kh)]}


def test_restore_drops_the_restored_files_state(sb: Sandbox) -> None:
    """``git restore`` (git-ai has no handler for it)."""
    ai(sb, "f.txt", BASE + "wip\n")
    kh = ai(sb, "h.txt", "new\n")
    sb.git("restore", "f.txt")
    assert pending(sb) == {"h.txt": [(1, 1, kh)]}


def test_checkout_of_the_same_branch_changes_nothing(sb: Sandbox) -> None:
    """test_checkout_same_branch_no_op."""
    key = ai(sb, "f.txt", BASE + "AI\n")
    sb.git("checkout", "-q", "main")
    assert pending(sb) == {"f.txt": [(4, 4, key)]}
    assert live(sb) == {sb.head()}


# ---------------------------------------------------------------------- linked worktrees


def test_rebase_and_amend_in_a_linked_worktree(sb: Sandbox) -> None:
    """worktrees.rs: the linked work tree's own logs (``worktrees/<name>/<base>``), common notes."""
    wt = linked_worktree(sb, "wt", "-b", "wt")
    c1, k1 = commit_ai(wt, "g.txt", "g1\n")
    k2 = ai(wt, "g.txt", "g1\ng2\n")
    wt.add("g.txt")
    wt.git("commit", "-q", "--amend", "--no-edit")
    amended = wt.head()
    assert sb.attestations(amended) == attested({"g.txt": [(k1, "1"), (k2, "2")]})
    kw = ai(wt, "w.txt", "wip\n")
    commit_human(sb, "f.txt", "top\n" + BASE)  # main moves on, in the main work tree
    wt.git("rebase", "-q", "main")
    [n] = wt.git("rev-list", "main..HEAD").split()
    assert sb.attestations(n) == attested({"g.txt": [(k1, "1"), (k2, "2")]})
    assert live(sb) == {f"worktrees/wt/{n}"}
    assert pending(wt) == {"w.txt": [(1, 1, kw)]}
    assert pending(sb) == {}
    del c1
