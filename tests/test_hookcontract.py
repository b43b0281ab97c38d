"""The hook contract (cli/hookcontract.py): exit 0, one warning line, an event, whatever happens.

The command-level tests run ``ckptlog checkpoint`` as real processes in real
repositories with broken standard streams; the ``run_hook`` tests drive the
contract in-process with bodies that fail in every way a body can.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lsm
from cli.hookcontract import HookInputError, HookRun, HookUsageError, read_stdin, run_hook
from lsm.errors import StoreLockedError
from lsm.events import EventLog
from tests.gitutil import GIT_ENV, init_repo

ENV = {**os.environ, **GIT_ENV, "CKPTLOG_COMPACTION_AUTO": "0"}
HOOK = [sys.executable, "-m", "cli", "checkpoint"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", {"a.py": "x = 1\n"})


def _stored(repo: Path) -> list[str]:
    with lsm.open_repo_store(repo) as store:
        cps = store.checkpoints(lsm.current_log(repo))
        return [e.file for cp in cps for e in cp.checkpoint.entries]


def _shell(repo: Path, redirect: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    # The redirection is applied by a shell, exactly as a hook runner would leave the fds.
    script = f'exec "$@" {redirect}'
    return subprocess.run(
        ["sh", "-c", script, "sh", *HOOK, *args], cwd=repo, env=ENV, capture_output=True, timeout=60
    )


@pytest.mark.parametrize(
    "redirect",
    ["2>/dev/full", "2>&-", ">&- 2>&-", "<&- >&- 2>&-", ">/dev/full 2>/dev/full"],
)
def test_unwritable_or_closed_streams_still_exit_zero_and_record(repo: Path, redirect: str) -> None:
    (repo / "a.py").write_text("x = 2\n")
    # --bogus makes the hook want to print a warning line, and the summary follows it.
    done = _shell(repo, redirect, "mock_ai", "--bogus", "a.py")
    assert done.returncode == 0, done.stderr
    assert _stored(repo) == ["a.py"]
    with lsm.open_repo_store(repo) as store:
        assert [p for p in lsm.verify_store(store) if p.severity == "error"] == []
        kinds = [e["kind"] for e in store.events.read()]
    assert "usage" in kinds  # the warning nobody could read is in the event log
    strict = _shell(repo, redirect, "--strict", "mock_ai", "--bogus", "a.py")
    assert strict.returncode == 1


def test_a_broken_pipe_on_stderr_exits_zero(repo: Path) -> None:
    (repo / "a.py").write_text("x = 3\n")
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stderr now fails with EPIPE
    try:
        done = subprocess.run(
            [*HOOK, "mock_ai", "--bogus", "a.py"],
            cwd=repo,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=write_end,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert _stored(repo) == ["a.py"]


def test_unknown_options_are_ignored_with_one_warning(repo: Path) -> None:
    (repo / "a.py").write_text("x = 4\n")
    args = [*HOOK, "mock_ai", "--bogus", "-z", "a.py"]
    done = subprocess.run(args, cwd=repo, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0
    warnings = [line for line in done.stderr.splitlines() if ": warning:" in line]
    assert warnings == [
        "ckptlog checkpoint: warning: unknown option --bogus (ignored); see --help "
        "(+1 more warning: `ckptlog inspect events` lists them)"
    ]
    assert "usage:" not in done.stderr  # no 17-line usage text
    assert _stored(repo) == ["a.py"]  # git-ai ignores unknown flags: the checkpoint is made
    (repo / "a.py").write_text("x = 5\n")
    strict = subprocess.run(
        [*HOOK, "--strict", "mock_ai", "--bogus", "a.py"], cwd=repo, env=ENV, capture_output=True
    )
    assert strict.returncode == 1
    assert _stored(repo) == ["a.py", "a.py"]


def test_a_usage_error_is_one_line_and_records_nothing(repo: Path) -> None:
    args = [*HOOK, "--hook-input"]
    done = subprocess.run(args, cwd=repo, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stderr == (
        "ckptlog checkpoint: warning: --hook-input needs a value; nothing was recorded; "
        "see --help\n"
    )
    strict = subprocess.run([*HOOK, "--strict", "-C"], cwd=repo, env=ENV, capture_output=True)
    assert strict.returncode == 1


def test_several_warnings_make_one_line_and_one_event_each(repo: Path) -> None:
    (repo / "nul.bin").write_bytes(b"a\x00b")
    (repo / "latin1.txt").write_bytes(b"caf\xe9\n")
    (repo / "ok.txt").write_text("fine\n")
    done = subprocess.run([*HOOK], cwd=repo, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert len([line for line in lines if ": warning:" in line]) == 1, done.stderr
    assert "(+1 more warning:" in done.stderr
    with lsm.open_repo_store(repo) as store:
        messages = [e["message"] for e in store.events.read() if e["kind"] == "warning"]
    assert sorted(messages) == [
        "skipped latin1.txt: content is not valid UTF-8",
        "skipped nul.bin: binary content (NUL byte)",
    ]


def test_a_newline_in_a_file_name_cannot_split_the_warning_line(repo: Path) -> None:
    (repo / "two\nlines.bin").write_bytes(b"\x00")
    done = subprocess.run(
        [*HOOK, "--", "two\nlines.bin"], cwd=repo, env=ENV, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stderr.splitlines()[0] == (
        "ckptlog checkpoint: warning: skipped two\\nlines.bin: binary content (NUL byte)"
    )
    assert not any("lines.bin" in line for line in done.stderr.splitlines()[1:])


def test_stdin_that_never_ends_or_never_stops_is_refused(repo: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [*HOOK, "claude", "--hook-input", "stdin"],
            cwd=repo,
            env=ENV,
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0
    assert "over the 8388608-byte limit" in done.stderr
    # A writer that keeps the pipe open and sends nothing: the deadline ends the wait.
    started = time.monotonic()
    proc = subprocess.Popen(
        [*HOOK, "claude", "--hook-input", "stdin"],
        cwd=repo,
        env=ENV,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stderr is not None
    try:
        err = proc.stderr.read().decode()  # until the hook exits: our end stays open
        assert proc.wait(timeout=30) == 0
    finally:
        proc.stdin.close()
        proc.stderr.close()
    assert "did not end within 3 s" in err
    assert time.monotonic() - started < 10


def test_utf16_hook_input_is_decoded_as_git_ai_does(repo: Path) -> None:
    (repo / "a.py").write_text("x = 6\n")
    payload = json.dumps({"file_paths": [str(repo / "a.py")], "cwd": str(repo)})
    for data in (
        b"\xff\xfe" + payload.encode("utf-16-le"),
        payload.encode("utf-16-be"),  # no byte-order mark: found from the NUL bytes
    ):
        done = subprocess.run(
            [*HOOK, "--strict", "mock_ai", "--hook-input", "stdin"],
            cwd=repo,
            env=ENV,
            input=data,
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr
    assert _stored(repo) == ["a.py"]
    bad = subprocess.run(
        [*HOOK, "mock_ai", "--hook-input", "stdin"], cwd=repo, env=ENV, input=b"{\xff}",
        capture_output=True,
    )  # fmt: skip
    assert bad.returncode == 0
    assert b"the hook input is not valid UTF-8" in bad.stderr


# ---------------------------------------------------------------- run_hook in-process


def _run(body, *, strict: bool = False, events: EventLog | None = None) -> tuple[int, str]:
    err = io.StringIO()

    def wrapped(run: HookRun) -> int | None:
        if events is not None:
            run.attach_events(events)
        status: int | None = body(run)
        return status

    return run_hook("test-hook", [], wrapped, strict=strict, stderr=err), err.getvalue()


def _raise(exc: BaseException):
    def body(run: HookRun) -> None:
        raise exc

    return body


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (HookUsageError("unknown verb x"), "unknown verb x; see --help"),
        (HookInputError("stdin was odd"), "stdin was odd; nothing was recorded"),
        (StoreLockedError("LOCK busy"), "LOCK busy; " + StoreLockedError.HINT),
        (RuntimeError("boom"), "internal error: RuntimeError: boom; this is a bug"),
        (MemoryError(), "out of memory; this is a bug"),
        (KeyboardInterrupt(), "interrupted; nothing more was recorded"),
        (SystemExit(3), "stopped with status 3; this is a bug"),
    ],
)
def test_every_exception_becomes_one_line_and_an_error_event(
    tmp_path: Path, exc: BaseException, line: str
) -> None:
    events = EventLog(tmp_path / "events.jsonl")
    status, out = _run(_raise(exc), events=events)
    assert status == 0
    assert out.startswith("ckptlog test-hook: warning: " + line)
    assert out.count("\n") == 1
    [event] = list(events.read())
    assert event["error"] == type(exc).__name__ and event["failure"] is True
    assert _run(_raise(exc), strict=True)[0] == 1


def test_warnings_do_not_fail_strict_but_failures_do(tmp_path: Path) -> None:
    def degraded(run: HookRun) -> None:
        run.warn("skipped x: too big")
        run.info("done")

    expected = "ckptlog test-hook: warning: skipped x: too big\ndone\n"
    assert _run(degraded, strict=True) == (0, expected)

    def failing(run: HookRun) -> None:
        run.warn("first a warning")
        run.fail("then a failure", "the hint")

    status, out = _run(failing, strict=True)
    assert status == 1
    assert out == (
        "ckptlog test-hook: warning: then a failure; the hint "
        "(+1 more warning: `ckptlog inspect events` lists them)\n"
    )
    assert _run(lambda run: 1, strict=True)[0] == 1
    assert _run(lambda run: None, strict=True) == (0, "")
    assert _run(_raise(SystemExit(0)), strict=True) == (0, "")


def test_notices_before_the_event_log_is_known_are_recorded_when_it_is(tmp_path: Path) -> None:
    events = EventLog(tmp_path / "events.jsonl")

    def body(run: HookRun) -> None:
        run.usage("unknown option --x (ignored)")
        run.attach_events(events)
        run.warn("later")

    _run(body)
    assert [(e["kind"], e["message"]) for e in events.read()] == [
        ("usage", "unknown option --x (ignored)"),
        ("warning", "later"),
    ]


def test_the_body_prints_through_guarded_streams(tmp_path: Path) -> None:
    saved = sys.stdout, sys.stderr

    def body(run: HookRun) -> None:
        assert sys.stdout is not saved[0] and sys.stderr is not saved[1]
        print("to a guarded stdout")

    read_end, write_end = os.pipe()
    os.close(read_end)
    old = os.dup(1)
    os.dup2(write_end, 1)  # fd 1 is now a broken pipe: print() must not raise
    try:
        status, _ = _run(body)
    finally:
        os.dup2(old, 1)
        os.close(old)
        os.close(write_end)
    assert status == 0
    assert (sys.stdout, sys.stderr) == saved


def test_read_stdin_caps_and_deadlines(tmp_path: Path) -> None:
    f = tmp_path / "payload"
    f.write_bytes(b"{}")
    with f.open("rb") as handle:
        assert read_stdin(fd=handle.fileno()) == b"{}"
    with open("/dev/zero", "rb") as zero, pytest.raises(HookInputError, match="over the 100"):
        read_stdin(fd=zero.fileno(), max_bytes=100)
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"{")
        started = time.monotonic()
        with pytest.raises(HookInputError, match=r"did not end within 0\.2 s"):
            read_stdin(fd=read_end, timeout_s=0.2)
        assert time.monotonic() - started < 2
    finally:
        os.close(read_end)
        os.close(write_end)
