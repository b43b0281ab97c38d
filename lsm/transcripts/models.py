"""Which model an agent session used, found the way git-ai finds it now.

Follows ``src/streams/model_extraction.rs`` (semantics doc 4.3), reading a
bounded amount of each file:

* **Claude**: the last 50 KiB, newest line first: a ``session.model_change``
  line's ``data.newModel``, else ``message.model``, else a top-level
  ``model`` (trimmed; empty and ``<synthetic>`` are no model). If the tail has
  none and the file is longer than the tail, the head: at most 20 lines and
  1 MiB, skipping lines over 50 KiB.
* **Codex**: the same tail, then head, over ``session_meta``/``turn_context``
  lines (``payload.model``, ``model_id``, ``modelId``); then the Codex home's
  ``config.toml`` (the selected ``profile``'s ``model``, else the top-level
  ``model``; at most 1 MiB).
* **Droid**: ``"model"`` in the ``<session>.settings.json`` beside the
  transcript.

Two deliberate differences in the tail scan: git-ai stops at the first line
that is not UTF-8 (``lines().map_while(Result::ok)``), so a tail that starts
inside a multi-byte character finds nothing; we skip such lines instead. And
git-ai also tries the tail's first line, which the 50 KiB cut usually lands
inside; we drop it unless the cut falls on a line start.

Every file is opened through :mod:`lsm.safeio`: regular files only, and the
size cap applies before reading, so a FIFO or ``/dev/zero`` in place of a
settings file cannot hang the hook or exhaust it. The transcript and Droid's
settings file are not followed through a symbolic link (the agent writes
them in place); Codex's ``config.toml`` is (dotfile managers link it).

No function here raises: a missing, unreadable or malformed file is "no
model". A file that exists but is refused (a FIFO, a device, a link, over
the cap) also adds one line to ``refused`` when the caller passes a list.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from lsm.errors import UnreadableFileError
from lsm.safeio import open_regular, read_regular
from lsm.transcripts.codex import codex_line_model, normalize_model
from lsm.transcripts.decode import loads
from lsm.transcripts.text import get, get_str, rust_trim

__all__ = [
    "HEAD_SCAN_BYTES",
    "HEAD_SCAN_LINES",
    "MAX_CONFIG_BYTES",
    "TAIL_SCAN_BYTES",
    "claude_line_model",
    "claude_model",
    "codex_model",
    "droid_model",
    "droid_settings_path",
    "extract_model",
    "find_codex_home",
]

#: Bytes read from the end of a JSONL transcript (``MAX_JSONL_SCAN_BYTES``).
TAIL_SCAN_BYTES = 50 * 1024
#: Bytes read from the head at most (``MAX_JSONL_HEAD_SCAN_BYTES``).
HEAD_SCAN_BYTES = 1024 * 1024
#: Lines read from the head at most (``MAX_JSONL_HEAD_LINES``).
HEAD_SCAN_LINES = 20
#: Largest ``config.toml`` or ``.settings.json`` read (``MAX_CODEX_CONFIG_BYTES``).
MAX_CONFIG_BYTES = 1024 * 1024

_LineModel = Callable[[Any], str | None]


def claude_line_model(entry: Any) -> str | None:
    """The model one parsed Claude (or Copilot/Gemini) JSONL line names.

    ``extract_model_from_jsonl_line``: ``session.model_change`` gives
    ``data.newModel`` as is; otherwise ``message.model`` (or, if that is not
    a string, the top-level ``model``), normalized.
    """
    if get_str(entry, "type") == "session.model_change":
        new_model = get_str(get(entry, "data"), "newModel")
        if new_model is not None:
            return new_model
    candidate = get_str(get(entry, "message"), "model")
    if candidate is None:
        candidate = get_str(entry, "model")
    return None if candidate is None else normalize_model(candidate)


def claude_model(path: str | os.PathLike[str], *, refused: list[str] | None = None) -> str | None:
    """The model of a Claude Code transcript: tail first, then (for long files) head."""
    try:
        with open_regular(path, follow_symlinks=False) as file:
            size = os.fstat(file.fileno()).st_size
            model = _scan_tail(file, size, claude_line_model)
            if model is None and size > TAIL_SCAN_BYTES:
                model = _scan_head(file, claude_line_model)
            return model
    except UnreadableFileError as exc:
        _note(refused, exc)
    except OSError:
        pass
    return None


def _note(refused: list[str] | None, exc: UnreadableFileError) -> None:
    if refused is not None:
        refused.append(f"{exc.what}; not read")


def codex_model(
    path: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    refused: list[str] | None = None,
) -> str | None:
    """The model of a Codex rollout: tail, head, then the Codex ``config.toml``.

    :param home: the Codex home; by default ``$CODEX_HOME`` or ``~/.codex``
        when the rollout lies inside it, else the rollout's nearest
        ``.codex`` ancestor.
    """
    model = None
    try:
        with open_regular(path, follow_symlinks=False) as file:
            size = os.fstat(file.fileno()).st_size
            model = _scan_tail(file, size, codex_line_model)
            if model is None:
                model = _scan_head(file, codex_line_model)
    except UnreadableFileError as exc:
        _note(refused, exc)
    except OSError:
        model = None
    if model is not None:
        return model
    found_home = find_codex_home(path, home)
    if found_home is None:
        return None
    return _codex_config_model(found_home / "config.toml", refused)


def find_codex_home(
    path: str | os.PathLike[str], home: str | os.PathLike[str] | None = None
) -> Path | None:
    """The Codex home a rollout belongs to (``codex_home_from_transcript_path``)."""
    rollout = Path(path)
    configured: Path | None
    if home is not None:
        configured = Path(home)
    elif os.environ.get("CODEX_HOME"):
        configured = Path(os.environ["CODEX_HOME"])
    else:
        try:
            configured = Path.home() / ".codex"
        except RuntimeError:  # no home directory can be determined
            configured = None
    if configured is not None and rollout.is_relative_to(configured):
        return configured
    for ancestor in (rollout, *rollout.parents):
        if ancestor.name == ".codex":
            return ancestor
    return None


def _codex_config_model(config_path: Path, refused: list[str] | None) -> str | None:
    text = _read_small_text(config_path, follow_symlinks=True, refused=refused)
    if text is None:
        return None
    import tomllib  # only when a Codex config exists: a hook does not pay for it otherwise

    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    profile = config.get("profile")
    if isinstance(profile, str):
        profiles = config.get("profiles")
        chosen = get(profiles, profile)
        model = get_str(chosen, "model")
        if model is not None:
            normalized = normalize_model(model)
            if normalized is not None:
                return normalized
    model = config.get("model")
    return normalize_model(model) if isinstance(model, str) else None


def droid_settings_path(transcript_path: str | os.PathLike[str]) -> Path | None:
    """``<session>.settings.json`` beside ``<session>.jsonl`` (``None`` for other names).

    git-ai replaces every ``.jsonl`` in the path string (``droid.rs``); we
    replace only the file name's suffix.
    """
    path = Path(transcript_path)
    if not path.name.endswith(".jsonl"):
        return None
    return path.with_name(path.name[: -len(".jsonl")] + ".settings.json")


def droid_model(
    transcript_path: str | os.PathLike[str] | None = None,
    *,
    settings_path: str | os.PathLike[str] | None = None,
    refused: list[str] | None = None,
) -> str | None:
    """The ``model`` string of a Droid session's settings file, as is (not trimmed).

    ``extract_model_from_droid_settings``. git-ai reads the whole file; we read
    at most 1 MiB (a larger file is "no model").
    """
    if settings_path is None:
        if transcript_path is None:
            return None
        settings_path = droid_settings_path(transcript_path)
        if settings_path is None:
            return None
    text = _read_small_text(Path(settings_path), follow_symlinks=False, refused=refused)
    if text is None:
        return None
    try:
        settings = loads(text)
    except ValueError:
        return None
    return get_str(settings, "model")


def extract_model(
    agent: str,
    path: str | os.PathLike[str],
    *,
    settings_path: str | os.PathLike[str] | None = None,
    codex_home: str | os.PathLike[str] | None = None,
    refused: list[str] | None = None,
) -> str | None:
    """The model of ``agent``'s session at ``path``, or ``None`` (git-ai says ``unknown``).

    :param refused: gets one line per file that exists but was not read.
    """
    if agent in ("claude", "gemini"):
        # git-ai's model_extraction.rs reads Gemini JSONL as Claude's.
        return claude_model(path, refused=refused)
    if agent == "copilot":
        # As Claude's; then, for a VS Code transcript, the chat session beside it.
        from lsm.transcripts.copilot import vscode_chat_session_model

        return claude_model(path, refused=refused) or vscode_chat_session_model(path)
    if agent == "codex":
        return codex_model(path, home=codex_home, refused=refused)
    if agent == "droid":
        return droid_model(path, settings_path=settings_path, refused=refused)
    return None


# --------------------------------------------------------------------------------------------
# bounded scans


def _parse_line(raw: bytes) -> Any:
    # git-ai: from_utf8 (else the line is skipped), trim, skip empty, serde_json.
    try:
        text = rust_trim(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if not text:
        return None
    try:
        return loads(text)
    except ValueError:
        return None


def _scan_tail(file: BinaryIO, size: int, line_model: _LineModel) -> str | None:
    """Newest-first scan of the complete lines in the last ``TAIL_SCAN_BYTES``."""
    if size == 0:
        return None
    start = max(0, size - TAIL_SCAN_BYTES)
    # One byte more, to know whether the cut falls on a line start.
    read_from = max(0, start - 1)
    file.seek(read_from)
    data = file.read(size - read_from)
    lines = data.split(b"\n")
    if start > 0:
        # lines[0] is the tail of the line before the window (b"" if the cut
        # fell just after a newline): never a whole line.
        lines = lines[1:]
    for raw in reversed(lines):
        model = line_model(_parse_line(raw))
        if model is not None:
            return model
    return None


def _scan_head(file: BinaryIO, line_model: _LineModel) -> str | None:
    """``extract_model_from_jsonl_head_with``: 20 lines, 1 MiB, lines over 50 KiB skipped."""
    file.seek(0)
    for lines, (raw, complete) in enumerate(_head_lines(file), start=1):
        if raw is not None:
            model = line_model(_parse_line(raw))
            if model is not None:
                return model
        if not complete or lines >= HEAD_SCAN_LINES:
            break
    return None


def _head_lines(file: BinaryIO) -> Iterator[tuple[bytes | None, bool]]:
    """Yield ``(line or None if oversized, ended_with_newline)`` within the head budget.

    A line counts against the budget with its newline; one longer than
    ``TAIL_SCAN_BYTES`` (newline included) is consumed in chunks and yielded
    as ``None``. A line cut by the budget is not yielded; one cut by the end
    of the file is, as incomplete.
    """
    budget = HEAD_SCAN_BYTES
    while budget > 0:
        want = min(TAIL_SCAN_BYTES + 1, budget)
        chunk = file.readline(want)
        if not chunk:
            return
        budget -= len(chunk)
        if chunk.endswith(b"\n"):
            yield (chunk if len(chunk) <= TAIL_SCAN_BYTES else None), True
            continue
        if len(chunk) < want:
            yield (chunk if len(chunk) <= TAIL_SCAN_BYTES else None), False
            return
        if want <= TAIL_SCAN_BYTES:
            return  # the budget ran out inside this line
        # Oversized: consume the rest of the line without keeping it.
        while budget > 0:
            chunk = file.readline(min(64 * 1024, budget))
            if not chunk:
                yield None, False
                return
            budget -= len(chunk)
            if chunk.endswith(b"\n"):
                yield None, True
                break
        else:
            return


def _read_small_text(path: Path, *, follow_symlinks: bool, refused: list[str] | None) -> str | None:
    try:
        data = read_regular(path, MAX_CONFIG_BYTES, follow_symlinks=follow_symlinks)
    except UnreadableFileError as exc:
        _note(refused, exc)
        return None
    except OSError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
