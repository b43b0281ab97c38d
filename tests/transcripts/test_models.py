"""Model extraction (git-ai's src/streams/model_extraction.rs, semantics doc 4.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from lsm.transcripts import (
    claude_model,
    codex_model,
    droid_model,
    droid_settings_path,
    extract_model,
)
from lsm.transcripts.models import HEAD_SCAN_LINES, TAIL_SCAN_BYTES, find_codex_home
from tests.transcripts.helpers import FIXTURES, jsonl, write


def assistant(model: Any) -> dict[str, Any]:
    return {"type": "assistant", "message": {"model": model, "content": []}}


def padding(size: int) -> bytes:
    """Model-less user lines of about ``size`` bytes in all."""
    line = jsonl({"type": "user", "message": {"content": "p" * 200}})
    return line * (size // len(line) + 1)


# ------------------------------------------------------------------ Claude


def test_claude_newest_model_in_the_tail_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        jsonl(assistant("old"), assistant("new"), {"type": "last-prompt"}, {"type": "user"}),
    )
    assert claude_model(path) == "new"


def test_claude_model_candidates(tmp_path: Path) -> None:
    cases: list[tuple[dict[str, Any], str | None]] = [
        (assistant("  spaced  "), "spaced"),
        (assistant("<synthetic>"), None),
        (assistant(""), None),
        ({"type": "x", "model": "top-level"}, "top-level"),
        ({"type": "x", "message": {"model": 7}, "model": "fallback"}, "fallback"),
        ({"type": "session.model_change", "data": {"newModel": " raw "}}, " raw "),
    ]
    for line, expected in cases:
        assert claude_model(write(tmp_path / "c.jsonl", jsonl(line))) == expected, line


def test_claude_synthetic_is_skipped_for_an_older_model(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", jsonl(assistant("real"), assistant("<synthetic>")))
    assert claude_model(path) == "real"


def test_claude_head_fallback_for_a_long_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", jsonl(assistant("at-start")) + padding(2 * TAIL_SCAN_BYTES))
    assert claude_model(path) == "at-start"


def test_claude_head_scan_stops_after_twenty_lines(tmp_path: Path) -> None:
    blank = b"\n" * HEAD_SCAN_LINES
    path = write(
        tmp_path / "c.jsonl", blank + jsonl(assistant("too-late")) + padding(2 * TAIL_SCAN_BYTES)
    )
    assert claude_model(path) is None


def test_claude_head_scan_skips_oversized_lines(tmp_path: Path) -> None:
    huge = jsonl(
        {
            "type": "assistant",
            "message": {"model": "in-huge-line", "content": "x" * TAIL_SCAN_BYTES},
        }
    )
    path = write(
        tmp_path / "c.jsonl", huge + jsonl(assistant("next")) + padding(2 * TAIL_SCAN_BYTES)
    )
    assert claude_model(path) == "next"


def test_claude_tail_cut_inside_a_multibyte_character(tmp_path: Path) -> None:
    # git-ai stops at the first non-UTF-8 tail line and finds nothing here; we skip that line.
    line = jsonl({"type": "user", "message": {"content": "é" * 40_000}})
    path = write(
        tmp_path / "c.jsonl", jsonl(assistant("head-model")) + line + jsonl(assistant("tail-model"))
    )
    size = path.stat().st_size
    cut = path.read_bytes()[size - TAIL_SCAN_BYTES]
    assert 0x80 <= cut < 0xC0  # the window starts on a continuation byte
    assert claude_model(path) == "tail-model"


def test_claude_tail_ignores_the_cut_line(tmp_path: Path) -> None:
    # The window starts inside a line whose remainder is itself valid JSON with a model.
    inner = orjson.dumps(assistant("from-fragment"))
    line = b'{"pad":"' + b"q" * (TAIL_SCAN_BYTES) + b'","x":' + inner + b"}\n"
    path = write(tmp_path / "c.jsonl", jsonl(assistant("head")) + line)
    data = path.read_bytes()
    assert data[len(data) - TAIL_SCAN_BYTES - 1 :].startswith(b"q")
    assert claude_model(path) == "head"


def test_claude_missing_and_empty(tmp_path: Path) -> None:
    assert claude_model(tmp_path / "missing.jsonl") is None
    assert claude_model(write(tmp_path / "e.jsonl", b"")) is None
    assert claude_model(tmp_path) is None


def test_claude_model_not_last_fixture() -> None:
    assert claude_model(FIXTURES / "claude-model-not-last.jsonl") == "claude-opus-4-6"


# ------------------------------------------------------------------ Codex


def ctx(model: str) -> dict[str, Any]:
    return {"type": "turn_context", "payload": {"model": model}}


def test_codex_tail_then_head(tmp_path: Path) -> None:
    home = tmp_path / "no-home"
    tail = write(tmp_path / "a.jsonl", jsonl(ctx("first")) + padding(100) + jsonl(ctx("last")))
    assert codex_model(tail, home=home) == "last"
    head = write(tmp_path / "b.jsonl", jsonl(ctx("first")) + padding(2 * TAIL_SCAN_BYTES))
    assert codex_model(head, home=home) == "first"
    keys = write(
        tmp_path / "c.jsonl",
        jsonl({"type": "session_meta", "payload": {"model": "", "modelId": "m"}}),
    )
    assert codex_model(keys, home=home) == "m"
    other = write(tmp_path / "d.jsonl", jsonl({"type": "event_msg", "payload": {"model": "no"}}))
    assert codex_model(other, home=home) is None


def _config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def test_codex_config_fallback(tmp_path: Path) -> None:
    home = tmp_path / "codex-home"
    (home / "sessions").mkdir(parents=True)
    path = write(home / "sessions" / "r.jsonl", b"")
    assert codex_model(path, home=home) is None  # no config.toml
    _config(home, 'model = "top"\nprofile = "p"\n[profiles.p]\nmodel = "from-profile"\n')
    assert codex_model(path, home=home) == "from-profile"
    _config(home, 'model = " top "\nprofile = "missing"\n')
    assert codex_model(path, home=home) == "top"
    _config(home, "model = [")
    assert codex_model(path, home=home) is None
    _config(home, 'model = "x"\n' + "#" * (1024 * 1024))
    assert codex_model(path, home=home) is None  # over 1 MiB
    _config(home, 'model = "x"\n')
    outside = write(tmp_path / "r.jsonl", b"")
    assert codex_model(outside, home=home) is None  # the rollout is not in that home


def test_find_codex_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configured = tmp_path / "custom"
    monkeypatch.setenv("CODEX_HOME", str(configured))
    assert find_codex_home(configured / "sessions" / "r.jsonl") == configured
    nested = tmp_path / "u" / ".codex" / "sessions" / "2026" / "r.jsonl"
    assert find_codex_home(nested) == tmp_path / "u" / ".codex"
    assert find_codex_home(tmp_path / "plain" / "r.jsonl") is None
    assert find_codex_home(nested, home=tmp_path / "u") == tmp_path / "u"


# ------------------------------------------------------------------ Droid


def test_droid_settings_beside_the_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "s.jsonl"
    assert droid_settings_path(transcript) == tmp_path / "s.settings.json"
    assert droid_settings_path(tmp_path / "s.json") is None
    assert droid_model(transcript) is None
    (tmp_path / "s.settings.json").write_text('{"model": " custom:X "}')
    assert droid_model(transcript) == " custom:X "  # as is: git-ai does not normalize it
    (tmp_path / "s.settings.json").write_text('{"model": 5}')
    assert droid_model(transcript) is None
    (tmp_path / "s.settings.json").write_text("{broken")
    assert droid_model(transcript) is None
    other = tmp_path / "other.json"
    other.write_text('{"model": "explicit"}')
    assert droid_model(settings_path=other) == "explicit"
    assert extract_model("droid", transcript, settings_path=other) == "explicit"


def test_droid_fixture_and_unknown_agent() -> None:
    assert extract_model("droid", FIXTURES / "droid-session.jsonl") == "custom:BYOK-GPT-5-MINI-0"
    assert extract_model("cursor", FIXTURES / "droid-session.jsonl") is None
