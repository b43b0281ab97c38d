"""Edge cases of one parse call: odd lines, caps, restarts, missing files, bad arguments."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from lsm.errors import ConfigError, InputError
from lsm.transcripts import (
    CapHit,
    ParseOptions,
    TextMessage,
    TranscriptLimits,
    Watermark,
    decode,
    extract_model,
    parse_transcript,
    stream_transcript,
)
from tests.transcripts.helpers import FIXTURES, append, jsonl, parse, write

MiB = 1024 * 1024


def user(text: str, ts: str | None = None) -> dict[str, object]:
    line: dict[str, object] = {"type": "user", "message": {"content": text}}
    if ts is not None:
        line["timestamp"] = ts
    return line


def texts(result: object) -> list[str]:
    return [m.text for m in result.messages]  # type: ignore[attr-defined]


@pytest.fixture(params=["json", "orjson"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Parse with the standard library's decoder, or with orjson's, whatever the size."""
    monkeypatch.setattr(decode, "ORJSON_MIN_BYTES", 0 if request.param == "orjson" else 1 << 62)
    return str(request.param)


# ------------------------------------------------------------------ odd lines


@pytest.mark.usefixtures("decoder")
def test_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b"\n\n  \n" + jsonl(user("a")) + b"\r\n\t\n")
    result = parse("claude", path)
    assert texts(result) == ["a"]
    assert (result.summary.lines, result.summary.blank_lines) == (6, 5)


@pytest.mark.usefixtures("decoder")
def test_unicode_whitespace_line_is_blank_as_rust_trim_sees_it(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", "\u00a0\u3000\n".encode() + jsonl(user("a")))
    result = parse("claude", path)
    assert (texts(result), result.summary.blank_lines, result.summary.invalid_lines) == (
        ["a"],
        1,
        0,
    )


@pytest.mark.usefixtures("decoder")
def test_invalid_json_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    # git-ai's legacy readers abort the whole parse here; we skip the line and go on.
    path = write(
        tmp_path / "t.jsonl",
        jsonl(user("a")) + b'{"type": "user", "message": \n' + b"[1, 2\n" + jsonl(user("b")),
    )
    result = parse("claude", path)
    assert texts(result) == ["a", "b"]
    assert result.summary.invalid_lines == 2
    assert result.summary.end_offset == path.stat().st_size


@pytest.mark.usefixtures("decoder")
def test_crlf_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b'{"type":"user","message":{"content":"a"}}\r\n')
    assert texts(parse("claude", path)) == ["a"]


@pytest.mark.usefixtures("decoder")
def test_non_object_lines_yield_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b'[1]\n"user"\n42\nnull\n{"type":"user","message":"x"}\n')
    result = parse("claude", path)
    assert result.messages == []
    assert (result.summary.lines, result.summary.invalid_lines) == (5, 0)


@pytest.mark.usefixtures("decoder")
def test_non_utf8_bytes_are_replaced_not_fatal(tmp_path: Path) -> None:
    good = jsonl(user("after"))
    path = write(
        tmp_path / "t.jsonl",
        b'{"type":"user","message":{"content":"caf\xe9 \xff"}}\n' + b"\xff\xfe garbage\n" + good,
    )
    result = parse("claude", path)
    assert texts(result) == ["caf\ufffd \ufffd", "after"]
    assert (result.summary.lossy_lines, result.summary.invalid_lines) == (1, 1)


def test_lines_orjson_refuses_are_invalid_with_either_decoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What json.loads would take but orjson does not, and the other way round.
    def line(rest: bytes) -> bytes:
        return b'{"type":"user","message":{"content":"ok"},"x":' + rest + b"}\n"

    data = b"".join(
        [
            line(b"NaN"),
            line(b"-Infinity"),
            line(b"1e400"),
            line(b'"\\ud800"'),  # a lone surrogate escape
            line(b'"\xed\xa0\x80"'),  # an encoded surrogate: lossy, then valid
            b"\xef\xbb\xbf" + line(b"1"),  # a UTF-8 BOM
            line(b'"\\ud83d\\ude00"'),  # a surrogate pair
            line(b"18446744073709551616"),  # past u64: a float for both
            line(b"[" * 1000 + b"]" * 1000),  # deeper than json's recursion limit
            line(b"1"),
        ]
    )
    path = write(tmp_path / "t.jsonl", data)
    results = []
    for threshold in (0, 1 << 62):  # orjson, then the standard library
        monkeypatch.setattr(decode, "ORJSON_MIN_BYTES", threshold)
        result = parse("claude", path)
        results.append((texts(result), result.summary))
    assert results[0] == results[1]
    summary = results[0][1]
    assert (summary.lines, summary.invalid_lines, summary.lossy_lines) == (10, 5, 1)
    assert results[0][0] == ["ok"] * 5


