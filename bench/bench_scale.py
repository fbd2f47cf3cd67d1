#!/usr/bin/env python3
"""Scale benchmark (``make bench-scale``, issue #15): how query cost and memory grow with the corpus.

For each size (default 100,000, 300,000 and 1,000,000 documents, ``--sizes``) the input is the benchmark
corpus (``../shared/corpus/bench_all.jsonl.gz``, 31,664 documents) repeated with new ids: copy 0 keeps the
original ids, copy ``k`` prefixes them with ``r<k>-`` (urls get ``#r<k>``), cut at the size. Each size gets
its own index under ``var/scale/<size>/``, built by ``huixun index --rebuild`` once and reused while its
stamp (the corpus's size and mtime, the size, this generator's version, huixun's schema version) still
matches.

Per size, written to ``bench/results/bench_scale.md`` (and ``.json``):

* indexing: wall time, index size on disk and its ratio to the raw UTF-8 text of title + body, peak RSS
  of the process tree (sampled every 0.2 s: parent + workers together) and the parent's and largest
  worker's ``ru_maxrss``;
* serving: ``huixun serve`` with **one** gunicorn worker on a working copy of the index; time from
  the start to the first answered search (the generation loaded); the worker's RSS and its private
  memory after the runs, from ``/proc/PID/smaps_rollup``: ``Anonymous`` (the heap: arrays, caches,
  Python objects; what another worker would not share) is the private figure. ``Private_Clean`` also
  counts the pages of memory-mapped index files that only this one worker has read: page cache,
  shared as soon as a second worker maps them, so it is reported but is not the private figure;
* queries: the query set of ``make bench`` (``bench/bench_query.py``'s ``make_queries``: 300 queries in
  five kinds, seed 20240101) over HTTP, one keep-alive connection, top 10 with facets and snippets; the
  whole set twice, the second pass reported (caches warm), p50/p95/p99/max per kind and overall;
* selective queries: rare words and quoted phrases found in a handful of documents, timed the same way
  (the cost should follow the matches, not the corpus);
* freshness: 200 new documents indexed into the live index while it serves; seconds from the end of the
  commit until a search finds them (a new generation served).

Reads ``../shared/`` (``HUIXUN_SHARED``); never part of ``make test``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_http import free_port  # noqa: E402  (bench/ is on the path now)

SHARED = Path(os.environ.get("HUIXUN_SHARED", REPO / ".." / "shared"))
CORPUS = SHARED / "corpus" / "bench_all.jsonl.gz"
ROOT = Path(os.environ.get("HUIXUN_SCALE_DIR", REPO / "var" / "scale"))
RESULTS = REPO / "bench" / "results"
#: Bump when the generated input changes (the stamp then forces a rebuild).
GENERATOR_VERSION = 1
QUERY_SEED = 20240101


def corpus_docs() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def scaled(docs: list[dict[str, Any]], size: int, copy_from: int = 0) -> Any:
    """Documents ``copy_from`` .. ``size - 1`` of the corpus repeated with new ids."""
    for n in range(copy_from, size):
        k, i = divmod(n, len(docs))
        doc = docs[i]
        if k:
            doc = dict(doc, id=f"r{k}-{doc['id']}")
            if doc.get("url"):
                doc["url"] = f"{doc['url']}#r{k}"
        yield doc


def stamp_of(size: int) -> dict[str, Any]:
    from search.schema import SCHEMA_VERSION

    st = CORPUS.stat()
    return {
        "corpus_bytes": st.st_size,
        "corpus_mtime": int(st.st_mtime),
        "size": size,
        "generator": GENERATOR_VERSION,
        "schema": SCHEMA_VERSION,
    }


def huixun_bin() -> str:
    return str(Path(sys.executable).parent / "huixun")


def children() -> dict[int, list[int]]:
    """Every process's children by parent pid (from ``/proc/PID/stat``)."""
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def tree_rss_kb(pid: int) -> int:
    """RSS of ``pid`` and all its descendants (KiB)."""
    total = 0
    tree = children()
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(tree.get(p, []))
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def build(size: int, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The index of ``size`` documents (built when its stamp differs) and its build figures."""
    folder = ROOT / str(size)
    stamp = stamp_of(size)
    stamp_file = folder / "stamp.json"
    figures_file = folder / "build.json"
    if stamp_file.exists() and figures_file.exists():
        if json.loads(stamp_file.read_text()) == stamp:
            figures = json.loads(figures_file.read_text())
            figures["reused"] = True
            return figures
    folder.mkdir(parents=True, exist_ok=True)
    stamp_file.unlink(missing_ok=True)
    source = folder / "input.jsonl"
    chars = raw_bytes = 0
    with open(source, "w", encoding="utf-8") as out:
        for doc in scaled(docs, size):
            line = json.dumps(doc, ensure_ascii=False)
            out.write(line + "\n")
            text = (doc.get("title") or "") + (doc.get("body") or "")
            chars += len(text)
            raw_bytes += len(text.encode("utf-8"))
    index_dir = folder / "index"
    code = (
        "import json, resource, sys\n"
        "from indexer.writer import index_paths\n"
        "r = index_paths([sys.argv[1]], sys.argv[2], rebuild=True, workers=2)\n"
        "print(json.dumps({'added': r.added, 'failed': r.failed, 'documents': r.documents,"
        " 'rss_parent_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " 'rss_worker_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    print(f"[{size}] indexing {size:,} documents ({chars:,} chars) …", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(source), str(index_dir)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.2)  # sampling interval of the RSS probe, not synchronisation
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"indexing {size} failed ({proc.returncode})")
    seconds = time.monotonic() - started
    result = json.loads(out.strip().splitlines()[-1])
    from indexer.writer import index_size

    disk = index_size(index_dir)
    figures = {
        "documents": result["documents"],
        "chars": chars,
        "raw_mb": raw_bytes / 1e6,
        "seconds": round(seconds, 1),
        "chars_per_s": round(chars / seconds),
        "index_mb": round(disk / 1e6, 1),
        "size_ratio": round(disk / raw_bytes, 2),
        "peak_tree_rss_mb": round(peak / 1024),
        "rss_parent_mb": round(result["rss_parent_mb"]),
        "rss_worker_mb": round(result["rss_worker_mb"]),
        "failed": result["failed"],
        "reused": False,
    }
    figures_file.write_text(json.dumps(figures, indent=1))
    stamp_file.write_text(json.dumps(stamp))
    source.unlink()
    print(f"[{size}] built: {figures}", flush=True)
    return figures


def smaps(pid: int) -> dict[str, float]:
    """RSS, PSS and private memory of ``pid`` in MB (``/proc/PID/smaps_rollup``)."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            values[parts[0].rstrip(":")] = int(parts[1])
    private = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return {
        "rss_mb": round(values.get("Rss", 0) / 1024),
        "pss_mb": round(values.get("Pss", 0) / 1024),
        "private_mb": round(private / 1024),
        "anon_mb": round(values.get("Anonymous", 0) / 1024),
    }


def worker_pids(master: int) -> list[int]:
    return children().get(master, [])


class Client:
    """One keep-alive HTTP connection; ``get`` returns (status, body, milliseconds)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, dict[str, Any], float]:
        started = time.perf_counter()
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = response.read()
        except OSError:
            self.conn.close()
            self.conn = HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        ms = (time.perf_counter() - started) * 1000
        return response.status, json.loads(body), ms


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 2)

    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": round(ordered[-1], 2),
    }


def selective_queries(docs: list[dict[str, Any]], seed: int, count: int) -> list[tuple[str, str]]:
    """Rare words (title words of 3+ characters found in exactly one of the first 10,000 documents) and
    quoted 6-character phrases of those documents' bodies: present at every size, and at every size
    they match a handful of documents (the corpus repeats: 1 copy at 10,000, 32 at 1,000,000)."""
    from search.analysis import segment

    rng = random.Random(seed)
    first = docs[:10_000]
    texts = [(d.get("title") or "") + "\n" + (d.get("body") or "") for d in first]
    queries: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(queries) < count:
        doc = rng.choice(first)
        words = [w.text for w in segment(doc.get("title") or "").words if w.han and len(w.text) >= 3]
        for word in words:
            if word not in seen and sum(word in t for t in texts) == 1:
                queries.append(("rare word", word))
                break
            seen.add(word)
    phrases: list[tuple[str, str]] = []
    while len(phrases) < count:
        body = rng.choice(first).get("body") or ""
        if len(body) < 60:
            continue
        start = rng.randrange(0, len(body) - 6)
        sub = body[start : start + 6]
        if all("\u4e00" <= c <= "\u9fff" for c in sub):
            phrases.append(("phrase", f'"{sub}"'))
    return queries + phrases


def serve_and_measure(
    size: int,
    docs: list[dict[str, Any]],
    queries: list[tuple[str, str]],
    selective: list[tuple[str, str]],
    fresh_docs: int,
) -> dict[str, Any]:
    # A working copy: the freshness probe commits into it, and the built index stays as its stamp says
    # (a later run, and the reference answers, see the same documents, segments and statistics).
    index_dir = ROOT / str(size) / "work"
    shutil.rmtree(index_dir, ignore_errors=True)
    source = ROOT / str(size) / "index"
    subprocess.run(["cp", "-a", "--reflink=auto", str(source), str(index_dir)], check=True)
    port = free_port()
    env = dict(
        os.environ,
        HUIXUN_RATE_LIMIT="1000000000",
        HUIXUN_RATE_BURST="1000000000",
        HUIXUN_ACCESS_LOG="-",
        HUIXUN_SERVE_WORKER="0",
        HUIXUN_SEARCH_TIMEOUT="30",
    )
    log = open(ROOT / str(size) / "serve.log", "wb")
    cmd = [
        huixun_bin(),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--index-dir",
        str(index_dir),
    ]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=log)
    result: dict[str, Any] = {}
    try:
        client = None
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"huixun serve exited with {proc.returncode}")
            try:
                client = Client(port)
                status, _body, _ms = client.get("/api/v1/search?q=" + quote("学会"))
                if status == 200:
                    break
            except OSError:
                time.sleep(0.2)  # polling the server's start (bounded by the deadline)
        else:
            raise SystemExit("the server did not answer within 900 s")
        assert client is not None
        result["first_answer_s"] = round(time.monotonic() - started, 2)
        workers = worker_pids(proc.pid)
        result["after_load"] = {str(pid): smaps(pid) for pid in workers}

        def run(qs: list[tuple[str, str]]) -> tuple[dict[str, list[float]], list[dict[str, Any]]]:
            by_kind: dict[str, list[float]] = {}
            answers = []
            for kind, q in qs:
                status, body, ms = client.get("/api/v1/search?q=" + quote(q))
                if status != 200:
                    raise SystemExit(f"{q!r}: HTTP {status} {body}")
                by_kind.setdefault(kind, []).append(ms)
                answers.append(body)
            return by_kind, answers

        first, _ = run(queries)
        second, answers = run(queries)
        result["first_pass"] = {"all": stats([x for v in first.values() for x in v])}
        result["second_pass"] = {k: stats(v) for k, v in sorted(second.items())}
        result["second_pass"]["all"] = stats([x for v in second.values() for x in v])
        result["estimated_facets"] = sum(1 for a in answers if _estimated(a))
        result["answers"] = [_digest(a) for a in answers]
        run(selective)
        sel, sel_answers = run(selective)
        result["selective"] = {k: stats(v) for k, v in sorted(sel.items())}
        result["selective_totals"] = {
            k: statistics.median(
                [a["total"] for (kk, _q), a in zip(selective, sel_answers, strict=True) if kk == k]
            )
            for k in sel
        }
        result["after_queries"] = {str(pid): smaps(pid) for pid in workers}
        if fresh_docs:
            result["freshness"] = freshness(size, docs, index_dir, client, fresh_docs)
            result["after_freshness"] = {str(pid): smaps(pid) for pid in worker_pids(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    return result


def _estimated(answer: dict[str, Any]) -> bool:
    return bool(answer.get("facets_estimated"))


def _digest(answer: dict[str, Any]) -> dict[str, Any]:
    data = answer
    facets = {}
    for name, facet in (data.get("facets") or {}).items():
        values = facet.get("values", facet) if isinstance(facet, dict) else facet
        facets[name] = (
            [[v.get("value"), v.get("count")] for v in values] if isinstance(values, list) else values
        )
    return {"total": data.get("total"), "ids": [h.get("id") for h in data.get("hits", [])], "facets": facets}


def freshness(
    size: int, docs: list[dict[str, Any]], index_dir: Path, client: Client, count: int
) -> dict[str, Any]:
    """Index ``count`` new documents into the live index and time until a search sees them."""
    marker = f"scalefresh{int(time.time())}"
    path = ROOT / str(size) / "fresh.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for n, doc in enumerate(docs[:count]):
            out.write(
                json.dumps(
                    dict(doc, id=f"{marker}-{n}", title=f"{doc.get('title') or ''} {marker}"),
                    ensure_ascii=False,
                )
                + "\n"
            )
    started = time.monotonic()
    subprocess.run(
        [huixun_bin(), "index", str(path), "--index-dir", str(index_dir)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    committed = time.monotonic()
    seen_at = None
    deadline = committed + 600
    while time.monotonic() < deadline:
        try:
            status, body, _ms = client.get("/api/v1/search?q=" + quote(marker))
        except OSError:  # the server closed the idle keep-alive connection while indexing ran
            continue
        if status == 200 and body["total"] >= count:
            seen_at = time.monotonic()
            break
    path.unlink()
    return {
        "documents": count,
        "index_s": round(committed - started, 2),
        "served_after_commit_s": round(seen_at - committed, 2) if seen_at else None,
    }


def compare_reference(size: int, answers: list[dict[str, Any]], save: bool) -> dict[str, Any] | None:
    """How many answers (total, ids in order, facet counts) equal those of the reference run at this
    size (``var/scale/<size>/reference.json``, kept by ``--save-reference``: the engine before a
    change); None without a reference."""
    path = ROOT / str(size) / "reference.json"
    if save:
        path.write_text(json.dumps(answers, ensure_ascii=False))
    if not path.exists():
        return None
    reference = json.loads(path.read_text())
    same = sum(a == b for a, b in zip(answers, reference, strict=False))
    differ = [i for i, (a, b) in enumerate(zip(answers, reference, strict=False)) if a != b]
    return {"queries": len(reference), "identical": same, "differing": differ[:20]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--build-only", action="store_true", help="build (or reuse) the indexes, no queries")
    parser.add_argument(
        "--fresh-docs", type=int, default=200, help="documents of the freshness probe (0: skip)"
    )
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument(
        "--save-reference",
        action="store_true",
        help="keep this run's answers as the reference the next runs at the same size are compared with",
    )
    parser.add_argument("--out", default=str(RESULTS / "bench_scale"), help="results file stem")
    args = parser.parse_args()
    from bench_query import make_queries

    docs = corpus_docs()
    queries = make_queries(docs, QUERY_SEED, args.per_kind)
    selective = selective_queries(docs, QUERY_SEED, 20)
    print(f"seed {QUERY_SEED}: {len(queries)} queries, {len(selective)} selective", flush=True)
    rows = []
    for size in args.sizes:
        row: dict[str, Any] = {"size": size, "build": build(size, docs)}
        if not args.build_only:
            row["serve"] = serve_and_measure(size, docs, queries, selective, args.fresh_docs)
            print(
                f"[{size}] {json.dumps({k: v for k, v in row['serve'].items() if k != 'answers'})}",
                flush=True,
            )
            row["reference"] = compare_reference(size, row["serve"]["answers"], args.save_reference)
        rows.append(row)
        Path(args.out + ".json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    if not args.build_only:
        write_markdown(rows, Path(args.out + ".md"))
    return 0


def write_markdown(rows: list[dict[str, Any]], path: Path) -> None:
    lines = [
        "# Scale benchmark (`make bench-scale`)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs; the benchmark corpus "
        "repeated with new ids; one gunicorn worker; queries of `make bench` (seed 20240101) over HTTP, "
        "one keep-alive connection, second pass (caches warm), top 10 with facets and snippets.",
        "",
        "## Indexing",
        "",
        "| documents | seconds | chars/s | index MB | ÷ raw | peak RSS, tree MB "
        "| parent / largest worker MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        b = r["build"]
        lines.append(
            f"| {r['size']:,} | {b['seconds']:,} | {b['chars_per_s']:,} | {b['index_mb']:,} | "
            f"{b['size_ratio']} | {b['peak_tree_rss_mb']:,} | "
            f"{b['rss_parent_mb']:,} / {b['rss_worker_mb']:,} |"
        )
    lines += [
        "",
        "## Serving",
        "",
        "| documents | first answer s | worker RSS MB | heap (anonymous) MB | private incl. mapped MB "
        "| PSS MB | commit of 200 documents s | generation served after commit s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        s = r["serve"]
        mem = next(iter(s["after_queries"].values()))
        fresh = s.get("freshness", {})
        lines.append(
            f"| {r['size']:,} | {s['first_answer_s']} | {mem['rss_mb']:,} | {mem['anon_mb']:,} | "
            f"{mem['private_mb']:,} | {mem['pss_mb']:,} | {fresh.get('index_s')} | "
            f"{fresh.get('served_after_commit_s')} |"
        )
    lines += [
        "",
        "## Query latency, second pass (ms)",
        "",
        "| documents | kind | n | p50 | p95 | p99 | max |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        for kind, st in r["serve"]["second_pass"].items():
            lines.append(
                f"| {r['size']:,} | {kind} | {st['n']} | {st['p50']} | {st['p95']} | {st['p99']} "
                f"| {st['max']} |"
            )
    lines += [
        "",
        "## Selective queries (ms; median matches)",
        "",
        "| documents | kind | median total | p50 | p99 | max |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        s = r["serve"]
        for kind, st in s["selective"].items():
            lines.append(
                f"| {r['size']:,} | {kind} | {s['selective_totals'][kind]} | {st['p50']} | {st['p99']} "
                f"| {st['max']} |"
            )
    lines += ["", "## Same answers as the reference engine", ""]
    for r in rows:
        ref = r.get("reference")
        lines.append(
            f"- {r['size']:,} documents: "
            + (f"{ref['identical']} of {ref['queries']} answers identical (total, ids in order, facet counts)"
               if ref else "no reference run kept (`--save-reference`)")
        )
    load = os.getloadavg()
    shared = f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}"
    lines += ["", f"Load average when written: {shared} (the machine is shared)."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
