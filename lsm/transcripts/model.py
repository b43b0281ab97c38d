"""git-ai's transcript model: the messages a transcript parser yields.

Mirrors ``Message`` in git-ai's ``src/authorship/transcript.rs``, a serde enum
tagged by ``type``::

    {"type": "user" | "assistant" | "thinking" | "plan", "text": S, "timestamp"?: S}
    {"type": "tool_use", "name": S, "input": JSON, "timestamp"?: S}

``timestamp`` is omitted when absent. The four text variants share one class,
:class:`TextMessage`, whose ``type`` says which one it is.

Both classes are named tuples (not dataclasses: a hook must not pay for
importing ``dataclasses``) that equal only their own kind: a
``TextMessage`` never equals a ``ToolUse`` or a plain tuple.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from lsm.errors import InputError
from lsm.record import NamedTuple

__all__ = [
    "TEXT_TYPES",
    "Message",
    "TextMessage",
    "TextType",
    "ToolUse",
    "dumps_message",
    "message_from_json",
]

TextType: TypeAlias = Literal["user", "assistant", "thinking", "plan"]

#: The ``type`` values of :class:`TextMessage`.
TEXT_TYPES: frozenset[str] = frozenset(("user", "assistant", "thinking", "plan"))


class TextMessage(NamedTuple):
    """A user, assistant, thinking or plan message.

    :param type: which of the four text variants this is.
    :param text: the text, as the transcript has it (redacted if redaction is on).
    :param timestamp: the transcript line's ``timestamp`` string, if it had one.
    """

    type: TextType
    text: str
    timestamp: str | None = None

    def to_json(self) -> dict[str, Any]:
        """git-ai's serde form: ``{"type", "text", "timestamp"?}``."""
        out: dict[str, Any] = {"type": self.type, "text": self.text}
        if self.timestamp is not None:
            out["timestamp"] = self.timestamp
        return out

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)


class ToolUse(NamedTuple):
    """A tool call: the tool's ``name`` and its ``input`` (any JSON value).

    :param name: the tool name (``Edit``, ``apply_patch``, ...).
    :param input: the parsed JSON input; an object for Claude and Droid, any
        JSON value (or a string) for Codex.
    :param timestamp: the transcript line's ``timestamp`` string, if it had one.
    """

    name: str
    input: Any
    timestamp: str | None = None

    @property
    def type(self) -> Literal["tool_use"]:
        """Always ``"tool_use"``."""
        return "tool_use"

    def to_json(self) -> dict[str, Any]:
        """git-ai's serde form: ``{"type": "tool_use", "name", "input", "timestamp"?}``.

        ``input`` is the parsed value itself (its keys in transcript order);
        :func:`dumps_message` gives the exact bytes git-ai would write.
        """
        out: dict[str, Any] = {"type": "tool_use", "name": self.name, "input": self.input}
        if self.timestamp is not None:
            out["timestamp"] = self.timestamp
        return out

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return tuple.__hash__(self)


Message: TypeAlias = TextMessage | ToolUse


def dumps_message(message: Message) -> bytes:
    """Serialize one message exactly as git-ai's serde_json does.

    Field order follows the Rust enum (``type`` first), ``timestamp`` is left
    out when absent, and the keys of ``input`` objects are sorted at every
    level: git-ai's ``serde_json`` is built without ``preserve_order``, so its
    ``Value`` objects are ``BTreeMap``s (checked in git-ai's Cargo.lock).

    :raises InputError: if a tool input is nested deeper than orjson can
        serialize (254 levels).
    """
    import orjson  # here, not at the top: the hook path never serializes messages this way

    if isinstance(message, TextMessage):
        return orjson.dumps(message.to_json())
    try:
        input_bytes = orjson.dumps(message.input, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        raise InputError(f"tool_use input of {message.name!r} cannot be serialized: {exc}") from exc
    parts = [b'{"type":"tool_use","name":', orjson.dumps(message.name), b',"input":', input_bytes]
    if message.timestamp is not None:
        parts += [b',"timestamp":', orjson.dumps(message.timestamp)]
    parts.append(b"}")
    return b"".join(parts)


def message_from_json(value: Any) -> Message:
    """Build a message from its serde form (the inverse of ``to_json``).

    :raises InputError: if ``value`` is not a valid serialized message.
    """
    if not isinstance(value, dict):
        raise InputError(f"a transcript message must be a JSON object, not {type(value).__name__}")
    kind = value.get("type")
    timestamp = value.get("timestamp")
    if timestamp is not None and not isinstance(timestamp, str):
        raise InputError("a transcript message's timestamp must be a string")
    if kind in TEXT_TYPES:
        text = value.get("text")
        if not isinstance(text, str):
            raise InputError(f"a {kind} message needs a string text")
        return TextMessage(kind, text, timestamp)
    if kind == "tool_use":
        name = value.get("name")
        if not isinstance(name, str) or "input" not in value:
            raise InputError("a tool_use message needs a string name and an input")
        return ToolUse(name, value["input"], timestamp)
    raise InputError(f"unknown transcript message type {kind!r}")
