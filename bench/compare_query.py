#!/usr/bin/env python3
"""Results of ~300 queries on an index as one JSON file, to compare two versions of the query engine.

For each query (bench_query's five kinds, fixed seed, drawn from the index's own stored documents):
the ranked ids with their scores (``run_search``, collapsed and not, with facet counts) and a digest
of the full score array of ``match_query`` (bitwise). Also times a second, warm pass over the queries
(median and total; a figure, not an assertion). Run it on two commits and ``cmp`` the two files.

Usage: ``.venv/bin/python bench/compare_query.py INDEX_DIR OUT.json [--per-kind 60] [--seed 7]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_query as bq  # noqa: E402  (bench_query puts the repository on sys.path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index")
    parser.add_argument("out")
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from search.models import SearchRequest
    from search.pinyin import expand_pinyin
    from search.query import parse_query
    from search.ranking import match_query
    from search.service import _lexicon, run_search
    from search.snapshot import snapshot_for
    from search.store import IndexStore

    ix = IndexStore(args.index).open()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        docs = [
            {"id": f.get("id"), "title": f.get("title") or "", "body": f.get("body") or f.get("title") or ""}
            for f in (searcher.stored_fields(n) for n in range(reader.doc_count_all()))
        ]
        queries = [q for _, q in bq.make_queries(docs, args.seed, args.per_kind)]
        snap = snapshot_for(reader)
        out: list[dict[str, Any]] = []
        for q in queries:
            entry: dict[str, Any] = {"q": q}
            for collapse in (True, False):
                resp = run_search(searcher, SearchRequest.create(q, per_page=50, collapse=collapse))
                entry[f"collapse={collapse}"] = {
                    "total": resp.total,
                    "relaxed": resp.relaxed,
                    "suggestion": resp.suggestion,
                    "hits": [(h.id, repr(h.score), [d.id for d in h.duplicates]) for h in resp.hits],
                    "facets": {k: [(b.value, b.count) for b in v] for k, v in resp.facets.items()},
                }
            lexicon = _lexicon()
            parsed = expand_pinyin(snap, reader, lexicon, parse_query(q))
            match = match_query(snap, reader, parsed, lexicon)
            entry["scores"] = hashlib.sha256(match.scores.tobytes() + match.mask.tobytes()).hexdigest()
            out.append(entry)
        times = []
        for q in queries:
            started = time.perf_counter()
            run_search(searcher, SearchRequest.create(q))
            times.append((time.perf_counter() - started) * 1000)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    median, total = statistics.median(times), sum(times)
    print(f"{len(queries)} queries; warm pass median {median:.3f} ms, total {total:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
