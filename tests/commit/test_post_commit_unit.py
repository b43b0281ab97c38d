"""git-ai's post-commit unit scenarios, ported.

``post_commit_unit.rs``, ``commit_msg_hook_rewrite_note_loss.rs``,
``prompt_across_commit.rs`` and the normal-commit half of
``stale_prompt_carry.rs`` (its amend and rebase halves belong to the
rewrite hooks). Each test asserts the exact note of every commit and the
INITIAL left behind.
"""

from __future__ import annotations

from lsm.notes import session_of
from tests.commit.conftest import MakeSandbox
from tests.commit.harness import ADA, ADA_H, Line, LineFile, Sandbox, ai, att, hu, un


def raw_commit(sb: Sandbox, path: str, text: str, message: str) -> str:
    """git-ai's ``write_raw_commit``: a commit made with no hook at all (no note)."""
    sb.write(path, text if text.endswith("\n") else text + "\n")
    sb.git("add", path)
    sb.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", message)
    return sb.head()


def test_post_commit_empty_repo_with_checkpoint(sandbox: MakeSandbox) -> None:
    """post_commit_unit.rs::test_post_commit_empty_repo_with_checkpoint"""
    sb = sandbox()
    sb.write("test.txt", "Hello, world!\n")
    sb.mock_known_human("test.txt")
    sb.write("test.txt", "Hello, world!\nSecond line\n")
    sb.mock_known_human("test.txt")
    sb.add("test.txt")
    c = sb.stage_all_and_commit("Initial commit")

    # A root commit: its log is "initial", archived once the note is written.
    sb.assert_note(c, att("test.txt", (ADA_H, "1-2")), humans=[ADA])
    with sb.store() as store:
        assert store.log_info("initial") is None
        assert store.log_info("old-initial") is not None


def test_post_commit_empty_repo_no_checkpoint(sandbox: MakeSandbox) -> None:
    """post_commit_unit.rs::test_post_commit_empty_repo_no_checkpoint

    No checkpoint, no working log: the known-human fallback attests every
    added line to the commit's author.
    """
    sb = sandbox()
    sb.write("test.txt", "Hello, world!\n")
    sb.add("test.txt")
    c = sb.stage_all_and_commit("Initial commit")

    sb.assert_note(c, att("test.txt", (ADA_H, "1")), humans=[ADA])


def test_post_commit_utf8_filename_with_ai_attribution(sandbox: MakeSandbox) -> None:
    """post_commit_unit.rs::test_post_commit_utf8_filename_with_ai_attribution"""
    sb = sandbox()
    sb.write("README.md", "# Test\n")
    sb.add("README.md")
    sb.mock_known_human("README.md")
    c0 = sb.stage_all_and_commit("Initial commit")
    sb.write("中文文件.txt", "Hello, 世界!\n")
    sb.add("中文文件.txt")
    k = sb.mock_ai("中文文件.txt")
    c1 = sb.stage_all_and_commit("Add Chinese file")

    sb.assert_note(c0, att("README.md", (ADA_H, "1")), humans=[ADA])
    # The path is written as UTF-8, never git's octal quoting.
    sb.assert_note(c1, att("中文文件.txt", (k, "1")), [k])


def test_commit_msg_hook_rewriting_subject_still_writes_authorship_note(
    sandbox: MakeSandbox,
) -> None:
    """commit_msg_hook_rewrite_note_loss.rs::commit_msg_hook_rewriting_subject_still_writes_authorship_note

    A ``commit-msg`` hook rewrites the subject, so the reflog message is not
    the ``-m`` text; post-commit still knows a plain commit happened.
    """
    sb = sandbox({"app.py": "print('start')\n"})
    sb.assert_committed_lines("app.py", [un("print('start')")])
    hook = sb.root / ".git" / "hooks" / "commit-msg"
    hook.write_text(
        '#!/bin/sh\nmsg_file="$1"\ntmp="$msg_file.tmp"\n'
        '{ printf \'hooked: \'; cat "$msg_file"; } > "$tmp"\n'
        'mv "$tmp" "$msg_file"\nexit 0\n'
    )
    hook.chmod(0o755)
    sb.write("app.py", "print('start')\nprint('ai wrote this')\n")
    k = sb.mock_ai("app.py")
    sb.add("app.py")
    c = sb.commit("add AI line")

    assert sb.git("log", "-1", "--format=%s") == "hooked: add AI line"
    sb.assert_committed_lines("app.py", [un("print('start')"), ai("print('ai wrote this')")])
    sb.assert_note(c, att("app.py", (k, "2")), [k])


FOO = [
    "def print_name(name: str) -> None:",
    '    """Print the given name."""',
    "    if name == 'foobar':",
    "        print('name not allowed!')",
    '    print(f"Hello, {name}!")',
    "",
    'print_name("Michael")',
]


