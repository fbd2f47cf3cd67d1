# ruff: noqa: E501  (report strings and campaign tables read better unbroken)
"""``make reliability``: campaigns of faults, load and hostile input against real gunicorn on real indexes.

Indexes: the demo corpus, and a 10,000-document slice of ``../shared/corpus/bench_all.jsonl.gz`` (plus the
next 1,000 documents for the incremental run under load). Campaigns (each also has a small variant in
``make test``, named in its row):

1. slow clients — 100 connections trickling headers or bodies, or holding idle keep-alives, against the
   worker of webapp/gunicorn_conf.py and, for comparison, gunicorn's sync worker; ``/healthz`` and searches must
   answer within 1 s. Throughput (wrk) of both workers in the same run: the fix may cost ≤ 10 %.
2. fuzzing — schemathesis against ``/api/v1/openapi.json`` plus hypothesis strategies of our own
   (tests/fuzzing.py), ≥ 10,000 requests; no 5xx but 503 ``search_timeout``, every API answer in the
   envelope and valid against the OpenAPI document, workers' RSS within 10 % of the baseline: their state
   after a warm-up of the same generators (one schemathesis pass and 1,500 own requests), the same worker
   processes to the end (recycling off).
3. expensive queries — p99/max per kind on the 10k index, none past the search timeout; the query parser
   at two input sizes (a super-linear regular expression shows as a time ratio far above the size ratio).
4. kill -9 while indexing — 20 kills each of an incremental run and a ``--rebuild`` with a searcher
   querying (tests/faults.py): half at a random time over the whole run, half just after the writer lock,
   the commit or the publication shows on disk; the phase each kill landed in is counted. Then indexing
   onto a 2 MB tmpfs that fills.
5. reindex under load — a load generator at about half the measured maximum on ``/api/v1/search`` while
   (a) 1,000 new documents are indexed and (b) the 10k slice is rebuilt: zero failed requests, no answer
   from an empty or half-built index, p99 ≤ 3× the idle p99.
6. hostile documents — tests/hostile.py at full size, then Chromium on every page that shows them.
7. soak — 600 s of mixed traffic at a steady 60 requests/s on two workers (demo index; recycling off):
   RSS growth after warm-up < 10 %, no fd growth, no error.
8. abuse limits — the shared rate limit with three workers, ``X-Forwarded-For`` trusted only when
   configured, the size limits.

Soak, kill -9 (then hostile documents) and fuzzing run at the same time in three child processes, beside
the 10k slice's indexing: none of them measures latency. Then slow clients, expensive queries, reindex
under load and abuse limits run one at a time, alone. Writes ``bench/results/reliability.md`` (one row per
campaign, with its duration) and ``bench/results/reliability.json``.

    .venv/bin/python bench/reliability.py [--soak-seconds 600] [--only NAME ...] [--seed N] [--sequential]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import faults  # noqa: E402
from tests.fuzzing import Bar, requests  # noqa: E402
from tests.hostile import PAYLOADS, hostile_records, write_hostile_corpus  # noqa: E402

RESULTS = REPO / "bench" / "results"
DEMO = REPO / "data" / "demo"
# ../shared/corpus/ from the repository (a git worktree one level deeper looks one more level up).
CORPUS = next((p / "shared" / "corpus" / "bench_all.jsonl.gz" for p in (REPO.parent, REPO.parent.parent)
               if (p / "shared" / "corpus" / "bench_all.jsonl.gz").exists()),
              REPO.parent / "shared" / "corpus" / "bench_all.jsonl.gz")
HUIXUN = str(Path(sys.executable).parent / "huixun")
SLICE = 10_000
#: Documents of the kill trials' run (40 of them already indexed, 5 of those changed).
KILL_FEED = 100
EXTRA = 1_000


@dataclass
class Row:
    """One campaign's line of the report."""

    campaign: str
    inputs: str
    failures: int
    data_lost: str
    figures: str
    fast_test: str
    details: dict[str, Any] = field(default_factory=dict)


