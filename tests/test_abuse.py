"""Slow and abusive clients against the real server (gunicorn with webapp/gunicorn_conf.py, two workers).

The fast variant of the ``make reliability`` campaigns "slow clients" and "abuse limits": connections
that trickle their headers or hold idle keep-alives must not starve the workers; an over-long request
line or header block is answered in the one JSON envelope; the rate limit is one limit per client across
workers, and ``X-Forwarded-For`` does not change who the client is unless ``HUIXUN_TRUST_PROXY`` is set.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO
from .test_gunicorn_serve import free_port, wait_until_serving

pytestmark = pytest.mark.server

#: A bound on each answer, so a starved server fails the test instead of hanging it (not a speed claim).
ANSWER_DEADLINE_S = 10.0


def _start(demo_index: Path, log_dir: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    # Only the web workers: these tests count their descriptors and memory (the ingest worker that
    # huixun serve also runs is tested in test_ingest_server.py).
    environ = dict(os.environ, HUIXUN_ACCESS_LOG=str(log_dir / "access.log"), HUIXUN_SERVE_WORKER="0", **env)
    huixun = str(Path(sys.executable).parent / "huixun")
    cmd = [huixun, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--index-dir", str(demo_index)]
    err = open(log_dir / "gunicorn.err", "wb")  # noqa: SIM115  (closed with the process below)
    proc = subprocess.Popen(cmd, cwd=REPO, env=environ, stdout=err, stderr=err)
    proc.log = err  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, base + "/healthz")
    except BaseException:
        _stop(proc)
        raise
    return proc, base


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=60)
    proc.log.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def server(demo_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, base = _start(demo_index, tmp_path_factory.mktemp("abuse"))
    try:
        yield base
    finally:
        _stop(proc)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_DEADLINE_S) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _raw(base: str, payload: bytes) -> tuple[int, dict, bytes]:
    """Send ``payload`` as is; return the status, the JSON body (or {}) and the raw answer."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=ANSWER_DEADLINE_S) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body), answer
    except ValueError:
        return status, {}, answer


def _connect(base: str) -> socket.socket:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    return socket.create_connection((host, int(port)), timeout=ANSWER_DEADLINE_S)


