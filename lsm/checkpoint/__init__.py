"""The checkpoint command's logic: presets, git, caps, attribution, storage.

:func:`run_invocation` is what ``ckptlog checkpoint`` calls: it parses the
preset and hook input into requests, runs each against its repository's
store, records events, and returns what to tell the user. It raises only
for problems that stop the whole command (bad hook JSON, not a git
repository); the CLI turns those into one warning and exit code 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lsm.record import NamedTuple, Struct, field

if TYPE_CHECKING:
    from lsm.events import EventLog

__all__ = ["Failure", "InvocationOutcome", "run_invocation"]


class Failure(NamedTuple):
    """A request that could not be checkpointed: what went wrong and the hint for it."""

    what: str
    hint: str


class InvocationOutcome(Struct):
    """Everything one ``checkpoint`` command did, for display.

    :ivar results: one CheckpointResult per request that was carried out.
    :ivar failures: one per request that raised (also recorded as a ``degraded`` event).
    :ivar warnings: degradations of the requests carried out (skipped files, caps).
    :ivar summaries: git-ai's one-line summary per request.
    """

    results: list[Any] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Some request raised."""
        return bool(self.failures)


def run_invocation(
    preset: str | None,
    hook_input: str | None,
    paths: list[str],
    *,
    cwd: str,
    editor: str | None = None,
    editor_version: str | None = None,
    extension_version: str | None = None,
    env: Mapping[str, str] | None = None,
    on_store: Callable[[EventLog], None] | None = None,
) -> InvocationOutcome:
    """Run ``checkpoint [preset] [--hook-input ...] [paths]`` in ``cwd``.

    :param on_store: called with the store's EventLog as soon as it is
        known, so a caller can record a failure event after an exception.
    :raises lsm.errors.InputError: malformed hook input or not a git work tree.
    """
    from lsm.checkpoint.gitrepo import find_repo
    from lsm.checkpoint.presets import parse_invocation
    from lsm.checkpoint.runner import run_request
    from lsm.config import load_settings
    from lsm.errors import Error
    from lsm.events import EventLog
    from lsm.ids import new_trace_id

    environ = os.environ if env is None else env
    outcome = InvocationOutcome()
    requests = parse_invocation(
        preset,
        hook_input,
        paths,
        cwd=cwd,
        editor=editor,
        editor_version=editor_version,
        extension_version=extension_version,
        env=environ,
        warn=outcome.warnings.append,
    )
    trace_id = new_trace_id()  # one per command, as git-ai's orchestrator
    for req in requests:
        repo = find_repo(req.cwd)
        settings = load_settings(repo.ai_dir, environ)
        store_root = settings.store_path(repo.common_dir)
        store_root.mkdir(parents=True, exist_ok=True)
        events = EventLog(store_root / "events.jsonl")
        if on_store is not None:
            on_store(events)
        try:
            result = run_request(req, settings, trace_id=trace_id, repo=repo)
        except Error as exc:
            outcome.failures.append(Failure(f"checkpoint skipped: {exc.what}", exc.hint))
            events.record(
                "degraded",
                command="checkpoint",
                preset=preset or "human",
                error=type(exc).__name__,
                message=exc.what,
            )
            continue
        outcome.results.append(result)
        outcome.warnings.extend(result.warnings)
        for hit in result.cap_hits:
            events.record("cap_hit", **hit)
        events.record(
            "checkpoint",
            preset=preset or "human",
            checkpoint_kind=result.kind.value,
            log=result.log,
            seq=result.seq,
            files=len(result.files),
            entries=result.entries,
            skipped=len(result.skipped),
            imported=result.imported,
            transcript_messages=result.transcript_messages,
            duration_ms=round(result.duration_ms, 3),
            degraded=bool(result.cap_hits or result.skipped),
        )
        # git-ai's wording: "<kind> [<agent>] changed N [of the M] file(s) ...".
        who = req.kind.to_str()
        if req.kind.is_ai and req.agent_id:
            who += f" {req.agent_id.tool}"
        total = len(result.files)
        if result.dropped_reason:
            outcome.summaries.append(
                f"{req.kind.to_str()} checkpoint dropped: {result.dropped_reason}"
            )
        elif result.entries == total:
            outcome.summaries.append(
                f"{who} changed {total} file(s) that have changed since the last checkpoint"
            )
        else:
            outcome.summaries.append(
                f"{who} changed {result.entries} of the {total} file(s) that have changed "
                f"since the last checkpoint ({total - result.entries} already checkpointed)"
            )
    return outcome
