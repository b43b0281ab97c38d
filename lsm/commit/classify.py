"""Splitting a working log's attributed lines into committed and uncommitted.

This is git-ai's ``to_authorship_log_and_initial_working_log`` (the heart of
post-commit, ``virtual_attribution.rs``), step by step as
docs/commit.md describes:

1. **Carryover** (:mod:`lsm.commit.carryover`): each file's text after the
   commit, from its parent, committed and observed texts.
2. **Unstaged lines**: carryover lines the commit lacks (Myers, committed ->
   carryover). **Overlap rule**: an unstaged line whose number is also a
   committed line counts as committed, unless it is a pure insertion. Not
   for *synced* files (their last checkpoint is the work tree, which the
   commit path's own human checkpoint makes sure of): there a difference is
   a real unstaged change, and the **staged text rule**
   (:mod:`lsm.commit.provenance`) finds who wrote the committed lines the
   work tree no longer has.
3. **Classification**: the VA's line attributions are moved from the VA's
   text onto the carryover (lines in changed regions dropped); then each
   line is *uncommitted* (unstaged), *committed* (its commit-coordinate
   number lies in an added hunk, or the file was renamed and the author is
   AI), or dropped (an older line, neither new nor pending).
4. **Prior notes** (an amend's original note, a cherry-pick's source...,
   already in the commit's coordinates) claim the lines the working log
   leaves unattributed: the log wins, the notes fill (git-ai's
   ``merge_attributions_favoring_first``), *before* gap filling, so that a
   line with a known author is not a gap.
5. **Gap filling**: an unattributed added line between two committed lines
   of the same AI author gets that author; failing that, one whose text
   equals a committed AI line's text gets that line's author.
6. **Attestations** (``human`` left out) make the note's files; uncommitted
   lines become INITIAL with the carryover text as snapshot.
7. **Metadata**: sessions kept only if an attestation names them, legacy
   prompts known only from INITIAL dropped unless they landed, humans all kept.

Pure computation over texts already read; nothing here can fail.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence, Set

from lsm.checkpoint.textutil import rust_trim
from lsm.commit.carryover import carryover_content
from lsm.commit.diffs import (
    Unstaged,
    content_hunks,
    nfc_path,
    shift_line_attributions,
    unstaged_lines,
)
from lsm.commit.lines import rust_lines
from lsm.commit.provenance import EarlierState, authors_by_text
from lsm.commit.state import WorkingState
from lsm.ids import HUMAN, is_ai_author
from lsm.model import InitialAttributions, JsonObject, LineAttribution
from lsm.notes import (
    Attestation,
    AuthorshipNote,
    FileAttestation,
    NoteMetadata,
    compress_lines,
    session_of,
)
from lsm.record import NamedTuple

__all__ = ["CommitTexts", "Split", "split_commit"]


class CommitTexts(NamedTuple):
    """What git says about the commit, for the files that matter.

    :ivar parent: path -> text at the parent (absent: the file did not exist).
    :ivar committed: path -> text at the commit (absent: not in the commit).
    :ivar added: path (new name) -> the lines the commit added (commit coordinates).
    :ivar renames: old path -> new path, for files the commit renamed.
    """

    parent: Mapping[str, str]
    committed: Mapping[str, str]
    added: Mapping[str, Set[int]]
    renames: Mapping[str, str]


class Split(NamedTuple):
    """The result: the note (before recovery) and the INITIAL of the new base.

    :ivar initial_contents: path -> the snapshot text INITIAL's lines refer to.
    :ivar carryover: path -> carryover text of every diffed file.
    """

    note: AuthorshipNote
    initial: InitialAttributions
    initial_contents: dict[str, str]
    carryover: dict[str, str]


def effective_pathspecs(state: WorkingState, renames: Mapping[str, str]) -> set[str]:
    """The files to diff: the state's pathspecs plus the new names of renamed ones."""
    paths = set(state.pathspecs)
    for old, new in renames.items():
        if old in paths:
            paths.add(new)
    return paths


def _prior_claims(prior: Sequence[AuthorshipNote]) -> dict[str, list[tuple[str, list[int]]]]:
    """path -> (key, lines) of the prior notes, in order (a later note's claim comes later)."""
    claims: dict[str, list[tuple[str, list[int]]]] = {}
    for note in prior:
        for f in note.files:
            for e in f.entries:
                lines = [n for a, b in e.ranges for n in range(a, b + 1)]
                claims.setdefault(f.path, []).append((e.key, lines))
    return claims


