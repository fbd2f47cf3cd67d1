"""Issue #10's concrete bugs and their mechanisms, without a server: progress counts, stored urls, the
shared rate limit across processes, the search time limit in a pool thread, the worker's request reader."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.writer import IndexProgress, index_paths
from search.store import IndexStore
from search.urls import http_url

from .conftest import FIXTURES


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The first 12 demo lines, then one line that is not JSON."""
    root = tmp_path / "data"
    root.mkdir()
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()[:12]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\nnot json\n", encoding="utf-8")
    return root


def test_progress_and_summary_count_the_same_failures(corpus: Path, tmp_path: Path) -> None:
    seen: list[IndexProgress] = []
    report = index_paths([corpus], tmp_path / "index", workers=1, progress=seen.append)
    assert report.failed == 1
    assert seen[-1].failed == 1 and seen[-1].done == 13
    cli_dir = str(tmp_path / "cli")
    result = CliRunner().invoke(main, ["index", str(corpus), "--index-dir", cli_dir, "--workers", "1"])
    assert result.exit_code == 1
    progress_lines = [line for line in result.output.splitlines() if "docs/s" in line]
    assert progress_lines and progress_lines[-1].endswith("failed 1)")
    assert "failed 1; 12 documents" in result.output


HOSTILE_URLS = [
    "javascript:alert(4)",
    " JavaScript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "java\tscript:alert(1)",
    "//evil.example/x",
    "http://",
    "https://example.org/a b",
    "http://example.org/\x00",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_http_urls_are_links(url: str) -> None:
    assert http_url(url) is None
    assert http_url(" https://www.cast.org.cn/art/2021/1/1/art_1.html ") == (
        "https://www.cast.org.cn/art/2021/1/1/art_1.html"
    )


def test_non_http_urls_are_dropped_at_ingest_with_a_warning(tmp_path: Path) -> None:
    docs = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()[:3]]
    docs[0]["url"] = "javascript:alert(4)"
    docs[1]["url"] = "data:text/html,<script>alert(1)</script>"
    docs[2]["url"] = "https://www.cast.org.cn/x.html"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    report = index_paths([feed], tmp_path / "index", workers=1)
    assert report.ok and report.added == 3
    assert [(w.line, w.reason) for w in report.warnings] == [
        (1, "url dropped: its scheme javascript: is not http(s)"),
        (2, "url dropped: its scheme data: is not http(s)"),
    ]
    with IndexStore(tmp_path / "index").open().searcher() as s:
        urls = {d["id"]: d.get("url") for d in s.documents()}
    assert urls == {docs[0]["id"]: None, docs[1]["id"]: None, docs[2]["id"]: "https://www.cast.org.cn/x.html"}
    cli_dir = str(tmp_path / "cli")
    result = CliRunner().invoke(main, ["index", str(feed), "--index-dir", cli_dir, "--workers", "1"])
    assert result.exit_code == 0  # a warning is not a failure: the document is indexed
    assert f"warning: {feed}:1: url dropped: its scheme javascript: is not http(s)" in result.output


def _hits(limiter, n: int, queue) -> None:  # type: ignore[no-untyped-def]
    queue.put([limiter.hit("198.51.100.7").allowed for _ in range(n)])


