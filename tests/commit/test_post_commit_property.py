"""Property: random edits, partial staging and commits; every commit's lines against an oracle.

Real repositories, real hooks: AI edits go through Claude Code's
PreToolUse/PostToolUse hooks (``ckptlog checkpoint claude``), human saves
through ``ckptlog checkpoint known_human`` (git-ai's editor extension), other
human edits are made with no checkpoint at all; staging is whole files
(``git add``) or a random subset of their hunks (what ``git add -p`` writes
to the index); commits run git's post-commit hook.

The oracle keeps, per line, who wrote it: every line text is unique and
never reused, so a line's author is whoever created its text (a rewrite
is a new text). After the run, for every commit C, every line of every file
in C is traced with ``git blame --line-porcelain C`` to the commit that
added it, whose note decides (git-ai's ``get_line_attribution``: entries
last to first). The claims encode git-ai's documented semantics:

1. A line the AI wrote (and nobody rewrote) is attested to an AI key.
2. A line a known human saved (a KnownHuman checkpoint while the text was
   there), and the initial commit's lines (known-human fallback), are never
   attested to an AI key.
3. A line a human wrote with no checkpoint, or one an agent's PreToolUse
   hook checkpointed as plain ``human``, carries no claim: git-ai may make
   it AI by its "stale AI attestation" (a rewrite of an AI line between the
   last checkpoint and the commit stays AI, gitai-commit-path.md §2.6), by
   edge extension (unknown lines next to AI lines, §2.12.2) or by gap
   filling (unattributed lines between two lines of one AI author, §2.8).

The default run is a few examples (the CI budget); ``-m slow`` runs many.
"""

from __future__ import annotations

import difflib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsm.ids import is_ai_author
from tests.commit.harness import Sandbox, _line_owner

FILES = ("a.txt", "b.txt", "c.txt")  # c.txt does not exist until someone writes it
KINDS = ("ai", "known_human", "untracked")

edit = st.tuples(
    st.just("edit"),
    st.sampled_from(KINDS),
    st.sampled_from(FILES),
    st.sampled_from(("insert", "replace", "delete")),
    st.integers(0, 40),  # position, taken modulo the file's length
    st.integers(1, 3),  # lines inserted
)
stage = st.tuples(st.just("stage"), st.sampled_from(FILES), st.booleans(), st.integers(0, 2**16))
commit = st.tuples(st.just("commit"))
actions = st.lists(st.one_of(edit, edit, edit, stage, commit), min_size=3, max_size=12)


class Model:
    """The work tree as the oracle sees it, and who wrote each line text."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)
        self.files: dict[str, list[str]] = {
            "a.txt": ["base a1", "base a2", "base a3"],
            "b.txt": ["base b1", "base b2", "base b3"],
        }
        #: text -> "ai" | "known_human" | "untracked" | "plain" (checkpointed as human)
        self.author: dict[str, str] = {t: "known_human" for ls in self.files.values() for t in ls}

    def new_text(self, kind: str) -> str:
        # One token per line: no token is shared between two lines, so git-ai's
        # token-level diff of a human rewrite never keeps a piece of the old line.
        return f"{kind[:2]}{next(self.counter):04d}"

    def apply(self, kind: str, path: str, op: str, pos: int, n: int) -> list[str] | None:
        """The file's new lines after the edit, or None if the edit does not apply."""
        lines = list(self.files.get(path, []))
        if op != "insert" and not lines:
            return None
        if op == "delete" and len(lines) == 1:
            return None
        if op == "insert":
            i = pos % (len(lines) + 1)
            new = [self.new_text(kind) for _ in range(n)]
            lines[i:i] = new
        elif op == "replace":
            i = pos % len(lines)
            new = [self.new_text(kind)]
            lines[i : i + 1] = new
        else:
            del lines[pos % len(lines)]
            new = []
        for t in new:
            self.author[t] = kind
        return lines


def text_of(lines: list[str]) -> str:
    return "".join(x + "\n" for x in lines)


