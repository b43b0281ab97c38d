"""From a preset's payload to a case: transport, mutations, stream states; and the verdict.

:func:`make_case` turns a :class:`~tests.fuzz.registry.Payload` into the
fork server's case (``tests/fuzz/forkserver.py``): the payload travels as
``--hook-input JSON`` or on stdin, possibly truncated, re-encoded as UTF-16,
salted with NUL bytes or invalid UTF-8, wrapped in a BOM, nested too deep or
too big; stdin may be ``/dev/zero``, a pipe nobody closes, or closed;
stdout and stderr may be ``/dev/full``, closed or a broken pipe; unknown
options, ``--strict``, ``-q`` and ``-C`` are sprinkled in.

:func:`breaches` says what a result violates of the hook contract.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
from typing import Any

from tests.fuzz.hostile import World
from tests.fuzz.registry import GENERATORS

#: Every case must end within this, print at most this many warning lines, stay under this RSS.
TIMEOUT_S = 5.0
MAX_WARNINGS = 1
MAX_RSS_KB = 64 * 1024


def _encode(obj: Any, rng: random.Random) -> bytes:
    text = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
    return text.encode("utf-8", "surrogatepass")


def _mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    r = rng.random()
    if r < 0.10 and data:
        return data[: rng.randrange(len(data))], "truncated"
    if r < 0.14:
        return b"\xff\xfe" + data.decode("utf-8", "replace").encode("utf-16-le"), "utf16le-bom"
    if r < 0.18:
        return data.decode("utf-8", "replace").encode("utf-16-be"), "utf16be"
    if r < 0.24 and data:
        i = rng.randrange(len(data))
        return data[:i] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + data[
            i:
        ], "bad-utf8"
    if r < 0.29 and data:
        i = rng.randrange(len(data))
        return data[:i] + b"\x00" + data[i:], "nul"
    if r < 0.32:
        return b"\xef\xbb\xbf" + data, "utf8-bom"
    if r < 0.34:
        return rng.choice([b"", b"   \n", b"\t"]), "blank"
    if r < 0.37:
        return rng.choice(
            [b"[1, 2]", b"null", b'"str"', b"3", b"NaN", b'{"a": Infinity}']
        ), "not-object"
    if r < 0.38:
        return b"[" * 100_000 + b"]" * 100_000, "deep"
    if r < 0.385:
        return b'{"x": "' + b"a" * (9 << 20) + b'"}', "oversized"
    return data, "plain"


def _stdin_bytes(world: World, data: bytes) -> dict[str, Any]:
    """Small payloads travel in the case; large ones in a file the child reads as stdin,
    so that the fork server (whose memory every child starts with) never holds them."""
    if len(data) <= 60_000:
        return {"kind": "bytes", "data": base64.b64encode(data).decode()}
    path = world.root / "stdin" / hashlib.sha256(data).hexdigest()
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    return {"kind": "path", "path": str(path)}


def make_case(preset: str, world: World, rng: random.Random, index: int) -> dict[str, Any]:
    """Case ``index`` of ``preset`` (deterministic for a given ``rng`` state)."""
    payload = GENERATORS[preset](world, rng)
    argv: list[str] = [preset]
    labels = [preset]
    strict = rng.random() < 0.15
    stdin: dict[str, Any] = {"kind": "devnull"}
    timeout = TIMEOUT_S
    if payload.cli_paths is not None:
        argv += (["--"] if rng.random() < 0.7 else []) + payload.cli_paths
        labels.append("cli-paths")
    else:
        data, how = _mutate(_encode(payload.obj, rng), rng)
        labels.append(how)
        r = rng.random()
        if r < 0.03:
            argv += ["--hook-input", "stdin"]
            stdin = {"kind": "path", "path": "/dev/zero"}
            labels.append("stdin-dev-zero")
        elif r < 0.034:
            argv += ["--hook-input", "stdin"]
            stdin = {"kind": "pipe-open"}
            labels.append("stdin-never-closed")
        elif r < 0.05:
            argv += ["--hook-input", "stdin"]
            stdin = {"kind": "closed"}
            labels.append("stdin-closed")
        elif r < 0.6 or b"\x00" in data or len(data) > 100_000:
            argv += ["--hook-input", "stdin"]
            stdin = _stdin_bytes(world, data)
            labels.append("stdin")
        else:
            text = data.decode("utf-8", "surrogateescape")
            argv += ["--hook-input=" + text] if rng.random() < 0.2 else ["--hook-input", text]
            labels.append("argv")
    if strict:
        argv.insert(rng.randrange(1, len(argv) + 1) if len(argv) > 1 else 1, "--strict")
    if rng.random() < 0.06:
        argv.insert(1, rng.choice(["--bogus", "-x", "--editor", "--no-such=1", "-"]))
        labels.append("odd-option")
    if rng.random() < 0.05:
        argv.insert(1, "-q")
    if rng.random() < 0.05:
        argv[1:1] = ["-C", world.cwd(rng)]
        labels.append("-C")
    streams = {"stdout": "capture", "stderr": "capture"}
    r = rng.random()
    if r < 0.05:
        streams["stderr"] = "full"
    elif r < 0.09:
        streams["stderr"] = "closed"
    elif r < 0.12:
        streams["stderr"] = "broken"
    if rng.random() < 0.03:
        streams["stdout"] = rng.choice(["closed", "full", "broken"])
    env = world.env()
    if rng.random() < 0.05:
        env["CKPTLOG_STORAGE_MODE"] = rng.choice(["legacy", "dual"])
        labels.append(env["CKPTLOG_STORAGE_MODE"])
    cwd = rng.choice(
        [str(world.repo)] * 6 + [str(p) for p in world.legacy_repos] + [str(world.outside)]
    )
    return {
        "argv": argv,
        "cwd": cwd,
        "env": env,
        "stdin": stdin,
        "timeout": timeout + 2.0,  # the harness's own limit: a breach is over TIMEOUT_S
        "strict": strict,
        "label": f"{preset}#{index}:" + ",".join(labels),
        **streams,
    }


def warning_lines(stderr: str | None) -> list[str]:
    return [line for line in (stderr or "").splitlines() if ": warning:" in line]


def breaches(case: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Every way ``result`` breaks the hook contract (empty: it holds)."""
    out = []
    if "harness_error" in result:
        return [f"harness error: {result['harness_error']}"]
    allowed = {0, 1} if case["strict"] else {0}
    if result["timed_out"] or result["wall_s"] > TIMEOUT_S:
        out.append(f"took {result['wall_s']:.2f} s (limit {TIMEOUT_S} s)")
    if result.get("escaped"):
        out.append(f"an exception escaped: {result['escaped']}")
    if result["exit"] not in allowed:
        out.append(f"exit {result['exit']} signal {result['signal']} (allowed {sorted(allowed)})")
    if len(warning_lines(result.get("stderr"))) > MAX_WARNINGS:
        out.append(f"{len(warning_lines(result['stderr']))} warning lines")
    if "Traceback" in (result.get("stderr") or ""):
        out.append("a traceback on stderr")
    if result.get("rss_kb") and result["rss_kb"] > MAX_RSS_KB:
        out.append(f"peak RSS {result['rss_kb']} kB (limit {MAX_RSS_KB} kB)")
    return out


def existing_dirs(world: World) -> list[str]:
    return [d for d in world.dirs if os.path.isdir(d)]
