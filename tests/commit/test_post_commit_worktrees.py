"""git-ai's ``worktrees.rs``, ported: linked work trees (``git worktree add``).

Each linked work tree has its own working logs (``worktrees/<name>/<base>``
in the store, git-ai's ``ai/worktrees/<name>/``); the hooks, the store and
``refs/notes/ai`` are the repository's, shared.
"""

from __future__ import annotations

from tests.commit.conftest import MakeSandbox
from tests.commit.harness import ADA, ADA_H, LineFile, ai, att, hu
from tests.commit.test_post_commit_carryover import (
    checkpoint_and_commit,
    landed,
    prompt,
    seed_initial,
)


def test_worktree_commit_notes_are_common_and_logs_per_worktree(sandbox: MakeSandbox) -> None:
    """worktrees.rs::repository_paths_and_storage_are_worktree_aware and
    ``checkpoint_and_blame_support_absolute_paths_in_worktree``.

    A commit in the linked work tree gets its note on the common notes ref
    (the main work tree reads it); its INITIAL lives in its own log.
    """
    main = sandbox({"README.md": "# Test\n"})
    wt = main.add_worktree("linked", "-b", "feature")
    f = LineFile(wt, "src/lib.rs")
    f.set_contents([hu("fn a() {}"), ai("fn ai() {}")])
    wt.write("src/pending.rs", "fn later() {}\n")
    k2 = wt.mock_ai("src/pending.rs")
    c = wt.commit("add file with ai lines")

    (k,) = f.keys
    assert wt.log_name(c) == f"worktrees/linked/{c}"
    wt.assert_note(
        c,
        att("src/lib.rs", (ADA_H, "1"), (k, "2")),
        [k],
        humans=[ADA],
        initial={"src/pending.rs": [(1, 1, k2)]},
    )
    assert main.note(c) == wt.note(c)  # one notes ref for every work tree
    wt.assert_lines_and_blame(str(wt.root / "src/lib.rs"), ["fn a() {}", ai("fn ai() {}")])
    with main.store() as store:
        assert store.get_initial(c).files == {}  # the main work tree's log of c: untouched
        assert store.log_info(f"worktrees/linked/old-{main.head()}") is None
        assert store.log_info(f"old-worktrees/linked/{main.head()}") is not None


def test_multi_worktree_storage_isolation_prevents_cross_talk(sandbox: MakeSandbox) -> None:
    """worktrees.rs::multi_worktree_storage_isolation_prevents_cross_talk

    Two linked work trees on the same base commit: the AI edits in one;
    a human commit in the other neither attests nor consumes those lines.
    """
    main = sandbox({"shared.txt": "base\n"})
    one = main.add_worktree("one", "-b", "one")
    two = main.add_worktree("two", "-b", "two")
    base = main.head()
    one.write("shared.txt", "base\nai in one\n")
    k = one.mock_ai("shared.txt")
    two.write("shared.txt", "base\nhuman in two\n")
    c2 = two.stage_all_and_commit("human in two")

    two.assert_note(c2, att("shared.txt", (ADA_H, "2")), humans=[ADA])
    with main.store() as store:
        assert store.log_info(f"worktrees/one/{base}") is not None  # still live
        assert store.log_info(f"worktrees/two/{base}") is None  # two never checkpointed
    c1 = one.stage_all_and_commit("ai in one")
    one.assert_note(c1, att("shared.txt", (k, "2")), [k])


def test_worktree_initial_attributions_snapshot(sandbox: MakeSandbox) -> None:
    """worktrees.rs::worktree_initial_attributions_snapshot

    INITIAL written for the linked work tree's log reaches its next commit
    (the snapshot of git-ai's test: both lines the prompt's).
    """
    main = sandbox()
    LineFile(main, "README.md").set_contents(["# Test Repo"])
    main.stage_all_and_commit("initial commit")
    wt = main.add_worktree("linked", "-b", "feature")
    key, rec = prompt("test-tool", "session-1", "test-model")
    seed_initial(wt, {"initial.txt": ("a\nb\n", [(1, 2, key)])}, {key: rec})
    c, _ = checkpoint_and_commit(wt, "commit initial attribution")

    wt.assert_note(c, att("initial.txt", (key, "1-2")), prompts={key: landed(rec, 2)})
    wt.assert_lines_and_blame("initial.txt", [ai("a"), ai("b")])


def test_worktree_stats_snapshot(sandbox: MakeSandbox) -> None:
    """worktrees.rs::worktree_stats_snapshot (one known-human line, two AI lines, none unknown)"""
    main = sandbox({"README.md": "# Test\n"})
    wt = main.add_worktree("linked", "-b", "feature")
    f = LineFile(wt, "stats.txt")
    f.set_contents([hu("one"), ai("two"), ai("three")])
    c = wt.stage_all_and_commit("stats seed")

    (k,) = f.keys
    wt.assert_note(c, att("stats.txt", (ADA_H, "1"), (k, "2-3")), [k], humans=[ADA])
