"""git-ai's author and trace ids (``authorship_log_serialization.rs``).

* ``human``: unattested human edits (never reaches a note);
* ``h_`` + sha256(identity)[:14]: a known human;
* ``s_`` + sha256("tool:id")[:14]: an agent session; an AI author id at
  HEAD is ``<session>::<trace>``;
* sha256("tool:id")[:16]: a legacy (pre-session) AI author id, and its
  7-char prefix the pre-v1.0 form that readers migrate to 16 chars;
* ``t_`` + 14 random hex: a trace id, one per checkpoint command.
"""

from __future__ import annotations

import os

from lsm.hashing import sha256

__all__ = [
    "HUMAN",
    "ai_author_id",
    "human_short_hash",
    "is_ai_author",
    "legacy_short_hash",
    "new_trace_id",
    "session_id",
]

#: The placeholder author of unattested human edits.
HUMAN = "human"


def _sha256_hex(text: str) -> str:
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def session_id(tool: str, agent_id: str) -> str:
    """``s_`` + the first 14 hex of sha256(``"tool:agent_id"``)."""
    return "s_" + _sha256_hex(f"{tool}:{agent_id}")[:14]


def legacy_short_hash(tool: str, agent_id: str) -> str:
    """The legacy 16-hex AI author id: sha256(``"tool:agent_id"``)[:16]."""
    return _sha256_hex(f"{tool}:{agent_id}")[:16]


def human_short_hash(identity: str) -> str:
    """``h_`` + the first 14 hex of sha256(identity), for a KnownHuman author."""
    return "h_" + _sha256_hex(identity)[:14]


def new_trace_id() -> str:
    """A fresh ``t_`` + 14 random hex trace id (one per checkpoint command)."""
    return "t_" + os.urandom(7).hex()  # secrets.token_hex(7), without its imports


def ai_author_id(tool: str, agent_id: str, trace_id: str) -> str:
    """The AI author id git-ai writes at HEAD: ``s_<14>::t_<14>``."""
    return f"{session_id(tool, agent_id)}::{trace_id}"


def is_ai_author(author_id: str) -> bool:
    """git-ai's "is AI": neither ``human`` nor a ``h_`` known human."""
    return author_id != HUMAN and not author_id.startswith("h_")