def split_commit(
    state: WorkingState,
    texts: CommitTexts,
    commit: str,
    git_ai_version: str | None,
    *,
    prior: Sequence[AuthorshipNote] = (),
    synced: Set[str] = frozenset(),
    earlier: Callable[[str], Iterable[EarlierState]] | None = None,
) -> Split:
    """Classify every attributed line of ``state`` against commit ``commit``.

    :param prior: notes already in the commit's coordinates whose lines fill
        what the working log leaves unattributed, in the files the log has
        state for, before gap filling (the caller merges the rest of them).
    :param synced: files whose observed text is the work tree's: no overlap
        rule, and the staged text rule applies to them.
    :param earlier: a file's earlier states, newest first (the staged text
        rule's source; None: the rule does not apply).
    """
    renames = texts.renames
    claims = _prior_claims(prior)
    paths = effective_pathspecs(state, renames)

    carry: dict[str, str] = {}
    unstaged: dict[str, list[int]] = {}
    #: synced file -> how its carryover differs from its committed text
    exact: dict[str, Unstaged] = {}
    moved = set(renames) | set(renames.values())  # renames keep git-ai's rule
    for path in paths:
        committed = texts.committed.get(path, "")
        observed = state.observed.get(path)
        text = (
            committed
            if observed is None
            else carryover_content(texts.parent.get(path, ""), committed, observed)
        )
        carry[path] = text
        diff = unstaged_lines(committed, text)
        added: Set[int] = diff.lines
        hunk = texts.added.get(nfc_path(path))
        if path in synced and path not in moved:
            exact[path] = diff
        if hunk and added:
            # A rewritten line of a synced file is a real unstaged change
            # (the work tree's text, which the commit lacks): never committed.
            kept = diff.rewritten if path in exact else frozenset()
            added = {n for n in added if n not in hunk or n in diff.pure or n in kept}
        if added:
            unstaged[path] = sorted(added)

    note_files: dict[str, dict[str, list[int]]] = {}
    initial_files: dict[str, list[LineAttribution]] = {}
    initial_contents: dict[str, str] = {}
    initial_sessions: dict[str, JsonObject] = {}
    initial_humans: dict[str, JsonObject] = {}
    referenced: set[str] = set()

    for path, vf in state.files.items():
        nfc = nfc_path(path)
        renamed = renames.get(nfc)
        carried = carry.get(nfc, carry.get(path))
        line_attrs = vf.line_attrs
        if carried is not None:
            line_attrs = shift_line_attributions(line_attrs, content_hunks(vf.content, carried))
        pending = unstaged.get(nfc, unstaged.get(path))
        if pending is None and renamed is not None:
            pending = unstaged.get(renamed)
        pending = pending or []
        pending_set = set(pending)
        hunk = texts.added.get(nfc)
        if hunk is None and renamed is not None:
            hunk = texts.added.get(renamed)

        synced_diff = exact.get(path)
        committed_by: dict[str, list[int]] = {}
        uncommitted_by: dict[str, list[int]] = {}
        for la in line_attrs:
            who = la.author_id
            for w in range(la.start_line, la.end_line + 1):
                if w in pending_set:
                    uncommitted_by.setdefault(who, []).append(w)
                    referenced.add(who)
                    continue
                if synced_diff is None:
                    c = w - bisect.bisect_left(pending, w)
                else:
                    # Exact: rewritten lines are unstaged here while the committed
                    # lines they replaced stay, so counting the unstaged lines
                    # before w would misplace the lines after them.
                    mapped = synced_diff.committed_line(w)
                    if mapped is None:
                        continue
                    c = mapped
                if (hunk is not None and c in hunk) or (renamed is not None and is_ai_author(who)):
                    committed_by.setdefault(who, []).append(c)

        gone = synced_diff.gone & hunk if synced_diff is not None and hunk else frozenset()
        if gone and earlier is not None:
            committed = texts.committed.get(path, "")
            _attribute_staged_text(committed_by, gone, committed, earlier(path))

        target = renamed if renamed is not None else nfc
        if target in claims:
            owned = {n for lines in committed_by.values() for n in lines}
            for who, lines in claims[target]:
                mine = [n for n in lines if n not in owned]
                committed_by.setdefault(who, []).extend(mine)
                owned.update(mine)

        if hunk:
            _fill_gaps(committed_by, hunk, vf.content)

        for who, lines in committed_by.items():
            if who == HUMAN or not lines:
                continue
            note_files.setdefault(target, {}).setdefault(who, []).extend(lines)

        if uncommitted_by:
            attrs: list[LineAttribution] = []
            for who, lines in uncommitted_by.items():
                if who == HUMAN or not lines:
                    continue
                if who.startswith("h_") and who in state.humans:
                    initial_humans[who] = state.humans[who]
                if who.startswith("s_") and session_of(who) in state.sessions:
                    initial_sessions[session_of(who)] = state.sessions[session_of(who)]
                attrs.extend(LineAttribution(a, b, who, None) for a, b in compress_lines(lines))
            ipath = renames.get(path, path)
            initial_files[ipath] = attrs
            snap = carry.get(ipath, carry.get(path))
            initial_contents[ipath] = snap if snap is not None else vf.content

    files = [
        FileAttestation(
            path,
            tuple(Attestation(k, tuple(compress_lines(v))) for k, v in sorted(by.items())),
        )
        for path, by in sorted(note_files.items())
    ]
    keys = {e.key for f in files for e in f.entries}
    known_sessions = {k: v for n in prior for k, v in n.metadata.sessions.items()}
    known_sessions.update(state.sessions)
    sessions = {k: v for k, v in known_sessions.items() if k in {session_of(x) for x in keys}}
    prompts = {
        k: v for k, v in state.prompts.items() if k not in state.initial_only_prompts or k in keys
    }
    for n in prior:
        landed = {k: v for k, v in n.metadata.prompts.items() if k in keys}
        prompts = {**landed, **prompts}
    # git-ai never prunes humans, and keeps those of the note an amend replaces.
    humans = {k: v for n in prior for k, v in n.metadata.humans.items()}
    humans.update(state.humans)
    note = AuthorshipNote(
        files,
        NoteMetadata(
            base_commit_sha=commit,
            git_ai_version=git_ai_version,
            prompts=prompts,
            humans=humans,
            sessions=sessions,
        ),
    )
    initial = InitialAttributions(
        files={k: v for k, v in initial_files.items() if v},
        prompts={k: state.prompts[k] for k in sorted(referenced) if k in state.prompts},
        humans=initial_humans,
        sessions=initial_sessions,
    )
    return Split(note, initial, initial_contents, carry)


