"""A model of git-ai's post-commit cost, for one plain commit (the commit-path peer).

What git-ai 1.6.24 (HEAD ``55a1d728f``) does when its daemon sees a commit C made on base P
(``daemon.rs`` L6453-6495 calls ``post_commit_from_working_log_with_recovery_timestamps``; see
``gitai-commit-path.md`` §2 and §6.1), step for step, with the source each step models:

0. ``effective_author_identity`` (``daemon.rs`` L6448, ``repository.rs`` L1346):
   ``git var GIT_AUTHOR_IDENT``, the local identity that becomes ``human_author``.
1. ``working_log.read_all_checkpoints()`` (``post_commit.rs`` L289): **full read 1** of
   ``checkpoints.jsonl`` (:func:`tools.bench.peers.gitai_legacy.read_all_checkpoints`: every
   line parsed into one list, the 7-to-16 prompt-hash migration). The list lives to the end:
   the pathspecs come from it, and the commit metrics event takes it (L472).
2. ``observed_file_snapshot()`` (``repo_storage.rs`` L731-755): INITIAL's snapshots, then **full
   read 2** and **one blob read per entry of every checkpoint** (the last one per file wins).
3. ``VirtualAttributions::from_persisted_working_log`` (``virtual_attribution.rs`` L782-952):
   INITIAL, **full read 3**; sessions, legacy prompts and known humans per checkpoint; for every
   entry with attribution data **another blob read**, its line attributions (or those derived
   from its character attributions), and character attributions rebuilt from the line
   attributions over the content (``line_attributions_to_attributions``).
4. Pathspecs (L298-316): files of entries that require post-processing, and INITIAL's.
5. ``to_authorship_log_and_initial_working_log_with_precomputed_diff`` (L2117-…): renames with
   ``git diff-tree -r -M --diff-filter=R C^ C``; committed hunks with ``git diff -U0
   --find-renames=1% … C^ C -- <pathspecs>``; the carryover snapshot through ``git cat-file
   --batch-check`` plus ``git cat-file --batch`` (C's and P's text of every pathspec file,
   ``batch_file_contents`` L1972); unstaged lines; each attributed line committed, carried or
   dropped; the committed ones become attestations, the carried ones INITIAL.
6. Recovery (L386-407): ``recovery_committed_hunks`` runs ``git diff -U0`` over **every** file
   of the commit; the known-human fallback gives unknown lines to the local identity when the
   note has no AI entry (``attribution_recovery.rs`` L709-750).
7. ``serialize_to_string`` and ``write_note`` (``refs.rs`` L450-518): ``git rev-parse --verify
   refs/notes/ai``, then one ``git fast-import --quiet`` (a ``D`` at every fanout depth, ``M`` at
   one level of 2-hex fanout).
8. Stats, on for the daemon's commits (L441-502): ``find_commit`` (``git cat-file -t``),
   ``estimate_stats_cost`` (``git diff -U0``), ``get_diff_with_line_numbers`` (``git diff -U0``).
9. INITIAL of C when lines were carried (``write_initial_attributions_with_contents``: blobs and
   a pretty-printed INITIAL), then ``delete_working_log_for_base_commit(P)``: ``working_logs/P``
   renamed ``old-P`` (an older one replaced), ``.archived_at`` written, ``old-*`` older than 7
   days pruned (``repo_storage.rs`` L112-142, L780-844).

That is eleven git processes for a commit with a parent (none shared between steps) and three
full reads of the log plus one or two blob reads per entry: the cost grows with the history
whatever the commit. This module is a peer for that **cost**, not a reimplementation of
git-ai's attribution; its choices each make it cheaper than git-ai, so the ours/theirs ratios
it produces are conservative:

* JSON through orjson, the collector paused (as in :mod:`tools.bench.peers.gitai_legacy`,
  whose reader and migration pass it reuses).
* Classification is reduced to what decides the bench inputs' notes: a line is committed when,
  moved from the VA's text to the carryover text, it lands on a line the commit added; it is
  carried when that line is unstaged. Moving uses :mod:`difflib` opcodes where the texts differ
  (git-ai runs imara-diff Myers; the bench inputs never need it, their carryover equals the
  VA's text). Not modelled: the overlap rule, gap filling, the rename rule, edge extension, the
  bash-mtime and session-event recovery solvers (SQLite reads of git-ai's daemon databases),
  custom attributes, the stats computation beyond its two diff processes, the metrics event,
  ``post_notes_updated`` hooks.
* The daemon is a long-lived process: git-ai pays no start-up per commit, but this model runs
  as a Python process and does (about 20 ms, the ``noop`` calibration row). Against that, every
  git command git-ai runs goes through its trace2 wrapper, which the model does not pay.
  Whether the user waits for this work depends on git-ai's mode (the daemon runs it as a side
  effect of the commit; #2252 reports git commands blocked behind it); the benchmark measures
  what it costs the machine, as it does for ours.

The note the model writes has git-ai's format (``authorship/3.0.0``, files and entries in
sorted order where git-ai's HashMap order is unspecified), so ``git notes --ref=ai show C``
reads it and the tests compare its attestations with ours.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tools.bench.peers.gitai_legacy import Checkpoint, no_gc, read_all_checkpoints, short_hash

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
NOTES_REF = "refs/notes/ai"
SCHEMA_VERSION = "authorship/3.0.0"
GIT_AI_VERSION = "1.6.24"
ARCHIVE_RETENTION_S = 7 * 24 * 3600
#: git-ai's "PatchParse" profile (``repository.rs`` L130-233): options forced on parsed diffs.
#: The same constant as ``lsm.git.PATCH_OPTIONS``, kept here: importing ``lsm`` would add our
#: package's import time to the peer's measured process.
PATCH_PARSE = (
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--no-relative",
    "--no-color",
    "--diff-algorithm=default",
    "--indent-heuristic",
    "--inter-hunk-context=0",
)
MAX_PATHSPECS = 1000
AI_KINDS = frozenset({"AiAgent", "AiTab"})
HUMAN = "human"


@dataclass
class PostCommitResult:
    """What one modelled post-commit did, for the benchmark's detail columns."""

    note: str = ""
    checkpoints_read: int = 0
    """Checkpoints parsed, over the three full reads."""
    blobs_read: int = 0
    git_processes: int = 0
    committed_lines: int = 0
    carried_lines: int = 0
    timings: dict[str, float] = field(default_factory=dict)


