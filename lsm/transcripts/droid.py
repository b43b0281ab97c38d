"""Droid (Factory) transcripts (``~/.factory/sessions/<cwd>/<session>.jsonl``).

Only ``type == "message"`` lines count
(``{"type":"message","id","timestamp","message":{"role","content"}}``);
``session_start``, ``todo_state`` and the rest yield nothing. ``message.role``
``user`` or ``assistant`` selects the Claude content rules
(:mod:`lsm.transcripts.blocks`). The JSONL has no model: it lives in the
``.settings.json`` beside it (:func:`lsm.transcripts.models.droid_model`).
"""

from __future__ import annotations

from typing import Any

from lsm.transcripts.blocks import assistant_content, user_content
from lsm.transcripts.claude import ClaudeParser
from lsm.transcripts.model import Message
from lsm.transcripts.text import get, get_str

__all__ = ["DroidParser"]


class DroidParser(ClaudeParser):
    """Parser for Droid lines (``read_droid_jsonl`` in git-ai's legacy readers).

    Takes the same arguments as :class:`~lsm.transcripts.claude.ClaudeParser`
    (plan tracking and thinking blocks work the same way).
    """

    agent = "droid"

    def handle(self, entry: Any, out: list[Message]) -> None:
        if get_str(entry, "type") != "message":
            return
        message = get(entry, "message")
        role = get_str(message, "role")
        if role == "user":
            user_content(get(message, "content"), get_str(entry, "timestamp"), out)
        elif role == "assistant":
            assistant_content(
                get(message, "content"),
                get_str(entry, "timestamp"),
                self._plans,
                self._thinking,
                out,
            )
