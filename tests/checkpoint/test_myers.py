"""The Myers port against imara-diff 0.2.0 itself.

tests/fixtures/imara_diff_golden.json.gz holds random cases diffed by the
real crate (tools/imara_oracle builds it); every removed/added flag must
match, before and after ``postprocess_lines``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from lsm.checkpoint import myers

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "imara_diff_golden.json.gz"
CASES = json.loads(gzip.decompress(GOLDEN.read_bytes()))["cases"]


def _bits(flags: list[bool]) -> str:
    return "".join("1" if f else "0" for f in flags)


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_matches_imara_diff(case: dict[str, list[str]]) -> None:
    before = [line.encode() for line in case["before"]]
    after = [line.encode() for line in case["after"]]
    t1, t2, values = myers.intern(before, after)
    removed, added = myers.diff(t1, t2)
    assert [_bits(removed), _bits(added)] == case["myers"]
    myers.postprocess(removed, added, t1, t2, lambda t: myers.indent_level(values[t]))  # type: ignore[arg-type]
    assert [_bits(removed), _bits(added)] == case["post"]


def test_golden_cases_reach_the_cost_heuristics() -> None:
    # At least one case is large and different enough that Myers hits its
    # cost limit (the snake sampling and best-position fallbacks).
    assert any(len(c["before"]) >= 1000 and c["myers"][0].count("1") > 300 for c in CASES)


def test_ops_and_hunks() -> None:
    assert myers.diff_ops(["a", "b", "c"], ["a", "x", "c"]) == [
        ("equal", 0, 1, 0, 1),
        ("replace", 1, 1, 1, 1),
        ("equal", 2, 1, 2, 1),
    ]
    assert myers.diff_ops(["a", "c"], ["a", "b", "c"]) == [
        ("equal", 0, 1, 0, 1),
        ("insert", 1, 0, 1, 1),
        ("equal", 1, 1, 2, 1),
    ]
    assert myers.diff_ops([], []) == []
    assert myers.hunks([True, False, True], [False, True]) == [(0, 1, 0, 0), (2, 3, 1, 2)]
