"""``ckptlog demo``: a scripted agent-and-human session in a throwaway git repository.

It runs the real hook command (``python -m cli checkpoint ...``, a fresh
process each time, exactly as an agent hook would) for a human edit, a
Claude ``PostToolUse`` edit with a transcript, and a human edit of an AI
line, then shows what the store holds: the checkpoints, who wrote which
lines (with ``overrode``), the transcript, and one checkpoint in git-ai's
JSON form. The repository is removed afterwards unless ``--keep``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

import lsm
from cli.common import CONTEXT_SETTINGS

__all__ = ["demo"]

_APP_V1 = "def greet(name):\n    return 'hello ' + name\n"
_APP_V2 = (
    "import util\n\n\ndef greet(name):\n    return 'hello ' + util.title(name)\n\n\n"
    "def main():\n    print(greet('world'))\n"
)
_UTIL_V1 = "def title(name):\n    cleaned = name.strip()\n    return cleaned.title()\n"
_UTIL_V2 = "def title(name):\n    cleaned = name.strip() or 'nobody'\n    return cleaned.title()\n"
_SESSION = "demo-session-0001"
_MODEL = "claude-sonnet-4-5"


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def _transcript(path: Path) -> None:
    """A small Claude Code transcript: a request, thinking, a Write tool call, a reply."""
    lines: list[dict[str, Any]] = [
        {
            "type": "user",
            "sessionId": _SESSION,
            "timestamp": "2026-12-01T10:00:00.000Z",
            "message": {"role": "user", "content": "Title-case the greeting; add a main()."},
        },
        {
            "type": "assistant",
            "sessionId": _SESSION,
            "timestamp": "2026-12-01T10:00:02.000Z",
            "message": {
                "role": "assistant",
                "model": _MODEL,
                "content": [
                    {"type": "thinking", "thinking": "A helper in util.py keeps app.py small."},
                    {
                        "type": "tool_use",
                        "id": "toolu_demo_1",
                        "name": "Write",
                        "input": {"file_path": "util.py", "content": _UTIL_V1},
                    },
                    {"type": "text", "text": "Added util.title() and main()."},
                ],
            },
        },
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def _hook(repo: Path, args: list[str], stdin: str | None = None) -> None:
    """Run the hook as an agent would; echo its command and what it printed."""
    shown = " ".join(["ckptlog", "checkpoint", *args])
    click.echo(f"  $ {shown}" + (" < hook.json" if stdin else ""))
    done = subprocess.run(
        [sys.executable, "-m", "cli", "checkpoint", *args],
        cwd=repo,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in (done.stdout + done.stderr).splitlines():
        click.echo(f"    {line}")
    if done.returncode != 0:
        raise click.ClickException(f"the hook exited {done.returncode}")


def _name(key: str, state: Any) -> str:
    from lsm.authors import describe

    who = describe(key, state.sessions, state.prompts, state.humans, fallback="human")
    return who.label


def _show(repo: Path) -> None:
    # Imported here: every ckptlog command imports this module to list `demo`.
    from lsm.authors import human_name
    from lsm.uncommitted import uncommitted

    with lsm.open_repo_store(repo) as store:
        log = lsm.current_log(repo)
        click.echo(f"\nWhat the store holds (working log of {log[:12]}):")
        click.echo(
            "  (seq is the store's own counter: transcripts and log events take numbers too)"
        )
        last = None
        for n, cp in enumerate(store.checkpoints(log), 1):
            last = cp
            c = cp.checkpoint
            who = f"{c.agent_id.tool} ({c.agent_id.model})" if c.agent_id else human_name(c.author)
            stats = c.line_stats
            files = ", ".join(e.file for e in c.entries)
            click.echo(
                f"  {n}. seq {cp.seq:<3} {c.kind.value:<8} {who:<28} {files:<9} "
                f"+{stats.additions} -{stats.deletions}"
            )
        for session in store.transcript_sessions():
            count = sum(1 for _ in store.transcript_messages(session["agent"], session["session"]))
            click.echo(
                f"\nTranscript of {session.get('agent')} session {session.get('session')}: "
                f"{count} message(s) stored"
            )
    pending = uncommitted(repo)
    click.echo("\nWho wrote which lines (not committed yet; unmarked lines are human):")
    for path in sorted(pending.files):
        f = pending.files[path]
        for la in f.lines:
            span = (
                f"line {la.start_line}"
                if la.start_line == la.end_line
                else (f"lines {la.start_line}-{la.end_line}")
            )
            click.echo(f"  {path} {span}: {_name(la.author_id, pending.state)}")
        for la in f.overrode:
            click.echo(
                f"  {path} line {la.start_line}: human, rewriting a line of "
                f"{_name(la.overrode or '', pending.state)}"
            )
    if last is not None:  # the newest: checkpoints come in seq order
        line = lsm.checkpoint_line(last.checkpoint).decode()
        click.echo(f"\nThe last checkpoint in git-ai's checkpoints.jsonl form (seq {last.seq}):")
        for text in json.dumps(json.loads(line), indent=2).splitlines():
            click.echo("  " + text)


def _ckptlog(repo: Path, *args: str) -> None:
    """Run a ckptlog command in the demo repository; echo it and what it printed."""
    click.echo(f"  $ ckptlog {' '.join(args)}")
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "CKPTLOG_COLOR": "never"},
    )
    for line in (done.stdout + done.stderr).splitlines():
        click.echo(f"    {line}")
    if done.returncode != 0:
        raise click.ClickException(f"ckptlog {args[0]} exited {done.returncode}")


def _commit(repo: Path) -> None:
    click.echo("\n5. Install the git hooks, commit, and read the commit's note and a blame:")
    _ckptlog(repo, "install-hooks", "--git", "--no-notes-sync")
    click.echo("  $ git add -A && git commit -m 'Title-case the greeting'")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Title-case the greeting")
    _ckptlog(repo, "show")
    click.echo(
        "  (util.py line 2 was the human's rewrite, but the note has no human identity for it:\n"
        "   git-ai's edge-extension recovery gives such a line, between two lines of one\n"
        "   agent session, to that session; a KnownHuman checkpoint from an editor\n"
        "   extension would have kept it the human's)"
    )
    _ckptlog(repo, "blame", "util.py")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--keep", is_flag=True, help="Keep the demo repository and print its path.")
@click.option(
    "--dir",
    "where",
    type=click.Path(file_okay=False),
    default=None,
    help="Create the demo repository here (default: a new temporary directory).",
)
def demo(keep: bool, where: str | None) -> None:
    """Run a scripted agent-and-human session in a temporary git repository.

    Human edit, Claude PostToolUse edit (with a transcript), a human edit of
    an AI line; every checkpoint is a real `ckptlog checkpoint` process.
    Then shows the checkpoints, line authorship and the git-ai JSON form,
    installs the git hooks, commits, and shows the commit's note and a blame.
    """
    if shutil.which("git") is None:
        raise click.ClickException("git is not installed")
    repo = Path(where) if where else Path(tempfile.mkdtemp(prefix="ckptlog-demo-"))
    repo.mkdir(parents=True, exist_ok=True)
    try:
        _git(repo, "init", "-q")
        _git(repo, "config", "user.name", "Demo Human")
        _git(repo, "config", "user.email", "human@example.com")
        (repo / "app.py").write_text(_APP_V1)
        _git(repo, "add", "app.py")
        _git(repo, "commit", "-q", "-m", "initial")
        click.echo(f"Demo repository: {repo} (HEAD {_git(repo, 'rev-parse', 'HEAD')[:12]})")

        click.echo("\n1. The human edits app.py; the editor hook checkpoints it:")
        (repo / "app.py").write_text(_APP_V1.replace("hello", "hello,"))
        _hook(repo, [])

        click.echo("\n2. Claude writes util.py and rewrites app.py (PostToolUse hooks):")
        transcript = repo / ".demo-transcript.jsonl"
        _transcript(transcript)
        (repo / "util.py").write_text(_UTIL_V1)
        (repo / "app.py").write_text(_APP_V2)
        for name in ("util.py", "app.py"):
            payload = {
                "hook_event_name": "PostToolUse",
                "tool_name": "Write",
                "session_id": _SESSION,
                "transcript_path": str(transcript),
                "cwd": str(repo),
                "tool_input": {"file_path": str(repo / name)},
            }
            _hook(repo, ["claude", "--hook-input", "stdin"], stdin=json.dumps(payload))

        click.echo("\n3. The human changes one of Claude's lines in util.py:")
        (repo / "util.py").write_text(_UTIL_V2)
        _hook(repo, ["--", "util.py"])

        click.echo("\n4. A bad hook payload: one warning, exit 0, nothing stored:")
        _hook(repo, ["claude", "--hook-input", "{not json"])

        _show(repo)
        _commit(repo)
    finally:
        if keep or where:
            click.echo(f"\nKept {repo}")
        else:
            shutil.rmtree(repo, ignore_errors=True)
