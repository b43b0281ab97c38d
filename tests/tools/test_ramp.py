"""The doubling ramp of git-ai's repro script, against the legacy-storage model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.repro import __main__ as repro_main
from tools.repro.ramp import RampOptions, run_ramp


def test_ramp_doubles_and_measures(tmp_path: Path, input_cache: Path) -> None:
    opts = RampOptions(
        scenario="checkpoints",
        target="gitai-legacy",
        start=4,
        attempts=3,
        attrs=20,
        base_files=2,
        work_dir=tmp_path,
        cache_dir=input_cache,
    )
    seen = run_ramp(opts, lambda a: None)
    assert [a.detail["checkpoint_count"] for a in seen] == [4, 8, 16]
    assert [a.detail["file_count"] for a in seen] == [4, 8, 16]  # max(files, lines)
    assert all(a.error is None and a.peak_rss_mb for a in seen)
    assert seen[0].input_mb < seen[1].input_mb < seen[2].input_mb
    assert "rss_to_input=" in seen[0].line()


def test_ramp_stops_at_the_rss_target(tmp_path: Path, input_cache: Path) -> None:
    opts = RampOptions(
        scenario="claude",
        target="gitai-legacy",
        start=2,
        attempts=4,
        thinking_bytes=10,
        max_rss_mb=1.0,  # any process exceeds it: the ramp stops after attempt 1
        work_dir=tmp_path,
        cache_dir=input_cache,
    )
    assert len(run_ramp(opts, lambda a: None)) == 1


def test_cli_needs_an_installed_ckptlog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = repro_main.main(["checkpoints", "--ckptlog", str(tmp_path / "missing")])
    assert code == 2
    assert "did not run" in capsys.readouterr().err


def test_cli_runs_a_fake_ckptlog(
    tmp_path: Path, fake_ckptlog: Path, input_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["claude", "--ckptlog", str(fake_ckptlog), "--start", "2", "--attempts", "2"]
    args += ["--thinking-bytes", "10", "--work-dir", str(tmp_path / "w")]
    args += ["--cache-dir", str(input_cache)]
    assert repro_main.main(args) == 0
    out = capsys.readouterr().out
    assert "[claude] attempt=2" in out and "=== Summary (JSON) ===" in out
