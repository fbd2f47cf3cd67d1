#!/usr/bin/env python3
"""cProfile of ``run_search`` over bench_query's queries on the benchmark index (where the time goes).

The same queries as ``bench/bench_query.py`` (fixed seed, five kinds). The generation's arrays are
loaded and one warm-up query runs before profiling; ``cold`` profiles each query the first time it is
seen (what bench_query's first pass measures), ``warm`` runs every query once unprofiled first (the
second pass). Prints the top functions by cumulative and by own time; nothing is written.

Usage: ``.venv/bin/python bench/profile_query.py [cold|warm] [--per-kind N] [--top N]``
(``$HUIXUN_BENCH_INDEX`` and ``$HUIXUN_SHARED`` as for bench_query).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_query as bq  # noqa: E402  (bench_query puts the repository on sys.path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", choices=("cold", "warm"), default="cold")
    parser.add_argument("--per-kind", type=int, default=60, help="queries of each kind (5 kinds)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=45, help="functions listed per ordering")
    args = parser.parse_args(argv)

    from search.models import SearchRequest
    from search.service import run_search
    from search.snapshot import snapshot_for
    from search.store import IndexStore

    queries = bq.make_queries(bq.load_docs(), args.seed, args.per_kind)
    ix = IndexStore(bq.INDEX).open()
    with ix.searcher() as searcher:
        started = time.perf_counter()
        snapshot_for(searcher.reader())
        print(f"snapshot loaded in {time.perf_counter() - started:.2f} s", flush=True)
        run_search(searcher, SearchRequest.create("预热"))  # jieba and OpenCC initialized
        if args.mode == "warm":
            for _, q in queries:
                run_search(searcher, SearchRequest.create(q))
        profile = cProfile.Profile()
        profile.enable()
        for _, q in queries:
            run_search(searcher, SearchRequest.create(q))
        profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
