"""Secret redaction: git-ai's detector and JSON walk (semantics doc 4.6).

The expected values are the facts git-ai's own tests state for
src/authorship/secrets.rs and src/daemon/transcript_redaction.rs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lsm.transcripts import (
    ParseOptions,
    TextMessage,
    ToolUse,
    parse_transcript,
    redact_json,
    redact_message,
    redact_text,
)
from lsm.transcripts.redact import is_denied_key, is_random, p_random, redact_secret
from tests.transcripts.helpers import jsonl, write

STRIPE = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"


@pytest.mark.parametrize(
    "token",
    [
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        STRIPE,
        "AKIAIOSFODNN7EXAMPLE",
        "xK9mP2nQ7rS4tU6vW8yZ1aB3cD5eF7gH",
    ],
)
def test_random_tokens(token: str) -> None:
    assert is_random(token)


@pytest.mark.parametrize("token", ["hello_world", "my_variable_name", "my_application_name"])
def test_ordinary_identifiers(token: str) -> None:
    assert not is_random(token)


def test_p_random_thresholds() -> None:
    assert p_random("pk_test_TYooMQauvdEDq54NiTphI7jx") > 1e-4
    assert p_random(STRIPE) > 1e-4
    assert p_random("hello_world") < 1e-6
    assert p_random("PROJECT_NAME_ALIAS") < 1e-4


def test_redact_secret() -> None:
    assert redact_secret(STRIPE) == "sk_t********p7dc"
    assert redact_secret("AKIAIOSFODNN7EXAMPLE") == "AKIA********MPLE"
    assert redact_secret("short") == "*****"


def test_redact_text() -> None:
    assert (
        redact_text(f"Set API_KEY={STRIPE} in your config")
        == "Set API_KEY=sk_t********p7dc in your config"
    )
    normal = "This is normal text without any secrets"
    assert redact_text(normal) is normal
    # Byte offsets and characters differ before the token: the splice must not shift.
    assert redact_text(f"héllo → {STRIPE}!") == "héllo → sk_t********p7dc!"
    # Runs over 90 characters are not tokens; neither are runs under 15.
    assert redact_text("x" * 91 + STRIPE) == "x" * 91 + STRIPE
    assert redact_text("a9Kq2Lm8Zp4Rt7W") == "a9Kq********Rt7W"


def test_redact_text_in_code() -> None:
    code = (
        'let db_password = "xK9mP2nQ7rS4tU6vW8yZ1aB3cD5eF7gH";\n'
        f'let stripe_key = "{STRIPE}";\n'
        'let aws_key = "AKIAIOSFODNN7EXAMPLE";\n'
        'let app_name = "my_application_name";\n'
    )
    redacted = redact_text(code)
    assert (
        "xK9m********eF7gH"[:4] in redacted and "xK9mP2nQ7rS4tU6vW8yZ1aB3cD5eF7gH" not in redacted
    )
    assert STRIPE not in redacted and "AKIAIOSFODNN7EXAMPLE" not in redacted
    assert "my_application_name" in redacted
    assert redacted.count("********") == 3


@pytest.mark.parametrize(
    "key",
    ["id", "session_id", "parentId", "callID", "uuid", "parentUuid", "messageUUID", "timestamp",
     "startTime", "type", "role", "model", "version", "cwd", "gitBranch", "branch", "path",
     "file_path", "filePath", "producer", "name", "kind", "status"],
)  # fmt: skip
def test_denied_keys(key: str) -> None:
    assert is_denied_key(key)


@pytest.mark.parametrize(
    "key", ["content", "text", "message", "output", "value", "valid", "KIND\u212a"]
)
def test_content_keys(key: str) -> None:
    assert not is_denied_key(key)


def test_redact_json_walk() -> None:
    random_id = "xK9mP2nQ7rS4tU6vW8yZ1aB3cD5eF7gH"  # random, but no known family
    value = {
        "content": f"key: {STRIPE}",
        "session_id": random_id,
        "event_id": {"nested": random_id, "token": STRIPE},
        "name": STRIPE,
        "list": ["normal", f"secret: {STRIPE}"],
        "n": 5,
    }
    out = redact_json(value)
    # git-ai keeps everything under metadata keys; we keep random ids there but mask
    # secrets of a known family (here Stripe's) wherever they are.
    assert out == {
        "content": "key: sk_t********p7dc",
        "session_id": random_id,
        "event_id": {"nested": random_id, "token": "sk_t********p7dc"},
        "name": "sk_t********p7dc",
        "list": ["normal", "secret: sk_t********p7dc"],
        "n": 5,
    }
    assert value["content"] == f"key: {STRIPE}"  # the input is not modified
    clean = {"a": ["b", {"c": "d"}], "id": random_id}
    assert redact_json(clean) is clean


def test_redact_json_depth_limit() -> None:
    deep: Any = STRIPE
    for _ in range(40):
        deep = {"nested": deep}
    out = redact_json(deep)
    for _ in range(40):
        out = out["nested"]
    assert out == STRIPE
    shallow: Any = STRIPE
    for _ in range(31):
        shallow = {"nested": shallow}
    out = redact_json(shallow)
    for _ in range(31):
        out = out["nested"]
    assert out == "sk_t********p7dc"


def test_redact_message_masks_families_in_name_and_timestamp() -> None:
    message = ToolUse("Bash", {"command": f"export K={STRIPE}", "name": STRIPE}, STRIPE)
    assert redact_message(message) == ToolUse(
        "Bash",
        {"command": "export K=sk_t********p7dc", "name": "sk_t********p7dc"},
        "sk_t********p7dc",
    )
    text = TextMessage("user", "nothing here")
    assert redact_message(text) is text
    tool = ToolUse("Edit", {"file_path": "/repo/a9Kq2Lm8Zp4Rt7Wxyz.py"}, "2026-01-01T00:00:00Z")
    assert redact_message(tool) is tool  # a random-looking path is not a known secret


def test_parsing_redacts_by_default(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        jsonl(
            {"type": "user", "message": {"content": f"use {STRIPE}"}},
            {
                "type": "assistant",
                "message": {
                    "content": [
                        {"type": "thinking", "thinking": f"the key {STRIPE}"},
                        {"type": "tool_use", "name": "Write", "input": {
                            "file_path": f"/tmp/{STRIPE}", "content": f"K={STRIPE}"}},
                        {"type": "tool_use", "name": "Write", "input": {
                            "file_path": "/h/.claude/plans/p.md", "content": f"plan {STRIPE}"}},
                        {"type": "tool_use", "name": "Edit", "input": {
                            "file_path": "/h/.claude/plans/p.md",
                            "old_string": "plan", "new_string": "PLAN"}},
                    ]
                },
            },
        ),
    )  # fmt: skip
    masked = "sk_t********p7dc"
    assert parse_transcript("claude", path).messages == [
        TextMessage("user", f"use {masked}"),
        TextMessage("assistant", f"the key {masked}"),
        ToolUse("Write", {"file_path": f"/tmp/{masked}", "content": f"K={masked}"}),
        TextMessage("plan", f"plan {masked}"),
        # The plan state keeps the real text, so edits still match; only output is masked.
        TextMessage("plan", f"PLAN {masked}"),
    ]
    raw = parse_transcript("claude", path, options=ParseOptions(redact=False)).messages
    assert raw[0] == TextMessage("user", f"use {STRIPE}")


def test_tokens_with_more_than_64_distinct_characters() -> None:
    # git-ai's Stirling table has 65 columns and panics (index out of bounds) on such a
    # token; we read the missing entries as 0 and carry on.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-.~"
    assert len(set(alphabet)) == 68
    assert isinstance(p_random(alphabet), float)
    assert redact_text(f"x {alphabet} y") in (f"x {alphabet} y", "x ABCD********-.~ y")
