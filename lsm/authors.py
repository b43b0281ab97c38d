"""Readable names for author keys: ``claude (claude-sonnet-4-5)``, ``Ada Lovelace``.

Notes and working logs name authors by key (``s_…::t_…``, ``h_…``, a legacy
16-hex prompt id); their metadata maps say who the key is. Both have the
same three maps (``sessions``, ``prompts``, ``humans``), so one function,
:func:`describe`, serves ``blame``, ``stats``, ``show``, ``status`` and the
Agent Trace export. Ids stay available on the result (``key``, ``session``)
for ``--verbose`` and ``--json``.

Pure functions; nothing here can fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsm.ids import HUMAN
from lsm.record import NamedTuple

__all__ = ["AI", "KNOWN_HUMAN", "UNTRACKED", "Author", "describe", "human_name", "model_id"]

#: Author kinds.
AI = "ai"
KNOWN_HUMAN = "known_human"
UNTRACKED = "untracked"

# Model-name prefixes -> models.dev provider (Agent Trace's ``provider/model``).
_PROVIDERS = (
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("codex", "openai"),
    ("gemini", "google"),
    ("grok", "xai"),
    ("mistral", "mistral"),
    ("codestral", "mistral"),
    ("deepseek", "deepseek"),
    ("qwen", "alibaba"),
    ("glm", "zhipuai"),
    ("kimi", "moonshotai"),
)


class Author(NamedTuple):
    """Who a key is.

    :ivar kind: :data:`AI`, :data:`KNOWN_HUMAN` or :data:`UNTRACKED`.
    :ivar label: what a person reads (``claude (claude-sonnet-4-5)``, ``Ada Lovelace``).
    :ivar ident: a known human's ``Name <email>``.
    :ivar session: the agent's own session id (``agent_id.id``).
    """

    kind: str
    key: str | None
    label: str
    tool: str | None = None
    model: str | None = None
    ident: str | None = None
    session: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.label, "key": self.key}
        for name in ("tool", "model", "ident", "session"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        mid = model_id(self.tool, self.model)
        if mid is not None:
            out["model_id"] = mid
        return out


def human_name(ident: str) -> str:
    """``Ada Lovelace <ada@example.com>`` -> ``Ada Lovelace`` (the email alone if no name)."""
    name, lt, rest = ident.partition("<")
    name = name.strip()
    if name:
        return name
    return rest.rstrip(">").strip() if lt else ident.strip()


def model_id(tool: str | None, model: str | None) -> str | None:
    """``provider/model`` where the provider is known, else the model; None without one."""
    if not model or model == "unknown":
        return None
    if "/" in model:
        return model
    low = model.lower()
    for prefix, provider in _PROVIDERS:
        if low.startswith(prefix):
            return f"{provider}/{model}"
    return model


def _agent_label(tool: str, model: str | None) -> str:
    return f"{tool} ({model})" if model and model != "unknown" else tool


def describe(
    key: str | None,
    sessions: Mapping[str, Any],
    prompts: Mapping[str, Any],
    humans: Mapping[str, Any],
    *,
    fallback: str = "",
) -> Author:
    """The author of ``key`` by the metadata maps; ``fallback`` names an untracked line."""
    if key is None or key == HUMAN:
        return Author(UNTRACKED, None, fallback)
    if key.startswith("h_"):
        rec = humans.get(key)
        ident = rec.get("author") if isinstance(rec, Mapping) else None
        ident = ident if isinstance(ident, str) else None
        return Author(KNOWN_HUMAN, key, human_name(ident) if ident else key, ident=ident)
    rec = sessions.get(key.split("::", 1)[0]) if key.startswith("s_") else prompts.get(key)
    agent = rec.get("agent_id") if isinstance(rec, Mapping) else None
    if isinstance(agent, Mapping):
        tool = str(agent.get("tool") or "agent")
        model = agent.get("model")
        model = str(model) if model else None
        sid = agent.get("id")
        return Author(
            AI, key, _agent_label(tool, model), tool, model, session=str(sid) if sid else None
        )
    return Author(AI, key, "AI")
