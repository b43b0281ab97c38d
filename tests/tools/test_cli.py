"""The runner end to end: budgets gate the exit status and name each breach with its amount."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools.bench import cli
from tools.bench.measure import PROJECT_ROOT


def _budgets(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "budgets.toml"
    path.write_text("schema = 1\n[defaults]\nruns = 1\n" + textwrap.dedent(body))
    return path


def _args(tmp_path: Path, config: Path, *extra: str) -> list[str]:
    return [
        "--config",
        str(config),
        "--work-dir",
        str(tmp_path / "work"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "-q",
        *extra,
    ]


TINY = """
[profiles]
tiny = ["tiny-noop"]
[case.tiny-noop]
params = { input = "none" }
ours = ["noop"]
peers = ["python-startup", "no-such-scenario"]
budget = { rss_mb = 1, wall_s = 0.001 }
seed = { rss_mb = 250, wall_s = 6 }
"""


def test_budget_breach_exits_nonzero_naming_each_breach(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(tmp_path, TINY)
    code = cli.main(_args(tmp_path, config, "--profile", "tiny", "--runs", "2"))
    out, err = capsys.readouterr()
    assert code == cli.EXIT_BREACH
    for stream in (out, err):
        assert "BUDGET BREACHED  tiny-noop: noop rss_mb" in stream
        assert "> budget 1.0 MB (over by " in stream
        assert "BUDGET BREACHED  tiny-noop: noop wall_s" in stream
        assert "> budget 1.0 ms (over by " in stream
    # the table shows peers, ratios, both budgets and the verdict
    assert "python-startup" in out and "no-such-scenario" in out
    assert "<= 1.0 MB, <= 1.0 ms" in out and "< 250.0 MB, < 6.000 s" in out
    assert "OVER: rss_mb +" in out
    assert "n/a: no scenario registered under this name  <- tiny-noop/no-such-scenario" in out


def test_within_budget_exits_zero_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(tmp_path, TINY.replace("rss_mb = 1, wall_s = 0.001", "rss_mb = 500"))
    out_json = tmp_path / "out.json"
    code = cli.main(_args(tmp_path, config, "--profile", "tiny", "--json", str(out_json)))
    assert code == cli.EXIT_OK, capsys.readouterr()
    doc = json.loads(out_json.read_text())
    assert doc["breaches"] == [] and doc["failures"] == []
    (noop,) = [r for r in doc["results"] if r["impl"] == "noop"]
    assert noop["status"] == "ok" and len(noop["runs"]) == 1
    assert 5 < noop["medians"]["rss_mb"] < 100
    assert doc["machine"]["cores"] >= 1 and "--profile tiny" in doc["command"]


def test_no_fail_reports_but_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _budgets(tmp_path, TINY)
    assert cli.main(_args(tmp_path, config, "--profile", "tiny", "--no-fail")) == cli.EXIT_OK
    assert "BUDGET BREACHED" in capsys.readouterr().out


def test_gate_fails_only_on_the_gated_metrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # CI's policy: peak RSS and ratios block, absolute wall times are reported.
    config = _budgets(
        tmp_path, TINY.replace("rss_mb = 1, wall_s = 0.001", "rss_mb = 500, wall_s = 0.001")
    )
    out_json = tmp_path / "out.json"
    args = _args(tmp_path, config, "--profile", "tiny", "--json", str(out_json))
    assert cli.main([*args, "--gate", "rss_mb,wall_s_ratio"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "BUDGET BREACHED" not in out
    assert "over budget (report-only, not gated)  tiny-noop: noop wall_s" in out
    doc = json.loads(out_json.read_text())
    assert doc["breaches"] == [] and len(doc["report_only"]) == 1
    # The same run gated on wall_s fails, and a gated RSS breach fails too.
    assert cli.main([*args, "--gate", "wall_s"]) == cli.EXIT_BREACH
    assert "BUDGET BREACHED  tiny-noop: noop wall_s" in capsys.readouterr().out
    config = _budgets(tmp_path, TINY)
    assert cli.main([*_args(tmp_path, config, "--profile", "tiny"), "--gate", "rss_mb"]) == 1
    out = capsys.readouterr().out
    assert "BUDGET BREACHED  tiny-noop: noop rss_mb" in out
    assert "over budget (report-only, not gated)  tiny-noop: noop wall_s" in out


def test_unmeasured_budget_fails_only_with_require_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(
        tmp_path,
        """
        [profiles]
        p = ["c"]
        [case.c]
        params = { input = "none" }
        ours = ["engine-not-yet"]
        budget = { wall_s = 1 }
        """,
    )
    assert cli.main(_args(tmp_path, config, "--profile", "p")) == cli.EXIT_OK
    assert "NOT MEASURED" in capsys.readouterr().out
    assert cli.main(_args(tmp_path, config, "--profile", "p", "--require-all")) == 1


def test_command_scenarios_run_the_given_ckptlog(
    tmp_path: Path, fake_ckptlog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(
        tmp_path,
        """
        [ckptlog.variants.legacy]
        env = { FAKE_MODE = "legacy" }
        [profiles]
        p = ["ckpt", "hook"]
        [case.ckpt]
        params = { input = "repro-checkpoints", lines = 4, attrs = 3 }
        ours = ["ckptlog-checkpoint"]
        peers = ["gitai-legacy-append", "ckptlog-legacy-checkpoint"]
        budget = { rss_mb = 500, wall_s = 30 }
        [case.hook]
        params = { input = "claude", pairs = 3, thinking_bytes = 10, variants = "caps-lifted" }
        ours = ["ckptlog-claude"]
        peers = ["gitai-legacy-claude"]
        """,
    )
    args = _args(tmp_path, config, "--profile", "p", "--ckptlog", str(fake_ckptlog))
    assert cli.main(args) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "variant caps-lifted not configured" in out  # hook/ckptlog-claude is n/a, not wrong
    calls = [json.loads(line) for line in (tmp_path / "calls.log").read_text().splitlines()]
    assert [c["args"] for c in calls] == [["checkpoint", "--strict"]] * 2
    assert [c["env"] for c in calls] == [None, "legacy"]
    assert calls[0]["bytes"] > 0  # it ran in the repo that holds the legacy log


def test_a_soft_failure_of_ckptlog_is_a_failed_run(
    tmp_path: Path,
    fake_ckptlog: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The hook contract exits 0 with a warning on failure: never time that as a success."""
    config = _budgets(
        tmp_path,
        """
        [profiles]
        p = ["c"]
        [case.c]
        params = { input = "repro-checkpoints", lines = 2, attrs = 2 }
        ours = ["ckptlog-checkpoint"]
        """,
    )
    monkeypatch.setenv("FAKE_WARN", "1")
    args = _args(tmp_path, config, "--profile", "p", "--ckptlog", str(fake_ckptlog))
    assert cli.main(args) == cli.EXIT_BREACH
    out = capsys.readouterr().out
    assert "FAILED           c: ckptlog-checkpoint failed: ckptlog warned" in out
    assert "checkpoint skipped: fake failure" in out


