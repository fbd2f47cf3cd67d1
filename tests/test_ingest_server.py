"""End to end on a real server: ``huixun serve`` (gunicorn + the worker it starts), a key made with
``huixun keys create``, a post that becomes searchable and enters a feed, a deletion, and logs that never
hold the key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest

from .conftest import REPO
from .test_gunicorn_serve import free_port, wait_until_serving

pytestmark = pytest.mark.server

HUIXUN = str(Path(sys.executable).parent / "huixun")
DEADLINE_S = 120.0
QUERY = '"量子材料"'  # a phrase one demo document holds (xwlb-20240630-11)


def call(url: str, method: str = "GET", body: object = None, key: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@pytest.fixture(scope="module")
def served(demo_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """(base URL, a writer key, the log directory) of ``huixun serve`` over a copy of the demo index."""
    root = tmp_path_factory.mktemp("ingest_server")
    index_dir = root / "index"
    shutil.copytree(demo_index, index_dir, symlinks=True)
    created = subprocess.run([HUIXUN, "keys", "create", "--name", "cms", "--index-dir", str(index_dir)],
                             capture_output=True, text=True, check=True, cwd=REPO)
    key = created.stdout.strip()
    port = free_port()
    env = dict(os.environ, HUIXUN_ACCESS_LOG=str(root / "access.log"), HUIXUN_WORKER_POLL="0.05",
               HUIXUN_RATE_LIMIT="1000", HUIXUN_RATE_BURST="1000")
    cmd = [HUIXUN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--index-dir", str(index_dir)]
    with open(root / "server.log", "wb") as err:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=err, stderr=err)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(proc, base + "/healthz")
            yield base, key, root
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def wait_for_task(base: str, key: str, task_id: int) -> dict:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        status, body, _ = call(f"{base}/api/v1/tasks/{task_id}", key=key)
        assert status == 200, body
        task = json.loads(body)["task"]
        if task["status"] in ("succeeded", "failed"):
            return task
        time.sleep(0.02)  # polling interval, not a timing assumption
    raise AssertionError(f"task {task_id} not done within {DEADLINE_S} s")


def search_total(base: str, q: str) -> int:
    status, body, _ = call(f"{base}/api/v1/search?q={quote(q)}")
    assert status == 200
    return int(json.loads(body)["total"])


def test_a_post_is_searchable_after_its_task_and_enters_the_feed(served) -> None:  # type: ignore[no-untyped-def]
    base, key, _ = served
    feed_url = f"{base}/feed.atom?q={quote(QUERY)}"
    status, before, headers = call(feed_url)
    assert status == 200
    assert [entry.link for entry in feedparser.parse(before).entries] == [f"{base}/doc/xwlb-20240630-11"]
    etag = headers["ETag"]
    assert search_total(base, QUERY) == 1

    post = {"id": "cms-2026-001", "title": "中国量子材料学会2027年学术年会第一轮通知",
            "body": "中国量子材料学会定于2027年4月在合肥召开学术年会，欢迎投稿。", "date": "2026-12-01",
            "source": "中国量子材料学会", "url": "https://example.org/news/2026-001"}
    status, body, headers = call(f"{base}/api/v1/documents", "POST", post, key=key)
    assert status == 202
    accepted = json.loads(body)
    assert accepted["status"] == "enqueued" and headers["Location"] == f"/api/v1/tasks/{accepted['task_id']}"
    task = wait_for_task(base, key, accepted["task_id"])
    assert task["status"] == "succeeded"
    assert task["counts"] == {"added": 1, "updated": 0, "unchanged": 0, "deleted": 0, "failed": 0}
    assert task["key"] == "cms"

    assert search_total(base, QUERY) == 2
    status, body, _ = call(f"{base}/api/v1/documents/cms-2026-001")
    assert status == 200 and json.loads(body)["document"]["source"] == "中国量子材料学会"
    status, after, _ = call(feed_url, headers={"If-None-Match": etag})
    assert status == 200  # the index changed: the old ETag no longer matches
    entries = feedparser.parse(after).entries
    assert [entry.link for entry in entries] == [f"{base}/doc/cms-2026-001", f"{base}/doc/xwlb-20240630-11"]
    assert entries[0].title == post["title"]
    assert entries[0].published.startswith("2026-12-01")

    status, body, _ = call(f"{base}/api/v1/documents/cms-2026-001", "DELETE", key=key)
    assert status == 202
    task = wait_for_task(base, key, json.loads(body)["task_id"])
    assert task["counts"]["deleted"] == 1
    assert search_total(base, QUERY) == 1
    status, body, _ = call(f"{base}/api/v1/documents/cms-2026-001")
    assert status == 404


def test_wrong_keys_on_the_real_server(served) -> None:  # type: ignore[no-untyped-def]
    base, key, _ = served
    wrong = key[:-1] + ("B" if key.endswith("A") else "A")  # (a key ending in "A" made this the right key)
    status, body, headers = call(f"{base}/api/v1/documents", "POST", {"body": "x"}, key=wrong)
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    status, body, _ = call(f"{base}/api/v1/tasks")
    assert status == 401


def test_the_key_never_reaches_a_log(served) -> None:  # type: ignore[no-untyped-def]
    base, key, root = served
    call(f"{base}/api/v1/tasks?limit=1", key=key)
    call(f"{base}/api/v1/documents", "POST", {"bad": 1}, key=key)
    secret = key.split("_", 2)[2]
    for name in ("access.log", "server.log"):
        text = (root / name).read_text(encoding="utf-8", errors="replace")
        assert "/api/v1/tasks?limit=1" in text or name == "server.log"
        assert secret not in text and key not in text


def test_serve_runs_the_worker(served) -> None:  # type: ignore[no-untyped-def]
    _, _, root = served
    deadline = time.monotonic() + DEADLINE_S
    log = ""
    while time.monotonic() < deadline:
        log = (root / "server.log").read_text(encoding="utf-8", errors="replace")
        if "ready: applying the tasks of" in log:
            break
        time.sleep(0.05)  # polling interval, not a timing assumption
    assert "[worker " in log and "ready: applying the tasks of" in log
