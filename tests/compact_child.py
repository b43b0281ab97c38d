"""A compactor process for crash tests: ``python -m tests.compact_child STORE POLICY``.

Set ``CKPTLOG_KILL_AT=compact.<step>`` to make it die at that step.
"""

from __future__ import annotations

import sys

from lsm import Store, compact


def main() -> None:
    with Store.open(sys.argv[1]) as store:
        report = compact(store, sys.argv[2])
        print("DONE", len(report.inputs), len(report.outputs), flush=True)


if __name__ == "__main__":
    main()
