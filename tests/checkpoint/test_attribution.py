"""Worked examples pinning each rule of git-ai's attribution algorithm (semantics 2.6).

The expected values were worked out by hand from the rules (and, for the
cases git-ai's own suite covers, agree with its assertions).
"""

from __future__ import annotations

from lsm.checkpoint.attribution import (
    attribute_unattributed_ranges,
    attributions_to_line_attributions,
    compute_diffs,
    line_attributions_to_attributions,
    update_attributions,
)
from lsm.checkpoint.line_stats import file_line_stats
from lsm.checkpoint.tokens import tokenize
from lsm.model import Attribution, LineAttribution, LineStats

TS = 1_234_567_890_000


def owner(attrs: list[Attribution], start: int, end: int) -> str:
    for a in attrs:
        if a.start <= start and a.end >= end:
            return a.author_id
    raise AssertionError(f"{start}..{end} not covered by {attrs}")


def non_ws_owners(attrs: list[Attribution], content: bytes) -> set[str]:
    owners = set()
    for i, b in enumerate(content):
        if chr(b).isspace():
            continue
        hits = [a.author_id for a in attrs if a.start <= i < a.end]
        owners.add(hits[0] if hits else "<none>")
    return owners


def update(old: bytes, new: bytes, attrs: list[Attribution], author: str, ai: bool = False):
    return update_attributions(old, new, attrs, author, TS + 1, ai)


# --- tokens -------------------------------------------------------------------


def test_tokenizer_classes() -> None:
    text = b'x+=0x1F; y = "a\\"b" && 1.5e-3 -> caf\xc3\xa9_2 \xe2\x9c\x85'
    lexemes = [t.lexeme for t in tokenize(text, 0, len(text))]
    assert lexemes == [
        *["x", "+=", "0x1F", ";", "y", "=", '"a\\"b"'],
        *["&&", "1.5e-3", "->", "café_2", "✅"],
    ]
    tok = tokenize(text, 0, len(text))[-2]
    assert text[tok.start : tok.end] == "café_2".encode()  # byte offsets


def test_tokenizer_rust_whitespace_and_alphabetic() -> None:
    # U+001F is whitespace for Python, not for Rust: it is a token of its own.
    assert [t.lexeme for t in tokenize(b"a\x1fb", 0, 3)] == ["a", "\x1f", "b"]
    # U+2165 (Roman numeral six, Nl) is Alphabetic for Rust, not isalpha() for Python.
    data = "x\u2165".encode()
    assert [t.lexeme for t in tokenize(data, 0, len(data))] == ["x\u2165"]
    # U+00A0 (no-break space) separates tokens.
    data = "a\u00a0b".encode()
    assert [t.lexeme for t in tokenize(data, 0, len(data))] == ["a", "b"]


def test_open_string_runs_to_range_end_and_number_quirk() -> None:
    assert [t.lexeme for t in tokenize(b"'abc def", 0, 8)] == ["'abc def"]
    # "1else": the number takes the 'e', the identifier the rest (git-ai's lexer).
    assert [t.lexeme for t in tokenize(b"1else", 0, 5)] == ["1e", "lse"]


# --- phase 1: diffs -------------------------------------------------------------


def test_ai_force_split_never_inherits_inside_a_hunk() -> None:
    old = b"a = foo(x)\n"
    new = b"a = foo(y)\n"
    attrs = [Attribution(0, len(old), "human", TS)]
    diffs, _ = compute_diffs(old, new, True)
    assert [k for k, _ in diffs] == [1, 2]  # Delete whole line, Insert whole line
    updated = update(old, new, attrs, "ai", ai=True)
    assert non_ws_owners(updated, new) == {"ai"}
    # The same edit by a human is token-aligned: only `y` changes hands.
    human = update(old, new, [Attribution(0, len(old), "alice", TS)], "bob")
    assert owner(human, new.index(b"y"), new.index(b"y") + 1) == "bob"
    assert owner(human, 0, new.index(b"(") + 1) == "alice"


def test_token_alignment_substantive_change() -> None:
    old = b"fn main() {\n    let value = 1;\n}\n"
    new = b"fn main() {\n    let value = 2;\n}\n"
    updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
    two = new.index(b"2")
    assert owner(updated, two, two + 1) == "Bob"
    assert non_ws_owners(updated, new[:two]) == {"Alice"}


def test_indent_change_is_a_formatting_pair() -> None:
    old = b"fn test() {\n  do_stuff();\n}\n"
    new = b"fn test() {\n        do_stuff();\n}\n"
    updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
    assert non_ws_owners(updated, new) == {"Alice"}


def test_reflow_without_token_change_keeps_author() -> None:
    for old, new in [
        (b"call(foo, bar, baz)", b"call(\n  foo,\n  bar,\n  baz\n)"),
        (b"call(foo, bar, baz);", b"call(\n  foo,\n  bar,\n  baz\n);"),
        (
            b'if (foo && bar || baz) { println!("condition"); }',
            b'if (foo\n    && bar\n    || baz) {\n    println!("condition");\n}',
        ),
    ]:
        updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
        lines = attributions_to_line_attributions(updated, new, False)
        assert lines and all(la.author_id == "Alice" for la in lines), lines


