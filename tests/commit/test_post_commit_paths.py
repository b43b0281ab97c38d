"""File names and file contents git handles specially, ported from git-ai.

``utf8_filenames.rs`` (non-ASCII names: the note holds the UTF-8 name, NFC),
``non_utf8_files.rs`` (GBK, Latin-1, Shift-JIS, binary files next to AI
files) and ``e2big_post_filter.rs`` (more than 1000 files with attribution
state: ``git diff`` gets no pathspecs and its output is filtered).
"""

from __future__ import annotations

import unicodedata

from tests.commit.conftest import MakeSandbox
from tests.commit.harness import ADA, ADA_H, CKPTLOG, LineFile, Sandbox, ai, att, attested, hu

GBK_HELLO = bytes([0xC4, 0xE3, 0xBA, 0xC3, 0xCA, 0xC0, 0xBD, 0xE7, 0x0A])
GBK_MULTILINE = bytes(
    [0xC4, 0xE3, 0xBA, 0xC3, 0x0A, 0xCA, 0xC0, 0xBD, 0xE7, 0x0A, 0xB2, 0xE2, 0xCA, 0xD4, 0x0A]
)
LATIN1 = b"caf\xe9 r\xe9sum\xe9\n"
SHIFT_JIS = bytes([0x82, 0xB1, 0x82, 0xF1, 0x82, 0xC9, 0x82, 0xBF, 0x82, 0xCD, 0x0A])
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de")


def project(sandbox: MakeSandbox) -> Sandbox:
    """git-ai's usual start: a README committed by the known human."""
    sb = sandbox()
    LineFile(sb, "README.md").set_contents(["# Project"])
    sb.stage_all_and_commit("Initial commit")
    return sb


def write_bytes(sb: Sandbox, rel: str, data: bytes) -> None:
    path = sb.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


UTF8_NAMES = {
    "test_chinese_filename_ai_attribution": ("中文文件.txt", ["第一行", "第二行", "第三行"]),
    "test_emoji_filename_ai_attribution": (
        "🚀rocket_launch.txt",
        ["Launch sequence initiated", "Engines igniting", "Liftoff!", "Mission success"],
    ),
    "test_nested_directory_with_utf8_filename": (
        "src/模块/组件.ts",
        ["export const 组件 = () => {};", "export default 组件;"],
    ),
    "test_precomposed_nfc_filename": (
        "caf\u00e9.txt",
        ["Precomposed NFC form", "café with é = U+00E9"],
    ),
    "test_decomposed_nfd_filename": (
        "cafe\u0301.txt",
        ["Decomposed NFD form", "cafe with e + combining accent"],
    ),
    "test_combining_diacritical_marks": (
        "nai\u0308ve.txt",
        ["Combining diacritical marks", "naïve with combining diaeresis"],
    ),
    "test_emoji_zwj_sequences": ("👨\u200d👩\u200d👧family.txt", ["Family emoji", "ZWJ"]),
    "test_rtl_with_ltr_mixed_filename": ("test_مرحبا_hello.txt", ["Mixed RTL", "and LTR"]),
}


def test_utf8_filename_ai_attribution(sandbox: MakeSandbox) -> None:
    """utf8_filenames.rs: test_chinese_filename_ai_attribution, test_emoji_filename_ai_attribution,
    test_nested_directory_with_utf8_filename, test_precomposed_nfc_filename,
    test_decomposed_nfd_filename, test_combining_diacritical_marks,
    test_emoji_zwj_sequences, test_rtl_with_ltr_mixed_filename.

    One commit per name, as git-ai's tests (in one repository): the note
    names the file in UTF-8, NFC-normalised as git-ai's diff parser does
    (a decomposed name is attested under its composed form), and every
    line is the AI's.
    """
    sb = project(sandbox)
    for name, (path, lines) in UTF8_NAMES.items():
        f = LineFile(sb, path)
        f.set_contents([ai(x) for x in lines])
        c = sb.stage_all_and_commit(f"Add {name}")
        (k,) = f.keys
        nfc = unicodedata.normalize("NFC", path)
        sb.assert_note(c, att(nfc, (k, f"1-{len(lines)}")), [k], humans=[ADA])
        sb.assert_lines_and_blame(path, [ai(x) for x in lines])
        assert sb.initial_lines() == {}


