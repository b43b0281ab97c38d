"""Case inputs shared by all scenarios: a case's ``input`` parameter, made into files.

Every implementation of a case (ours and each peer) calls :func:`prepare` with the same
parameters, so they all see byte-identical inputs built from the same cache entries.

``input`` values and their parameters:

* ``repro-checkpoints``: ``lines`` (200), ``attrs`` (1500), ``files`` (0 = ``max(400, lines)``):
  git-ai's repro shape, a legacy ``checkpoints.jsonl`` of ``lines`` AiAgent checkpoints.
* ``history``: ``checkpoints`` (1000), ``files`` (0 = ``min(checkpoints, 1000)``): a realistic
  current-format pruned history.
* ``claude``: ``pairs`` (1000), ``thinking_bytes`` (8000): the repro's Claude transcript.
* ``file``: ``file_bytes`` (1 MiB): a new, untracked text file of that size in a one-file
  repository (what hashing, compression and the blob write cost for one large file).
* ``commit``: ``checkpoints`` (1000), ``files`` (400), ``commit_files`` (1): a repository just
  before or after an AI commit, built by :mod:`tools.bench.commitinputs` (which the commit
  scenarios call themselves: the stage, staged or committed, is theirs to choose).
* ``none``: nothing (calibration scenarios).

The returned context always has ``input`` and, except for ``none``, ``repo``, ``head``,
``log_dir`` (the legacy working-log directory), ``files`` (the edited paths, repo-relative) and
``input_bytes``; ``claude`` adds ``transcript`` and ``hook_input``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.bench.scenario import BenchEnv, Context


def prepare(env: BenchEnv) -> Context:
    """Build the input that ``env.params`` describes in ``env.workdir``."""
    from tools.repro import fixtures

    kind = str(env.param("input", "none"))
    if kind == "none":
        return {"input": kind}
    if kind == "claude":
        pairs = int(env.param("pairs", 1000))
        thinking = int(env.param("thinking_bytes", 8000))
        cf = fixtures.prepare_claude(
            env.workdir, env.cache_dir, pairs=pairs, thinking_bytes=thinking
        )
        return {
            "input": kind,
            "repo": str(cf.repo),
            "head": cf.head,
            "log_dir": str(cf.repo / ".git" / "ai" / "working_logs" / cf.head),
            "files": [fixtures.TARGET_FILE],
            "input_bytes": cf.input_bytes,
            "transcript": str(cf.transcript),
            "hook_input": cf.hook_input(),
            "pairs": pairs,
            "thinking_bytes": thinking,
            "next_pairs": int(env.param("next_pairs", 1)),
        }
    if kind == "file":
        ff = fixtures.prepare_file(
            env.workdir, env.cache_dir, file_bytes=int(env.param("file_bytes", 1 << 20))
        )
        return {
            "input": kind,
            "repo": str(ff.repo),
            "head": ff.head,
            "log_dir": str(ff.repo / ".git" / "ai" / "working_logs" / ff.head),
            "files": [fixtures.BIG_FILE],
            "input_bytes": ff.input_bytes,
        }
    if kind == "repro-checkpoints":
        fx = fixtures.prepare_repro_checkpoints(
            env.workdir,
            env.cache_dir,
            lines=int(env.param("lines", 200)),
            attrs=int(env.param("attrs", 1500)),
            file_count=int(env.param("files", 0)),
        )
    elif kind == "history":
        fx = fixtures.prepare_history(
            env.workdir,
            env.cache_dir,
            checkpoints=int(env.param("checkpoints", 1000)),
            file_count=int(env.param("files", 0)),
        )
    elif kind == "commit":
        raise ValueError(
            "a commit input is prepared by tools.bench.commitinputs.prepare(env, stage)"
        )
    else:
        raise ValueError(f"unknown input {kind!r}")
    return {
        "input": kind,
        "repo": str(fx.repo),
        "head": fx.head,
        "log_dir": str(fx.log_dir),
        "files": [fixtures.TARGET_FILE],
        "input_bytes": fx.input_bytes,
        "checkpoints": fx.checkpoints,
    }


def next_edit(context: Context, round_: int) -> None:
    """Make the change the *next* checkpoint records: edit the target file again and, for a
    Claude input, append ``next_pairs`` (default 1) more user/assistant pairs to the transcript."""
    from tools.repro import fixtures

    fixtures.edit_target(Path(context["repo"]), f"change {round_}")
    if context["input"] == "claude":
        per_round = int(context.get("next_pairs", 1))
        first = int(context["pairs"]) + (round_ - 1) * per_round + 1
        for index in range(first, first + per_round):
            fixtures.append_claude_pair(
                Path(context["transcript"]), index, context["thinking_bytes"]
            )


def describe(params: Mapping[str, Any]) -> str:
    """A short human label for a case's input, e.g. ``history 100000``."""
    kind = params.get("input", "none")
    if kind == "repro-checkpoints":
        return f"{params.get('lines', 200)} lines x {params.get('attrs', 1500)} attrs"
    if kind == "history":
        return f"history {params.get('checkpoints', 1000)}"
    if kind == "claude":
        return f"{params.get('pairs', 1000)} pairs x {params.get('thinking_bytes', 8000)} B"
    if kind == "file":
        return f"new file of {int(params.get('file_bytes', 1 << 20)) >> 20} MiB"
    if kind == "commit":
        return (
            f"history {params.get('checkpoints', 1000)} over {params.get('files', 400)} files, "
            f"{params.get('commit_files', 1)}-file commit"
        )
    return "-"
