"""Codex rollouts (``~/.codex/sessions/**/rollout-*.jsonl``).

Lines are ``{"timestamp", "type", "payload"}``; a line without ``payload`` is
its own payload. Follows ``read_codex_jsonl`` in git-ai's legacy
``transcript_readers.rs`` (deleted in c26089615; semantics doc 4.4):

* ``response_item`` / ``message`` with role ``user`` or ``assistant``: the
  trimmed, non-blank ``input_text``/``output_text`` parts joined with ``\\n``;
* ``response_item`` / ``function_call``, ``custom_tool_call``,
  ``local_shell_call``, ``web_search_call`` → tool use; ``name`` is
  ``payload.name`` (else the item type); a ``function_call``'s input is its
  ``arguments`` string parsed as JSON (kept as the string if it is not JSON),
  a non-string ``arguments`` as is, or ``{}`` when absent; other calls take
  ``payload.input`` when it is a string, else the whole payload;
* ``event_msg`` ``user_message`` / ``agent_message`` → user / assistant with
  the trimmed ``payload.message``, **only as a fallback** (see below);
* ``reasoning`` items and everything else yield nothing.

The fallback. git-ai reads the whole file, and only if the ``response_item``
pass produced no message at all does it emit the ``event_msg`` messages. A
streaming parser cannot look ahead, so we latch instead: ``event_msg`` lines
yield messages until the first ``response_item`` of this session yields one,
and never after. The latch is part of the state carried between calls, so any
split of the file gives the same messages as one parse. The result equals
git-ai's whenever no ``event_msg`` message comes before the first
``response_item`` message, which is how Codex writes its rollouts (the
response item is recorded before the event that echoes it); a file with only
``event_msg`` messages gives git-ai's fallback output exactly.

The model: the latest ``turn_context`` or ``session_meta`` line with
``payload.model`` (else ``model_id``, ``modelId``; trimmed, ``<synthetic>``
ignored) wins, which is what git-ai's tail-first ``model_extraction.rs`` finds
when the newest such line is in the tail. It is carried between calls too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lsm.transcripts.base import AgentParser
from lsm.transcripts.decode import loads as decode_loads
from lsm.transcripts.model import Message, TextMessage, TextType, ToolUse
from lsm.transcripts.text import get, get_str, is_blank, rust_trim

__all__ = ["CodexParser", "codex_line_model", "normalize_model"]

_TOOL_CALLS = frozenset(
    ("function_call", "custom_tool_call", "local_shell_call", "web_search_call")
)
_TEXT_PARTS = frozenset(("input_text", "output_text"))
_MODEL_LINES = frozenset(("session_meta", "turn_context"))


def normalize_model(model: str) -> str | None:
    """git-ai's ``normalize_model``: trimmed; empty and ``<synthetic>`` are no model."""
    model = rust_trim(model)
    if not model or model == "<synthetic>":
        return None
    return model


def codex_line_model(entry: Any) -> str | None:
    """The model a ``session_meta``/``turn_context`` line names, else ``None``.

    ``extract_model_from_codex_jsonl_line`` in ``src/streams/model_extraction.rs``:
    ``payload.model``, then ``model_id``, then ``modelId``, each normalized.
    """
    if get_str(entry, "type") not in _MODEL_LINES:
        return None
    payload = get(entry, "payload")
    for key in ("model", "model_id", "modelId"):
        value = get_str(payload, key)
        if value is not None:
            model = normalize_model(value)
            if model is not None:
                return model
    return None


class CodexParser(AgentParser):
    """Parser for Codex rollout lines.

    :param state: a previous call's :meth:`state`, to resume.
    :param loads: the JSON decoder for ``function_call`` arguments (the
        stream's: ``orjson.loads`` for a big parse); by default
        :func:`lsm.transcripts.decode.loads`, which gives the same results.
    """

    agent = "codex"

    def __init__(
        self,
        *,
        state: dict[str, Any] | None = None,
        loads: Callable[[bytes | str], Any] | None = None,
    ) -> None:
        self._loads = decode_loads if loads is None else loads
        state = state or {}
        #: True once a response_item produced a message: event_msg is ignored from then on.
        self._responses = state.get("responses") is True
        model = state.get("model")
        self._model: str | None = model if isinstance(model, str) else None

    def handle(self, entry: Any, out: list[Message]) -> None:
        kind = get_str(entry, "type")
        if kind is None:
            return
        payload = entry.get("payload", entry)
        if kind == "response_item":
            before = len(out)
            self._response_item(payload, get_str(entry, "timestamp"), out, self._loads)
            if len(out) > before:
                self._responses = True
        elif kind == "event_msg":
            if not self._responses:
                self._event_msg(payload, get_str(entry, "timestamp"), out)
        elif kind in _MODEL_LINES:
            model = codex_line_model(entry)
            if model is not None:
                self._model = model

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        if self._responses:
            state["responses"] = True
        if self._model is not None:
            state["model"] = self._model
        return state

    def model(self) -> str | None:
        return self._model

    @staticmethod
    def _response_item(
        payload: Any,
        timestamp: str | None,
        out: list[Message],
        loads: Callable[[bytes | str], Any],
    ) -> None:
        item_type = get_str(payload, "type") or ""
        if item_type == "message":
            role = get_str(payload, "role")
            content = get(payload, "content")
            if role not in ("user", "assistant") or not isinstance(content, list):
                return
            parts = []
            for part in content:
                if get_str(part, "type") in _TEXT_PARTS:
                    text = get_str(part, "text")
                    if text is not None:
                        text = rust_trim(text)
                        if text:
                            parts.append(text)
            if parts:
                out.append(
                    TextMessage(
                        "user" if role == "user" else "assistant", "\n".join(parts), timestamp
                    )
                )
        elif item_type in _TOOL_CALLS:
            name = get_str(payload, "name")
            if name is None:  # an empty name is kept, as git-ai's unwrap_or does
                name = item_type
            out.append(ToolUse(name, _tool_input(item_type, payload, loads), timestamp))

    @staticmethod
    def _event_msg(payload: Any, timestamp: str | None, out: list[Message]) -> None:
        event_type = get_str(payload, "type")
        if event_type not in ("user_message", "agent_message"):
            return
        text = get_str(payload, "message")
        if text is not None and not is_blank(text):
            kind: TextType = "user" if event_type == "user_message" else "assistant"
            out.append(TextMessage(kind, rust_trim(text), timestamp))


def _tool_input(
    item_type: str, payload: dict[str, Any], loads: Callable[[bytes | str], Any]
) -> Any:
    if item_type == "function_call":
        if "arguments" not in payload:
            return {}
        arguments = payload["arguments"]
        if not isinstance(arguments, str):
            return arguments
        try:
            return loads(arguments)
        except ValueError:
            return arguments
    tool_input = payload.get("input")
    if isinstance(tool_input, str):
        return tool_input
    return payload
