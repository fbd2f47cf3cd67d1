"""Ingest latency: the time from ``POST /api/v1/documents`` to the post being found by ``/api/v1/search``.

Starts ``huixun serve`` (gunicorn, 2 workers, and the ``huixun worker`` it runs) on a free port over a
private copy of each index (``--index-dir``, repeatable; ``demo``: the demo index, built into a temporary
directory; default: ``demo`` and the benchmark index, ``$HUIXUN_BENCH_INDEX`` or ``var/bench/index-all``,
when it is built), creates an API key, then sends ``--posts`` announcements one at a time, each
holding a phrase no other document has, and polls the search API (every 10 ms) until the phrase is found.
Posts are sequential, so the server is otherwise idle. Reports the median and maximum of POST → searchable,
and of POST → task ``succeeded`` (the worker's share).

Writes ``bench/results/ingest_latency.md``.

    .venv/bin/python bench/bench_ingest.py [--index-dir demo] [--index-dir var/bench/index-all] [--posts 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
DEMO = REPO / "data" / "demo"
HUIXUN = str(Path(sys.executable).parent / "huixun")
SEED = 20261206
DEADLINE_S = 60.0
# Common characters for the unique phrases (a random 6-character string of them occurs in no announcement).
HAN = "天地人和春夏秋冬山水风云日月星辰金木火土江河湖海东南西北花草树林鸟鱼虫龙虎马牛羊"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, method: str = "GET", body: object = None, key: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def wait(predicate, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise SystemExit(f"not within {DEADLINE_S} s: {what}")


@dataclass
class Run:
    label: str
    documents: int
    searchable: list[float] = field(default_factory=list)  # seconds, POST → found
    applied: list[float] = field(default_factory=list)  # seconds, POST → task succeeded
    errors: list[str] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--index-dir", action="append", default=[],
                        help="an index to copy and measure (repeatable; demo: the demo index, the default)")
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    sources = args.index_dir or ["demo"]
    bench_index = Path(os.environ.get("HUIXUN_BENCH_INDEX", REPO / "var" / "bench" / "index-all"))
    if not args.index_dir and (bench_index / "live").exists():
        sources.append(str(bench_index))
    runs = [measure(source, args.posts) for source in sources]
    write_report(runs)


def measure(source: str, posts: int) -> Run:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="huixun-ingest-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        if source != "demo":
            shutil.copytree(source, index_dir, symlinks=True)
            label = source
        else:
            subprocess.run([HUIXUN, "index", str(DEMO / "fixtures_zh.jsonl"), "--index-dir", str(index_dir)],
                           check=True, capture_output=True, cwd=REPO)
            label = "demo index (data/demo/fixtures_zh.jsonl)"
        key = subprocess.run([HUIXUN, "keys", "create", "--name", "bench", "--index-dir", str(index_dir)],
                             check=True, capture_output=True, text=True, cwd=REPO).stdout.strip()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, HUIXUN_ACCESS_LOG="/dev/null", HUIXUN_RATE_LIMIT="1000",
                   HUIXUN_RATE_BURST="1000")
        log = open(Path(tmp) / "server.log", "wb")
        proc = subprocess.Popen([HUIXUN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                                 "--index-dir", str(index_dir)], cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            wait(lambda: _up(base), "the server answers")
            # The worker has loaded jieba and looks at the queue (a just-started server is not idle).
            server_log = Path(tmp) / "server.log"
            wait(lambda: b"ready: applying the tasks" in server_log.read_bytes(), "worker ready")
            run = Run(label, call(base + "/healthz")[1]["documents"])
            for n in range(posts):
                phrase = "".join(rng.choice(HAN) for _ in range(6))
                post = {"id": f"bench-{n}", "title": f"中国化学会{phrase}专题会议通知",
                        "body": f"中国化学会定于2026年12月召开{phrase}专题会议，欢迎参加。",
                        "date": "2026-12-06", "source": "中国化学会"}
                query = base + "/api/v1/search?q=" + quote(f'"{phrase}"')
                started = time.perf_counter()
                status, body = call(base + "/api/v1/documents", "POST", post, key=key)
                assert status == 202, body
                task_url = f"{base}/api/v1/tasks/{body['task_id']}"
                done: list[float] = []

                def found(query: str = query, task_url: str = task_url, done: list[float] = done) -> bool:
                    if not done and call(task_url, key=key)[1]["task"]["status"] == "succeeded":
                        done.append(time.perf_counter())
                    try:
                        status, body = call(query)
                    except TimeoutError:  # counted; the post is polled again
                        run.errors.append("client timeout (120 s)")
                        return False
                    if status != 200:  # e.g. a 503 search_timeout on a loaded machine: counted, retried
                        run.errors.append(f"{status} {body['error']['code']}")
                        return False
                    return bool(body["total"] == 1)

                wait(found, f"post {n} searchable")
                run.searchable.append(time.perf_counter() - started)
                run.applied.append((done[0] if done else time.perf_counter()) - started)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            log.close()
    print(f"{label}: median {statistics.median(run.searchable):.2f} s, max {max(run.searchable):.2f} s")
    return run


def _up(base: str) -> bool:
    try:
        return call(base + "/healthz")[0] == 200
    except OSError:
        return False


def write_report(runs: list[Run]) -> None:
    lines = [
        "# Ingest latency: POST /api/v1/documents → searchable",
        "",
        f"Measured {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by `bench/bench_ingest.py` on "
        f"{platform.node()} ({os.cpu_count()} CPUs, Python {platform.python_version()}; load average "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())} at the end — the machine is shared), "
        "`huixun serve` with 2 gunicorn workers and its `huixun worker` (poll interval "
        f"{os.environ.get('HUIXUN_WORKER_POLL', '0.2')} s), over a private copy of each index.",
        "",
        "Posts one at a time (each waits until the previous one is searchable); each holds a phrase no other "
        "document has, and the search API is polled every 10 ms for it.",
        "",
        "| index | documents | posts | POST → searchable: median | max | min | POST → task succeeded: median "
        "| max | search errors while polling |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        ms = [v * 1000 for v in run.searchable]
        ms_applied = [v * 1000 for v in run.applied]
        errors = f"{len(run.errors)}" + (f" ({', '.join(sorted(set(run.errors)))})" if run.errors else "")
        lines.append(
            f"| {run.label} | {run.documents:,} | {len(ms)} | {statistics.median(ms):.0f} ms "
            f"| {max(ms):.0f} ms | {min(ms):.0f} ms | {statistics.median(ms_applied):.0f} ms "
            f"| {max(ms_applied):.0f} ms | {errors} |"
        )
    lines.append("")
    for run in runs:
        lines.append(f"Per post, {run.label} (ms to searchable): "
                     + ", ".join(f"{v * 1000:.0f}" for v in run.searchable))
        lines.append("")
    lines += [
        "The time includes the worker's poll interval (`HUIXUN_WORKER_POLL`), the key check (one scrypt), "
        "the fsync'ed enqueue, the commit (segment, table of contents, the substring index extended by the "
        "new documents) and, in the web worker, the refreshed searcher and the new commit's query-side "
        "arrays (`search.snapshot`: only the new segments are read).",
        "",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_latency.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