def test_warmup_runs_the_command_before_measuring(
    tmp_path: Path, fake_ckptlog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(
        tmp_path,
        """
        [profiles]
        p = ["hook"]
        [case.hook]
        params = { input = "claude", pairs = 3, thinking_bytes = 10, warmup = 1 }
        ours = ["ckptlog-claude"]
        """,
    )
    args = _args(tmp_path, config, "--profile", "p", "--ckptlog", str(fake_ckptlog))
    assert cli.main(args) == cli.EXIT_OK, capsys.readouterr()
    calls = [json.loads(line) for line in (tmp_path / "calls.log").read_text().splitlines()]
    assert len(calls) == 2  # the warm-up (setup) and the measured run
    assert calls[0]["args"][:2] == ["checkpoint", "claude"]
    assert calls[1]["bytes"] > calls[0]["bytes"]  # a pair was appended between them


def test_unknown_profile_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(tmp_path, TINY)
    assert cli.main(_args(tmp_path, config, "--profile", "nope")) == cli.EXIT_USAGE
    assert "unknown profile or case 'nope'" in capsys.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    """`python -m tools.bench` is the real entry: a breach is a non-zero process exit."""
    config = _budgets(tmp_path, TINY)
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench", *_args(tmp_path, config, "--profile", "tiny")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "BUDGET BREACHED  tiny-noop: noop rss_mb" in done.stderr


def test_warmup_makes_the_measured_checkpoint_the_next_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _budgets(
        tmp_path,
        """
        [profiles]
        p = ["first", "next"]
        [case.first]
        params = { input = "repro-checkpoints", lines = 6, attrs = 2 }
        ours = ["gitai-legacy-append"]
        [case.next]
        params = { input = "repro-checkpoints", lines = 6, attrs = 2, warmup = 2 }
        ours = ["gitai-legacy-append"]
        """,
    )
    out_json = tmp_path / "o.json"
    assert cli.main(_args(tmp_path, config, "--profile", "p", "--json", str(out_json))) == 0
    results = {r["case"]: r for r in json.loads(out_json.read_text())["results"]}
    assert results["first"]["medians"]["checkpoints_read"] == 6
    assert results["next"]["medians"]["checkpoints_read"] == 8
    assert results["first"]["input_bytes"] == results["next"]["input_bytes"] > 0
