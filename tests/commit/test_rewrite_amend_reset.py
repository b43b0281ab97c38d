"""Amend and reset through real git hooks: the exact notes and the exact working-log state.

Scenarios of git-ai's ``amend.rs`` and ``reset.rs`` (gitai-commit-path.md
§2.17, §3.5, §7), ported as scenarios: what a user does, then every note
the rewrite leaves and which working logs are live or archived, with what
the next commit would see.
"""

from __future__ import annotations

from tests.commit.harness import ADA, ADA_H, Sandbox, attested
from tests.commit.rewrite_kit import BASE, ai, commit_ai, commit_human, live, logs, pending


def _sessions(sb: Sandbox, rev: str) -> set[str]:
    return set(sb.metadata(rev).get("sessions", {}))


def _humans(sb: Sandbox, rev: str) -> dict[str, object]:
    return dict(sb.metadata(rev).get("humans", {}))


def _amend(sb: Sandbox, *args: str) -> str:
    sb.git("commit", "-q", "--amend", "-m", "amended", *args)
    return sb.head()


# ---------------------------------------------------------------------- amend (amend.rs)


def test_amend_message_only_keeps_unstaged_ai_lines_for_the_next_commit(sb: Sandbox) -> None:
    """test_amend_add_lines_at_top: AI lines left unstaged across an amend."""
    c1 = commit_human(sb, "f.txt", BASE + "h\n")
    key = ai(sb, "f.txt", "AI1\nAI2\n" + BASE + "h\n")
    amended = _amend(sb)
    # The amended commit adds what c1 added: the old note, shifted (nothing moved).
    assert sb.attestations(amended) == attested({"f.txt": [(ADA_H, "4")]})
    assert pending(sb) == {"f.txt": [(1, 2, key)]}
    assert live(sb) == {amended}
    assert logs(sb)[f"old-{c1}"] == "archived"
    c2 = sb.commit("rest", "-a")
    assert sb.attestations(c2) == attested({"f.txt": [(key, "1-2")]})


def test_amend_adds_ai_lines_in_the_middle(sb: Sandbox) -> None:
    """test_amend_add_lines_in_middle."""
    c1, k1 = commit_ai(sb, "f.txt", "a\nb\nX1\nc\n")
    k2 = ai(sb, "f.txt", "a\nM1\nM2\nb\nX1\nc\n")
    sb.add("f.txt")
    amended = _amend(sb)
    assert sb.attestations(amended) == attested({"f.txt": [(k1, "5"), (k2, "2-3")]})
    assert _sessions(sb, amended) == {k1.split("::")[0], k2.split("::")[0]}
    assert pending(sb) == {}
    assert live(sb) == set()
    assert logs(sb)[f"old-{c1}"] == "archived"


def test_amend_adds_ai_lines_at_the_bottom_and_top(sb: Sandbox) -> None:
    """test_amend_add_lines_at_bottom and test_amend_multiple_changes.

    The working log's claims win the amended note and the original note fills
    the lines it leaves, before gap filling: git-ai's checkpoint covers the
    original lines as ``human`` and its gap filling then gives them to the
    new session (lines 5-6 here), which we consciously do not copy.
    """
    _, k1 = commit_ai(sb, "f.txt", BASE + "fn\nret\n")
    k2 = ai(sb, "f.txt", "head\n" + BASE + "fn\nret\nfoot\n")
    assert pending(sb) == {"f.txt": [(1, 1, k2), (7, 7, k2)]}
    sb.add("f.txt")
    amended = _amend(sb)
    assert sb.attestations(amended) == attested({"f.txt": [(k1, "5-6"), (k2, "1,7")]})
    assert _sessions(sb, amended) == {k1.split("::")[0], k2.split("::")[0]}
    assert live(sb) == set()


def test_amend_with_unstaged_ai_file_moves_it_to_the_amended_head(sb: Sandbox) -> None:
    """test_amend_with_unstaged_ai_code_in_other_file,
    test_amend_preserves_unstaged_ai_attribution.
    """
    c1 = commit_human(sb, "f.txt", BASE + "h\n")
    kb = ai(sb, "b.txt", "b1\nb2\nb3\n")
    sb.human("f.txt", BASE + "h\nstaged\n")
    sb.add("f.txt")
    amended = _amend(sb)
    assert sb.attestations(amended) == attested({"f.txt": [(ADA_H, "4-5")]})
    assert sb.initial_lines(amended) == {"b.txt": [(1, 3, kb)]}
    assert sb.initial_snapshot("b.txt", amended) == "b1\nb2\nb3\n"
    assert live(sb) == {amended}
    assert logs(sb)[f"old-{c1}"] == "archived"
    sb.add("b.txt")
    c2 = sb.commit("b")
    assert sb.attestations(c2) == attested({"b.txt": [(kb, "1-3")]})


