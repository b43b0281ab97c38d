"""One hook per agent preset: the installed ``ckptlog checkpoint PRESET`` after an edit.

``ckptlog-preset-<name>``: the preset's post-edit hook (git-ai's payload shape, an edit tool,
the file ``f00000.txt``) in the one-file repository of the ``claude`` input, with no transcript
to read: where the preset requires a transcript path (Claude, Gemini, Continue, Pi, Windsurf,
VS Code) it names an empty file, elsewhere none is given. So each row is the cost of the preset
itself (start-up, hook parsing, the checkpoint), comparable with ``ckptlog-preset-claude`` for
the same edit. ``warmup`` (default 1) hooks run in setup first, each followed by a new edit, so
the measured run is "the next checkpoint" of an existing store.

``github-copilot-vscode`` (VS Code's native hooks) includes git-ai's deliberate 80 ms wait
before a PostToolUse (VS Code writes the file after the hook fires); ``github-copilot`` is the
Copilot CLI's payload. Every run uses ``--strict`` and fails on any ``ckptlog: warning:`` line.
"""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Command, Context, Scenario
from tools.bench.scenarios.ckptlog import warm_up

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

WARNING = "ckptlog: warning:"
FILE = "f00000.txt"


def _payload(preset: str, repo: str, empty: str) -> tuple[str, dict[str, Any]]:
    """``(preset to run, PostToolUse payload)`` for a preset row."""
    path = f"{repo}/{FILE}"
    post = {"hook_event_name": "PostToolUse"}
    payloads: dict[str, tuple[str, dict[str, Any]]] = {
        "claude": (
            "claude",
            {
                **post,
                "tool_name": "Edit",
                "session_id": "s-1",
                "transcript_path": f"{empty}.jsonl",
                "cwd": repo,
                "tool_use_id": "toolu_1",
                "tool_input": {"file_path": path},
            },
        ),
        "codex": (
            "codex",
            {
                **post,
                "tool_name": "apply_patch",
                "session_id": "s-1",
                "cwd": repo,
                "tool_use_id": "call_1",
                "tool_input": {"input": f"*** Update File: {FILE}\n"},
            },
        ),
        "droid": (
            "droid",
            {
                "hookEventName": "PostToolUse",
                "tool_name": "Edit",
                "session_id": "s-1",
                "cwd": repo,
                "transcript_path": f"{empty}.jsonl",
                "tool_input": {"file_path": path},
            },
        ),
        "cursor": (
            "cursor",
            {
                "conversation_id": "c-1",
                "workspace_roots": [repo],
                "hook_event_name": "postToolUse",
                "tool_name": "Write",
                "model": "m",
                "tool_input": {"file_path": path},
            },
        ),
        "github-copilot": (
            "github-copilot",
            {
                **post,
                "session_id": "s-1",
                "cwd": repo,
                "tool_name": "str_replace",
                "tool_input": {"path": path, "old_str": "a", "new_str": "b"},
            },
        ),
        "github-copilot-vscode": (
            "github-copilot",
            {
                **post,
                "session_id": "s-1",
                "cwd": repo,
                "tool_name": "replace_string_in_file",
                "tool_input": {"filePath": path},
                "transcript_path": f"{empty}/GitHub.copilot-chat/transcripts/s-1.jsonl",
            },
        ),
        "gemini": (
            "gemini",
            {
                "hook_event_name": "AfterTool",
                "tool_name": "replace",
                "session_id": "s-1",
                "cwd": repo,
                "transcript_path": f"{empty}.jsonl",
                "tool_input": {"file_path": path},
            },
        ),
        "windsurf": (
            "windsurf",
            {
                "trajectory_id": "t-1",
                "agent_action_name": "post_write_code",
                "model_name": "m",
                "tool_info": {"cwd": repo, "file_path": FILE, "transcript_path": f"{empty}.jsonl"},
            },
        ),
        "opencode": (
            "opencode",
            {
                **post,
                "session_id": "s-1",
                "cwd": repo,
                "tool_name": "edit",
                "tool_input": {"filePath": path},
            },
        ),
        "amp": (
            "amp",
            {
                **post,
                "tool_name": "edit_file",
                "thread_id": "T-1",
                "cwd": repo,
                "tool_input": {"path": FILE},
            },
        ),
        "cline": (
            "cline",
            {
                "hookName": "PostToolUse",
                "clineVersion": "3",
                "taskId": "t-1",
                "workspaceRoots": [repo],
                "model": {"slug": "m"},
                "postToolUse": {"toolName": "write_to_file", "parameters": {"path": FILE}},
            },
        ),
        "continue-cli": (
            "continue-cli",
            {
                **post,
                "tool_name": "edit",
                "session_id": "s-1",
                "cwd": repo,
                "transcript_path": f"{empty}.json",
                "tool_input": {"filepath": path},
            },
        ),
        "pi": (
            "pi",
            {
                "hook_event_name": "after_edit",
                "session_id": "s-1",
                "session_path": f"{empty}.jsonl",
                "cwd": repo,
                "model": "p/m",
                "tool_name": "edit",
                "edited_filepaths": [path],
            },
        ),
        "firebender": (
            "firebender",
            {
                "hook_event_name": "postToolUse",
                "model": "m",
                "repo_working_dir": repo,
                "tool_name": "Edit",
                "tool_input": {"file_path": path},
                "completion_id": "c-1",
            },
        ),
        "agent-v1": (
            "agent-v1",
            {
                "type": "ai_agent",
                "repo_working_dir": repo,
                "edited_filepaths": [FILE],
                "agent_name": "a",
                "model": "m",
                "conversation_id": "c-1",
            },
        ),
        "ai_tab": (
            "ai_tab",
            {
                "hook_event_name": "after_edit",
                "tool": "t",
                "model": "m",
                "repo_working_dir": repo,
                "edited_filepaths": [FILE],
                "completion_id": "c-1",
            },
        ),
    }
    return payloads[preset]