def test_mixed_ascii_and_utf8_filenames(sandbox: MakeSandbox) -> None:
    """utf8_filenames.rs::test_mixed_ascii_and_utf8_filenames"""
    sb = project(sandbox)
    files = {
        "normal_file.txt": ["Normal line 1", "Normal line 2"],
        "配置文件.txt": ["设置一", "设置二", "设置三"],
        "🎉celebration.txt": ["Party time!"],
    }
    keys = {}
    for path, lines in files.items():
        f = LineFile(sb, path)
        f.set_contents([ai(x) for x in lines])
        keys[path] = f.keys[0]
    c = sb.stage_all_and_commit("Add mixed files")

    expected = "".join(
        att(p, (keys[p], "1" if len(files[p]) == 1 else f"1-{len(files[p])}"))
        for p in sorted(files)
    )
    sb.assert_note(c, expected, keys.values(), humans=[ADA])


def test_utf8_filename_with_human_and_ai_lines(sandbox: MakeSandbox) -> None:
    """utf8_filenames.rs::test_utf8_filename_with_human_and_ai_lines (3 known-human, 2 AI)"""
    sb = project(sandbox)
    f = LineFile(sb, "数据.json")
    f.set_contents(["{", ai('  "name": "测试",'), ai('  "value": 123,'), '  "enabled": true', "}"])
    c = sb.stage_all_and_commit("Add data file")

    (k,) = f.keys
    sb.assert_note(c, att("数据.json", (ADA_H, "1,4-5"), (k, "2-3")), [k], humans=[ADA])


# ---------------------------------------------------------------------- non_utf8_files.rs


