"""Shared CLI pieces: context settings, the store option, output helpers, error mapping."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

import lsm

__all__ = [
    "CONTEXT_SETTINGS",
    "LOG_HELP",
    "WHERE_HINT",
    "StoreLocation",
    "emit_json",
    "emit_nl",
    "lsm_errors",
    "open_store",
    "output_options",
    "pick_log",
    "store_options",
    "store_root",
]

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}

F = TypeVar("F", bound=Callable[..., Any])


class StoreLocation:
    """Where the store is: ``--store DIR``, else the repository of ``-C PATH`` / the cwd."""

    def __init__(self, store: str | None, cwd: str | None) -> None:
        self.store = store
        self.cwd = cwd or "."


def store_options(fn: F) -> F:
    """Add ``--store DIR`` and ``-C PATH`` to a command (passed as ``location``)."""

    @click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Store directory (default: <git common dir>/ai/lsm of the repository).",
    )
    @click.option(
        "-C",
        "cwd",
        type=click.Path(file_okay=False),
        default=None,
        help="Run as if started in this directory.",
    )
    @functools.wraps(fn)
    def wrapper(*args: Any, store_dir: str | None, cwd: str | None, **kwargs: Any) -> Any:
        return fn(*args, location=StoreLocation(store_dir, cwd), **kwargs)

    return wrapper  # type: ignore[return-value]


def output_options(fn: F) -> F:
    """Add ``--json`` (one document) and ``--nl`` (one JSON object per line)."""

    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
    @click.option("--nl", "as_nl", is_flag=True, help="Print one JSON object per line (streamed).")
    @functools.wraps(fn)
    def wrapper(*args: Any, as_json: bool, as_nl: bool, **kwargs: Any) -> Any:
        if as_json and as_nl:
            raise click.UsageError("--json and --nl cannot be combined")
        fmt = "json" if as_json else "nl" if as_nl else "text"
        return fn(*args, fmt=fmt, **kwargs)

    return wrapper  # type: ignore[return-value]


#: ``--log``'s help, the same in every command.
LOG_HELP = (
    "Working log: its name, an abbreviated commit id, or any revision "
    "(default: the current HEAD's)."
)

#: The hint for "not a repository" in commands that take ``-C`` and ``--store``
#: (the library's own hint is written for hooks).
WHERE_HINT = "Run it inside a git work tree, or pass -C PATH (or --store DIR)."


@contextmanager
def lsm_errors(*, not_a_repo_hint: str = WHERE_HINT) -> Iterator[None]:
    """Turn library errors into ``Error: ... (hint)`` on stderr and exit status 1.

    An ``OSError`` that escapes the library (a permission problem on a path
    it did not expect) is reported the same way, never as a traceback.
    """
    try:
        yield
    except lsm.NotARepositoryError as exc:
        raise click.ClickException(f"{exc.what}\n  hint: {not_a_repo_hint}") from None
    except lsm.Error as exc:
        raise click.ClickException(f"{exc.what}\n  hint: {exc.hint}") from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(
            f"{where}{exc.strerror or exc}\n  hint: check the owner and permissions of the "
            "store and the repository (read them; write them to change them); nothing was changed."
        ) from None


def store_root(location: StoreLocation) -> Path:
    """The store directory a command works on (``--store``, else the repository's)."""
    if location.store is not None:
        return Path(location.store)
    with lsm_errors():
        return lsm.repo_store_path(location.cwd)


@contextmanager
def open_store(
    location: StoreLocation, *, create: bool = False, write: bool = False
) -> Iterator[lsm.Store]:
    """Open the store a command works on.

    Read commands (the default) open it read-only: they never create, write
    or repair it (a read-only or another user's readable store is read as
    usual), and where there is none they fail with a hint. ``import`` passes
    ``create=True``; ``compact`` and ``verify --fix`` pass ``write=True``.
    """
    read_only = not (create or write)
    root = store_root(location)
    if not create and not _store_exists(root):
        raise click.ClickException(
            f"no store at {root}\n  hint: nothing has been checkpointed here yet (hooks create "
            "the store at the first checkpoint); pass --store DIR for another one."
        )
    with lsm_errors():
        if location.store is not None:
            store = lsm.Store.open(root, read_only=read_only)
        else:
            store = lsm.open_repo_store(location.cwd, read_only=read_only)
    try:
        with lsm_errors():
            yield store
    finally:
        store.close()


def _store_exists(root: Path) -> bool:
    try:
        return (root / "index").is_dir() or (root / "segments").is_dir()
    except OSError:
        return True  # let the open report what is wrong with it


def pick_log(store: lsm.Store, location: StoreLocation, log: str | None) -> str:
    """The working log a command works on: ``--log`` resolved, else the current HEAD's.

    ``--log`` takes a log's name, a unique abbreviation of its commit id, or
    any revision of the repository (``HEAD~1``, a branch).
    """
    with lsm_errors(not_a_repo_hint="Pass --log NAME, or run it inside the repository."):
        if log is None:
            return lsm.current_log(location.cwd)
        return lsm.resolve_log(log, [info.name for info in store.logs()], location.cwd)


def emit_json(doc: Any) -> None:
    """Print one JSON document (UTF-8, two-space indent)."""
    sys.stdout.buffer.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2, default=str) + b"\n")
    sys.stdout.flush()


def emit_nl(rows: Iterable[Any]) -> None:
    """Print one compact JSON object per line, flushing as it goes."""
    out = sys.stdout.buffer
    for row in rows:
        out.write(orjson.dumps(row, default=str) + b"\n")
    out.flush()
