"""History rewrites with the hooks installed, against git alone: what the rewrite hooks add.

Input (``params.input = "rebase-notes"``, ``commits``): a repository whose ``feat`` branch
holds ``commits`` commits on top of ``main``'s first commit, each appending two lines to
``f.txt`` and carrying an authorship note (``refs/notes/ai``) that attests them to an AI
session, while ``main`` has moved on by one commit that puts a line above everything in
``f.txt`` (so every note must shift by one line). Built once per shape with one ``git
fast-import`` stream into the input cache; each run gets a fresh copy (a rebase rewrites it).

* ``ckptlog-rebase`` / ``git-rebase``: ``git rebase main`` on ``feat``, with the hooks
  ``ckptlog install-hooks --git`` writes (post-rewrite shifts every note in one batch of git
  processes), and without any hook. The check makes sure the rebased tip has its shifted note.
* ``ckptlog-post-checkout-idle`` / ``noop-hook``: one ``ckptlog git-hook post-checkout PREV NEW
  1`` call in a repository whose store has logs but none for the previous HEAD (a checkout
  with no AI state: the hook's fast path), and the same hook script running ``true``.
"""

from __future__ import annotations

from tools.bench.scenario import BenchEnv, Command, Context, Scenario, requires

_SESSION = "s_da94694c8dffd3"


def _note(i: int, first: int) -> bytes:
    import json

    meta = {
        "schema_version": "authorship/3.0.0",
        "git_ai_version": "bench",
        "base_commit_sha": f"mark-{i}",
        "prompts": {},
        "sessions": {
            _SESSION: {
                "agent_id": {"tool": "claude", "id": "sess", "model": "claude-sonnet-4-5"},
                "human_author": "Ada Lovelace <ada@example.com>",
            }
        },
    }
    text = f"f.txt\n  {_SESSION}::t_{i:014x} {first}-{first + 1}\n---\n" + json.dumps(
        meta, indent=2
    )
    return text.encode()


def _git_env() -> dict[str, str]:
    import os

    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Lovelace",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Lovelace",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }


