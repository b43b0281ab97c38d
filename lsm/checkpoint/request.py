"""What a checkpoint command asks for, after its preset parsed the hook input.

A preset (``human``, ``claude``, ``codex``, ...) turns the command line and
the hook JSON into zero or more :class:`CheckpointRequest`; the runner
(lsm.checkpoint.runner) resolves paths, reads contents, computes entries
and appends them. Zero requests means "nothing to do" (for example a
read-only tool such as ``Read`` or ``Grep``), which is a success.
"""

from __future__ import annotations

import enum

from lsm.model import AgentId, CheckpointKind
from lsm.record import NamedTuple, Struct, field

__all__ = ["CheckpointRequest", "PathRole", "TranscriptSource"]


class PathRole(enum.Enum):
    """Whether the paths are about to be edited (Pre*) or were edited (Post*)."""

    WILL_EDIT = "will_edit"
    EDITED = "edited"


class TranscriptSource(NamedTuple):
    """Where an agent's transcript lives, for incremental parsing.

    :ivar agent: ``claude``, ``codex`` or ``droid``.
    :ivar session_id: the agent's own session id (``agent_id.id``).
    :ivar settings_path: Droid's ``.settings.json`` (holds the model).
    """

    agent: str
    path: str
    session_id: str
    settings_path: str | None = None


class CheckpointRequest(Struct):
    """One checkpoint to make.

    :ivar kind: the checkpoint kind git-ai's orchestrator maps the event to.
    :ivar paths: file paths as the hook gave them (absolute, or relative to
        ``cwd``); empty with ``discover=True`` means "ask git status".
    :ivar cwd: the directory the hook ran in (finds the repository).
    :ivar agent_id: the agent for AI kinds (and Pre* events, where git-ai
        keeps it in the request but does not write it).
    :ivar metadata: git-ai's request metadata (``tool_use_id``,
        ``edit_kind``, ``transcript_path``, ``kh_editor``...); written as
        ``agent_metadata`` for AI kinds when non-empty.
    :ivar dirty_files: path -> content overrides from IDE hooks.
    :ivar discover: no paths were named: use a scoped ``git status``.
    """

    kind: CheckpointKind
    cwd: str
    paths: list[str] = field(default_factory=list)
    path_role: PathRole = PathRole.EDITED
    agent_id: AgentId | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    dirty_files: dict[str, str] | None = None
    discover: bool = False
    transcript: TranscriptSource | None = None