def test_amend_with_a_partially_staged_ai_file(sb: Sandbox) -> None:
    """test_amend_with_partially_staged_ai_file: the staged half in the amend, the rest after."""
    commit_human(sb, "f.txt", BASE + "h\n")
    key = ai(sb, "f.txt", BASE + "h\nA1\nA2\nA3\nA4\n")
    sb.write("f.txt", BASE + "h\nA1\nA2\n")
    sb.add("f.txt")
    sb.write("f.txt", BASE + "h\nA1\nA2\nA3\nA4\n")
    amended = _amend(sb)
    assert sb.attestations(amended) == attested({"f.txt": [(ADA_H, "4"), (key, "5-6")]})
    assert pending(sb) == {"f.txt": [(7, 8, key)]}
    c2 = sb.commit("rest", "-a")
    assert sb.attestations(c2) == attested({"f.txt": [(key, "7-8")]})


def test_amend_twice_keeps_every_lines_author(sb: Sandbox) -> None:
    """test_amend_repeated_round_trips_preserve_exact_line_authorship."""
    c1, k1 = commit_ai(sb, "f.txt", BASE + "fn\nret\n")
    k2 = ai(sb, "f.txt", "head\n" + BASE + "fn\nret\n")
    sb.add("f.txt")
    a1 = _amend(sb)
    sb.known_human("f.txt", "todo\nhead\n" + BASE + "fn\nret\n")
    k3 = ai(sb, "f.txt", "todo\nhead\n" + BASE + "fn\nret\ntrail\n")
    sb.add("f.txt")
    a2 = _amend(sb)
    assert sb.attestations(a2) == attested(
        {"f.txt": [(ADA_H, "1"), (k1, "6-7"), (k2, "2"), (k3, "8")]}
    )
    assert live(sb) == set()
    assert {logs(sb)[f"old-{c}"] for c in (c1, a1)} == {"archived"}


def test_amend_that_deletes_the_ai_line_drops_its_session(sb: Sandbox) -> None:
    """test_amend_delete_ai_line_removes_prompt_from_note."""
    commit_human(sb, "f.txt", "a\nh\nb\nc\n")
    c1, key = commit_ai(sb, "f.txt", "a\nh\nAI\nb\nc\nh2\n")
    assert sb.attestations(c1) == attested({"f.txt": [(key, "3,6")]})
    sb.human("f.txt", "a\nh\nb\nc\nh2\n")
    sb.add("f.txt")
    amended = _amend(sb)
    # The amended commit adds "h2" only: the key it had lost its other line.
    assert sb.attestations(amended) == attested({"f.txt": [(key, "5")]})
    del c1


def test_amend_deleting_an_older_commits_ai_line_names_no_foreign_session(sb: Sandbox) -> None:
    """test_amend_delete_prior_commit_ai_line_no_foreign_prompt_in_note."""
    ca, key = commit_ai(sb, "f.txt", "AI\n" + BASE)
    commit_human(sb, "f.txt", "AI\n" + BASE + "from b\n")
    sb.human("f.txt", BASE + "from b\n")
    sb.add("f.txt")
    amended = _amend(sb)
    assert sb.attestations(amended) == attested({"f.txt": [(ADA_H, "4")]})
    assert key.split("::")[0] not in _sessions(sb, amended)
    del ca


def test_amend_deleting_a_known_human_line_keeps_the_human_record(sb: Sandbox) -> None:
    """test_amend_delete_known_human_line_preserves_human_record_in_note.

    The amended commit keeps an AI line (so the known-human fallback does
    not run): the human record comes from the note the amend replaced.
    """
    sb.known_human("f.txt", "a\nknown\nb\nc\n")
    key = ai(sb, "f.txt", "a\nknown\nb\nc\nAI\n")
    sb.add("f.txt")
    c1 = sb.commit("known")
    assert sb.attestations(c1) == attested({"f.txt": [(ADA_H, "2"), (key, "5")]})
    sb.human("f.txt", BASE + "AI\n")
    sb.add("f.txt")
    amended = _amend(sb)
    assert sb.attestations(amended) == attested({"f.txt": [(key, "4")]})
    assert _humans(sb, amended) == {ADA_H: {"author": ADA}}