def _attribute_staged_text(
    committed_by: dict[str, list[int]],
    gone: Set[int],
    committed: str,
    states: Iterable[EarlierState],
) -> None:
    """The staged text rule: authors for committed lines the work tree no longer has."""
    owned = {n for lines in committed_by.values() for n in lines}
    lines = rust_lines(committed)
    wanted = {n: lines[n - 1] for n in sorted(gone - owned) if n <= len(lines)}
    if not wanted:
        return
    for n, who in sorted(authors_by_text(wanted, states).items()):
        if who is not None:
            committed_by.setdefault(who, []).append(n)


def _fill_gaps(committed_by: dict[str, list[int]], hunk: Set[int], content: str) -> None:
    """git-ai's gap filling inside the committed hunks of one file (see the module doc).

    Neighbours are looked up over every author's committed lines; the text
    fallback indexes the VA's text by commit line number, as git-ai does
    (misaligned when unstaged lines come first: kept for identical notes).
    """
    owners = sorted((line, who) for who, lines in committed_by.items() for line in lines)
    owned_lines = [line for line, _ in owners]
    owned = set(owned_lines)
    texts = rust_lines(content)
    by_text: dict[str, str] = {}
    for line, who in owners:
        if is_ai_author(who) and 1 <= line <= len(texts) and rust_trim(texts[line - 1]):
            by_text[texts[line - 1]] = who
    fills: list[tuple[str, int]] = []
    for g in sorted(hunk):
        if g in owned:
            continue
        i = bisect.bisect_left(owned_lines, g)
        before = owners[i - 1][1] if i > 0 else None
        j = bisect.bisect_right(owned_lines, g)
        after = owners[j][1] if j < len(owners) else None
        if before is not None and before == after and not before.startswith("h_"):
            fills.append((before, g))
        elif 1 <= g <= len(texts):
            same = by_text.get(texts[g - 1])
            if same is not None:
                fills.append((same, g))
    for who, g in fills:
        committed_by.setdefault(who, []).append(g)
