"""Attribution recovery: lines the commit added that no checkpoint explains.

First, as git-ai's post-commit does, a cloud agent that runs no hooks
(known from its environment: :func:`detect_background_agent`) gets every
added line no checkpoint explains. Then git-ai (``attribution_recovery.rs``)
runs five solvers, each only on lines still unknown. Three need its
daemon's databases (bash-call mtimes, transcript session events, and the
metrics rows behind two of the commit-metadata tiers); there is no daemon
here, so they are out. What runs, in order:

1. **Edge extension**: a run of unknown lines right after an AI line gets
   its first 3 lines from that author; right before one, its last 3; between
   two lines of the same AI session, both ends.
2. **Commit metadata**: a ``Co-authored-by`` trailer, a ``claude-session:``
   / ``codex-session:`` / ``cursor-session:`` trailer, or the commit author
   names an agent (git-ai's table): unknown lines go to a session of that
   agent already in the note, else to a synthesised one (model ``unknown``).
3. **Known-human fallback**: if the note has any ``h_`` entry, or no AI
   entry at all, every remaining unknown line goes to the commit's *author*
   as a known human (git-ai uses the local identity; its PR #2062 and our
   issue say the commit author).

git-ai mints random trace and session ids here; these are derived from the
commit, path and line instead, so the same commit always gets the same note.
Pure computation; nothing here can fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from lsm.hashing import sha256
from lsm.ids import human_short_hash, is_ai_author
from lsm.notes import Attestation, AuthorshipNote, FileAttestation, compress_lines, session_of
from lsm.record import NamedTuple

__all__ = [
    "EDGE_LINES",
    "BackgroundAgent",
    "CommitAgent",
    "detect_background_agent",
    "detect_commit_agents",
    "extend_edges",
    "fill_background",
    "known_human_applies",
    "recover_commit_metadata",
    "recover_known_human",
    "unknown_lines",
]

#: At most this many lines are recovered at each edge of an unknown run.
EDGE_LINES = 3


def _derived_id(prefix: str, *parts: object) -> str:
    text = "\x00".join(str(p) for p in parts)
    return prefix + sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:14]


def _covered(note: AuthorshipNote) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for f in note.files:
        lines = out.setdefault(f.path, set())
        for e in f.entries:
            for a, b in e.ranges:
                lines.update(range(a, b + 1))
    return out


def unknown_lines(note: AuthorshipNote, added: Mapping[str, Set[int]]) -> dict[str, list[int]]:
    """Per file, the added lines no entry of ``note`` covers (sorted)."""
    covered = _covered(note)
    out: dict[str, list[int]] = {}
    for path, lines in added.items():
        have = covered.get(path, set())
        missing = sorted(n for n in lines if n not in have)
        if missing:
            out[path] = missing
    return out


def _add(note: AuthorshipNote, path: str, key: str, lines: Iterable[int]) -> None:
    """Add ``lines`` of ``path`` under ``key`` (merged into an entry of the same key)."""
    ranges = compress_lines(lines)
    if not ranges:
        return
    for i, f in enumerate(note.files):
        if f.path != path:
            continue
        entries = list(f.entries)
        for j, e in enumerate(entries):
            if e.key == key:
                merged = compress_lines([*_expand(e.ranges), *_expand(ranges)])
                entries[j] = Attestation(key, tuple(merged))
                break
        else:
            entries.append(Attestation(key, tuple(ranges)))
        note.files[i] = FileAttestation(path, tuple(entries))
        return
    note.files.append(FileAttestation(path, (Attestation(key, tuple(ranges)),)))


def _expand(ranges: Iterable[tuple[int, int]]) -> Iterable[int]:
    for a, b in ranges:
        yield from range(a, b + 1)


def _runs(lines: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for n in lines:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def extend_edges(note: AuthorshipNote, added: Mapping[str, Set[int]], commit: str) -> int:
    """Solver 1 (edge extension); returns how many lines it attributed."""
    done = 0
    for path, missing in unknown_lines(note, added).items():
        f = note.file(path)
        if f is None:
            continue
        owner: dict[int, str] = {}
        for e in f.entries:  # later entries win, as readers decide
            for n in _expand(e.ranges):
                owner[n] = e.key
        for run in _runs(missing):
            left, right = owner.get(run[0] - 1), owner.get(run[-1] + 1)
            if left is not None and right is not None:
                if not (is_ai_author(left) and is_ai_author(right)):
                    continue
                if session_of(left) != session_of(right):
                    continue
                source = left
                lines = sorted(set(run[:EDGE_LINES] + run[-EDGE_LINES:]))
            elif left is not None and is_ai_author(left):
                source, lines = left, run[:EDGE_LINES]
            elif right is not None and is_ai_author(right):
                source, lines = right, run[-EDGE_LINES:]
            else:
                continue
            session = session_of(source)
            key = (
                f"{session}::{_derived_id('t_', commit, path, run[0], 'edge')}"
                if session.startswith("s_")
                else source
            )
            _add(note, path, key, lines)
            done += len(lines)
    return done


class CommitAgent(NamedTuple):
    """An agent git-ai recognises in commit metadata: its key, tools and markers."""

    key: str
    tools: tuple[str, ...]
    emails: tuple[str, ...]
    marker_emails: tuple[str, ...]
    markers: tuple[str, ...]


# git-ai's KNOWN_COMMIT_AGENT_KINDS (attribution_recovery.rs), in its order.
_AGENTS = (
    CommitAgent(
        "codex",
        ("codex", "codex-cloud"),
        ("codex@openai.com",),
        ("noreply@openai.com",),
        ("codex",),
    ),
    CommitAgent("claude", ("claude", "claude-web"), (), ("noreply@anthropic.com",), ("claude",)),
    CommitAgent("cursor", ("cursor", "cursor-agent"), ("cursoragent@cursor.com",), (), ("cursor",)),
    CommitAgent(
        "github-copilot",
        ("github-copilot", "github-copilot-cli", "github-copilot-agent", "copilot"),
        ("+copilot@users.noreply.github.com",),
        (),
        ("copilot", "github copilot"),
    ),
    CommitAgent(
        "devin",
        ("devin",),
        ("+devin-ai-integration[bot]@users.noreply.github.com",),
        (),
        ("devin",),
    ),
    CommitAgent(
        "droid",
        ("droid",),
        ("+factory-droid[bot]@users.noreply.github.com",),
        (),
        ("droid", "factory-droid"),
    ),
    CommitAgent(
        "windsurf",
        ("windsurf",),
        ("noreply@windsurf.com", "noreply@codeium.com"),
        (),
        ("windsurf",),
    ),
    CommitAgent("amp", ("amp",), (), (), ("ampcode", "amp code")),
    CommitAgent("opencode", ("opencode",), (), (), ("opencode", "open code")),
    CommitAgent("gemini", ("gemini",), (), (), ("gemini",)),
    CommitAgent("continue-cli", ("continue-cli",), (), (), ("continue-cli",)),
)
_BY_KEY = {a.key: a for a in _AGENTS}


def _email_matches(email: str, pattern: str) -> bool:
    e, p = email.strip().lower(), pattern.lower()
    return e.endswith(p) if p.startswith("+") else e == p


def _email_of(identity: str) -> str | None:
    start = identity.find("<")
    end = identity.find(">", start + 1) if start >= 0 else -1
    return identity[start + 1 : end].strip() if start >= 0 and end >= 0 else None


def _has_marker(text_lower: str, marker: str) -> bool:
    m = marker.lower()
    start = 0
    while True:
        i = text_lower.find(m, start)
        if i < 0:
            return False
        before = text_lower[i - 1] if i > 0 else ""
        j = i + len(m)
        after = text_lower[j] if j < len(text_lower) else ""
        if not (before.isascii() and before.isalnum()) and not (
            after.isascii() and after.isalnum()
        ):
            return True
        start = j


def _agent_of_identity(identity: str) -> CommitAgent | None:
    email = _email_of(identity)
    if email:
        bare = email.strip().strip("<>")
        for agent in _AGENTS:
            if bare and any(_email_matches(bare, p) for p in agent.emails):
                return agent
    lower = identity.lower()
    for agent in _AGENTS:
        if not any(_has_marker(lower, m) for m in agent.markers):
            continue
        if email is None or any(_email_matches(email, p) for p in agent.marker_emails):
            return agent
    return None


def detect_commit_agents(author: str, message: str) -> list[CommitAgent]:
    """git-ai's ``detect_commit_metadata_agents``: agents named by trailers or the author."""
    found: list[CommitAgent] = []

    def push(agent: CommitAgent | None) -> None:
        if agent is not None and all(a.key != agent.key for a in found):
            found.append(agent)

    for line in message.split("\n"):
        trimmed = line.strip()
        lower = trimmed.lower()
        name, sep, value = trimmed.partition(":")
        if sep and name.strip().lower() == "co-authored-by":
            push(_agent_of_identity(value))
            continue
        for trailer, key in (
            ("claude-session:", "claude"),
            ("codex-session:", "codex"),
            ("cursor-session:", "cursor"),
        ):
            if lower.startswith(trailer):
                push(_BY_KEY[key])
                break
    push(_agent_of_identity(author))
    return found