class _Git:
    """Runs git in the repository and counts the processes (git-ai spawns one per call)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.spawned = 0

    def run(self, args: Sequence[str], stdin: bytes | None = None, check: bool = True) -> bytes:
        self.spawned += 1
        done = subprocess.run(
            ["git", "-C", str(self.repo), *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"git {args[0]} exited {done.returncode}: {done.stderr[-500:]!r}")
        return done.stdout


# --------------------------------------------------------------------------------------------
# steps 1-3: the working log, read three times


def _blob(log_dir: Path, sha: str) -> str:
    """``get_file_version``: ``blobs/<sha>`` read whole as text (``fs::read_to_string``).

    Through ``open`` on a string path, not pathlib, whose per-call overhead would be the
    model's, not git-ai's (the reads happen once or twice per entry of the whole log).
    """
    with open(os.path.join(log_dir, "blobs", sha), "rb") as f:
        return f.read().decode("utf-8", "replace")


def _read_initial(log_dir: Path) -> dict[str, Any]:
    path = log_dir / "INITIAL"
    if not path.exists():
        return {"files": {}, "prompts": {}, "file_blobs": {}, "humans": {}, "sessions": {}}
    raw: dict[str, Any] = orjson.loads(path.read_bytes())
    for key in ("files", "prompts", "file_blobs", "humans", "sessions"):
        raw.setdefault(key, {})
    return raw


def observed_file_snapshot(log_dir: Path, result: PostCommitResult) -> dict[str, str]:
    """INITIAL's snapshots, then the blob of every entry of every checkpoint (read 2)."""
    initial = _read_initial(log_dir)
    snapshot = {path: _blob(log_dir, initial["file_blobs"][path]) for path in initial["files"]}
    checkpoints = read_all_checkpoints(log_dir / "checkpoints.jsonl")
    result.checkpoints_read += len(checkpoints)
    for cp in checkpoints:
        for entry in cp["entries"]:
            snapshot[entry["file"]] = _blob(log_dir, entry["blob_sha"])
            result.blobs_read += 1
    return snapshot


