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
