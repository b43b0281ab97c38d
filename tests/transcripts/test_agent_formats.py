"""The transcript formats of the agents beyond Claude, Codex and Droid.

Golden outputs (``tests/fixtures/agents/golden.json``) come from git-ai's own
fixtures, read by the rules of its legacy readers (``transcript_readers.rs``
at c26089615^); the assertions git-ai's tests made about those fixtures are
repeated here. Then the streaming properties every format must keep: any
split into calls gives the one-shot result, a replaced or shrunk source
starts over, caps degrade instead of failing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lsm.transcripts import (
    Message,
    ParseOptions,
    ParseResult,
    TranscriptLimits,
    Watermark,
    parse_transcript,
)

AGENTS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "agents"
GOLDEN: dict[str, dict[str, Any]] = json.loads((AGENTS_DIR / "golden.json").read_text())
PLAIN = ParseOptions(redact=False)
JSONL = sorted(n for n, g in GOLDEN.items() if n.endswith(".jsonl"))
DOCUMENTS = sorted(n for n, g in GOLDEN.items() if n.endswith(".json"))
OPENCODE_SESSION = "test-session-123"


def as_json(messages: list[Message]) -> list[dict[str, Any]]:
    return [m.to_json() for m in messages]


def opencode_db(path: Path) -> Path:
    """git-ai's OpenCode fixture database, built from its schema.sql."""
    conn = sqlite3.connect(path)
    conn.executescript((AGENTS_DIR / "opencode-schema.sql").read_text())
    conn.commit()
    conn.close()
    return path