# ---------------------------------------------------------------------- reset (reset.rs)


def test_reset_soft_backward_makes_the_undone_lines_initial(sb: Sandbox) -> None:
    """test_reset_soft_reconstructs_working_log."""
    base = sb.head()
    c1, key = commit_ai(sb, "f.txt", BASE + "AI1\nAI2\n")
    sb.git("reset", "-q", "--soft", base)
    assert sb.initial_lines(base) == {"f.txt": [(4, 5, key)]}
    assert sb.initial_snapshot("f.txt", base) == BASE + "AI1\nAI2\n"
    assert live(sb) == {base}
    assert c1 not in logs(sb)  # all of c1 was committed: it never had a log
    again = sb.commit("again")
    assert sb.attestations(again) == attested({"f.txt": [(key, "4-5")]})
    assert _sessions(sb, again) == {key.split("::")[0]}


def test_reset_mixed_backward_over_two_commits(sb: Sandbox) -> None:
    """test_reset_mixed_reconstructs_working_log, test_reset_multiple_commits."""
    base = sb.head()
    _, k1 = commit_ai(sb, "f.txt", "a\nF1\nb\nc\n")
    c2, k2 = commit_ai(sb, "f.txt", "a\nF1\nF2\nb\nc\n")
    sb.git("reset", "-q", base)
    assert sb.initial_lines(base) == {"f.txt": [(2, 2, k1), (3, 3, k2)]}
    assert live(sb) == {base}
    assert c2 not in logs(sb)
    again = sb.commit("again", "-a")
    assert sb.attestations(again) == attested({"f.txt": [(k1, "2"), (k2, "3")]})


def test_reset_soft_with_a_human_commit_between(sb: Sandbox) -> None:
    """test_reset_mixed_ai_human_changes, test_reset_preserves_uncommitted_changes."""
    base = sb.head()
    _, k1 = commit_ai(sb, "f.txt", "a\nAI\nb\nc\n")
    commit_human(sb, "f.txt", "a\nAI\nhuman\nb\nc\n")
    sb.git("reset", "-q", "--soft", base)
    # The human commit's note attested its line to the known human (the
    # fallback): that line comes back as the known human's.
    assert sb.initial_lines(base) == {"f.txt": [(2, 2, k1), (3, 3, ADA_H)]}
    again = sb.commit("again")
    assert sb.attestations(again) == attested({"f.txt": [(k1, "2"), (ADA_H, "3")]})
    assert _humans(sb, again) == {ADA_H: {"author": ADA}}


def test_reset_soft_keeps_the_uncommitted_ai_work_too(sb: Sandbox) -> None:
    """Undone notes and the live log's uncommitted lines, both carried (the live log wins)."""
    base = sb.head()
    c1, k1 = commit_ai(sb, "f.txt", BASE + "AI1\n")
    k2 = ai(sb, "g.txt", "wip\n")
    sb.git("reset", "-q", "--soft", base)
    assert pending(sb) == {"f.txt": [(4, 4, k1)], "g.txt": [(1, 1, k2)]}
    assert live(sb) == {base}
    assert logs(sb)[f"old-{c1}"] == "archived"
    sb.add("g.txt")
    again = sb.commit("again")
    assert sb.attestations(again) == attested({"f.txt": [(k1, "4")], "g.txt": [(k2, "1")]})


def test_reset_soft_of_a_new_file(sb: Sandbox) -> None:
    """test_reset_with_new_files."""
    base = sb.head()
    _, key = commit_ai(sb, "new.txt", "created\n")
    sb.git("reset", "-q", "--soft", base)
    assert sb.initial_lines(base) == {"new.txt": [(1, 1, key)]}
    again = sb.commit("again")
    assert sb.attestations(again) == attested({"new.txt": [(key, "1")]})


def test_reset_hard_backward_archives_and_forgets(sb: Sandbox) -> None:
    """test_reset_hard_deletes_working_log."""
    base = sb.head()
    c1, _ = commit_ai(sb, "f.txt", BASE + "AI\n")
    ai(sb, "f.txt", BASE + "AI\nwip\n")
    sb.git("reset", "-q", "--hard", base)
    assert logs(sb)[f"old-{c1}"] == "archived"
    assert live(sb) == set()
    assert pending(sb) == {}
    after = commit_human(sb, "f.txt", BASE + "new\n")
    assert sb.attestations(after) == attested({"f.txt": [(ADA_H, "4")]})


