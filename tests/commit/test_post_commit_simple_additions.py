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


def test_simple_additions_with_base_commit(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_simple_additions_with_base_commit"""
    sb = sandbox()
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


def test_simple_additions_with_diff_settings(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::run_simple_additions_with_diff_settings, for every setting of git-ai's:

    ``test_simple_additions_with_base_commit_and_custom_diff_config``,
    ``…_with_diff_noprefix_enabled``, ``…_with_diff_mnemonicprefix_enabled``,
    ``…_with_diff_renames_copies``, ``…_with_diff_relative_enabled``,
    ``…_with_custom_diff_prefixes``, ``…_with_diff_algorithm_histogram``,
    ``…_with_diff_indent_heuristic_disabled``, ``…_with_diff_inter_hunk_context``,
    ``…_with_color_diff_always`` (and an external diff with a textconv):
    the same note whatever the user's diff configuration. One repository,
    one file per setting (the same story as the base-commit test), the
    setting on only for its file's AI commit.
    """
    sb = sandbox()
    files = {name: LineFile(sb, f"sub/{i:02d}.txt") for i, name in enumerate(DIFF_SETTINGS)}
    for f in files.values():
        f.lines = [hu("Base line 1"), hu("Base line 2")]
        sb.write(f.rel, f.contents())
    sb.mock_known_human(*(f.rel for f in files.values()))
    sb.stage_all_and_commit("Base commit")
    for name, f in files.items():
        config = DIFF_SETTINGS[name]
        for key, value in config:
            sb.git("config", key, value)
        attributes = sb.root / ".git" / "info" / "attributes"
        if name == "external_diff_and_textconv":
            attributes.write_text("*.txt diff=txt\n")
        f.insert_at(2, [ai("NEW LINEs From Claude!"), ai("Hello"), ai("World")])
        c = sb.stage_all_and_commit(f"AI additions with {name}")
        for key, _ in config:
            sb.git("config", "--unset", key)
        attributes.unlink(missing_ok=True)
        (k,) = f.keys
        sb.assert_note(c, att(f.rel, (k, "2-5")), [k])
        added = ["NEW LINEs From Claude!", "Hello", "World"]
        sb.assert_lines_and_blame(f.rel, ["Base line 1", *(ai(x) for x in ["Base line 2", *added])])


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
    sb.assert_note(
        c, att("partial.ts", (k1, "2"), (k3, "3")), [k1, k3], initial={"partial.ts": [(4, 5, k3)]}
    )
    assert sb.initial_snapshot("partial.ts") == f.contents()
    assert set(sb.initial().sessions) == {k3.split("::")[0]}

    # The next commit attests the carried lines with their original key; line 3
    # (its newline added) is known to no checkpoint of this base: edge extension
    # gives it k3's session under a trace derived from the commit.
    c2 = sb.stage_all_and_commit("the rest")
    edge = sb.edge_key(c2, "partial.ts", 3, k3)
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
    sb.assert_note(
        c, att("test.ts", (k, "3-8")), [k], humans=[ADA], initial={"test.ts": [(9, 9, ADA_H)]}
    )
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
    sb.assert_note(
        c, att("test.ts", (k1, "3-5"), (k2, "6")), [k1, k2], initial={"test.ts": [(7, 9, k2)]}
    )
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
    sb.assert_note(
        c, att("test.ts", (k1, "2"), (k2, "4")), [k1, k2], initial={"test.ts": [(5, 8, k3)]}
    )
    # "line5" gained a newline with the AI's append: it and the new lines carry over.


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
    sb.assert_note(
        c, att("test.ts", (k1, "3-4"), (k2, "5")), [k1, k2], initial={"test.ts": [(6, 7, k2)]}
    )


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
    sb.assert_note(c1, att("test.ts", (k1, "4-5")), [k1], initial={"test.ts": [(6, 7, k2)]})
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
    sb.assert_note(c1, att("example.txt", (k1, "1")), [k1], initial={"example.txt": [(2, 2, k2)]})

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
    sb.assert_note(c1, att("example.md", (k1, "4")), [k1], initial={"example.md": [(13, 13, k2)]})

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
    edge = sb.edge_key(c4, "example.md", 4, k4)
    sb.assert_note(c4, att("example.md", (edge, "4"), (k4, "5")), [k4])


AIDAN = (
    '> "First, solve the problem. Then, write the code."\n> "It works on my machine."\n\n'
    "{h1}\nAidan was here, left his mark on the page,\n"
    "Writing code through the night, line by line, stage by stage.\n\n"
    "{h2}\nOh, Aidan was here, yeah, Aidan was here,\n"
    "The git log will show it, the history's clear.\n\n"
    "{h3}\nFrom branches to merges, through conflicts and fear,\n"
    "One thing is certain - Aidan was here.\n"
)


def test_ai_heading_checkpoint_then_human_top_commit_then_rest_preserves_attribution(
    sandbox: MakeSandbox,
) -> None:
    """simple_additions.rs::test_ai_heading_checkpoint_then_human_top_commit_then_rest_preserves_attribution

    The AI rewrites three headings; the human then prepends three lines
    without a checkpoint and stages only them (``git apply --cached
    --unidiff-zero``). The first commit is the human's alone (known-human
    fallback); the AI headings carry over and land in the second.
    """
    sb = sandbox()
    sb.write("aidanwashere.md", AIDAN.format(h1="*Verse 1:*", h2="*Chorus:*", h3="*Verse 2:*"))
    sb.stage_all_and_commit("Initial markdown")
    headings = {"h1": "### Verse 1", "h2": "### Chorus", "h3": "### Verse 2"}
    sb.write("aidanwashere.md", AIDAN.format(**headings))
    k = sb.mock_ai("aidanwashere.md")
    top = "Human preface 1\nHuman preface 2\n\n"
    sb.write("aidanwashere.md", top + AIDAN.format(**headings))
    patch = (
        "diff --git a/aidanwashere.md b/aidanwashere.md\n--- a/aidanwashere.md\n"
        "+++ b/aidanwashere.md\n@@ -0,0 +1,3 @@\n+Human preface 1\n+Human preface 2\n+\n"
    )
    sb.git("apply", "--cached", "--unidiff-zero", "-", stdin=patch)
    c1 = sb.commit("Commit human top section")
    sb.assert_note(
        c1,
        att("aidanwashere.md", (ADA_H, "1-3")),
        humans=[ADA],
        initial={"aidanwashere.md": [(7, 7, k), (11, 11, k), (15, 15, k)]},
    )
    # INITIAL keeps the AI headings, at their lines in the work tree's text.
    assert sb.initial_snapshot("aidanwashere.md") == top + AIDAN.format(**headings)

    sb.git("add", ".")
    c2 = sb.commit("Commit remaining heading rewrites")
    sb.assert_note(c2, att("aidanwashere.md", (k, "7,11,15")), [k])
    plain = (top + AIDAN.format(**headings)).split("\n")[:-1]
    sb.assert_lines_and_blame(
        "aidanwashere.md", [ai(x) if x.startswith("### ") else hu(x) for x in plain]
    )


def test_mock_ai_with_pathspecs(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_mock_ai_with_pathspecs"""
    sb = sandbox()
    f1, f2 = LineFile(sb, "file1.txt"), LineFile(sb, "file2.txt")
    f1.set_contents(["File1 Line 1", "File1 Line 2"])
    f2.set_contents(["File2 Line 1", "File2 Line 2"])
    sb.stage_all_and_commit("Initial commit")
    f1.insert_at(2, [ai("File1 AI Line")])
    f2.insert_at(2, ["File2 Human Line"])
    # git-ai's mock_ai with a pathspec: file1.txt only, unchanged since its
    # insert_at checkpoint, so nothing is recorded (and file2.txt is not touched).
    before = sb.last_checkpoint()
    sb.ckptlog("checkpoint", "mock_ai", "file1.txt")
    assert sb.last_checkpoint() == before
    c = sb.stage_all_and_commit("Second commit")

    sb.assert_lines_and_blame(
        "file1.txt", ["File1 Line 1", ai("File1 Line 2"), ai("File1 AI Line")]
    )
    sb.assert_lines_and_blame("file2.txt", ["File2 Line 1", "File2 Line 2", "File2 Human Line"])
    (k1,) = f1.keys
    sb.assert_note(
        c,
        att("file1.txt", (k1, "2-3")) + att("file2.txt", (ADA_H, "2-3")),
        [k1],
        humans=[ADA],
    )


def test_with_duplicate_lines(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_with_duplicate_lines

    The AI's closing brace lands on line 3 and the human's moves to line 6:
    git's diff decides which "}" is new.
    """
    sb = sandbox()
    f = LineFile(sb, "helpers.rs")
    f.set_contents(["pub fn format_string(s: &str) -> String {", "    s.to_uppercase()", "}"])
    c0 = sb.stage_all_and_commit("Add format_string function")
    sb.assert_lines_and_blame(
        "helpers.rs", ["pub fn format_string(s: &str) -> String {", "    s.to_uppercase()", "}"]
    )
    sb.write(
        "helpers.rs",
        "pub fn format_string(s: &str) -> String {\n    s.to_uppercase()\n}\n"
        "pub fn reverse_string(s: &str) -> String {\n    s.chars().rev().collect()\n}",
    )
    k = sb.mock_ai()
    c1 = sb.stage_all_and_commit("AI adds reverse_string function")

    sb.assert_lines_and_blame(
        "helpers.rs",
        [
            "pub fn format_string(s: &str) -> String {",
            "    s.to_uppercase()",
            ai("}"),
            ai("pub fn reverse_string(s: &str) -> String {"),
            ai("    s.chars().rev().collect()"),
            hu("}"),
        ],
    )
    sb.assert_note(c0, att("helpers.rs", (ADA_H, "1-3")), humans=[ADA])
    sb.assert_note(c1, att("helpers.rs", (k, "3-5")), [k])


def test_ai_deletion_with_human_checkpoint_in_same_commit(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_deletion_with_human_checkpoint_in_same_commit (git-ai #193)"""
    sb = sandbox()
    sb.write("data.txt", "Base Line 1\nBase Line 2\nBase Line 3")
    sb.mock_known_human("data.txt")
    sb.write(
        "data.txt", "Base Line 1\nBase Line 2\nAI: Line 1\nAI: Line 2\nAI: Line 3\nBase Line 3"
    )
    k1 = sb.mock_ai("data.txt")
    c1 = sb.stage_all_and_commit("Commit 1: AI adds 3 lines")
    sb.write(
        "data.txt",
        "Base Line 1\nBase Line 2\nAI: Line 1\nAI: Line 2\nAI: Line 3\n"
        "Human: Line 1\nHuman: Line 2\nBase Line 3",
    )
    sb.mock_known_human("data.txt")
    sb.write(
        "data.txt",
        "Base Line 1\nBase Line 2\nAI: Line 1\nAI: Line 3\nHuman: Line 1\nHuman: Line 2\n"
        "AI: New Line 1\nAI: New Line 2\nBase Line 3",
    )
    k2 = sb.mock_ai("data.txt")
    c2 = sb.stage_all_and_commit("Commit 2: Human adds 2, AI deletes 1 and adds 2")

    sb.assert_lines_and_blame(
        "data.txt",
        [
            "Base Line 1",
            "Base Line 2",
            ai("AI: Line 1"),
            ai("AI: Line 3"),
            "Human: Line 1",
            "Human: Line 2",
            ai("AI: New Line 1"),
            ai("AI: New Line 2"),
            "Base Line 3",
        ],
    )
    sb.assert_note(c1, att("data.txt", (ADA_H, "1-2,6"), (k1, "3-5")), [k1], humans=[ADA])
    # Stats of git-ai's test: 2 human additions, 2 AI additions.
    sb.assert_note(c2, att("data.txt", (ADA_H, "5-6"), (k2, "7-8")), [k2], humans=[ADA])


README = "## A quick demo of Git AI Rewrites\n\ndasdas\n\nHUMAN"
SET_OPS = (
    "# Set Operations Library\n\nA TypeScript library providing essential set operations.\n\n"
    "## Features\n\nThis library provides the following set operations:\n\n"
    "- **Union** - Combine all elements from two sets\n"
    "- **Intersection** - Find elements common to both sets\n\n"
    "## Installation\n\n```typescript\nimport { union } from './set-ops';\n```\n\n"
    "## License\n\nThis project is open source and available for use.\n"
)


def test_large_ai_readme_rewrite_with_no_data_bug(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_large_ai_readme_rewrite_with_no_data_bug (a shortened README)

    The AI rewrites a whole human README. Blank lines that Myers keeps as
    equal are not new in the commit, so they stay with the first commit
    (git-ai's expectation: lines 2 and 4 human, every other line AI).
    """
    sb = sandbox()
    sb.write("Readme.md", README)
    sb.ckptlog("checkpoint")
    c0 = sb.stage_all_and_commit("Initial README")
    sb.write("Readme.md", SET_OPS)
    k = sb.mock_ai("Readme.md")
    c1 = sb.stage_all_and_commit("AI rewrites README with set operations docs")

    lines = SET_OPS.split("\n")[:-1]
    sb.assert_lines_and_blame(
        "Readme.md", [hu(x) if i in (1, 3) else ai(x) for i, x in enumerate(lines)]
    )
    sb.assert_note(c0, att("Readme.md", (ADA_H, "1-5")), humans=[ADA])
    sb.assert_note(c1, att("Readme.md", (k, "1,3,5-20")), [k])


OLD_MIDDLE = (
    "  private registered = false;\n\n"
    "  constructor(_config: Config, enabled: boolean = true) {\n    this.enabled = enabled;\n"
)
SERVICE = (
    "/**\n * Service for integrating git-ai hooks into the hook system.\n */\n"
    "export class GitAiIntegrationService {\n  private readonly commandPath: string;\n"
    "{middle}    this.commandPath = 'git-ai';\n  }}\n}}\n"
)


def test_deletion_within_a_single_line_attribution(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_deletion_within_a_single_line_attribution"""
    sb = sandbox()
    before = OLD_MIDDLE
    sb.write("svc.ts", SERVICE.replace("{middle}", before).replace("}}", "}"))
    sb.ckptlog("checkpoint")
    sb.stage_all_and_commit("Initial commit with old constructor")
    after = before.replace("_config: Config, ", "")
    sb.write("svc.ts", SERVICE.replace("{middle}", after).replace("}}", "}"))
    k = sb.mock_ai("svc.ts")
    c = sb.stage_all_and_commit("AI removes constructor parameter")

    text = SERVICE.replace("{middle}", after).replace("}}", "}").split("\n")[:-1]
    sb.assert_lines_and_blame(
        "svc.ts", [ai(x) if x.startswith("  constructor") else hu(x) for x in text]
    )
    sb.assert_note(c, att("svc.ts", (k, "8")), [k])


def test_deletion_of_multiple_lines_by_ai(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_deletion_of_multiple_lines_by_ai

    The AI only deletes lines: the commit adds none, and its note has no
    attestation at all (git-ai writes a note for every commit).
    """
    sb = sandbox()
    before = OLD_MIDDLE
    sb.write("svc.ts", SERVICE.replace("{middle}", before).replace("}}", "}"))
    sb.ckptlog("checkpoint")
    sb.stage_all_and_commit("Initial commit with old constructor")
    after = "  constructor(_config: Config, enabled: boolean = true) {\n"
    sb.write("svc.ts", SERVICE.replace("{middle}", after).replace("}}", "}"))
    k = sb.mock_ai("svc.ts")
    c = sb.stage_all_and_commit("AI removes lines")

    sb.assert_lines_and_blame(
        "svc.ts", SERVICE.replace("{middle}", after).replace("}}", "}").split("\n")[:-1]
    )
    # The session ran but landed no line: pruned from the metadata.
    assert k
    sb.assert_note(c, "")


def test_multi_file_batch_commits_preserve_attribution(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multi_file_batch_commits_preserve_attribution (git-ai #356)"""
    sb = sandbox()
    LineFile(sb, "README.md").set_contents(["# Project"])
    sb.stage_all_and_commit("Initial commit")
    a = "AI content for file A\nLine 2 from AI\nLine 3 from AI\n"
    b = "AI content for file B\nLine 2 from AI\nLine 3 from AI\n"
    sb.write("file_a.txt", a)
    sb.write("file_b.txt", b)
    k = sb.mock_ai()  # one checkpoint, both files (discovered from git status)
    sb.add("file_a.txt")
    c1 = sb.commit("Add file A")
    sb.assert_note(c1, att("file_a.txt", (k, "1-3")), [k], initial={"file_b.txt": [(1, 3, k)]})
    assert sb.initial_snapshot("file_b.txt") == b
    sb.add("file_b.txt")
    c2 = sb.commit("Add file B")
    sb.assert_note(c2, att("file_b.txt", (k, "1-3")), [k])
    assert sb.initial_lines() == {}
    for name in ("file_a.txt", "file_b.txt"):
        sb.assert_lines_and_blame(name, [ai(x) for x in sb.read(name).split("\n")[:-1]])


def test_multi_file_batch_commits_modifications(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multi_file_batch_commits_modifications"""
    sb = sandbox({"file_a.txt": "Original content A\n", "file_b.txt": "Original content B\n"})
    sb.write("file_a.txt", "Original content A\nAI added line A\n")
    sb.write("file_b.txt", "Original content B\nAI added line B\n")
    k = sb.mock_ai()
    sb.add("file_a.txt")
    c1 = sb.commit("Modify file A")
    sb.add("file_b.txt")
    c2 = sb.commit("Modify file B")

    sb.assert_lines_and_blame("file_a.txt", ["Original content A", ai("AI added line A")])
    sb.assert_lines_and_blame("file_b.txt", ["Original content B", ai("AI added line B")])
    sb.assert_note(c1, att("file_a.txt", (k, "2")), [k], initial={"file_b.txt": [(2, 2, k)]})
    sb.assert_note(c2, att("file_b.txt", (k, "2")), [k])


def test_ai_edits_file_with_spaces_in_filename(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_edits_file_with_spaces_in_filename (the note quotes the path)"""
    sb = sandbox({"my test file.txt": "Line 1\nLine 2\nLine 3\n"})
    sb.write("my test file.txt", "Line 1\nLine 2\nAI Line 1\nAI Line 2\nLine 3\n")
    k = sb.mock_ai("my test file.txt")
    c = sb.stage_all_and_commit("AI adds lines to file with spaces")

    sb.assert_lines_and_blame(
        "my test file.txt", ["Line 1", "Line 2", ai("AI Line 1"), ai("AI Line 2"), "Line 3"]
    )
    sb.assert_note(c, att("my test file.txt", (k, "3-4")), [k])


def test_ai_generated_file_then_human_full_rewrite(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_ai_generated_file_then_human_full_rewrite

    The known human rewrites every AI line: the file's last entry removes
    its AI state, and the commit is the human's.
    """
    sb = sandbox()
    sb.human_checkpoint("jokes-cli.ts")
    sb.write(
        "jokes-cli.ts",
        "import * as readline from 'readline';\n\nconst jokes = [\n"
        '  "Why don\'t scientists trust atoms?",\n  "An impasta!"\n];',
    )
    k = sb.mock_ai("jokes-cli.ts")
    sb.write("jokes-cli.ts", "console.log('hello world');\nconsole.log('goodbye');")
    sb.mock_known_human("jokes-cli.ts")
    c = sb.stage_all_and_commit("human rewrite")

    sb.assert_lines_and_blame(
        "jokes-cli.ts", ["console.log('hello world');", "console.log('goodbye');"]
    )
    assert k
    sb.assert_note(c, att("jokes-cli.ts", (ADA_H, "1-2")), humans=[ADA])


def test_known_human_record_includes_email(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_known_human_record_includes_email"""
    sb = sandbox()
    k = sb.agent_edit("app.go", "func main() {}\n")
    c1 = sb.stage_all_and_commit("AI commit")
    sb.write("app.go", "func main() {}\nfunc helper() {}\n")
    sb.mock_known_human("app.go")
    c2 = sb.stage_all_and_commit("Human commit")

    sb.assert_committed_lines("app.go", [ai("func main() {}"), hu("func helper() {}")])
    sb.assert_note(c1, att("app.go", (k, "1")), [k])
    sb.assert_note(c2, att("app.go", (ADA_H, "2")), humans=[ADA])
    assert sb.metadata(c2)["humans"] == {ADA_H: {"author": "Ada Lovelace <ada@example.com>"}}


def test_session_record_human_author_includes_email(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_session_record_human_author_includes_email"""
    sb = sandbox()
    k = sb.agent_edit("main.rs", "fn main() {}\n")
    c = sb.stage_all_and_commit("AI commit")

    sb.assert_committed_lines("main.rs", [ai("fn main() {}")])
    sb.assert_note(c, att("main.rs", (k, "1")), [k])
    session = sb.metadata(c)["sessions"][k.split("::")[0]]
    assert session["human_author"] == "Ada Lovelace <ada@example.com>"


def test_multi_checkpoint_prepend_preserves_attribution(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multi_checkpoint_prepend_preserves_attribution (fuzz_chaos_99)"""
    sb = sandbox()
    sb.write("test.txt", "AAAA\nBBBB\nCCCC\nDDDD\n")
    sb.mock_known_human("test.txt")
    sb.write("test.txt", "AAAA\nBBBB\nCCCC\nDDDD\nEEEE\nFFFF\n")
    k1 = sb.mock_ai("test.txt")
    sb.human_checkpoint("test.txt")
    prepend = "1111\n2222\n3333\n4444\n5555\n6666\n7777\n8888\n"
    sb.write("test.txt", prepend + "AAAA\nBBBB\nCCCC\nDDDD\nEEEE\nFFFF\n")
    k2 = sb.mock_ai("test.txt")
    c = sb.stage_all_and_commit("multi checkpoint test")

    sb.assert_committed_lines(
        "test.txt",
        [*(ai(x) for x in prepend.split()), "AAAA", "BBBB", "CCCC", "DDDD", ai("EEEE"), ai("FFFF")],
    )
    sb.assert_note(
        c, att("test.txt", (ADA_H, "9-12"), (k1, "13-14"), (k2, "1-8")), [k1, k2], humans=[ADA]
    )


def _burst(sb, lines: list[list[str]]) -> tuple[str, str, str]:
    """git-ai's burst: KnownHuman append, AI append, KnownHuman replace, AI prepend."""
    base, h1, a1, r1, p1 = ("\n".join(x) + "\n" for x in lines)
    sb.write("test.txt", base)
    sb.stage_all_and_commit("base")
    sb.agent_edit("test.txt", base + h1, known_human=True)
    k1 = sb.agent_edit("test.txt", base + h1 + a1)
    sb.agent_edit("test.txt", r1 + a1, known_human=True)
    k2 = sb.agent_edit("test.txt", p1 + r1 + a1)
    c = sb.stage_all_and_commit("burst commit")
    return k1, k2, c


@pytest.mark.parametrize(
    ("name", "alphabet"),
    [
        ("test_burst_edits_prepend_preserves_all_lines", None),
        ("test_burst_edits_prepend_multibyte_chars", 0x100),
    ],
)
def test_burst_edits_prepend(name: str, alphabet: int | None, sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_burst_edits_prepend_preserves_all_lines and
    ``test_burst_edits_prepend_multibyte_chars`` (one multi-byte char per line, as the fuzzer)."""
    sb = sandbox()
    if alphabet is None:
        groups = [
            ["X1", "X2", "X3", "X4"],
            ["H1", "H2", "H3", "H4"],
            [f"A{i}" for i in range(1, 7)],
            [f"R{i}" for i in range(1, 9)],
            [f"P{i}" for i in range(1, 9)],
        ]
    else:
        counts = (4, 4, 6, 8, 8)
        groups = [[chr(alphabet + 16 * g + i) for i in range(n)] for g, n in enumerate(counts)]
    k1, k2, c = _burst(sb, groups)
    _base, _h, a1, r1, p1 = groups
    sb.assert_committed_lines(
        "test.txt", [*(ai(x) for x in p1), *(hu(x) for x in r1), *(ai(x) for x in a1)]
    )
    sb.assert_note(
        c, att("test.txt", (ADA_H, "9-16"), (k1, "17-22"), (k2, "1-8")), [k1, k2], humans=[ADA]
    )


def test_multi_session_ai_gap_between_different_sessions(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multi_session_ai_gap_between_different_sessions"""
    sb = sandbox({"multi.txt": "line1\nline2\nline3\nline4\nline5\n"})
    k1 = sb.agent_edit("multi.txt", "line1\nline2\nAAA\nBBB\nline5\n")
    k2 = sb.agent_edit("multi.txt", "XXX\nYYY\nZZZ\nline1\nline2\nAAA\nBBB\nline5\n")
    c = sb.stage_all_and_commit("two AI sessions")

    sb.assert_committed_lines(
        "multi.txt",
        [
            *(ai(x) for x in ("XXX", "YYY", "ZZZ")),
            *(un(x) for x in ("line1", "line2")),
            *(ai(x) for x in ("AAA", "BBB")),
            un("line5"),
        ],
    )
    sb.assert_note(c, att("multi.txt", (k1, "6-7"), (k2, "1-3")), [k1, k2])


def test_multi_session_ai_insert_between_first_session_lines(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multi_session_ai_insert_between_first_session_lines"""
    sb = sandbox({"gap.txt": "old\nold\nold\nold\nold\n"})
    k1 = sb.agent_edit("gap.txt", "A1\nA2\nA3\nA4\nA5\n")
    k2 = sb.agent_edit("gap.txt", "A1\nA2\nINSERTED\nA3\nA4\nA5\n")
    c = sb.stage_all_and_commit("insert between")

    sb.assert_committed_lines(
        "gap.txt", [ai("A1"), ai("A2"), ai("INSERTED"), ai("A3"), ai("A4"), ai("A5")]
    )
    sb.assert_note(c, att("gap.txt", (k1, "1-2,4-6"), (k2, "3")), [k1, k2])


def test_multi_session_varied_strategies_gap(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_multi_session_varied_strategies_gap (fuzz_seed_5)"""
    sb = sandbox({"varied.txt": "base1\nbase2\nbase3\n"})
    k1 = sb.agent_edit("varied.txt", "base1\nbase2\nbase3\nS1a\nS1b\nS1c\n")
    k2 = sb.agent_edit("varied.txt", "S2x\nS2y\nbase1\nbase2\nbase3\nS1a\nS1b\nS1c\n")
    k3 = sb.agent_edit("varied.txt", "S2x\nS2y\nbase1\nbase2\nbase3\nS1a\nS3mid\nS1b\nS1c\n")
    c = sb.stage_all_and_commit("three AI sessions")

    sb.assert_committed_lines(
        "varied.txt",
        [
            *(ai(x) for x in ("S2x", "S2y")),
            *(un(f"base{i}") for i in (1, 2, 3)),
            *(ai(x) for x in ("S1a", "S3mid", "S1b", "S1c")),
        ],
    )
    sb.assert_note(c, att("varied.txt", (k1, "6,8-9"), (k2, "1-2"), (k3, "7")), [k1, k2, k3])


def test_survivor_lines_across_heavy_rewrite(sandbox: MakeSandbox) -> None:
    """simple_additions.rs::test_survivor_lines_across_heavy_rewrite (fuzz_seed_5)

    Lines the second commit leaves unchanged are not in its diff, so its
    note does not cover them; blame gives them to the first commit, whose
    note has them AI. git-ai accepts "AI from commit 1" or "untracked from
    commit 2" for each surviving "ppppp"; never AI from commit 2.
    """
    sb = sandbox({"survivor.txt": "aaa\nbbb\nccc\nddd\neee\nfff\nggg\nhhh\n"})
    p, q = "ppppp\n", "qqqqqq\n"

    def edit(kind: str, text: str) -> str:
        return sb.agent_edit("survivor.txt", text, known_human=kind == "kh")

    k0 = edit("ai", p * 8)
    edit("kh", q * 4 + p * 8)
    c1 = sb.stage_all_and_commit("commit 1: overwrite + prepend")
    sb.assert_committed_lines(
        "survivor.txt", [*(hu("qqqqqq") for _ in range(4)), *(ai("ppppp") for _ in range(8))]
    )
    sb.assert_note(c1, att("survivor.txt", (ADA_H, "1-4"), (k0, "5-12")), [k0], humans=[ADA])

    x, y, z, o, one = "xxxxx\n", "yyyyy\n", "zzzzz\n", "00000\n", "11111\n"
    edit("kh", q * 4 + p + x * 4 + p * 3)
    ya = edit("ai", q * 4 + p + x + y * 3 + p * 3)
    za = edit("ai", q * 4 + p + x + y * 3 + z * 2 + p * 3)
    edit("kh", q * 4 + p + x + y * 3 + z * 2 + p + o * 3)
    oa = edit("ai", one * 2 + q * 4 + p + x + y * 3 + z * 2 + p + o * 3)
    c2 = sb.stage_all_and_commit("commit 2: heavy rewrites")

    for text, commit, key in sb.blame("survivor.txt"):
        if text == "ppppp":
            assert (commit, key) in ((c1, k0), (c2, None)), (commit, key)
    sb.assert_note(
        c2,
        att("survivor.txt", (ADA_H, "8,15-17"), (ya, "9-11"), (za, "12-13"), (oa, "1-2")),
        [ya, za, oa],
        humans=[ADA],
    )
