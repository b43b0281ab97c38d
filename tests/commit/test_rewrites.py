"""History rewrites through real git hooks: the notes and working logs each one leaves."""

from __future__ import annotations

from tests.commit.grammar import check_note
from tests.commit.harness import Sandbox, attested
from tests.commit.rewrite_kit import BASE


def _ai_commit(sb: Sandbox, path: str, text: str, message: str) -> tuple[str, str]:
    key = sb.claude(path, text)
    sb.add(path)
    return sb.commit(message), key


def test_amend_keeps_the_old_lines_and_adds_the_new(sb: Sandbox) -> None:
    c, k1 = _ai_commit(sb, "f.txt", BASE + "AI1\nAI2\n", "ai")
    k2 = sb.claude("f.txt", BASE + "AI1\nAI2\nAI3\n")
    sb.run("git", "commit", "-q", "--amend", "-a", "-m", "ai!")
    amended = sb.head()
    assert sb.attestations(amended) == attested({"f.txt": [(k1, "4-5"), (k2, "6")]})
    check_note(sb.note(amended) or "", commit=amended)
    assert sb.note(c) is not None  # the original note stays (git-ai keeps it)
    with sb.store() as store:
        assert store.log_info(c) is None  # the old head's log was archived


def test_rebase_moves_notes_to_the_new_commits(sb: Sandbox) -> None:
    sb.git("checkout", "-q", "-b", "feat")
    g1, kg = _ai_commit(sb, "g.txt", "x\ny\n", "g")
    g2, kf = _ai_commit(sb, "f.txt", BASE + "AI\n", "f")
    sb.git("checkout", "-q", "main")
    sb.human("f.txt", "top\n" + BASE)
    sb.commit("top", "-a")
    sb.git("checkout", "-q", "feat")
    sb.git("rebase", "-q", "main")
    new1, new2 = sb.git("rev-list", "--reverse", "main..feat").split()
    assert sb.attestations(new1) == f"g.txt\n  {kg} 1-2\n"
    # The upstream line pushed the AI line down by one.
    assert sb.attestations(new2) == f"f.txt\n  {kf} 5\n"
    for c in (new1, new2):
        check_note(sb.note(c) or "", commit=c)
    assert sb.note(g1) is not None and sb.note(g2) is not None


def test_interactive_rebase_squash_fixup_drop_reword(sb: Sandbox) -> None:
    c1, k1 = _ai_commit(sb, "a.txt", "one\n", "one")
    c2, k2 = _ai_commit(sb, "b.txt", "two\n", "two")
    c3, k3 = _ai_commit(sb, "c.txt", "three\n", "three")
    c4, k4 = _ai_commit(sb, "d.txt", "four\n", "four")
    todo = (
        f"pick {c1[:12]} one\nsquash {c2[:12]} two\ndrop {c3[:12]} three\nreword {c4[:12]} four\n"
    )
    script = sb.root.parent / "todo.sh"
    script.write_text(f"#!/bin/sh\nprintf '{todo}' > \"$1\"\n")
    script.chmod(0o755)
    editor = sb.root.parent / "msg.sh"
    editor.write_text('#!/bin/sh\necho reworded > "$1"\n')
    editor.chmod(0o755)
    sb.env["GIT_SEQUENCE_EDITOR"] = str(script)
    sb.env["GIT_EDITOR"] = str(editor)
    base = sb.git("rev-parse", f"{c1}^")
    sb.git("rebase", "-q", "-i", base)
    squashed, reworded = sb.git("rev-list", "--reverse", f"{base}..HEAD").split()
    assert sb.attestations(squashed) == attested({"a.txt": [(k1, "1")], "b.txt": [(k2, "1")]})
    assert sb.attestations(reworded) == f"d.txt\n  {k4} 1\n"
    assert not (sb.root / "c.txt").exists()
    del k3


def test_rebase_abort_leaves_everything(sb: Sandbox) -> None:
    sb.git("checkout", "-q", "-b", "feat")
    _ai_commit(sb, "f.txt", BASE + "feat\n", "feat")
    sb.git("checkout", "-q", "main")
    sb.human("f.txt", BASE + "main\n")
    sb.commit("main", "-a")
    sb.git("checkout", "-q", "feat")
    before = sb.git("notes", "--ref=ai", "list")
    done = sb.run("git", "rebase", "main", check=False)
    assert done.returncode != 0  # a conflict
    sb.git("rebase", "--abort")
    assert sb.git("notes", "--ref=ai", "list") == before


def test_cherry_pick_carries_the_note(sb: Sandbox) -> None:
    sb.git("checkout", "-q", "-b", "side")
    s, key = _ai_commit(sb, "g.txt", "x\ny\n", "g")
    sb.git("checkout", "-q", "main")
    sb.human("f.txt", "top\n" + BASE)
    sb.commit("top", "-a")
    sb.git("cherry-pick", s)
    picked = sb.head()
    assert sb.attestations(picked) == f"g.txt\n  {key} 1-2\n"


