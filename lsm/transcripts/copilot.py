"""GitHub Copilot transcripts: VS Code chat sessions and the Copilot CLI's event stream.

Three shapes, all read as git-ai's legacy ``read_copilot_session_json`` and
``read_copilot_event_stream_jsonl`` read them (``transcript_readers.rs``,
deleted in c26089615):

* **The event stream** (JSONL; VS Code's ``GitHub.copilot-chat/transcripts/<id>.jsonl``
  and the CLI's ``~/.copilot/session-state/<id>/events.jsonl``), one
  ``{"type", "data", "timestamp"}`` event per line: ``user.message`` ->
  user (``data.content``, trimmed); ``assistant.message`` -> assistant
  (``content``, else ``reasoningText``, trimmed) and one tool use per
  ``toolRequests`` item (``name``, ``arguments`` decoded when it is a JSON
  string); ``tool.execution_start`` -> a tool use (``toolName``,
  ``arguments``). Tool uses carry no timestamp. ``session.model_change``
  names the model (the latest wins).
* **A chat session's patch log** (JSONL; ``chatSessions/<id>.jsonl``):
  ``{"kind": 0, "v": {...session...}}`` then patches. The requests of the
  ``kind: 0`` snapshot and of each ``kind: 2`` patch at ``["requests"]``
  are read in order; a request id already read is not read again (the last
  256 ids are remembered). Other patches (``kind: 1``, deeper paths) edit
  requests in place and are not followed.
* **A chat session document** (``chatSessions/<id>.json``): its ``requests``
  array, one request per record (:mod:`lsm.transcripts.document`).

A request (:func:`request_messages`): the user's ``message.text``
(trimmed; timestamp: ``timestamp`` ms as RFC 3339), then, in order,
``toolInvocationSerialized`` items (a tool use of ``toolId`` with its
``invocationMessage`` text), ``textEditGroup`` and ``prepareToolInvocation``
items (a tool use of the item), and last one assistant message joining, with
spaces, every item's trimmed ``value`` and ``@path`` mentions of
``codeblockUri``/``inlineReference`` items (timestamp: the request's plus
``result.timings.totalElapsed``). The model of a request is its ``modelId``
(``copilot/auto`` resolved by ``result.metadata.resolvedModel``), else the
session's ``inputState.selectedModel.identifier``; the latest wins, as in
git-ai's ``CopilotModelCandidates``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from lsm.transcripts.base import AgentParser
from lsm.transcripts.decode import loads as decode_loads
from lsm.transcripts.model import Message, TextMessage, ToolUse
from lsm.transcripts.rfc3339 import millis_to_rfc3339
from lsm.transcripts.text import get, get_str, is_blank, rust_trim

__all__ = [
    "CopilotParser",
    "CopilotSessionParser",
    "request_messages",
    "request_model",
    "vscode_chat_session_model",
]

#: Request ids remembered to skip a request a later patch repeats.
_SEEN_REQUESTS = 256
#: Bytes read from the end of a chat session's patch log for its model (git-ai's 1 MiB).
_SESSION_TAIL_BYTES = 1 << 20


def _uri_path(value: Any) -> str | None:
    return get_str(value, "fsPath") or get_str(value, "path")


def request_messages(request: Any, out: list[Message]) -> None:
    """Append the messages of one chat-session request (see the module docstring)."""
    if not isinstance(request, dict):
        return
    user_ms = request.get("timestamp")
    user_ms = user_ms if isinstance(user_ms, int) and not isinstance(user_ms, bool) else None
    user_text = get_str(request.get("message"), "text")
    if user_text is not None and rust_trim(user_text):
        out.append(TextMessage("user", rust_trim(user_text), millis_to_rfc3339(user_ms)))
    response = request.get("response")
    if not isinstance(response, list):
        return
    words: list[str] = []
    for item in response:
        kind = get_str(item, "kind")
        if kind == "toolInvocationSerialized":
            invocation = item.get("invocationMessage")
            message = invocation if isinstance(invocation, str) else get_str(invocation, "value")
            if message is not None:
                out.append(ToolUse(get_str(item, "toolId") or "tool", message))
        elif kind in ("textEditGroup", "prepareToolInvocation"):
            out.append(ToolUse(kind, item))
        elif kind == "codeblockUri":
            path = _uri_path(item.get("uri")) or _uri_path(item)
            if path is not None:
                words.append(f"@{path}")
        elif kind == "inlineReference":
            ref = item.get("inlineReference")
            path = _uri_path(get(ref, "uri")) or _uri_path(ref)
            if path is not None:
                words.append(f"@{path}")
        value = get_str(item, "value")
        if value is not None and rust_trim(value):
            words.append(rust_trim(value))
    text = " ".join(words)
    if not is_blank(text):
        elapsed = get(get(request.get("result"), "timings"), "totalElapsed")
        stamp = None
        if user_ms is not None and isinstance(elapsed, int) and not isinstance(elapsed, bool):
            stamp = millis_to_rfc3339(user_ms + elapsed)
        out.append(TextMessage("assistant", rust_trim(text), stamp))


def _evidence(model: str | None) -> str | None:
    """``CopilotModelEvidence::from_model``: trimmed; empty, ``<synthetic>``, ``unknown``: none."""
    if model is None:
        return None
    model = rust_trim(model)
    if not model or model == "<synthetic>" or model.lower() == "unknown":
        return None
    return model


def request_model(request: Any) -> str | None:
    """The model one request names (``copilot/auto`` resolved when it can be)."""
    requested = _evidence(get_str(request, "modelId"))
    resolved = _evidence(get_str(get(get(request, "result"), "metadata"), "resolvedModel"))
    if requested is not None and requested.lower() == "copilot/auto":
        return resolved or requested
    return requested or resolved


class _Requests:
    """The request-reading state the patch log and the document share: model, seen ids."""

    def __init__(self, state: dict[str, Any]) -> None:
        model = state.get("model")
        self.model: str | None = model if isinstance(model, str) else None
        selected = state.get("selected")
        self.selected: str | None = selected if isinstance(selected, str) else None
        seen = state.get("seen")
        seen = seen if isinstance(seen, list) else []
        self.seen: list[str] = [s for s in seen if isinstance(s, str)]

    def read(self, request: Any, out: list[Message]) -> None:
        request_id = get_str(request, "requestId")
        if request_id is not None:
            if request_id in self.seen:
                return
            self.seen.append(request_id)
            del self.seen[:-_SEEN_REQUESTS]
        request_messages(request, out)
        model = request_model(request)
        if model is not None:
            self.model = model

    def select(self, identifier: Any) -> None:
        model = _evidence(identifier if isinstance(identifier, str) else None)
        if model is not None:
            self.selected = model

    def best(self) -> str | None:
        return self.model or self.selected

    def to_json(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        if self.model is not None:
            state["model"] = self.model
        if self.selected is not None:
            state["selected"] = self.selected
        if self.seen:
            state["seen"] = list(self.seen)
        return state


class CopilotParser(AgentParser):
    """Parser for Copilot JSONL: the event stream and the chat-session patch log.

    :param state: a previous call's :meth:`state`.
    :param loads: the JSON decoder for tool arguments that are JSON strings.
    """

    agent = "copilot"

    def __init__(
        self,
        *,
        state: dict[str, Any] | None = None,
        loads: Callable[[bytes | str], Any] | None = None,
    ) -> None:
        state = state or {}
        self._loads = decode_loads if loads is None else loads
        self._requests = _Requests(state)
        changed = state.get("changed")
        self._changed: str | None = changed if isinstance(changed, str) else None

    def handle(self, entry: Any, out: list[Message]) -> None:
        if not isinstance(entry, dict):
            return
        kind = entry.get("kind")
        if "v" in entry and isinstance(kind, int) and not isinstance(kind, bool):
            self._patch(kind, entry, out)
            return
        event = get_str(entry, "type")
        data = entry.get("data")
        timestamp = get_str(entry, "timestamp")
        if event == "user.message":
            text = get_str(data, "content")
            if text is not None and rust_trim(text):
                out.append(TextMessage("user", rust_trim(text), timestamp))
        elif event == "assistant.message":
            text = get_str(data, "content")
            if text is None or not rust_trim(text):
                text = get_str(data, "reasoningText")
            if text is not None and rust_trim(text):
                out.append(TextMessage("assistant", rust_trim(text), timestamp))
            requests = get(data, "toolRequests")
            if isinstance(requests, list):
                for request in requests:
                    name = get_str(request, "name") or "tool"
                    arguments = request.get("arguments") if isinstance(request, dict) else None
                    out.append(ToolUse(name, self._arguments(arguments)))
        elif event == "tool.execution_start":
            out.append(ToolUse(get_str(data, "toolName") or "tool", get(data, "arguments")))
        elif event == "session.model_change":
            model = get_str(data, "newModel")
            if model is not None:
                self._changed = model

    def _arguments(self, value: Any) -> Any:
        """``normalize_copilot_tool_arguments``: a JSON string decoded, anything else as is."""
        if isinstance(value, str):
            try:
                return self._loads(value)
            except ValueError:
                return value
        return value

    def _patch(self, kind: int, entry: dict[str, Any], out: list[Message]) -> None:
        value = entry["v"]
        path = entry.get("k")
        if kind == 0 and isinstance(value, dict):
            self._requests.select(get(get(value.get("inputState"), "selectedModel"), "identifier"))
            requests = value.get("requests")
            if isinstance(requests, list):
                for request in requests:
                    self._requests.read(request, out)
        elif kind == 2 and path == ["requests"] and isinstance(value, list):
            for request in value:
                self._requests.read(request, out)
        elif kind == 1 and path == ["inputState", "selectedModel", "identifier"]:
            self._requests.select(value)
        elif kind == 1 and path == ["inputState", "selectedModel"]:
            self._requests.select(get(value, "identifier"))

    def state(self) -> dict[str, Any]:
        state = self._requests.to_json()
        if self._changed is not None:
            state["changed"] = self._changed
        return state

    def model(self) -> str | None:
        return self._changed or self._requests.best()


class CopilotSessionParser(AgentParser):
    """Parser for the records (requests) of a chat-session JSON document."""

    agent = "copilot-session"

    def __init__(self, *, state: dict[str, Any] | None = None) -> None:
        self._requests = _Requests(state or {})

    def handle(self, entry: Any, out: list[Message]) -> None:
        self._requests.read(entry, out)

    def state(self) -> dict[str, Any]:
        return self._requests.to_json()

    def model(self) -> str | None:
        return self._requests.best()


def vscode_chat_session_model(transcript_path: str | os.PathLike[str]) -> str | None:
    """The model VS Code's chat session beside a native transcript names, else ``None``.

    git-ai's daemon looks there when the hook sent none (``load_copilot_vscode_model``):
    ``.../GitHub.copilot-chat/transcripts/<id>.jsonl`` has its session at
    ``.../chatSessions/<id>.jsonl`` (the last 1 MiB of the patch log is read) or
    ``<id>.json`` (the document's requests). Never raises.
    """
    from pathlib import Path

    path = Path(transcript_path)
    transcripts = path.parent
    if transcripts.name.lower() != "transcripts":
        return None
    if transcripts.parent.name.lower() != "github.copilot-chat":
        return None
    sessions = transcripts.parent.parent / "chatSessions"
    model = _patch_log_model(sessions / f"{path.stem}.jsonl")
    if model is None:
        from lsm.transcripts.stream import ParseOptions, parse_transcript

        document = sessions / f"{path.stem}.json"
        if document.exists():
            options = ParseOptions(redact=False)
            model = parse_transcript("copilot-session", document, options=options).summary.model
    return model


def _patch_log_model(path: os.PathLike[str]) -> str | None:
    """The model the last 1 MiB of a chat session's patch log names."""
    from lsm.errors import UnreadableFileError
    from lsm.safeio import open_regular

    try:
        with open_regular(path) as file:
            size = os.fstat(file.fileno()).st_size
            start = max(0, size - _SESSION_TAIL_BYTES)
            file.seek(start)
            data = file.read(_SESSION_TAIL_BYTES)
    except (OSError, UnreadableFileError, ValueError):
        return None
    lines = data.split(b"\n")
    if start:
        lines = lines[1:]  # the first is cut by the window
    parser = CopilotParser()
    scratch: list[Message] = []
    for line in lines:
        try:
            entry = decode_loads(line) if line.strip() else None
        except ValueError:
            continue
        parser.handle(entry, scratch)
        scratch.clear()
    return parser.model()