def test_reset_hard_in_place_archives_the_log(sb: Sandbox) -> None:
    head = sb.head()
    ai(sb, "f.txt", BASE + "wip\n")
    sb.git("reset", "-q", "--hard")
    assert logs(sb) == {f"old-{head}": "archived"}


def test_reset_to_head_changes_nothing(sb: Sandbox) -> None:
    """test_reset_to_same_commit_is_noop: ``git reset HEAD`` unstages, keeps the state."""
    key = ai(sb, "f.txt", BASE + "more\n")
    sb.add("f.txt")
    sb.git("reset", "-q", "HEAD")
    assert pending(sb) == {"f.txt": [(4, 4, key)]}
    c = sb.commit("after", "-a")
    assert sb.attestations(c) == attested({"f.txt": [(key, "4")]})


def test_reset_of_a_path_changes_nothing(sb: Sandbox) -> None:
    """test_reset_with_pathspec, test_reset_mixed_pathspec_preserves_ai_authorship."""
    base = sb.head()
    sb.write("g.txt", "g\n")
    sb.add("g.txt")
    sb.commit("g")
    _, k1 = commit_ai(sb, "f.txt", BASE + "AI1\n")
    head = sb.head()
    k2 = ai(sb, "g.txt", "g\nmore\n")
    sb.git("reset", "-q", base, "--", "f.txt")
    assert sb.head() == head
    assert pending(sb) == {"g.txt": [(2, 2, k2)]}
    assert live(sb) == {head}
    del k1
    c = sb.commit("after", "-a")
    assert sb.attestations(c) == attested({"g.txt": [(k2, "2")]})


def test_reset_forward_renames_the_log(sb: Sandbox) -> None:
    """test_forward_reset_mixed_preserves_uncommitted_ai_attribution (PR #1976)."""
    c1, _ = commit_ai(sb, "f.txt", BASE + "AI\n")
    c2 = commit_human(sb, "f.txt", BASE + "AI\nh\n")
    sb.git("checkout", "-q", "--detach", c1)
    key = ai(sb, "g.txt", "wip\n")
    sb.git("reset", "-q", c2)
    assert live(sb) == {c2}
    assert pending(sb) == {"g.txt": [(1, 1, key)]}


def test_reset_keep_forward_renames_the_log(sb: Sandbox) -> None:
    """test_forward_reset_keep_preserves_uncommitted_ai_attribution."""
    c1, _ = commit_ai(sb, "f.txt", BASE + "AI\n")
    c2 = commit_human(sb, "f.txt", BASE + "AI\nh\n")
    sb.git("checkout", "-q", "--detach", c1)
    key = ai(sb, "g.txt", "wip\n")
    sb.git("reset", "-q", "--keep", c2)
    assert live(sb) == {c2}
    assert pending(sb) == {"g.txt": [(1, 1, key)]}


def test_reset_keep_sideways_onto_a_commit_tree_sibling(sb: Sandbox) -> None:
    """git-ai's defect #2103 (Graphite): ``reset --keep`` onto a sibling made by commit-tree.

    git-ai leaves the working log on the old tip, so the next commit's note
    loses the uncommitted AI lines; here the log moves to the new tip and
    the old tip's note is shifted onto the sibling (range-diff pairing).
    """
    base = sb.head()
    c1, k1 = commit_ai(sb, "f.txt", "top\n" + BASE + "AI\n")
    key = ai(sb, "g.txt", "wip1\nwip2\n")
    tree = sb.git("write-tree")  # f.txt as committed (g.txt is untracked)
    sibling = sb.git("commit-tree", tree, "-p", base, "-m", "restacked")
    sb.git("reset", "-q", "--keep", sibling)
    assert sb.head() == sibling
    assert sb.attestations(sibling) == attested({"f.txt": [(k1, "1,5")]})
    assert live(sb) == {sibling}
    assert pending(sb) == {"g.txt": [(1, 2, key)]}
    sb.add("g.txt")
    c = sb.commit("g")
    assert sb.attestations(c) == attested({"g.txt": [(key, "1-2")]})
    del c1
