"""The commit path's pure pieces, case by case (git-ai's own unit cases where it has them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lsm.commit.carryover import carryover_content, merge3
from lsm.commit.diffs import (
    DiffHunk,
    Unstaged,
    content_hunks,
    parse_added_lines,
    parse_renames,
    shift_line_attributions,
    shift_ranges,
    unstaged_lines,
)
from lsm.commit.lines import is_line_subsequence, rust_lines, split_keep
from lsm.commit.provenance import MAX_STATES, authors_by_text
from lsm.commit.recovery import (
    detect_commit_agents,
    extend_edges,
    known_human_applies,
    recover_known_human,
)
from lsm.errors import NoteFormatError
from lsm.git import parse_commit, unquote_path
from lsm.model import LineAttribution
from lsm.notes import (
    Attestation,
    AuthorshipNote,
    FileAttestation,
    NoteMetadata,
    compress_lines,
    fill_note,
    format_ranges,
    merge_notes,
    parse_note,
    parse_ranges,
    serialize_note,
)
from tests.commit.grammar import check_note

# ---------------------------------------------------------------------- note format


def test_ranges_format_and_parse() -> None:
    assert compress_lines([5, 1, 2, 3, 9, 10, 3]) == [(1, 3), (5, 5), (9, 10)]
    assert format_ranges([(19, 222), (1, 1), (2, 2)]) == "1,2,19-222"
    assert parse_ranges("1,2,19-222") == ((1, 1), (2, 2), (19, 222))
    assert parse_ranges("") == ()
    for bad in ("a", "1-", "-3", "1 ,2", "٣"):
        with pytest.raises(ValueError):
            parse_ranges(bad)


def test_git_ai_expected_format_snapshot() -> None:
    # authorship_log_serialization.rs test_expected_format (its snapshot), order as given.
    note = AuthorshipNote(
        [
            FileAttestation(
                "src/file.xyz",
                (
                    Attestation("xyzAbc", ((1, 1), (2, 2), (19, 222))),
                    Attestation("123456", ((400, 405),)),
                ),
            ),
            FileAttestation(
                "src/file2.xyz", (Attestation("123456", ((1, 111), (245, 245), (260, 260))),)
            ),
        ],
        NoteMetadata(git_ai_version="development"),
    )
    text = serialize_note(note)
    # We sort keys within a file (git-ai keeps HashMap order); the rest is byte for byte.
    assert text == (
        "src/file.xyz\n  123456 400-405\n  xyzAbc 1,2,19-222\nsrc/file2.xyz\n"
        "  123456 1-111,245,260\n---\n{\n"
        '  "schema_version": "authorship/3.0.0",\n  "git_ai_version": "development",\n'
        '  "base_commit_sha": "",\n  "prompts": {}\n}'
    )
    again = parse_note(text)
    assert serialize_note(again) == text


def test_paths_with_whitespace_are_quoted_and_round_trip() -> None:
    note = AuthorshipNote(
        [FileAttestation("my file.py", (Attestation("h_0123456789abcd", ((1, 2),)),))],
        NoteMetadata("c" * 40, "x", humans={"h_0123456789abcd": {"author": "A <a@b>"}}),
    )
    text = serialize_note(note)
    assert text.startswith('"my file.py"\n  h_0123456789abcd 1-2\n---\n')
    assert parse_note(text) == note
    check_note(text, commit="c" * 40)


def test_parser_is_as_lenient_as_git_ai() -> None:
    text = (
        "a.py   \n\n  h_0123456789abcd 3\nempty.py\n---\n"
        '{"schema_version":"authorship/3.0.0","git_ai_version":null,'
        '"base_commit_sha":"x","prompts":{},"future":1}'
    )
    note = parse_note(text)
    assert [f.path for f in note.files] == ["a.py"]  # files without entries dropped
    assert note.metadata.extra == {"future": 1}
    assert '"future": 1' in serialize_note(note)


@pytest.mark.parametrize(
    "text",
    [
        "a.py\n  k 1\n",  # no divider
        "  k 1\n---\n{}",  # entry before a path
        "a.py\n  k\n---\n{}",  # entry without ranges
        "a.py\n  k x\n---\n{}",  # bad range
        "---\nnot json",
        '---\n{"schema_version":"authorship/3.0.0","base_commit_sha":"x"}',  # no prompts
        '---\n{"schema_version":"authorship/3.0.0","base_commit_sha":1,"prompts":{}}',
    ],
)
def test_unparsable_notes_raise(text: str) -> None:
    with pytest.raises(NoteFormatError):
        parse_note(text)


def test_overlapping_entries_keep_their_order() -> None:
    # The last entry covering a line owns it; sorting would change the owner.
    note = AuthorshipNote(
        [FileAttestation("f", (Attestation("zz", ((1, 3),)), Attestation("aa", ((2, 2),))))]
    )
    assert serialize_note(note).startswith("f\n  zz 1-3\n  aa 2\n")
    assert parse_note(serialize_note(note)).line_owner("f", 2) is None  # no records
    note.metadata.prompts = {"zz": {}, "aa": {}}
    assert parse_note(serialize_note(note)).line_owner("f", 2) == "aa"


def _note(files: dict[str, list[tuple[str, list[tuple[int, int]]]]]) -> AuthorshipNote:
    return AuthorshipNote(
        [
            FileAttestation(p, tuple(Attestation(k, tuple(r)) for k, r in es))
            for p, es in files.items()
        ]
    )


def test_merge_adds_missing_ranges_and_keys_first_wins_metadata() -> None:
    a = _note({"f": [("k1", [(1, 2)])]})
    a.metadata.prompts = {"k1": {"v": 1}}
    b = _note({"f": [("k1", [(1, 2), (5, 5)]), ("k2", [(7, 7)])], "g": [("k2", [(1, 1)])]})
    b.metadata.prompts = {"k1": {"v": 2}, "k2": {"v": 3}}
    m = merge_notes(a, b)
    assert [(f.path, [(e.key, e.ranges) for e in f.entries]) for f in m.files] == [
        ("f", [("k1", ((1, 2), (5, 5))), ("k2", ((7, 7),))]),
        ("g", [("k2", ((1, 1),))]),
    ]
    assert m.metadata.prompts == {"k1": {"v": 1}, "k2": {"v": 3}}


def test_fill_keeps_the_existing_note_and_adds_only_uncovered_lines() -> None:
    old = _note({"f": [("s_aaaaaaaaaaaaaa::t_1", [(1, 3)])]})
    old.metadata.sessions = {"s_aaaaaaaaaaaaaa": {"agent_id": {}}}
    new = _note({"f": [("h_bbbbbbbbbbbbbb", [(1, 5)])], "g": [("h_bbbbbbbbbbbbbb", [(2, 2)])]})
    new.metadata.humans = {"h_bbbbbbbbbbbbbb": {"author": "B"}}
    new.metadata.sessions = {"s_unused": {}}
    m = fill_note(old, new)
    assert [(f.path, [(e.key, e.ranges) for e in f.entries]) for f in m.files] == [
        ("f", [("s_aaaaaaaaaaaaaa::t_1", ((1, 3),)), ("h_bbbbbbbbbbbbbb", ((4, 5),))]),
        ("g", [("h_bbbbbbbbbbbbbb", ((2, 2),))]),
    ]
    assert set(m.metadata.sessions) == {"s_aaaaaaaaaaaaaa"}
    assert m.metadata.humans == {"h_bbbbbbbbbbbbbb": {"author": "B"}}
    assert fill_note(m, new) == m  # idempotent


# ---------------------------------------------------------------------- git output


def test_unquote_path() -> None:
    assert unquote_path("plain") == "plain"
    assert unquote_path('"a\\tb\\"c\\\\"') == 'a\tb"c\\'
    assert unquote_path('"caf\\303\\251"') == "café"
    assert unquote_path('"bad\\377"') == "bad\udcff"


def test_parse_added_lines_walks_hunks_by_their_counts() -> None:
    out = (
        b"diff --git a/a.py b/a.py\nindex 1..2 100644\n--- a/a.py\n+++ b/a.py\n"
        b"@@ -0,0 +1,2 @@\n+++ not a header\n+x\n"
        b"@@ -5 +7,0 @@\n-gone\n"
        b"@@ -9,2 +9,1 @@\n-a\n-b\n+c\n\\ No newline at end of file\n"
        b"diff --git a/old.py b/old.py\ndeleted file mode 100644\n--- a/old.py\n+++ /dev/null\n"
        b"@@ -1 +0,0 @@\n-x\n"
        b'diff --git "a/caf\\303\\251" "b/caf\\303\\251"\n--- "a/caf\\303\\251"\n'
        b'+++ "b/caf\\303\\251"\n@@ -1,0 +2 @@\n+y\n'
        b"diff --git a/bin b/bin\nBinary files a/bin and b/bin differ\n"
    )
    added = parse_added_lines(out)
    assert set(added) == {"a.py", "café"}
    assert added["a.py"].lines == [1, 2, 9]
    assert added["a.py"].insertions == [1, 2]
    assert added["café"].lines == [2] and added["café"].insertions == [2]


def test_parse_renames_z() -> None:
    out = (
        b":100644 100644 aa bb R087\x00old.py\x00new.py\x00"
        b":100644 100644 aa bb M\x00other.py\x00"
        b":100644 100644 aa bb C100\x00x\x00y\x00"
    )
    assert parse_renames(out) == {"old.py": "new.py"}


def test_parse_commit() -> None:
    c = parse_commit(
        "c" * 40,
        b"tree t\nparent p1\nparent p2\nauthor Ada <a@x> 170 +0100\n"
        b"committer Bob <b@x> 171 +0000\n\nmsg\n\nCo-authored-by: x\n",
    )
    assert c.parents == ("p1", "p2") and c.author == "Ada <a@x>" and c.author_time == 170
    assert c.committer == "Bob <b@x>" and c.message.startswith("msg")


# ---------------------------------------------------------------------- lines, hunks, shifts


def test_lines() -> None:
    assert split_keep("a\nb") == ["a\n", "b"]
    assert split_keep("a\n\n") == ["a\n", "\n"]
    assert rust_lines("a\r\nb\n\n") == ["a", "b", ""]
    assert rust_lines("a\x0bb\u2028c") == ["a\x0bb\u2028c"]  # only \n splits
    assert is_line_subsequence("", "x")
    assert is_line_subsequence("a\nc\n", "a\r\nb\nc\n")
    assert not is_line_subsequence("c\na\n", "a\nb\nc\n")


def _ranges(attrs: list[LineAttribution]) -> list[tuple[int, int, str]]:
    return [(a.start_line, a.end_line, a.author_id) for a in attrs]


def test_hunk_shifts_as_git_ai() -> None:
    la = LineAttribution
    # hunk_shift.rs: test_pure_insertion_shifts_lines_after
    h = [DiffHunk(3, 0, 4, 2)]
    assert shift_ranges([(1, 3)], h) == [(1, 3)]
    assert shift_ranges([(4, 6)], h) == [(6, 8)]
    # test_pure_deletion_removes_and_shifts
    h = [DiffHunk(3, 3, 3, 0)]
    assert shift_ranges([(1, 2)], h) == [(1, 2)]
    assert shift_ranges([(3, 5)], h) == []
    assert shift_ranges([(6, 8)], h) == [(3, 5)]
    # test_replacement_drops_replaced_lines
    assert shift_ranges([(1, 5)], [DiffHunk(3, 2, 3, 3)]) == [(1, 2), (6, 6)]
    # test_multiple_hunks_accumulate_offsets
    h = [DiffHunk(2, 0, 3, 1), DiffHunk(5, 1, 6, 0)]
    assert [shift_ranges([(n, n)], h) for n in (1, 3, 5, 6)] == [[(1, 1)], [(4, 4)], [], [(6, 6)]]
    assert _ranges(shift_line_attributions([la(1, 5, "a")], [DiffHunk(3, 2, 3, 3)])) == [
        (1, 2, "a"),
        (6, 6, "a"),
    ]


def _sets(u: Unstaged) -> tuple[set[int], ...]:
    return set(u.lines), set(u.pure), set(u.rewritten), set(u.gone)


def test_content_hunks_and_unstaged_lines() -> None:
    old = "a\nb\nc\n"
    assert content_hunks(old, "a\nX\nb\nc\nd\n") == [DiffHunk(1, 0, 2, 1), DiffHunk(3, 0, 5, 1)]
    assert content_hunks(old, "a\nc\n") == [DiffHunk(2, 1, 2, 0)]
    assert content_hunks("a\r\nb\n", "a\nb\n") == []
    u = unstaged_lines(old, "a\nb2\nc\nd\n")
    assert _sets(u) == ({2, 4}, {4}, {2}, {2})
    # Carryover line -> the committed line it equals (None: unstaged).
    assert [u.committed_line(w) for w in range(1, 5)] == [1, None, 3, None]
    same = unstaged_lines(old, "a\r\nb\r\nc\r\n")
    assert _sets(same) == (set(), set(), set(), set())
    assert same.committed_line(3) == 3
    # A committed line the work tree deleted is gone, and shifts the rest.
    u = unstaged_lines("a\nb\nc\nd\n", "a\nX\nY\nd\n")
    assert _sets(u) == ({2, 3}, set(), {2, 3}, {2, 3})
    assert [u.committed_line(w) for w in range(1, 5)] == [1, None, None, 4]
    u = unstaged_lines("a\nb\nc\n", "c\n")
    assert _sets(u) == (set(), set(), set(), {1, 2}) and u.committed_line(1) == 3
    # A last line that gained its newline is the same line (git-ai: unstaged, and
    # committed by the overlap rule); what follows it is rewritten text.
    u = unstaged_lines("a\nb", "a\nb\nc\n")
    assert _sets(u) == ({2, 3}, set(), {3}, set())
    assert [u.committed_line(w) for w in (1, 2, 3)] == [1, 2, None]


# ---------------------------------------------------------------------- staged text


def test_authors_by_text_takes_the_newest_state_holding_the_text() -> None:
    ai, kh = "s_a::t_1", "h_1"
    states = [
        ("x\nnew\n", [LineAttribution(1, 2, ai, None)]),
        ("x\nold\n\n", [LineAttribution(1, 1, ai, None), LineAttribution(2, 2, kh, None)]),
        ("gone\nold\n", [LineAttribution(1, 1, ai, None)]),
    ]
    got = authors_by_text({1: "old", 2: "gone", 3: "never", 4: "", 5: "x"}, states)
    # "old": the second state (h_1), not the third; "gone": only the third
    # holds it, at a line with an author; "never" and the blank line: not found.
    assert got == {1: kh, 2: ai, 5: ai}
    # Found at a line without an attribution: no author (a human line).
    assert authors_by_text({1: "y"}, [("y\n", [])]) == {1: None}


def test_authors_by_text_takes_the_occurrence_nearest_the_line() -> None:
    a, b = "s_a::t_1", "s_b::t_2"
    state = ("}\nq\n}\n", [LineAttribution(1, 1, a, None), LineAttribution(3, 3, b, None)])
    assert authors_by_text({1: "}", 3: "}"}, [state]) == {1: a, 3: b}


def test_authors_by_text_reads_at_most_max_states() -> None:
    read = []

    def states() -> Iterator[tuple[str, list[LineAttribution]]]:
        for k in range(MAX_STATES * 2):
            read.append(k)
            yield ("t\n" if k == MAX_STATES + 1 else "u\n"), [LineAttribution(1, 1, "s::t", None)]

    assert authors_by_text({1: "t"}, states()) == {}
    assert len(read) == MAX_STATES + 1  # the generator is asked once past the cap, then left


# ---------------------------------------------------------------------- carryover


def test_carryover_rules_in_order() -> None:
    p, c = "a\n", "a\nb\n"
    assert carryover_content(p, c, "a\r\nb\r\n") == c  # 1: committed == observed (EOL)
    assert carryover_content(p, c, "a\nb\nc\n") == "a\nb\nc\n"  # 2: unstaged additions
    assert carryover_content(p, "a\nb\nc\n", "a\nc\n") == "a\nb\nc\n"  # 3: uncheckpointed
    assert carryover_content("x\n", "x\n", "y\n") == "y\n"  # 4: committed == parent
    assert carryover_content("x\n", "y\n", "x\n") == "y\n"  # 5: observed == parent
    # 6: both sides changed different lines: a clean merge
    assert carryover_content("1\n2\n3\n4\n", "1\nB\n3\n4\n", "1\n2\n3\nD\n") == "1\nB\n3\nD\n"


def test_merge3_conflicts_go_to_observed() -> None:
    base = "1\n2\n3\n"
    assert merge3(base, "1\nA\n3\n", "1\nZ\n3\n") == "1\nZ\n3\n"
    assert merge3(base, "0\n1\n2\n3\n", "1\n2\n3\n4\n") == "0\n1\n2\n3\n4\n"
    assert merge3(base, "1\n2\n3\nx\n", "1\n2\n3\ny\n") == "1\n2\n3\ny\n"  # both appended
    assert merge3(base, "1\nS\n3\n", "1\nS\n3\n") == "1\nS\n3\n"
    # Lines both sides kept are written as the parent has them (git-ai: base_lines[i]).
    assert merge3("a\r\nb\r\n", "a\r\nb\r\nc\r\n", "A\nb\n") == "A\nb\r\nc\r\n"


# ---------------------------------------------------------------------- recovery


def _owner_note(owners: dict[int, str]) -> AuthorshipNote:
    by: dict[str, list[int]] = {}
    for line, key in owners.items():
        by.setdefault(key, []).append(line)
    return _note({"f": [(k, compress_lines(v)) for k, v in by.items()]})


def _edge(owners: dict[int, str], run: list[int]) -> list[int] | None:
    note = _owner_note(owners)
    before = {
        n for f in note.files for e in f.entries for a, b in e.ranges for n in range(a, b + 1)
    }
    extend_edges(note, {"f": set(run)}, "c" * 40)
    after = {n for f in note.files for e in f.entries for a, b in e.ranges for n in range(a, b + 1)}
    got = sorted(after - before)
    return got or None


def test_edge_extension_as_git_ai() -> None:
    # attribution_recovery.rs:
    # edge_recovery_extends_one_sided_runs_and_bridges_matching_ai_neighbors
    owners = {1: "s_a::t_1", 3: "s_a::t_2", 10: "s_a::t_3", 20: "s_b::t_1"}
    assert _edge(owners, [2]) == [2]
    assert _edge(owners, [4, 5, 6, 7, 8, 9]) == [4, 5, 6, 7, 8, 9]
    assert _edge(owners, [11, 12, 13, 14]) == [11, 12, 13]
    assert _edge(owners, [16, 17, 18, 19]) == [17, 18, 19]
    # edge_recovery_keeps_human_and_different_session_guardrails
    owners = {1: "s_a::t_1", 3: "s_b::t_1", 5: "h_human"}
    assert _edge(owners, [2]) is None
    assert _edge(owners, [4]) is None


def test_edge_extension_keys_are_deterministic_and_per_session() -> None:
    note = _owner_note({1: "s_aaaaaaaaaaaaaa::t_11111111111111"})
    extend_edges(note, {"f": {2, 3}}, "c" * 40)
    keys = [e.key for e in note.files[0].entries]
    assert keys[0] == "s_aaaaaaaaaaaaaa::t_11111111111111"
    assert keys[1].startswith("s_aaaaaaaaaaaaaa::t_") and keys[1] != keys[0]
    again = _owner_note({1: "s_aaaaaaaaaaaaaa::t_11111111111111"})
    extend_edges(again, {"f": {2, 3}}, "c" * 40)
    assert again == note


def test_known_human_fallback_rule() -> None:
    assert known_human_applies(AuthorshipNote())
    assert known_human_applies(_note({"f": [("h_x", [(1, 1)]), ("s_a::t_b", [(2, 2)])]}))
    assert not known_human_applies(_note({"f": [("s_a::t_b", [(2, 2)])]}))
    note = AuthorshipNote()
    assert recover_known_human(note, {"f": [1, 2, 5]}, "Ada <ada@example.com>") == 3
    (f,) = note.files
    assert f.entries[0].ranges == ((1, 2), (5, 5)) and f.entries[0].key.startswith("h_")
    assert list(note.metadata.humans.values()) == [{"author": "Ada <ada@example.com>"}]


def test_commit_metadata_detection() -> None:
    def keys(author: str, message: str) -> list[str]:
        return [a.key for a in detect_commit_agents(author, message)]

    assert keys("Ada <ada@x>", "fix\n") == []
    assert keys("Codex <codex@openai.com>", "fix") == ["codex"]
    assert keys("Ada <a@x>", "fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n") == [
        "claude"
    ]
    assert keys("Ada <a@x>", "Co-authored-by: Claude <claude@example.com>") == []
    assert keys("bot <123+copilot@users.noreply.github.com>", "x\ncodex-session: 1") == [
        "codex",
        "github-copilot",
    ]
    assert keys("Ada <a@x>", "Talked to claude-ish people") == []