def recover_commit_metadata(
    note: AuthorshipNote,
    unknown: Mapping[str, list[int]],
    agents: list[CommitAgent],
    commit: str,
    human_author: str | None,
) -> bool:
    """Solver 2: give every unknown line to a session of the first detected agent.

    A session of a detected agent already in the note is preferred (by agent
    order, then most attested lines, then id); else one is synthesised.
    Returns True if it attributed the lines (recovery then stops).
    """
    if not unknown or not agents:
        return False
    best: tuple[int, int, str] | None = None
    for rank, agent in enumerate(agents):
        tools = {t.lower() for t in agent.tools}
        for sid, record in note.metadata.sessions.items():
            tool = str((record.get("agent_id") or {}).get("tool", "")).lower()
            if tool not in tools:
                continue
            count = sum(
                b - a + 1
                for f in note.files
                for e in f.entries
                if session_of(e.key) == sid
                for a, b in e.ranges
            )
            cand = (rank, -count, sid)
            if best is None or cand < best:
                best = cand
    if best is not None:
        session = best[2]
    else:
        agent = agents[0]
        session = _derived_id("s_", commit, "commit-metadata", agent.key)
        note.metadata.sessions.setdefault(
            session,
            {
                "agent_id": {"tool": agent.tools[0], "id": session, "model": "unknown"},
                "human_author": human_author,
            },
        )
    for path, lines in unknown.items():
        _add(note, path, f"{session}::{_derived_id('t_', commit, path, 'metadata')}", lines)
    return True


