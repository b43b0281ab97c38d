"""blame, stats, show, status and the Agent Trace export on a real repository's history.

History (post-commit hook installed, dates fixed so ids are stable):

1. ``init``: Ada writes app.py (3 lines; no checkpoint: known-human fallback);
2. ``add``: Claude appends 3 lines (app.py 4-6);
3. ``rename``: app.py -> main.py, Ada appends a line (7) with a plain human checkpoint;
4. not committed: Claude appends line 8 and writes util.py (2 lines).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.commit.harness import CKPTLOG, MODEL, Sandbox

ROOT = Path(__file__).resolve().parent.parent
DATES = {
    "GIT_AUTHOR_DATE": "2026-01-05T10:00:00+0000",
    "GIT_COMMITTER_DATE": "2026-01-05T10:00:00+0000",
}
V1 = "import sys\n\n\n"
ADD = "def add(a, b):\n    return a + b\n# end\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    sb = Sandbox(tmp_path_factory.mktemp("read") / "repo", {"app.py": V1}, env=DATES)
    sb.claude("app.py", V1 + ADD)
    sb.add("app.py")
    sb.commit("add")
    sb.git("mv", "app.py", "main.py")
    sb.human("main.py", V1 + ADD + "main()\n")
    sb.add("main.py")
    sb.commit("rename")
    sb.claude("main.py", V1 + ADD + "main()\nprint('more')\n")
    sb.claude("util.py", "def title(s):\n    return s.title()\n")
    sb.env["CKPTLOG_COLOR"] = "never"
    return sb


def _shas(sb: Sandbox) -> list[str]:
    return sb.git("rev-list", "--reverse", "HEAD").split()


def test_blame_names_authors_across_a_rename_and_shows_uncommitted_lines(repo: Sandbox) -> None:
    init, add, rename = (s[:8] for s in _shas(repo))
    out = repo.ckptlog("blame", "main.py").stdout
    claude = f"claude ({MODEL})"
    w = len(claude)
    expected = [
        f"^{init[:7]} {'Ada Lovelace':<{w}} 2026-01-05  1) import sys",
        f"^{init[:7]} {'Ada Lovelace':<{w}} 2026-01-05  2) ",
        f"^{init[:7]} {'Ada Lovelace':<{w}} 2026-01-05  3) ",
        f"{add} {claude} 2026-01-05  4) def add(a, b):",
        f"{add} {claude} 2026-01-05  5)     return a + b",
        f"{add} {claude} 2026-01-05  6) # end",
        f"{rename} {'Ada Lovelace':<{w}} 2026-01-05  7) main()",
        f"-------- {claude} uncommitted 8) print('more')",
    ]
    assert out.splitlines() == expected
    assert all(len(line) <= 80 for line in out.splitlines())

    doc = json.loads(repo.ckptlog("blame", "main.py", "--json", "-L", "4,8").stdout)
    lines = doc["lines"]
    assert [ln["line"] for ln in lines] == [4, 5, 6, 7, 8]
    assert lines[0]["path"] == "app.py" and lines[0]["author"]["kind"] == "ai"
    assert lines[0]["author"]["model_id"] == f"anthropic/{MODEL}"
    assert lines[0]["author"]["key"].startswith("s_")
    assert lines[3]["author"]["kind"] == "known_human"
    assert lines[4]["uncommitted"] is True and lines[4]["author"]["tool"] == "claude"

    at_add = repo.ckptlog("blame", "app.py", "HEAD~1").stdout.splitlines()
    assert len(at_add) == 6 and "uncommitted" not in "".join(at_add)


def test_blame_verbose_shows_keys_and_errors_have_hints(repo: Sandbox) -> None:
    out = repo.ckptlog("blame", "--verbose", "-L", "4,4", "main.py").stdout
    assert "[s_" in out and "::t_" in out
    done = repo.run(CKPTLOG, "blame", "nope.py", check=False)
    assert done.returncode == 1 and "hint:" in done.stderr


def test_stats_of_a_commit_and_of_a_range(repo: Sandbox) -> None:
    init, add, _rename = _shas(repo)
    doc = json.loads(repo.ckptlog("stats", add, "--json").stdout)
    assert doc["git_diff_added_lines"] == 3 and doc["ai_additions"] == 3
    assert doc["tool_model_breakdown"] == {
        f"claude::{MODEL}": {"ai_additions": 3, "ai_accepted": 3}
    }
    assert doc["human_additions"] == doc["unknown_additions"] == doc["mixed_additions"] == 0

    rng = json.loads(repo.ckptlog("stats", f"{init}..HEAD", "--json").stdout)
    assert rng["commits"] == 2 and rng["commits_with_notes"] == 2
    assert (rng["git_diff_added_lines"], rng["ai_additions"], rng["human_additions"]) == (4, 3, 1)

    text = repo.ckptlog("stats", f"{init}..HEAD").stdout
    assert text.splitlines() == [
        f"{init}..HEAD (2 commits, 2 with notes): +4 -0",
        "you  ██████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ ai",
        "     25%                                  75%",
        "  AI               3   75.0%",
        f"    claude ({MODEL})                        3",
        "  human            1   25.0%",
        "  mixed            0    0.0%",
        "  untracked        0    0.0%",
    ]
    assert all(len(line) <= 80 for line in text.splitlines())


def test_show_and_status(repo: Sandbox) -> None:
    add = _shas(repo)[1]
    out = repo.ckptlog("show", add).stdout
    assert out.splitlines() == [f"{add[:12]} add", "  app.py", f"    claude ({MODEL})  4-6"]
    status = repo.ckptlog("status").stdout.splitlines()
    assert status[0].split() == ["file", "AI", "mixed", "lines", "by"]
    assert status[1].split() == ["main.py", "1", "0", "8", "claude", f"({MODEL})", "1"]
    assert status[2].split() == ["util.py", "2", "0", "2", "claude", f"({MODEL})", "2"]
    doc = json.loads(repo.ckptlog("status", "--json").stdout)
    assert [f["path"] for f in doc["files"]] == ["main.py", "util.py"]


def test_agent_trace_records_validate_against_the_spec_schema(repo: Sandbox) -> None:
    schema = json.loads((ROOT / "docs" / "agent-trace.schema.json").read_text())
    init = _shas(repo)[0]
    out = repo.ckptlog("export", "--agent-trace", f"{init}~0..HEAD").stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 2
    checker = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for rec in records:
        checker.validate(rec)
        assert rec["vcs"]["type"] == "git" and len(rec["vcs"]["revision"]) == 40
    conv = records[0]["files"][0]["conversations"][0]
    assert conv["contributor"] == {"type": "ai", "model_id": f"anthropic/{MODEL}"}
    assert conv["ranges"] == [{"start_line": 4, "end_line": 6}]
    assert conv["related"][0]["url"].startswith("urn:ckptlog:session:s_")
    human = records[1]["files"][0]["conversations"][0]
    assert human["contributor"] == {"type": "human"}
    again = repo.ckptlog("export", "--agent-trace", f"{init}..HEAD").stdout
    assert again == out  # the same notes export the same records (ids included)