def _build(repo: str, commits: int) -> None:
    import os
    import subprocess

    os.makedirs(repo)
    env = _git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=env)
    base = [f"base line {n}\n" for n in range(1, 101)]
    out: list[bytes] = []
    ts = 1_760_000_000

    def commit(ref: str, mark: int, parent: int | None, lines: list[str], msg: str) -> None:
        data = "".join(lines).encode()
        out.append(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.append(b"author Ada Lovelace <ada@example.com> %d +0000\n" % (ts + mark))
        out.append(b"committer Ada Lovelace <ada@example.com> %d +0000\n" % (ts + mark))
        out.append(b"data %d\n%s\n" % (len(msg), msg.encode()))
        if parent is not None:
            out.append(b"from :%d\n" % parent)
        out.append(b"M 100644 inline f.txt\ndata %d\n%s\n" % (len(data), data))

    commit("refs/heads/main", 1, None, base, "base")
    lines = list(base)
    for i in range(commits):
        lines += [f"feature {i} line 1\n", f"feature {i} line 2\n"]
        commit("refs/heads/feat", 2 + i, 1 if i == 0 else 1 + i, lines, f"feature {i}")
    commit("refs/heads/main", 2 + commits, 1, ["upstream line\n", *base], "upstream")
    from tools.bench import fastimport

    out.append(
        fastimport.notes_and_done(((2 + i, _note(i, 101 + 2 * i)) for i in range(commits)), ts)
    )
    fastimport.run(repo, b"".join(out), env)
    subprocess.run(["git", "-C", repo, "checkout", "-q", "feat"], check=True, env=env)


def _cached_repo(env: BenchEnv) -> str:
    import os

    commits = int(env.param("commits", 50))
    repo = os.path.join(env.cache_dir, f"rebase-notes-{commits}-v1")
    if not os.path.isdir(os.path.join(repo, ".git")):
        tmp = repo + f".tmp{os.getpid()}"
        _build(tmp, commits)
        os.replace(tmp, repo)
    return repo


def _install(ckptlog: str, repo: str, state: str) -> None:
    import subprocess

    env = {**_git_env(), "CKPTLOG_STATE_DIR": state}
    done = subprocess.run(
        [ckptlog, "install-hooks", "--git", "--no-notes-sync"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"install-hooks failed: {done.stderr}")


def _setup(hooks: bool):
    def setup(env: BenchEnv) -> Context:
        import os
        import shutil

        repo = os.path.join(env.workdir, "repo")
        shutil.copytree(_cached_repo(env), repo, symlinks=True)
        if hooks:
            assert env.ckptlog is not None
            _install(env.ckptlog, repo, os.path.join(env.workdir, "state"))
        git_env = {k: v for k, v in _git_env().items() if k.startswith(("GIT_",))}
        return {"repo": repo, "git_env": git_env, "commits": int(env.param("commits", 50))}

    return setup


def _rebase(c: Context) -> Command:
    return Command(("git", "rebase", "-q", "main"), c["repo"], c["git_env"])


def _check_shifted(c: Context, output: str) -> str | None:
    import subprocess

    done = subprocess.run(
        ["git", "-C", c["repo"], "notes", "--ref=ai", "show", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        env={**_git_env(), **c["git_env"]},
    )
    last = 101 + 2 * (c["commits"] - 1) + 1
    if done.returncode != 0 or f" {last}-{last + 1}\n" not in done.stdout:
        return f"the rebased tip has no note shifted to lines {last}-{last + 1}"
    return None


def _idle_setup(env: BenchEnv) -> Context:
    import os
    import subprocess

    repo = os.path.join(env.workdir, "repo")
    genv = _git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True, env=genv)
    with open(os.path.join(repo, "f.txt"), "w") as f:
        f.write("a\n")
    subprocess.run(["git", "-C", repo, "add", "f.txt"], check=True, env=genv)
    subprocess.run(["git", "-C", repo, "commit", "-q", "-m", "one"], check=True, env=genv)
    first = (
        subprocess.run(
            ["git", "-C", repo, "rev-parse", "HEAD"], check=True, env=genv, capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    assert env.ckptlog is not None
    # A store with a live log, for another base: the repository is in use.
    with open(os.path.join(repo, "f.txt"), "w") as f:
        f.write("a\nb\n")
    subprocess.run([env.ckptlog, "checkpoint", "mock_ai", "f.txt"], cwd=repo, check=True, env=genv)
    subprocess.run(["git", "-C", repo, "commit", "-q", "-am", "two"], check=True, env=genv)
    head = (
        subprocess.run(
            ["git", "-C", repo, "rev-parse", "HEAD"], check=True, env=genv, capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    return {"repo": repo, "ckptlog": env.ckptlog, "prev": head, "new": first}


def _idle_hook(c: Context) -> Command:
    argv = (c["ckptlog"], "git-hook", "post-checkout", c["prev"], c["new"], "1")
    return Command(argv, c["repo"], {})


def _noop_setup(env: BenchEnv) -> Context:
    import os

    os.makedirs(env.workdir, exist_ok=True)
    return {"repo": str(env.workdir)}


def _noop_hook(c: Context) -> Command:
    return Command(("/bin/sh", "-c", "true"), c["repo"], {})


SCENARIOS = (
    Scenario(
        name="ckptlog-rebase",
        summary="`git rebase main` of N noted commits, with the hooks of `install-hooks --git`",
        setup=_setup(True),
        command=_rebase,
        check=_check_shifted,
        available=requires("rebase-notes", ckptlog=True),
    ),
    Scenario(
        name="git-rebase",
        summary="the same `git rebase main`, no hooks",
        setup=_setup(False),
        command=_rebase,
        available=requires("rebase-notes", ckptlog=False),
    ),
    Scenario(
        name="ckptlog-post-checkout-idle",
        summary="one `ckptlog git-hook post-checkout` call, no working log for the previous HEAD",
        setup=_idle_setup,
        command=_idle_hook,
        available=lambda env: None if env.ckptlog else "ckptlog is not installed",
        fresh_per_run=False,
    ),
    Scenario(
        name="noop-hook",
        summary="`/bin/sh -c true`: a hook that does nothing",
        setup=_noop_setup,
        command=_noop_hook,
        fresh_per_run=False,
    ),
)
