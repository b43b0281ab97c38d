"""git-ai's ``tests/integration/simple_additions.rs``, ported as post-commit scenarios.

Each test tells the git-ai test's story with real hooks (``ckptlog checkpoint
mock_ai`` / ``mock_known_human`` / ``human``, git's post-commit hook running
``ckptlog post-commit``), asserts git-ai's expectation per line (AI or not,
through the blame overlay git-ai's helpers use), and then the exact note of
every commit and the exact INITIAL left behind. ``LineFile`` is git-ai's
``TestFile``: lines joined by ``\\n`` without a final newline, so appending
after the last line rewrites it (its "Base line 2".ai() expectations).
"""

from __future__ import annotations

import pytest

from tests.commit.conftest import MakeSandbox
from tests.commit.harness import ADA, ADA_H, LineFile, ai, att, hu, un


def test_simple_additions_empty_repo(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_simple_additions_empty_repo"""
    sb = sandbox()
    f = LineFile(sb, "test.txt")
    f.set_contents(["Line1", ai("Line 2"), ai("Line 3")])
    c = sb.stage_all_and_commit("Initial commit")

    sb.assert_lines_and_blame("test.txt", [hu("Line1"), ai("Line 2"), ai("Line 3")])
    (k,) = f.keys
    sb.assert_note(c, att("test.txt", (ADA_H, "1"), (k, "2-3")), [k], humans=[ADA])
    assert sb.initial_lines() == {}


def _simple_additions_with_base_commit(config: list[tuple[str, str]], sandbox: MakeSandbox) -> None:
    sb = sandbox()
    for key, value in config:
        sb.git("config", key, value)
    if any(key == "diff.txt.textconv" for key, _ in config):
        sb.write(".git/info/attributes", "*.txt diff=txt\n")
    f = LineFile(sb, "test.txt")
    f.set_contents(["Base line 1", "Base line 2"])
    c0 = sb.stage_all_and_commit("Base commit")
    f.insert_at(2, [ai("NEW LINEs From Claude!"), ai("Hello"), ai("World")])
    c1 = sb.stage_all_and_commit("AI additions")

    sb.assert_lines_and_blame(
        "test.txt",
        [
            hu("Base line 1"),
            ai("Base line 2"),
            ai("NEW LINEs From Claude!"),
            ai("Hello"),
            ai("World"),
        ],
    )
    sb.assert_note(c0, att("test.txt", (ADA_H, "1-2")), humans=[ADA])
    (k,) = f.keys
    # "Base line 2" gained its newline in the AI's edit: line 2 is AI too.
    sb.assert_note(c1, att("test.txt", (k, "2-5")), [k])
    assert sb.initial_lines() == {}


def test_simple_additions_with_base_commit(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_simple_additions_with_base_commit"""
    _simple_additions_with_base_commit([], sandbox)


# git-ai's "PatchParse" profile forces its own diff options whatever the
# user's configuration; each of these would otherwise move or hide lines.
DIFF_SETTINGS = {
    "test_simple_additions_with_base_commit_and_custom_diff_config": [
        ("diff.wordregex", r"\w+|[^[:space:]]+"),
        ("diff.mnemonicprefix", "true"),
        ("diff.renames", "copies"),
        ("diff.noprefix", "true"),
    ],
    "test_simple_additions_with_diff_noprefix_enabled": [("diff.noprefix", "true")],
    "test_simple_additions_with_diff_mnemonicprefix_enabled": [("diff.mnemonicprefix", "true")],
    "test_simple_additions_with_diff_renames_copies": [("diff.renames", "copies")],
    "test_simple_additions_with_diff_relative_enabled": [("diff.relative", "true")],
    "test_simple_additions_with_custom_diff_prefixes": [
        ("diff.srcPrefix", "SRC/"),
        ("diff.dstPrefix", "DST/"),
    ],
    "test_simple_additions_with_diff_algorithm_histogram": [("diff.algorithm", "histogram")],
    "test_simple_additions_with_diff_indent_heuristic_disabled": [
        ("diff.indentHeuristic", "false")
    ],
    "test_simple_additions_with_diff_inter_hunk_context": [("diff.interHunkContext", "8")],
    "test_simple_additions_with_color_diff_always": [
        ("color.diff", "always"),
        ("color.ui", "always"),
    ],
    # Not in git-ai's list: external diff drivers and textconv are forced off too.
    "external_diff_and_textconv": [
        ("diff.external", "false"),
        ("diff.txt.textconv", "tr a-z A-Z <"),
    ],
}


@pytest.mark.parametrize("name", list(DIFF_SETTINGS))
def test_simple_additions_with_diff_settings(name: str, sandbox: MakeSandbox) -> None:
    """simple_additions.rs::run_simple_additions_with_diff_settings, one test per setting.

    ``test_simple_additions_with_base_commit_and_custom_diff_config``,
    ``…_with_diff_noprefix_enabled``, ``…_with_diff_mnemonicprefix_enabled``,
    ``…_with_diff_renames_copies``, ``…_with_diff_relative_enabled``,
    ``…_with_custom_diff_prefixes``, ``…_with_diff_algorithm_histogram``,
    ``…_with_diff_indent_heuristic_disabled``, ``…_with_diff_inter_hunk_context``,
    ``…_with_color_diff_always``: the same note whatever the user's diff config.
    """
    _simple_additions_with_base_commit(DIFF_SETTINGS[name], sandbox)


def test_simple_additions_on_top_of_ai_contributions(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_simple_additions_on_top_of_ai_contributions"""
    sb = sandbox()
    f = LineFile(sb, "test.txt")
    f.set_contents(["Line 1", "Line 2", "Line 3"])
    c0 = sb.stage_all_and_commit("Base commit")
    f.insert_at(3, [ai("AI Line 1"), ai("AI Line 2")])
    c1 = sb.stage_all_and_commit("AI commit")
    f.replace_at(3, hu("HUMAN EDITED AI LINE"))
    c2 = sb.stage_all_and_commit("Human edits AI")

    sb.assert_lines_and_blame(
        "test.txt",
        [hu("Line 1"), hu("Line 2"), ai("Line 3"), hu("HUMAN EDITED AI LINE"), ai("AI Line 2")],
    )
    (k,) = f.keys
    sb.assert_note(c0, att("test.txt", (ADA_H, "1-3")), humans=[ADA])
    sb.assert_note(c1, att("test.txt", (k, "3-5")), [k])
    sb.assert_note(c2, att("test.txt", (ADA_H, "4")), humans=[ADA])
    assert sb.initial_lines() == {}


def test_simple_additions_new_file_not_git_added(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_simple_additions_new_file_not_git_added"""
    sb = sandbox()
    f = LineFile(sb, "new_file.txt")
    f.set_contents(
        [
            "Line 1 from human",
            "Line 2 from human",
            "Line 3 from human",
            ai("Line 4 from AI"),
            ai("Line 5 from AI"),
        ]
    )
    c = sb.stage_all_and_commit("Initial commit")

    sb.assert_lines_and_blame(
        "new_file.txt",
        [
            "Line 1 from human",
            "Line 2 from human",
            "Line 3 from human",
            ai("Line 4 from AI"),
            ai("Line 5 from AI"),
        ],
    )
    (k,) = f.keys
    sb.assert_note(c, att("new_file.txt", (ADA_H, "1-3"), (k, "4-5")), [k], humans=[ADA])


def test_ai_human_interleaved_line_attribution(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_human_interleaved_line_attribution

    Each later edit appends after a line without a newline, so that line is
    rewritten by the next author: git-ai expects every line AI.
    """
    sb = sandbox()
    f = LineFile(sb, "test.txt")
    f.set_contents(["Base line"])
    sb.stage_all_and_commit("Base commit")
    f.insert_at(1, [ai("AI Line 1"), hu("Human Line 1"), ai("AI Line 2")])
    c1 = sb.stage_all_and_commit("Interleaved commit")

    sb.assert_lines_and_blame(
        "test.txt", [ai("Base line"), ai("AI Line 1"), ai("Human Line 1"), ai("AI Line 2")]
    )
    k1, k2 = f.keys
    # The known human's save is in the log: its record stays (humans are never pruned).
    sb.assert_note(c1, att("test.txt", (k1, "1-2"), (k2, "3-4")), [k1, k2], humans=[ADA])


def test_simple_ai_then_human_deletion(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_simple_ai_then_human_deletion"""
    sb = sandbox()
    f = LineFile(sb, "test.txt")
    f.set_contents(["Line 1", "Line 2", "Line 3", "Line 4", "Line 5"])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(5, [ai("AI Line")])
    c1 = sb.stage_all_and_commit("AI adds line")
    f.delete_at(5)
    c2 = sb.stage_all_and_commit("Human deletes AI line")

    sb.assert_lines_and_blame("test.txt", ["Line 1", "Line 2", "Line 3", "Line 4", "Line 5"])
    (k,) = f.keys
    sb.assert_note(c1, att("test.txt", (k, "5-6")), [k])
    # "Line 5" lost its newline: the only added line, the known human's.
    sb.assert_note(c2, att("test.txt", (ADA_H, "5")), humans=[ADA])


def test_multiple_ai_checkpoints_with_human_deletions(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multiple_ai_checkpoints_with_human_deletions"""
    sb = sandbox()
    f = LineFile(sb, "test.txt")
    f.set_contents(["Base", "Base2"])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(2, [ai("AI1 Line 1"), ai("AI1 Line 2")])
    f.insert_at(4, [ai("AI2 Line 1"), ai("AI2 Line 2")])
    f.delete_range(2, 4)
    c = sb.stage_all_and_commit("Complex commit")

    sb.assert_lines_and_blame(
        "test.txt", [hu("Base"), ai("Base2"), ai("AI2 Line 1"), ai("AI2 Line 2")]
    )
    k1, k2 = f.keys
    sb.assert_note(c, att("test.txt", (k1, "2"), (k2, "3-4")), [k1, k2], humans=[ADA])
    assert sb.initial_lines() == {}


def test_complex_mixed_additions_and_deletions(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_complex_mixed_additions_and_deletions"""
    sb = sandbox()
    f = LineFile(sb, "test.txt")
    f.set_contents([f"Line {i}" for i in range(1, 11)])
    sb.stage_all_and_commit("Initial commit")
    f.delete_range(1, 3)
    f.insert_at(1, [ai("NEW LINE A"), ai("NEW LINE B"), ai("NEW LINE C")])
    f.insert_at(11, [ai("END LINE 1"), ai("END LINE 2")])
    c = sb.stage_all_and_commit("Complex edits")

    sb.assert_lines_and_blame(
        "test.txt",
        [
            "Line 1",
            ai("NEW LINE A"),
            ai("NEW LINE B"),
            ai("NEW LINE C"),
            *[f"Line {i}" for i in range(4, 10)],
            ai("Line 10"),
            ai("END LINE 1"),
            ai("END LINE 2"),
        ],
    )
    k1, k2 = f.keys
    sb.assert_note(c, att("test.txt", (k1, "2-4"), (k2, "11-13")), [k1, k2], humans=[ADA])


def test_ai_adds_lines_multiple_commits(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_adds_lines_multiple_commits"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["base_line", ""])
    c0 = sb.stage_all_and_commit("Initial commit")
    f.insert_at(1, [ai("ai_line1"), ai("ai_line2"), ai("ai_line3")])
    c1 = sb.stage_all_and_commit("AI adds first batch")
    f.insert_at(4, [ai("ai_line4"), ai("ai_line5")])
    c2 = sb.stage_all_and_commit("AI adds second batch")

    sb.assert_lines_and_blame("test.ts", ["base_line", *(ai(f"ai_line{i}") for i in range(1, 6))])
    k1, k2 = f.keys
    sb.assert_note(c0, att("test.ts", (ADA_H, "1")), humans=[ADA])
    sb.assert_note(c1, att("test.ts", (k1, "2-4")), [k1])
    sb.assert_note(c2, att("test.ts", (k2, "5-6")), [k2])


def test_partial_staging_filters_unstaged_lines(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_partial_staging_filters_unstaged_lines

    The unstaged AI lines carry over; "ai_modified3" is committed without
    its newline, so in the work tree it is not committed yet (git-ai's
    comment), while the note attests it at its commit position.
    """
    sb = sandbox()
    f = LineFile(sb, "partial.ts")
    f.set_contents(["line1", "line2", "line3"])
    sb.stage_all_and_commit("Initial commit")
    f.replace_at(1, ai("ai_modified2"))
    f.replace_at(2, ai("ai_modified3"))
    f.stage()
    f.insert_at(3, [ai("unstaged_line1"), ai("unstaged_line2")])
    c = sb.commit("Partial staging")

    sb.assert_committed_lines("partial.ts", ["line1", ai("ai_modified2")])
    k1, _k2, k3 = f.keys
    sb.assert_note(c, att("partial.ts", (k1, "2"), (k3, "3")), [k1, k3])
    assert sb.initial_lines() == {"partial.ts": [(4, 5, k3)]}
    assert sb.initial_snapshot("partial.ts") == f.contents()
    assert set(sb.initial().sessions) == {k3.split("::")[0]}

    # The next commit attests the carried lines with their original key; line 3
    # (its newline added) is known to no checkpoint of this base: edge extension
    # gives it k3's session under a trace derived from the commit.
    c2 = sb.stage_all_and_commit("the rest")
    edge = sb.key_at(c2, "partial.ts", 3)
    assert edge != k3 and edge.split("::")[0] == k3.split("::")[0]
    sb.assert_note(c2, att("partial.ts", (edge, "3"), (k3, "4-5")), [k3])
    sb.assert_lines_and_blame(
        "partial.ts",
        [
            "line1",
            ai("ai_modified2"),
            ai("ai_modified3"),
            ai("unstaged_line1"),
            ai("unstaged_line2"),
        ],
    )


def test_human_stages_some_ai_lines(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_human_stages_some_ai_lines"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["line1", "line2", "line3"])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(3, [ai(f"ai_line{i}") for i in range(4, 9)])
    f.stage()
    f.insert_at(8, [hu("human_unstaged")])
    c = sb.commit("Partial AI commit")

    sb.assert_committed_lines(
        "test.ts", ["line1", "line2", ai("line3"), *(ai(f"ai_line{i}") for i in range(4, 8))]
    )
    (k,) = f.keys
    sb.assert_note(c, att("test.ts", (k, "3-8")), [k], humans=[ADA])
    assert sb.initial_lines() == {"test.ts": [(9, 9, ADA_H)]}
    init = sb.initial()
    assert init.humans == {ADA_H: {"author": ADA}}
    assert init.sessions == {}


def test_multiple_ai_sessions_with_partial_staging(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multiple_ai_sessions_with_partial_staging"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["line1", "line2", "line3"])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(3, [ai("ai1_line1"), ai("ai1_line2"), ai("ai1_line3")])
    f.stage()
    f.insert_at(6, [ai("ai2_line1"), ai("ai2_line2"), ai("ai2_line3")])
    c = sb.commit("Commit first AI session only")

    sb.assert_committed_lines(
        "test.ts", ["line1", "line2", ai("line3"), ai("ai1_line1"), ai("ai1_line2")]
    )
    k1, k2 = f.keys
    sb.assert_note(c, att("test.ts", (k1, "3-5"), (k2, "6")), [k1, k2])
    assert sb.initial_lines() == {"test.ts": [(7, 9, k2)]}
    assert sb.initial_snapshot("test.ts") == f.contents()


def test_ai_adds_then_commits_in_batches(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_adds_then_commits_in_batches"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["line1", "line2", "line3", "line4", ""])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(4, [ai("ai_line5"), ai("ai_line6"), ai("ai_line7")])
    f.stage()
    c1 = sb.commit("Add lines 5-7")
    f.insert_at(7, [ai("ai_line8"), ai("ai_line9"), ai("ai_line10")])
    c2 = sb.stage_all_and_commit("Add lines 8-10")

    sb.assert_lines_and_blame(
        "test.ts",
        ["line1", "line2", "line3", "line4", *(ai(f"ai_line{i}") for i in range(5, 11))],
    )
    k1, k2 = f.keys
    sb.assert_note(c1, att("test.ts", (k1, "5-7")), [k1])
    sb.assert_note(c2, att("test.ts", (k2, "8-10")), [k2])


def test_ai_edits_with_partial_staging(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_edits_with_partial_staging"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["line1", "line2", "line3", "line4", "line5"])
    sb.stage_all_and_commit("Initial commit")
    f.replace_at(1, ai("ai_modified_line2"))
    f.replace_at(3, ai("ai_modified_line4"))
    f.stage()
    f.insert_at(5, [ai("ai_line6"), ai("ai_line7"), ai("ai_line8")])
    c = sb.commit("Partial staging")

    sb.assert_committed_lines(
        "test.ts", ["line1", ai("ai_modified_line2"), "line3", ai("ai_modified_line4")]
    )
    k1, k2, k3 = f.keys
    sb.assert_note(c, att("test.ts", (k1, "2"), (k2, "4")), [k1, k2])
    # "line5" gained a newline with the AI's append: it and the new lines carry over.
    assert sb.initial_lines() == {"test.ts": [(5, 8, k3)]}


def test_unstaged_changes_not_committed(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_unstaged_changes_not_committed"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["line1", "line2", "line3"])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(3, [ai("ai_line4"), ai("ai_line5")])
    f.stage()
    f.insert_at(5, [ai("unstaged_line6"), ai("unstaged_line7")])
    c = sb.commit("Commit only staged lines")

    sb.assert_committed_lines("test.ts", ["line1", "line2", ai("line3"), ai("ai_line4")])
    k1, k2 = f.keys
    sb.assert_note(c, att("test.ts", (k1, "3-4"), (k2, "5")), [k1, k2])
    assert sb.initial_lines() == {"test.ts": [(6, 7, k2)]}


def test_unstaged_ai_lines_saved_to_working_log(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_unstaged_ai_lines_saved_to_working_log"""
    sb = sandbox()
    f = LineFile(sb, "test.ts")
    f.set_contents(["line1", "line2", "line3", ""])
    sb.stage_all_and_commit("Initial commit")
    f.insert_at(3, [ai("ai_line4"), ai("ai_line5")])
    f.stage()
    f.insert_at(5, [ai("ai_line6"), ai("ai_line7")])
    c1 = sb.commit("Partial AI commit")
    k1, k2 = f.keys
    sb.assert_note(c1, att("test.ts", (k1, "4-5")), [k1])
    assert sb.initial_lines() == {"test.ts": [(6, 7, k2)]}
    assert sb.initial_snapshot("test.ts") == f.contents()

    f.stage()
    c2 = sb.commit("Commit remaining AI lines")
    sb.assert_note(c2, att("test.ts", (k2, "6-7")), [k2])
    assert sb.initial_lines() == {}
    sb.assert_lines_and_blame(
        "test.ts", ["line1", "line2", "line3", *(ai(f"ai_line{i}") for i in range(4, 8))]
    )


def test_new_file_partial_staging_two_commits(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_new_file_partial_staging_two_commits"""
    sb = sandbox()
    LineFile(sb, "README.md").set_contents(["# Project"])
    sb.stage_all_and_commit("Initial commit")
    planets = ["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"]
    f = LineFile(sb, "planets.txt")
    f.set_contents([ai(p) for p in [*planets, "Pluto (dwarf)"]])
    c = sb.stage_all_and_commit("Add planets")

    sb.assert_lines_and_blame("planets.txt", [ai(p) for p in [*planets, "Pluto (dwarf)"]])
    (k,) = f.keys
    # The known-human stub step left its record: humans are never pruned.
    sb.assert_note(c, att("planets.txt", (k, "1-9")), [k], humans=[ADA])


def test_checkpoint_then_stage_then_checkpoint_across_two_commits_preserves_ai_lines(
    sandbox: MakeSandbox,
) -> None:
    """simple_additions.rs::test_checkpoint_then_stage_then_checkpoint_across_two_commits_preserves_ai_lines"""
    sb = sandbox()
    sb.write("example.txt", "test\n")
    k1 = sb.mock_ai("example.txt")
    sb.git("add", ".")
    sb.write("example.txt", "test\ntest1\n")
    k2 = sb.mock_ai("example.txt")
    c1 = sb.commit("test")
    sb.assert_committed_lines("example.txt", [ai("test")])
    sb.assert_note(c1, att("example.txt", (k1, "1")), [k1])
    assert sb.initial_lines() == {"example.txt": [(2, 2, k2)]}

    sb.git("add", ".")
    c2 = sb.commit("test1")
    sb.assert_note(c2, att("example.txt", (k2, "2")), [k2])
    sb.assert_lines_and_blame("example.txt", [ai("test"), ai("test1")])


NOTES = (
    "# Notes\nintro line\n\n{alpha}\nalpha 1\nalpha 2\nalpha 3\n\nmiddle context\n"
    "another context\nyet another context\n\n{omega}\nomega 1\nomega 2\nomega 3\n"
)


def test_checkpoint_stage_checkpoint_with_non_adjacent_hunks_preserves_second_hunk_ai(
    sandbox: MakeSandbox,
) -> None:
    """simple_additions.rs::test_checkpoint_stage_checkpoint_with_non_adjacent_hunks_preserves_second_hunk_ai"""
    sb = sandbox()
    sb.write("example.md", NOTES.format(alpha="**Section Alpha**", omega="**Section Omega**"))
    c0 = sb.stage_all_and_commit("Initial commit")
    sb.write("example.md", NOTES.format(alpha="### Section Alpha", omega="**Section Omega**"))
    k1 = sb.mock_ai("example.md")
    sb.git("add", ".")
    sb.write("example.md", NOTES.format(alpha="### Section Alpha", omega="### Section Omega"))
    k2 = sb.mock_ai("example.md")
    c1 = sb.commit("Commit first staged hunk")

    body = ["# Notes", "intro line", ""]
    middle = ["alpha 1", "alpha 2", "alpha 3", "", "middle context", "another context"]
    middle += ["yet another context", ""]
    tail = ["omega 1", "omega 2", "omega 3"]
    sb.assert_committed_lines("example.md", [*body, ai("### Section Alpha"), *middle, *tail])
    # No checkpoint before the first commit: the known-human fallback.
    sb.assert_note(c0, att("example.md", (ADA_H, "1-16")), humans=[ADA])
    sb.assert_note(c1, att("example.md", (k1, "4")), [k1])
    assert sb.initial_lines() == {"example.md": [(13, 13, k2)]}

    sb.git("add", ".")
    c2 = sb.commit("Commit second unstaged hunk")
    sb.assert_note(c2, att("example.md", (k2, "13")), [k2])
    sb.assert_lines_and_blame(
        "example.md", [*body, ai("### Section Alpha"), *middle, ai("### Section Omega"), *tail]
    )


def test_using_test_repo_with_custom_checkpoints(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_using_test_repo_with_custom_checkpoints

    Untracked, known-human and AI lines across four commits; the last one's
    uncheckpointed line next to an AI line is recovered by edge extension.
    """
    sb = sandbox()
    sb.write("example.md", "Untracked line\n")
    c1 = sb.stage_all_and_commit("Initial commit")
    sb.assert_committed_lines("example.md", [un("Untracked line")])
    sb.write("example.md", "Untracked line\nHuman line\n")
    sb.mock_known_human("example.md")
    sb.git("add", ".")
    c2 = sb.commit("Second commit")
    sb.assert_committed_lines("example.md", [un("Untracked line"), hu("Human line")])
    sb.write("example.md", "Untracked line\nHuman line\nAI line\n")
    k3 = sb.mock_ai("example.md")
    c3 = sb.stage_all_and_commit("Third commit")
    sb.assert_committed_lines("example.md", [un("Untracked line"), hu("Human line"), ai("AI line")])
    sb.write("example.md", "Untracked line\nHuman line\nAI line\nAnother untracked line\n")
    sb.human_checkpoint("example.md")
    sb.write(
        "example.md",
        "Untracked line\nHuman line\nAI line\nAnother untracked line\nAnother AI line\n",
    )
    k4 = sb.mock_ai("example.md")
    c4 = sb.stage_all_and_commit("Fourth commit")
    sb.assert_committed_lines(
        "example.md",
        [
            un("Untracked line"),
            hu("Human line"),
            ai("AI line"),
            ai("Another untracked line"),
            ai("Another AI line"),
        ],
    )
    # Commit 1 had no checkpoint: git-ai's fallback attests it to the known human
    # (git-ai's "'untracked'" comment predates the fallback; blame says not-AI either way).
    sb.assert_note(c1, att("example.md", (ADA_H, "1")), humans=[ADA])
    sb.assert_note(c2, att("example.md", (ADA_H, "2")), humans=[ADA])
    sb.assert_note(c3, att("example.md", (k3, "3")), [k3])
    # Edge extension: the run before an AI line gets that session, a derived trace.
    edge = sb.key_at(c4, "example.md", 4)
    assert edge != k4 and edge.split("::")[0] == k4.split("::")[0]
    sb.assert_note(c4, att("example.md", (edge, "4"), (k4, "5")), [k4])
