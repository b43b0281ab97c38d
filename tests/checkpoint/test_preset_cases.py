"""git-ai's preset tests, as data: each payload in, the checkpoint requests git-ai makes out.

``preset_cases/<preset>.json`` holds, per preset, the payloads of git-ai's
own tests (``src/commands/checkpoint_agent/presets/*.rs``,
``tests/integration/agent_presets_comprehensive.rs``; each case names the
test it comes from) and what git-ai's preset and orchestrator make of them:
the checkpoint kind, the agent (tool, id, model), the files, the metadata,
the transcript source, or the error. A key left out of an expected request
is not checked (git-ai's test does not check it either); a key given is
compared exactly.

Expected request keys: ``kind`` (``Human``/``AiAgent``/``AiTab``/``KnownHuman``),
``path_role`` (``will_edit``/``edited``), ``cwd``, ``paths``, ``discover``,
``agent`` (``{tool, id, model}``, or null), ``agent_tool``/``agent_model``
(when the id is generated), ``metadata``, ``dirty_files``, ``transcript``
(``{agent, path, session_id}`` or null). ``{"error": S}``: an InputError
whose message contains S. ``{"warning": S}``: the one warning of an
unknown preset contains S.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lsm.checkpoint.presets import PRESETS, parse_invocation
from lsm.checkpoint.request import CheckpointRequest
from lsm.errors import InputError

CASES_DIR = Path(__file__).with_name("preset_cases")
DEFAULT_ENV = {"HOME": "/home/user"}


def _load() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.json")):
        doc = json.loads(path.read_text())
        for case in doc["cases"]:
            preset = case.get("preset", doc["preset"])
            cases.append((path.stem, preset, case))
    return cases


CASES = _load()


def _actual(req: CheckpointRequest) -> dict[str, Any]:
    agent = req.agent_id
    source = req.transcript
    transcript = None
    if source is not None:
        transcript = {"agent": source.agent, "path": source.path, "session_id": source.session_id}
    return {
        "kind": req.kind.value,
        "path_role": req.path_role.value,
        "cwd": req.cwd,
        "paths": req.paths,
        "discover": req.discover,
        "agent": None if agent is None else dict(agent._asdict()),
        "agent_tool": None if agent is None else agent.tool,
        "agent_model": None if agent is None else agent.model,
        "agent_id_prefix": None if agent is None else agent.id,
        "metadata": req.metadata,
        "dirty_files": req.dirty_files,
        "transcript": transcript,
    }


@pytest.mark.parametrize(
    ("family", "preset", "case"), CASES, ids=[f"{c[1]}:{c[2]['name']}" for c in CASES]
)
def test_preset_case(family: str, preset: str, case: dict[str, Any], tmp_path: Path) -> None:
    hook = case.get("payload_text")
    if hook is None and "payload" in case:
        hook = json.dumps(case["payload"])
    env = {**case.get("env", DEFAULT_ENV)}
    for key, value in case.get("env_tmp", {}).items():
        env[key] = str(tmp_path / value)
    for name, text in case.get("make_files", {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    warnings: list[str] = []
    expect = case["expect"]

    def call() -> list[CheckpointRequest]:
        return parse_invocation(
            preset,
            hook,
            case.get("cli_paths", []),
            cwd=case.get("cwd", "/elsewhere"),
            editor=None,
            editor_version=None,
            extension_version=None,
            env=env,
            warn=warnings.append,
        )

    if "error" in expect:
        with pytest.raises(InputError) as info:
            call()
        assert expect["error"] in info.value.what
        assert info.value.hint
        return
    requests = call()
    if "warning" in expect:
        assert len(warnings) == 1 and expect["warning"] in warnings[0], warnings
    else:
        assert warnings == []
    wanted = expect["requests"]
    assert len(requests) == len(wanted), requests
    for req, want in zip(requests, wanted, strict=True):
        got = _actual(req)
        for key, value in want.items():
            if key == "agent_id_prefix":
                assert got[key].startswith(value), (key, got[key])
            elif key == "transcript_tmp":
                value = {**value, "path": str(tmp_path / value["path"])}
                assert got["transcript"] == value, (key, got["transcript"], value)
            else:
                assert got[key] == value, (key, got[key], value)


def test_every_preset_has_cases() -> None:
    families = {family for family, _preset, _case in CASES}
    covered = {preset for _family, preset, _case in CASES}
    assert set(PRESETS) - covered == set(), "presets without a git-ai case"
    assert families  # the data is there
