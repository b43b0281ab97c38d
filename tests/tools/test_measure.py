"""The harness reports a child's OWN peak RSS, not its parent's, and keeps failures legible."""

from __future__ import annotations

import json
import marshal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.bench import measure, procstatus
from tools.bench.scenario import Command

MIB = 1 << 20
PARENT_MB = 300
CHILD_MB = 50
FLOOR_MB = 40  # interpreter + harness child: ~10-20 MB measured; generous to stay robust

needs_time = pytest.mark.skipif(not measure.time_available(), reason="needs GNU /usr/bin/time")
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")


@pytest.fixture(scope="module")
def parent_holding_300mb() -> Iterator[bytes]:
    """This test process (the children's parent) holds 300 MB of touched memory."""
    block = b"\x02" * (PARENT_MB * MIB)
    assert procstatus.read_self()["peak_kb"] >= PARENT_MB * 1024  # type: ignore[operator]
    yield block
    del block


def _context(tmp_path: Path, context: dict[str, object]) -> Path:
    path = tmp_path / "context.json"
    path.write_text(json.dumps(context))
    with open(f"{path}.marshal", "wb") as f:
        marshal.dump(context, f)
    return path


@needs_proc
def test_python_child_reports_its_own_peak(parent_holding_300mb: bytes, tmp_path: Path) -> None:
    ctx = _context(tmp_path, {"params": {"mb": CHILD_MB}})
    m = measure.run_python_scenario(
        "tools.bench.scenarios.calibration", "alloc", ctx, rundir=tmp_path / "run"
    )
    assert m.ok, m.error
    assert m.rss_source == "VmHWM"
    assert m.metrics == {"allocated_mb": float(CHILD_MB)}
    assert m.peak_kb is not None
    peak_mb = m.peak_kb / 1024
    assert CHILD_MB <= peak_mb < CHILD_MB + FLOOR_MB, peak_mb  # ~50 MB, not 300+
    if m.time_kb is not None:  # /usr/bin/time's view agrees
        assert abs(m.time_kb - m.peak_kb) < 2 * 1024
    assert m.inner_s is not None and 0 < m.inner_s < m.wall_s


@needs_time
def test_external_command_reports_its_own_peak(parent_holding_300mb: bytes, tmp_path: Path) -> None:
    code = f"b = b'\\x01' * ({CHILD_MB} * {MIB})"
    m = measure.run_command(
        Command((sys.executable, "-c", code), cwd=str(tmp_path)), rundir=tmp_path / "t"
    )
    assert m.ok, m.error
    assert m.rss_source == "time"
    assert m.peak_kb is not None
    assert CHILD_MB <= m.peak_kb / 1024 < CHILD_MB + FLOOR_MB


@needs_proc
def test_wait4_would_have_reported_the_parent(parent_holding_300mb: bytes, tmp_path: Path) -> None:
    """The trap the harness avoids (anchors-style.md section 4): on Linux a child's ru_maxrss
    is at least the parent's resident set at fork. This is what the parent-held 300 MB does."""
    m = measure.run_command(
        Command((sys.executable, "-c", "pass"), cwd=str(tmp_path)),
        rundir=tmp_path / "w",
        use_time=False,
    )
    assert m.rss_source == "wait4"
    assert m.peak_kb is not None and m.peak_kb / 1024 >= PARENT_MB


def test_failure_keeps_the_commands_output(tmp_path: Path) -> None:
    code = "import sys; print('boom on stderr', file=sys.stderr); sys.exit(3)"
    m = measure.run_command(
        Command((sys.executable, "-c", code), cwd=str(tmp_path)), rundir=tmp_path / "f"
    )
    assert not m.ok and m.returncode == 3
    assert m.error is not None and "exit 3" in m.error and "boom on stderr" in m.error


def test_timeout_kills_the_process_group(tmp_path: Path) -> None:
    m = measure.run_command(
        Command((sys.executable, "-c", "import time; time.sleep(30)"), cwd=str(tmp_path)),
        rundir=tmp_path / "t",
        timeout_s=0.5,
    )
    assert m.error == "timed out after 0.5 s"
    assert m.wall_s < 10


def test_stdin_and_env_reach_the_command(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("from stdin")
    code = "import os, sys; print(sys.stdin.read(), os.environ['BENCH_X'])"
    cmd = Command(
        (sys.executable, "-c", code),
        cwd=str(tmp_path),
        env={"BENCH_X": "from env"},
        stdin_path=str(tmp_path / "in.txt"),
    )
    m = measure.run_command(cmd, rundir=tmp_path / "s")
    assert m.ok
    assert (tmp_path / "s" / "command.log").read_text().strip() == "from stdin from env"


def test_parse_status() -> None:
    text = "Name:\tpython\nVmPeak:\t  999 kB\nVmHWM:\t   51234 kB\nRssAnon:\t 40000 kB\n"
    text += "RssFile:\t  9000 kB\nRssShmem:\t 0 kB\n"
    assert procstatus.parse_status(text) == {
        "peak_kb": 51234,
        "rss_anon_kb": 40000,
        "rss_file_kb": 9000,
        "rss_source": "VmHWM",
    }
    with pytest.raises(KeyError):
        procstatus.parse_status("Name:\tx\n")
