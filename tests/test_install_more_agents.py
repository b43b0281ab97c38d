"""install-hooks for Cursor, GitHub Copilot, Gemini CLI, Windsurf, Cline and Firebender,
in temp HOMEs, as real ckptlog processes; and the installed command really records an edit."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import lsm
from lsm.model import CheckpointKind
from tests.gitutil import GIT_ENV, init_repo

CKPTLOG = str(Path(sys.executable).with_name("ckptlog"))
CMD = f"{CKPTLOG} checkpoint {{}} --hook-input stdin"

#: flag -> (settings file under HOME, the hooks it must hold after install)
FILES: dict[str, tuple[str, dict[str, Any]]] = {
    "cursor": (
        ".cursor/hooks.json",
        {
            "version": 1,
            "hooks": {
                "preToolUse": [{"command": CMD.format("cursor")}],
                "postToolUse": [{"command": CMD.format("cursor")}],
            },
        },
    ),
    "firebender": (
        ".firebender/hooks.json",
        {
            "version": 1,
            "hooks": {
                "preToolUse": [{"command": CMD.format("firebender")}],
                "postToolUse": [{"command": CMD.format("firebender")}],
            },
        },
    ),
    "github-copilot": (
        ".copilot/hooks/ckptlog.json",
        {
            "hooks": {
                "PreToolUse": [{"type": "command", "command": CMD.format("github-copilot")}],
                "PostToolUse": [{"type": "command", "command": CMD.format("github-copilot")}],
            }
        },
    ),
    "windsurf": (
        ".codeium/windsurf/hooks.json",
        {
            "hooks": {
                event: [{"command": CMD.format("windsurf"), "show_output": False}]
                for event in (
                    "pre_write_code",
                    "post_write_code",
                    "pre_run_command",
                    "post_run_command",
                    "post_cascade_response_with_transcript",
                )
            }
        },
    ),
    "gemini": (
        ".gemini/settings.json",
        {
            "tools": {"enableHooks": True},
            "hooks": {
                event: [
                    {
                        "matcher": "*",
                        "hooks": [{"type": "command", "command": CMD.format("gemini")}],
                    }
                ]
                for event in ("BeforeTool", "AfterTool")
            },
        },
    ),
}


def _ckptlog(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "HOME": str(home), "CKPTLOG_STATE_DIR": str(home / ".state")}
    env.pop("GEMINI_CLI_HOME", None)
    done = subprocess.run(
        [CKPTLOG, *args], capture_output=True, text=True, env=env, check=False, cwd=cwd or home
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def test_fresh_install_writes_git_ais_shapes_and_uninstall_removes_them(home: Path) -> None:
    flags = [f"--{name}" for name in FILES]
    out = _ckptlog(home, "install-hooks", *flags).stdout
    for name, (rel, wanted) in FILES.items():
        assert json.loads((home / rel).read_text()) == wanted, name
    assert "Cursor: create" in out and "Windsurf: create" in out
    again = _ckptlog(home, "install-hooks", *flags).stdout
    assert "nothing to" in again and "create" not in again and "update" not in again
    doctor = _ckptlog(home, "doctor").stdout
    assert "cursor" in doctor.lower() and "gemini" in doctor.lower()
    _ckptlog(home, "uninstall-hooks", *flags)
    for rel, _wanted in FILES.values():
        assert not (home / rel).exists(), rel
    assert not (home / ".codeium").exists()  # the directories install made go too


def test_existing_entries_are_kept_and_restored_byte_for_byte(home: Path) -> None:
    cursor = home / ".cursor" / "hooks.json"
    cursor.parent.mkdir()
    original = (
        '{\n  "version": 1,\n  "hooks": {\n    "preToolUse": [\n'
        '      {"command": "./audit.sh"},\n'
        '      {"command": "/old/bin/ckptlog checkpoint cursor --hook-input stdin"}\n'
        '    ]\n  },\n  "other": true\n}\n'
    )
    cursor.write_text(original)
    _ckptlog(home, "install-hooks", "--cursor")
    doc = json.loads(cursor.read_text())
    assert doc["other"] is True
    # the user's entry first, the stale ckptlog path replaced by this one
    assert doc["hooks"]["preToolUse"] == [
        {"command": "./audit.sh"},
        {"command": CMD.format("cursor")},
    ]
    assert doc["hooks"]["postToolUse"] == [{"command": CMD.format("cursor")}]
    _ckptlog(home, "uninstall-hooks", "--cursor")
    assert cursor.read_text() == original


def test_gemini_keeps_its_other_settings(home: Path) -> None:
    settings = home / ".gemini" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"theme": "dark", "tools": {"sandbox": true}}\n')
    _ckptlog(home, "install-hooks", "--gemini")
    doc = json.loads(settings.read_text())
    assert doc["theme"] == "dark"
    assert doc["tools"] == {"sandbox": True, "enableHooks": True}
    assert doc["hooks"]["AfterTool"][0]["hooks"][0]["command"] == CMD.format("gemini")


def test_cline_scripts(home: Path) -> None:
    hooks = home / "Documents" / "Cline" / "Hooks"
    hooks.mkdir(parents=True)
    (hooks / "PostToolUse").write_text("#!/bin/sh\necho mine\n")  # the user's own
    out = _ckptlog(home, "install-hooks", "--cline").stdout
    pre = hooks / "PreToolUse"
    text = pre.read_text()
    assert text.startswith("#!/bin/sh\n# ckptlog-managed: cline\n")
    assert CMD.format("cline") in text and text.endswith("echo '{\"cancel\":false}'\n")
    assert pre.stat().st_mode & stat.S_IXUSR
    assert (hooks / "PostToolUse").read_text() == "#!/bin/sh\necho mine\n"
    assert "skip" in out and "not ckptlog's" in out
    # The script really answers Cline and records nothing outside a repository.
    ran = subprocess.run([str(pre)], input="{}", capture_output=True, text=True, check=False)
    assert ran.returncode == 0 and ran.stdout.strip() == '{"cancel":false}'
    _ckptlog(home, "uninstall-hooks", "--cline")
    assert not pre.exists()
    assert (hooks / "PostToolUse").read_text() == "#!/bin/sh\necho mine\n"


def test_the_installed_cursor_command_records_an_edit(home: Path, tmp_path: Path) -> None:
    _ckptlog(home, "install-hooks", "--cursor")
    hooks = json.loads((home / ".cursor" / "hooks.json").read_text())["hooks"]
    repo = init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    (repo / "a.py").write_text("x = 2\n")
    payload = {
        "conversation_id": "c-1",
        "workspace_roots": [str(repo)],
        "hook_event_name": "postToolUse",
        "tool_name": "Write",
        "model": "m-1",
        "tool_input": {"file_path": str(repo / "a.py")},
    }
    env = {**os.environ, **GIT_ENV, "HOME": str(home)}
    done = subprocess.run(
        hooks["postToolUse"][0]["command"],
        shell=True,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with lsm.open_repo_store(repo) as store:
        [cp] = [c.checkpoint for c in store.checkpoints(lsm.current_log(repo))]
    assert cp.kind is CheckpointKind.AI_AGENT
    assert cp.agent_id is not None and tuple(cp.agent_id) == ("cursor", "c-1", "m-1")