def test_the_decoder_is_chosen_by_the_size_of_the_increment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[int] = []
    real = decode.loads_for

    def spy(nbytes: int) -> object:
        chosen.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr("lsm.transcripts.stream.loads_for", spy)
    monkeypatch.setattr(decode, "ORJSON_MIN_BYTES", 100)
    big = _numbered(10)
    path = write(tmp_path / "t.jsonl", big)
    first = parse("claude", path)
    append(path, jsonl(user("z")))
    second = parse("claude", path, first.summary.watermark)
    assert chosen == [len(big), len(jsonl(user("z")))]
    assert real(chosen[0]) is not decode.loads  # orjson for the first 100+ bytes
    assert real(chosen[1]) is decode.loads
    assert texts(first) + texts(second) == texts(parse("claude", path))


# ------------------------------------------------------------------ partial last line


def test_partial_last_line_waits_for_its_newline(tmp_path: Path) -> None:
    line = jsonl(user("b"))
    path = write(tmp_path / "t.jsonl", jsonl(user("a")) + line[:-1])
    first = parse("claude", path)
    assert texts(first) == ["a"]
    assert first.summary.partial_bytes == len(line) - 1
    assert first.summary.end_offset == path.stat().st_size - (len(line) - 1)
    append(path, b"\n")
    second = parse("claude", path, first.summary.watermark)
    assert texts(second) == ["b"]
    assert second.summary.partial_bytes == 0
    assert second.summary.start_offset == first.summary.end_offset


