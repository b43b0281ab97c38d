"""Peer (a): the model of git-ai's legacy storage path, run as a measured Python child.

* ``gitai-legacy-append``: one checkpoint of the edited file against the case's
  ``checkpoints.jsonl`` (``repro-checkpoints`` or ``history`` input):
  :func:`tools.bench.peers.gitai_legacy.append_checkpoint`.
* ``gitai-legacy-claude``: the February Claude hook path on a ``claude`` input: the whole
  transcript parsed into messages (:mod:`tools.bench.peers.gitai_legacy_claude`), then the same
  storage append.

Case parameter ``warmup`` (default 0): checkpoints taken during setup (not measured), each
followed by a fresh edit, so that the measured one is "the next checkpoint".
"""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Context, Metrics, Scenario

CLAUDE_AGENT_TOOL = "claude"


def _append(context: Context) -> Metrics:
    from pathlib import Path

    from tools.bench.peers.gitai_legacy import append_checkpoint

    result = append_checkpoint(Path(context["log_dir"]), Path(context["repo"]), context["files"])
    return {
        "checkpoints_read": float(result.checkpoints_read),
        "read_s": result.read_s,
        "state_s": result.state_s,
        "write_s": result.write_s,
        "bytes_written": float(result.bytes_written),
    }


def _claude(context: Context) -> Metrics:
    from pathlib import Path

    from tools.bench.peers.gitai_legacy import append_checkpoint, no_gc
    from tools.bench.peers.gitai_legacy_claude import parse_transcript

    transcript_path = Path(context["transcript"])
    with no_gc():
        transcript = parse_transcript(transcript_path)
    agent = {
        "tool": CLAUDE_AGENT_TOOL,
        "id": transcript_path.stem,
        "model": transcript.model or "unknown",
    }
    metadata = {"transcript_path": str(transcript_path)}
    result = append_checkpoint(
        Path(context["log_dir"]),
        Path(context["repo"]),
        context["files"],
        agent=agent,
        metadata=metadata,
    )
    return {
        "messages": float(len(transcript.messages)),
        "checkpoints_read": float(result.checkpoints_read),
    }


def _setup(env: BenchEnv) -> Context:
    from tools.bench import inputs

    context = inputs.prepare(env)
    if context["input"] == "none":
        raise ValueError("the git-ai legacy peer needs a checkpoint or claude input")
    for round_ in range(1, int(env.param("warmup", 0)) + 1):
        (_claude if context["input"] == "claude" else _append)(context)
        inputs.next_edit(context, round_)
    return context


def _needs_checkpoints(env: BenchEnv) -> str | None:
    if env.param("input", "none") not in ("repro-checkpoints", "history"):
        return "needs a checkpoints input"
    return None


def _needs_claude(env: BenchEnv) -> str | None:
    return None if env.param("input", "none") == "claude" else "needs a claude input"


SCENARIOS = (
    Scenario(
        name="gitai-legacy-append",
        summary="model of git-ai's legacy checkpoint: read all, state map, append, rewrite all",
        setup=_setup,
        run=_append,
        available=_needs_checkpoints,
    ),
    Scenario(
        name="gitai-legacy-claude",
        summary="model of git-ai's Feb Claude hook: whole transcript parsed, then legacy append",
        setup=_setup,
        run=_claude,
        available=_needs_claude,
    ),
)
