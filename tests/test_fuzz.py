"""Fuzzed requests (the fast variant of the ``make reliability`` fuzzing campaign): hypothesis draws hostile
paths and query strings over every route and parameter (tests/fuzzing.py); every answer meets the bar —
no 5xx but a documented 503 ``search_timeout``, the API in the one envelope, valid against the OpenAPI
document; and schemathesis against the OpenAPI document of the real server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from .fuzzing import Bar, requests
from .test_abuse import _start, _stop


def test_fuzzed_requests_meet_the_bar(web_app) -> None:
    client = web_app.test_client()
    bar = Bar(client.get("/api/v1/openapi.json").get_json())

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(requests())
    def check(path: str) -> None:
        response = client.get(path)
        problem = bar.problem(path, response.status_code, response.content_type or "", response.get_data())
        assert problem is None, (path, problem)

    check()


@pytest.mark.server
def test_schemathesis_against_the_real_server(demo_index: Path, tmp_path: Path) -> None:
    """schemathesis, as the campaign runs it, with a few examples per operation against gunicorn with
    webapp/gunicorn_conf.py: no 5xx, status codes, content types and bodies as the OpenAPI document says."""
    proc, base = _start(demo_index, tmp_path, HUIXUN_RATE_LIMIT="1000000", HUIXUN_RATE_BURST="1000000")
    try:
        report = tmp_path / "schemathesis.json"
        cmd = [str(Path(sys.executable).parent / "schemathesis"), "run", base + "/api/v1/openapi.json",
               "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
               "response_schema_conformance", "-n", "15", "--seed", "1", "--report", "json",
               "--report-json-path", str(report)]
        done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:]
        assert json.loads(report.read_text())["test_cases"]["generated"] >= 15
    finally:
        _stop(proc)


def test_the_worst_queries_answer_without_hitting_the_search_timeout(web_app) -> None:
    """The campaign "expensive queries" in small (on the demo index): dozens of ``OR`` terms, 200 of the
    most common characters, one-character queries, every facet selected, deep pages. Each is answered
    (200), none by the 503 ``search_timeout`` the deadline would give."""
    import random
    from urllib.parse import quote

    client = web_app.test_client()
    common = "的会学中国协大科年技术发展工作在和了"
    rng = random.Random(5)
    words = ["学会", "协会", "大学", "会议", "科技", "中国", "年会", "论坛", "研究", "发展"]
    facets = client.get("/api/v1/search?q=" + quote("学会")).get_json()["facets"]
    pairs = [(name, bucket["value"]) for name, buckets in facets.items() for bucket in buckets]
    selected = "&".join(f"{name}={quote(str(value))}" for name, value in pairs)
    paths = [
        *("/api/v1/search?q=" + quote(" OR ".join(rng.choice(words) for _ in range(30))) for _ in range(3)),
        *("/api/v1/search?q=" + quote("".join(rng.choice(common) for _ in range(200))) for _ in range(3)),
        *("/api/v1/search?q=" + quote(c) for c in common[:6]),
        "/api/v1/search?q=" + quote("学会") + "&" + selected,
        "/api/v1/search?q=&" + selected,
        "/api/v1/search?q=" + quote("的") + "&page=20&per_page=50",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path[:120], response.get_json())