def test_bytes_appended_during_a_call_wait_for_the_next(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", jsonl(user("a"), user("b")))
    size = path.stat().st_size
    with stream_transcript("claude", path, options=ParseOptions(model=False)) as stream:
        it = iter(stream)
        assert next(it).text == "a"  # type: ignore[union-attr]
        append(path, jsonl(user("c")))
        assert [m.text for m in it] == ["b"]  # type: ignore[union-attr]
        summary = stream.summary
    assert (summary.size, summary.end_offset) == (size, size)
    assert texts(parse("claude", path, summary.watermark)) == ["c"]


# ------------------------------------------------------------------ the per-line cap


def _big_line(size: int) -> bytes:
    line = jsonl(user("x" * size))
    return line


@pytest.mark.usefixtures("decoder")
def test_ten_megabyte_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    big = _big_line(10 * MiB)
    path = write(tmp_path / "t.jsonl", jsonl(user("before")) + big + jsonl(user("after")))
    tracemalloc.start()
    try:
        result = parse("claude", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert texts(result) == ["before", "after"]
    assert result.summary.cap_hits == (CapHit("line_bytes", len(big), 1, MiB),)
    # One line buffer (<= 1 MiB + 1) and the read buffer, never the 10 MB line.
    assert peak < 3 * MiB, peak


@pytest.mark.usefixtures("decoder")
def test_line_exactly_at_the_cap_is_parsed(tmp_path: Path) -> None:
    head = jsonl(user(""))[:-1]  # {"type":"user","message":{"content":""}}
    cap = 4096
    text = "y" * (cap - len(head))
    line = jsonl(user(text))
    assert len(line) - 1 == cap
    path = write(tmp_path / "t.jsonl", line + jsonl(user("z" * (len(text) + 1))))
    result = parse("claude", path, max_line_bytes=cap)
    assert texts(result) == [text]
    assert result.summary.cap_hits == (CapHit("line_bytes", cap + 2, 1, cap),)


@pytest.mark.usefixtures("decoder")
def test_lifting_the_line_cap_parses_a_ten_megabyte_line(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", _big_line(10 * MiB))
    result = parse("claude", path, max_line_bytes=None)
    assert texts(result) == ["x" * 10 * MiB]
    assert result.summary.cap_hits == ()


@pytest.mark.usefixtures("decoder")
def test_oversized_line_still_being_written_is_skipped_across_calls(tmp_path: Path) -> None:
    big = _big_line(3 * MiB)
    path = write(tmp_path / "t.jsonl", jsonl(user("a")) + big[: 2 * MiB])
    first = parse("claude", path)
    assert texts(first) == ["a"]
    mark = first.summary.watermark
    assert mark is not None and mark.skipping == "line"
    assert mark.offset == path.stat().st_size  # no need to read the line's head again
    assert first.summary.cap_hits == (CapHit("line_bytes", 2 * MiB, 1, MiB),)
    append(path, big[2 * MiB :] + jsonl(user("b")))
    second = parse("claude", path, mark)
    assert texts(second) == ["b"]
    assert second.summary.watermark is not None and second.summary.watermark.skipping is None
    # The rest of the same line: bytes, but not a second oversized line.
    assert second.summary.cap_hits == (CapHit("line_bytes", len(big) - 2 * MiB, 0, MiB),)


# ------------------------------------------------------------------ the transcript cap


def _numbered(n: int, first: int = 0) -> bytes:
    return jsonl(*(user(f"m{i:04d}") for i in range(first, first + n)))


def test_transcript_cap_keeps_the_newest_part(tmp_path: Path) -> None:
    data = _numbered(100)
    line = len(data) // 100
    path = write(tmp_path / "t.jsonl", data)
    cap = 10 * line + 5  # the cut falls 5 bytes before a line start
    result = parse("claude", path, max_transcript_bytes=cap)
    assert texts(result) == [f"m{i:04d}" for i in range(90, 100)]
    skipped = 90 * line
    assert result.summary.start_offset == skipped
    assert result.summary.cap_hits == (CapHit("transcript_bytes", skipped, 1, cap),)
    # Nothing new: no gap. Then 20 new lines over a 10-line cap: a gap from the watermark.
    again = parse("claude", path, result.summary.watermark, max_transcript_bytes=cap)
    assert (again.messages, again.summary.cap_hits) == ([], ())
    append(path, _numbered(20, 100))
    more = parse("claude", path, again.summary.watermark, max_transcript_bytes=cap)
    assert texts(more) == [f"m{i:04d}" for i in range(110, 120)]
    assert more.summary.cap_hits == (CapHit("transcript_bytes", 10 * line, 1, cap),)


def test_transcript_cap_on_a_line_boundary(tmp_path: Path) -> None:
    data = _numbered(10)
    line = len(data) // 10
    path = write(tmp_path / "t.jsonl", data)
    result = parse("claude", path, max_transcript_bytes=3 * line)
    assert texts(result) == ["m0007", "m0008", "m0009"]
    assert result.summary.cap_hits == (CapHit("transcript_bytes", 7 * line, 1, 3 * line),)


def test_transcript_cap_inside_an_unfinished_line(tmp_path: Path) -> None:
    # The newest `cap` bytes hold no newline: skip into the line, finish skipping next time.
    head = _numbered(3)
    tail = jsonl(user("z" * 150))
    path = write(tmp_path / "t.jsonl", head + tail[:-30])
    first = parse("claude", path, max_transcript_bytes=100)
    mark = first.summary.watermark
    assert first.messages == [] and mark is not None and mark.skipping == "gap"
    assert mark.offset == path.stat().st_size
    assert first.summary.cap_hits == (
        CapHit("transcript_bytes", len(head) + len(tail) - 30, 1, 100),
    )
    append(path, tail[-30:] + jsonl(user("next")))  # under the cap: no new gap
    second = parse("claude", path, mark, max_transcript_bytes=100)
    assert texts(second) == ["next"]
    assert second.summary.cap_hits == (CapHit("transcript_bytes", 30, 0, 100),)


def test_limits_are_validated() -> None:
    with pytest.raises(ConfigError):
        TranscriptLimits(max_line_bytes=0)
    with pytest.raises(ConfigError):
        TranscriptLimits(max_transcript_bytes=-1)
    with pytest.raises(ConfigError):
        ParseOptions(thinking="loud")  # type: ignore[arg-type]


# ------------------------------------------------------------------ restarts


def test_a_file_that_shrinks_between_calls_is_parsed_again(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", jsonl(user("a"), user("b"), user("c")))
    first = parse("claude", path)
    write(path, jsonl(user("x")))
    second = parse("claude", path, first.summary.watermark)
    assert second.summary.restarted and second.summary.restart_reason == "shrank"
    assert texts(second) == ["x"]
    assert second.summary.start_offset == 0


def test_a_replaced_file_is_parsed_again(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", jsonl(user("a")))
    first = parse("claude", path)
    write(path, jsonl(user("b"), user("c")))  # same length for the first line, other bytes
    second = parse("claude", path, first.summary.watermark)
    assert second.summary.restart_reason == "replaced"
    assert texts(second) == ["b", "c"]


def test_a_rewrite_with_the_same_head_is_caught_by_the_anchor(tmp_path: Path) -> None:
    filler = [user(f"same-{i:03d}") for i in range(200)]  # > 4 KiB of identical head
    path = write(tmp_path / "t.jsonl", jsonl(*filler, user("old")))
    first = parse("claude", path)
    assert first.summary.watermark is not None and first.summary.watermark.head_len == 4096
    write(path, jsonl(*filler, user("new"), user("more")))
    second = parse("claude", path, first.summary.watermark)
    assert second.summary.restart_reason == "replaced"
    assert texts(second)[-2:] == ["new", "more"]


def test_a_small_file_that_grows_keeps_its_watermark(tmp_path: Path) -> None:
    # The head digest covers only what existed; growth past it is not a replacement.
    path = write(tmp_path / "t.jsonl", jsonl(user("a")))
    first = parse("claude", path)
    append(path, _numbered(100))
    second = parse("claude", path, first.summary.watermark)
    assert not second.summary.restarted
    assert len(second.messages) == 100
    assert second.summary.watermark is not None and second.summary.watermark.head_len == 4096


def test_a_restart_drops_the_carried_state(tmp_path: Path) -> None:
    plan = "/home/u/.claude/plans/p.md"
    write_plan = {
        "type": "tool_use",
        "name": "Write",
        "input": {"file_path": plan, "content": "A B"},
    }
    edit_plan = {
        "type": "tool_use",
        "name": "Edit",
        "input": {"file_path": plan, "old_string": "B", "new_string": "C"},
    }
    path = write(
        tmp_path / "t.jsonl", jsonl({"type": "assistant", "message": {"content": [write_plan]}})
    )
    first = parse("claude", path)
    assert first.summary.watermark is not None and first.summary.watermark.state
    write(path, jsonl({"type": "assistant", "message": {"content": [edit_plan]}}))
    second = parse("claude", path, first.summary.watermark)
    assert second.summary.restarted
    assert second.messages == [TextMessage("plan", "C")]  # new_string alone: no plan known


# ------------------------------------------------------------------ unreadable input


def test_missing_file_gives_an_empty_result(tmp_path: Path) -> None:
    result = parse_transcript("claude", tmp_path / "nope.jsonl")
    assert result.messages == []
    summary = result.summary
    assert (summary.status, summary.watermark, summary.end_offset) == ("missing", None, 0)
    assert summary.reason


def test_missing_file_keeps_the_given_watermark(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", jsonl(user("a")))
    mark = parse("claude", path).summary.watermark
    path.unlink()
    result = parse("claude", path, mark)
    assert (result.summary.status, result.summary.watermark) == ("missing", mark)


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", b"")
    result = parse_transcript("claude", path)
    summary = result.summary
    assert (result.messages, summary.status, summary.end_offset, summary.model) == (
        [],
        "ok",
        0,
        None,
    )
    append(path, jsonl(user("a")))
    assert texts(parse("claude", path, summary.watermark)) == ["a"]


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    result = parse_transcript("codex", tmp_path)
    assert (result.messages, result.summary.status) == ([], "unreadable")


def test_a_fifo_is_unreadable_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    assert parse_transcript("droid", fifo).summary.status == "unreadable"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", jsonl(user("a")))
    path.chmod(0)
    assert parse_transcript("claude", path).summary.status == "unreadable"


# ------------------------------------------------------------------ caller mistakes


def test_unknown_agent_raises() -> None:
    with pytest.raises(InputError):
        parse_transcript("no-such-agent", FIXTURES / "codex-session-simple.jsonl")


def test_another_agents_watermark_raises() -> None:
    mark = parse("codex", FIXTURES / "codex-session-simple.jsonl").summary.watermark
    with pytest.raises(InputError):
        parse_transcript("claude", FIXTURES / "codex-session-simple.jsonl", watermark=mark)


def test_summary_before_the_messages_raises() -> None:
    with (
        stream_transcript("droid", FIXTURES / "droid-session.jsonl") as stream,
        pytest.raises(InputError),
    ):
        _ = stream.summary


def test_watermark_round_trip_and_garbage() -> None:
    mark = parse("claude", FIXTURES / "claude-code-with-plan.jsonl").summary.watermark
    assert mark is not None
    assert Watermark.from_bytes(mark.to_bytes()) == mark
    assert len(mark.fingerprint) == 40
    for bad in (b"", b"[]", b'{"v":2}', b'{"v":1,"agent":"claude"}', mark.to_bytes()[:-3]):
        with pytest.raises(InputError):
            Watermark.from_bytes(bad)


def test_a_path_with_a_nul_byte_is_unreadable(tmp_path: Path) -> None:
    result = parse_transcript("claude", f"{tmp_path}/a\0b.jsonl")
    assert (result.messages, result.summary.status) == ([], "unreadable")
    assert extract_model("codex", "a\0b") is None
    assert extract_model("droid", "a\0b.jsonl") is None
