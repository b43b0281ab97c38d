"""git-ai's carry-over and INITIAL scenarios, ported.

``daemon_commit_carryover.rs`` (what a commit's note is made of, and what
waits in INITIAL for the next one) and ``initial_attributions.rs`` (INITIAL
written directly, then a checkpoint and a commit). Exact notes and INITIAL
throughout.
"""

from __future__ import annotations

from typing import Any

from lsm.hashing import sha256
from lsm.ids import legacy_short_hash
from lsm.model import InitialAttributions, LineAttribution
from tests.commit.conftest import MakeSandbox
from tests.commit.harness import ADA, ADA_H, LineFile, Sandbox, ai, att, hu, un


def test_daemon_commit_uses_immutable_commit_content_not_next_worktree_edit(
    sandbox: MakeSandbox,
) -> None:
    """daemon_commit_carryover.rs::test_daemon_commit_uses_immutable_commit_content_not_next_worktree_edit

    git-ai's daemon writes the note after the commit, while the work tree
    may already have moved on. Here: a commit made with no hook, the next
    edit, then ``ckptlog post-commit --commit`` (the redo): the note and
    INITIAL come from the commit's immutable content, never the work tree.
    """
    sb = sandbox()
    sb.write("race.txt", "base\n")
    sb.mock_known_human("race.txt")
    c0 = sb.stage_all_and_commit("base")
    sb.assert_committed_lines("race.txt", [hu("base")])
    k = sb.agent_edit("race.txt", "base\nsecond-ai\n")
    sb.git("add", "race.txt")
    sb.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "add ai line")
    c1 = sb.head()
    sb.write("race.txt", "base\nnext-operation-line\n")
    assert sb.git("show", "HEAD:race.txt") == "base\nsecond-ai"
    assert sb.note(c1) is None

    sb.ckptlog("post-commit", "--commit", c1)
    sb.assert_note(c0, att("race.txt", (ADA_H, "1")), humans=[ADA])
    sb.assert_note(c1, att("race.txt", (k, "2")), [k])
    assert sb.initial_lines(c1) == {}


def lines_through(last: int) -> str:
    return "".join(f"line {i}\n" for i in range(1, last + 1))


def test_checkpointed_carryover_survives_uncheckpointed_append(sandbox: MakeSandbox) -> None:
    """daemon_commit_carryover.rs::test_checkpointed_carryover_survives_uncheckpointed_append

    Lines 1-10 staged and committed; 11-15 checkpointed but not staged
    (INITIAL); 16-20 never checkpointed. The second commit attests 11-15
    from INITIAL and, by edge extension, 16-18 to the same session; 19-20
    stay untracked.
    """
    sb = sandbox()
    sb.write("test.txt", lines_through(10))
    k1 = sb.mock_ai("test.txt")
    sb.git("add", "test.txt")
    sb.write("test.txt", lines_through(15))
    k2 = sb.mock_ai("test.txt")
    sb.write("test.txt", lines_through(20))
    c1 = sb.commit("commit staged first ten")
    sb.assert_committed_lines("test.txt", [ai(f"line {i}") for i in range(1, 11)])
    sb.assert_note(c1, att("test.txt", (k1, "1-10")), [k1], initial={"test.txt": [(11, 15, k2)]})
    # The carryover is the last checkpointed text (1-15), not the work tree.
    assert sb.initial_snapshot("test.txt") == lines_through(15)

    c2 = sb.stage_all_and_commit("commit remaining lines")
    edge = sb.edge_key(c2, "test.txt", 16, k2)
    sb.assert_note(c2, att("test.txt", (k2, "11-15"), (edge, "16-18")), [k2])
    sb.assert_lines_and_blame(
        "test.txt",
        [ai(f"line {i}") for i in range(1, 19)] + [hu("line 19"), hu("line 20")],
    )
    assert sb.initial_lines() == {}


