"""The scenario plugin interface.

A scenario is one measurable operation (append a checkpoint, run a hook, compact a store) for one
implementation (ours, or a peer). Each lives in a module under :mod:`tools.bench.scenarios` that
exports ``SCENARIOS: tuple[Scenario, ...]``; the registry discovers modules by listing the
package, so a new scenario is one new file and no other edit.

The life of one run (the runner repeats it N times, each in fresh processes):

1. ``available(env) -> str | None`` in the driver: ``None`` when runnable, else the reason it is
   not (reported as "n/a (reason)"). It must be cheap: scenario modules are imported by the lean
   driver.
2. ``setup(env) -> context`` in a **setup child** process (not measured): build the inputs in
   ``env.workdir`` (usually with :func:`tools.bench.inputs.prepare`, from the input cache) and
   return a dict of plain data (str, int, float, bool, None, lists, dicts).
3. Either ``run(context) -> metrics`` in a fresh **measured child** (``python -m
   tools.bench.child``), which also records its own peak RSS (``VmHWM``) when ``run`` returns;
   or ``command(context) -> Command``, an external program (the installed ``ckptlog``) that the
   driver spawns under ``/usr/bin/time``. Exactly one of the two is set.
4. Optionally ``check(context, output) -> str | None`` in the driver after each measured run,
   with the process's combined stdout/stderr: a problem string fails the run. A hook that
   degrades instead of failing (exit 0 plus a warning) would otherwise be timed on its error
   path and look fast.
5. Optionally, for a ``command`` scenario, ``output_metrics(context, output) -> metrics`` in the
   driver after a run that passed its check: numbers the command printed about itself (its
   inner duration, how many git processes it ran), reported beside wall time and RSS.

Everything a measured child imports is counted in its figures, so this module (which every
scenario module imports) uses no dataclasses, typing, pathlib or json at import time, and heavy
imports (``lsm``, ``orjson``, ``sqlite3``) belong inside ``setup``/``run``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a measured child ~5 ms
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable, Mapping
    from pathlib import Path
    from typing import Any, TypeAlias

    Scalar: TypeAlias = str | int | float | bool
    Params: TypeAlias = Mapping[str, Scalar]
    Context: TypeAlias = dict[str, Any]
    Metrics: TypeAlias = Mapping[str, float]
else:  # runtime stand-ins: the names exist for imports, the precision is for the type checker
    Scalar = Params = Context = Metrics = object


class Variant:
    """How to switch a setting of the installed ``ckptlog``: extra environment and arguments.

    Defined in ``budgets.toml`` under ``[ckptlog.variants.<name>]`` (for example ``legacy`` for
    ``storage.mode=legacy``), because the CLI's configuration surface is not fixed yet.
    """

    __slots__ = ("args", "env")

    def __init__(self, env: Mapping[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self.env: Mapping[str, str] = dict(env or {})
        self.args = tuple(args)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Variant) and (self.env, self.args) == (other.env, other.args)

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.env.items())), self.args))

    def __repr__(self) -> str:
        return f"Variant(env={dict(self.env)!r}, args={self.args!r})"


class BenchEnv:
    """Everything ``available`` and ``setup`` may use. Round-trips through JSON.

    ``workdir``: an empty directory for this run's files. ``cache_dir``: the cross-run input
    cache. ``params``: the case's parameters from ``budgets.toml``. ``ckptlog``: the installed
    console script if it answered ``--version`` (else ``ckptlog_problem`` says why not).
    ``variants``: the ckptlog settings the budgets file defines.
    """

    __slots__ = ("cache_dir", "ckptlog", "ckptlog_problem", "params", "variants", "workdir")

    def __init__(
        self,
        workdir: Path,
        cache_dir: Path,
        params: Params,
        ckptlog: str | None = None,
        ckptlog_problem: str | None = None,
        variants: Mapping[str, Variant] | None = None,
    ) -> None:
        self.workdir = workdir
        self.cache_dir = cache_dir
        self.params: Params = dict(params)
        self.ckptlog = ckptlog
        self.ckptlog_problem = ckptlog_problem
        self.variants: Mapping[str, Variant] = dict(variants or {})

    def param(self, name: str, default: Scalar) -> Any:
        """A case parameter, or ``default`` when the case does not set it."""
        return self.params.get(name, default)

    def with_workdir(self, workdir: Path) -> BenchEnv:
        """A copy with another ``workdir``."""
        return BenchEnv(
            workdir, self.cache_dir, self.params, self.ckptlog, self.ckptlog_problem, self.variants
        )

    def to_json(self) -> str:
        import json

        return json.dumps(
            {
                "workdir": str(self.workdir),
                "cache_dir": str(self.cache_dir),
                "params": dict(self.params),
                "ckptlog": self.ckptlog,
                "ckptlog_problem": self.ckptlog_problem,
                "variants": {
                    k: {"env": dict(v.env), "args": list(v.args)} for k, v in self.variants.items()
                },
            }
        )

    @classmethod
    def from_json(cls, text: str) -> BenchEnv:
        import json
        from pathlib import Path

        raw = json.loads(text)
        return cls(
            workdir=Path(raw["workdir"]),
            cache_dir=Path(raw["cache_dir"]),
            params=raw["params"],
            ckptlog=raw["ckptlog"],
            ckptlog_problem=raw["ckptlog_problem"],
            variants={
                k: Variant(env=v["env"], args=tuple(v["args"])) for k, v in raw["variants"].items()
            },
        )


class Command:
    """An external command to measure: argv, working directory, extra environment, stdin file."""

    __slots__ = ("argv", "cwd", "env", "stdin_path")

    def __init__(
        self,
        argv: tuple[str, ...],
        cwd: str,
        env: Mapping[str, str] | None = None,
        stdin_path: str | None = None,
    ) -> None:
        self.argv = tuple(argv)
        self.cwd = cwd
        self.env: Mapping[str, str] = dict(env or {})
        self.stdin_path = stdin_path

    def __repr__(self) -> str:
        return f"Command(argv={self.argv!r}, cwd={self.cwd!r}, env={dict(self.env)!r})"

    def run_unmeasured(self) -> subprocess.CompletedProcess[str]:
        """Run it to completion outside any measurement (a setup's warm-up, a test): the
        driver's environment plus ``env``, output captured as text, the exit status returned."""
        import contextlib
        import os
        import subprocess

        with contextlib.ExitStack() as stack:
            stdin = None if self.stdin_path is None else stack.enter_context(open(self.stdin_path))
            return subprocess.run(
                list(self.argv),
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdin=stdin,
                capture_output=True,
                text=True,
                check=False,
            )


def always_available(env: BenchEnv) -> str | None:
    """The default ``available``: every environment can run the scenario."""
    return None


def requires(input_kind: str, *, ckptlog: bool) -> Callable[[BenchEnv], str | None]:
    """An ``available`` for scenarios of one input kind (and, if ``ckptlog``, an installed one)."""

    def check(env: BenchEnv) -> str | None:
        if ckptlog and env.ckptlog is None:
            return env.ckptlog_problem or "ckptlog is not installed"
        if env.param("input", "none") != input_kind:
            return f"needs a {input_kind} input"
        return None

    return check


class Scenario:
    """One registered scenario. See the module docstring for the life of a run.

    ``fresh_per_run`` False: one setup serves all N runs (the run must leave its inputs as it
    found them, or change them too little to matter).
    """

    __slots__ = (
        "available",
        "check",
        "command",
        "fresh_per_run",
        "name",
        "output_metrics",
        "run",
        "setup",
        "summary",
    )

    def __init__(
        self,
        name: str,
        summary: str,
        setup: Callable[[BenchEnv], Context],
        run: Callable[[Context], Metrics] | None = None,
        command: Callable[[Context], Command] | None = None,
        available: Callable[[BenchEnv], str | None] = always_available,
        fresh_per_run: bool = True,
        check: Callable[[Context, str], str | None] | None = None,
        output_metrics: Callable[[Context, str], Metrics] | None = None,
    ) -> None:
        if (run is None) == (command is None):
            raise ValueError(f"scenario {name}: set exactly one of run= and command=")
        self.name = name
        self.summary = summary
        self.setup = setup
        self.run = run
        self.command = command
        self.available = available
        self.fresh_per_run = fresh_per_run
        self.check = check
        if output_metrics is not None and command is None:
            raise ValueError(f"scenario {name}: output_metrics= needs command=")
        self.output_metrics = output_metrics

    def __repr__(self) -> str:
        return f"Scenario({self.name!r})"
