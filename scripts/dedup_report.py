#!/usr/bin/env python3
"""Near-duplicate groups of an index (:mod:`search.dedup`): how many groups, how many documents
collapse, and a random sample of groups (seed printed) to check by hand.

Usage::

    python scripts/dedup_report.py --bench              # the benchmark index
    python scripts/dedup_report.py --index-dir DIR --sample 50 --seed 12

Writes ``bench/results/dedup_sample.md`` (the figures and the sampled groups, each member with its id,
date, source, title and the start of its body); the judgement of each group is written by hand in
``bench/results/dedup.md``.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from search.snapshot import snapshot_for  # noqa: E402
from search.store import IndexStore  # noqa: E402

BENCH_INDEX = Path(os.environ.get("HUIXUN_BENCH_INDEX", REPO / "var" / "bench" / "index-all"))
RESULTS = REPO / "bench" / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir")
    parser.add_argument("--bench", action="store_true")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    index_dir = BENCH_INDEX if args.bench or not args.index_dir else Path(args.index_dir)
    ix = IndexStore(index_dir).open()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        started = time.perf_counter()
        snap = snapshot_for(reader)
        load = time.perf_counter() - started
        groups = snap.groups
        dup = np.flatnonzero(groups.dup)
        by_group: dict[int, list[int]] = collections.defaultdict(list)
        for docnum in dup.tolist():
            by_group[int(groups.group[docnum])].append(docnum)
        sizes = collections.Counter(len(m) for m in by_group.values())
        fields = {d: searcher.stored_fields(d) for d in dup.tolist()}

        def twins_only(members: list[int]) -> bool:
            return len({str(fields[d]["id"]).removesuffix("-hant") for d in members}) == 1

        twin_groups = sum(twins_only(m) for m in by_group.values())
        lines = [
            "# Near-duplicate groups: figures and a random sample",
            "",
            f"Index {index_dir.name}: {snap.doc_count} documents; snapshot loaded in {load:.1f} s.",
            "",
            f"- groups of two or more documents: {len(by_group)} "
            f"(sizes: {', '.join(f'{n} × {k}' for k, n in sorted(sizes.items()))})",
            f"- documents in those groups: {dup.size}; collapsed away (not shown by default): "
            f"{dup.size - len(by_group)}",
            f"- results (groups) without a query: {groups.count(snap.live)} of {snap.doc_count} documents",
            f"- groups that are exactly a document and its `-hant` mirror: {twin_groups}; other groups: "
            f"{len(by_group) - twin_groups}",
            "",
            f"Sample: {args.sample} groups drawn with seed {args.seed}.",
            "",
        ]
        rng = random.Random(args.seed)
        for number, rep in enumerate(rng.sample(sorted(by_group), min(args.sample, len(by_group))), 1):
            members = by_group[rep]
            kind = "twins" if twins_only(members) else "other"
            lines.append(f"## {number}. group {rep} ({len(members)} documents, {kind})")
            lines.append("")
            for d in members:
                f = fields[d]
                body = " ".join(str(f.get("body") or "").split())[:90]
                meta = f"`{f['id']}` {f.get('date')} · {f.get('source')}"
                lines.append(f"- {meta} · **{f.get('title')}** — {body}")
            lines.append("")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dedup_sample.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:12]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
