"""Agent installers against temp HOMEs that already hold settings files (real ckptlog processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lsm.install import jsonedit, tomledit
from lsm.install.agents import codex_trust_hash

CKPTLOG = str(Path(sys.executable).with_name("ckptlog"))

CLAUDE = """{
  // Claude Code settings, by hand
  "model": "opus",
  "permissions": {"allow": ["Bash(ls:*)"]},
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Bash",
        "hooks": [{"type": "command", "command": "echo audit"}]
      }
    ]
  }
}
"""

CODEX = """# my Codex config
model = "gpt-5-codex"  # the default model

[features]
# experiments I want
web_search_request = true
codex_hooks = true

[mcp_servers.docs]
command = "docs-mcp"
args = ["--port", "4000"]
"""

DROID = """{
  /* Droid */
  "model": "claude-sonnet-4-5",
  "enableHooks": true, // trailing comment
}
"""


class _Done:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _run(home: Path, *args: str, check: bool = True, process: bool = False) -> _Done:
    """ckptlog in a temp HOME: in this process (click's runner), or as a real process."""
    env = {**os.environ, "HOME": str(home), "CKPTLOG_STATE_DIR": str(home / ".state")}
    env.pop("CLAUDE_CONFIG_DIR", None)
    env.pop("CODEX_HOME", None)
    if process:
        p = subprocess.run(
            [CKPTLOG, *args], capture_output=True, text=True, env=env, check=False, cwd=home
        )
        done = _Done(p.returncode, p.stdout, p.stderr)
    else:
        from click.testing import CliRunner

        from cli.commands import cli

        old = os.getcwd()
        os.chdir(home)
        try:
            r = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        finally:
            os.chdir(old)
        done = _Done(r.exit_code, r.stdout, r.stderr)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    for rel, text in (
        (".claude/settings.json", CLAUDE),
        (".codex/config.toml", CODEX),
        (".factory/settings.json", DROID),
    ):
        (h / rel).parent.mkdir(parents=True)
        (h / rel).write_text(text)
    return h


def _cmd(agent: str) -> str:
    return f"{CKPTLOG} checkpoint {agent} --hook-input stdin"


def test_install_keeps_other_settings_and_comments_and_is_idempotent(home: Path) -> None:
    out = _run(home, "install-hooks", "--claude", "--codex", "--droid", process=True).stdout
    assert "Claude Code: update" in out and "+" in out  # the change and its diff are printed

    claude_text = (home / ".claude/settings.json").read_text()
    assert "// Claude Code settings, by hand" in claude_text
    claude = jsonedit.loads(claude_text)
    assert claude["model"] == "opus" and claude["permissions"] == {"allow": ["Bash(ls:*)"]}
    pre = claude["hooks"]["PreToolUse"]
    assert pre[0] == {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo audit"}]}
    assert pre[1] == {"matcher": "*", "hooks": [{"type": "command", "command": _cmd("claude")}]}
    assert claude["hooks"]["PostToolUse"] == [pre[1]]

    codex_text = (home / ".codex/config.toml").read_text()
    assert codex_text.startswith(CODEX.split("[features]")[0])  # comments and keys untouched
    assert "# experiments I want" in codex_text
    codex = tomllib.loads(codex_text)
    assert codex["features"] == {"web_search_request": True, "hooks": True}
    assert codex["mcp_servers"] == {"docs": {"command": "docs-mcp", "args": ["--port", "4000"]}}
    cfg = str(home / ".codex/config.toml")
    for event, snake in (
        ("PreToolUse", "pre_tool_use"),
        ("PostToolUse", "post_tool_use"),
        ("Stop", "stop"),
    ):
        assert codex["hooks"][event] == [{"hooks": [{"type": "command", "command": _cmd("codex")}]}]
        assert codex["hooks"]["state"][f"{cfg}:{snake}:0:0"] == {
            "enabled": True,
            "trusted_hash": codex_trust_hash(snake, _cmd("codex")),
        }

    droid_text = (home / ".factory/settings.json").read_text()
    assert "/* Droid */" in droid_text and "// trailing comment" in droid_text
    droid = jsonedit.loads(droid_text)
    assert droid["enableHooks"] is True and droid["hooks"]["claudeHooksImported"] is True

    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and ".state" not in p.parts}
    again = _run(home, "install-hooks", "--claude", "--codex", "--droid").stdout
    assert again.count("nothing to change") == 3
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and ".state" not in p.parts}
    assert after == before