def test_adding_a_token_is_substantive() -> None:
    old = b"call(foo, bar, baz)"
    new = b"call(foo, bar, baz);"
    updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
    lines = attributions_to_line_attributions(updated, new, False)
    assert [la.author_id for la in lines] == ["Bob"]


def test_large_file_small_edit() -> None:
    old = b"".join(b"const V%04d = %d;\n" % (i, i) for i in range(1400))
    new = old.replace(b"const V0700 = 700;", b"const V0700 = 9999;")
    updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
    pos = new.index(b"9999")
    assert owner(updated, pos, pos + 4) == "Bob"
    pos = new.index(b"V0001")
    assert owner(updated, pos, pos + 5) == "Alice"


# --- phases 3-5 -------------------------------------------------------------------


def test_moves_of_three_lines_keep_their_authors() -> None:
    helper = b'fn helper() {\n    let x = 1;\n    let y = 2;\n    println!("helper");\n}\n'
    main = b'fn main() {\n    let a = 3;\n    let b = 4;\n    println!("main");\n}\n'
    old, new = helper + main, main + helper
    cut = len(helper)
    attrs = [Attribution(0, cut, "Alice", TS), Attribution(cut, len(old), "Bob", TS)]
    updated = update(old, new, attrs, "Carol")
    # Myers keeps the main block (minus its brace) equal, so it stays Bob's;
    # the helper block is deleted and re-inserted, and move detection carries
    # Alice's attribution to its new place. The new "}\n" pair between them
    # and the re-inserted newline are Carol's; the last brace is equal text.
    start = new.index(b"fn helper")
    end = new.index(b'"helper");') + len(b'"helper");')
    assert owner(updated, 0, new.index(b"}")) == "Bob"
    assert owner(updated, start, end) == "Alice"
    assert owner(updated, start - 2, start) == "Carol"
    assert owner(updated, len(new) - 2, len(new)) == "Bob"


def test_two_line_block_is_not_a_move() -> None:
    block = b"alpha_one()\nbeta_two()\n"
    other = b"gamma()\ndelta()\nepsilon()\n"
    old, new = block + other, other + block
    attrs = [Attribution(0, len(block), "Alice", TS), Attribution(len(block), len(old), "Bob", TS)]
    updated = update(old, new, attrs, "Carol")
    start = new.index(b"alpha_one")
    # Without a move the re-inserted lines contain newlines: they go to Carol.
    assert owner(updated, start, len(new)) == "Carol"


def test_deletion_leaves_zero_length_marker() -> None:
    old = b"keep remove keep"
    new = b"keep  keep"
    attrs = [
        Attribution(0, 4, "Alice", TS),
        Attribution(5, 11, "Bob", TS),
        Attribution(12, len(old), "Alice", TS),
    ]
    updated = update(old, new, attrs, "Carol")
    assert all(a.author_id != "Bob" for a in updated)
    markers = [a for a in updated if a.start == a.end]
    # The gap before "remove" is deleted first, so the marker sits at byte 4.
    assert markers == [Attribution(4, 4, "Carol", TS + 1)]


def test_whitespace_deletion_by_human_leaves_no_marker_but_ai_does() -> None:
    old = b"a  b\n"
    new = b"a b\n"
    attrs = [Attribution(0, len(old), "Alice", TS)]
    human = update(old, new, attrs, "Bob")
    assert not [a for a in human if a.start == a.end]
    ai = update(old, new, attrs, "ai", ai=True)
    assert [a for a in ai if a.start == a.end] == [Attribution(0, 0, "ai", TS + 1)]


def test_merge_sorts_dedupes_and_coalesces() -> None:
    old = b"x\n"
    new = b"x\ny\nz\n"
    updated = update(old, new, [Attribution(0, 2, "Alice", TS)], "ai", ai=True)
    # Two inserted lines are one Insert op -> one range; Alice's line untouched.
    assert updated == [Attribution(0, 2, "Alice", TS), Attribution(2, 6, "ai", TS + 1)]


def test_unattributed_ranges_are_filled() -> None:
    filled = attribute_unattributed_ranges(b"A B C", [Attribution(0, 1, "Alice", TS)], "Bob", 7)
    assert filled == [Attribution(0, 1, "Alice", TS), Attribution(1, 5, "Bob", 7)]
    # Multi-byte: a range ending inside a character covers that character.
    content = "é-x".encode()  # é is 2 bytes
    filled = attribute_unattributed_ranges(content, [Attribution(0, 1, "A", 1)], "h", 0)
    assert filled[-1] == Attribution(2, 4, "h", 0)


# --- character -> line ---------------------------------------------------------------