def test_autocrlf_worktree_preserves_ai_attribution_after_commit(sandbox: MakeSandbox) -> None:
    """daemon_commit_carryover.rs::test_autocrlf_worktree_preserves_ai_attribution_after_commit

    With ``core.autocrlf``, the work tree (CRLF) and the commit (LF) differ
    only in line endings: the AI lines are committed, nothing carries over.
    """
    sb = sandbox()
    sb.git("config", "core.autocrlf", "true")
    sb.write("s.dart", "class A {\n  void a() {}\n  void b() {}\n  void c() {}\n}\n")
    sb.stage_all_and_commit("baseline")
    base = ["class A {", "  void a() {}", "  void b() {}", "  void c() {}"]
    sb.assert_committed_lines("s.dart", [*(un(x) for x in base), un("}")])
    crlf = "\r\n".join([*base, "  void ai1() {}", "  void ai2() {}", "  void ai3() {}", "}", ""])
    sb.write("s.dart", crlf)
    k = sb.mock_ai("s.dart")
    c = sb.stage_all_and_commit("ai adds three methods")

    assert sb.git("show", "HEAD:s.dart").count("\r") == 0
    sb.assert_committed_lines(
        "s.dart",
        [*(un(x) for x in base), *(ai(f"  void ai{i}() {{}}") for i in (1, 2, 3)), un("}")],
    )
    sb.assert_note(c, att("s.dart", (k, "5-7")), [k])
    assert sb.initial_lines() == {}


# ---------------------------------------------------------------------- initial_attributions.rs


def prompt(tool: str, session: str, model: str) -> tuple[str, dict[str, Any]]:
    """A legacy prompt id (git-ai ``generate_short_hash``) and its INITIAL record.

    git-ai's tests name their INITIAL authors freely ("initial-ai-123"); the
    note grammar (and every reader) routes a bare key to ``prompts`` only if
    it is 16 hex, so the ports use real legacy ids.
    """
    record: dict[str, Any] = {
        "agent_id": {"tool": tool, "id": session, "model": model},
        "human_author": None,
        "total_additions": 0,
        "total_deletions": 0,
        "accepted_lines": 0,
        "overriden_lines": 0,
    }
    return legacy_short_hash(tool, session), record


def seed_initial(
    sb: Sandbox,
    files: dict[str, tuple[str, list[tuple[int, int, str]]]],
    prompts: dict[str, dict[str, Any]],
) -> None:
    """git-ai ``write_initial_attributions_with_contents`` for HEAD's working log.

    Then, as every git-ai test of INITIAL does, the files are written to the
    work tree with their snapshot's content.
    """
    blobs: dict[str, bytes] = {}
    file_blobs: dict[str, str] = {}
    attrs: dict[str, list[LineAttribution]] = {}
    for path, (text, ranges) in files.items():
        data = text.encode()
        sha = sha256(data).hexdigest()
        blobs[sha] = data
        file_blobs[path] = sha
        attrs[path] = [LineAttribution(a, b, key, None) for a, b, key in ranges]
    initial = InitialAttributions(files=attrs, prompts=prompts, file_blobs=file_blobs)
    with sb.store() as store, store.writer() as w:
        w.set_initial(sb.log_name(), initial, blobs=blobs)
    for path, (text, _) in files.items():
        sb.write(path, text)


def checkpoint_and_commit(sb: Sandbox, message: str, *, mock_ai: bool = False) -> tuple[str, str]:
    """A ``checkpoint`` (human, or ``mock_ai``) of every changed file, then stage all and commit.

    Returns the commit and the checkpoint's AI key ("" for a human one).
    """
    key = sb.mock_ai() if mock_ai else ""
    if not mock_ai:
        sb.ckptlog("checkpoint")
    return sb.stage_all_and_commit(message), key


def landed(record: dict[str, Any], lines: int) -> dict[str, Any]:
    """The prompt record in the note: INITIAL's, with the lines it has in the VA."""
    return {**record, "accepted_lines": lines}


def readme_base(sandbox: MakeSandbox) -> Sandbox:
    sb = sandbox()
    LineFile(sb, "README.md").set_contents(["# Test Repo"])
    sb.stage_all_and_commit("initial commit")
    return sb


def test_initial_only_no_blame_data(sandbox: MakeSandbox) -> None:
    """initial_attributions.rs::test_initial_only_no_blame_data"""
    sb = readme_base(sandbox)
    key, rec = prompt("test-tool", "session-123", "test-model")
    text = "line 1 from INITIAL\nline 2 from INITIAL\nline 3 from INITIAL\n"
    seed_initial(sb, {"newfile.txt": (text, [(1, 3, key)])}, {key: rec})
    c, _ = checkpoint_and_commit(sb, "add newfile")

    sb.assert_lines_and_blame("newfile.txt", [ai(x) for x in text.split("\n")[:-1]])
    sb.assert_note(c, att("newfile.txt", (key, "1-3")), prompts={key: landed(rec, 3)})


