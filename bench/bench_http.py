"""HTTP load benchmark: ``/api/v1/search`` under gunicorn (2 workers) driven by ``wrk`` with distinct queries.

Starts ``huixun serve`` (gunicorn with the packaged ``webapp/gunicorn_conf.py``) on a free port over an index
(``--index-dir``; default ``$HUIXUN_BENCH_INDEX`` or ``var/bench/index-all``, the 31,664-document benchmark
index that ``bench/bench_query.py`` builds, when it exists; else the demo index, built into a temporary
directory), warms it up, then runs ``wrk`` with a Lua script that cycles through
distinct queries (words and word pairs cut from the corpus's titles, shuffled with a fixed seed), and
reports requests/s and latency p50/p90/p99. Any socket error or non-2xx answer fails the run.

Writes ``bench/results/bench_http.md`` and ``bench/results/bench_http.json``.

    .venv/bin/python bench/bench_http.py [--index-dir DIR] [--duration 15] [--connections 8]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
DEMO = REPO / "data" / "demo"
SEED = 20261128

LUA = """
local paths = {%(paths)s}
local n = 0
function setup(thread)
  thread:set("id", n)
  n = n + 1
end
function init(args)
  -- thread i of N takes queries offset+i, offset+i+N, ...: no two requests of a run share a query
  counter = tonumber(args[1]) + id
  stride = tonumber(args[2])
end
function request()
  local path = paths[(counter %% #paths) + 1]
  counter = counter + stride
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "mean_us": %%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def default_index() -> str | None:
    """The benchmark index when it has been built (by ``bench/bench_query.py``), else ``None`` (demo)."""
    index = Path(os.environ.get("HUIXUN_BENCH_INDEX", REPO / "var" / "bench" / "index-all"))
    return str(index) if (index / "live").exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def distinct_queries(limit: int) -> list[str]:
    """Words (2–6 Han characters) and adjacent word pairs from the demo titles and openings, distinct,
    in a seeded shuffle."""
    from search.analysis import segment

    words: list[str] = []
    pairs: list[str] = []
    for line in (DEMO / "fixtures_zh.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = (doc.get("title") or "") + "。" + (doc.get("body") or "")[:300]
        han = [w.text for w in segment(text).words if w.han and 2 <= len(w.text) <= 6]
        words += han
        pairs += [f"{a} {b}" for a, b in zip(han, han[1:], strict=False)]
    queries = list(dict.fromkeys(words + pairs))
    random.Random(SEED).shuffle(queries)
    return queries[:limit]


def wait_until_serving(proc: subprocess.Popen[bytes], url: str, deadline_s: float = 120.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer {url} within {deadline_s} s")


def run_wrk(
    base: str, script: Path, threads: int, connections: int, duration: int, offset: int
) -> dict[str, float]:
    """One wrk run starting at query number ``offset``."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script)]
    cmd += [base, "--", str(offset), str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^WRKJSON (.*)$", out, re.M)
    if not match:
        raise SystemExit("wrk printed no summary:\n" + out)
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index-dir", default=default_index(), help="index to serve (default: benchmark, else demo)"
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds of the measured run")
    parser.add_argument(
        "--connections",
        type=int,
        nargs="+",
        default=[2, 8],
        help="concurrent connections (one run per value)",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--queries", type=int, default=50_000, help="distinct queries at most")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="bench_http_"))
    try:
        index_dir = Path(args.index_dir) if args.index_dir else tmp / "index"
        if not args.index_dir:
            from indexer.writer import index_paths

            print("building the demo index …", flush=True)
            index_paths([DEMO / "fixtures_zh.jsonl", DEMO / "posts"], index_dir)
        queries = distinct_queries(args.queries)
        paths = [f"/api/v1/search?q={quote(q)}" for q in queries]
        script = tmp / "queries.lua"
        script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(
            os.environ,
            HUIXUN_RATE_LIMIT="1000000000",  # one client (wrk) on localhost: the limiter must not interfere
            HUIXUN_RATE_BURST="1000000000",
            HUIXUN_ACCESS_LOG=str(tmp / "access.log"),
        )
        huixun = str(Path(sys.executable).parent / "huixun")
        cmd = [huixun, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        cmd += ["--index-dir", str(index_dir)]
        with open(tmp / "gunicorn.log", "wb") as log:
            proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=log)
            try:
                wait_until_serving(proc, base + "/healthz")
                with urllib.request.urlopen(base + "/healthz") as response:
                    health = json.load(response)
                # Warm-up (workers load the index), then one run per level; every run starts where the
                # previous ended, so queries repeat only once all distinct ones have been sent.
                sent = int(run_wrk(base, script, args.threads, max(args.connections), 3, 0)["requests"])
                results = {}
                for connections in args.connections:
                    results[connections] = run_wrk(
                        base, script, args.threads, connections, args.duration, sent
                    )
                    sent += int(results[connections]["requests"])
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    runs = []
    for connections, result in results.items():
        seconds = result["duration_us"] / 1e6
        runs.append(
            {
                "connections": connections,
                "requests": int(result["requests"]),
                "requests_per_s": round(result["requests"] / seconds, 1),
                "latency_ms": {
                    key: round(result[f"{key}_us"] / 1000, 2) for key in ("p50", "p90", "p99", "max", "mean")
                },
                "errors": {k: int(result[k]) for k in ("connect", "read", "write", "status", "timeout")},
            }
        )
    report = {
        "benchmark": "bench_http",
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "server": "gunicorn, 2 workers (webapp.gworker), preload_app (huixun serve)",
        "endpoint": "/api/v1/search (top 10, snippets, all facets)",
        "documents": health["documents"],
        "distinct_queries": len(queries),
        "requests_sent": sent,
        "wrk": {"threads": args.threads, "duration_s": args.duration, "warmup_s": 3},
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_http.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    rows = "\n".join(
        f"| {r['connections']} | {r['requests']} | {r['requests_per_s']} | {r['latency_ms']['p50']} | "
        f"{r['latency_ms']['p90']} | {r['latency_ms']['p99']} | {r['latency_ms']['max']} | "
        f"{sum(r['errors'].values())} |"
        for r in runs
    )
    repeats = "no query was sent twice" if sent <= len(queries) else "queries were cycled"
    md = f"""# HTTP load: `/api/v1/search` under gunicorn

{report["when"]} · {os.cpu_count()} CPUs · Python {platform.python_version()}

- server: {report["server"]}; `wrk` on the same machine ({args.threads} threads),
  {args.duration} s per run after a 3 s warm-up; latency includes queueing when connections outnumber workers
- index: {report["documents"]} documents; {report["distinct_queries"]} distinct queries (words and word pairs
  from the corpus), {sent} requests in all: {repeats}; each request top 10 with snippets and every facet

| connections | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |
|---:|---:|---:|---:|---:|---:|---:|---:|
{rows}
"""
    (RESULTS / "bench_http.md").write_text(md, encoding="utf-8")
    print(md)
    failed = {r["connections"]: r["errors"] for r in runs if sum(r["errors"].values())}
    if failed:
        print(f"FAILED: errors during the run: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