def test_uninstall_restores_every_file_byte_for_byte(home: Path) -> None:
    originals = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    _run(home, "install-hooks", "--claude", "--codex", "--droid")
    out = _run(home, "uninstall-hooks", "--claude", "--codex", "--droid", process=True).stdout
    assert sum(1 for line in out.splitlines() if ": restore " in line) == 3
    now = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and ".state" not in p.parts}
    assert now == originals


def test_uninstall_after_a_user_edit_keeps_the_edit(home: Path) -> None:
    _run(home, "install-hooks", "--claude")
    path = home / ".claude/settings.json"
    doc = jsonedit.loads(path.read_text())
    path.write_text(path.read_text().replace('"model": "opus"', '"model": "sonnet"'))
    out = _run(home, "uninstall-hooks", "--claude").stdout
    assert "edited since install" in out
    left = jsonedit.loads(path.read_text())
    assert left["model"] == "sonnet"
    assert left["hooks"] == {"PreToolUse": [doc["hooks"]["PreToolUse"][0]]}
    assert "// Claude Code settings, by hand" in path.read_text()


def test_dry_run_writes_nothing(home: Path) -> None:
    originals = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    out = _run(home, "install-hooks", "--claude", "--codex", "--droid", "--dry-run").stdout
    assert "would update" in out and "dry run" in out
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == originals


def test_fresh_home_creates_and_uninstall_removes(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    (home / ".claude").mkdir(parents=True)
    _run(home, "install-hooks", "--claude", "--codex", "--droid", "--all")
    assert (home / ".claude/settings.json").exists()
    assert not (home / ".codex").exists()  # Codex is not on this machine: --all skips it
    _run(home, "uninstall-hooks", "--claude")
    assert not (home / ".claude/settings.json").exists()
    assert (home / ".claude").is_dir()  # it was there before


def test_stale_command_is_replaced_and_duplicates_dropped(home: Path) -> None:
    stale = {
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "Edit",
                    "hooks": [{"type": "command", "command": "/old/ckptlog checkpoint claude"}],
                },
                {
                    "matcher": "*",
                    "hooks": [
                        {
                            "type": "command",
                            "command": "/old/ckptlog checkpoint claude --hook-input stdin",
                        },
                        {
                            "type": "command",
                            "command": "/old/ckptlog checkpoint claude --hook-input stdin",
                        },
                    ],
                },
            ]
        }
    }
    (home / ".claude/settings.json").write_text(json.dumps(stale, indent=2))
    _run(home, "install-hooks", "--claude")
    doc = json.loads((home / ".claude/settings.json").read_text())
    assert doc["hooks"]["PreToolUse"] == [
        {"matcher": "*", "hooks": [{"type": "command", "command": _cmd("claude")}]}
    ]


def test_a_broken_settings_file_is_an_error_with_a_hint_and_untouched(home: Path) -> None:
    (home / ".claude/settings.json").write_text("{ not json")
    done = _run(home, "install-hooks", "--claude", check=False)
    assert done.returncode == 1
    assert "is not valid JSON" in done.stderr and "hint:" in done.stderr
    assert (home / ".claude/settings.json").read_text() == "{ not json"


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        '{"a": [1, 2], "b": {"c": null}}',
        '{\n  "a": [\n    1,\n    2,\n  ],\n  // c\n  "b": true,\n}\n',
        "// only a comment\n",
    ],
)
def test_jsonedit_round_trips_any_change(text: str) -> None:
    base = jsonedit.loads(text)
    for new in (
        {**base, "z": [1, {"q": 2}]},
        {k: v for k, v in base.items() if k != "a"},
        {"a": 3},
    ):
        out, _ = jsonedit.update_text(text, new)
        assert jsonedit.loads(out) == new


def test_tomledit_falls_back_when_the_owned_table_is_inline() -> None:
    text = 'hooks = { PreToolUse = [] }  # inline\nmodel = "x"\n'
    new = {"model": "x", "hooks": {"PreToolUse": [{"hooks": []}]}}
    out, preserved = tomledit.update_text(text, new, owned_tables=["hooks"], owned_keys={})
    assert tomllib.loads(out) == new and not preserved
