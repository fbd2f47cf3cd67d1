"""Fuzzed requests (the fast variant of the ``make reliability`` fuzzing campaign): hypothesis draws hostile
paths and query strings over every route and parameter (tests/fuzzing.py); every answer meets the bar —
no 5xx but a documented 503 ``search_timeout``, the API in the one envelope, valid against the OpenAPI
document."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from .fuzzing import Bar, requests


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