def _line_starts(content: str) -> list[int]:
    starts = [0]
    at = content.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = content.find("\n", at + 1)
    return starts


def line_attributions_to_attributions(
    line_attrs: Sequence[Mapping[str, Any]], content: str
) -> list[dict[str, Any]]:
    """Character ranges covering each line range (``line_attributions_to_attributions``)."""
    starts = _line_starts(content)
    out = []
    for la in line_attrs:
        first = starts[min(la["start_line"] - 1, len(starts) - 1)]
        end_index = min(la["end_line"], len(starts) - 1)
        last = starts[end_index] if la["end_line"] < len(starts) else len(content)
        out.append({"start": first, "end": last, "author_id": la["author_id"], "ts": 0})
    return out


def attributions_to_line_attributions(
    attrs: Sequence[Mapping[str, Any]], content: str
) -> list[dict[str, Any]]:
    """The lines each non-human character range touches (git-ai's fallback for old entries)."""
    starts = _line_starts(content)
    owner: dict[int, str] = {}
    for a in attrs:
        if a["author_id"] == HUMAN or a["end"] <= a["start"]:
            continue
        line = 1
        for number, start in enumerate(starts, 1):
            if start > a["start"]:
                break
            line = number
        while line <= len(starts) and starts[line - 1] < a["end"]:
            owner[line] = a["author_id"]
            line += 1
    return [
        {"start_line": n, "end_line": n, "author_id": author, "overrode": None}
        for n, author in sorted(owner.items())
    ]


@dataclass
class VirtualAttributions:
    """What ``from_persisted_working_log`` builds: per file, line attributions and their text."""

    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    char_attrs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    contents: dict[str, str] = field(default_factory=dict)
    prompts: dict[str, dict[str, Any]] = field(default_factory=dict)
    initial_only_prompts: set[str] = field(default_factory=set)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    humans: dict[str, dict[str, Any]] = field(default_factory=dict)


def session_id(agent_id: str, tool: str) -> str:
    """``generate_session_id``: ``s_`` + ``sha256(f"{tool}:{id}")[:14]``."""
    return "s_" + hashlib.sha256(f"{tool}:{agent_id}".encode()).hexdigest()[:14]


def human_id(author: str) -> str:
    """``generate_human_short_hash``: ``h_`` + ``sha256(author)[:14]``."""
    return "h_" + hashlib.sha256(author.encode()).hexdigest()[:14]


def from_persisted_working_log(
    log_dir: Path, human_author: str, result: PostCommitResult
) -> VirtualAttributions:
    """The VA: INITIAL, then every checkpoint again (read 3), a blob read per attributed entry."""
    va = VirtualAttributions()
    initial = _read_initial(log_dir)
    for key, rec in initial["prompts"].items():
        va.prompts[key] = dict(rec)
        va.initial_only_prompts.add(key)
    va.humans.update({k: dict(v) for k, v in initial["humans"].items()})
    va.sessions.update({k: dict(v) for k, v in initial["sessions"].items()})
    for path, line_attrs in initial["files"].items():
        content = _blob(log_dir, initial["file_blobs"][path])
        va.contents[path] = content
        va.files[path] = list(line_attrs)
        va.char_attrs[path] = line_attributions_to_attributions(line_attrs, content)
    checkpoints = read_all_checkpoints(log_dir / "checkpoints.jsonl")
    result.checkpoints_read += len(checkpoints)
    for cp in checkpoints:
        _fold_checkpoint(va, cp, human_author)
        for entry in cp["entries"]:
            if not entry["line_attributions"] and not entry["attributions"]:
                continue
            content = _blob(log_dir, entry["blob_sha"])
            result.blobs_read += 1
            va.contents[entry["file"]] = content
            line_attrs = entry["line_attributions"] or attributions_to_line_attributions(
                entry["attributions"], content
            )
            if not line_attrs:
                va.files.pop(entry["file"], None)
                va.char_attrs.pop(entry["file"], None)
                continue
            va.files[entry["file"]] = list(line_attrs)
            va.char_attrs[entry["file"]] = line_attributions_to_attributions(line_attrs, content)
    return va