def partial_index(head: list[str], work: list[str], seed: int) -> list[str]:
    """HEAD's lines with a random subset of the work tree's change hunks applied (``add -p``)."""
    out: list[str] = []
    ops = difflib.SequenceMatcher(a=head, b=work, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal" or not (seed >> (k % 16)) & 1:
            out.extend(head[i1:i2])
        else:
            out.extend(work[j1:j2])
    return out


def run_story(sb: Sandbox, model: Model, story: list[tuple[Any, ...]]) -> list[str]:
    """Play ``story``; returns the commits made (the last one stages everything)."""
    commits: list[str] = []
    for action in story:
        if action[0] == "edit":
            _, kind, path, op, pos, n = action
            lines = model.apply(kind, path, op, pos, n)
            if lines is None:
                continue
            if kind == "ai":
                sb.claude(path, text_of(lines), tool="Write" if path not in model.files else "Edit")
            elif kind == "known_human":
                sb.known_human(path, text_of(lines))
            else:
                sb.write(path, text_of(lines))
            # An agent's PreToolUse checkpoints pending human edits of its file
            # as plain human: they stay claim-free, like untracked ones.
            if kind == "ai":
                for t in model.files.get(path, []):
                    if model.author[t] == "untracked":
                        model.author[t] = "plain"
            model.files[path] = lines
        elif action[0] == "stage":
            _, path, whole, seed = action
            if path not in model.files:
                continue
            if whole:
                sb.add(path)
            else:
                head = sb.run("git", "show", f":{path}", check=False)
                base = head.stdout.splitlines() if head.returncode == 0 else []
                staged = text_of(partial_index(base, model.files[path], seed))
                sha = sb.git("hash-object", "-w", "--stdin", stdin=staged)
                sb.git("update-index", "--add", "--cacheinfo", f"100644,{sha},{path}")
        elif sb.run("git", "diff", "--cached", "--quiet", check=False).returncode == 1:
            commits.append(sb.commit(f"commit {len(commits) + 1}"))
    sb.git("add", "-A")
    if sb.run("git", "diff", "--cached", "--quiet", check=False).returncode == 1:
        commits.append(sb.commit("the rest"))
    return commits


def blamed_lines(sb: Sandbox, commit: str) -> Iterator[tuple[str, str | None]]:
    """``(text, key)`` for every line of every file in ``commit`` (key: blame + note)."""
    notes: dict[str, Any] = {}
    for path in sb.git("ls-tree", "--name-only", commit).split():
        out = sb.run_bytes("git", "blame", "--line-porcelain", commit, "--", path)
        origin = orig = name = ""
        for raw in out.decode().split("\n"):
            if raw.startswith("\t"):
                if origin not in notes:
                    files = sb.note_files(origin)
                    meta = sb.metadata(origin) if files or sb.note(origin) else {}
                    notes[origin] = (files, meta)
                files, meta = notes[origin]
                yield raw[1:], _line_owner(files, meta, name, int(orig))
            elif (
                len(raw) > 41 and raw[40] == " " and all(c in "0123456789abcdef" for c in raw[:40])
            ):
                origin, orig = raw.split(" ")[:2]
            elif raw.startswith("filename "):
                name = raw[9:]


def check(sb: Sandbox, model: Model, commits: list[str]) -> None:
    for c in commits:
        for text, key in blamed_lines(sb, c):
            who = model.author[text]
            if who == "ai":
                assert key is not None and is_ai_author(key), (c, text, key)
            elif who == "known_human":
                assert key is None or not is_ai_author(key), (c, text, key)
    assert sb.check_all_notes() >= len(commits)


def play(tmp: Path, story: list[tuple[Any, ...]]) -> None:
    model = Model()
    sb = Sandbox(tmp, {p: text_of(ls) for p, ls in model.files.items()})
    commits = run_story(sb, model, story)
    check(sb, model, commits)


_counter = itertools.count()


def _fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prop") / f"r{next(_counter)}"


PROPERTY = settings(
    max_examples=int(os.environ.get("CKPTLOG_PROPERTY_EXAMPLES", "4")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(story=actions)
def test_random_edits_staging_and_commits(
    story: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The claims of the module docstring, on a few random stories (CI budget)."""
    play(_fresh(tmp_path_factory), story)


@pytest.mark.slow
@settings(PROPERTY, max_examples=40)
@given(story=actions)
def test_random_edits_staging_and_commits_long(
    story: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same, many more stories (``-m slow``), the same ones every run: a random run
    found the two stories below, which CI cannot be left to meet by chance."""
    play(_fresh(tmp_path_factory), story)


#: Found by a random run of the test above (2026-12-02): a line of c.txt is staged, then the AI
#: rewrites it before the commit. git-ai's overlap rule credits the staged line with its
#: rewrite's author and drops the rewrite from the carry-over: the AI's rewrite was unattested
#: at the next commit (first story), or the staged known-human line attested to the AI (second).
#: The staged text rule (docs/commit.md) fixes both.
STAGED_THEN_REWRITTEN = [
    [("edit", "ai", "a.txt", "insert", 0, 1)] * 3
    + [
        ("edit", who, "c.txt", "insert", 0, 1),
        ("stage", "c.txt", True, 0),
        ("edit", "ai", "a.txt", "insert", 0, 1),
        ("edit", "ai", "c.txt", "replace", 0, 1),
        ("commit",),
    ]
    for who in ("ai", "known_human")
]


@pytest.mark.parametrize("story", STAGED_THEN_REWRITTEN, ids=["ai", "known-human"])
def test_a_staged_line_rewritten_before_the_commit(
    story: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    play(_fresh(tmp_path_factory), story)