def test_initial_wins_overlaps(sandbox: MakeSandbox) -> None:
    """initial_attributions.rs::test_initial_wins_overlaps

    INITIAL covers lines 1-2; line 3 has no attribution, and edge
    extension gives it the legacy prompt key itself (git-ai's snapshot:
    all three lines ``override-tool``).
    """
    sb = readme_base(sandbox)
    key, rec = prompt("override-tool", "override-session", "override-model")
    text = "line 1\nline 2\nline 3 modified\n"
    seed_initial(sb, {"example.txt": (text, [(1, 2, key)])}, {key: rec})
    c, _ = checkpoint_and_commit(sb, "add example.txt")

    sb.assert_lines_and_blame("example.txt", [ai("line 1"), ai("line 2"), ai("line 3 modified")])
    sb.assert_note(c, att("example.txt", (key, "1-3")), prompts={key: landed(rec, 2)})


def test_initial_and_blame_merge(sandbox: MakeSandbox) -> None:
    """initial_attributions.rs::test_initial_and_blame_merge

    INITIAL gives lines 1-3 and 5 to two prompts; the mock_ai checkpoint
    takes the rest (4, 6, 7).
    """
    sb = readme_base(sandbox)
    k1, r1 = prompt("tool1", "session1", "model1")
    k2, r2 = prompt("tool2", "session2", "model2")
    text = "".join(f"line {i}\n" for i in range(1, 8))
    seed_initial(sb, {"example.txt": (text, [(1, 3, k1), (5, 5, k2)])}, {k1: r1, k2: r2})
    c, k = checkpoint_and_commit(sb, "add example.txt", mock_ai=True)

    sb.assert_lines_and_blame("example.txt", [ai(f"line {i}") for i in range(1, 8)])
    sb.assert_note(
        c,
        att("example.txt", (k1, "1-3"), (k2, "5"), (k, "4,6-7")),
        [k],
        prompts={k1: landed(r1, 3), k2: landed(r2, 1)},
    )


def test_partial_file_coverage(sandbox: MakeSandbox) -> None:
    """initial_attributions.rs::test_partial_file_coverage"""
    sb = readme_base(sandbox)
    key, rec = prompt("toolA", "sessionA", "modelA")
    a = "line 1 in A\nline 2 in A\n"
    seed_initial(sb, {"fileA.txt": (a, [(1, 2, key)])}, {key: rec})
    sb.write("fileB.txt", "line 1 in B\nline 2 in B\n")
    c, k = checkpoint_and_commit(sb, "add both files", mock_ai=True)

    sb.assert_lines_and_blame("fileA.txt", [ai("line 1 in A"), ai("line 2 in A")])
    sb.assert_lines_and_blame("fileB.txt", [ai("line 1 in B"), ai("line 2 in B")])
    sb.assert_note(
        c,
        att("fileA.txt", (key, "1-2")) + att("fileB.txt", (k, "1-2")),
        [k],
        prompts={key: landed(rec, 2)},
    )


def test_initial_attributions_in_subsequent_checkpoint(sandbox: MakeSandbox) -> None:
    """initial_attributions.rs::test_initial_attributions_in_subsequent_checkpoint

    fileB first appears in the log's second checkpoint, after INITIAL was
    written: it still gets INITIAL's attributions. fileA (human, with AI
    lines in the note) stays untracked: no known-human fallback.
    """
    sb = readme_base(sandbox)
    sb.write("fileA.txt", "content in file A\n")
    sb.ckptlog("checkpoint")
    key, rec = prompt("subsequent-tool", "subsequent-session", "subsequent-model")
    b = "line 1 from INITIAL\nline 2 from INITIAL\n"
    seed_initial(sb, {"fileB.txt": (b, [(1, 2, key)])}, {key: rec})
    c, _ = checkpoint_and_commit(sb, "add files")

    sb.assert_lines_and_blame("fileB.txt", [ai(x) for x in b.split("\n")[:-1]])
    sb.assert_lines_and_blame("fileA.txt", [un("content in file A")])
    sb.assert_note(c, att("fileB.txt", (key, "1-2")), prompts={key: landed(rec, 2)})
