"""git-ai's hook events as checkpoint requests (``orchestrator.rs``), and a preset's inputs.

Every agent preset reduces its payload to one of git-ai's four agent events
and hands it to :func:`agent_event`, which maps it the way git-ai's
orchestrator does:

========================  ==========  =========  ==========  ==============================
event                     kind        path role  agent kept  metadata added
========================  ==========  =========  ==========  ==============================
PreFileEdit               Human       WILL_EDIT  yes         ``tool_use_id``
PostFileEdit              AiAgent     EDITED     yes         ``tool_use_id``,
                          (AiTab for                         ``edit_kind=file_edit``
                          ``ai_tab``)
PreBashCall               Human       WILL_EDIT  no          ``tool_use_id``
PostBashCall              AiAgent     EDITED     yes         ``tool_use_id``, ``edit_kind=bash``
========================  ==========  =========  ==========  ==============================

``metadata`` is the preset's context metadata; the added keys never
overwrite what the preset put there (``entry().or_insert``). A file event
that names no file makes no request: git-ai builds one request per
repository of the named files. Bash events name no files: git-ai diffs a
stat snapshot taken around the command; here they become ``discover=True``
requests (a scoped ``git status``).
"""

from __future__ import annotations

from collections.abc import Mapping

from lsm.checkpoint.request import CheckpointRequest, PathRole, TranscriptSource
from lsm.model import AgentId, CheckpointKind
from lsm.record import Record

__all__ = ["Invocation", "agent_event"]


class Invocation(Record):
    """The command line, as the presets see it.

    :ivar cli_paths: file arguments (``human``, ``known_human``, the mock
        presets and unknown presets use them when there is no hook input).
    :ivar cwd: the directory the command runs in; the fallback when a hook
        input names none.
    :ivar env: the environment (``HOME`` and agent-specific variables that
        locate transcripts and data directories).
    """

    __slots__ = ("cli_paths", "cwd", "editor", "editor_version", "env", "extension_version")
    _fields = ("cli_paths", "cwd", "editor", "editor_version", "extension_version", "env")

    cli_paths: list[str]
    cwd: str
    editor: str | None
    editor_version: str | None
    extension_version: str | None
    env: Mapping[str, str]

    def __init__(
        self,
        cli_paths: list[str],
        cwd: str,
        editor: str | None,
        editor_version: str | None,
        extension_version: str | None,
        env: Mapping[str, str],
    ) -> None:
        self.cli_paths = cli_paths
        self.cwd = cwd
        self.editor = editor
        self.editor_version = editor_version
        self.extension_version = extension_version
        self.env = env

    def home(self) -> str:
        """``$HOME`` (``~`` when unset: the path then names nothing, and reads find nothing)."""
        return self.env.get("HOME") or "~"


def agent_event(
    *,
    pre: bool,
    bash: bool,
    cwd: str,
    agent: AgentId,
    metadata: dict[str, str],
    tool_use_id: str | None,
    paths: list[str] | None = None,
    dirty_files: dict[str, str] | None = None,
    transcript: TranscriptSource | None = None,
    post_kind: CheckpointKind = CheckpointKind.AI_AGENT,
) -> list[CheckpointRequest]:
    """The requests for one of git-ai's agent events (see the module table).

    :param bash: a PreBashCall/PostBashCall (``paths`` and ``dirty_files``
        are then ignored, as git-ai's bash events carry none).
    :param tool_use_id: added to the metadata when not ``None`` (bash
        events always have one: the presets default it to ``bash``).
    :param transcript: only kept on Post events (git-ai's Pre events carry
        no stream source).
    :param post_kind: ``AiTab`` for the ``ai_tab`` preset.
    """
    if tool_use_id is not None:
        metadata.setdefault("tool_use_id", tool_use_id)
    if bash:
        if pre:
            return [
                CheckpointRequest(
                    kind=CheckpointKind.HUMAN,
                    cwd=cwd,
                    path_role=PathRole.WILL_EDIT,
                    metadata=metadata,
                    discover=True,
                )
            ]
        metadata.setdefault("edit_kind", "bash")
        return [
            CheckpointRequest(
                kind=CheckpointKind.AI_AGENT,
                cwd=cwd,
                path_role=PathRole.EDITED,
                agent_id=agent,
                metadata=metadata,
                discover=True,
                transcript=transcript,
            )
        ]
    if not paths:
        return []  # git-ai groups the named files by repository: none, no request
    if pre:
        return [
            CheckpointRequest(
                kind=CheckpointKind.HUMAN,
                cwd=cwd,
                paths=paths,
                path_role=PathRole.WILL_EDIT,
                agent_id=agent,
                metadata=metadata,
                dirty_files=dirty_files,
            )
        ]
    metadata.setdefault("edit_kind", "file_edit")
    return [
        CheckpointRequest(
            kind=post_kind,
            cwd=cwd,
            paths=paths,
            path_role=PathRole.EDITED,
            agent_id=agent,
            metadata=metadata,
            dirty_files=dirty_files,
            transcript=transcript,
        )
    ]
