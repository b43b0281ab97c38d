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
    "StoreLocation",
    "emit_json",
    "emit_nl",
    "lsm_errors",
    "open_store",
    "output_options",
    "store_options",
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


@contextmanager
def lsm_errors() -> Iterator[None]:
    """Turn library errors into ``Error: ... (hint)`` on stderr and exit status 1."""
    try:
        yield
    except lsm.Error as exc:
        raise click.ClickException(f"{exc.what}\n  hint: {exc.hint}") from None


@contextmanager
def open_store(location: StoreLocation) -> Iterator[lsm.Store]:
    """Open the store a command works on (created if missing)."""
    with lsm_errors():
        if location.store is not None:
            root = Path(location.store)
            store = lsm.Store.open(root)
        else:
            store = lsm.open_repo_store(location.cwd)
    try:
        with lsm_errors():
            yield store
    finally:
        store.close()


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
