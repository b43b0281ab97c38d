"""Every agent preset end to end: the real hook command, in a real git repository.

For each preset: a human edit, the agent's pre-edit hook (a human
checkpoint of that edit), the agent's edit, its post-edit hook (an AI
checkpoint). Checked: the kinds, the agent (tool, id, model: from the hook
or, as git-ai reads it, from the transcript), the files and the transcript
messages stored. The payloads are git-ai's shapes (tests/checkpoint/preset_cases).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import lsm
from lsm.model import CheckpointKind
from tests.gitutil import GIT_ENV, init_repo

AGENTS = Path(__file__).resolve().parents[1] / "fixtures" / "agents"
GOLDEN = json.loads((AGENTS / "golden.json").read_text())
ENV = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}

Payload = Callable[["Ctx", bool], dict[str, Any]]


class Ctx:
    """What a payload needs: the repository, the edited file, the transcript, HOME."""

    def __init__(self, repo: Path, home: Path, transcript: Path | None) -> None:
        self.repo = repo
        self.file = str(repo / "a.py")
        self.home = home
        self.transcript = "" if transcript is None else str(transcript)


def _agent_v1(c: Ctx, pre: bool) -> dict[str, Any]:
    if pre:
        return {"type": "human", "repo_working_dir": str(c.repo), "will_edit_filepaths": ["a.py"]}
    return {
        "type": "ai_agent",
        "repo_working_dir": str(c.repo),
        "edited_filepaths": ["a.py"],
        "agent_name": "my-agent",
        "model": "gpt-4",
        "conversation_id": "conv-1",
    }


def _cursor(c: Ctx, pre: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "conversation_id": "conv-1",
        "workspace_roots": [str(c.repo)],
        "hook_event_name": "preToolUse" if pre else "postToolUse",
        "tool_name": "Write",
        "model": "claude-4.5-sonnet",
        "tool_input": {"file_path": c.file},
    }
    if not pre:
        payload["transcript_path"] = c.transcript
    return payload


def _copilot_native(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "hook_event_name": "PreToolUse" if pre else "PostToolUse",
        "cwd": str(c.repo),
        "tool_name": "replace_string_in_file",
        "session_id": "sess-vs",
        "tool_use_id": "tu-1",
        "tool_input": {"filePath": c.file},
        "transcript_path": c.transcript,
    }


def _copilot_cli(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "hook_event_name": "PreToolUse" if pre else "PostToolUse",
        "session_id": "cli-sess",
        "cwd": str(c.repo),
        "tool_name": "str_replace",
        "tool_input": {"path": c.file, "old_str": "1", "new_str": "2"},
    }


def _copilot_extension(c: Ctx, pre: bool) -> dict[str, Any]:
    if pre:
        return {
            "hook_event_name": "before_edit",
            "workspace_folder": str(c.repo),
            "will_edit_filepaths": [c.file],
            "chat_session_id": "sess-ext",
        }
    return {
        "hook_event_name": "after_edit",
        "workspace_folder": str(c.repo),
        "chat_session_path": c.transcript,
        "session_id": "sess-ext",
        "edited_filepaths": ["a.py"],
    }


def _gemini(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "transcript_path": c.transcript,
        "cwd": str(c.repo),
        "hook_event_name": "BeforeTool" if pre else "AfterTool",
        "tool_name": "replace",
        "session_id": "gem-1",
        "tool_use_id": "replace-1",
        "tool_input": {"file_path": c.file},
    }


def _windsurf(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "trajectory_id": "traj-1",
        "agent_action_name": "pre_write_code" if pre else "post_write_code",
        "model_name": "GPT 4.1",
        "tool_info": {"cwd": str(c.repo), "file_path": "a.py", "transcript_path": c.transcript},
    }


def _opencode(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "hook_event_name": "PreToolUse" if pre else "PostToolUse",
        "session_id": "test-session-123",
        "cwd": str(c.repo),
        "tool_name": "edit",
        "tool_input": {"filePath": c.file},
    }


def _amp(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "hook_event_name": "PreToolUse" if pre else "PostToolUse",
        "tool_name": "edit_file",
        "thread_id": "T-019ca1ce-3ae2-7686-a41e-ccc078837f8a",
        "tool_use_id": "toolu-1",
        "transcript_path": c.transcript,
        "cwd": str(c.repo),
        "tool_input": {"path": "a.py"},
    }


def _cline(c: Ctx, pre: bool) -> dict[str, Any]:
    tool = {"toolName": "replace_in_file", "parameters": {"path": "a.py", "diff": "x"}}
    return {
        "hookName": "PreToolUse" if pre else "PostToolUse",
        "clineVersion": "3.36.0",
        "taskId": "task-1",
        "workspaceRoots": [str(c.repo)],
        "model": {"provider": "anthropic", "slug": "claude-sonnet-4-6"},
        "preToolUse" if pre else "postToolUse": tool,
    }


def _continue(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "transcript_path": c.transcript,
        "cwd": str(c.repo),
        "hook_event_name": "PreToolUse" if pre else "PostToolUse",
        "tool_name": "edit",
        "session_id": "cont-1",
        "model": "claude-3-7-sonnet",
        "tool_input": {"filepath": c.file},
    }


def _pi(c: Ctx, pre: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "hook_event_name": "before_edit" if pre else "after_edit",
        "session_id": "pi-1",
        "session_path": c.transcript,
        "cwd": str(c.repo),
        "model": "anthropic/claude-sonnet-4-5",
        "tool_name": "edit",
    }
    payload["will_edit_filepaths" if pre else "edited_filepaths"] = [c.file]
    return payload


def _firebender(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "hook_event_name": "preToolUse" if pre else "postToolUse",
        "model": "claude-sonnet-4-5",
        "repo_working_dir": str(c.repo),
        "tool_name": "Edit",
        "tool_input": {"file_path": c.file},
        "completion_id": "comp-1",
    }


def _unknown(c: Ctx, pre: bool) -> dict[str, Any]:
    return {
        "hook_event_name": "PreToolUse" if pre else "PostToolUse",
        "session_id": "s-new",
        "cwd": str(c.repo),
        "model": "m-9",
        "tool_input": {"file_path": c.file},
    }


#: preset, payload, transcript fixture (and where it goes), (tool, id, model),
#: (transcript format, session) whose messages must be stored.
CASES: list[tuple[str, Payload, str | None, str, tuple[str, str, str], tuple[str, str] | None]] = [
    ("agent-v1", _agent_v1, None, "", ("my-agent", "conv-1", "gpt-4"), None),
    (
        "cursor",
        _cursor,
        "cursor-session-simple.jsonl",
        "t.jsonl",
        ("cursor", "conv-1", "claude-4.5-sonnet"),
        ("cursor", "conv-1"),
    ),
    (
        "github-copilot",
        _copilot_native,
        "copilot_session_event_stream.jsonl",
        "Code/User/workspaceStorage/h/GitHub.copilot-chat/transcripts/sess-vs.jsonl",
        ("github-copilot", "sess-vs", "unknown"),
        ("copilot", "sess-vs"),
    ),
    (
        "github-copilot",
        _copilot_cli,
        "copilot_cli_session_events.jsonl",
        "home/.copilot/session-state/cli-sess/events.jsonl",
        ("github-copilot-cli", "cli-sess", "gpt-4.1"),
        ("copilot", "cli-sess"),
    ),
    (
        "github-copilot",
        _copilot_extension,
        "copilot_session_simple.json",
        "chatSessions/sess-ext.json",
        ("github-copilot", "sess-ext", "copilot/claude-sonnet-4"),
        ("copilot-session", "sess-ext"),
    ),
    (
        "gemini",
        _gemini,
        "gemini-session-simple.jsonl",
        "g.jsonl",
        ("gemini", "gem-1", "gemini-2.5-flash"),
        ("gemini", "gem-1"),
    ),
    (
        "windsurf",
        _windsurf,
        "windsurf-session-simple.jsonl",
        "w.jsonl",
        ("windsurf", "traj-1", "GPT 4.1"),
        ("windsurf", "traj-1"),
    ),
    (
        "opencode",
        _opencode,
        "opencode-schema.sql",
        "opencode-data/opencode.db",
        ("opencode", "test-session-123", "gpt-5"),
        ("opencode", "test-session-123"),
    ),
    (
        "amp",
        _amp,
        "amp-T-019ca1ce-3ae2-7686-a41e-ccc078837f8a.json",
        "thread.json",
        ("amp", "T-019ca1ce-3ae2-7686-a41e-ccc078837f8a", "claude-opus-4-6"),
        ("amp", "T-019ca1ce-3ae2-7686-a41e-ccc078837f8a"),
    ),
    ("cline", _cline, None, "", ("cline", "task-1", "claude-sonnet-4-6"), None),
    (
        "continue-cli",
        _continue,
        "continue-cli-session-simple.json",
        "c.json",
        ("continue-cli", "cont-1", "claude-3-7-sonnet"),
        ("continue-cli", "cont-1"),
    ),
    (
        "pi",
        _pi,
        "pi-session-simple.jsonl",
        "pi.jsonl",
        ("pi", "pi-1", "claude-sonnet-4-5"),
        ("pi", "pi-1"),
    ),
    (
        "firebender",
        _firebender,
        None,
        "",
        ("firebender", "firebender-comp-1", "claude-sonnet-4-5"),
        None,
    ),
    ("my-new-agent", _unknown, None, "", ("my-new-agent", "s-new", "m-9"), None),
]


def _install(fixture: str | None, where: str, tmp: Path) -> Path | None:
    if fixture is None:
        return None
    target = tmp / where
    target.parent.mkdir(parents=True, exist_ok=True)
    if fixture.endswith(".sql"):
        conn = sqlite3.connect(target)
        conn.executescript((AGENTS / fixture).read_text())
        conn.commit()
        conn.close()
    else:
        target.write_bytes((AGENTS / fixture).read_bytes())
    return target


def _hook(repo: Path, preset: str, payload: dict[str, Any], env: dict[str, str]) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "cli", "checkpoint", preset, "--hook-input", "stdin"],
        cwd=repo,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("preset", "payload", "fixture", "where", "agent", "stored"),
    CASES,
    ids=[f"{c[0]}-{c[1].__name__.lstrip('_')}" for c in CASES],
)
def test_agent_round_trip(
    tmp_path: Path,
    preset: str,
    payload: Payload,
    fixture: str | None,
    where: str,
    agent: tuple[str, str, str],
    stored: tuple[str, str] | None,
) -> None:
    repo = init_repo(tmp_path / "repo", {"a.py": "def f():\n    return 1\n"})
    home = tmp_path / "home"
    home.mkdir()
    transcript = _install(fixture, where, tmp_path)
    env = {
        **ENV,
        "HOME": str(home),
        "GIT_AI_OPENCODE_STORAGE_PATH": str(tmp_path / "opencode-data"),
    }
    ctx = Ctx(repo, home, transcript)
    warning_lines = 1 if preset not in lsm_presets() else 0

    (repo / "a.py").write_text("def f():\n    return 1\n# a human note\n")
    pre = _hook(repo, preset, payload(ctx, True), env)
    assert pre.returncode == 0, pre.stderr
    assert pre.stderr.count("warning") == warning_lines, pre.stderr
    (repo / "a.py").write_text("def f():\n    return 2\n# a human note\n")
    post = _hook(repo, preset, payload(ctx, False), env)
    assert post.returncode == 0, post.stderr
    assert post.stderr.count("warning") == warning_lines, post.stderr

    with lsm.open_repo_store(repo) as store:
        cps = [c.checkpoint for c in store.checkpoints(lsm.current_log(repo))]
        assert [c.kind for c in cps] == [CheckpointKind.HUMAN, CheckpointKind.AI_AGENT]
        human, ai = cps
        assert human.agent_id is None
        assert [e.file for e in human.entries] == ["a.py"]
        assert ai.agent_id is not None and tuple(ai.agent_id) == agent
        assert [e.file for e in ai.entries] == ["a.py"]
        # Line 2 is the agent's; the human's note is not.
        spans = [(la.start_line, la.end_line) for la in ai.entries[0].line_attributions]
        assert spans == [(2, 2)]
        assert ai.entries[0].line_attributions[0].author_id.startswith("s_")
        if stored is None:
            assert store.transcript_sessions() == []
        else:
            messages = list(store.transcript_messages(*stored))
            golden = GOLDEN[fixture]["messages"] if fixture is not None else []
            assert len(messages) == len(golden)


def lsm_presets() -> list[str]:
    from lsm.checkpoint.presets import PRESETS

    return list(PRESETS)


def test_unknown_preset_records_every_changed_file_without_a_payload(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "cli", "checkpoint", "--strict", "brand-new-agent"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr  # recorded: not a failure, even with --strict
    [warning] = [line for line in done.stderr.splitlines() if "warning" in line]
    assert "unknown checkpoint preset 'brand-new-agent'" in warning
    with lsm.open_repo_store(repo) as store:
        [cp] = [c.checkpoint for c in store.checkpoints(lsm.current_log(repo))]
    assert cp.kind is CheckpointKind.AI_AGENT
    assert cp.agent_id is not None and cp.agent_id.tool == "brand-new-agent"
    assert [e.file for e in cp.entries] == ["a.py"]


@pytest.mark.parametrize(
    "index", [i for i, c in enumerate(CASES) if c[0] in ("cursor", "amp", "opencode", "cline")]
)
def test_agent_hooks_import_nothing_heavy(tmp_path: Path, index: int) -> None:
    """The post-edit hook of each kind of transcript (JSONL, document, database, none)."""
    from tests.test_hook_imports import CODE, FORBIDDEN

    preset, payload, fixture, where, _agent, _stored = CASES[index]
    repo = init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    home = tmp_path / "home"
    home.mkdir()
    ctx = Ctx(repo, home, _install(fixture, where, tmp_path))
    (repo / "a.py").write_text("x = 2\n")
    env = {
        **ENV,
        "HOME": str(home),
        "GIT_AI_OPENCODE_STORAGE_PATH": str(tmp_path / "opencode-data"),
    }
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            CODE,
            "checkpoint",
            preset,
            "--hook-input",
            json.dumps(payload(ctx, False)),
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "lsm.checkpoint.runner" in modules
    assert [m for m in FORBIDDEN if m in modules] == []
    # Only this preset's module of the package is loaded.
    loaded = {m for m in modules if m.startswith("lsm.checkpoint.presets.")}
    assert loaded <= {
        f"lsm.checkpoint.presets.{m}" for m in ("events", "parse", PRESET_MODULES[preset])
    }


PRESET_MODULES = {"cursor": "cursor", "amp": "amp", "opencode": "opencode", "cline": "cline"}
