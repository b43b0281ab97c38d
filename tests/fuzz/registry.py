"""Per-preset payload generators for the hook fuzzer: preset name -> generator.

A generator gets the :class:`~tests.fuzz.hostile.World` and a seeded
``random.Random`` and returns a :class:`Payload`: the JSON object (or the
command-line paths) the preset's agent would send, made of hostile values.
The harness (``tests/fuzz/cases.py``) then decides how it travels (argv,
stdin, UTF-16, truncated, with NUL bytes...) and what state the streams are in.

Adding a preset: describe its payload with :func:`shape` (or write a
function) and register it here; ``test_every_preset_has_a_generator`` fails
for a preset in ``lsm.checkpoint.presets.PRESETS`` that has none::

    GENERATORS["my-agent"] = shape(
        events=("PreToolUse", "PostToolUse"), tools=("Edit", "Bash"),
        keys={"hook_event_name": EVENT, "tool_name": TOOL, "cwd": CWD,
              "session_id": ID, "tool_input": {"file_path": PATH}},
    )
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from tests.fuzz.hostile import World, hostile_value


class Payload:
    """What one hook call carries: a JSON object, or paths on the command line."""

    def __init__(self, obj: Any = None, cli_paths: list[str] | None = None) -> None:
        self.obj = obj
        self.cli_paths = cli_paths


Generator = Callable[[World, random.Random], Payload]

# Value kinds a shape's keys take.
PATH, PATHS, TRANSCRIPT, CWD, EVENT, TOOL, ID, TEXT, PATCH, DIRTY, MODEL = [
    "path",
    "paths",
    "transcript",
    "cwd",
    "event",
    "tool",
    "id",
    "text",
    "patch",
    "dirty",
    "model",
]


def _value(
    kind: Any, world: World, rng: random.Random, events: tuple[str, ...], tools: tuple[str, ...]
) -> Any:
    if isinstance(kind, Mapping):
        return {
            k: _value(v, world, rng, events, tools) for k, v in kind.items() if rng.random() < 0.85
        }
    if isinstance(kind, list):
        return [_value(kind[0], world, rng, events, tools) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.08:
        return hostile_value(world, rng)
    if kind == PATH:
        return world.path(rng)
    if kind == PATHS:
        return [world.path(rng) for _ in range(rng.choice([0, 1, 1, 2, 3, 40]))]
    if kind == TRANSCRIPT:
        return world.transcript(rng)
    if kind == CWD:
        return world.cwd(rng)
    if kind == EVENT:
        return (
            rng.choice(events)
            if events and rng.random() < 0.9
            else rng.choice(["", "Bogus", "PostToolUse"])
        )
    if kind == TOOL:
        return (
            rng.choice(tools)
            if tools and rng.random() < 0.9
            else rng.choice(["Read", "Grep", "", "x" * 300])
        )
    if kind == ID:
        return rng.choice(
            ["s1", "sess-1", "8f0c2a4e-5b1d-4f7a-9c3e-2d6b1a0e9f47", "", "../../etc", "a/b"]
        )
    if kind == MODEL:
        return rng.choice(["claude-sonnet-4", "gpt-5", "", "x" * 1000])
    if kind == PATCH:
        lines = [
            f"*** {rng.choice(['Update', 'Add', 'Delete'])} File: {world.path(rng)}"
            for _ in range(rng.randint(0, 3))
        ]
        return "*** Begin Patch\n" + "\n".join(lines) + "\n*** End Patch\n"
    if kind == DIRTY:
        return {
            world.path(rng): rng.choice(["x = 9\n", "", "\x00", "y" * 50_000])
            for _ in range(rng.randint(0, 2))
        }
    return rng.choice(["", "text", "\x00\x01", "ünïcödé", "\ud83d\ude00", "a" * 10_000])


def shape(
    *, events: tuple[str, ...] = (), tools: tuple[str, ...] = (), keys: Mapping[str, Any]
) -> Generator:
    """A generator from a description: each key present with probability 0.85, its value of
    the given kind (8% of the time a hostile value of the wrong kind instead)."""

    def generate(world: World, rng: random.Random) -> Payload:
        obj = _value(keys, world, rng, events, tools)
        if rng.random() < 0.1:
            obj[rng.choice(["extra", "tool_input", "cwd", "session_id"])] = hostile_value(
                world, rng
            )
        return Payload(obj)

    return generate


def _cli_or_json(keys: Mapping[str, Any]) -> Generator:
    """Human-style presets: paths on the command line, or a small JSON payload."""
    json_gen = shape(keys=keys)

    def generate(world: World, rng: random.Random) -> Payload:
        if rng.random() < 0.5:
            return Payload(cli_paths=[world.path(rng) for _ in range(rng.choice([0, 1, 2, 3]))])
        return json_gen(world, rng)

    return generate


_FILE_INPUT = {
    "file_path": PATH,
    "filepath": PATH,
    "path": PATH,
    "file_paths": PATHS,
    "content": TEXT,
}
_AGENT_EVENTS = ("PreToolUse", "PostToolUse")

GENERATORS: dict[str, Generator] = {
    "human": _cli_or_json({"file_paths": PATHS, "cwd": CWD}),
    "mock_ai": _cli_or_json({"file_paths": PATHS, "cwd": CWD}),
    "mock_known_human": _cli_or_json({"file_paths": PATHS, "cwd": CWD}),
    "known_human": _cli_or_json(
        {
            "edited_filepaths": PATHS,
            "cwd": CWD,
            "editor": TEXT,
            "editor_version": TEXT,
            "extension_version": TEXT,
            "dirty_files": DIRTY,
        }
    ),
    "ai_tab": shape(
        events=("before_edit", "after_edit"),
        keys={
            "hook_event_name": EVENT,
            "tool": TEXT,
            "model": MODEL,
            "repo_working_dir": CWD,
            "completion_id": ID,
            "edited_filepaths": PATHS,
            "will_edit_filepaths": PATHS,
            "dirty_files": DIRTY,
        },
    ),
    "agent-v1": shape(
        keys={
            "type": TEXT,
            "repo_working_dir": CWD,
            "edited_filepaths": PATHS,
            "will_edit_filepaths": PATHS,
            "agent_name": TEXT,
            "model": MODEL,
            "conversation_id": ID,
            "dirty_files": DIRTY,
        },
    ),
    "claude": shape(
        events=_AGENT_EVENTS,
        tools=("Write", "Edit", "MultiEdit", "NotebookEdit", "Bash", "Read"),
        keys={
            "hook_event_name": EVENT,
            "tool_name": TOOL,
            "session_id": ID,
            "transcript_path": TRANSCRIPT,
            "cwd": CWD,
            "tool_use_id": ID,
            "tool_input": _FILE_INPUT,
        },
    ),
    "codex": shape(
        events=_AGENT_EVENTS,
        tools=("apply_patch", "exec_command", "shell", "Bash", "functions.apply_patch", "read"),
        keys={
            "hook_event_name": EVENT,
            "tool_name": TOOL,
            "session_id": ID,
            "thread_id": ID,
            "cwd": CWD,
            "transcript_path": TRANSCRIPT,
            "model": MODEL,
            "tool_input": {"input": PATCH, "file_path": PATH, "files": PATHS},
            "tool_response": {"output": TEXT},
        },
    ),
    "droid": shape(
        events=_AGENT_EVENTS,
        tools=("ApplyPatch", "Edit", "Write", "Create", "Bash", "Execute", "Read"),
        keys={
            "hookEventName": EVENT,
            "tool_name": TOOL,
            "session_id": ID,
            "cwd": CWD,
            "transcript_path": TRANSCRIPT,
            "tool_input": {"file_path": PATH, "patch": PATCH},
            "tool_response": {"file_path": PATH},
        },
    ),
    "cursor": shape(
        events=("afterFileEdit", "preToolUse", "postToolUse", "beforeSubmitPrompt"),
        tools=("Write", "StrReplace", "Delete", "Shell", "ApplyPatch"),
        keys={
            "hook_event_name": EVENT,
            "conversation_id": ID,
            "workspace_roots": [CWD],
            "file_path": PATH,
            "tool_name": TOOL,
            "tool_input": _FILE_INPUT,
            "transcript_path": TRANSCRIPT,
            "model": MODEL,
            "cursor_version": TEXT,
        },
    ),
    "gemini": shape(
        events=("BeforeTool", "AfterTool"),
        tools=("write_file", "replace", "run_shell_command", "read_file"),
        keys={
            "hook_event_name": EVENT,
            "tool_name": TOOL,
            "session_id": ID,
            "cwd": CWD,
            "transcript_path": TRANSCRIPT,
            "tool_input": _FILE_INPUT,
        },
    ),
    "windsurf": shape(
        events=("pre_write_code", "post_write_code", "pre_run_command", "post_run_command"),
        keys={
            "agent_action_name": EVENT,
            "trajectory_id": ID,
            "execution_id": ID,
            "tool_info": {"file_path": PATH, "command_line": TEXT},
            "model_name": MODEL,
            "transcript_path": TRANSCRIPT,
            "cwd": CWD,
        },
    ),
    "opencode": shape(
        events=_AGENT_EVENTS,
        tools=("edit", "write", "bash", "read"),
        keys={
            "hook_event_name": EVENT,
            "session_id": ID,
            "cwd": CWD,
            "tool_name": TOOL,
            "tool_input": {"filePath": PATH, "file_path": PATH},
        },
    ),
    "amp": shape(
        events=_AGENT_EVENTS,
        tools=("edit_file", "create_file", "Bash", "apply_patch", "undo_edit"),
        keys={
            "hook_event_name": EVENT,
            "tool_name": TOOL,
            "thread_id": ID,
            "cwd": CWD,
            "tool_input": {"path": PATH, "paths": PATHS},
            "transcript_path": TRANSCRIPT,
        },
    ),
    "cline": shape(
        events=("preToolUse", "postToolUse"),
        tools=("write_to_file", "replace_in_file", "execute_command", "read_file"),
        keys={
            "hookName": EVENT,
            "taskId": ID,
            "workspaceRoots": [CWD],
            "toolName": TOOL,
            "parameters": {"path": PATH, "content": TEXT},
            "model": MODEL,
        },
    ),
    "continue-cli": shape(
        events=_AGENT_EVENTS,
        tools=("edit", "write", "terminal", "read"),
        keys={
            "hook_event_name": EVENT,
            "session_id": ID,
            "cwd": CWD,
            "tool_name": TOOL,
            "transcript_path": TRANSCRIPT,
            "tool_input": _FILE_INPUT,
        },
    ),
    "pi": shape(
        events=("before_edit", "after_edit", "before_command", "after_command"),
        tools=("edit", "write", "bash"),
        keys={
            "hook_event_name": EVENT,
            "session_id": ID,
            "cwd": CWD,
            "tool_name": TOOL,
            "edited_filepaths": PATHS,
            "will_edit_filepaths": PATHS,
            "session_path": TRANSCRIPT,
            "model": MODEL,
        },
    ),
    "firebender": shape(
        events=("afterFileEdit", "preToolUse", "postToolUse", "beforeSubmitPrompt"),
        tools=("Write", "Edit", "Delete", "Bash", "RenameSymbol"),
        keys={
            "hook_event_name": EVENT,
            "completion_id": ID,
            "repo_working_dir": CWD,
            "workspace_roots": [CWD],
            "tool_name": TOOL,
            "model": MODEL,
            "tool_input": {"file_path": PATH, "target_file": PATH, "relative_workspace_path": PATH},
        },
    ),
    "github-copilot": shape(
        events=("PreToolUse", "PostToolUse", "before_edit", "after_edit"),
        tools=("create_file", "replace_string_in_file", "run_in_terminal", "read_file"),
        keys={
            "hook_event_name": EVENT,
            "sessionId": ID,
            "cwd": CWD,
            "toolName": TOOL,
            "toolInput": {"filePath": PATH},
            "transcript_path": TRANSCRIPT,
            "chatSessionPath": TRANSCRIPT,
            "dirtyFiles": DIRTY,
        },
    ),
}
GENERATORS["cursor-background"] = GENERATORS["cursor"]