def test_commit_non_utf8_file_succeeds(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs: test_commit_gbk_encoded_file_succeeds, …_latin1_…, …_shift_jis_…,
    test_commit_mixed_valid_invalid_utf8_file_succeeds.

    A human commit of a file that is not UTF-8 succeeds with no warning,
    and the known-human fallback attests its lines like any other (one
    commit per encoding, in one repository).
    """
    sb = project(sandbox)
    mixed = b"line one is ascii\n\x80\x81\x82\nline three is ascii\n\xfe\xff\nline five\n"
    cases = {"gbk.txt": GBK_HELLO, "latin1.txt": LATIN1, "sjis.txt": SHIFT_JIS, "mixed.txt": mixed}
    for path, data in cases.items():
        write_bytes(sb, path, data)
        c = sb.stage_all_and_commit(f"Add {path}")
        lines = data.count(b"\n")
        sb.assert_note(c, att(path, (ADA_H, "1" if lines == 1 else f"1-{lines}")), humans=[ADA])


def test_edit_and_delete_non_utf8_file(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_edit_non_utf8_file_second_commit and test_delete_non_utf8_file"""
    sb = project(sandbox)
    write_bytes(sb, "gbk_file.txt", GBK_HELLO)
    sb.stage_all_and_commit("Add GBK file")
    write_bytes(sb, "gbk_file.txt", GBK_MULTILINE)
    c2 = sb.stage_all_and_commit("Edit GBK file")
    (sb.root / "gbk_file.txt").unlink()
    c3 = sb.stage_all_and_commit("Delete GBK file")

    sb.assert_note(c2, att("gbk_file.txt", (ADA_H, "1-3")), humans=[ADA])
    # A deletion-only commit still gets its (empty) note.
    sb.assert_note(c3, "")


def test_ai_attribution_preserved_with_non_utf8_in_same_commit(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_ai_attribution_preserved_with_non_utf8_in_same_commit

    The GBK file was never checkpointed and the note has AI lines: no
    fallback, its lines stay untracked.
    """
    sb = project(sandbox)
    f = LineFile(sb, "ai_output.py")
    f.set_contents([ai("def hello():"), ai("    return 'world'")])
    write_bytes(sb, "legacy_gbk.txt", GBK_MULTILINE)
    c = sb.stage_all_and_commit("Mixed commit")

    (k,) = f.keys
    sb.assert_note(c, att("ai_output.py", (k, "1-2")), [k], humans=[ADA])


def test_checkpoint_ai_with_non_utf8_file_present(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_checkpoint_ai_with_non_utf8_file_present"""
    sb = project(sandbox)
    write_bytes(sb, "legacy.txt", GBK_HELLO)
    sb.git("add", "-A")
    done = sb.run(CKPTLOG, "checkpoint")
    # git-ai drops a non-UTF-8 file from a checkpoint silently; ckptlog says so.
    assert "skipped legacy.txt: content is not valid UTF-8" in done.stderr
    f = LineFile(sb, "generated.py")
    f.set_contents([ai("print('hello')"), ai("print('world')")])
    c = sb.stage_all_and_commit("Commit with AI file and GBK file")

    (k,) = f.keys
    sb.assert_note(c, att("generated.py", (k, "1-2")), [k], humans=[ADA])


def test_binary_and_non_utf8_with_ai_file(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_binary_and_non_utf8_with_ai_file and
    ``test_binary_file_does_not_crash_commit``.

    A binary file has no lines in git's diff: nothing to attest, no warning.
    """
    sb = project(sandbox)
    write_bytes(sb, "image.png", PNG)
    c1 = sb.stage_all_and_commit("Add binary file")
    sb.assert_note(c1, "")

    write_bytes(sb, "data.bin", bytes([0x00, 0x01, 0x02, 0xFF, 0xFE]))
    write_bytes(sb, "chinese.txt", GBK_MULTILINE)
    f = LineFile(sb, "output.rs")
    f.set_contents([ai("fn process() -> bool {"), ai("    true"), ai("}")])
    c2 = sb.stage_all_and_commit("Add binary, GBK, and AI files")
    (k,) = f.keys
    sb.assert_note(c2, att("output.rs", (k, "1-3")), [k], humans=[ADA])


def test_line_attribution_interleaved_ai_human_with_non_utf8(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_line_attribution_interleaved_ai_human_with_non_utf8"""
    sb = sandbox()
    f = LineFile(sb, "mixed.rs")
    f.set_contents(["fn main() {"])
    write_bytes(sb, "notes.txt", LATIN1)
    c0 = sb.stage_all_and_commit("Base commit")
    f.insert_at(
        1,
        [
            ai("    let a = ai_gen();"),
            hu("    let b = human_wrote();"),
            ai("    let c = ai_gen_2();"),
        ],
    )
    c1 = sb.stage_all_and_commit("Interleaved additions")

    sb.assert_lines_and_blame("mixed.rs", [ai(x.text) for x in f.lines])
    # notes.txt was never checkpointed, mixed.rs by the known human: both h_ via
    # the fallback (the note has an h_ entry).
    sb.assert_note(c0, att("mixed.rs", (ADA_H, "1")) + att("notes.txt", (ADA_H, "1")), humans=[ADA])
    k1, k2 = f.keys
    sb.assert_note(c1, att("mixed.rs", (k1, "1-2"), (k2, "3-4")), [k1, k2], humans=[ADA])


def test_file_with_null_bytes_in_content(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_file_with_null_bytes_in_content (git: binary)"""
    sb = project(sandbox)
    write_bytes(sb, "nulls.dat", b"hello\x00world\n")
    c = sb.stage_all_and_commit("Add file with null bytes")
    sb.assert_note(c, "")


def test_large_non_utf8_file(sandbox: MakeSandbox) -> None:
    """non_utf8_files.rs::test_large_non_utf8_file (500 GBK lines)"""
    sb = project(sandbox)
    data = b"".join(bytes([0xC4, 0xE3, 0xBA, 0xC3]) + f" line {i}\n".encode() for i in range(500))
    write_bytes(sb, "large_gbk.txt", data)
    c = sb.stage_all_and_commit("Add large GBK file")
    sb.assert_note(c, att("large_gbk.txt", (ADA_H, "1-500")), humans=[ADA])


# ---------------------------------------------------------------------- e2big_post_filter.rs


def test_diff_added_lines_post_filter_correct_line_numbers(sandbox: MakeSandbox) -> None:
    """e2big_post_filter.rs::test_diff_added_lines_post_filter_correct_line_numbers and
    ``test_diff_added_lines_post_filter_exclusion``, end to end.

    1001 files have AI state (two checkpoints, under the 1000-path cap of
    one), so post-commit's ``git diff`` takes no pathspec (git-ai's
    MAX_PATHSPEC_ARGS) and filters its output. Three files are committed:
    the note has exactly their lines; the 998 others wait in INITIAL.
    """
    sb = sandbox({"a.txt": "L1\nL2\nL3\n", "unrelated.txt": "u\n"})
    names = [f"f{i:04d}.txt" for i in range(1001)]
    for name in names:
        sb.write(name, f"{name}\n")
    k1 = sb.mock_ai(*names[:600])
    sb.write("a.txt", "L1\nL2\nL3\nL4\nL5\n")
    k2 = sb.mock_ai("a.txt", *names[600:])
    sb.write("unrelated.txt", "u\nhuman\n")
    sb.add("a.txt", "unrelated.txt", names[0], names[1000])
    c = sb.commit("three files")

    sb.assert_note(
        c,
        att("a.txt", (k2, "4-5")) + att(names[0], (k1, "1")) + att(names[1000], (k2, "1")),
        [k1, k2],
        initial={n: [(1, 1, k1 if i < 600 else k2)] for i, n in enumerate(names) if 0 < i < 1000},
    )


def test_texts_through_the_tree_listing(sandbox: MakeSandbox) -> None:
    """Past a few dozen files with state (postcommit.TREE_LISTING_FROM), C's texts are found by
    blob id from one ``ls-tree``: non-ASCII and nested names, files of identical content (one
    blob), a file the commit deletes and files left uncommitted are all read as before."""
    sb = sandbox({"keep.txt": "k\n"})
    names = [f"d{i % 3}/f{i:02d}.txt" for i in range(30)] + ["中文/名.txt", "caf\u00e9 x.txt"]
    for name in names:
        sb.write(name, "same\n")  # one blob for all
    sb.write("gone.txt", "old\n")
    sb.add("gone.txt")
    sb.commit("gone.txt")
    k = sb.mock_ai(*names)
    committed = names[::2]
    sb.add(*committed)
    (sb.root / "gone.txt").unlink()
    sb.git("rm", "-q", "--cached", "gone.txt")
    c = sb.commit("half of them")

    sb.assert_note(
        c,
        attested({n: [(k, "1")] for n in committed}),
        [k],
        initial={n: [(1, 1, k)] for n in names if n not in committed},
    )


def test_files_the_commit_left_as_committed_are_not_read(sandbox: MakeSandbox) -> None:
    """Files with AI state that the commit did not touch and the work tree holds as committed
    contribute nothing, so post-commit skips them unread (past TREE_LISTING_FROM files, where
    C's blob ids come from ``ls-tree``); a dirty one among them still carries over, and one the
    commit changed is still attested."""
    names = [f"f{i:02d}.txt" for i in range(30)]
    sb = sandbox({n: f"{n}\n" for n in names})
    # The agent edits every file and puts it back: state in the log, nothing to attest.
    for n in names:
        sb.write(n, f"{n}\ntried\n")
    sb.mock_ai(*names)
    for n in names:
        sb.write(n, f"{n}\n")
    sb.mock_ai(*names)
    sb.write("f00.txt", "f00.txt\nai line\n")
    sb.write("f01.txt", "f01.txt\nai dirty\n")
    k = sb.mock_ai("f00.txt", "f01.txt")
    sb.add("f00.txt")
    # The commit without hooks, then its post-commit by hand, verbose (the hook's is quiet).
    sb.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "one file")
    done = sb.ckptlog("post-commit", "--verbose")
    assert "28 file(s) with AI state left as committed, unread" in done.stderr, done.stderr
    sb.assert_note(sb.head(), att("f00.txt", (k, "2")), [k], initial={"f01.txt": [(2, 2, k)]})
