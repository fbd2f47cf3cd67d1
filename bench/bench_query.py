#!/usr/bin/env python3
"""Query latency on the benchmark corpus: huixun's ``run_search`` beside the naive Whoosh baseline.

Each query asks for the top 10 with highlighted title and snippet *and* every facet (huixun), or the
top 10 with ``hit.highlights`` (naive: Whoosh + ``jieba.analyse.ChineseAnalyzer``). Queries (fixed
seed, drawn from the corpus): single title words, two or three title words, 2–8 character substrings
of bodies, whole titles, and Traditional forms (OpenCC ``s2t``) of words. Every query runs once, cold
(the first time that query is seen; the generation's arrays are loaded before timing and their load
time is reported apart), then the whole set again (warm).

Indexes (built when missing, reused otherwise):

* huixun: ``$HUIXUN_BENCH_INDEX`` or ``var/bench/index-all`` (``indexer.writer.index_paths``; shared
  with ``bench/bench_index.py``);
* naive: ``var/bench/naive-<N>`` (``--naive-docs N``, default all documents; building it for all
  31,664 documents takes about 15 minutes on two cores).

Results: ``bench/results/bench_query.md`` and ``.json``; also runs ``scripts/eval_search.py --bench``
measurements on the same index when ``--eval`` is given.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = Path(os.environ.get("HUIXUN_SHARED", REPO / ".." / "shared"))
CORPUS = SHARED / "corpus" / "bench_all.jsonl.gz"
INDEX = Path(os.environ.get("HUIXUN_BENCH_INDEX", REPO / "var" / "bench" / "index-all"))
RESULTS = REPO / "bench" / "results"


def load_docs() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def ensure_index(docs_path: Path) -> None:
    from search.store import IndexStore

    if IndexStore(INDEX).exists():
        return
    from indexer.writer import index_paths

    plain = INDEX.parent / "bench_all.jsonl"
    plain.parent.mkdir(parents=True, exist_ok=True)
    if not plain.exists():
        with gzip.open(docs_path, "rb") as src, open(plain, "wb") as dst:
            dst.write(src.read())
    report = index_paths([plain], INDEX, workers=2, rebuild=True)
    print(f"built {INDEX}: {report.added} added, {report.failed} failed", flush=True)


def make_queries(docs: list[dict[str, Any]], seed: int, per_kind: int) -> list[tuple[str, str]]:
    import opencc

    from search.analysis import segment

    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    simplified = [d for d in docs if not str(d["id"]).endswith("-hant") and d.get("title")]
    queries: list[tuple[str, str]] = []

    def title_words(doc: dict[str, Any]) -> list[str]:
        return [w.text for w in segment(doc["title"]).words if w.han and len(w.text) >= 2]

    while sum(k == "word" for k, _ in queries) < per_kind:
        words = title_words(rng.choice(simplified))
        if words:
            queries.append(("word", rng.choice(words)))
    while sum(k == "words" for k, _ in queries) < per_kind:
        words = title_words(rng.choice(simplified))
        if len(words) >= 2:
            queries.append(("words", " ".join(rng.sample(words, min(len(words), rng.choice((2, 3)))))))
    while sum(k == "substring" for k, _ in queries) < per_kind:
        body = rng.choice(docs)["body"]
        n = rng.randint(2, 8)
        start = rng.randrange(0, max(1, len(body) - n))
        sub = body[start : start + n]
        if any(c.isalnum() for c in sub):
            queries.append(("substring", sub))
    while sum(k == "title" for k, _ in queries) < per_kind:
        queries.append(("title", rng.choice(simplified)["title"]))
    while sum(k == "traditional" for k, _ in queries) < per_kind:
        words = title_words(rng.choice(simplified))
        if words:
            trad = s2t.convert(rng.choice(words))
            queries.append(("traditional", trad))
    rng.shuffle(queries)
    return queries


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return {
        "p50": round(statistics.median(ordered), 2),
        "p99": round(p99, 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def rss_anon_mb() -> float:
    """Anonymous resident memory of this process (MB): the snapshot's arrays and texts, without the
    index files Whoosh maps (those pages are the page cache's, shared between processes)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def bench_huixun(queries: list[tuple[str, str]]) -> dict[str, Any]:
    from search.models import SearchRequest
    from search.service import run_search
    from search.snapshot import snapshot_for
    from search.store import IndexStore

    ix = IndexStore(INDEX).open()
    with ix.searcher() as searcher:
        rss_before = rss_anon_mb()
        started = time.perf_counter()
        snap = snapshot_for(searcher.reader())
        load_s = time.perf_counter() - started
        snapshot_mb = rss_anon_mb() - rss_before
        # Mapped: the substring index the indexer persisted (shared pages); built: made in memory.
        text_index = "mapped from the index" if snap.text.mapped else "built in memory"
        run_search(searcher, SearchRequest.create("预热"))  # jieba and OpenCC initialized
        cold: list[float] = []
        by_kind: dict[str, list[float]] = {}
        totals = []
        for kind, q in queries:
            t = time.perf_counter()
            response = run_search(searcher, SearchRequest.create(q))
            ms = (time.perf_counter() - t) * 1000
            cold.append(ms)
            by_kind.setdefault(kind, []).append(ms)
            totals.append(response.total)
        warm = []
        for _, q in queries:
            t = time.perf_counter()
            run_search(searcher, SearchRequest.create(q))
            warm.append((time.perf_counter() - t) * 1000)
        documents = searcher.doc_count()
    return {
        "documents": documents,
        "snapshot_load_s": round(load_s, 2),
        "snapshot_mb": round(snapshot_mb, 1),
        "text_index": text_index,
        "cold": percentiles(cold),
        "warm": percentiles(warm),
        "by_kind": {k: percentiles(v) for k, v in by_kind.items()},
        "zero_results": sum(t == 0 for t in totals),
    }


def bench_naive(docs: list[dict[str, Any]], queries: list[tuple[str, str]], count: int) -> dict[str, Any]:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index
    from whoosh.qparser import QueryParser

    folder = REPO / "var" / "bench" / f"naive-{count}"
    if not (folder / "DONE").exists():
        folder.mkdir(parents=True, exist_ok=True)
        schema = fields.Schema(
            id=fields.ID(stored=True),
            title=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
            body=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
        )
        ix = index.create_in(str(folder), schema)
        writer = ix.writer(limitmb=512)
        for doc in docs[:count]:
            writer.add_document(id=doc["id"], title=doc.get("title") or "", body=doc["body"])
        writer.commit()
        (folder / "DONE").write_text("ok")
    ix = index.open_dir(str(folder))
    samples = []
    with ix.searcher() as searcher:
        parser = QueryParser("body", ix.schema)
        for _, q in queries:
            t = time.perf_counter()
            try:
                query = parser.parse(q)
                results = searcher.search(query, limit=10)
                for hit in results:
                    hit.highlights("body")
            except Exception:  # noqa: BLE001 - the naive baseline does crash on some inputs
                pass
            samples.append((time.perf_counter() - t) * 1000)
        documents = searcher.doc_count()
    return {"documents": documents, "cold": percentiles(samples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=60, help="queries of each kind (5 kinds)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--naive-docs", type=int, default=0, help="documents in the naive index (0: all)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    args = parser.parse_args(argv)
    docs = load_docs()
    ensure_index(CORPUS)
    queries = make_queries(docs, args.seed, args.per_kind)
    huixun = bench_huixun(queries)
    naive = None
    if not args.no_naive:
        naive = bench_naive(docs, queries, args.naive_docs or len(docs))
    result = {
        "queries": len(queries),
        "seed": args.seed,
        "huixun": huixun,
        "naive": naive,
        "goal_ms": {"p50": 5, "p99": 30},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_query.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    lines = [
        "# Query latency (top 10 with highlighted title + snippet; huixun also computes every facet)",
        "",
        f"{len(queries)} queries ({args.per_kind} each: word, words, substring, title, traditional), "
        f"seed {args.seed}.",
        f"huixun index: {huixun['documents']} documents; per-generation arrays loaded in "
        f"{huixun['snapshot_load_s']} s before timing (+{huixun['snapshot_mb']} MB anonymous memory; "
        f"substring index {huixun['text_index']}); "
        f"{huixun['zero_results']} queries found nothing. Load average: {os.getloadavg()[0]:.2f}.",
        "",
        "| engine | documents | p50 ms | p99 ms | mean ms |",
        "|---|---:|---:|---:|---:|",
        f"| huixun, each query first time | {huixun['documents']} | {huixun['cold']['p50']} | "
        f"{huixun['cold']['p99']} | {huixun['cold']['mean']} |",
        f"| huixun, second pass | {huixun['documents']} | {huixun['warm']['p50']} | "
        f"{huixun['warm']['p99']} | {huixun['warm']['mean']} |",
    ]
    if naive:
        lines.append(
            f"| naive Whoosh + ChineseAnalyzer + hit.highlights | {naive['documents']} | "
            f"{naive['cold']['p50']} | {naive['cold']['p99']} | {naive['cold']['mean']} |"
        )
    lines += ["", "huixun by query kind (first time):", "", "| kind | p50 ms | p99 ms |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['p50']} | {v['p99']} |" for k, v in sorted(huixun["by_kind"].items())]
    markdown = "\n".join(lines) + "\n"
    (RESULTS / "bench_query.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
