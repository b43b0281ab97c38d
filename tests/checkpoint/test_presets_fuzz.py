"""Every preset and every transcript parser, fed mutated and random input, in process.

The payloads of git-ai's tests (preset_cases/*.json) are mutated key by key (dropped,
retyped, replaced by random JSON) and random payloads are added: a preset must either return
well-formed requests or raise InputError with a hint, never anything else. The transcript
parsers get random JSON values per line or record: they must never raise. (The hook process
itself, with its exit codes, one warning line and bounds, is fuzzed by the hook suite.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsm.checkpoint.presets import PRESETS, parse_invocation
from lsm.checkpoint.request import CheckpointRequest, PathRole
from lsm.errors import InputError
from lsm.model import CheckpointKind
from lsm.transcripts import AGENTS, ParseOptions, make_parser

CASES = Path(__file__).with_name("preset_cases")
ENV = {"HOME": "/home/user"}

#: Every preset's payloads from git-ai's tests (the seeds to mutate).
SEEDS: dict[str, list[dict[str, Any]]] = {}
for _path in sorted(CASES.glob("*.json")):
    _doc = json.loads(_path.read_text())
    for _case in _doc["cases"]:
        if isinstance(_case.get("payload"), dict):
            SEEDS.setdefault(_case.get("preset", _doc["preset"]), []).append(_case["payload"])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
tricky_strings = st.sampled_from(
    ["", " ", "..", "/", "\x00", "a\nb", "PreToolUse", "PostToolUse", "Write", "Bash",
     "*** Update File: x", "file:///etc/passwd", "\ud7ff", "😀", "/" * 300, "C:\\x"]
)  # fmt: skip


def _mutate(payload: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    out = dict(payload)
    for key in list(out):
        choice = data.draw(st.integers(0, 5))
        if choice == 0:
            del out[key]
        elif choice == 1:
            out[key] = data.draw(json_values)
        elif choice == 2:
            out[key] = data.draw(tricky_strings)
    if data.draw(st.booleans()):
        out[data.draw(st.text(max_size=10))] = data.draw(json_values)
    return out


def _check(requests: list[CheckpointRequest]) -> None:
    for req in requests:
        assert isinstance(req.kind, CheckpointKind)
        assert isinstance(req.path_role, PathRole)
        assert isinstance(req.cwd, str)
        assert all(isinstance(p, str) for p in req.paths)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in req.metadata.items())
        if req.kind.is_ai:
            assert req.agent_id is not None
            assert all(isinstance(x, str) for x in req.agent_id)
        assert req.discover or req.paths, "a request names files or asks git status"


def _run(preset: str, hook: str | None) -> None:
    try:
        requests = parse_invocation(
            preset, hook, [], cwd="/w", editor=None, editor_version=None,
            extension_version=None, env=ENV, warn=lambda _w: None,
        )  # fmt: skip
    except InputError as exc:
        problem = None if exc.what and exc.hint else "an InputError without a message or hint"
        assert problem is None
        return
    _check(requests)


PRESET_NAMES = [*sorted(PRESETS), "an-unknown-agent"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_presets_survive_mutated_git_ai_payloads(data: st.DataObject) -> None:
    preset = data.draw(st.sampled_from(PRESET_NAMES))
    seeds = SEEDS.get(preset) or SEEDS["claude"]
    payload = _mutate(data.draw(st.sampled_from(seeds)), data)
    _run(preset, json.dumps(payload))


@settings(max_examples=100, deadline=None)
@given(
    preset=st.sampled_from(PRESET_NAMES),
    hook=st.one_of(st.text(max_size=60), json_values.map(json.dumps), st.none()),
)
def test_presets_survive_random_input(preset: str, hook: str | None) -> None:
    _run(preset, hook)


@settings(max_examples=200, deadline=None)
@given(agent=st.sampled_from(AGENTS), entries=st.lists(json_values, max_size=6))
def test_transcript_parsers_never_raise(agent: str, entries: list[Any]) -> None:
    parser = make_parser(agent, ParseOptions())
    out: list[Any] = []
    for entry in entries:
        parser.handle(entry, out)
    state = parser.state()
    json.dumps(state)  # JSON-ready
    again = make_parser(agent, ParseOptions(), state)
    assert again.state() == state