def _fold_checkpoint(va: VirtualAttributions, cp: Checkpoint, human_author: str) -> None:
    agent = cp["agent_id"]
    if agent is not None:
        record = {
            "agent_id": {"tool": agent["tool"], "id": agent["id"], "model": agent["model"]},
            "human_author": human_author,
        }
        if cp.get("trace_id") is not None:
            va.sessions[session_id(agent["id"], agent["tool"])] = record
        else:
            key = short_hash(agent["id"], agent["tool"])
            va.prompts.setdefault(
                key,
                {
                    **record,
                    "total_additions": 0,
                    "total_deletions": 0,
                    "accepted_lines": 0,
                    "overriden_lines": 0,
                },
            )
            va.initial_only_prompts.discard(key)
    if cp["kind"] == "KnownHuman":
        va.humans.setdefault(human_id(cp["author"]), {"author": cp["author"]})


def _needs_post(cp: Checkpoint, entry: Mapping[str, Any]) -> bool:
    """``checkpoint_entry_requires_post_processing``."""
    if cp["kind"] != "Human":
        return True
    if any(
        la["author_id"] != HUMAN or la.get("overrode") is not None
        for la in entry["line_attributions"]
    ):
        return True
    return any(a["author_id"] != HUMAN for a in entry["attributions"])


# --------------------------------------------------------------------------------------------
# step 5: what the commit holds


def parse_added_lines(diff: bytes) -> dict[str, set[int]]:
    """New-side numbers of ``+`` lines of a ``-U0`` diff, by path (git-ai's parser)."""
    added: dict[str, set[int]] = {}
    path: str | None = None
    cursor = 0
    for raw in diff.decode("utf-8", "replace").split("\n"):
        if raw.startswith("+++ "):
            target = raw[4:]
            path = None if target == "/dev/null" else target[2:]
            continue
        if raw.startswith("@@ "):
            new = raw.split(" ")[2]  # +start[,count]
            cursor = int(new[1:].split(",")[0])
            continue
        if path is None:
            continue
        if raw.startswith("+"):
            added.setdefault(path, set()).add(cursor)
            cursor += 1
        elif raw.startswith(" "):
            cursor += 1
    return added


def _diff_added(
    git: _Git, base: str, commit: str, paths: Iterable[str] | None
) -> dict[str, set[int]]:
    args = ["diff", "-U0", "--no-color", "--find-renames=1%", *PATCH_PARSE, base, commit]
    wanted = None if paths is None else sorted(paths)
    if wanted is not None:
        if len(wanted) > MAX_PATHSPECS or any(not p.isascii() for p in wanted):
            added = parse_added_lines(git.run(args))
            keep = set(wanted)
            return {p: lines for p, lines in added.items() if p in keep}
        args += ["--", *wanted]
    return parse_added_lines(git.run(args))