def test_revert_of_a_revert_restores_the_attribution(sb: Sandbox) -> None:
    c, key = _ai_commit(sb, "f.txt", BASE + "AI1\nAI2\n", "ai")
    sb.git("revert", "--no-edit", "HEAD")
    r1 = sb.head()
    assert sb.attestations(r1) == ""  # a deletion: nothing added
    sb.git("revert", "--no-edit", "HEAD")
    r2 = sb.head()
    # The lines come back from the reverted commit's parent's note... which is c's.
    assert sb.attestations(r2) == f"f.txt\n  {key} 4-5\n"
    del c


def test_reset_soft_makes_the_undone_lines_initial(sb: Sandbox) -> None:
    c, key = _ai_commit(sb, "f.txt", BASE + "AI1\nAI2\n", "ai")
    parent = sb.git("rev-parse", "HEAD~1")
    sb.git("reset", "-q", "--soft", "HEAD~1")
    assert sb.initial_lines(parent) == {"f.txt": [(4, 5, key)]}
    # Committing again attests them again.
    again = sb.commit("again")
    assert sb.attestations(again) == f"f.txt\n  {key} 4-5\n"
    del c


def test_reset_hard_archives_the_log(sb: Sandbox) -> None:
    sb.claude("f.txt", BASE + "wip\n")
    head = sb.head()
    sb.git("reset", "-q", "--hard")
    with sb.store() as store:
        assert store.log_info(head) is None
        archived = store.log_info(f"old-{head}")
        assert archived is not None and archived.checkpoints == 1


def test_checkout_carries_ai_edits_and_a_human_checkpoint_keeps_them(sb: Sandbox) -> None:
    sb.git("branch", "other")
    sb.write("f.txt", BASE)
    sb.human("f.txt", BASE + "human\n")
    sb.commit("human", "-a")
    key = sb.claude("g.txt", "ai1\nai2\nai3\n", tool="Write")
    sb.git("checkout", "-q", "other")
    sb.human("g.txt", "ai1\nai2\nai3\nhuman\n")
    sb.add("g.txt")
    c = sb.commit("g")
    # Line 4 was typed by a human without an extension: edge extension gives it
    # to the adjacent session (git-ai's recovery), under a trace of its own.
    note = sb.attestations(c)
    [edge] = [ln.split()[0] for ln in note.splitlines()[1:] if ln.split()[0] != key]
    assert edge.startswith(key.split("::")[0] + "::t_")
    assert note == attested({"g.txt": [(key, "1-3"), (edge, "4")]})


def test_stash_push_human_edit_pop_keeps_claudes_lines(sb: Sandbox) -> None:
    key = sb.claude("f.txt", BASE + "c1\nc2\nc3\nc4\n")
    sb.git("stash")
    sb.human("h.txt", "human file\n")
    sb.git("stash", "pop")
    sb.add("f.txt")
    c = sb.commit("stashed work")
    assert sb.attestations(c) == attested({"f.txt": [(key, "4-7")]})


def test_stash_cycles_do_not_grow_the_store(sb: Sandbox) -> None:
    key = sb.claude("f.txt", BASE + "c1\nc2\n")

    def live_size() -> int:
        sb.ckptlog("compact", "--policy", "git-ai")
        with sb.store() as store:
            return int(store.stats()["segment_bytes"])

    sb.git("stash")
    sb.git("stash", "pop")
    one = live_size()
    for _ in range(20):
        sb.git("stash")
        sb.git("stash", "pop")
    twenty = live_size()
    assert twenty <= 2 * one, (one, twenty)
    c = sb.commit("after the cycles", "-a")
    assert sb.attestations(c) == f"f.txt\n  {key} 4-5\n"


def test_merge_squash_commit_gets_the_branch_notes(sb: Sandbox) -> None:
    sb.git("checkout", "-q", "-b", "feat")
    _, k1 = _ai_commit(sb, "a.txt", "one\n", "one")
    _, k2 = _ai_commit(sb, "b.txt", "two\n", "two")
    sb.git("checkout", "-q", "main")
    sb.git("merge", "-q", "--squash", "feat")
    c = sb.commit("squashed")
    assert sb.attestations(c) == attested({"a.txt": [(k1, "1")], "b.txt": [(k2, "1")]})


def test_checkout_of_a_path_drops_its_uncommitted_state(sb: Sandbox) -> None:
    sb.claude("f.txt", BASE + "wip\n")
    key = sb.claude("g.txt", "ai\n", tool="Write")
    sb.git("checkout", "--", "f.txt")
    sb.add("g.txt")
    c = sb.commit("only g")
    assert sb.attestations(c) == f"g.txt\n  {key} 1\n"
    assert sb.initial_lines() == {}