def empty_opencode_db(path: Path) -> sqlite3.Connection:
    """An OpenCode database with its two tables and no rows (open: the caller closes it)."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT, time_created INTEGER,"
        " time_updated INTEGER, data TEXT);"
        "CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT, session_id TEXT,"
        " time_created INTEGER, time_updated INTEGER, data TEXT);"
    )
    return conn


def parse(
    agent: str,
    path: Path,
    watermark: Watermark | None = None,
    options: ParseOptions = PLAIN,
    session_id: str | None = None,
) -> ParseResult:
    return parse_transcript(
        agent, path, watermark=watermark, options=options, session_id=session_id
    )


def capped(**limits: Any) -> ParseOptions:
    return ParseOptions(redact=False, limits=TranscriptLimits(**limits))


# --- golden ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_messages_and_model(name: str, tmp_path: Path) -> None:
    golden = GOLDEN[name]
    if golden["agent"] == "opencode":
        result = parse("opencode", opencode_db(tmp_path / "o.db"), session_id=golden["session_id"])
    else:
        result = parse(golden["agent"], AGENTS_DIR / name)
    assert result.summary.status == "ok"
    assert as_json(result.messages) == golden["messages"]
    assert result.summary.model == golden["model"]
    assert result.summary.invalid_lines == 0


def _kinds(name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in GOLDEN[name]["messages"]:
        counts[message["type"]] = counts.get(message["type"], 0) + 1
    return counts


def test_git_ai_assertions_cursor() -> None:
    # tests/integration/cursor.rs test_cursor_jsonl_basic_parsing / _user_query_tag_stripping
    golden = GOLDEN["cursor-session-simple.jsonl"]
    assert golden["model"] is None
    assert _kinds("cursor-session-simple.jsonl")["user"] == 1
    assert _kinds("cursor-session-simple.jsonl")["assistant"] == 10
    user = golden["messages"][0]["text"]
    assert "<user_query>" not in user and user.startswith("Generate a file with all the HBO")
    # Read keeps its full (normalized) input; path became file_path
    reads = [m for m in golden["messages"] if m["type"] == "tool_use" and m["name"] == "Read"]
    assert reads and all("file_path" in m["input"] and "path" not in m["input"] for m in reads)


def test_git_ai_assertions_gemini() -> None:
    # tests/integration/gemini.rs test_gemini_parses_user_messages & model
    golden = GOLDEN["gemini-session-simple.jsonl"]
    assert golden["model"] == "gemini-2.5-flash"
    first = golden["messages"][0]
    assert first["type"] == "user" and "add another hello bob console log" in first["text"]
    assert first["timestamp"] == "2025-12-06T18:25:18.042Z"
    assert any(m["type"] == "assistant" and "I will add" in m["text"] for m in golden["messages"])


def test_git_ai_assertions_amp() -> None:
    # tests/integration/amp.rs test_parse_amp_thread_transcript / _with_thinking_blocks
    for name in ("amp-T-019ca1ce-3ae2-7686-a41e-ccc078837f8a.json",):
        assert GOLDEN[name]["model"] == "claude-opus-4-6"
        assert {"user", "assistant", "tool_use"} <= set(_kinds(name))


def test_git_ai_assertions_copilot_session_document() -> None:
    # tests/integration/github_copilot.rs copilot_session_parsing_simple: the full expected list
    messages = GOLDEN["copilot_session_simple.json"]["messages"]
    assert GOLDEN["copilot_session_simple.json"]["model"] == "copilot/claude-sonnet-4"
    assert [(m["type"], m.get("name")) for m in messages] == [
        ("user", None),
        ("assistant", None),
        ("user", None),
        ("tool_use", "prepareToolInvocation"),
        ("tool_use", "copilot_replaceString"),
        ("tool_use", "textEditGroup"),
        ("assistant", None),
        ("user", None),
        ("tool_use", "prepareToolInvocation"),
        ("tool_use", "copilot_findTextInFiles"),
        ("assistant", None),
    ]
    assert messages[0] == {
        "type": "user",
        "text": "What can you help me with?",
        "timestamp": "2025-10-07T13:51:13.835+00:00",
    }
    assert messages[4]["input"] == 'Using "Replace String in File"'
    assert messages[6]["timestamp"] == "2025-10-07T13:51:50.791+00:00"
    assert messages[6]["text"].startswith(
        'I\'ll change "Bonjour World" to "hello world" in your selected text. ``` '
        "@/Users/svarlamov/projects/testing-git/index.ts ```"
    )


def test_git_ai_assertions_copilot_patch_logs() -> None:
    # copilot_session_parsing_jsonl_simple, _multiline_jsonl, _jsonl_empty_snapshot_with_patch
    assert GOLDEN["copilot_session_simple.jsonl"]["model"] == "copilot/claude-sonnet-4"
    assert GOLDEN["copilot_session_simple.jsonl"]["messages"]
    multiline = GOLDEN["copilot_session_multiline.jsonl"]["messages"]
    assert any(m["type"] == "user" and "follow up message" in m["text"] for m in multiline)
    assert any(m["type"] == "assistant" and "7sadfh32u23gdaWF" in m["text"] for m in multiline)
    assert GOLDEN["copilot_session_multiline.jsonl"]["model"] == "copilot/gpt-4o"
    patched = GOLDEN["copilot_session_empty_then_patched.jsonl"]
    assert patched["model"] == "copilot/gpt-4o"
    assert [m["type"] for m in patched["messages"]] == ["user", "assistant"]
    assert "42" in patched["messages"][1]["text"]


def test_git_ai_assertions_copilot_cli_model_from_model_change() -> None:
    # model_extraction.rs: the CLI's session.model_change names the model
    assert GOLDEN["copilot_cli_session_events.jsonl"]["model"] == "gpt-4.1"


def test_git_ai_assertions_pi() -> None:
    assert GOLDEN["pi-session-simple.jsonl"]["model"] == "claude-sonnet-4-5"
    assert GOLDEN["pi-session-ignorable.jsonl"]["model"] == "gpt-5"
    assert [m["type"] for m in GOLDEN["pi-session-ignorable.jsonl"]["messages"]] == [
        "user",
        "assistant",
    ]


def test_git_ai_assertions_opencode() -> None:
    golden = GOLDEN["opencode-schema.sql"]
    assert golden["model"] == "gpt-5"
    assert [m["type"] for m in golden["messages"]] == ["user", "assistant", "tool_use", "assistant"]
    assert golden["messages"][2]["name"] == "edit"
    assert golden["messages"][0]["timestamp"] == "2024-01-28T16:37:10+00:00"


def test_pi_thinking_blocks_are_thinking_messages(tmp_path: Path) -> None:
    line = {
        "type": "message",
        "message": {
            "role": "assistant",
            "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "ok"}],
            "timestamp": 1774951201001,
        },
    }
    path = tmp_path / "pi.jsonl"
    path.write_text(json.dumps(line) + "\n")
    assert as_json(parse("pi", path).messages) == [
        {"type": "thinking", "text": "hmm", "timestamp": "2026-03-31T10:00:01.001+00:00"},
        {"type": "assistant", "text": "ok", "timestamp": "2026-03-31T10:00:01.001+00:00"},
    ]
    dropped = parse("pi", path, options=ParseOptions(redact=False, thinking="drop"))
    assert [m.type for m in dropped.messages] == ["assistant"]


# --- incremental: JSONL ---------------------------------------------------------------------------

SMALL_JSONL = [n for n in JSONL if (AGENTS_DIR / n).stat().st_size <= 1_200]


def _two_calls_everywhere(name: str, tmp_path: Path, step: int) -> None:
    data = (AGENTS_DIR / name).read_bytes()
    agent = GOLDEN[name]["agent"]
    expected = GOLDEN[name]["messages"]
    path = tmp_path / name
    path.write_bytes(data)
    fd = os.open(path, os.O_RDWR)
    try:
        for split in range(0, len(data) + 1, step):
            os.ftruncate(fd, split)
            first = parse(agent, path)
            os.pwrite(fd, data[split:], split)
            second = parse(agent, path, first.summary.watermark)
            assert not second.summary.restarted, split
            assert as_json(first.messages + second.messages) == expected, split
            assert second.summary.model == GOLDEN[name]["model"], split
    finally:
        os.close(fd)


@pytest.mark.parametrize("name", SMALL_JSONL)
def test_jsonl_two_calls_at_every_split_point(name: str, tmp_path: Path) -> None:
    _two_calls_everywhere(name, tmp_path, 1)


@pytest.mark.parametrize("name", JSONL)
def test_jsonl_two_calls_at_sampled_split_points(name: str, tmp_path: Path) -> None:
    _two_calls_everywhere(name, tmp_path, 211)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in JSONL if n not in SMALL_JSONL])
def test_jsonl_two_calls_at_dense_split_points_large(name: str, tmp_path: Path) -> None:
    _two_calls_everywhere(name, tmp_path, 11)


# --- incremental: documents -----------------------------------------------------------------------

_ARRAY = {"amp": "messages", "continue-cli": "history", "copilot-session": "requests"}


def _document_versions(name: str) -> tuple[dict[str, Any], str]:
    doc = json.loads((AGENTS_DIR / name).read_text())
    return doc, _ARRAY[GOLDEN[name]["agent"]]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_growing_one_record_at_a_time(name: str, tmp_path: Path) -> None:
    """The agent rewrites the whole file after each message (Amp bumps ``v`` too)."""
    doc, key = _document_versions(name)
    agent = GOLDEN[name]["agent"]
    records = doc[key]
    path = tmp_path / "doc.json"
    messages: list[Message] = []
    watermark = None
    for count in range(len(records) + 1):
        version = {**doc, key: records[:count], "v": count, "updated": "x" * count}
        path.write_text(json.dumps(version, indent=2))
        result = parse(agent, path, watermark)
        assert not result.summary.restarted, count
        messages += result.messages
        watermark = result.summary.watermark
    assert as_json(messages) == GOLDEN[name]["messages"]
    # Nothing new: nothing again, and the same watermark.
    again = parse(agent, path, watermark)
    assert again.messages == [] and again.summary.watermark == watermark


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_replaced_or_shrunk_starts_over(name: str, tmp_path: Path) -> None:
    doc, key = _document_versions(name)
    agent = GOLDEN[name]["agent"]
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    full = parse(agent, path)
    # Another session: its first record differs.
    other = {**doc, key: [{"role": "user", "x": 1}, *doc[key][1:]]}
    path.write_text(json.dumps(other))
    replaced = parse(agent, path, full.summary.watermark)
    assert replaced.summary.restarted and replaced.summary.restart_reason == "replaced"
    # Fewer records than were read.
    path.write_text(json.dumps({**doc, key: doc[key][:1]}))
    shrunk = parse(agent, path, full.summary.watermark)
    assert shrunk.summary.restarted and shrunk.summary.restart_reason == "shrank"
    assert as_json(shrunk.messages) == as_json(parse(agent, path).messages)


def _cuts(name: str, tmp_path: Path, step: int) -> None:
    data = (AGENTS_DIR / name).read_bytes()
    agent = GOLDEN[name]["agent"]
    expected = GOLDEN[name]["messages"]
    path = tmp_path / "doc.json"
    for cut in range(0, len(data), step):
        path.write_bytes(data[:cut])
        first = parse(agent, path)
        got = as_json(first.messages)
        assert got == expected[: len(got)], cut
        path.write_bytes(data)
        rest = parse(agent, path, first.summary.watermark)
        assert not rest.summary.restarted, cut
        assert got + as_json(rest.messages) == expected, cut


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_cut_anywhere_yields_a_prefix(name: str, tmp_path: Path) -> None:
    """A half-written document: the complete records count, the rest waits for the next call."""
    _cuts(name, tmp_path, (AGENTS_DIR / name).stat().st_size // 60 + 1)


@pytest.mark.slow
@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_cut_at_dense_points(name: str, tmp_path: Path) -> None:
    _cuts(name, tmp_path, (AGENTS_DIR / name).stat().st_size // 800 + 1)


def test_document_caps(tmp_path: Path) -> None:
    name = "amp-T-019ca1ce-3ae2-7686-a41e-ccc078837f8a.json"
    path = AGENTS_DIR / name
    # A record over the line cap is skipped and counted, never fails the call.
    small = parse("amp", path, options=capped(max_line_bytes=500))
    assert small.summary.status == "ok"
    [hit] = small.summary.cap_hits
    assert hit.kind == "line_bytes" and hit.count > 0 and hit.limit == 500
    # The transcript cap keeps the newest records.
    records = [{"role": "user", "content": [{"type": "text", "text": f"m{i}"}]} for i in range(40)]
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"v": 1, "messages": records}))
    newest = parse("amp", doc, options=capped(max_transcript_bytes=doc.stat().st_size // 2))
    [gap] = newest.summary.cap_hits
    assert gap.kind == "transcript_bytes" and gap.count == 1
    texts = [m.text for m in newest.messages]  # type: ignore[union-attr]
    assert 15 <= len(texts) <= 25 and texts == [f"m{i}" for i in range(40 - len(texts), 40)]
    # The skipped records count as read: the next call does not go back for them.
    later = parse("amp", doc, newest.summary.watermark)
    assert later.messages == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"[1, 2]",
        b"{",
        b'{"messages": 3}',
        b'{"x": [1, {"y": "\\"]"}], "messages": [{"role": 1}]}',
    ],
)
def test_odd_documents_never_fail(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(content)
    result = parse("amp", path)
    assert result.summary.status == "ok"
    assert result.messages == []


def test_document_strings_with_escapes_across_chunks(tmp_path: Path) -> None:
    """Records bigger than a chunk, full of escapes and brackets inside strings."""
    text = 'a "quoted" \\ back ] } [ {' * 20000  # ~520 KB of awkward text
    record = {"role": "user", "content": [{"type": "text", "text": text}]}
    doc = {"v": 1, "messages": [record] * 3}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    result = parse("amp", path)
    assert [m.text for m in result.messages] == [text] * 3  # type: ignore[union-attr]
    over = parse("amp", path, options=capped(max_line_bytes=100_000))
    assert over.messages == [] and over.summary.cap_hits[0].count == 3


# --- incremental: OpenCode ------------------------------------------------------------------------


def _message(conn: sqlite3.Connection, mid: str, t: int, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO message (id, session_id, time_created, time_updated, data) "
        "VALUES (?, ?, ?, ?, ?)",
        (mid, OPENCODE_SESSION, t, t, json.dumps(data)),
    )
    conn.commit()


def _part(conn: sqlite3.Connection, pid: str, mid: str, t: int, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (pid, mid, OPENCODE_SESSION, t, t, json.dumps(data)),
    )
    conn.commit()


def test_opencode_incremental_and_unfinished_messages(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    conn = empty_opencode_db(db)
    _message(conn, "m1", 1000, {"role": "user", "model": {"modelID": "x-1"}})
    _part(conn, "p1", "m1", 1001, {"type": "text", "text": "hi"})
    # The assistant is still answering: no time.completed yet.
    _message(conn, "m2", 2000, {"role": "assistant", "time": {"created": 2000}})
    _part(conn, "p2", "m2", 2001, {"type": "text", "text": "part one"})
    first = parse("opencode", db, session_id=OPENCODE_SESSION)
    assert as_json(first.messages) == [
        {"type": "user", "text": "hi", "timestamp": "1970-01-01T00:00:01+00:00"}
    ]
    assert first.summary.model == "x-1"
    # It finishes: its later part is read with it, once.
    edit = {"type": "tool", "tool": "edit", "state": {"input": {"filePath": "a"}}}
    _part(conn, "p3", "m2", 2500, edit)
    done = {"role": "assistant", "time": {"created": 2000, "completed": 3000}}
    conn.execute("UPDATE message SET data = ? WHERE id = 'm2'", [json.dumps(done)])
    conn.commit()
    second = parse("opencode", db, first.summary.watermark, session_id=OPENCODE_SESSION)
    stamp = "1970-01-01T00:00:02+00:00"
    assert as_json(second.messages) == [
        {"type": "assistant", "text": "part one", "timestamp": stamp},
        {"type": "tool_use", "name": "edit", "input": {"filePath": "a"}, "timestamp": stamp},
    ]
    third = parse("opencode", db, second.summary.watermark, session_id=OPENCODE_SESSION)
    assert third.messages == [] and third.summary.model == "x-1"
    # An unfinished message that later messages follow was abandoned: it is read.
    _message(conn, "m3", 4000, {"role": "assistant"})
    _message(conn, "m4", 5000, {"role": "user"})
    _part(conn, "p4", "m4", 5001, {"type": "text", "text": "again"})
    fourth = parse("opencode", db, third.summary.watermark, session_id=OPENCODE_SESSION)
    assert [m.text for m in fourth.messages] == ["again"]  # type: ignore[union-attr]
    conn.close()


def test_opencode_caps_and_bad_sources(tmp_path: Path) -> None:
    db = opencode_db(tmp_path / "o.db")
    small = parse("opencode", db, options=capped(max_line_bytes=80), session_id=OPENCODE_SESSION)
    assert small.summary.status == "ok"
    assert small.summary.cap_hits and small.summary.cap_hits[0].kind == "line_bytes"
    # A budget smaller than the rows defers the rest to the next call (nothing is lost).
    budget = capped(max_transcript_bytes=10)
    messages: list[Message] = []
    watermark = None
    for _ in range(5):
        step = parse("opencode", db, watermark, options=budget, session_id=OPENCODE_SESSION)
        messages += step.messages
        watermark = step.summary.watermark
    assert as_json(messages) == GOLDEN["opencode-schema.sql"]["messages"]
    assert parse("opencode", tmp_path / "none.db", session_id="s").summary.status == "missing"
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    junk = parse("opencode", tmp_path / "junk.db", session_id="s")
    assert junk.summary.status in ("unreadable", "read_error")
    os.mkfifo(tmp_path / "fifo.db")
    assert parse("opencode", tmp_path / "fifo.db", session_id="s").summary.status == "unreadable"


# --- bounded memory ------------------------------------------------------------------------------

_PEAK_CODE = """
import sys
from lsm.transcripts import ParseOptions, TranscriptLimits, stream_transcript
opts = ParseOptions(limits=TranscriptLimits(max_transcript_bytes=None))
count = 0
with stream_transcript(sys.argv[1], sys.argv[2], options=opts, session_id="s") as stream:
    for batch in stream.batches(2000, 2 << 20):
        count += len(batch.messages)