ROWS = (
    "claude", "codex", "droid", "cursor", "github-copilot", "github-copilot-vscode", "gemini",
    "windsurf", "opencode", "amp", "cline", "continue-cli", "pi", "firebender", "agent-v1",
    "ai_tab",
)  # fmt: skip


def _available(env: BenchEnv) -> str | None:
    if env.ckptlog is None:
        return env.ckptlog_problem or "ckptlog is not installed"
    if env.param("input", "none") != "claude":
        return "needs a claude input (its one-file repository)"
    return None


def _setup(row: str) -> Callable[[BenchEnv], Context]:
    def setup(env: BenchEnv) -> Context:
        import json
        from pathlib import Path

        from tools.bench import inputs

        context = inputs.prepare(env)
        empty = Path(env.workdir) / "empty"
        for suffix in (".jsonl", ".json"):
            Path(f"{empty}{suffix}").write_bytes(b"")
        vscode = empty / "GitHub.copilot-chat" / "transcripts" / "s-1.jsonl"
        vscode.parent.mkdir(parents=True)
        vscode.write_bytes(b"")
        home = Path(env.workdir) / "home"
        home.mkdir()
        preset, payload = _payload(row, context["repo"], str(empty))
        context["ckptlog"] = env.ckptlog
        context["preset"] = preset
        context["hook_input"] = json.dumps(payload, separators=(",", ":"))
        context["env"] = {
            "HOME": str(home),
            "GIT_AI_OPENCODE_STORAGE_PATH": str(home / "opencode"),
            "GIT_AI_AMP_THREADS_PATH": str(home / "amp"),
        }
        warm_up(context, int(env.param("warmup", 1)), _command, _check)
        return context

    return setup


def _command(context: Context) -> Command:
    argv = (
        context["ckptlog"],
        "checkpoint",
        context["preset"],
        "--hook-input",
        context["hook_input"],
        "--strict",
    )
    return Command(argv=argv, cwd=context["repo"], env=context["env"])


def _check(context: Context, output: str) -> str | None:
    for line in output.splitlines():
        if WARNING in line:
            return f"ckptlog warned (a skipped or degraded checkpoint): {line.strip()}"
    if "changed 1 file(s)" not in output:
        return f"the hook did not checkpoint the edit: {output.strip()[-300:]}"
    return None


SCENARIOS = tuple(
    Scenario(
        name=f"ckptlog-preset-{row}",
        summary=f"installed `ckptlog checkpoint {row}`: the post-edit hook, no transcript content",
        setup=_setup(row),
        command=_command,
        check=_check,
        available=_available,
    )
    for row in ROWS
)