# -- servers ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn with the repository's webapp/gunicorn_conf.py (``extra`` gunicorn options override it)."""

    def __init__(self, index_dir: Path, workdir: Path, workers: int = 2, extra: list[str] | None = None,
                 warm: bool = True, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        environ = dict(os.environ, HUIXUN_INDEX_DIR=str(index_dir), HUIXUN_BIND=f"127.0.0.1:{self.port}",
                       HUIXUN_WORKERS=str(workers), HUIXUN_ACCESS_LOG="/dev/null",
                       HUIXUN_RATE_LIMIT="1000000000", HUIXUN_RATE_BURST="1000000000",
                       # Web workers only: the campaigns measure their memory and descriptors (the ingest
                       # API's worker that `huixun serve` also starts is a child of the master too).
                       HUIXUN_SERVE_WORKER="0")
        environ.update(env)
        cmd = [sys.executable, "-m", "gunicorn", "--config", "python:webapp.gunicorn_conf", *(extra or []),
               "webapp:create_app()"]
        self.log = open(workdir / f"gunicorn-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=environ, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)  # polling for the port to open
        else:
            raise SystemExit("gunicorn did not start")
        for _ in range(workers * 4 if warm else 0):  # every worker opens the index before measurements
            get(self.base + "/api/v1/search?q=" + quote("学会"))

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def rss_kb(self, field: str = "VmRSS") -> dict[int, int]:
        """Each worker's resident memory (``RssAnon``: its heap alone, without mapped index files)."""
        sizes = {}
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            sizes[pid] = int(re.search(field + r":\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return sizes

    def fds(self) -> dict[int, int]:
        counts = {}
        for pid in self.workers():
            try:
                counts[pid] = len(os.listdir(f"/proc/{pid}/fd"))
            except OSError:
                continue
        return counts

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@contextmanager
def serving(index_dir: Path, workdir: Path, **kwargs: Any) -> Iterator[Server]:
    server = Server(index_dir, workdir, **kwargs)
    try:
        yield server
    finally:
        server.stop()


def get(url: str, timeout: float = 10.0, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """Status, body and seconds of one GET (a new connection); status 0 on a network error."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as r:
            return r.status, r.read(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.monotonic() - started
    except OSError:
        return 0, b"", time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def queries(limit: int, seed: int) -> list[str]:
    """Distinct words and word pairs from the demo corpus (bench/bench_http.py's generator)."""
    sys.path.insert(0, str(REPO / "bench"))
    from bench_http import distinct_queries

    found = distinct_queries(limit)
    random.Random(seed).shuffle(found)
    return found


class Load:
    """A load generator: ``threads`` keep-alive clients, each sending at most ``rate / threads`` requests/s
    (``rate`` 0: as fast as they can), over ``paths`` in turn. Records status, latency and an optional
    per-answer ``check`` (returns a problem or None)."""

    def __init__(self, base: str, paths: list[str], threads: int, rate: float = 0.0,
                 check: Callable[[str, int, bytes], str | None] | None = None):
        self.host, self.port = base.removeprefix("http://").split(":")
        self.paths, self.threads, self.rate, self.check = paths, threads, rate, check
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.problems: list[str] = []
        self._counter = itertools.count()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Load:
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(30)

    def _run(self) -> None:
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        interval = self.threads / self.rate if self.rate else 0.0
        next_at = time.monotonic()
        while not self._stop.is_set():
            path = self.paths[next(self._counter) % len(self.paths)]
            started = time.monotonic()
            try:
                conn.request("GET", path, headers={"Accept-Language": "zh"})
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status, body = 0, repr(exc).encode()
                conn.close()
                conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
            elapsed = time.monotonic() - started
            problem = self.check(path, status, body) if self.check else None
            with self._lock:
                self.latencies.append(elapsed)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if problem:
                    self.problems.append(problem)
            if interval:
                next_at += interval
                self._stop.wait(max(0.0, next_at - time.monotonic()))
        conn.close()

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status == 0 or status >= 400)


def wrk(base: str, paths: list[str], workdir: Path, seconds: int, connections: int = 8) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) of ``wrk`` over ``paths``."""
    sys.path.insert(0, str(REPO / "bench"))
    from bench_http import LUA, run_wrk

    script = workdir / "queries.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")
    result = run_wrk(base, script, 2, connections, seconds, random.randrange(len(paths)))
    return {
        "rps": round(result["requests"] / (result["duration_us"] / 1e6), 1),
        "p50_ms": round(result["p50_us"] / 1000, 1),
        "p99_ms": round(result["p99_us"] / 1000, 1),
        "errors": int(sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))),
    }


# -- indexes ---------------------------------------------------------------------------------------
def slice_corpus(workdir: Path) -> tuple[Path, Path]:
    """The first 10,000 documents of the benchmark corpus, and the next 1,000 (JSON Lines files)."""
    main, extra = workdir / "slice" / "slice.jsonl", workdir / "extra" / "extra.jsonl"
    main.parent.mkdir(parents=True, exist_ok=True)
    extra.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(CORPUS, "rt", encoding="utf-8") as source, open(main, "w", encoding="utf-8") as out_main, \
            open(extra, "w", encoding="utf-8") as out_extra:
        for n, line in enumerate(source):
            if n < SLICE:
                out_main.write(line)
            elif n < SLICE + EXTRA:
                out_extra.write(line)
            else:
                break
    return main.parent, extra.parent


def build(paths: list[Path], index_dir: Path, rebuild: bool = False) -> float:
    started = time.monotonic()
    cmd = [HUIXUN, "index", *map(str, paths), "--index-dir", str(index_dir)] + (["--rebuild"] if rebuild else [])
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"indexing failed: {done.stderr[-2000:]}")
    return time.monotonic() - started


# -- campaigns -------------------------------------------------------------------------------------
def slow_attack(base: str, count: int = 100) -> tuple[list[socket.socket], threading.Event]:
    """``count`` connections: 40 % trickle headers, 30 % trickle a body, 30 % idle keep-alives."""
    host, port = base.removeprefix("http://").split(":")
    socks: list[socket.socket] = []
    stop = threading.Event()
    trickling: list[tuple[socket.socket, bytes]] = []
    for n in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        if n % 10 < 4:
            trickling.append((sock, b"X-Trickle: " + b"a" * 10_000))
            sock.sendall(f"GET /api/v1/search?q=slow{n} HTTP/1.1\r\nHost: x\r\n".encode())
        elif n % 10 < 7:
            trickling.append((sock, b"b" * 100_000))
            sock.sendall(b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        else:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(0.5)  # a sync worker may not answer at all while the others hold it
            try:
                sock.recv(65536)
            except OSError:
                pass
        socks.append(sock)

    def trickle() -> None:
        position = 0
        while not stop.wait(0.2):
            for sock, data in trickling:
                try:
                    sock.send(data[position % len(data) : position % len(data) + 1])
                except OSError:
                    pass
            position += 1

    threading.Thread(target=trickle, daemon=True).start()
    return socks, stop


def probe(base: str, rounds: int = 10, timeout: float = 5.0) -> tuple[float, int]:
    """Max seconds of healthz + search answers, and how many failed (status != 200 or over 1 s)."""
    worst, failed = 0.0, 0
    for n in range(rounds):
        for path in ("/healthz", f"/api/v1/search?q={quote('学会')}&page={n % 3 + 1}"):
            status, _body, seconds = get(base + path, timeout=timeout)
            worst = max(worst, seconds)
            failed += status != 200 or seconds > 1.0
    return worst, failed


def campaign_slow_clients(ctx: dict[str, Any]) -> Row:
    paths = [f"/api/v1/search?q={quote(q)}" for q in ctx["queries"]]
    figures, details, failures = [], {}, 0
    for label, extra in (("sync (before)", ["--worker-class", "sync"]), ("buffering gthread (after)", [])):
        with serving(ctx["demo"], ctx["work"], extra=extra) as server:
            throughput = wrk(server.base, paths, ctx["work"], seconds=ctx["wrk_seconds"])
            socks, stop = slow_attack(server.base)
            try:
                # The sync worker is expected to starve: fewer, shorter probes there.
                worst, failed = probe(server.base, 3, 2.0) if "sync" in label else probe(server.base)
            finally:
                stop.set()
                for sock in socks:
                    sock.close()
        details[label] = {"wrk": throughput, "attack_max_s": round(worst, 3), "attack_failed_probes": failed}
        probes = 6 if "sync" in label else 20
        figures.append(f"{label}: {throughput['rps']} req/s, p99 {throughput['p99_ms']} ms; under 100 slow "
                       f"connections max {worst:.2f} s, {failed}/{probes} probes failed (none past 1 s allowed)")
        if label.endswith("(after)"):
            failures += failed + throughput["errors"]
    before, after = details["sync (before)"]["wrk"]["rps"], details["buffering gthread (after)"]["wrk"]["rps"]
    cost = (before - after) / before * 100
    details["throughput_cost_pct"] = round(cost, 1)
    figures.append(f"throughput cost {cost:.1f} % (bar ≤ 10 %)")
    failures += cost > 10
    return Row("slow clients", "100 connections (40 trickled headers, 30 trickled bodies, 30 idle keep-alives); "
               "20 probes per worker class; wrk 8 connections", failures, "none (read-only)",
               "; ".join(figures), "tests/test_abuse.py::test_trickling_and_idle_clients_do_not_starve_the_workers",
               details)


def _schemathesis_pass(server: Server, ctx: dict[str, Any], seed: int, problems: list[str]) -> int:
    """One schemathesis run against the OpenAPI document (4 checks); returns its number of cases."""
    report = ctx["work"] / f"schemathesis-{seed}.json"
    cmd = [str(Path(sys.executable).parent / "schemathesis"), "run", server.base + "/api/v1/openapi.json",
           "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
           "response_schema_conformance", "-n", str(ctx["st_examples"]), "--seed", str(seed),
           "--workers", "2", "--report", "json", "--report-json-path", str(report)]
    done = subprocess.run(cmd, cwd=ctx["work"], capture_output=True, text=True)
    if done.returncode != 0:  # the failures section names the operation, the check and the request
        failures = re.search(r"=+ FAILURES =+\n(.*?)\n=+ (?:WARNINGS|SUMMARY) =+", done.stdout, re.S)
        problems.append("schemathesis: " + (failures.group(1)[:3000] if failures else done.stdout[-1500:]))
    try:
        return int(json.loads(report.read_text())["test_cases"]["generated"])
    except (OSError, ValueError, KeyError):
        return _schemathesis_cases(done.stdout)


def _own_pass(server: Server, bar: Bar, examples: int, seed: int, problems: list[str],
              every: Callable[[int], None] | None = None) -> int:
    """``examples`` requests of tests/fuzzing.py's strategy (hypothesis seed ``seed``) on one keep-alive
    connection, each checked against ``bar``; ``every(n)`` is called after every 1,000th."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    count = 0
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(requests())
    def send(path: str) -> None:
        nonlocal conn, count
        count += 1
        if every is not None and count % 1000 == 0:
            every(count)
        if count % 50 == 0:  # a new connection now and then: a keep-alive one stays with one worker, and
            conn.close()  # a warm-up that reaches one worker only leaves the other's baseline cold
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            problems.append(f"{path[:100]}: {exc!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            return
        problem = bar.problem(path, response.status, response.getheader("Content-Type") or "", body)
        if problem:
            problems.append(f"{path[:100]}: {problem}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()

    send()
    conn.close()
    return count


def campaign_fuzzing(ctx: dict[str, Any]) -> Row:
    """Warm-up, then the measured run, both of the same generators (schemathesis and our own): the RSS
    baseline is the workers' state after the warm-up, when caches and allocator arenas have met every
    code path; the bar is on the growth over the measured run."""
    problems: list[str] = []
    seed = ctx["seed"]
    # Worker recycling (max_requests in webapp/gunicorn_conf.py) off: the growth is measured on the same
    # processes from the baseline to the end (a recycled worker would start afresh and hide a leak).
    with serving(ctx["demo"], ctx["work"], extra=NO_RECYCLING) as server:
        rss_started = server.rss_kb()
        bar = Bar(json.loads(get(server.base + "/api/v1/openapi.json")[1]))
        st_warm = _schemathesis_pass(server, ctx, seed, problems)
        own_warm = _own_pass(server, bar, ctx["own_warmup"], seed, problems)
        rss_start, anon_start = server.rss_kb(), server.rss_kb("RssAnon")
        curve: list[tuple[int, int]] = []  # (requests measured so far, total RSS of the workers in MB)
        st_measured = _schemathesis_pass(server, ctx, seed + 1, problems)
        curve.append((st_measured, sum(server.rss_kb().values()) // 1024))
        own_measured = _own_pass(server, bar, ctx["own_examples"], seed + 1, problems,
                                 every=lambda n: curve.append((st_measured + n, sum(server.rss_kb().values()) // 1024)))
        rss_end, anon_end = server.rss_kb(), server.rss_kb("RssAnon")
    if set(rss_end) != set(rss_start):
        problems.append(f"the workers changed during the measured run: {sorted(rss_start)} → {sorted(rss_end)}")
    growth = {pid: round((rss_end[pid] - kb) / kb * 100, 1) for pid, kb in rss_start.items() if pid in rss_end}
    heap = {pid: round((anon_end[pid] - kb) / kb * 100, 1) for pid, kb in anon_start.items() if pid in anon_end}
    over = [g for g in growth.values() if g > 10]
    warm, measured = st_warm + own_warm, st_measured + own_measured
    total = warm + measured
    mb = lambda sizes: sorted(v // 1024 for v in sizes.values())  # noqa: E731
    return Row("fuzzing", f"{total:,} requests: warm-up {warm:,} ({st_warm:,} schemathesis cases + {own_warm:,} own), "
               f"then measured {measured:,} ({st_measured:,} schemathesis cases + {own_measured:,} own hypothesis "
               "requests: query language, Unicode, wrong types); schemathesis on the OpenAPI document, 4 checks",
               len(problems) + len(over) + (total < 10_000), "none (read-only)",
               f"5xx other than search_timeout: {sum('5' == p.split(': ')[-1][:1] for p in problems)}; "
               f"answers off the envelope/schema: {len(problems)}; workers' RSS at start-up {mb(rss_started)} MB, "
               f"after the warm-up {mb(rss_start)} MB (the baseline), after the measured run {mb(rss_end)} MB: "
               f"change {sorted(growth.values())} % (bar ≤ 10 %), heap alone (RssAnon) {sorted(heap.values())} %",
               "tests/test_fuzz.py (own strategies in-process; schemathesis against gunicorn)", {"problems": problems[:20], "rss_started_kb": rss_started, "rss_start_kb": rss_start,
                "rss_end_kb": rss_end, "anon_start_kb": anon_start, "anon_end_kb": anon_end, "curve_mb": curve})


def _schemathesis_cases(stdout: str) -> int:
    match = re.search(r"(\d+) generated", stdout)
    return int(match.group(1)) if match else 0


PATHOLOGICAL = {
    "quotes": lambda n: '"' * n,
    "dashes": lambda n: "-" * n,
    "colons": lambda n: "a:" * (n // 2),
    "or_chain": lambda n: "学 OR " * (n // 5),
    "date_range": lambda n: "date:" + "1-" * (n // 2) + ".." + "9" * 10,
    "han_run": lambda n: "学会" * (n // 2),
    "spaces_then_x": lambda n: " " * n + "x",
    "mixed_latin": lambda n: "ab1-" * (n // 4),
    "parens": lambda n: "(" * n,
    "bidi": lambda n: "\u202e" * n,
}


def campaign_expensive(ctx: dict[str, Any]) -> Row:
    from search.models import SearchRequest
    from search.query import clean_query_text, parse_query

    common = "的会学中国协大科年技术发展工作在和了"
    kinds: dict[str, list[str]] = {
        "dozens_of_or": [" OR ".join(random.Random(n).sample(ctx["queries"][:400], 30))[:200] for n in range(20)],
        "common_chars_200": ["".join(random.Random(n).choice(common) for _ in range(200)) for n in range(20)],
        "one_char": list(common),
        "every_facet": [],
        "deep_pages": [],
    }
    with serving(ctx["slice_index"], ctx["work"]) as server:
        facets = json.loads(get(server.base + "/api/v1/search?q=" + quote("学会"))[1])["facets"]
        pairs = [(name, bucket["value"]) for name, buckets in facets.items() for bucket in buckets]
        selected = "&".join(f"{name}={quote(str(value))}" for name, value in pairs)
        figures, timeouts, errors, details = [], 0, 0, {}
        paths: dict[str, list[str]] = {k: [f"/api/v1/search?q={quote(q[:200])}" for q in v] for k, v in kinds.items()}
        paths["every_facet"] = [f"/api/v1/search?q={quote(q)}&{selected}" for q in ("学会", "会议", "", "科技")]
        paths["deep_pages"] = [f"/api/v1/search?q={quote(q)}&page=20&per_page=50" for q in ("学会", "的", "会")]
        for kind, urls in paths.items():
            seconds = []
            for url in urls * 2:
                status, body, took = get(server.base + url, timeout=30)
                seconds.append(took)
                if status == 503 and b"search_timeout" in body:
                    timeouts += 1
                elif status not in (200, 400):
                    errors += 1
            details[kind] = {"n": len(seconds), "p99_ms": round(percentile(seconds, 99) * 1000, 1),
                             "max_ms": round(max(seconds) * 1000, 1)}
            figures.append(f"{kind} p99 {details[kind]['p99_ms']} / max {details[kind]['max_ms']} ms")
    # The parser and the request's validation on inputs far past the 200-character limit.
    # Every regular expression of the query side and the web app, on pathological inputs at two sizes (the
    # query itself is cut to 200 characters first, so this is the margin, not the exposure).
    import importlib
    import pkgutil

    import search
    import webapp

    patterns = {}
    for package in (search, webapp):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for attr, value in vars(module).items():
                if isinstance(value, re.Pattern) and value.pattern and isinstance(value.pattern, str):
                    patterns[f"{module.__name__}.{attr}"] = value
    # Ten passes over 10,000 characters against one pass over 100,000: the same work when the expression is
    # linear (ratio ≈ 1), ten times more when it is quadratic; interleaved and best of five, so the load
    # of a shared machine falls on both sides alike.
    ratios = {}
    for pname, pattern in patterns.items():
        for name, make in PATHOLOGICAL.items():
            small, large = make(10_000), make(100_000)
            best_small = best_large = float("inf")
            for _ in range(5):
                started = time.perf_counter()
                for _ in range(10):
                    deque(pattern.finditer(small), maxlen=0)
                best_small = min(best_small, time.perf_counter() - started)
                started = time.perf_counter()
                deque(pattern.finditer(large), maxlen=0)
                best_large = min(best_large, time.perf_counter() - started)
            if best_large > 0.002:  # under 2 ms the ratio is timer noise
                ratios[f"{pname} on {name}"] = round(best_large / best_small, 2)
    parse_query(clean_query_text("a:" * 50_000))  # the parser itself cuts first: bounded
    SearchRequest  # noqa: B018  (validated above through the API)
    superlinear = {k: v for k, v in ratios.items() if v > 4}  # linear ≈ 1 (noise to ~2.5), quadratic ≈ 10
    details["regex_time_ratio_100000_vs_10000"] = ratios
    worst = max(ratios, key=ratios.get) if ratios else "-"
    figures.append(f"{len(patterns)} regular expressions × {len(PATHOLOGICAL)} inputs, time of 1 × 100,000 "
                   f"characters / 10 × 10,000: max {ratios.get(worst, 0)} ({worst}; linear ≈ 1, quadratic ≈ 10, "
                   "flagged > 4)")
    n = sum(len(u) * 2 for u in paths.values())
    return Row("expensive queries", f"{n} worst-case searches in 5 kinds on the 10k index; "
               f"every regular expression of search/ and webapp/ on {len(PATHOLOGICAL)} pathological inputs of 10,000 and "
               "100,000 characters",
               timeouts + errors + len(superlinear), "none (read-only)",
               "; ".join(figures) + f"; search timeouts {timeouts}", "tests/test_fuzz.py::test_the_worst_queries_answer_without_hitting_the_search_timeout, tests/test_hardening.py::test_run_expressions_never_backtrack_into_a_run",
               details)


SEARCHER = """
import sys, time
from search.store import IndexStore
from search.models import SearchRequest
from search.service import run_search
index_dir, stop_file = sys.argv[1], sys.argv[2]
import os
ok = bad = 0
while not os.path.exists(stop_file):
    try:
        ix = IndexStore(index_dir).open()
        with ix.searcher() as s:
            total = run_search(s, SearchRequest.create("学会")).total
        ix.close()
        if total > 0:
            ok += 1
        else:
            bad += 1
    except Exception as exc:
        bad += 1
        print(repr(exc), file=sys.stderr)
    time.sleep(0.02)  # pacing (about 30 opens and searches a second): the indexer keeps a core
print(ok, bad)
"""


def campaign_kill(ctx: dict[str, Any]) -> Row:
    rng = random.Random(ctx["seed"])
    root = ctx["work"] / "kill"
    feed_dir = root / "feed"
    feed_dir.mkdir(parents=True)
    lines = (DEMO / "fixtures_zh.jsonl").read_text(encoding="utf-8").splitlines()
    (feed_dir / "feed.jsonl").write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    base = root / "base"
    build([feed_dir], base)
    before = faults.index_state(base)
    docs = [json.loads(line) for line in lines[:KILL_FEED]]
    for doc in docs[:5]:
        doc["title"] = (doc.get("title") or "") + "（更新）"
    (feed_dir / "feed.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    figures, failures, details = [], 0, {}
    for rebuild in (False, True):
        ref = root / f"ref-{rebuild}"
        faults.copy_index(base, ref)
        seconds, _ = faults.run_index([feed_dir], ref, rebuild)
        after = faults.index_state(ref)
        states: dict[str, int] = {}
        phases = dict.fromkeys(faults.PHASES, 0)
        kills, runs, searched, searcher_failures, problems = 0, 0, 0, 0, []
        # Moments until there were kill_trials kills (a moment past the run's end kills nothing).
        moments = iter(faults.kill_moments(rng, 3 * ctx["kill_trials"], seconds))
        while kills < ctx["kill_trials"] and runs < 3 * ctx["kill_trials"]:
            mark, delay = next(moments)
            work = root / "work"
            stop = root / "stop"
            stop.unlink(missing_ok=True)
            faults.copy_index(base, work)
            searcher = subprocess.Popen([sys.executable, "-c", SEARCHER, str(work), str(stop)], cwd=REPO,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            trial = faults.kill_trial(base, work, [feed_dir], rebuild, before, after, delay,
                                      copied=True, after_event=mark)
            stop.touch()
            out, err = searcher.communicate(timeout=120)
            ok, bad = (int(x) for x in out.split()[:2])
            searched += ok + bad
            searcher_failures += bad
            runs += 1
            kills += trial.killed
            phases[trial.phase] += 1
            if trial.killed:
                states[trial.state_after_kill] = states.get(trial.state_after_kill, 0) + 1
            problems += trial.problems + ([f"searcher: {err[-300:]}"] if bad else [])
        kind = "rebuild" if rebuild else "incremental"
        failures += len(problems) + (kills < ctx["kill_trials"])
        details[kind] = {"kills": kills, "runs": runs, "states_after_kill": states, "phases": phases,
                         "problems": problems[:10], "searches": searched, "searcher_failures": searcher_failures,
                         "uninterrupted_s": round(seconds, 2)}
        landed = ", ".join(f"{name} {n}" for name, n in phases.items() if name != "finished")
        figures.append(f"{kind}: {kills} kills ({landed}; {phases['finished']} runs ended before their moment), "
                       f"state after kill {states}, {len(problems)} problems, reruns converged (ids+hashes) "
                       f"{runs - len([p for p in problems if 'converge' in p])}/{runs}, searcher {searched} "
                       f"queries / {searcher_failures} failed or empty")
    disk_figure, disk_failures = _disk_full(root, lines)
    figures.append(disk_figure)
    failures += disk_failures
    return Row("kill -9 while indexing", f"{2 * ctx['kill_trials']} SIGKILLs (seed {ctx['seed']}) of `huixun index` "
               f"(40 → {KILL_FEED} demo documents, 5 changed) incremental and --rebuild, half at random times over "
               "the whole run, half just after the lock, the commit or the publication; a searcher process "
               "querying throughout; incremental and --rebuild on a 2 MB tmpfs that fills", failures, "none" if not failures else "see details",
               "; ".join(figures), "tests/test_crash.py", details)


def _disk_full(root: Path, lines: list[str]) -> tuple[str, int]:
    """Index 250 demo documents onto a 2 MB tmpfs holding a 12-document index, incremental and --rebuild:
    a clear error, the live index intact and consistent, no generation left behind."""
    mount = root / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        return f"full disk: not tried (cannot mount a tmpfs: {mounted.stderr.strip()})", 1
    outcomes, failures = [], 0
    try:
        small, large = root / "small.jsonl", root / "large.jsonl"
        small.write_text("\n".join(lines[:12]) + "\n", encoding="utf-8")
        large.write_text("\n".join(lines[:250]) + "\n", encoding="utf-8")
        index_dir = mount / "index"
        build([small], index_dir)
        before = faults.index_state(index_dir)
        for extra in ([], ["--rebuild"]):
            done = subprocess.run([HUIXUN, "index", str(large), "--index-dir", str(index_dir), *extra],
                                  cwd=REPO, capture_output=True, text=True)
            clear = "no space left on the device" in done.stderr and "Traceback" not in done.stderr
            intact = faults.index_state(index_dir) == before and faults.check_index(index_dir).ok
            left = len(list(index_dir.glob("gen-*"))) - 1
            failures += (done.returncode != 1) + (not clear) + (not intact) + (left != 0)
            outcomes.append(f"{' '.join(extra) or 'incremental'}: exit {done.returncode}, clear error {clear}, "
                            f"live index intact and consistent {intact}, generations left behind {left}")
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)
    return "full disk (2 MB tmpfs): " + "; ".join(outcomes), failures


def campaign_reindex(ctx: dict[str, Any]) -> Row:
    index_dir = ctx["work"] / "reindex-index"
    faults.copy_index(ctx["slice_index"], index_dir)
    paths = [f"/api/v1/search?q={quote(q)}" for q in ctx["queries"]]
    minimum = SLICE
    details, figures, failures = {}, [], 0

    def check(path: str, status: int, body: bytes) -> str | None:
        if status != 200:
            return f"{status}: {body[:100]!r}"
        return None

    with serving(index_dir, ctx["work"]) as server:
        peak = wrk(server.base, paths, ctx["work"], seconds=ctx["wrk_seconds"])
        rate = peak["rps"] / 2
        health_counts: list[int] = []

        def watch(stop: threading.Event) -> None:
            while not stop.wait(0.2):
                status, body, _ = get(server.base + "/healthz")
                if status == 200:
                    health_counts.append(json.loads(body)["documents"])

        def loaded(seconds: float | None, action: Callable[[], Any] | None) -> tuple[Load, float]:
            stop = threading.Event()
            watcher = threading.Thread(target=watch, args=(stop,), daemon=True)
            watcher.start()
            with Load(server.base, paths, threads=4, rate=rate, check=check) as load:
                started = time.monotonic()
                if action is not None:
                    action()
                else:
                    time.sleep(seconds or 0)  # the idle measurement's duration
            stop.set()
            watcher.join()
            return load, time.monotonic() - started

        idle, _ = loaded(ctx["wrk_seconds"], None)
        idle_p99 = percentile(idle.latencies, 99)
        details["peak"] = peak
        details["idle"] = {"requests": idle.requests, "p99_ms": round(idle_p99 * 1000, 1), "failed": idle.failed}
        figures.append(f"max {peak['rps']} req/s; load at {rate:.0f} req/s; idle p99 {idle_p99 * 1000:.0f} ms")
        for label, rebuild, sources in (("incremental +1,000", False, [ctx["extra"]]),
                                        ("rebuild of the 10k slice", True, [ctx["slice"]])):
            health_counts.clear()
            load, seconds = loaded(None, lambda r=rebuild, s=sources: build(s, index_dir, rebuild=r))
            p99 = percentile(load.latencies, 99)
            empty = [n for n in health_counts if n < minimum]
            ratio = p99 / idle_p99 if idle_p99 else 0
            failures += load.failed + len(load.problems) + len(empty) + (ratio > 3)
            details[label] = {"requests": load.requests, "failed": load.failed, "p99_ms": round(p99 * 1000, 1),
                              "ratio": round(ratio, 2), "seconds": round(seconds, 1),
                              "documents_seen": sorted(set(health_counts)), "problems": load.problems[:5]}
            figures.append(f"{label} ({seconds:.0f} s): {load.requests} requests, {load.failed} failed, p99 "
                           f"{p99 * 1000:.0f} ms = {ratio:.2f}× idle, documents served {sorted(set(health_counts))}")
    return Row("reindex under load", "distinct-query search load at half the maximum while indexing 1,000 new "
               "documents, then rebuilding the 10,000-document slice", failures,
               "none" if not failures else "see details", "; ".join(figures),
               "tests/test_reindex_load.py (gunicorn, a load thread, incremental run and rebuild)", details)


def campaign_hostile(ctx: dict[str, Any]) -> Row:
    from playwright.sync_api import sync_playwright

    root = ctx["work"] / "hostile"
    expected = write_hostile_corpus(root / "in", scale=1.0)
    index_dir = root / "index"
    done = subprocess.run([HUIXUN, "index", str(root / "in"), "--index-dir", str(index_dir)], cwd=REPO,
                          capture_output=True, text=True)
    rejected = sorted(set(re.findall(r"failed: .*?/in/([^:]+): ", done.stderr)))  # whole files
    rejected_lines = len(re.findall(r"failed: .*?/in/[^:]+:\d+: ", done.stderr))
    warned = len(re.findall(r"warning: .*url dropped", done.stderr))
    want = sorted(name for name, outcome in expected.items() if outcome == "rejected")
    failures = (rejected != want) + (warned != len(PAYLOADS)) + (rejected_lines != 2)
    dialogs: list[str] = []
    pwned = []
    with serving(index_dir, root) as server:
        status, body, _ = get(server.base + "/api/v1/search?q=" + quote("学会") + "&per_page=50")
        urls = [hit["url"] for hit in json.loads(body)["hits"]]
        failures += any(u and not u.startswith("http") for u in urls)
        partner_port = free_port()
        partner_dir = root / "partner"
        partner_dir.mkdir()
        (partner_dir / "index.html").write_text(
            "<!doctype html><html><head><meta charset='utf-8'></head><body><div data-huixun data-huixun-q='学会' "
            f"data-huixun-per-page='10'></div><script src='{server.base}/embed.js' defer></script></body></html>",
            encoding="utf-8")
        partner = subprocess.Popen([sys.executable, "-m", "http.server", str(partner_port), "--bind", "127.0.0.1"],
                                   cwd=partner_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            pages = [server.base + "/?q=" + quote("学会"),
                     server.base + "/?q=" + quote("学会") + "&source=" + quote("学会" + PAYLOADS[0]),
                     *(server.base + "/doc/" + quote(r["id"], safe="") + "?q=" + quote("学会")
                       for r in hostile_records())]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                for url in pages:
                    page.goto(url)
                    if not page.evaluate("() => window.__pwned === undefined"):
                        pwned.append(url)
                page.goto(pages[0])
                chips = page.locator("a[aria-pressed]")
                for n in range(min(chips.count(), 6)):
                    page.goto(pages[0])
                    page.locator("a[aria-pressed]").nth(n).click()
                    page.wait_for_load_state("load")
                    if not page.evaluate("() => window.__pwned === undefined"):
                        pwned.append(f"chip {n}")
                for _ in range(50):  # the partner server starts in the background
                    if get(f"http://127.0.0.1:{partner_port}/")[0] == 200:
                        break
                    time.sleep(0.1)
                page.goto(f"http://127.0.0.1:{partner_port}/")
                page.locator("[data-huixun]").locator("li").first.wait_for(timeout=15_000)
                if not page.evaluate("() => window.__pwned === undefined"):
                    pwned.append("partner page")
                browser.close()
        finally:
            partner.terminate()
            partner.wait()
    failures += len(dialogs) + len(pwned)
    indexed = len(expected) - len(want)
    return Row("hostile documents", f"{len(hostile_records()) + 2} hostile records (script, onerror, svg, iframe, "
               "javascript:/data:/vbscript: urls, bidi, NUL, unaddressable ids), a 10 MB body, a 100,000-line file, "
               "invalid UTF-8, a truncated .gz, 10,000-deep and 10,000-element HTML; "
               f"{len(pages) + 7} browser pages (search, facet chips, timeline, documents, partner /embed.js)",
               failures, "none (batch went on)",
               f"files indexed {indexed}, rejected with a reason {rejected}, records with unaddressable ids "
               f"rejected with a reason {rejected_lines}; urls dropped with a warning {warned}; "
               f"API urls all http(s): {all(not u or u.startswith('http') for u in urls)}; "
               f"dialogs {len(dialogs)}, content scripts run {len(pwned)}",
               "tests/test_hostile.py", {"stderr_tail": done.stderr[-1500:], "dialogs": dialogs, "pwned": pwned})


#: gunicorn options of the servers whose memory is measured: no worker recycling.
NO_RECYCLING = ["--max-requests", "0"]


def campaign_soak(ctx: dict[str, Any]) -> Row:
    """On the demo index, at a steady rate (it runs beside the campaigns that measure no latency)."""
    qs = ctx["queries"]
    with serving(ctx["demo"], ctx["work"], extra=NO_RECYCLING) as server:
        pids = set(server.workers())
        body = json.loads(get(server.base + "/api/v1/search?q=" + quote("学会") + "&per_page=50")[1])
        ids = [hit["id"] for hit in body["hits"]]
        sources = [b["value"] for b in body["facets"].get("source", [])][:5]
        paths = []
        for n, q in enumerate(qs[:3000]):
            paths.append(f"/api/v1/search?q={quote(q)}")
            if n % 5 == 0:
                paths.append(f"/api/v1/documents/{quote(ids[n % len(ids)])}")
            if n % 7 == 0:
                paths.append(f"/?q={quote(q)}")
            if n % 11 == 0:
                paths.append(f"/doc/{quote(ids[n % len(ids)])}?q={quote(q)}")
            if n % 13 == 0 and sources:
                paths.append(f"/api/v1/search?q={quote(q)}&source={quote(sources[n % len(sources)])}")
            if n % 17 == 0:
                paths.append("/embed.js")
        samples: list[tuple[float, int, int]] = []
        conditional = {"problems": 0, "sent": 0}

        def conditional_requests(stop: threading.Event) -> None:
            url = server.base + "/api/v1/search?q=" + quote("学会")
            while not stop.wait(0.5):
                status, _b, _t = get(url)
                req = urllib.request.Request(url)
                with urllib.request.urlopen(req, timeout=10) as response:
                    etag = response.headers["ETag"]
                status, _b, _t = get(url, headers={"If-None-Match": etag})
                conditional["sent"] += 1
                conditional["problems"] += status != 304

        stop = threading.Event()
        side = threading.Thread(target=conditional_requests, args=(stop,), daemon=True)
        side.start()
        with Load(server.base, paths, threads=3, rate=ctx["soak_rate"],
                  check=lambda p, s, b: None if s in (200, 304) else f"{s} {p}") as load:
            started = time.monotonic()
            while time.monotonic() - started < ctx["soak_seconds"]:
                rss, fds = server.rss_kb(), server.fds()
                samples.append((time.monotonic() - started, sum(rss.values()), sum(fds.values())))
                time.sleep(5)  # the sampling interval of RSS and fds
        stop.set()
        side.join()
        recycled = set(server.workers()) != pids
    warm = [s for s in samples if s[0] >= ctx["soak_seconds"] * 0.2]
    rss_warm = statistics.mean(s[1] for s in warm[:3])
    rss_end = statistics.mean(s[1] for s in warm[-3:])
    growth = (rss_end - rss_warm) / rss_warm * 100
    # Open client connections make the count fluctuate; a leak makes even the lowest late count exceed
    # the highest early one.
    third = max(1, len(warm) // 3)
    fd_growth = min(s[2] for s in warm[-third:]) - max(s[2] for s in warm[:third])
    failures = load.failed + len(load.problems) + conditional["problems"] + (growth >= 10) + (fd_growth > 0) + recycled
    return Row("soak", f"{ctx['soak_seconds']} s of mixed traffic at {ctx['soak_rate']} req/s on 2 workers, demo index (searches, documents, pages, facets, "
               f"embed.js, conditional requests): {load.requests:,} requests + {conditional['sent']} conditional",
               failures, "none (read-only)",
               f"{load.requests / ctx['soak_seconds']:.0f} req/s; errors {load.failed}; the same 2 worker processes throughout "
               f"(recycling off): {not recycled}; workers' RSS after warm-up (20 % of the run) "
               f"{rss_warm / 1024:.0f} MB → {rss_end / 1024:.0f} MB ({growth:+.1f} %); fds {warm[0][2]} → "
               f"{warm[-1][2]} (growth beyond connection churn: {max(fd_growth, 0)}); 304 answers {conditional['sent'] - conditional['problems']}/{conditional['sent']}",
               "tests/test_abuse.py::test_mixed_traffic_leaves_no_descriptor_behind",
               {"samples": samples})


def campaign_abuse(ctx: dict[str, Any]) -> Row:
    figures, failures = [], 0
    with serving(ctx["demo"], ctx["work"], workers=3, warm=False, HUIXUN_RATE_LIMIT="0.0001",
                 HUIXUN_RATE_BURST="5") as server:
        statuses = [get(server.base + f"/api/v1/search?q={n}", headers={"X-Forwarded-For": f"203.0.113.{n}"})[0]
                    for n in range(60)]
        served = statuses.count(200)
        failures += served != 5
        figures.append(f"3 workers, burst 5, no refill: {served} of 60 requests served (forged X-Forwarded-For "
                       "each time)")
        limits = {
            "url 6 KB": get(server.base + "/api/v1/search?q=" + "a" * 6000)[0],
            "header 9 KB": get(server.base + "/healthz", headers={"X-Big": "b" * 9000})[0],
        }
        failures += limits != {"url 6 KB": 414, "header 9 KB": 431}
        figures.append(f"limits {limits}")
    with serving(ctx["demo"], ctx["work"], workers=3, warm=False, HUIXUN_RATE_LIMIT="0.0001",
                 HUIXUN_RATE_BURST="5", HUIXUN_TRUST_PROXY="1") as server:
        statuses = [get(server.base + f"/api/v1/search?q={n}", headers={"X-Forwarded-For": f"203.0.113.{n}"})[0]
                    for n in range(20)]
        trusted = statuses.count(200)
        failures += trusted != 20
        figures.append(f"with HUIXUN_TRUST_PROXY=1 each forwarded client has its own bucket: {trusted}/20 served")
    return Row("abuse limits", "60 + 20 API requests against 3 workers; URL and header limits", failures,
               "none (read-only)", "; ".join(figures),
               "tests/test_abuse.py::test_rate_limit_is_one_limit_per_client_across_workers")


CAMPAIGNS: dict[str, Callable[[dict[str, Any]], Row]] = {
    "slow": campaign_slow_clients,
    "fuzz": campaign_fuzzing,
    "expensive": campaign_expensive,
    "kill": campaign_kill,
    "reindex": campaign_reindex,
    "hostile": campaign_hostile,
    "soak": campaign_soak,
    "abuse": campaign_abuse,
}


#: Campaigns that measure no latency: they run at the same time as each other, in three processes (and
#: beside the 10k slice's indexing), before the others run one at a time on a quiet machine.
CONCURRENT = (("soak",), ("kill", "hostile"), ("fuzz",))


def run_campaigns(names: list[str], ctx: dict[str, Any]) -> list[Row]:
    rows = []
    for name in names:
        t0 = time.monotonic()
        print(f"== {name}", flush=True)
        try:
            row = CAMPAIGNS[name](ctx)
        except Exception as exc:  # a campaign that crashes is a failed row; the others still run
            import traceback

            row = Row(name, "-", 1, "unknown", f"the campaign crashed: {exc!r}", "-",
                      {"traceback": traceback.format_exc()})
            print(row.details["traceback"], flush=True)
        row.details["seconds"] = round(time.monotonic() - t0, 1)
        rows.append(row)
        print(f"   {name}: {row.failures} failures in {row.details['seconds']} s; {row.figures}", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak-seconds", type=int, default=600)
    parser.add_argument("--soak-rate", type=int, default=60, help="requests/s of the soak's traffic")
    parser.add_argument("--kill-trials", type=int, default=20, help="kills per kind (incremental, rebuild)")
    parser.add_argument("--wrk-seconds", type=int, default=8)
    parser.add_argument("--st-examples", type=int, default=1000, help="schemathesis examples per operation and pass")
    parser.add_argument("--own-warmup", type=int, default=1500, help="own hypothesis requests of the warm-up")
    parser.add_argument("--own-examples", type=int, default=5000, help="own hypothesis requests measured")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--only", nargs="*", choices=list(CAMPAIGNS), default=list(CAMPAIGNS))
    parser.add_argument("--sequential", action="store_true", help="every campaign alone, one after the other")
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)  # a child: the parent's folder
    parser.add_argument("--rows-out", type=Path, help=argparse.SUPPRESS)  # a child: its rows as JSON
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    print(f"seed {seed}", flush=True)
    started = time.monotonic()
    ctx: dict[str, Any] = {"seed": seed, "soak_seconds": args.soak_seconds, "soak_rate": args.soak_rate,
                           "kill_trials": args.kill_trials, "wrk_seconds": args.wrk_seconds,
                           "st_examples": args.st_examples, "own_warmup": args.own_warmup,
                           "own_examples": args.own_examples, "queries": queries(20_000, seed)}
    if args.rows_out:  # a child of the run below
        ctx["work"] = args.work / "-".join(args.only)
        ctx["work"].mkdir()
        ctx["demo"] = args.work / "demo-index"
        done = run_campaigns(args.only, ctx)
        args.rows_out.write_text(json.dumps([{**r.__dict__, "details": _jsonable(r.details)} for r in done]))
        return 0
    work = Path(tempfile.mkdtemp(prefix="reliability_"))
    loads = [os.getloadavg()[0]]  # other work on the machine shows here (it slows every campaign)
    rows: list[Row] = []
    children: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        ctx["work"] = work
        ctx["demo"] = work / "demo-index"
        build([DEMO / "fixtures_zh.jsonl", DEMO / "posts"], ctx["demo"])
        wanted = [name for name in CAMPAIGNS if name in args.only]
        alone = wanted
        if not args.sequential:
            for group in CONCURRENT:
                names = [name for name in group if name in wanted]
                if names:
                    out = work / f"rows-{'-'.join(names)}.json"
                    cmd = [sys.executable, __file__, "--work", str(work), "--rows-out", str(out),
                           "--seed", str(seed), "--only", *names] + [
                           f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items()
                           if k not in ("work", "rows_out", "seed", "only", "sequential")]
                    children.append((subprocess.Popen(cmd, cwd=REPO), out))
            alone = [name for name in wanted if not any(name in group for group in CONCURRENT)]
        if {"expensive", "reindex"} & set(wanted):
            if not CORPUS.exists():
                raise SystemExit(f"{CORPUS} is missing: the 10,000-document campaigns need it")
            ctx["slice"], ctx["extra"] = slice_corpus(work)
            ctx["slice_index"] = work / "slice-index"
            seconds = build([ctx["slice"]], ctx["slice_index"])
            print(f"10k slice indexed in {seconds:.0f} s", flush=True)
        for proc, out in children:
            proc.wait()
            try:
                rows += [Row(**r) for r in json.loads(out.read_text())]
            except (OSError, ValueError):
                rows.append(Row(out.stem, "-", 1, "unknown", f"the campaign process exited with {proc.returncode}",
                                "-"))
        concurrent_seconds = time.monotonic() - started
        loads.append(os.getloadavg()[0])
        rows += run_campaigns(alone, ctx)
    finally:
        for proc, _out in children:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - started
    order = [_ROW_NAMES[CAMPAIGNS[name].__name__] for name in CAMPAIGNS]
    rows.sort(key=lambda r: order.index(r.campaign) if r.campaign in order else 99)
    layout = ("every campaign alone, one after the other" if args.sequential else
              f"first, for {concurrent_seconds / 60:.1f} min, the campaigns that measure no latency at the same time "
              "(soak in one process; kill -9 then hostile documents in another; fuzzing in a third; the 10k "
              f"slice's indexing in the parent), then {', '.join(alone)} one at a time alone; the machine's load "
              f"average (1 min) {loads[0]:.1f} at the start, {loads[1]:.1f} after the first part, {os.getloadavg()[0]:.1f} "
              "at the end")
    write_report(rows, seed, total, args, layout)
    return 1 if any(row.failures for row in rows) else 0


def write_report(rows: list[Row], seed: int, seconds: float, args: argparse.Namespace, layout: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    note = ""
    previous = RESULTS / "reliability.json"
    if set(args.only) != set(CAMPAIGNS) and previous.exists():
        # A partial run replaces its campaigns' rows and keeps the others from the last report.
        old = json.loads(previous.read_text(encoding="utf-8"))
        fresh = {r.campaign for r in rows}
        kept = [Row(**r) for r in old["rows"] if r["campaign"] not in fresh]
        note = (f"\nRows {', '.join(sorted(fresh))} are from a rerun at {when} (seed {seed}); the others from the "
                f"run of {old['when']} (seed {old['seed']}, {old['seconds'] / 60:.1f} min).\n")
        order = [CAMPAIGNS[name].__name__ for name in CAMPAIGNS]
        rows = sorted(kept + rows, key=lambda r: next((i for i, n in enumerate(order)
                                                         if _campaign_name(n) == r.campaign), 99))
        seed, seconds = old["seed"], old["seconds"]
    table = "\n".join(
        f"| {r.campaign} | {r.inputs} | {r.failures} | {r.data_lost} | {r.figures} | `{r.fast_test}` | "
        f"{r.details.get('seconds', '')} |" for r in rows
    )
    md = f"""# Reliability campaigns (`make reliability`)

{when} · {os.cpu_count()} CPUs · Python {platform.python_version()} · seed {seed} · {seconds / 60:.1f} min in all
(soak {args.soak_seconds} s, {args.kill_trials} kills per kind); {layout}. Real gunicorn (`webapp/gunicorn_conf.py`,
2 workers unless stated) on the demo index (401 documents) and a {SLICE:,}-document slice of
`../shared/corpus/bench_all.jsonl.gz`. `bench/reliability.py` describes each campaign and its bar.
{note}
| campaign | inputs tried | failures | data lost | figures | fast variant in `make test` | duration (s) |
|---|---|---:|---|---|---|---:|
{table}
"""
    (RESULTS / "reliability.md").write_text(md, encoding="utf-8")
    data = {"when": when, "seed": seed, "seconds": round(seconds, 1),
            "rows": [{**r.__dict__, "details": _jsonable(r.details)} for r in rows]}
    (RESULTS / "reliability.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(md)


_ROW_NAMES = {
    "campaign_slow_clients": "slow clients", "campaign_fuzzing": "fuzzing", "campaign_expensive": "expensive queries",
    "campaign_kill": "kill -9 while indexing", "campaign_reindex": "reindex under load",
    "campaign_hostile": "hostile documents", "campaign_soak": "soak", "campaign_abuse": "abuse limits",
}


def _campaign_name(function_name: str) -> str:
    return _ROW_NAMES.get(function_name, function_name)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
