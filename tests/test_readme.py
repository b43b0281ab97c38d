"""The README's first commands are what CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index("```sh\n") + len("```sh\n")
    block = text[start : text.index("```", start)]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_readme_starts_with_the_two_setup_commands() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[0].startswith("# ")
    commands = _setup_commands()
    assert len(commands) == 2
    assert "pip install" in commands[0] and "ckptlog demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in _setup_commands():
        assert command in ci, command


# ---------------------------------------------------------------------- quick start

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

_MARK = "<!-- quickstart -->\n```sh\n"


def quickstart_blocks() -> list[list[str]]:
    """The README's quick-start command blocks, in order."""
    text = (ROOT / "README.md").read_text()
    blocks = []
    pos = text.find(_MARK)
    while pos >= 0:
        start = pos + len(_MARK)
        body = text[start : text.index("```", start)]
        blocks.append([ln for ln in body.splitlines() if ln.strip()])
        pos = text.find(_MARK, start)
    return blocks


def _agent_edit(home: Path, project: Path, env: dict[str, str]) -> None:
    """Claude Code edits app.py: the hooks install-hooks put in its settings run."""
    settings = json.loads((home / ".claude" / "settings.json").read_text())
    transcript = home / "transcript.jsonl"
    transcript.write_text(
        json.dumps(
            {
                "type": "assistant",
                "sessionId": "quickstart",
                "message": {"role": "assistant", "model": "claude-sonnet-4-5", "content": []},
            }
        )
        + "\n"
    )
    for event in ("PreToolUse", "PostToolUse"):
        if event == "PostToolUse":
            (project / "app.py").write_text("print('hi')\n\ndef add(a, b):\n    return a + b\n")
        payload = {
            "hook_event_name": event,
            "tool_name": "Edit",
            "session_id": "quickstart",
            "transcript_path": str(transcript),
            "cwd": str(project),
            "tool_input": {"file_path": str(project / "app.py")},
        }
        for block in settings["hooks"][event]:
            for hook in block["hooks"]:
                done = subprocess.run(
                    hook["command"],
                    shell=True,
                    input=json.dumps(payload),
                    text=True,
                    capture_output=True,
                    cwd=project,
                    env=env,
                    check=True,
                )
                assert "warning" not in done.stderr, done.stderr


def _quickstart(tmp_path: Path, *, really_install: bool) -> str:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)  # Claude Code is installed on this machine
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n")
    project = home / "src" / "myproject"
    project.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CKPTLOG_", "VIRTUAL"))}
    env.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "CKPTLOG_COMPACTION_AUTO": "0",
        }
    )
    if not really_install:  # this venv's ckptlog stands for the installed one
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "start"]):
        if args[0] == "add":
            (project / "app.py").write_text("print('hi')\n")
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    setup, use = quickstart_blocks()
    if not really_install:
        setup = [ln for ln in setup if "pip install" not in ln and "export PATH" not in ln]
    script = "set -e\n" + "\n".join(setup) + "\n"
    subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)
    _agent_edit(home, project, env)
    script = "set -e\n" + "\n".join(use) + "\n"
    if really_install:
        script = 'export PATH="$HOME/.local/ckptlog/bin:$PATH"\n' + script
    done = subprocess.run(
        ["bash", "-c", script], cwd=project, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _check(out: str) -> None:
    blame = [ln for ln in out.splitlines() if ") " in ln]
    assert "Ada Lovelace" in blame[0] and "uncommitted" not in out
    assert all("claude (claude-sonnet-4-5)" in ln for ln in blame[1:4]), out
    assert "  AI               3  100.0%" in out


def test_readme_quickstart_with_this_venv(tmp_path: Path) -> None:
    assert len(quickstart_blocks()) == 2
    _check(_quickstart(tmp_path, really_install=False))


@pytest.mark.slow
def test_readme_quickstart_from_a_fresh_install(tmp_path: Path) -> None:
    _check(_quickstart(tmp_path, really_install=True))
