"""A writer process for crash and concurrency tests.

``python -m tests.engine_child STORE --tag T --count N [--files F] [--log L]
[--segment-bytes B] [--start S] [--lock-timeout S] [--map-size B]``

Appends checkpoints ``S..S+N-1`` (tests.engine_util.make_checkpoint) and
prints ``ACK tag i seq path`` after each append returns, flushed at once,
so a parent that kills this process knows exactly what was acknowledged.
Set ``CKPTLOG_KILL_AT`` to make it die at a named step.
"""

from __future__ import annotations

import argparse
import sys

from lsm import Store, StoreOptions
from tests.engine_util import make_checkpoint


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("--tag", default="w")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--log", default="base")
    ap.add_argument("--segment-bytes", type=int, default=32 << 20)
    ap.add_argument("--lock-timeout", type=float, default=30.0)
    ap.add_argument("--map-size", type=int, default=64 << 20)
    ap.add_argument("--attrs", type=int, default=3)
    args = ap.parse_args()
    opts = StoreOptions(
        segment_bytes=args.segment_bytes, lock_timeout=args.lock_timeout, map_size=args.map_size
    )
    with Store.open(args.store, options=opts) as store:
        for i in range(args.start, args.start + args.count):
            path = f"{args.tag}/f{i % args.files}.txt"
            cp, blobs = make_checkpoint(args.tag, i, path, attrs=args.attrs)
            seq = store.append(args.log, cp, blobs=blobs)
            sys.stdout.write(f"ACK {args.tag} {i} {seq} {path}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