def _change_across_commits(sandbox: MakeSandbox, inserted: Line) -> tuple[Sandbox, str, str, str]:
    """git-ai's story: an all-AI file committed, then an AI rewrite of line 5 and an insert."""
    sb = sandbox()
    f = LineFile(sb, "foo.py")
    f.set_contents([ai(x) for x in FOO])
    c1 = sb.stage_all_and_commit("Initial all AI")
    f.replace_at(4, ai('    print(f"Hello, {name.upper()}!")'))
    f.insert_at(4, [inserted])
    c2 = sb.stage_all_and_commit("add more AI")
    k1, k2 = f.keys
    sb.assert_note(c1, att("foo.py", (k1, "1-7")), [k1], humans=[ADA])
    assert session_of(k1) != session_of(k2)
    return sb, c2, k1, k2


def test_change_across_commits(sandbox: MakeSandbox) -> None:
    """prompt_across_commit.rs::test_change_across_commits

    Two entries: the known human's line 5, the new AI line 6 (another session).
    """
    sb, c2, _k1, k2 = _change_across_commits(sandbox, hu("    name = name.upper()"))
    sb.assert_note(c2, att("foo.py", (ADA_H, "5"), (k2, "6")), [k2], humans=[ADA])


def test_change_across_commits_standard_human(sandbox: MakeSandbox) -> None:
    """prompt_across_commit.rs::test_change_across_commits_standard_human

    The untracked line right before the new AI line is recovered by edge
    extension, under that session and a trace of its own.
    """
    sb, c2, _k1, k2 = _change_across_commits(sandbox, un("    name = name.upper()"))
    edge = sb.edge_key(c2, "foo.py", 5, k2)
    sb.assert_note(c2, att("foo.py", (edge, "5"), (k2, "6")), [k2])


def test_stale_prompt_not_carried_to_subsequent_human_commits(sandbox: MakeSandbox) -> None:
    """stale_prompt_carry.rs::test_stale_prompt_not_carried_to_subsequent_human_commits"""
    sb = sandbox()
    c0 = raw_commit(sb, "base.txt", "Base content", "Initial commit")
    f = LineFile(sb, "pi.md")
    f.set_contents([ai("AI line 1"), ai("AI line 2"), ai("AI line 3")])
    a = sb.stage_all_and_commit("AI commit")
    sb.write(
        "canada.md",
        "O Canada!\nOur home and native land!\nTrue patriot love in all of us command.\n",
    )
    sb.add("canada.md")
    b = sb.commit("Human-only commit")
    sb.write("new-file.md", "Hello safety\n")
    sb.add("new-file.md")
    c = sb.commit("Another human-only commit")

    (k,) = f.keys
    assert sb.note(c0) is None  # made with no hook
    sb.assert_note(a, att("pi.md", (k, "1-3")), [k], humans=[ADA])
    # No stale session or prompt: each human commit has only its own lines.
    sb.assert_note(b, att("canada.md", (ADA_H, "1-3")), humans=[ADA])
    sb.assert_note(c, att("new-file.md", (ADA_H, "1")), humans=[ADA])


def test_prompt_present_when_ai_lines_committed(sandbox: MakeSandbox) -> None:
    """stale_prompt_carry.rs::test_prompt_present_when_ai_lines_committed"""
    sb = sandbox()
    raw_commit(sb, "base.txt", "Base content", "Initial commit")
    f = LineFile(sb, "code.rs")
    f.set_contents([ai("fn hello() {"), ai('    println!("hello");'), ai("}")])
    c = sb.stage_all_and_commit("AI adds code")

    (k,) = f.keys
    # Sessions, never legacy prompts, for a current-format checkpoint.
    sb.assert_note(c, att("code.rs", (k, "1-3")), [k], humans=[ADA])
    assert sb.metadata(c)["prompts"] == {}


def test_unstaged_ai_lines_prompt_not_in_human_commit_note(sandbox: MakeSandbox) -> None:
    """stale_prompt_carry.rs::test_unstaged_ai_lines_prompt_not_in_human_commit_note

    The unstaged AI line waits in INITIAL across a human-only commit of
    another file; that commit's note names no session, and INITIAL (with
    its session record) moves on to the next base untouched.
    """
    sb = sandbox()
    base = LineFile(sb, "base.txt")
    base.set_contents(["Base content", ""])
    sb.stage_all_and_commit("Initial commit")
    base.insert_at(1, [ai("AI line"), ai("AI line 2")])
    base.stage()
    base.insert_at(3, [ai("unstaged ai")])
    c1 = sb.commit("Commit with AI lines")
    k1, k2 = base.keys
    sb.assert_note(c1, att("base.txt", (k1, "2-3")), [k1], initial={"base.txt": [(4, 4, k2)]})

    sb.write("human.txt", "Pure human content\n")
    sb.add("human.txt")
    c2 = sb.commit("Human-only commit while unstaged AI exists")
    sb.assert_note(
        c2, att("human.txt", (ADA_H, "1")), humans=[ADA], initial={"base.txt": [(4, 4, k2)]}
    )
    assert sb.initial_snapshot("base.txt") == base.contents()
    assert sb.initial().sessions == {k2.split("::")[0]: sb.session_record(k2)}
    sb.assert_committed_lines("base.txt", ["Base content", ai("AI line"), ai("AI line 2")])