def batch_file_contents(
    git: _Git, requests: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """``batch_read_paths_at_treeishes``: ``cat-file --batch-check``, then ``--batch``."""
    if not requests:
        return {}
    spec = "".join(f"{treeish}:{path}\n" for treeish, path in requests).encode()
    check = git.run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], spec)
    oids: dict[tuple[str, str], str] = {}
    unique: list[str] = []
    for request, line in zip(requests, check.decode().splitlines(), strict=True):
        parts = line.split()
        if len(parts) == 2 and parts[1] == "blob":
            oids[request] = parts[0]
            if parts[0] not in unique:
                unique.append(parts[0])
    data = git.run(["cat-file", "--batch"], "".join(o + "\n" for o in unique).encode())
    blobs: dict[str, str] = {}
    pos = 0
    for oid in unique:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split()[2])
        blobs[oid] = data[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace")
        pos = header_end + 1 + size + 1
    return {request: blobs[oid] for request, oid in oids.items()}


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").splitlines(keepends=True)


def _is_subsequence(small: Sequence[str], big: Sequence[str]) -> bool:
    it = iter(big)
    return all(line in it for line in small)


def merged_carryover(parent: str, committed: str, observed: str) -> str:
    """``merged_carryover_content_pure``, rules 1-5 (rule 6, the diff3 merge: observed)."""
    c, o = _lines(committed), _lines(observed)
    if c == o:
        return committed
    if _is_subsequence(c, o):
        return observed
    if _is_subsequence(o, c):
        return committed
    if committed == parent:
        return observed
    if observed == parent:
        return committed
    return observed


def _line_map(old: str, new: str) -> dict[int, int]:
    """Old line -> new line for lines outside changed regions (1-based)."""
    a, b = _lines(old), _lines(new)
    if a == b:
        return {n: n for n in range(1, len(a) + 1)}
    out: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[i1 + k + 1] = j1 + k + 1
    return out


def _unstaged(committed: str, carryover: str) -> set[int]:
    """Carryover lines the commit lacks (insert and replace ops of committed -> carryover)."""
    a, b = _lines(committed), _lines(carryover)
    if a == b:
        return set()
    out: set[int] = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            out.update(range(j1 + 1, j2 + 1))
    return out


def compress(lines: Iterable[int]) -> str:
    """``1,3-5``: sorted, deduplicated line numbers as git-ai's ranges."""
    nums = sorted(set(lines))
    parts: list[str] = []
    start = prev = nums[0] if nums else 0
    for n in nums[1:]:
        if n != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = n
        prev = n
    if nums:
        parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ",".join(parts)


def _ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    nums = sorted(set(lines))
    out: list[tuple[int, int]] = []
    for n in nums:
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


# --------------------------------------------------------------------------------------------
# the whole command


def post_commit(repo: Path, base: str, commit: str) -> PostCommitResult:
    """Model git-ai's post-commit of ``commit`` made on ``base`` (``initial`` for a root)."""
    with no_gc():
        return _post_commit(repo, base, commit)


def _post_commit(repo: Path, base: str, commit: str) -> PostCommitResult:
    result = PostCommitResult()
    git = _Git(repo)
    t0 = time.perf_counter()
    author = git.run(["var", "GIT_AUTHOR_IDENT"]).decode().strip().rsplit(" ", 2)[0]
    log_dir = repo / ".git" / "ai" / "working_logs" / base
    parent_working_log = read_all_checkpoints(log_dir / "checkpoints.jsonl")  # read 1
    result.checkpoints_read += len(parent_working_log)
    t1 = time.perf_counter()
    observed = observed_file_snapshot(log_dir, result)  # read 2
    t2 = time.perf_counter()
    va = from_persisted_working_log(log_dir, author, result)  # read 3
    t3 = time.perf_counter()
    pathspecs = {
        entry["file"]
        for cp in parent_working_log
        for entry in cp["entries"]
        if _needs_post(cp, entry)
    }
    pathspecs.update(_read_initial(log_dir)["files"])
    diff_base = EMPTY_TREE if base == "initial" else f"{commit}^"
    renames: dict[str, str] = {}
    if base != "initial":
        out = git.run(["diff-tree", "-r", "-M", "--diff-filter=R", diff_base, commit])
        for line in out.decode().splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                renames[parts[1]] = parts[2]
    pathspecs.update(new for old, new in renames.items() if old in pathspecs)
    hunks = _diff_added(git, diff_base, commit, pathspecs)
    requests: list[tuple[str, str]] = []
    for path in sorted(pathspecs):
        requests.append((commit, path))
        if base != "initial" and path in observed:
            requests.append((base, path))
    contents = batch_file_contents(git, requests)
    carryover: dict[str, str] = {}
    for path in pathspecs:
        committed = contents.get((commit, path), "")
        if path in observed:
            parent = contents.get((base, path), "") if base != "initial" else ""
            carryover[path] = merged_carryover(parent, committed, observed[path])
        else:
            carryover[path] = committed
    committed_by: dict[str, dict[str, set[int]]] = {}
    carried_by: dict[str, dict[str, set[int]]] = {}
    for path, line_attrs in va.files.items():
        target = renames.get(path, path)
        if target not in carryover:
            continue
        text = carryover[target]
        moved = _line_map(va.contents.get(path, ""), text)
        unstaged = _unstaged(contents.get((commit, target), ""), text)
        added = hunks.get(target, set())
        for la in line_attrs:
            author_id = la["author_id"]
            for old in range(la["start_line"], la["end_line"] + 1):
                w = moved.get(old)
                if w is None:
                    continue
                if w in unstaged:
                    carried_by.setdefault(target, {}).setdefault(author_id, set()).add(w)
                    continue
                c = w - sum(1 for u in unstaged if u < w)
                if c in added:
                    committed_by.setdefault(target, {}).setdefault(author_id, set()).add(c)
    t4 = time.perf_counter()
    # step 6: recovery over every added line of the commit
    every = _diff_added(git, diff_base, commit, None)
    files: dict[str, dict[str, set[int]]] = {
        path: {k: v for k, v in by.items() if k != HUMAN} for path, by in committed_by.items()
    }
    has_ai = any(not k.startswith("h_") for by in files.values() for k in by)
    has_human = any(k.startswith("h_") for by in files.values() for k in by)
    humans = dict(va.humans)
    if has_human or not has_ai:
        hid = human_id(author)
        for path, lines in every.items():
            known = set().union(*files.get(path, {}).values()) if files.get(path) else set()
            unknown = lines - known
            if unknown:
                files.setdefault(path, {}).setdefault(hid, set()).update(unknown)
                humans.setdefault(hid, {"author": author})
    note = _serialize(files, va, humans, commit)
    result.note = note
    result.committed_lines = sum(len(v) for by in files.values() for v in by.values())
    t5 = time.perf_counter()
    # step 7: the note
    _write_note(git, commit, note)
    t6 = time.perf_counter()
    # step 8: stats
    git.run(["cat-file", "-t", commit])
    _diff_added(git, diff_base, commit, None)  # estimate_stats_cost
    git.run(["diff", "-U0", "--find-renames=1%", "--no-color", *PATCH_PARSE, diff_base, commit])
    t7 = time.perf_counter()
    # step 9: INITIAL of the new base, archive of the old one
    result.carried_lines = _finish(log_dir, commit, carried_by, carryover, va)
    t8 = time.perf_counter()
    del parent_working_log
    result.git_processes = git.spawned
    result.timings = {
        "read1_s": t1 - t0,
        "observed_s": t2 - t1,
        "va_s": t3 - t2,
        "classify_s": t4 - t3,
        "recovery_s": t5 - t4,
        "note_s": t6 - t5,
        "stats_s": t7 - t6,
        "finish_s": t8 - t7,
    }
    return result


def _serialize(
    files: Mapping[str, Mapping[str, set[int]]],
    va: VirtualAttributions,
    humans: Mapping[str, Any],
    commit: str,
) -> str:
    """``serialize_to_string``: attestations, ``---``, pretty metadata (sessions pruned)."""
    lines: list[str] = []
    keys: set[str] = set()
    for path in sorted(files):
        entries = {k: v for k, v in files[path].items() if v}
        if not entries:
            continue
        quoted = f'"{path}"' if any(c in path for c in " \t\n") else path
        lines.append(quoted)
        for key in sorted(entries):
            keys.add(key.split("::", 1)[0])
            lines.append(f"  {key} {compress(entries[key])}")
    prompts = {k: v for k, v in va.prompts.items() if k not in va.initial_only_prompts or k in keys}
    metadata: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "git_ai_version": GIT_AI_VERSION,
        "base_commit_sha": commit,
        "prompts": dict(sorted(prompts.items())),
    }
    if humans:
        metadata["humans"] = dict(sorted(humans.items()))
    sessions = {k: v for k, v in va.sessions.items() if k in keys}
    if sessions:
        metadata["sessions"] = dict(sorted(sessions.items()))
    body = orjson.dumps(metadata, option=orjson.OPT_INDENT_2).decode()
    return "\n".join([*lines, "---", body])


