"""Claude and Droid content rules, and plan files (git-ai's legacy readers, semantics doc 4.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lsm.transcripts import CapHit, TextMessage, ToolUse
from lsm.transcripts.plans import PlanTracker, is_plan_file_path
from tests.transcripts.helpers import append, jsonl, parse, write

PLAN = "/home/u/.claude/plans/plan.md"


def claude(kind: str, content: Any, ts: str | None = "t") -> dict[str, Any]:
    line: dict[str, Any] = {"type": kind, "message": {"role": kind, "content": content}}
    if ts is not None:
        line["timestamp"] = ts
    return line


def droid(role: str, content: Any) -> dict[str, Any]:
    return {"type": "message", "timestamp": "t", "message": {"role": role, "content": content}}


def tool(name: str, tool_input: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input}


CONTENT_CASES: list[tuple[str, Any, list[Any]]] = [
    ("user", "  keep the spaces  ", [TextMessage("user", "  keep the spaces  ", "t")]),
    ("user", " \n\t", []),
    (
        "user",
        [
            {"type": "text", "text": "one"},
            {"type": "tool_result", "tool_use_id": "x", "content": "dropped"},
            {"type": "image", "source": {}},
            {"type": "text", "text": "   "},
            {"type": "text", "text": "two"},
        ],
        [TextMessage("user", "one", "t"), TextMessage("user", "two", "t")],
    ),
    ("assistant", "a plain string is not assistant content", []),
    (
        "assistant",
        [
            {"type": "text", "text": "hello"},
            {"type": "thinking", "thinking": "hmm", "signature": "sig"},
            {"type": "redacted_thinking", "data": "..."},
            tool("Bash", {"command": "ls"}),
            tool("Bash", "not an object"),
            {"type": "tool_use", "input": {"no": "name"}},
        ],
        [
            TextMessage("assistant", "hello", "t"),
            TextMessage("assistant", "hmm", "t"),
            ToolUse("Bash", {"command": "ls"}, "t"),
        ],
    ),
]


@pytest.mark.parametrize(("kind", "content", "expected"), CONTENT_CASES)
def test_claude_content(kind: str, content: Any, expected: list[Any], tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", jsonl(claude(kind, content)))
    assert parse("claude", path).messages == expected


@pytest.mark.parametrize(("role", "content", "expected"), CONTENT_CASES)
def test_droid_content_follows_the_claude_rules(
    role: str, content: Any, expected: list[Any], tmp_path: Path
) -> None:
    path = write(tmp_path / "d.jsonl", jsonl(droid(role, content)))
    assert parse("droid", path).messages == expected


def test_claude_skips_other_line_types_and_keeps_missing_timestamps(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        jsonl(
            {"type": "summary", "summary": "s"},
            {"type": "system", "content": "x", "message": {"content": "x"}},
            claude("user", "no timestamp", ts=None),
            {"type": "user", "timestamp": 5, "message": {"content": "numeric timestamp"}},
        ),
    )
    assert parse("claude", path).messages == [
        TextMessage("user", "no timestamp"),
        TextMessage("user", "numeric timestamp"),
    ]


def test_droid_needs_message_lines_with_a_role(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.jsonl",
        jsonl(
            {"type": "session_start", "id": "s"},
            {"type": "message", "message": {"content": "no role"}},
            {"type": "user", "message": {"content": "claude-style line"}},
            droid("system", "x"),
            droid("user", "ok"),
        ),
    )
    assert parse("droid", path).messages == [TextMessage("user", "ok", "t")]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/Users/dev/.claude/plans/abstract-frolicking-neumann.md", True),
        ("/Users/dev/.CLAUDE/Plans/x.MD", True),
        (".claude/plans/x.md", True),
        ("/a/.claude/./plans/x.md", True),
        ("/a/.claude/plans/sub/x.md", True),
        ("/a/.claude/plans/x.md/", True),
        ("/a/.claude/plans/x.txt", False),
        ("/a/.claude/plans/.md", False),
        ("/a/.claude/plans/..md", True),
        ("/a/.claude/x/plans/x.md", False),
        ("/a/claude/plans/x.md", False),
        ("/a/.claude/plans/..", False),
        ("", False),
    ],
)
def test_is_plan_file_path(path: str, expected: bool) -> None:
    assert is_plan_file_path(path) is expected


def _assistant_tool(name: str, **tool_input: Any) -> bytes:
    return jsonl(claude("assistant", [tool(name, tool_input)]))


def test_plan_write_and_edits(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        _assistant_tool("Write", file_path=PLAN, content="# Plan\n- a\n- a\n")
        + _assistant_tool("Edit", file_path=PLAN, old_string="- a", new_string="- b")
        + _assistant_tool("Edit", file_path=PLAN, old_string="", new_string="")
        + _assistant_tool("Edit", file_path=PLAN, old_string="zzz")
        + _assistant_tool("Write", file_path=PLAN, content="   ")
        + _assistant_tool("Edit", file_path="/src/x.md", old_string="a", new_string="b"),
    )
    assert parse("claude", path).messages == [
        TextMessage("plan", "# Plan\n- a\n- a\n", "t"),
        TextMessage("plan", "# Plan\n- b\n- a\n", "t"),  # replaced once
        ToolUse("Edit", {"file_path": PLAN, "old_string": "", "new_string": ""}, "t"),
        ToolUse("Edit", {"file_path": PLAN, "old_string": "zzz"}, "t"),
        ToolUse("Write", {"file_path": PLAN, "content": "   "}, "t"),
        ToolUse("Edit", {"file_path": "/src/x.md", "old_string": "a", "new_string": "b"}, "t"),
    ]


def test_plan_edit_without_a_known_plan_yields_new_string(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        _assistant_tool("Edit", file_path=PLAN, old_string="x", new_string="fresh")
        + _assistant_tool("Edit", file_path=PLAN + ".md", new_string="no old string"),
    )
    assert parse("claude", path).messages == [
        TextMessage("plan", "fresh", "t"),
        TextMessage("plan", "no old string", "t"),
    ]


def test_plan_state_is_carried_between_calls(tmp_path: Path) -> None:
    write_plan = tool("Write", {"file_path": PLAN, "content": "A B"})
    edit_plan = tool("Edit", {"file_path": PLAN, "old_string": "B", "new_string": "C"})
    path = write(tmp_path / "d.jsonl", jsonl(droid("assistant", [write_plan])))
    first = parse("droid", path)
    mark = first.summary.watermark
    assert mark is not None and mark.state == {"plans": {PLAN: "A B"}}
    append(path, jsonl(droid("assistant", [edit_plan])))
    assert parse("droid", path, mark).messages == [TextMessage("plan", "A C", "t")]


def test_plan_state_cap_forgets_the_oldest(tmp_path: Path) -> None:
    plans = [f"/h/.claude/plans/p{i}.md" for i in range(3)]
    data = b"".join(_assistant_tool("Write", file_path=p, content="x" * 100) for p in plans)
    data += _assistant_tool("Edit", file_path=plans[0], old_string="x", new_string="y")
    path = write(tmp_path / "c.jsonl", data)
    cap = 2 * (len(plans[0]) + 100)
    result = parse("claude", path, max_plan_state_bytes=cap)
    # p0 was forgotten to make room for p2, so its Edit yields new_string alone; keeping
    # that new text then pushes p1 out too.
    assert result.messages[-1] == TextMessage("plan", "y", "t")
    assert result.summary.cap_hits == (CapHit("plan_state_bytes", cap, 2, cap),)


def test_plan_tracker_drops_a_plan_bigger_than_the_cap() -> None:
    tracker = PlanTracker(10)
    assert tracker.plan_for("Write", {"file_path": PLAN, "content": "x" * 50}) == "x" * 50
    assert tracker.to_json() == {}
    assert (tracker.forgotten, tracker.forgotten_bytes) == (1, len(PLAN) + 50)
