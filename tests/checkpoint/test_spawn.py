"""The hook's git runner: real child processes, big pipes both ways, exit codes."""

from __future__ import annotations

import os

import pytest

from lsm.checkpoint.spawn import run

ENV = dict(os.environ)


def test_large_input_and_output_do_not_deadlock() -> None:
    data = os.urandom(3 << 20)  # far past any pipe buffer, both ways
    code, out, err = run(["cat"], ENV, data)
    assert code == 0 and out == data and err == b""


def test_exit_status_and_stderr() -> None:
    code, out, err = run(["sh", "-c", "echo out; echo err >&2; exit 3"], ENV)
    assert (code, out, err) == (3, b"out\n", b"err\n")


def test_missing_program_raises() -> None:
    with pytest.raises(OSError):
        run(["no-such-program-ckptlog"], ENV)


def test_child_gets_default_sigpipe_and_no_stdin() -> None:
    # `yes | head` ends because SIGPIPE kills `yes` (Python ignores SIGPIPE itself).
    code, out, _ = run(["sh", "-c", "yes | head -c 3; cat"], ENV)
    assert code == 0 and out == b"y\ny"


def test_our_descriptors_are_not_inherited(tmp_path) -> None:
    fd = os.open(tmp_path / "f", os.O_CREAT | os.O_WRONLY)
    try:
        code, out, _ = run(
            ["sh", "-c", f"[ -e /proc/self/fd/{fd} ] && echo leaked || echo ok"], ENV
        )
    finally:
        os.close(fd)
    assert code == 0 and out == b"ok\n"