def known_human_applies(note: AuthorshipNote) -> bool:
    """git-ai's rule: the note has an ``h_`` entry, or no AI entry at all."""
    has_ai = False
    for f in note.files:
        for e in f.entries:
            if e.key.startswith("h_"):
                return True
            has_ai = has_ai or is_ai_author(e.key)
    return not has_ai


def recover_known_human(note: AuthorshipNote, unknown: Mapping[str, list[int]], author: str) -> int:
    """Solver 3: the remaining unknown lines to ``h_<author>``; returns the line count."""
    if not unknown or not known_human_applies(note):
        return 0
    key = human_short_hash(author)
    note.metadata.humans.setdefault(key, {"author": author})
    total = 0
    for path, lines in unknown.items():
        _add(note, path, key, lines)
        total += len(lines)
    return total


class BackgroundAgent(NamedTuple):
    """A cloud agent that runs no hooks, known from its environment (``background_agent.rs``)."""

    tool: str
    id: str


def detect_background_agent(
    env: Mapping[str, str], at: int, *, devin_dir: str = "/opt/.devin"
) -> BackgroundAgent | None:
    """git-ai's ``background_agent::detect`` for agents *without* hooks (None otherwise).

    Agents that run hooks (``CLAUDE_CODE_REMOTE=true``; Cursor's agent host)
    are left to their checkpoints. The placeholder ids git-ai stamps with the
    wall clock use ``at`` (the commit's author time) here, to stay reproducible.
    """
    if env.get("CLAUDE_CODE_REMOTE") == "true":
        return None
    if env.get("HOSTNAME") == "cursor" and env.get("CURSOR_AGENT") == "1":
        return None
    if any(k.startswith("CLOUD_AGENT_") for k in env):
        return BackgroundAgent("cloud-agent", f"CLOUD_AGENT_SESSION{at}")
    if env.get("CODEX_INTERNAL_ORIGINATOR_OVERRIDE") == "codex_web_agent":
        return BackgroundAgent(
            "codex-cloud", env.get("CODEX_THREAD_ID") or f"CODEX_CLOUD_SESSION{at}"
        )
    if env.get("GIT_AI_CLOUD_AGENT") == "1":
        return BackgroundAgent("git-ai-cloud-agent", f"GIT_AI_CLOUD_AGENT_SESSION{at}")
    import os

    if os.path.isdir(devin_dir):
        try:
            with open(os.path.join(devin_dir, "devin_id"), encoding="utf-8") as f:
                ident = f.read(256).strip()
        except (OSError, UnicodeDecodeError):
            ident = ""
        return BackgroundAgent("devin", ident or f"DEVIN_SESSION{at}")
    return None


def fill_background(
    note: AuthorshipNote,
    added: Mapping[str, Set[int]],
    agent: BackgroundAgent,
    commit: str,
    human_author: str | None,
) -> int:
    """Every added line no entry covers goes to the background agent's session."""
    unknown = unknown_lines(note, added)
    if not unknown:
        return 0
    from lsm.ids import session_id

    session = session_id(agent.tool, agent.id)
    note.metadata.sessions[session] = {
        "agent_id": {"tool": agent.tool, "id": agent.id, "model": "unknown"},
        "human_author": human_author,
    }
    key = f"{session}::{_derived_id('t_', commit, 'background')}"
    for path, lines in unknown.items():
        _add(note, path, key, lines)
    return sum(len(v) for v in unknown.values())
