"""The read commands against git itself, in the same run: ``ckptlog blame`` vs ``git blame``.

Input (``params.input = "blame-history"``, ``lines``, ``commits``): a repository whose
``big.py`` has ``lines`` lines, written by a first commit and then rewritten ``commits - 1``
times, 10 lines per commit at a moving position, so that blame walks the whole history and
the file's lines come from every commit. Every commit has an authorship note
(``refs/notes/ai``): the first attests all lines to a known human, the others their 10 lines
to an AI session (two models, alternating). Built once per shape with one ``git
fast-import`` stream into the input cache; the commands only read it.

* ``ckptlog-blame`` / ``git-blame``: ``ckptlog blame big.py`` and ``git blame big.py``.
* ``ckptlog-stats-range`` / ``git-log-range``: ``ckptlog stats HEAD~R..HEAD`` (R =
  ``params.range``) and the ``git log -p -U0`` of the same range that it reads.
"""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Command, Context, Scenario, requires

_HUMAN = "h_0e1454042bcf16"
_SESSIONS = ("s_da94694c8dffd3", "s_1f2e3d4c5b6a79")
_MODELS = ("claude-sonnet-4-5-20250929", "gpt-5-codex")


def _note(commit_mark: int, path: str, key: str, ranges: str, i: int) -> str:
    import json

    meta: dict[str, object] = {
        "schema_version": "authorship/3.0.0",
        "git_ai_version": "bench",
        "base_commit_sha": f"mark-{commit_mark}",
        "prompts": {},
    }
    if key.startswith("h_"):
        meta["humans"] = {_HUMAN: {"author": "Ada Lovelace <ada@example.com>"}}
    else:
        s = i % 2
        meta["sessions"] = {
            _SESSIONS[s]: {
                "agent_id": {
                    "tool": ("claude", "codex")[s],
                    "id": f"sess-{s}",
                    "model": _MODELS[s],
                },
                "human_author": "Ada Lovelace <ada@example.com>",
            }
        }
    return f"{path}\n  {key} {ranges}\n---\n" + json.dumps(meta, indent=2)


def _build(repo: str, lines: int, commits: int) -> None:
    import os
    import subprocess

    os.makedirs(repo)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=env)
    content = [f"value_{n} = {n}  # original line\n" for n in range(1, lines + 1)]
    out: list[bytes] = []
    ts = 1_760_000_000
    marks: list[tuple[int, str, str]] = []  # (mark, key, ranges)
    for i in range(commits):
        if i:
            start = (i * 10) % (lines - 10)
            for n in range(start, start + 10):
                content[n] = f"value_{n + 1} = {n + 1} * {i}  # rewritten in commit {i}\n"
            key = f"{_SESSIONS[i % 2]}::t_{i:014x}"
            ranges = f"{start + 1}-{start + 10}"
        else:
            key, ranges = _HUMAN, f"1-{lines}"
        data = "".join(content).encode()
        msg = f"commit {i}\n".encode()
        mark = i + 1
        out.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.append(b"author Ada Lovelace <ada@example.com> %d +0000\n" % (ts + i))
        out.append(b"committer Ada Lovelace <ada@example.com> %d +0000\n" % (ts + i))
        out.append(b"data %d\n%s" % (len(msg), msg))
        if i:
            out.append(b"from :%d\n" % (mark - 1))
        out.append(b"M 100644 inline big.py\ndata %d\n%s\n" % (len(data), data))
        marks.append((mark, key, ranges))
    from tools.bench import fastimport

    notes = ((m, _note(m, "big.py", key, ranges, m - 1).encode()) for m, key, ranges in marks)
    out.append(fastimport.notes_and_done(notes, ts))
    fastimport.run(repo, b"".join(out), env)
    subprocess.run(["git", "-C", repo, "checkout", "-q", "main"], check=True, env=env)
    subprocess.run(["git", "-C", repo, "gc", "-q"], check=True, env=env)


def _setup(env: BenchEnv) -> Context:
    import os

    lines = int(env.param("lines", 5000))
    commits = int(env.param("commits", 500))
    repo = os.path.join(env.cache_dir, f"blame-history-{lines}-{commits}-v1")
    if not os.path.isdir(os.path.join(repo, ".git")):
        tmp = repo + f".tmp{os.getpid()}"
        _build(tmp, lines, commits)
        os.replace(tmp, repo)
    return {
        "repo": repo,
        "ckptlog": env.ckptlog,
        "range": int(env.param("range", 100)),
        "git_env": {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    }


def _ckptlog_blame(c: Context) -> Command:
    return Command((c["ckptlog"], "blame", "big.py"), c["repo"], c["git_env"])


def _git_blame(c: Context) -> Command:
    return Command(("git", "blame", "big.py"), c["repo"], c["git_env"])


def _ckptlog_stats(c: Context) -> Command:
    rng = f"HEAD~{c['range']}..HEAD"
    return Command((c["ckptlog"], "stats", rng, "--json"), c["repo"], c["git_env"])


def _git_log(c: Context) -> Command:
    rng = f"HEAD~{c['range']}..HEAD"
    return Command(("git", "log", "-p", "-U0", rng), c["repo"], c["git_env"])


def _check_blame(c: Context, output: str) -> str | None:
    if "claude (claude-sonnet-4-5-20250929)" not in output:
        return "no AI line named in the blame"
    return None


def _check_stats(c: Context, output: str) -> str | None:
    if '"ai_additions": 0' in output or '"ai_additions"' not in output:
        return "stats found no AI line"
    return None


SCENARIOS = (
    Scenario(
        name="ckptlog-blame",
        summary="installed `ckptlog blame big.py` (notes on every commit)",
        setup=_setup,
        command=_ckptlog_blame,
        check=_check_blame,
        available=requires("blame-history", ckptlog=True),
    ),
    Scenario(
        name="git-blame",
        summary="`git blame big.py` on the same repository",
        setup=_setup,
        command=_git_blame,
        available=requires("blame-history", ckptlog=False),
    ),
    Scenario(
        name="ckptlog-stats-range",
        summary="installed `ckptlog stats HEAD~R..HEAD --json`",
        setup=_setup,
        command=_ckptlog_stats,
        check=_check_stats,
        available=requires("blame-history", ckptlog=True),
    ),
    Scenario(
        name="git-log-range",
        summary="`git log -p -U0 HEAD~R..HEAD` (what stats reads)",
        setup=_setup,
        command=_git_log,
        available=requires("blame-history", ckptlog=False),
    ),
)