def test_the_rate_limit_is_shared_by_forked_workers() -> None:
    from webapp.ratelimit import RateLimiter

    now = [1000.0]
    limiter = RateLimiter(1.0, 10, clock=lambda: now[0])  # created before the fork, like under gunicorn
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_hits, args=(limiter, 8, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert sum(sum(r) for r in results) == 10  # 3 workers × 8 requests, one bucket of 10
    assert limiter.hit("198.51.100.7").allowed is False
    assert limiter.hit("198.51.100.8").allowed is True  # another client has its own bucket
    now[0] += 1.0
    assert limiter.hit("198.51.100.7").allowed is True


def test_the_rate_limit_table_stays_bounded_under_many_clients() -> None:
    from webapp.ratelimit import RateLimiter

    limiter = RateLimiter(1.0, 1, clock=lambda: 0.0, slots=64)
    assert all(limiter.hit(f"10.0.{n // 256}.{n % 256}").allowed for n in range(5000))
    assert limiter.hit("10.0.19.135").allowed is False  # the last clients are remembered


def test_time_limit_works_in_a_pool_thread() -> None:
    """gunicorn's worker serves requests in threads, where SIGALRM cannot reach."""
    from webapp.deadline import time_limit
    from webapp.errors import SearchTimeout

    outcome: list[object] = []

    def search() -> None:
        try:
            with time_limit(0.05):
                while True:
                    try:
                        sum(range(1000))
                    except Exception:  # the code under the deadline may swallow exceptions
                        pass
        except SearchTimeout as exc:
            outcome.append(exc.code)
        with time_limit(30.0):
            outcome.append(sum(range(10)))

    thread = threading.Thread(target=search)
    thread.start()
    thread.join(60)
    assert outcome == ["search_timeout", 45]


def test_the_worker_hands_on_only_whole_requests() -> None:
    from webapp.gworker import request_state

    assert request_state(b"GET / HTTP/1.1\r\nHost: x\r\n", 100) == "incomplete"
    assert request_state(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 100) == "complete"
    post = b"POST /x HTTP/1.1\r\ncontent-length: 5\r\n\r\n"
    assert request_state(post + b"abc", 100) == "incomplete"
    assert request_state(post + b"abcde", 100) == "complete"
    assert request_state(b"POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 100) == "too_large"
    chunked = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
    assert request_state(chunked, 100) == "incomplete"
    assert request_state(chunked + b"0\r\n\r\n", 100) == "complete"
    assert request_state(b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 100) == "complete"  # gunicorn: 400


def test_url_header_and_body_limits_answer_in_the_envelope(demo_index: Path) -> None:
    from webapp import create_app

    client = create_app({"index_dir": str(demo_index), "max_url_length": 100, "max_header_bytes": 500,
                         "max_body_bytes": 10}).test_client()
    for response, status, code in (
        (client.get("/api/v1/search", query_string={"q": "学" * 40}), 414, "uri_too_long"),
        (client.get("/healthz", headers={"X-Big": "x" * 600}), 431, "headers_too_large"),
        (client.post("/api/v1/search", data=b"x" * 11), 413, "payload_too_large"),
    ):
        assert response.status_code == status
        assert response.get_json()["error"]["code"] == code
    assert client.get("/api/v1/search", query_string={"q": "学会"}).status_code == 200


def test_a_truncated_gz_is_rejected_with_a_reason_and_the_batch_goes_on(tmp_path: Path) -> None:
    import gzip

    lines = FIXTURES.read_text(encoding="utf-8").splitlines()[:3]
    packed = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a_truncated.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "in" / "b.jsonl").write_text(lines[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["index", str(tmp_path / "in"), "--index-dir", str(tmp_path / "ix"), "--workers", "1"]
    )
    assert "Aborted" not in result.output  # the progress estimate read the same file first
    assert result.exit_code == 1
    assert "added 1, " in result.output and "failed 1;" in result.output
    assert f"failed: {tmp_path / 'in' / 'a_truncated.jsonl.gz'}" in result.output


def test_run_expressions_never_backtrack_into_a_run() -> None:
    """The Latin/number run expression (indexing and the query side) cost more than linear time on long
    runs such as ``a:a:a:…`` (campaign "expensive queries": 10 × 10,000 characters took 1/7 of the time of
    100,000). Its quantifiers are possessive now: the matches are the same, the backtracking stack gone."""
    import re

    from search.normalize import HAN_CLASS, RUN_RE  # the one expression of the analyzer and the query side

    greedy = re.compile(f"([{HAN_CLASS}]+)|([0-9a-z]+(?:[._\\-/:][0-9a-z]+)*\\+*)")
    samples = ["版本3.6.3 ids pd1728 2021-01-18 covid-19 c++ a. b:c :x", "a:" * 5000, "x-" * 300 + "+",
               "1.2.3.", "中文abc-中文", "a++b", "..a..b..", "c++-1"]
    for pattern in (RUN_RE,):
        assert "++" in pattern.pattern and "*+" in pattern.pattern
        for text in samples:
            assert [m.group() for m in pattern.finditer(text)] == [m.group() for m in greedy.finditer(text)]
