"""Generate tests/fixtures/imara_diff_golden.json.gz with the imara-diff 0.2.0 oracle.

usage: python tools/imara_oracle/gen_golden.py ORACLE_BINARY [SEED] [CASES]

Random line sequences (small alphabets, blank and indented lines, few to
thousands of edits, some wholesale rewrites that push Myers past its cost
limit) are diffed by the real imara-diff; the fixture records each case's
lines and the removed/added flags after ``Diff::compute(Myers)`` and after
``postprocess_lines``. tests/checkpoint/test_myers.py replays them.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path


def gen(rng: random.Random) -> tuple[list[str], list[str]]:
    pool_n = rng.choice([2, 3, 5, 10, 40, 200])
    pool = [
        " " * rng.choice([0, 0, 2, 4, 8])
        + ("\t" if rng.random() < 0.1 else "")
        + (f"x{rng.randrange(pool_n)}" if rng.random() > 0.15 else "")
        + "\n"
        for _ in range(pool_n)
    ]
    n = rng.choice([0, 1, 3, 10, 30, 100, 400, 1200])
    before = [rng.choice(pool) for _ in range(n)]
    after = list(before)
    for _ in range(rng.choice([0, 1, 3, 10, 50, 300, 900])):
        pos = rng.randrange(len(after) + 1)
        op = rng.random()
        if op < 0.4:
            after.insert(pos, rng.choice(pool))
        elif after:
            if op < 0.7:
                del after[min(pos, len(after) - 1)]
            else:
                after[min(pos, len(after) - 1)] = rng.choice(pool)
    if rng.random() < 0.1:
        after = [rng.choice(pool) for _ in range(rng.randrange(0, 1500))]
    return before, after


def main() -> None:
    oracle = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20261201)
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    cases = [gen(rng) for _ in range(count)]
    feed: list[str] = []
    for before, after in cases:
        table: dict[str, int] = {}
        ids_b = [table.setdefault(x, len(table)) for x in before]
        ids_a = [table.setdefault(x, len(table)) for x in after]
        feed.append(str(len(table)))
        feed.extend(x.encode().hex() for x in table)
        feed.append(" ".join(map(str, ids_b)))
        feed.append(" ".join(map(str, ids_a)))
    out = subprocess.run(
        [oracle], input="\n".join(feed) + "\n", capture_output=True, text=True, check=True
    ).stdout.splitlines()
    golden = []
    for i, (before, after) in enumerate(cases):
        myers = out[2 * i].split(" ")
        post = out[2 * i + 1].split(" ")
        golden.append({"before": before, "after": after, "myers": myers, "post": post})
    path = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "imara_diff_golden.json.gz"
    data = json.dumps({"imara_diff": "0.2.0", "cases": golden}, separators=(",", ":"))
    path.write_bytes(gzip.compress(data.encode(), mtime=0))
    print(f"{len(golden)} cases -> {path}")


if __name__ == "__main__":
    main()