def test_line_author_is_latest_ts_and_human_lines_dropped() -> None:
    content = b"let x = foo() + bar();\n"
    attrs = [
        Attribution(0, 8, "Alice", TS),
        Attribution(8, 13, "Bob", TS),
        Attribution(13, 21, "Carol", TS),
    ]
    assert attributions_to_line_attributions(attrs, content, False) == [
        LineAttribution(1, 1, "Alice", None)
    ]
    attrs = [Attribution(0, 8, "human", TS), Attribution(8, 13, "ai", TS + 5)]
    assert attributions_to_line_attributions(attrs, content, False) == [
        LineAttribution(1, 1, "ai", None)
    ]
    only_human = [Attribution(0, 23, "human", TS)]
    assert attributions_to_line_attributions(only_human, content, False) == []


def test_overrode_when_human_edits_an_ai_line() -> None:
    old = b"def f():\n    return 1\n"
    ai_attrs = [Attribution(0, len(old), "ai-session", TS)]
    new = b"def f():\n    return 2\n"
    updated = update_attributions(old, new, ai_attrs, "human", TS + 10, False)
    lines = attributions_to_line_attributions(updated, new, False)
    assert lines == [
        LineAttribution(1, 1, "ai-session", None),
        LineAttribution(2, 2, "human", "ai-session"),
    ]


def test_known_human_h_ids_are_kept_and_whitespace_rule() -> None:
    content = b"abc\n   \n"
    attrs = [Attribution(0, 4, "h_0123456789abcd", TS), Attribution(4, 8, "ai", TS + 1)]
    # Line 2 is blank: any candidate counts; ai has the later ts.
    assert attributions_to_line_attributions(attrs, content, False) == [
        LineAttribution(1, 1, "h_0123456789abcd", None),
        LineAttribution(2, 2, "ai", None),
    ]
    # A whitespace-only slice of a non-blank line counts only for AI in AI checkpoints.
    content = b"abc def\n"
    attrs = [Attribution(0, 3, "human", TS + 5), Attribution(3, 4, "ai", TS + 9)]
    assert attributions_to_line_attributions(attrs, content, False) == []
    # The human slice is later-ts but the ai one is older: no override.
    assert attributions_to_line_attributions(attrs, content, True) == [
        LineAttribution(1, 1, "ai", None)
    ]


def test_zero_length_marker_counts_strictly_inside_a_line() -> None:
    content = b"abc\ndef\n"
    marker = [Attribution(0, 8, "human", TS), Attribution(5, 5, "ai", TS + 1)]
    assert attributions_to_line_attributions(marker, content, False) == [
        LineAttribution(2, 2, "ai", None)
    ]
    at_start = [Attribution(0, 8, "human", TS), Attribution(4, 4, "ai", TS + 1)]
    assert attributions_to_line_attributions(at_start, content, False) == []


def test_split_multibyte_range_and_line_to_char() -> None:
    content = "选\n".encode()
    assert attributions_to_line_attributions([Attribution(0, 1, "Alice", TS)], content, False) == [
        LineAttribution(1, 1, "Alice", None)
    ]
    lines = [LineAttribution(2, 3, "ai", "x"), LineAttribution(5, 9, "ai", None)]
    assert line_attributions_to_attributions(lines, b"a\nbb\nc\nd", 42) == [
        Attribution(2, 7, "ai", 42)
    ]


def test_ai_inserted_blank_lines_count_for_ai() -> None:
    old = b"# My Application\n"
    new = (
        b'# My Application\n\nimport os\nimport sys\n\ndef setup():\n    print("Setting up")\n\n'
        b'def main():\n    setup()\n    print("Running main")\n\ndef cleanup():\n'
        b'    print("Cleaning up")\n\nif __name__ == "__main__":\n    main()\n'
    )
    updated = update(old, new, [Attribution(0, len(old), "human", TS)], "ai")
    assert any(a.author_id == "human" and a.start == 0 and a.end >= len(old) for a in updated)
    lines = attributions_to_line_attributions(updated, new, False)
    assert [(la.start_line, la.end_line, la.author_id) for la in lines] == [(2, 17, "ai")]


def test_crlf_changes() -> None:
    crlf, lf = b"hello\r\nworld\r\n", b"hello\nworld\n"
    for old, new in [(crlf, lf), (lf, crlf)]:
        updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
        assert non_ws_owners(updated, new) == {"Alice"}
    old = b"line1\r\nline2\r\nline3\r\n"
    new = b"line1\nmodified\nline3\n"
    updated = update(old, new, [Attribution(0, len(old), "Alice", TS)], "Bob")
    assert owner(updated, 0, 5) == "Alice"
    assert owner(updated, 6, 14) == "Bob"
    assert owner(updated, 15, 20) == "Alice"


# --- line stats ------------------------------------------------------------------------


def test_line_stats() -> None:
    assert file_line_stats(b"a\nb\n", b"a\nc\n\n") == LineStats(2, 1, 1, 1)
    # CRLF-only differences count nothing.
    assert file_line_stats(b"a\r\nb\r\n", b"a\nb\n") == LineStats()
    # A pure insertion of a duplicated block slides to git's position; counts are per line.
    assert file_line_stats(b"", b"x\n  \ny\n") == LineStats(3, 0, 2, 0)
    assert file_line_stats(b"x\ny\n", b"") == LineStats(0, 2, 0, 2)
