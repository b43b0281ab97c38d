"""Fixtures of the commit-path tests: sandboxes whose every note is checked against the grammar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The harness's assertion helpers report like test code (before it is imported).
pytest.register_assert_rewrite("tests.commit.harness", "tests.commit.grammar")

from tests.commit.harness import ALL_HOOKS, Sandbox  # noqa: E402
from tests.commit.rewrite_kit import BASE  # noqa: E402

MakeSandbox = Callable[..., Sandbox]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[MakeSandbox]:
    """``sandbox(files=None, **kwargs)`` -> a new :class:`Sandbox` under ``tmp_path``.

    At teardown every note on ``refs/notes/ai`` of every sandbox made must
    pass :func:`tests.commit.grammar.check_note`: no test can write a
    malformed note unnoticed.
    """
    made: list[Sandbox] = []

    def make(files: dict[str, str] | None = None, **kwargs: Any) -> Sandbox:
        sb = Sandbox(tmp_path / f"repo{len(made)}", files, **kwargs)
        made.append(sb)
        return sb

    yield make
    for sb in made:
        sb.check_all_notes()


@pytest.fixture
def sb(sandbox: MakeSandbox) -> Sandbox:
    """The rewrite tests' repository: ``f.txt`` holds :data:`~tests.commit.rewrite_kit.BASE`,
    every rewrite hook is installed, and its notes are checked at teardown."""
    return sandbox({"f.txt": BASE}, hooks=ALL_HOOKS)
