"""Codex rules: text parts, tool calls, the event_msg fallback latch, the latest model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsm.transcripts import ParseOptions, TextMessage, ToolUse
from tests.transcripts.helpers import append, jsonl, parse, write

WITH_MODEL = ParseOptions(redact=False, codex_home="/nonexistent-codex-home")


def item(payload: dict[str, Any], ts: str | None = "t") -> dict[str, Any]:
    line: dict[str, Any] = {"type": "response_item", "payload": payload}
    if ts is not None:
        line["timestamp"] = ts
    return line


def event(kind: str, message: str) -> dict[str, Any]:
    return {"type": "event_msg", "timestamp": "e", "payload": {"type": kind, "message": message}}


def msg(role: str, *parts: tuple[str, Any]) -> dict[str, Any]:
    return item(
        {"type": "message", "role": role, "content": [{"type": k, "text": t} for k, t in parts]}
    )


def test_text_parts_are_trimmed_and_joined_with_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.jsonl",
        jsonl(
            msg(
                "user", ("input_text", "  first \n"), ("input_image", "x"), ("input_text", "second")
            ),
            msg("assistant", ("output_text", " \t "), ("output_text", "only")),
            msg("developer", ("input_text", "ignored role")),
            msg("assistant", ("output_text", "   ")),
            item({"type": "reasoning", "summary": [{"type": "summary_text", "text": "r"}]}),
        ),
    )
    assert parse("codex", path).messages == [
        TextMessage("user", "first\nsecond", "t"),
        TextMessage("assistant", "only", "t"),
    ]


def test_tool_call_inputs(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.jsonl",
        jsonl(
            item({"type": "function_call", "name": "shell", "arguments": '{"cmd": ["ls"]}'}),
            item({"type": "function_call", "name": "shell", "arguments": "not json"}),
            item({"type": "function_call", "name": "shell", "arguments": {"already": "parsed"}}),
            item({"type": "function_call", "name": "shell"}),
            item({"type": "function_call", "arguments": "[1]"}),
            item({"type": "custom_tool_call", "name": "apply_patch", "input": "*** Begin Patch"}),
            item({"type": "local_shell_call", "action": {"command": ["ls"]}}, ts=None),
            item({"type": "web_search_call", "name": "", "input": 5}),
        ),
    )
    assert parse("codex", path).messages == [
        ToolUse("shell", {"cmd": ["ls"]}, "t"),
        ToolUse("shell", "not json", "t"),
        ToolUse("shell", {"already": "parsed"}, "t"),
        ToolUse("shell", {}, "t"),
        ToolUse("function_call", [1], "t"),
        ToolUse("apply_patch", "*** Begin Patch", "t"),
        ToolUse("local_shell_call", {"type": "local_shell_call", "action": {"command": ["ls"]}}),
        ToolUse("", {"type": "web_search_call", "name": "", "input": 5}, "t"),
    ]


def test_line_without_payload_is_its_own_payload(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.jsonl",
        jsonl(
            {
                "type": "response_item",
                "role": "user",
                "content": [{"type": "input_text", "text": "x"}],
            }
        ),
    )
    # payload = the line itself, whose own "type" is response_item, not message: nothing.
    assert parse("codex", path).messages == []


def test_event_msg_fallback_when_there_are_no_response_items(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.jsonl",
        jsonl(
            event("user_message", "  hi  "),
            event("agent_message", "hello"),
            event("agent_reasoning", "thinking..."),
            event("user_message", "   "),
        ),
    )
    assert parse("codex", path).messages == [
        TextMessage("user", "hi", "e"),
        TextMessage("assistant", "hello", "e"),
    ]


def test_event_msg_ignored_once_response_items_produce(tmp_path: Path) -> None:
    # Codex writes the response item, then the event that echoes it: git-ai's output exactly.
    path = write(
        tmp_path / "r.jsonl",
        jsonl(
            msg("user", ("input_text", "hi")),
            event("user_message", "hi"),
            msg("assistant", ("output_text", "hello")),
            event("agent_message", "hello"),
        ),
    )
    assert parse("codex", path).messages == [
        TextMessage("user", "hi", "t"),
        TextMessage("assistant", "hello", "t"),
    ]


def test_the_latch_survives_between_calls(tmp_path: Path) -> None:
    path = write(tmp_path / "r.jsonl", jsonl(event("user_message", "early")))
    first = parse("codex", path)
    assert first.messages == [TextMessage("user", "early", "e")]  # documented difference
    append(path, jsonl(item({"type": "function_call", "name": "shell", "arguments": "{}"})))
    second = parse("codex", path, first.summary.watermark)
    assert second.summary.watermark is not None
    assert second.summary.watermark.state == {"responses": True}
    append(path, jsonl(event("agent_message", "late")))
    third = parse("codex", path, second.summary.watermark)
    assert third.messages == []


def test_latest_model_wins_and_is_carried(tmp_path: Path) -> None:
    def ctx(model: str) -> dict[str, Any]:
        return {"type": "turn_context", "payload": {"model": model}}

    meta = {"type": "session_meta", "payload": {"model_id": " gpt-4.1 "}}
    path = write(tmp_path / "r.jsonl", jsonl(meta))
    first = parse("codex", path, options=WITH_MODEL)
    assert first.summary.model == "gpt-4.1"
    append(path, jsonl(ctx("gpt-5"), ctx("<synthetic>"), ctx("gpt-5.1")) + b'{"type":"turn_c')
    second = parse("codex", path, first.summary.watermark, options=WITH_MODEL)
    assert second.summary.model == "gpt-5.1"
    append(path, b'ontext"}\n' + jsonl(msg("user", ("input_text", "x"))))
    third = parse("codex", path, second.summary.watermark, options=WITH_MODEL)
    assert third.summary.model == "gpt-5.1"  # from the carried state, not re-read


def test_model_falls_back_to_the_codex_config(tmp_path: Path) -> None:
    home = tmp_path / ".codex"
    sessions = home / "sessions" / "2026" / "01"
    sessions.mkdir(parents=True)
    (home / "config.toml").write_text(
        'model = "gpt-top"\nprofile = "fast"\n[profiles.fast]\nmodel = "gpt-fast"\n'
    )
    path = write(sessions / "rollout-x.jsonl", jsonl(msg("user", ("input_text", "x"))))
    result = parse(
        "codex", path, options=ParseOptions(redact=False, codex_home=str(tmp_path / "elsewhere"))
    )
    assert result.summary.model == "gpt-fast"