def _write_note(git: _Git, commit: str, note: str) -> None:
    """``notes_add_batch`` for one note: the tip, then one fast-import stream."""
    tip = git.run(["rev-parse", "--verify", NOTES_REF], check=False).decode().strip() or None
    data = note.encode()
    stream = [b"blob\nmark :1\n", b"data %d\n" % len(data), data, b"\n"]
    stream.append(b"commit " + NOTES_REF.encode() + b"\n")
    stream.append(b"committer git-ai <git-ai@local> %d +0000\ndata 0\n" % int(time.time()))
    if tip:
        stream.append(f"from {tip}\n".encode())
    stream.append(f"D {commit}\n".encode())
    for end in range(2, len(commit), 2):
        prefix = "".join(commit[i : i + 2] + "/" for i in range(0, end, 2))
        stream.append(f"D {prefix}{commit[end:]}\n".encode())
    stream.append(f"M 100644 :1 {commit[:2]}/{commit[2:]}\n\n".encode())
    git.run(["fast-import", "--quiet"], b"".join(stream))


def _finish(
    log_dir: Path,
    commit: str,
    carried_by: Mapping[str, Mapping[str, set[int]]],
    carryover: Mapping[str, str],
    va: VirtualAttributions,
) -> int:
    """INITIAL of ``commit`` (if lines were carried), then ``log_dir`` archived and pruned."""
    carried = 0
    logs = log_dir.parent
    if any(carried_by.values()):
        new_dir = logs / commit
        (new_dir / "blobs").mkdir(parents=True, exist_ok=True)
        files: dict[str, list[dict[str, Any]]] = {}
        blobs: dict[str, str] = {}
        for path, by in sorted(carried_by.items()):
            data = carryover[path].encode()
            sha = hashlib.sha256(data).hexdigest()
            (new_dir / "blobs" / sha).write_bytes(data)
            blobs[path] = sha
            files[path] = [
                {"start_line": a, "end_line": b, "author_id": key, "overrode": None}
                for key, lines in sorted(by.items())
                for a, b in _ranges(lines)
            ]
            carried += sum(len(v) for v in by.values())
        keys = {la["author_id"].split("::", 1)[0] for las in files.values() for la in las}
        initial = {
            "files": files,
            "prompts": {k: v for k, v in va.prompts.items() if k in keys},
            "file_blobs": blobs,
            "humans": {},
            "sessions": {k: v for k, v in va.sessions.items() if k in keys},
        }
        (new_dir / "INITIAL").write_bytes(orjson.dumps(initial, option=orjson.OPT_INDENT_2))
    if log_dir.exists():
        archived = logs / f"old-{log_dir.name}"
        if archived.exists():
            shutil.rmtree(archived)
        os.rename(log_dir, archived)
        (archived / ".archived_at").write_text(str(int(time.time())))
        now = time.time()
        for old in logs.glob("old-*"):
            stamp = old / ".archived_at"
            try:
                age = now - int(stamp.read_text().strip())
            except (OSError, ValueError):
                continue
            if age > ARCHIVE_RETENTION_S:
                shutil.rmtree(old, ignore_errors=True)
    return carried
