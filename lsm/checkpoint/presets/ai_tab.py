"""``ai_tab``: editor tab completions (git-ai's ``ai_tab.rs``).

``hook_event_name`` is ``before_edit`` (a human checkpoint of
``will_edit_filepaths``) or ``after_edit`` (an **AiTab** checkpoint of
``edited_filepaths``); ``tool`` and ``model`` are required and non-blank;
``repo_working_dir`` (blank: the command's directory) resolves relative
paths; ``completion_id`` (default: the time in ms) names the session
``ai_tab-<id>``; ``dirty_files`` overrides file contents.
"""

from __future__ import annotations

from lsm.checkpoint.presets.events import Invocation, agent_event
from lsm.checkpoint.presets.parse import (
    dirty_files,
    load_object,
    opt_str,
    req_str,
    resolved_list,
    rust_trim,
)
from lsm.checkpoint.request import CheckpointRequest
from lsm.errors import InputError
from lsm.model import AgentId, CheckpointKind

__all__ = ["HANDLERS"]


def _ai_tab(name: str, hook_input: str | None, inv: Invocation) -> list[CheckpointRequest]:
    data = load_object(name, hook_input)
    event = req_str(name, data, "hook_event_name")
    if event not in ("before_edit", "after_edit"):
        raise InputError(
            f"unsupported hook_event_name {event!r} for the ai_tab preset "
            "(expected 'before_edit' or 'after_edit')"
        )
    tool = rust_trim(req_str(name, data, "tool"))
    if not tool:
        raise InputError("tool must be a non-empty string for the ai_tab preset")
    model = rust_trim(req_str(name, data, "model"))
    if not model:
        raise InputError("model must be a non-empty string for the ai_tab preset")
    cwd = rust_trim(opt_str(data, "repo_working_dir") or "") or inv.cwd
    completion_id = opt_str(data, "completion_id")
    if completion_id is None:
        import time

        completion_id = str(time.time_ns() // 1_000_000)
    pre = event == "before_edit"
    key = "will_edit_filepaths" if pre else "edited_filepaths"
    return agent_event(
        pre=pre,
        bash=False,
        cwd=cwd,
        agent=AgentId(tool, f"ai_tab-{completion_id}", model),
        metadata={"tool": tool},
        tool_use_id=None,
        paths=resolved_list(data.get(key), cwd),
        dirty_files=dirty_files(data, cwd),
        post_kind=CheckpointKind.AI_TAB,
    )


HANDLERS = {"ai_tab": _ai_tab}
