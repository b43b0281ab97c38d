"""The worked example of gitai-commit-path.md §2.16, through real hooks, byte for byte."""

from __future__ import annotations

from pathlib import Path

from tests.commit.grammar import check_note
from tests.commit.harness import ADA, ADA_H, MODEL, SESSION, Sandbox, session_key

APP = 'import sys\ndef main():\n    print("hi")\n'
ADD = 'def add(a, b):\n    """Add two numbers."""\n    return a + b\n'
UTIL = 'import os\n\ndef home():\n    return os.environ["HOME"]\n'


def test_worked_example(tmp_path: Path) -> None:
    sb = Sandbox(tmp_path / "repo", {"app.py": APP})
    parent = sb.head()
    k1 = sb.claude("app.py", APP + ADD)
    k2 = sb.claude("util.py", UTIL, tool="Write")
    sb.known_human("app.py", "# app entry point\n" + APP + ADD)
    sb.add("app.py")
    commit = sb.commit("Add add()")

    s = session_key()
    note = sb.note()
    assert note == (
        "app.py\n"
        f"  {ADA_H} 1\n"
        f"  {k1} 5-7\n"
        "---\n"
        "{\n"
        '  "schema_version": "authorship/3.0.0",\n'
        '  "git_ai_version": "ckptlog-0.1.0",\n'
        f'  "base_commit_sha": "{commit}",\n'
        '  "prompts": {},\n'
        '  "humans": {\n'
        f'    "{ADA_H}": {{\n'
        f'      "author": "{ADA}"\n'
        "    }\n"
        "  },\n"
        '  "sessions": {\n'
        f'    "{s}": {{\n'
        '      "agent_id": {\n'
        '        "tool": "claude",\n'
        f'        "id": "{SESSION}",\n'
        f'        "model": "{MODEL}"\n'
        "      },\n"
        f'      "human_author": "{ADA}"\n'
        "    }\n"
        "  }\n"
        "}"
    )
    check_note(note, commit=commit)
    # util.py was not committed: its 4 AI lines wait in C's INITIAL, with its content.
    assert sb.initial_lines() == {"util.py": [(1, 4, k2)]}
    assert sb.initial_snapshot("util.py") == UTIL
    init = sb.initial()
    assert set(init.sessions) == {s}
    assert init.humans == {}
    # P's log is archived, not deleted.
    with sb.store() as store:
        assert store.log_info(parent) is None
        archived = store.log_info(f"old-{parent}")
        assert archived is not None and archived.archived_ms is not None

    # The follow-up commit D attests util.py from INITIAL, with only sessions.
    sb.add("util.py")
    d = sb.commit("Add util")
    assert sb.attestations(d) == f"util.py\n  {k2} 1-4\n"
    meta = sb.metadata(d)
    assert "humans" not in meta
    assert list(meta["sessions"]) == [s]
    assert sb.initial_lines() == {}