def test_trickling_and_idle_clients_do_not_starve_the_workers(server: str) -> None:
    held: list[socket.socket] = []
    try:
        for n in range(30):  # headers never finished: the attack of issue #10
            sock = _connect(server)
            sock.sendall(f"GET /api/v1/search?q=x{n} HTTP/1.1\r\nHost: x\r\n".encode())
            held.append(sock)
        for _ in range(10):  # a body announced and never sent
            sock = _connect(server)
            sock.sendall(b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab")
            held.append(sock)
        for _ in range(10):  # idle keep-alive connections after one answered request
            sock = _connect(server)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            held.append(sock)
        for _ in range(4):
            status, body, _ = _get(server + "/healthz")
            assert status == 200 and json.loads(body)["ok"] is True
            status, body, _ = _get(server + "/api/v1/search?q=" + urllib.parse.quote("科创中国"))
            assert status == 200 and json.loads(body)["total"] == 2  # 2 announcements (twins collapsed)
    finally:
        for sock in held:
            sock.close()


def _assert_envelope(status: int, body: dict, expected: int, code: str) -> None:
    assert status == expected, body
    assert body["ok"] is False and body["status"] == expected
    assert body["error"]["code"] == code and body["error"]["message"]


def test_overlong_request_line_is_answered_in_the_envelope(server: str) -> None:
    # Past gunicorn's default limit (4094 bytes) but within the head a worker buffers: the app's limit.
    status, body, headers = _get(server + "/api/v1/search?q=" + "a" * 6000)
    _assert_envelope(status, json.loads(body), 414, "uri_too_long")
    assert headers["Content-Type"] == "application/json"
    # Longer than any request head a worker buffers: answered by the worker, in the same envelope.
    line = b"GET /api/v1/search?q=" + b"a" * 70_000 + b" HTTP/1.1\r\n"
    status, envelope, _ = _raw(server, line + b"Host: x\r\n\r\n")
    _assert_envelope(status, envelope, 414, "uri_too_long")


def test_overlong_headers_are_answered_in_the_envelope(server: str) -> None:
    status, body, _ = _get(server + "/api/v1/search?q=x", headers={"X-Big": "b" * 9000})
    _assert_envelope(status, json.loads(body), 431, "headers_too_large")
    many = "".join(f"X-H{n}: v\r\n" for n in range(5000)).encode()
    status, envelope, _ = _raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    _assert_envelope(status, envelope, 431, "headers_too_large")


def test_request_bodies_have_a_size_limit(server: str) -> None:
    # Refused from the announced length: the body is never read (nor sent here).
    payload = b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"
    status, envelope, _ = _raw(server, payload)
    _assert_envelope(status, envelope, 413, "payload_too_large")


@pytest.fixture(scope="module")
def limited_server(demo_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A refill so slow that no token comes back during the test: exactly the burst is served.
    proc, base = _start(
        demo_index, tmp_path_factory.mktemp("limited"), HUIXUN_RATE_LIMIT="0.0001", HUIXUN_RATE_BURST="5"
    )
    try:
        yield base
    finally:
        _stop(proc)


def test_rate_limit_is_one_limit_per_client_across_workers(limited_server: str) -> None:
    statuses = []
    for n in range(40):  # a new connection each: the kernel spreads them over both workers
        # A forged X-Forwarded-For must not make a new client: the proxy is not trusted by default.
        status, body, headers = _get(
            limited_server + f"/api/v1/search?q=%E5%AD%A6%E4%BC%9A{n}",
            headers={"X-Forwarded-For": f"203.0.113.{n}", "Connection": "close"},
        )
        statuses.append(status)
        if status == 429:
            assert json.loads(body)["error"]["code"] == "rate_limited" and int(headers["Retry-After"]) >= 1
    assert statuses.count(200) == 5 and statuses.count(429) == 35
    # Pages are not rate limited.
    assert _get(limited_server + "/healthz")[0] == 200


def _worker_fds(server_pid: int) -> dict[int, int]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server_pid)], capture_output=True, text=True)
    counts = {}
    for pid in map(int, children.stdout.split()):
        try:
            counts[pid] = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            continue
    return counts


def test_mixed_traffic_leaves_no_descriptor_behind(demo_index: Path, tmp_path: Path) -> None:
    """The soak campaign in small: mixed traffic, then every worker is back to its descriptors."""
    proc, base = _start(demo_index, tmp_path, HUIXUN_RATE_LIMIT="1000000", HUIXUN_RATE_BURST="1000000")
    try:
        q = urllib.parse.quote
        paths = ["/healthz", "/embed.js", "/?q=" + q("学会"), "/api/v1/documents/cast-452857",
                 "/doc/cast-452857?q=" + q("学会"), "/api/v1/search?q=" + q("科创中国"),
                 "/api/v1/search?q=" + q("学会") + "&source=" + q("中国科协")]
        for path in paths * 4:  # warm-up: each worker opens the index and fills its caches
            assert _get(base + path)[0] == 200, path
        settled = _worker_fds(proc.pid)
        statuses = set()
        for n in range(40):
            for path in paths:
                status, _body, headers = _get(base + path)
                statuses.add(status)
                if n % 10 == 0 and "ETag" in headers:
                    statuses.add(_get(base + path, headers={"If-None-Match": headers["ETag"]})[0])
        assert statuses == {200, 304}
        deadline = time.monotonic() + 30  # closed connections leave the workers' poll loops
        while _worker_fds(proc.pid) != settled and time.monotonic() < deadline:
            time.sleep(0.2)  # polling interval
        assert _worker_fds(proc.pid) == settled
    finally:
        _stop(proc)
