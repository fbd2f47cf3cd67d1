#!/usr/bin/env python3
"""Search quality on an indexed corpus, with a fixed seed (``make eval-search``).

Measures, over documents sampled from the index itself (so it runs unchanged on any corpus):

* **substring recall** — a 2–8 character string copied from a document (title or body; containing
  at least one Han character, letter or digit) finds that document, without relaxed matching. Bar: 100 %.
* **script equivalence** — the Traditional form (OpenCC ``s2t``) of a query returns the same top 10
  (same documents in the same order) as its Simplified form. Queries: words and substrings of
  Simplified titles whose Traditional form differs. Bar: ≥ 98 %.
* **known-item** — a document's whole title as the query ranks that document first (a document with
  the very same normalized title, a duplicate, ranking first counts too and is reported). Bar: ≥ 98 %.
* **zero-result rate** — of natural queries (two or three words of a random title).
* **fragments** — a piece of 2–12 characters copied from a random position of a document's title or
  body (crossing word boundaries on purpose; no whitespace; not read as query syntax) that is written,
  normalized, in at most :data:`FRAGMENT_MAX_DOCS` documents, searched as is: the share of pieces
  whose documents are all in the top 10 (a document listed as a hit's near-duplicate, "also published
  as", counts at that hit's rank), and the mean reciprocal rank of the first of them. Bar: ≥ 98 %.
  Pieces are drawn with the printed seed (``--seed``), never from a fixed list.

Usage::

    python scripts/eval_search.py                      # the demo corpus (index built in var/eval/demo)
    python scripts/eval_search.py --index-dir DIR      # any index
    python scripts/eval_search.py --bench              # the 31,664-document benchmark index

Results go to ``bench/results/eval_search[_bench].md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import opencc  # noqa: E402
from whoosh.searching import Searcher  # noqa: E402

from search.analysis import segment  # noqa: E402
from search.models import SearchRequest  # noqa: E402
from search.normalize import normalize  # noqa: E402
from search.query import clean_query_text, parse_query  # noqa: E402
from search.ranking import HAN_RUN_RE, match_query, title_key  # noqa: E402
from search.service import _lexicon, run_search  # noqa: E402
from search.snapshot import snapshot_for  # noqa: E402
from search.store import IndexStore  # noqa: E402

BARS = {"substring_recall": 1.0, "script_equivalence": 0.98, "known_item": 0.98, "fragment_top10": 0.98}
#: A fragment counts when it is written in at most this many documents.
FRAGMENT_MAX_DOCS = 5
DEMO = REPO / "data" / "demo"
DEMO_INDEX = REPO / "var" / "eval" / "demo"
BENCH_INDEX = Path(os.environ.get("HUIXUN_BENCH_INDEX", REPO / "var" / "bench" / "index-all"))
RESULTS = REPO / "bench" / "results"


@dataclass
class EvalReport:
    """Rates in [0, 1] with their sample sizes and the failing queries (for debugging)."""

    documents: int
    seed: int
    substring_recall: float = 0.0
    substring_queries: int = 0
    script_equivalence: float = 0.0
    script_queries: int = 0
    known_item: float = 0.0
    known_item_queries: int = 0
    known_item_duplicates: int = 0
    zero_result_rate: float = 0.0
    zero_result_queries: int = 0
    fragment_top10: float = 0.0
    fragment_mrr: float = 0.0
    fragment_queries: int = 0
    seconds: float = 0.0
    failures: dict[str, list[str]] = field(default_factory=dict)

    def passes(self) -> dict[str, bool]:
        return {name: getattr(self, name) >= bar for name, bar in BARS.items()}


def _searchable(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _docs(searcher: Searcher) -> list[tuple[int, dict[str, Any]]]:
    reader = searcher.reader()
    return [(docnum, searcher.stored_fields(docnum)) for docnum in reader.all_doc_ids()]


def evaluate(searcher: Searcher, *, seed: int = 20240101, samples: int = 300) -> EvalReport:
    """Run every measurement on the index behind ``searcher`` (see the module docstring)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    docs = _docs(searcher)
    docs.sort(key=lambda item: str(item[1].get("id")))
    report = EvalReport(documents=len(docs), seed=seed)
    reader = searcher.reader()
    snap = snapshot_for(reader)
    lexicon = _lexicon()
    failures: dict[str, list[str]] = {"substring": [], "script": [], "known_item": [], "zero": []}

    # Substring recall: strict matching must include the document.
    found = 0
    for _ in range(samples):
        docnum, fields = rng.choice(docs)
        text = str(fields.get("body") or "") if rng.random() < 0.8 else str(fields.get("title") or "")
        if len(text) < 2:
            text = str(fields.get("title") or "") + str(fields.get("body") or "")
        for _attempt in range(20):
            length = rng.randint(2, 8)
            start = rng.randrange(0, max(1, len(text) - length + 1))
            sub = text[start : start + length]
            if _searchable(sub):
                break
        match = match_query(snap, reader, parse_query(sub), lexicon)
        ok = bool(match.mask[docnum]) and not match.relaxed
        found += ok
        report.substring_queries += 1
        if not ok:
            failures["substring"].append(f"{sub!r} in {fields.get('id')}")
    report.substring_recall = found / max(report.substring_queries, 1)

    # Script equivalence on Simplified queries whose Traditional form differs.
    s2t = opencc.OpenCC("s2t")
    same = 0
    simplified_docs = [d for d in docs if not str(d[1].get("id")).endswith("-hant")]
    tries = 0
    while report.script_queries < samples // 2 and tries < samples * 10:
        tries += 1
        _, fields = rng.choice(simplified_docs)
        title = str(fields.get("title") or "")
        words = [w.text for w in segment(title).words if w.han and len(w.text) >= 2]
        if not words:
            continue
        query = rng.choice(words) if rng.random() < 0.6 else " ".join(rng.sample(words, min(2, len(words))))
        trad = s2t.convert(query)
        if trad == query or title_key(query) != title_key(query):
            continue
        a = [h.id for h in run_search(searcher, SearchRequest.create(query)).hits]
        b = [h.id for h in run_search(searcher, SearchRequest.create(trad)).hits]
        report.script_queries += 1
        if a == b:
            same += 1
        else:
            failures["script"].append(f"{query!r} / {trad!r}")
    report.script_equivalence = same / max(report.script_queries, 1)

    # Known-item: the title as the query.
    first = 0
    titled = [d for d in docs if len(title_key(str(d[1].get("title") or ""))) >= 4]
    for _ in range(min(samples, len(titled))):
        _, fields = rng.choice(titled)
        title = str(fields["title"])
        hits = run_search(searcher, SearchRequest.create(title, per_page=1)).hits
        report.known_item_queries += 1
        if hits and hits[0].id == fields["id"]:
            first += 1
        elif hits and title_key(hits[0].title) == title_key(title):
            first += 1
            report.known_item_duplicates += 1
        else:
            failures["known_item"].append(f"{title!r} ({fields['id']}) → {hits[0].id if hits else None}")
    report.known_item = first / max(report.known_item_queries, 1)

    # Zero-result rate of natural queries: two or three words of a random title.
    zero = 0
    for _ in range(samples // 2):
        _, fields = rng.choice(docs)
        words = [w.text for w in segment(str(fields.get("title") or "")).words if len(w.text) >= 2]
        if len(words) < 2:
            continue
        query = " ".join(rng.sample(words, min(len(words), rng.choice((2, 3)))))
        total = run_search(searcher, SearchRequest.create(query, per_page=1)).total
        report.zero_result_queries += 1
        if total == 0:
            zero += 1
            failures["zero"].append(query)
    report.zero_result_rate = zero / max(report.zero_result_queries, 1)
    _fragments(searcher, docs, rng, samples, report, failures)
    report.failures = {k: v[:20] for k, v in failures.items() if v}
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _fragment(rng: random.Random, fields: dict[str, Any]) -> str | None:
    """A random piece of 2–12 characters of the document's title or body, or None when the draw
    gave nothing usable (whitespace inside, nothing searchable, or text read as query syntax)."""
    text = str(fields.get("body") or "") if rng.random() < 0.8 else str(fields.get("title") or "")
    length = rng.randint(2, 12)
    if len(text) < length:
        return None
    start = rng.randrange(0, len(text) - length + 1)
    piece = text[start : start + length]
    if any(c.isspace() for c in piece) or not _searchable(piece) or '"' in clean_query_text(piece):
        return None
    parsed = parse_query(piece)
    if len(parsed.groups) != 1 or parsed.filters or parsed.excluded or parsed.date_from or parsed.notes:
        return None
    return piece


def _fragments(
    searcher: Searcher,
    docs: list[tuple[int, dict[str, Any]]],
    rng: random.Random,
    samples: int,
    report: EvalReport,
    failures: dict[str, list[str]],
) -> None:
    """The fragment class (see the module docstring)."""
    reader = searcher.reader()
    snap = snapshot_for(reader)
    live = snap.live
    ids = {docnum: str(fields.get("id")) for docnum, fields in docs}
    everything = np.flatnonzero(live).astype(np.int32)
    top10 = 0
    reciprocal = 0.0
    tries = 0
    failures["fragment"] = []
    while report.fragment_queries < samples and tries < samples * 50:
        tries += 1
        _docnum, fields = rng.choice(docs)
        piece = _fragment(rng, fields)
        if piece is None:
            continue
        needle = normalize(piece)
        runs = HAN_RUN_RE.findall(needle)
        candidates = snap.text.docs_with(max(runs, key=len)) if runs else everything
        holders = snap.text.texts.containing(candidates[live[candidates]], needle.encode("utf-8"))
        if not 1 <= holders.size <= FRAGMENT_MAX_DOCS:
            continue
        wanted = {ids[int(d)] for d in holders.tolist()}
        hits = run_search(searcher, SearchRequest.create(piece)).hits
        rank_of: dict[str, int] = {}
        for rank, hit in enumerate(hits, 1):
            for found in (hit.id, *(d.id for d in hit.duplicates)):
                rank_of.setdefault(found, rank)
        report.fragment_queries += 1
        ranks = [rank_of[i] for i in wanted if i in rank_of]
        if len(ranks) == len(wanted):
            top10 += 1
        else:
            failures["fragment"].append(f"{piece!r} ({', '.join(sorted(wanted - set(rank_of)))})")
        reciprocal += 1.0 / min(ranks) if ranks else 0.0
    report.fragment_top10 = top10 / max(report.fragment_queries, 1)
    report.fragment_mrr = reciprocal / max(report.fragment_queries, 1)


def to_markdown(report: EvalReport, label: str) -> str:
    rows = [
        ("substring recall", report.substring_recall, report.substring_queries, "= 100 %"),
        ("script equivalence (top 10)", report.script_equivalence, report.script_queries, "≥ 98 %"),
        ("known-item (title → rank 1)", report.known_item, report.known_item_queries, "≥ 98 %"),
        ("zero-result rate (2–3 title words)", report.zero_result_rate, report.zero_result_queries, "low"),
        ("fragments: all their documents in the top 10", report.fragment_top10, report.fragment_queries,
         "≥ 98 %"),
    ]
    lines = [
        f"# Search quality: {label}",
        "",
        f"{report.documents} documents, seed {report.seed}, {report.seconds} s. "
        f"Known-item hits that were a duplicate title: {report.known_item_duplicates}.",
        "",
        "| measure | value | queries | bar |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| {name} | {value * 100:.1f} % | {n} | {bar} |" for name, value, n, bar in rows]
    mrr, count = report.fragment_mrr, report.fragment_queries
    lines += [f"| fragments: mean reciprocal rank | {mrr:.3f} | {count} | |"]
    if report.failures:
        lines += ["", "Failures (first 20 of each):", ""]
        for kind, items in report.failures.items():
            lines += [f"- {kind}: " + "; ".join(items)]
    return "\n".join(lines) + "\n"


def _ensure_demo_index() -> Path:
    if not IndexStore(DEMO_INDEX).exists():
        from indexer.writer import index_paths

        index_paths([DEMO], DEMO_INDEX)
    return DEMO_INDEX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", help="index to evaluate (default: the demo corpus)")
    parser.add_argument("--bench", action="store_true", help=f"evaluate the benchmark index ({BENCH_INDEX})")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20240101)
    args = parser.parse_args(argv)
    if args.bench:
        index_dir, label, name = BENCH_INDEX, "benchmark corpus", "eval_search_bench"
    elif args.index_dir:
        index_dir, label, name = Path(args.index_dir), str(args.index_dir), "eval_search_custom"
    else:
        index_dir, label, name = _ensure_demo_index(), "demo corpus", "eval_search"
    ix = IndexStore(index_dir).open()
    with ix.searcher() as searcher:
        report = evaluate(searcher, seed=args.seed, samples=args.samples)
    RESULTS.mkdir(parents=True, exist_ok=True)
    markdown = to_markdown(report, label)
    (RESULTS / f"{name}.md").write_text(markdown, encoding="utf-8")
    payload = {**asdict(report), "passes": report.passes(), "bars": BARS}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown)
    return 0 if all(report.passes().values()) else 1


if __name__ == "__main__":
    sys.exit(main())
