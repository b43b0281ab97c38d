"""What a working log says at commit time: git-ai's ``VirtualAttributions``, as a fold.

git-ai's post-commit reads the whole log twice (``read_all_checkpoints``,
``from_persisted_working_log``). The facts it derives are few, and each is a
fold over the checkpoints in log order, kept here per file and per agent:

* per file: the newest entry *with attribution data* (non-empty
  ``attributions`` or ``line_attributions``): its line attributions (or, when
  it has none, those derived from its character attributions) win, and an
  empty result removes the file; the newest entry's blob (the "observed"
  content); and whether any entry "requires post-processing" (a non-Human
  checkpoint, or any non-``human`` author or ``overrode``);
* sessions (``s_…``: checkpoints with an agent and a trace id, last agent
  wins), legacy prompts (an agent, no trace id), known humans (KnownHuman
  checkpoints, first wins), and the summed line stats of each agent.

INITIAL seeds all of it first. :class:`LogFold` computes this streaming
(O(files) memory, one checkpoint at a time): it is how ``storage.mode =
legacy`` reads git-ai's files, and it is the oracle the store's index
(which keeps the same facts as running aggregates, so that post-commit
never reads the history) is tested against. :class:`WorkingState` is the
result, with file contents loaded.

Nothing here does I/O but the callables the caller passes (``blob``, and
for a fold made from the index's facts, the entry and session lookups,
which run lazily: a file the commit path drops first, one the commit left
clean, costs no entry read).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from lsm.applier import entry_needs_post
from lsm.checkpoint.attribution import attributions_to_line_attributions
from lsm.ids import HUMAN, human_short_hash, legacy_short_hash, session_id
from lsm.model import (
    Attribution,
    Checkpoint,
    CheckpointKind,
    FileEntry,
    InitialAttributions,
    JsonObject,
    LineAttribution,
)
from lsm.record import NamedTuple, Record
from lsm.results import CommitFacts, CommitFile

__all__ = [
    "AgentTotals",
    "FileFacts",
    "LogFold",
    "VirtualFile",
    "WorkingState",
]


class FileFacts(Record):
    """What the fold keeps of one file.

    :ivar attributed_blob: blob of the newest entry with attribution data.
    :ivar line_attrs: its line attributions, or None to derive them from
        ``char_attrs`` once the blob is loaded (git-ai's fallback).
    :ivar observed_blob: blob of the newest entry of any kind (or INITIAL's).
    """

    __slots__ = (
        "attributed_blob",
        "char_attrs",
        "line_attrs",
        "needs_post",
        "observed_blob",
    )
    _fields = (
        "attributed_blob",
        "line_attrs",
        "char_attrs",
        "observed_blob",
        "needs_post",
    )

    def __init__(self) -> None:
        self.attributed_blob: str | None = None
        self.line_attrs: list[LineAttribution] | None = None
        self.char_attrs: list[Attribution] | None = None
        self.observed_blob: str | None = None
        self.needs_post = False

    def take_attributions(self, entry: FileEntry) -> None:
        """``entry`` is the newest with attribution data: its line attributions win, else
        its character attributions (turned into lines once the blob is loaded)."""
        self.attributed_blob = entry.blob_sha
        if entry.line_attributions:
            self.line_attrs, self.char_attrs = list(entry.line_attributions), None
        else:
            self.line_attrs, self.char_attrs = None, list(entry.attributions)


class AgentTotals(NamedTuple):
    """An agent's record in the fold: its id (newest) and summed line stats."""

    tool: str
    id: str
    model: str
    additions: int
    deletions: int


class VirtualFile(NamedTuple):
    """A file of the VA: its line attributions and the text they refer to."""

    line_attrs: list[LineAttribution]
    content: str


class WorkingState(Record):
    """A working log's state at commit time (git-ai's VA), contents loaded.

    :ivar files: path -> attributions and their content (non-empty only).
    :ivar observed: path -> observed content (newest checkpoint, else INITIAL).
    :ivar pathspecs: files that need diffing (post-processing entries and INITIAL).
    :ivar prompts: legacy prompt records (with totals; accepted lines are filled later).
    :ivar initial_only_prompts: prompts known only from INITIAL.
    """

    __slots__ = (
        "files",
        "humans",
        "initial_only_prompts",
        "observed",
        "pathspecs",
        "prompts",
        "sessions",
    )
    _fields = (
        "files",
        "observed",
        "pathspecs",
        "sessions",
        "prompts",
        "humans",
        "initial_only_prompts",
    )

    def __init__(
        self,
        files: dict[str, VirtualFile],
        observed: dict[str, str],
        pathspecs: set[str],
        sessions: dict[str, JsonObject],
        prompts: dict[str, JsonObject],
        humans: dict[str, JsonObject],
        initial_only_prompts: set[str],
    ) -> None:
        self.files = files
        self.observed = observed
        self.pathspecs = pathspecs
        self.sessions = sessions
        self.prompts = prompts
        self.humans = humans
        self.initial_only_prompts = initial_only_prompts

    def is_empty(self) -> bool:
        """No file with attribution state and nothing to diff."""
        return not self.files and not self.pathspecs


def _text(data: bytes | None) -> str:
    # git-ai holds contents as Rust Strings; checkpoint blobs are UTF-8 already.
    return "" if data is None else data.decode("utf-8", "replace")


class LogFold:
    """Fold checkpoints (in log order) into the facts above; O(files) memory."""

    def __init__(self, initial: InitialAttributions | None = None) -> None:
        self.files: dict[str, FileFacts] = {}
        #: path -> the index's pointer to its newest attributed entry, not read yet
        self._unread: dict[str, CommitFile] = {}
        self._entry: Callable[[CommitFile], FileEntry] | None = None
        self._session_totals: Callable[[set[str]], Mapping[str, AgentTotals]] | None = None
        self.initial = initial if initial is not None else InitialAttributions()
        self.sessions: dict[str, AgentTotals] = {}
        self.prompts: dict[str, AgentTotals] = {}
        self.humans: dict[str, str] = {}
        self.initial_only_prompts = set(self.initial.prompts)
        for path, attrs in self.initial.files.items():
            facts = self._facts(path)
            facts.attributed_blob = self.initial.file_blobs.get(path)
            facts.line_attrs = list(attrs)
            facts.observed_blob = facts.attributed_blob

    def _facts(self, path: str) -> FileFacts:
        facts = self.files.get(path)
        if facts is None:
            facts = self.files[path] = FileFacts()
        return facts

    def add(self, cp: Checkpoint) -> None:
        """Fold in the next checkpoint of the log."""
        agent = cp.agent_id
        if agent is not None:
            stats = cp.line_stats
            if cp.trace_id is not None:
                table, key = self.sessions, session_id(agent.tool, agent.id)
            else:
                table, key = self.prompts, legacy_short_hash(agent.tool, agent.id)
                self.initial_only_prompts.discard(key)
            old = table.get(key)
            table[key] = AgentTotals(
                agent.tool,
                agent.id,
                agent.model,
                (old.additions if old else 0) + stats.additions,
                (old.deletions if old else 0) + stats.deletions,
            )
        if cp.kind is CheckpointKind.KNOWN_HUMAN:
            self.humans.setdefault(human_short_hash(cp.author), cp.author)
        for entry in cp.entries:
            facts = self._facts(entry.file)
            facts.observed_blob = entry.blob_sha
            if entry_needs_post(cp.kind, entry):
                facts.needs_post = True
            if entry.line_attributions or entry.attributions:
                facts.take_attributions(entry)

    @classmethod
    def from_facts(
        cls,
        initial: InitialAttributions,
        facts: CommitFacts,
        entry: Callable[[CommitFile], FileEntry],
        session_totals: Callable[[set[str]], Mapping[str, AgentTotals]] | None = None,
    ) -> LogFold:
        """The same fold, from the index's running aggregates (:meth:`Store.commit_facts`).

        ``entry`` reads a file's newest entry with attribution data;
        ``session_totals`` looks sessions up (``facts`` holds none). Both run
        on first need (:meth:`load`), for the files still in the fold then:
        until then a file's ``attributed_blob``, ``line_attrs`` and
        ``char_attrs`` are unset (:meth:`state`, :meth:`differences` and
        :meth:`referenced_sessions` load first).
        """
        fold = cls(initial)
        for f in facts.files:
            ff = fold._facts(f.path)
            ff.observed_blob = f.blob_sha
            ff.needs_post = ff.needs_post or f.needs_post
            if f.attributed is not None:
                fold._unread[f.path] = f
        fold._entry = entry
        fold._session_totals = session_totals
        for key, t in facts.sessions.items():
            fold.sessions[key] = AgentTotals(t.tool, t.id, t.model, t.additions, t.deletions)
        for key, t in facts.prompts.items():
            fold.prompts[key] = AgentTotals(t.tool, t.id, t.model, t.additions, t.deletions)
            fold.initial_only_prompts.discard(key)
        fold.humans.update(facts.humans)
        return fold

    def load(self) -> None:
        """Read what :meth:`from_facts` left for later: entries, then the sessions they name.

        Idempotent; a fold made by :meth:`add` has nothing to read.
        """
        if self._unread:
            assert self._entry is not None
            for path, f in self._unread.items():
                ff = self.files.get(path)
                if ff is None:
                    continue
                ff.take_attributions(self._entry(f))
            self._unread = {}
        if self._session_totals is not None:
            lookup, self._session_totals = self._session_totals, None
            self.sessions.update(lookup(self.referenced_sessions()))

    def drop(self, paths: Collection[str]) -> None:
        """Forget ``paths`` (files and INITIAL's): the commit path found they contribute nothing."""
        for p in paths:
            self.files.pop(p, None)
            self._unread.pop(p, None)
            self.initial.files.pop(p, None)

    def add_all(self, checkpoints: Iterable[Checkpoint]) -> None:
        """Fold in a stream of checkpoints."""
        for cp in checkpoints:
            self.add(cp)

    def restrict(self, paths: Collection[str]) -> None:
        """Keep only the facts of ``paths`` (post-commit's pathspecs: nothing else is read)."""
        self.files = {p: f for p, f in self.files.items() if p in paths}
        self._unread = {p: f for p, f in self._unread.items() if p in paths}

    def referenced_sessions(self) -> set[str]:
        """The ``s_…`` sessions the attributions of the fold's files and of INITIAL name.

        The only sessions a note or an INITIAL made from this fold can
        reference (:meth:`lsm.store.Store.session_totals` looks them up).
        """
        if self._unread:
            self.load()  # reads the entries only (the session lookup calls this)
        keys: set[str] = set()
        for f in self.files.values():
            keys.update(la.author_id for la in f.line_attrs or ())
            keys.update(a.author_id for a in f.char_attrs or ())
        for las in self.initial.files.values():
            keys.update(la.author_id for la in las)
        return {k.split("::", 1)[0] for k in keys if k.startswith("s_")}

    def pathspecs(self) -> set[str]:
        """The files post-commit must diff: post-processing entries and INITIAL's files."""
        out = set(self.initial.files)
        out.update(p for p, f in self.files.items() if f.needs_post)
        return out

    def differences(self, other: LogFold) -> list[str]:
        """What differs between two folds of the same log (``storage.mode = dual``).

        Files outside both folds' pathspecs are compared by what post-commit
        reads of them, their observed blob (a store fold does not look their
        attribution entries up: :meth:`lsm.store.Store.commit_facts`).
        """
        self.load()
        other.load()
        out: list[str] = []
        relevant = self.pathspecs() | other.pathspecs()
        for path in sorted(set(self.files) | set(other.files)):
            a, b = self.files.get(path), other.files.get(path)
            if a is None or b is None:
                out.append(f"{path}: only in {'the legacy files' if a is None else 'the store'}")
                continue
            fields: tuple[str, ...] = FileFacts._fields if path in relevant else ("observed_blob",)
            if a.needs_post != b.needs_post and _inert(a) and _inert(b):
                # Flagged on one side only by character attributions that are
                # gone (git-ai prunes a superseded entry's at append, our
                # compaction strips them later; the index's flag stays): a file
                # whose attribution data names only ``human`` adds nothing to a
                # note or an INITIAL either way.
                fields = tuple(f for f in fields if f != "needs_post")
            differ = [f for f in fields if getattr(a, f) != getattr(b, f)]
            if differ:
                out.append(f"{path}: {', '.join(differ)} differ")
        # The store's fold holds only the sessions its attributions name
        # (StoreLog.fold): compare those.
        named = self.referenced_sessions() | other.referenced_sessions()
        mine = {k: v for k, v in self.sessions.items() if k in named}
        if mine != {k: v for k, v in other.sessions.items() if k in named}:
            out.append("sessions differ")
        for name in ("prompts", "humans"):
            if getattr(self, name) != getattr(other, name):
                out.append(f"{name} differ")
        if self.initial != other.initial:
            out.append("INITIAL differs")
        return out

    def observed_paths(self) -> set[str]:
        """Files with an observed content (a checkpointed blob or an INITIAL snapshot)."""
        return {p for p, f in self.files.items() if f.observed_blob is not None}

    def state(self, blob: Callable[[str], bytes | None], human_author: str | None) -> WorkingState:
        """The result, reading only the blobs it needs through ``blob``.

        :param human_author: written as ``human_author`` in session and prompt
            records (git-ai passes the committing user).
        """
        self.load()
        files: dict[str, VirtualFile] = {}
        observed: dict[str, str] = {}
        pathspecs = self.pathspecs()
        cache: dict[str, str] = {}

        def text(sha: str | None) -> str:
            if sha is None:
                return ""
            if sha not in cache:
                cache[sha] = _text(blob(sha))
            return cache[sha]

        for path, facts in self.files.items():
            if facts.observed_blob is not None:
                observed[path] = text(facts.observed_blob)
            if facts.attributed_blob is None:
                continue
            content = text(facts.attributed_blob)
            line_attrs = facts.line_attrs
            if line_attrs is None:
                line_attrs = attributions_to_line_attributions(
                    facts.char_attrs or [], content.encode("utf-8"), False
                )
            if line_attrs:
                files[path] = VirtualFile(line_attrs, content)
        sessions = {
            key: {
                "agent_id": {"tool": a.tool, "id": a.id, "model": a.model},
                "human_author": human_author,
            }
            for key, a in self.sessions.items()
        }
        for key, rec in self.initial.sessions.items():
            sessions.setdefault(key, dict(rec))
        prompts: dict[str, JsonObject] = {k: dict(v) for k, v in self.initial.prompts.items()}
        for key, a in self.prompts.items():
            prompts[key] = {
                "agent_id": {"tool": a.tool, "id": a.id, "model": a.model},
                "human_author": human_author,
                "total_additions": 0,
                "total_deletions": 0,
                "accepted_lines": 0,
                "overriden_lines": 0,
            }
        humans: dict[str, JsonObject] = {k: dict(v) for k, v in self.initial.humans.items()}
        for key, author in self.humans.items():
            humans.setdefault(key, {"author": author})
        _prompt_metrics(prompts, files, self.prompts)
        return WorkingState(
            files, observed, pathspecs, sessions, prompts, humans, set(self.initial_only_prompts)
        )


def _inert(f: FileFacts) -> bool:
    """Whether a file's attribution data names no author but ``human`` (and no ``overrode``)."""
    return all(la.author_id == HUMAN and la.overrode is None for la in f.line_attrs or ()) and all(
        a.author_id == HUMAN for a in f.char_attrs or ()
    )


def _prompt_metrics(
    prompts: dict[str, JsonObject], files: dict[str, VirtualFile], totals: dict[str, AgentTotals]
) -> None:
    """git-ai ``calculate_and_update_prompt_metrics``, for every prompt (INITIAL's included).

    Totals are the summed line stats of the log's checkpoints of that prompt
    (0 for one known only from INITIAL); accepted lines count the prompt's
    lines in the final attributions of every file, overridden lines those
    whose ``overrode`` names it.
    """
    if not prompts:
        return
    accepted: dict[str, int] = {}
    overridden: dict[str, int] = {}
    for vf in files.values():
        for la in vf.line_attrs:
            n = la.end_line - la.start_line + 1
            if la.author_id != HUMAN:
                accepted[la.author_id] = accepted.get(la.author_id, 0) + n
            if la.overrode is not None:
                overridden[la.overrode] = overridden.get(la.overrode, 0) + n
    for key, rec in prompts.items():
        t = totals.get(key)
        rec["total_additions"] = t.additions if t else 0
        rec["total_deletions"] = t.deletions if t else 0
        rec["accepted_lines"] = accepted.get(key, 0)
        rec["overriden_lines"] = overridden.get(key, 0)
