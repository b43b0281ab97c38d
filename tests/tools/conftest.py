"""Fixtures for the benchmark-harness tests: shared input cache, scratch dirs, a fake ckptlog."""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def input_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated-input cache for the whole session (repo templates, corpora)."""
    return tmp_path_factory.mktemp("bench-cache")


@pytest.fixture
def fake_ckptlog(tmp_path: Path) -> Path:
    """An executable standing in for the installed ckptlog.

    ``--version`` answers; ``checkpoint ...`` reads the working log (if any) and the transcript
    named in ``--hook-input`` (if any) fully into memory, appends a line to a call log, and
    exits 0, so the command-scenario path can be measured without the real CLI. With
    ``FAKE_WARN`` set it behaves like a hook that failed softly: a warning, exit 0.
    """
    script = tmp_path / "fake-ckptlog"
    script.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import glob, json, os, sys
            args = sys.argv[1:]
            if args == ["--version"]:
                print("ckptlog 0.0-fake")
                sys.exit(0)
            if os.environ.get("FAKE_WARN"):
                print("ckptlog: warning: checkpoint skipped: fake failure", file=sys.stderr)
                sys.exit(0)
            data = b""
            for path in glob.glob(".git/ai/working_logs/*/checkpoints.jsonl"):
                data += open(path, "rb").read()
            if "--hook-input" in args:
                hook = json.loads(args[args.index("--hook-input") + 1])
                data += open(hook["transcript_path"], "rb").read()
            with open(os.path.join(os.path.dirname(sys.argv[0]), "calls.log"), "a") as log:
                log.write(json.dumps({{"args": args, "env": os.environ.get("FAKE_MODE"),
                                      "bytes": len(data)}}) + "\\n")
            """
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    assert os.access(script, os.X_OK)
    return script
