"""Presets: hook JSON and command lines -> CheckpointRequests, as git-ai's presets do."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping

import pytest

from lsm.checkpoint.presets import PRESETS, parse_invocation
from lsm.checkpoint.request import CheckpointRequest, PathRole, TranscriptSource
from lsm.errors import InputError
from lsm.model import AgentId, CheckpointKind

FIXTURES = "/work/shared/fixtures/transcripts"
CLAUDE_TRANSCRIPT = f"{FIXTURES}/example-claude-code.jsonl"
CODEX_TRANSCRIPT = f"{FIXTURES}/codex-session-simple.jsonl"
DROID_TRANSCRIPT = f"{FIXTURES}/droid-session.jsonl"
DROID_SETTINGS = f"{FIXTURES}/droid-session.settings.json"

PROJ = "/home/ada/proj"
ENV = {"HOME": "/home/ada"}


def parse(
    preset: str | None,
    payload: Mapping[str, object] | str | None = None,
    paths: list[str] | None = None,
    *,
    cwd: str = "/elsewhere",
    editor: str | None = None,
    editor_version: str | None = None,
    extension_version: str | None = None,
    env: dict[str, str] | None = None,
) -> list[CheckpointRequest]:
    hook = payload if payload is None or isinstance(payload, str) else json.dumps(payload)
    return parse_invocation(
        preset,
        hook,
        paths or [],
        cwd=cwd,
        editor=editor,
        editor_version=editor_version,
        extension_version=extension_version,
        env=ENV if env is None else env,
    )


def one(requests: list[CheckpointRequest]) -> CheckpointRequest:
    assert len(requests) == 1, requests
    return requests[0]


# --- claude ------------------------------------------------------------------------------------


def claude_payload(event: str, tool: str | None, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "session_id": "8f0c2a4e-1111-2222-3333-444455556666",
        "transcript_path": CLAUDE_TRANSCRIPT,
        "cwd": PROJ,
        "permission_mode": "default",
        "hook_event_name": event,
        "tool_use_id": "toolu_01AbCdEf",
        "tool_input": {
            "file_path": f"{PROJ}/src/greet.py",
            "old_string": "print('hi')",
            "new_string": "print('hello')",
        },
    }
    if tool is not None:
        payload["tool_name"] = tool
    payload.update(extra)
    return payload


def test_claude_post_tool_use_edit_is_ai_agent():
    req = one(parse("claude", claude_payload("PostToolUse", "Edit")))
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.path_role is PathRole.EDITED
    assert req.cwd == PROJ
    assert req.paths == [f"{PROJ}/src/greet.py"]
    assert not req.discover
    assert req.agent_id == AgentId("claude", "8f0c2a4e-1111-2222-3333-444455556666", "unknown")
    assert req.metadata == {
        "transcript_path": CLAUDE_TRANSCRIPT,
        "tool_use_id": "toolu_01AbCdEf",
        "edit_kind": "file_edit",
    }
    assert req.transcript == TranscriptSource(
        "claude", CLAUDE_TRANSCRIPT, "8f0c2a4e-1111-2222-3333-444455556666"
    )
    assert req.dirty_files is None


def test_claude_pre_tool_use_edit_is_human_will_edit():
    req = one(parse("claude", claude_payload("PreToolUse", "Write")))
    assert req.kind is CheckpointKind.HUMAN
    assert req.path_role is PathRole.WILL_EDIT
    assert req.paths == [f"{PROJ}/src/greet.py"]
    # git-ai keeps the agent in the request (it is not written for Human kinds)
    assert req.agent_id is not None
    assert req.agent_id.tool == "claude"
    assert req.metadata == {"transcript_path": CLAUDE_TRANSCRIPT, "tool_use_id": "toolu_01AbCdEf"}
    assert req.transcript is None


@pytest.mark.parametrize("tool", ["Write", "Edit", "MultiEdit", "NotebookEdit"])
@pytest.mark.parametrize(
    ("event", "kind"),
    [("PreToolUse", CheckpointKind.HUMAN), ("PostToolUse", CheckpointKind.AI_AGENT)],
)
def test_claude_file_tools(tool, event, kind):
    assert one(parse("claude", claude_payload(event, tool))).kind is kind


@pytest.mark.parametrize(
    "tool",
    ["Read", "Grep", "Glob", "LS", "TodoWrite", "WebFetch", "WebSearch", "Task", "UnknownTool"],
)
@pytest.mark.parametrize("event", ["PreToolUse", "PostToolUse"])
def test_claude_read_only_and_unknown_tools_are_skipped(tool, event):
    assert parse("claude", claude_payload(event, tool)) == []
    # skipped before the required fields are checked, as git-ai does
    bare = {"hook_event_name": event, "tool_name": tool, "transcript_path": "/nope.jsonl"}
    assert parse("claude", bare) == []


def test_claude_post_bash_discovers_with_edit_kind_bash():
    payload = claude_payload("PostToolUse", "Bash", tool_input={"command": "sed -i s/a/b/ x.py"})
    req = one(parse("claude", payload))
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.path_role is PathRole.EDITED
    assert req.discover
    assert req.paths == []
    assert req.agent_id is not None
    assert req.agent_id.tool == "claude"
    assert req.metadata == {
        "transcript_path": CLAUDE_TRANSCRIPT,
        "tool_use_id": "toolu_01AbCdEf",
        "edit_kind": "bash",
    }
    assert req.transcript is not None
    assert req.transcript.path == CLAUDE_TRANSCRIPT


def test_claude_pre_bash_is_human_discover_without_agent():
    payload = claude_payload("PreToolUse", "Bash", tool_input={"command": "make"})
    req = one(parse("claude", payload))
    assert req.kind is CheckpointKind.HUMAN
    assert req.path_role is PathRole.WILL_EDIT
    assert req.discover
    assert req.paths == []
    assert req.agent_id is None
    assert req.metadata == {"transcript_path": CLAUDE_TRANSCRIPT, "tool_use_id": "toolu_01AbCdEf"}
    assert "edit_kind" not in req.metadata


def test_claude_bash_tool_use_id_defaults_to_bash():
    payload = claude_payload("PostToolUse", "Bash")
    del payload["tool_use_id"]
    assert one(parse("claude", payload)).metadata["tool_use_id"] == "bash"


def test_claude_camel_case_keys():
    payload = {
        "transcript_path": CLAUDE_TRANSCRIPT,
        "cwd": PROJ,
        "hookEventName": "PreToolUse",
        "toolName": "Edit",
        "toolUseId": "tu-9",
        "toolInput": {"filepath": "a.py"},
    }
    req = one(parse("claude", payload))
    assert req.kind is CheckpointKind.HUMAN
    assert req.paths == [f"{PROJ}/a.py"]
    assert req.metadata["tool_use_id"] == "tu-9"


def test_claude_relative_paths_resolve_against_hook_cwd():
    payload = claude_payload("PostToolUse", "Write", tool_input={"file_path": "src/new.py"})
    assert one(parse("claude", payload, cwd="/not/this")).paths == [f"{PROJ}/src/new.py"]


def test_claude_path_arrays():
    payload = claude_payload(
        "PostToolUse", "MultiEdit", tool_input={"file_paths": ["a.py", "", "/abs/b.py", 3]}
    )
    assert one(parse("claude", payload)).paths == [f"{PROJ}/a.py", "/abs/b.py"]


def test_claude_missing_tool_name_is_a_legacy_file_edit():
    req = one(parse("claude", claude_payload("PostToolUse", None)))
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.paths == [f"{PROJ}/src/greet.py"]


def test_claude_missing_event_means_post():
    payload = claude_payload("PostToolUse", "Edit")
    del payload["hook_event_name"]
    assert one(parse("claude", payload)).kind is CheckpointKind.AI_AGENT


def test_claude_edit_without_file_path_makes_no_request():
    payload = claude_payload("PostToolUse", "Edit", tool_input={"old_string": "a"})
    assert parse("claude", payload) == []
    payload = claude_payload("PostToolUse", "Edit", tool_input={"file_path": ""})
    assert parse("claude", payload) == []


def test_claude_session_id_defaults_to_transcript_stem():
    payload = claude_payload("PostToolUse", "Edit")
    del payload["session_id"]
    req = one(parse("claude", payload))
    assert req.agent_id == AgentId("claude", "example-claude-code", "unknown")
    assert req.transcript is not None
    assert req.transcript.session_id == "example-claude-code"


@pytest.mark.parametrize("missing", ["cwd", "transcript_path"])
def test_claude_required_fields(missing):
    payload = claude_payload("PostToolUse", "Edit")
    del payload[missing]
    with pytest.raises(InputError, match=missing):
        parse("claude", payload)


def test_claude_rejects_cursor_and_vscode_payloads():
    with pytest.raises(InputError, match="Cursor"):
        parse("claude", claude_payload("PostToolUse", "Edit", cursor_version="0.43"))
    cursor = claude_payload("PostToolUse", "Edit", transcript_path="/u/.cursor/s/t.jsonl")
    with pytest.raises(InputError, match="Cursor"):
        parse("claude", cursor)
    vscode = claude_payload(
        "PostToolUse", "Edit", transcript_path="/u/.vscode/GitHub Copilot/sessions/t.json"
    )
    with pytest.raises(InputError, match="Copilot"):
        parse("claude", vscode)
    # a Claude transcript path that mentions copilot is still Claude's
    ok = claude_payload(
        "PostToolUse", "Edit", transcript_path="/u/.claude/projects/github.copilot/t.jsonl"
    )
    assert one(parse("claude", ok)).kind is CheckpointKind.AI_AGENT


# --- malformed input -----------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["claude", "codex", "droid", "ai_tab"])
@pytest.mark.parametrize(
    ("hook", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"cwd": "/x"', "invalid JSON"),
        ("[1, 2]", "JSON object"),
        ('"a string"', "JSON object"),
        ("null", "JSON object"),
        ("42", "JSON object"),
    ],
)
def test_malformed_hook_json_raises_input_error(preset, hook, message):
    with pytest.raises(InputError, match=message) as info:
        parse(preset, hook)
    assert info.value.hint  # every lsm error carries a hint
    assert preset in info.value.what


@pytest.mark.parametrize("preset", ["claude", "codex", "droid", "ai_tab"])
def test_hook_presets_need_hook_input(preset):
    with pytest.raises(InputError, match="hook"):
        parse(preset, None)


@pytest.mark.parametrize("hook", ["", "   \n"])
def test_blank_hook_input_is_an_error(hook):
    with pytest.raises(InputError, match="requires a value"):
        parse("claude", hook)


def test_bom_is_stripped():
    hook = "\ufeff" + json.dumps(claude_payload("PostToolUse", "Edit"))
    assert one(parse("claude", hook)).kind is CheckpointKind.AI_AGENT


def test_unknown_preset_is_recorded_with_one_warning():
    warnings: list[str] = []
    requests = parse_invocation(
        "cursorr",
        None,
        ["a.py"],
        cwd=PROJ,
        editor=None,
        editor_version=None,
        extension_version=None,
        env=ENV,
        warn=warnings.append,
    )
    req = one(requests)
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.agent_id == AgentId("cursorr", "unknown", "unknown")
    assert req.paths == [f"{PROJ}/a.py"]
    assert len(warnings) == 1
    assert "unknown checkpoint preset 'cursorr'" in warnings[0]
    assert "claude" in warnings[0]  # names the known presets


def test_preset_names():
    assert list(PRESETS) == [
        "human",
        "known_human",
        "mock_ai",
        "mock_known_human",
        "ai_tab",
        "agent-v1",
        "claude",
        "codex",
        "droid",
        "cursor",
        "cursor-background",
        "github-copilot",
        "gemini",
        "windsurf",
        "opencode",
        "amp",
        "cline",
        "continue-cli",
        "pi",
        "firebender",
    ]


def test_help_lists_every_preset():
    from cli.hook import USAGE

    for name in PRESETS:
        assert name in USAGE, name


# --- codex -------------------------------------------------------------------------------------


def codex_payload(event: str, tool: str | None, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "session_id": "019a-codex-sess",
        "transcript_path": CODEX_TRANSCRIPT,
        "cwd": PROJ,
        "hook_event_name": event,
        "tool_use_id": "call_abc",
        "tool_input": {"command": "echo hi"},
    }
    if tool is not None:
        payload["tool_name"] = tool
    payload.update(extra)
    return payload


PATCH = """*** Begin Patch
*** Update File: src/app.py
@@
-old
+new
*** Add File: "src/new.py"
+x
*** Delete File: /abs/gone.py
*** Move to: src/moved.py
*** End Patch
"""


def test_codex_post_apply_patch_paths_from_patch_text():
    payload = codex_payload("PostToolUse", "apply_patch", tool_input={"input": PATCH})
    req = one(parse("codex", payload))
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.path_role is PathRole.EDITED
    assert req.paths == [
        f"{PROJ}/src/app.py",
        f"{PROJ}/src/new.py",
        "/abs/gone.py",
        f"{PROJ}/src/moved.py",
    ]
    assert req.agent_id == AgentId("codex", "019a-codex-sess", "unknown")
    assert req.metadata == {
        "transcript_path": CODEX_TRANSCRIPT,
        "tool_use_id": "call_abc",
        "edit_kind": "file_edit",
    }
    assert req.transcript == TranscriptSource("codex", CODEX_TRANSCRIPT, "019a-codex-sess")


def test_codex_paths_from_nested_keys_and_file_uris():
    tool_input = {
        "changes": [{"Path": "a.py"}, {"fsPath": "file:///abs/b.py"}],
        "files": ["c.py", "a.py"],
        "note": "file://localhost/abs/d.py",
    }
    payload = codex_payload("PostToolUse", "functions.apply_patch", tool_input=tool_input)
    assert one(parse("codex", payload)).paths == [
        f"{PROJ}/a.py",
        "/abs/b.py",
        f"{PROJ}/c.py",
        "/abs/d.py",
    ]


def test_codex_paths_from_tool_response_output():
    response = json.dumps({"output": "Success. Updated the following files:\nM src/a.py\nA b.py\n"})
    payload = codex_payload(
        "PostToolUse", "apply_patch", tool_input={"other": 1}, tool_response=response
    )
    assert one(parse("codex", payload)).paths == [f"{PROJ}/src/a.py", f"{PROJ}/b.py"]


def test_codex_pre_apply_patch_names_no_file():
    payload = codex_payload("PreToolUse", "apply_patch", tool_input={"input": PATCH})
    assert parse("codex", payload) == []


@pytest.mark.parametrize(
    "tool", ["Bash", "exec_command", "shell", "shell_command", "functions.shell"]
)
def test_codex_bash(tool):
    post = one(parse("codex", codex_payload("PostToolUse", tool, model="gpt-5-codex")))
    assert post.kind is CheckpointKind.AI_AGENT
    assert post.discover
    assert post.paths == []
    assert post.agent_id == AgentId("codex", "019a-codex-sess", "gpt-5-codex")
    assert post.metadata["edit_kind"] == "bash"
    pre = one(parse("codex", codex_payload("PreToolUse", tool)))
    assert pre.kind is CheckpointKind.HUMAN
    assert pre.path_role is PathRole.WILL_EDIT
    assert pre.discover
    assert pre.agent_id is None


def test_codex_session_id_alternatives():
    for key, value in (("thread_id", "t-1"), ("thread-id", "t-2")):
        payload = codex_payload("PostToolUse", "Bash")
        del payload["session_id"]
        payload[key] = value
        req = one(parse("codex", payload))
        assert req.agent_id is not None
        assert req.agent_id.id == value
    payload = codex_payload("PostToolUse", "Bash")
    del payload["session_id"]
    payload["hook_event"] = {"thread_id": "t-3"}
    req = one(parse("codex", payload))
    assert req.agent_id is not None
    assert req.agent_id.id == "t-3"


def test_codex_without_transcript_path():
    payload = codex_payload("PostToolUse", "Bash")
    del payload["transcript_path"]
    req = one(parse("codex", payload))
    assert req.transcript is None
    assert "transcript_path" not in req.metadata


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("cwd"), "cwd"),
        (lambda p: p.pop("session_id"), "session_id or thread_id"),
        (lambda p: p.update(hook_event_name="Stop"), "hook_event_name: Stop"),
        (lambda p: p.pop("hook_event_name"), "<missing>"),
        (lambda p: p.update(tool_name="web_search"), "unsupported tool web_search"),
        (lambda p: p.pop("tool_name"), "unsupported tool"),
    ],
)
def test_codex_errors_like_git_ai(mutate, message):
    payload = codex_payload("PostToolUse", "Bash")
    mutate(payload)
    with pytest.raises(InputError, match=message):
        parse("codex", payload)


# --- droid -------------------------------------------------------------------------------------


def droid_payload(event: str, tool: str | None, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "session_id": "droid-sess-1",
        "transcript_path": DROID_TRANSCRIPT,
        "cwd": PROJ,
        "hookEventName": event,
        "tool_use_id": "tu-1",
        "tool_input": {"file_path": "src/main.rs", "content": "fn main() {}"},
    }
    if tool is not None:
        payload["tool_name"] = tool
    payload.update(extra)
    return payload


def test_droid_post_edit():
    req = one(parse("droid", droid_payload("PostToolUse", "Edit")))
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.paths == [f"{PROJ}/src/main.rs"]
    assert req.agent_id == AgentId("droid", "droid-sess-1", "unknown")
    assert req.metadata == {
        "transcript_path": DROID_TRANSCRIPT,
        "settings_path": DROID_SETTINGS,
        "tool_name": "Edit",
        "tool_use_id": "tu-1",
        "edit_kind": "file_edit",
    }
    assert req.transcript == TranscriptSource(
        "droid", DROID_TRANSCRIPT, "droid-sess-1", DROID_SETTINGS
    )


def test_droid_pre_create():
    req = one(parse("droid", droid_payload("PreToolUse", "Create")))
    assert req.kind is CheckpointKind.HUMAN
    assert req.path_role is PathRole.WILL_EDIT
    assert req.transcript is None


@pytest.mark.parametrize("tool", ["Bash", "Execute"])
def test_droid_bash(tool):
    post = one(parse("droid", droid_payload("PostToolUse", tool)))
    assert post.discover
    assert post.kind is CheckpointKind.AI_AGENT
    assert post.metadata["edit_kind"] == "bash"
    assert post.metadata["tool_name"] == tool
    pre = one(parse("droid", droid_payload("PreToolUse", tool)))
    assert pre.discover
    assert pre.kind is CheckpointKind.HUMAN
    assert pre.agent_id is None


@pytest.mark.parametrize("tool", ["Read", "Grep", "Glob", "LS", "TodoWrite", "FetchUrl"])
def test_droid_read_only_tools_skipped(tool):
    assert parse("droid", droid_payload("PostToolUse", tool)) == []
    assert parse("droid", {"tool_name": tool}) == []


def test_droid_apply_patch_paths():
    patch = "*** Begin Patch\n*** Update File: lib/a.ts\n@@\n-x\n+y\n*** End Patch"
    payload = droid_payload("PostToolUse", "ApplyPatch", tool_input=patch)
    assert one(parse("droid", payload)).paths == [f"{PROJ}/lib/a.ts"]
    payload = droid_payload("PostToolUse", "ApplyPatch", tool_input={"patch": patch})
    assert one(parse("droid", payload)).paths == [f"{PROJ}/lib/a.ts"]
    payload = droid_payload(
        "PostToolUse",
        "ApplyPatch",
        tool_input={"patch": "garbage"},
        tool_response=json.dumps({"file_path": "/abs/z.ts"}),
    )
    assert one(parse("droid", payload)).paths == ["/abs/z.ts"]


def test_droid_default_transcript_path_under_home():
    payload = droid_payload("PostToolUse", "Write")
    del payload["transcript_path"]
    req = one(parse("droid", payload, env={"HOME": "/home/ada"}))
    base = "/home/ada/.factory/sessions/-home-ada-proj"
    assert req.metadata["transcript_path"] == f"{base}/droid-sess-1.jsonl"
    assert req.metadata["settings_path"] == f"{base}/droid-sess-1.settings.json"
    assert req.transcript == TranscriptSource(
        "droid", f"{base}/droid-sess-1.jsonl", "droid-sess-1", f"{base}/droid-sess-1.settings.json"
    )


def test_droid_missing_session_gets_a_generated_id():
    payload = droid_payload("PostToolUse", "Write")
    del payload["session_id"]
    req = one(parse("droid", payload))
    assert req.agent_id is not None
    assert req.agent_id.id.startswith("droid-")


@pytest.mark.parametrize(("missing", "message"), [("cwd", "cwd"), ("hookEventName", "hookEvent")])
def test_droid_required_fields(missing, message):
    payload = droid_payload("PostToolUse", "Write")
    del payload[missing]
    with pytest.raises(InputError, match=message):
        parse("droid", payload)


def test_droid_edit_without_path_makes_no_request():
    payload = droid_payload("PostToolUse", "Edit", tool_input={"old_str": "a"})
    assert parse("droid", payload) == []


# --- human ---------------------------------------------------------------------------------------


def test_human_default_preset_with_paths():
    req = one(parse(None, None, ["src/a.py", "/abs/b.py"], cwd=PROJ))
    assert req.kind is CheckpointKind.HUMAN
    assert req.path_role is PathRole.WILL_EDIT
    assert req.paths == [f"{PROJ}/src/a.py", "/abs/b.py"]
    assert req.cwd == PROJ
    assert not req.discover
    assert req.agent_id is None
    assert req.metadata == {}


def test_human_without_paths_discovers():
    for preset in (None, "human"):
        req = one(parse(preset, None, [], cwd=PROJ))
        assert req.kind is CheckpointKind.HUMAN
        assert req.path_role is PathRole.WILL_EDIT
        assert req.discover
        assert req.paths == []
        assert req.cwd == PROJ


def test_human_with_hook_input():
    req = one(parse("human", {"file_paths": ["x.py"], "cwd": "/repo"}))
    assert req.paths == ["/repo/x.py"]
    assert req.cwd == "/repo"
    assert parse("human", {"cwd": "/repo"}) == []
    with pytest.raises(InputError, match="invalid JSON"):
        parse("human", "{")


# --- known_human, mock presets ------------------------------------------------------------------


def test_known_human_from_command_line():
    req = one(
        parse(
            "known_human",
            None,
            ["a.py"],
            cwd=PROJ,
            editor="vscode",
            editor_version="1.99.0",
            extension_version="0.4.2",
        )
    )
    assert req.kind is CheckpointKind.KNOWN_HUMAN
    assert req.path_role is PathRole.EDITED
    assert req.paths == [f"{PROJ}/a.py"]
    assert req.agent_id is None
    assert req.metadata == {
        "kh_editor": "vscode",
        "kh_editor_version": "1.99.0",
        "kh_extension_version": "0.4.2",
    }


def test_known_human_defaults_to_unknown_editor():
    req = one(parse("known_human", None, ["a.py"], cwd=PROJ))
    assert req.metadata == {
        "kh_editor": "unknown",
        "kh_editor_version": "unknown",
        "kh_extension_version": "unknown",
    }


def test_known_human_without_paths_makes_no_request():
    assert parse("known_human", None, [], cwd=PROJ, editor="vscode") == []


def test_known_human_hook_input():
    payload = {
        "editor": "cursor",
        "editor_version": "1.2",
        "extension_version": "3.4",
        "cwd": "/repo",
        "edited_filepaths": ["src/x.ts", "/abs/y.ts"],
        "dirty_files": {"src/x.ts": "const x = 1;\n", "bad": 3},
    }
    req = one(parse("known_human", payload, editor="ignored-when-hook-says"))
    assert req.kind is CheckpointKind.KNOWN_HUMAN
    assert req.cwd == "/repo"
    assert req.paths == ["/repo/src/x.ts", "/abs/y.ts"]
    assert req.metadata["kh_editor"] == "cursor"
    assert req.dirty_files == {"/repo/src/x.ts": "const x = 1;\n"}


def test_mock_known_human():
    req = one(parse("mock_known_human", None, ["a.py"], cwd=PROJ))
    assert req.kind is CheckpointKind.KNOWN_HUMAN
    assert req.path_role is PathRole.EDITED
    assert req.paths == [f"{PROJ}/a.py"]
    assert req.metadata == {}
    assert one(parse("mock_known_human", None, [], cwd=PROJ)).discover


def test_mock_ai():
    req = one(parse("mock_ai", None, ["a.py", "b.py"], cwd=PROJ))
    assert req.kind is CheckpointKind.AI_AGENT
    assert req.path_role is PathRole.EDITED
    assert req.paths == [f"{PROJ}/a.py", f"{PROJ}/b.py"]
    assert req.agent_id is not None
    assert req.agent_id.tool == "mock_ai"
    assert req.agent_id.id.startswith("ai-thread-")
    assert req.agent_id.model == "unknown"
    assert req.metadata == {"edit_kind": "file_edit"}
    assert req.transcript is None
    discover = one(parse("mock_ai", None, [], cwd=PROJ))
    assert discover.discover
    assert discover.kind is CheckpointKind.AI_AGENT


# --- ai_tab --------------------------------------------------------------------------------------


def ai_tab_payload(event: str, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "hook_event_name": event,
        "tool": "copilot-tab",
        "model": "gpt-4o-mini",
        "repo_working_dir": "/repo",
        "completion_id": "cmpl-7",
        "will_edit_filepaths": ["src/a.ts"],
        "edited_filepaths": ["src/a.ts"],
        "dirty_files": {"src/a.ts": "let a = 1;\n"},
    }
    payload.update(extra)
    return payload


def test_ai_tab_after_edit():
    req = one(parse("ai_tab", ai_tab_payload("after_edit")))
    assert req.kind is CheckpointKind.AI_TAB
    assert req.path_role is PathRole.EDITED
    assert req.cwd == "/repo"
    assert req.paths == ["/repo/src/a.ts"]
    assert req.agent_id == AgentId("copilot-tab", "ai_tab-cmpl-7", "gpt-4o-mini")
    assert req.metadata == {"tool": "copilot-tab", "edit_kind": "file_edit"}
    assert req.dirty_files == {"/repo/src/a.ts": "let a = 1;\n"}


def test_ai_tab_before_edit():
    req = one(parse("ai_tab", ai_tab_payload("before_edit")))
    assert req.kind is CheckpointKind.HUMAN
    assert req.path_role is PathRole.WILL_EDIT
    assert req.metadata == {"tool": "copilot-tab"}


def test_ai_tab_cwd_falls_back_to_argument():
    payload = ai_tab_payload("after_edit", repo_working_dir="  ")
    assert one(parse("ai_tab", payload, cwd=PROJ)).paths == [f"{PROJ}/src/a.ts"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"hook_event_name": "PostToolUse"}, "unsupported hook_event_name"),
        ({"tool": "  "}, "tool must be a non-empty"),
        ({"model": ""}, "model must be a non-empty"),
    ],
)
def test_ai_tab_errors(extra, message):
    with pytest.raises(InputError, match=message):
        parse("ai_tab", ai_tab_payload("after_edit", **extra))


@pytest.mark.parametrize("missing", ["hook_event_name", "tool", "model"])
def test_ai_tab_required(missing):
    payload = ai_tab_payload("after_edit")
    del payload[missing]
    with pytest.raises(InputError, match=missing):
        parse("ai_tab", payload)


# --- import weight -------------------------------------------------------------------------------


def test_module_imports_are_light():
    code = (
        "import sys; import lsm.checkpoint.presets; "
        "heavy = [m for m in ('click', 'dataclasses', 'fnmatch', 'orjson', 'subprocess') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert "click" not in out
    assert "dataclasses" not in out
    assert "orjson" not in out
    assert "subprocess" not in out
