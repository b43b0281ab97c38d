"""Ours, end to end: the installed ``ckptlog`` console script, measured under ``/usr/bin/time``.

* ``ckptlog-checkpoint``: ``ckptlog checkpoint`` in the repository (human preset, dirty files
  from git status), as the repro script runs ``git-ai checkpoint``. With a legacy history on disk,
  the first run imports it.
* ``ckptlog-claude``: ``ckptlog checkpoint claude --hook-input JSON`` with the repro script's
  PostToolUse payload.
* ``ckptlog-legacy-checkpoint`` / ``ckptlog-legacy-claude``: peer (b), the same commands with
  ``storage.mode=legacy``.

Settings are switched through *variants* from ``budgets.toml`` (``[ckptlog.variants.NAME]``:
``env`` and ``args``, the args going before the subcommand). The legacy peers need the ``legacy``
variant; a case may ask for more with its ``variants`` parameter (comma-separated, for example
``caps-lifted``). A missing variant makes the row "n/a", never a silent run in the wrong mode.

Every command runs with ``--strict`` (exit 1 instead of the hook contract's warn-and-exit-0), and
a run whose output carries a ``ckptlog checkpoint: warning:`` line fails (:func:`_check`): a
checkpoint that was skipped or degraded (a cap hit) must not be timed as if it had been recorded.

Case parameter ``warmup`` (default 0): the command is run that many times in setup (not
measured), each followed by a fresh edit, so the measured run is "the next checkpoint".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tools.bench.scenario import BenchEnv, Command, Context, Scenario

LEGACY = "legacy"
STRICT = "--strict"
#: A hook's warning line: ``ckptlog <command>: warning:`` (older builds: ``ckptlog: warning:``).
WARNING = re.compile(r"ckptlog(?: [a-z-]+)?: warning:")


def _variant_names(env: BenchEnv, legacy: bool) -> list[str]:
    names = [n.strip() for n in str(env.param("variants", "")).split(",") if n.strip()]
    return ([LEGACY] if legacy else []) + names


def _available(legacy: bool, wanted_input: str) -> Callable[[BenchEnv], str | None]:
    def check(env: BenchEnv) -> str | None:
        if env.ckptlog is None:
            return env.ckptlog_problem or "ckptlog is not installed"
        kind = env.param("input", "none")
        if wanted_input == "claude" and kind != "claude":
            return "needs a claude input"
        if wanted_input == "checkpoints" and kind not in ("repro-checkpoints", "history", "file"):
            return "needs a checkpoints (or file) input"
        missing = [n for n in _variant_names(env, legacy) if n not in env.variants]
        if missing:
            return f"variant {', '.join(missing)} not configured ([ckptlog.variants] in budgets)"
        return None

    return check


def _setup(legacy: bool) -> Callable[[BenchEnv], Context]:
    def setup(env: BenchEnv) -> Context:
        from tools.bench import inputs

        context = inputs.prepare(env)
        env_extra: dict[str, str] = {}
        args: list[str] = []
        for name in _variant_names(env, legacy):
            env_extra.update(env.variants[name].env)
            args.extend(env.variants[name].args)
        context["ckptlog"] = env.ckptlog
        context["expect_warning"] = str(env.param("expect_warning", ""))
        context["ckptlog_env"] = env_extra
        context["ckptlog_args"] = args
        warm_up(context, int(env.param("warmup", 0)), _command, _check)
        return context

    return setup


def warm_up(
    context: Context,
    rounds: int,
    command: Callable[[Context], Command],
    check: Callable[[Context, str], str | None],
) -> None:
    """Run the hook ``rounds`` times in setup, each followed by the next edit.

    So that the measured run is "the next checkpoint" of an existing store.

    :raises RuntimeError: a warm-up run failed or its output did not pass ``check``.
    """
    from tools.bench import inputs

    for round_ in range(1, rounds + 1):
        done = command(context).run_unmeasured()
        problem = check(context, done.stdout + done.stderr)
        if done.returncode != 0 or problem:
            raise RuntimeError(
                f"warm-up {round_} failed (exit {done.returncode}): "
                f"{problem or done.stderr.strip()[-2000:]}"
            )
        inputs.next_edit(context, round_)


def _command(context: Context) -> Command:
    argv = [context["ckptlog"], *context["ckptlog_args"], "checkpoint"]
    if context["input"] == "claude":
        argv += ["claude", "--hook-input", context["hook_input"]]
    argv.append(STRICT)
    return Command(argv=tuple(argv), cwd=context["repo"], env=context["ckptlog_env"])


def _check(context: Context, output: str) -> str | None:
    """A warning means the checkpoint was skipped or degraded: not a valid measurement.

    A case that measures a degraded run on purpose (default caps on a transcript past
    them) names the warning it expects with ``expect_warning`` (a substring): that warning
    must then appear, and any other still fails the run.
    """
    expected = str(context.get("expect_warning") or "")
    seen = False
    for line in output.splitlines():
        if not WARNING.search(line):
            continue
        if expected and expected in line:
            seen = True
            continue
        return f"ckptlog warned (a skipped or degraded checkpoint): {line.strip()}"
    if expected and not seen:
        return f"the expected warning ({expected!r}) did not appear"
    return None


SCENARIOS = (
    Scenario(
        name="ckptlog-checkpoint",
        summary="installed `ckptlog checkpoint` in the repo (human preset)",
        setup=_setup(legacy=False),
        command=_command,
        check=_check,
        available=_available(legacy=False, wanted_input="checkpoints"),
    ),
    Scenario(
        name="ckptlog-claude",
        summary="installed `ckptlog checkpoint claude --hook-input ...`",
        setup=_setup(legacy=False),
        command=_command,
        check=_check,
        available=_available(legacy=False, wanted_input="claude"),
    ),
    Scenario(
        name="ckptlog-legacy-checkpoint",
        summary="`ckptlog checkpoint` with storage.mode=legacy (variant `legacy`)",
        setup=_setup(legacy=True),
        command=_command,
        check=_check,
        available=_available(legacy=True, wanted_input="checkpoints"),
    ),
    Scenario(
        name="ckptlog-legacy-claude",
        summary="`ckptlog checkpoint claude ...` with storage.mode=legacy (variant `legacy`)",
        setup=_setup(legacy=True),
        command=_command,
        check=_check,
        available=_available(legacy=True, wanted_input="claude"),
    ),
)
