"""Reindexing under load (the fast variant of the ``make reliability`` campaign "reindex under load"): a
load generator thread keeps searching the real server (gunicorn with webapp/gunicorn_conf.py, two
workers) with distinct queries while the real ``huixun index`` command adds documents to the live index,
then rebuilds it. Not one request fails, and every answer comes from a whole index: the state before or
the state after a run, never an empty or half-built one."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest

from indexer.writer import index_paths

from .conftest import FIXTURES, REPO
from .faults import index_command
from .test_abuse import _start, _stop

pytestmark = pytest.mark.server

LINES = FIXTURES.read_text(encoding="utf-8").splitlines()
#: The query whose total tells which index answered (the others are distinct, as in the campaign).
PROBE = "学会"


class SearchLoad(threading.Thread):
    """Keep-alive searches over ``queries`` in turn, every third one ``PROBE``, until stopped; records
    each answer's status and, for the probe, its ``total``."""

    def __init__(self, base: str, queries: list[str]):
        super().__init__(daemon=True)
        self.host, self.port = urllib.parse.urlsplit(base).netloc.split(":")
        self.queries = queries
        self.stop = threading.Event()
        self.statuses: dict[int, int] = {}
        self.totals: set[int] = set()
        self.problems: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        n = 0
        while not self.stop.is_set():
            q = PROBE if n % 3 == 0 else self.queries[n % len(self.queries)]
            n += 1
            try:
                conn.request("GET", "/api/v1/search?q=" + urllib.parse.quote(q))
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                self.problems.append(f"{q}: {exc!r}")
                conn.close()
                conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
                continue
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200 and q == PROBE:
                self.totals.add(json.loads(body)["total"])
            elif status != 200:
                self.problems.append(f"{q}: {status} {body[:200]!r}")
        conn.close()

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


def _probe_total(base: str) -> int:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/api/v1/search?q=" + urllib.parse.quote(PROBE))
    total = json.loads(conn.getresponse().read())["total"]
    conn.close()
    return int(total)


def test_incremental_run_and_rebuild_under_search_load(tmp_path: Path) -> None:
    feed_dir = tmp_path / "feed"
    feed_dir.mkdir()
    (feed_dir / "feed.jsonl").write_text("\n".join(LINES[:40]) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    index_paths([feed_dir], index_dir, workers=1)
    queries = sorted({json.loads(line)["title"][:2] for line in LINES[:150]} - {PROBE})
    assert len(queries) > 50
    proc, base = _start(index_dir, tmp_path, HUIXUN_RATE_LIMIT="1000000", HUIXUN_RATE_BURST="1000000")
    try:
        # The incremental run adds 110 documents; the rebuild then indexes the first 120 only.
        totals = [_probe_total(base)]
        for rebuild, lines in ((False, 150), (True, 120)):
            (feed_dir / "feed.jsonl").write_text("\n".join(LINES[:lines]) + "\n", encoding="utf-8")
            load = SearchLoad(base, queries)
            load.start()
            try:
                done = subprocess.run(index_command([feed_dir], index_dir, rebuild), cwd=REPO,
                                      capture_output=True, text=True)
                assert done.returncode == 0, done.stderr
                after = _probe_total(base)  # the published index answers the next request
            finally:
                load.stop.set()
                load.join(60)
            assert load.problems == [], load.problems[:5]
            assert set(load.statuses) == {200} and load.requests > 0
            # Every probe answer came from the index before the run or after it: nothing in between.
            assert load.totals <= {totals[-1], after}, (load.totals, totals[-1], after)
            assert after != totals[-1]
            totals.append(after)
        assert totals[0] < totals[1] and totals[2] < totals[1]
    finally:
        _stop(proc)
