"""The staged text rule: a line staged, then rewritten before the commit (docs/commit.md).

git-ai's overlap rule credits the committed (staged) text with the author
of the work tree's text that replaced it, and carries nothing over. Here the
staged text's author comes from the checkpoint that saw it, and the work
tree's rewrite carries over to the next base with its own author. The rule
holds with ``commit.checkpoint_first`` on and off: it needs only that the
file's last checkpoint is the work tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commit.grammar import check_note
from tests.commit.harness import ADA_H, Sandbox

APP = "def main():\n    return 1\n"
NEW = "def main():\n    return 1\n\n\ndef extra():\n    return 2\n"
REWRITTEN = NEW.replace("return 2", "return 4")


def _sandbox(tmp_path: Path, first: str) -> Sandbox:
    return Sandbox(
        tmp_path / f"repo{first}", {"app.py": APP}, env={"CKPTLOG_COMMIT_CHECKPOINT_FIRST": first}
    )


@pytest.mark.parametrize("first", ["0", "1"])
def test_an_ai_line_staged_then_rewritten_by_the_ai(tmp_path: Path, first: str) -> None:
    sb = _sandbox(tmp_path, first)
    one = sb.claude("app.py", NEW)
    sb.add("app.py")
    two = sb.claude("app.py", REWRITTEN)
    assert one != two
    c1 = sb.commit("staged version")
    # The staged lines are the first edit's, all four of them (git-ai: 3-5 to
    # the first key and line 6 to the second, whose text is not in C1).
    assert sb.attestations(c1) == f"app.py\n  {one} 3-6\n"
    check_note(sb.note(c1) or "", commit=c1)
    # The rewrite is not committed: it carries over (git-ai: lost).
    assert sb.initial_lines(c1) == {"app.py": [(6, 6, two)]}
    assert sb.initial_snapshot("app.py", c1) == REWRITTEN
    c2 = sb.commit("the rewrite", "-a")
    assert sb.attestations(c2) == f"app.py\n  {two} 6\n"


@pytest.mark.parametrize("first", ["0", "1"])
def test_a_known_human_line_staged_then_rewritten_by_the_ai(tmp_path: Path, first: str) -> None:
    sb = _sandbox(tmp_path, first)
    sb.known_human("app.py", APP + "# by hand\n")
    sb.add("app.py")
    key = sb.claude("app.py", APP + "# by the agent\n")
    c1 = sb.commit("the human's line")
    # The staged line is the known human's (git-ai: attested to the agent).
    assert sb.attestations(c1) == f"app.py\n  {ADA_H} 3\n"
    assert sb.initial_lines(c1) == {"app.py": [(3, 3, key)]}
    c2 = sb.commit("the agent's line", "-a")
    assert sb.attestations(c2) == f"app.py\n  {key} 3\n"


def test_a_staged_text_no_checkpoint_saw_gets_no_author_from_the_log(tmp_path: Path) -> None:
    """Staged straight into the index (``add -p`` with an edited hunk): the log credits nobody.

    Recovery still runs on such a line, as on any unattributed added line:
    here edge extension (an unknown line next to the agent's) gives it the
    agent's session, under a trace of its own.
    """
    sb = _sandbox(tmp_path, "1")
    key = sb.claude("app.py", NEW)
    staged = NEW.replace("return 2", "return 3")
    sha = sb.git("hash-object", "-w", "--stdin", stdin=staged)
    sb.git("update-index", "--cacheinfo", f"100644,{sha},app.py")
    c1 = sb.commit("edited in the index")
    edge = sb.edge_key(c1, "app.py", 6, key)
    assert sb.attestations(c1) == "".join(
        ["app.py\n", *sorted([f"  {key} 3-5\n", f"  {edge} 6\n"])]
    )
    # The work tree's line (the agent's, never committed) carries over.
    assert sb.initial_lines(c1) == {"app.py": [(6, 6, key)]}


def test_the_rule_reads_git_ai_files_in_legacy_mode(tmp_path: Path) -> None:
    """storage.mode = legacy: the earlier states come from ``checkpoints.jsonl``."""
    sb = Sandbox(tmp_path / "repo", {"app.py": APP}, env={"CKPTLOG_STORAGE_MODE": "legacy"})
    one = sb.claude("app.py", NEW)
    sb.add("app.py")
    two = sb.claude("app.py", REWRITTEN)
    c1 = sb.commit("staged version")
    assert sb.attestations(c1) == f"app.py\n  {one} 3-6\n"
    c2 = sb.commit("the rewrite", "-a")
    assert sb.attestations(c2) == f"app.py\n  {two} 6\n"