status = open("/proc/self/status").read()
peak = [line for line in status.splitlines() if line.startswith("VmHWM:")][0].split()[1]
print(count, int(peak) // 1024)
"""


def _peak_mb(agent: str, path: Path) -> tuple[int, int]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _PEAK_CODE, agent, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    count, peak = done.stdout.split()
    return int(count), int(peak)


@pytest.mark.slow
def test_a_large_document_is_parsed_in_bounded_memory(tmp_path: Path) -> None:
    """A 50 MB Amp thread, caps lifted: the peak stays near the interpreter's own."""
    name = "amp-T-019ca1ce-3ae2-7686-a41e-ccc078837f8a.json"
    doc = json.loads((AGENTS_DIR / name).read_text())
    path = tmp_path / "big.json"
    with path.open("w") as out:  # written record by record: the test holds one at a time too
        out.write('{"v": 1, "id": "T-big", "messages": [')
        for i in range(6000):
            for j, record in enumerate(doc["messages"]):
                out.write(("" if i == j == 0 else ",") + json.dumps(record, indent=2))
        out.write("]}")
    assert path.stat().st_size > 50_000_000
    count, peak = _peak_mb("amp", path)
    assert count == 6000 * len(GOLDEN[name]["messages"])
    assert peak < 48, f"peak RSS {peak} MB"


@pytest.mark.slow
def test_a_large_opencode_session_is_read_in_bounded_memory(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    conn = empty_opencode_db(db)
    text = "x" * 2000
    for i in range(5000):
        data = {"role": "assistant", "time": {"created": i, "completed": i + 1}}
        conn.execute(
            "INSERT INTO message VALUES (?, 's', ?, ?, ?)", (f"m{i:06}", i, i, json.dumps(data))
        )
        for j in range(3):
            part = json.dumps({"type": "text", "text": f"{text} {i} {j}"})
            conn.execute(
                "INSERT INTO part VALUES (?, ?, 's', ?, ?, ?)",
                (f"p{i:06}{j}", f"m{i:06}", i, i, part),
            )
    conn.commit()
    conn.close()
    count, peak = _peak_mb("opencode", db)
    assert count == 15000
    assert peak < 48, f"peak RSS {peak} MB"


@pytest.mark.parametrize(
    ("session_file", "model"),
    [
        ("copilot_session_multiline.jsonl", "copilot/gpt-4o"),
        ("copilot_session_simple.json", "copilot/claude-sonnet-4"),
    ],
)
def test_vscode_model_from_the_chat_session_beside_the_transcript(
    tmp_path: Path, session_file: str, model: str
) -> None:
    """git-ai's daemon reads chatSessions/<id>.json[l] when the event stream names no model."""
    copilot = tmp_path / "workspaceStorage" / "h" / "GitHub.copilot-chat"
    transcript = copilot / "transcripts" / "sess-1.jsonl"
    transcript.parent.mkdir(parents=True)
    transcript.write_bytes((AGENTS_DIR / "copilot_session_event_stream.jsonl").read_bytes())
    assert parse("copilot", transcript).summary.model is None  # nothing beside it yet
    sessions = tmp_path / "workspaceStorage" / "h" / "chatSessions"
    sessions.mkdir()
    suffix = Path(session_file).suffix
    (sessions / f"sess-1{suffix}").write_bytes((AGENTS_DIR / session_file).read_bytes())
    assert parse("copilot", transcript).summary.model == model
