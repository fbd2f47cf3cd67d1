"""The JSON API contract (/api/v1): shape, parameters, errors, CORS, caching, rate limit, time limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp import create_app

KCZG = "科创中国"
SEARCH_KEYS = [
    "ok", "query", "total", "page", "per_page", "took_ms", "hits", "facets", "facets_estimated", "suggestion"
]
HIT_KEYS = [
    "id",
    "title",
    "title_html",
    "snippet_html",
    "url",
    "date",
    "source",
    "category",
    "people",
    "orgs",
    "places",
    "score",
    "duplicates",
]
FACET_NAMES = ["source", "category", "year", "person", "org", "place"]


def assert_error(response, status: int, code: str, param: str | None = None) -> dict:
    """The one error envelope, exactly."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["ok", "status", "error"]
    assert body["ok"] is False and body["status"] == status
    assert {"code", "message", "param"} <= set(body["error"]) <= {"code", "message", "param", "retry_after"}
    assert body["error"]["code"] == code
    assert body["error"]["param"] == param
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


def test_search_response_has_exactly_the_contract_fields(web_client) -> None:
    response = web_client.get("/api/v1/search", query_string={"q": KCZG, "collapse": "false"})  # twins apart
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.get_json()
    assert list(body) == SEARCH_KEYS
    # 科创中国 occurs in three demo documents: cast-120382, its Traditional twin, and the sample post.
    assert body["ok"] is True and body["total"] == 3 and body["page"] == 1 and body["per_page"] == 10
    assert body["query"]["q"] == KCZG and body["query"]["sort"] == "relevance"
    assert body["query"]["relaxed"] is False and body["query"]["terms"] == [KCZG]
    assert body["suggestion"] is None and body["facets_estimated"] is False
    assert sorted(hit["id"] for hit in body["hits"]) == [
        "000_99532756a9d00d77",
        "cast-120382",
        "cast-120382-hant",
    ]
    assert [list(hit) for hit in body["hits"]] == [HIT_KEYS] * 3
    for hit in body["hits"]:
        assert "<mark>科创中国</mark>" in hit["title_html"] or "<mark>科創中國</mark>" in hit["title_html"]
        assert isinstance(hit["people"], list) and isinstance(hit["score"], float)
    assert list(body["facets"]) == FACET_NAMES
    for name in FACET_NAMES:
        for bucket in body["facets"][name]:
            assert list(bucket) == ["value", "count", "selected"] and not bucket["selected"]
            assert 1 <= bucket["count"] <= 3
    assert sum(b["count"] for b in body["facets"]["source"]) == 3


def test_json_is_readable_chinese_utf8(web_client) -> None:
    raw = web_client.get("/api/v1/search", query_string={"q": KCZG}).get_data()
    assert KCZG.encode("utf-8") in raw and b"\\u" not in raw


def test_filters_are_repeatable_and_reported_as_understood(web_client) -> None:
    sources = web_client.get("/api/v1/search", query_string={"q": "学会"}).get_json()["facets"]["source"]
    first, second = sources[0], sources[1]
    one = web_client.get("/api/v1/search", query_string={"q": "学会", "source": first["value"]}).get_json()
    both = web_client.get(
        "/api/v1/search",
        query_string=[("q", "学会"), ("source", first["value"]), ("source", second["value"])],
    ).get_json()
    assert one["total"] == first["count"]  # a bucket's count is what selecting it gives
    assert both["total"] == first["count"] + second["count"]  # values of one facet: OR
    assert one["query"]["filters"] == {"source": [first["value"]]}
    assert both["query"]["filters"] == {"source": [first["value"], second["value"]]}
    assert [b["selected"] for b in one["facets"]["source"] if b["value"] == first["value"]] == [True]
    assert {hit["source"] for hit in one["hits"]} == {first["value"]}
    year = one["facets"]["year"][0]
    narrowed = web_client.get(
        "/api/v1/search", query_string={"q": "学会", "source": first["value"], "year": year["value"]}
    ).get_json()
    assert narrowed["total"] == year["count"] < one["total"]  # different facets: AND


def test_paging_and_sorting(web_client) -> None:
    page1 = web_client.get(
        "/api/v1/search", query_string={"q": "学会", "per_page": 5, "sort": "date_desc"}
    ).get_json()
    page2 = web_client.get(
        "/api/v1/search", query_string={"q": "学会", "per_page": 5, "sort": "date_desc", "page": 2}
    ).get_json()
    assert page1["total"] == page2["total"] > 10
    assert len(page1["hits"]) == len(page2["hits"]) == 5 and page2["page"] == 2
    dates = [h["date"] for h in page1["hits"] + page2["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)
    assert not {h["id"] for h in page1["hits"]} & {h["id"] for h in page2["hits"]}


def test_date_range_filters(web_client) -> None:
    body = web_client.get(
        "/api/v1/search",
        query_string={"q": "学会", "date_from": "2020-01-01", "date_to": "2020-12-31", "per_page": 50},
    ).get_json()
    assert body["total"] > 0
    assert all(hit["date"].startswith("2020-") for hit in body["hits"])
    assert body["query"]["date_from"] == "2020-01-01" and body["query"]["date_to"] == "2020-12-31"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"per_page": "51"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"sort": "random"}, "sort"),
        ({"year": "20x0"}, "year"),
        ({"date_from": "2020-13-01"}, "date_from"),
        ({"date_from": "2021-01-01", "date_to": "2020-01-01"}, "date_to"),
        ({"q": "学" * 201}, "q"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(web_client, params: dict, param: str) -> None:
    assert_error(web_client.get("/api/v1/search", query_string=params), 400, "invalid_parameter", param)


def test_hostile_query_text_never_errors(web_client) -> None:
    for q in ['"科创', "-", "OR", "😀", "\x00\x07学会", "<script>alert(1)</script>", "科创中国 OR OR -"]:
        response = web_client.get("/api/v1/search", query_string={"q": q})
        assert response.status_code == 200, q
        for hit in response.get_json()["hits"]:
            assert "<script>" not in hit["title_html"] + hit["snippet_html"]


def test_document_endpoint(web_client) -> None:
    hit = web_client.get("/api/v1/search", query_string={"q": KCZG}).get_json()["hits"][0]
    response = web_client.get(f"/api/v1/documents/{hit['id']}")
    assert response.status_code == 200
    doc = response.get_json()["document"]
    assert doc["id"] == hit["id"] and doc["title"] == hit["title"]
    assert "科创中国" in doc["body"] or "科創中國" in doc["body"]
    assert response.headers["ETag"]
    assert_error(web_client.get("/api/v1/documents/no-such-doc"), 404, "not_found", "id")


def test_etag_and_cache_control_give_304(web_client) -> None:
    first = web_client.get("/api/v1/search", query_string={"q": KCZG})
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = web_client.get("/api/v1/search", query_string={"q": KCZG}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    other = web_client.get("/api/v1/search", query_string={"q": "学会"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_every_api_route_answers_a_wrong_method_and_unknown_paths_in_the_envelope(
    web_app, web_client
) -> None:
    routes = [r for r in web_app.url_map.iter_rules() if r.rule.startswith("/api/") or r.rule == "/healthz"]
    # The ingest routes do not exist until an API key does (tests/test_ingest_api.py).
    routes = [r for r in routes if not r.endpoint.startswith("ingest.")]
    assert {r.rule for r in routes} >= {
        "/api/v1/search",
        "/api/v1/documents/<doc_id>",
        "/api/v1/openapi.json",
        "/healthz",
    }
    for rule in routes:
        path = rule.rule.replace("<doc_id>", "x")
        for method in ("post", "put", "delete"):
            if method == "delete" and rule.rule == "/api/v1/documents/<doc_id>":
                continue  # the ingest API's DELETE: 404 until an API key exists (tests/test_ingest_api.py)
            body = assert_error(getattr(web_client, method)(path), 405, "method_not_allowed")
            assert body["error"]["message"] == f"method {method.upper()} is not allowed here"
    response = web_client.post("/api/v1/search")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert_error(web_client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(web_client.get("/api/v2/search"), 404, "not_found")


def test_crash_is_a_500_in_the_envelope(demo_index: Path) -> None:
    app = create_app({"index_dir": str(demo_index)})

    @app.get("/api/v1/_crash")
    def crash() -> str:
        raise RuntimeError("boom")

    body = assert_error(app.test_client().get("/api/v1/_crash"), 500, "internal_error")
    assert "boom" not in body["error"]["message"]  # internals are logged, not shown


def test_missing_index_is_503_for_health_and_search(tmp_path: Path) -> None:
    client = create_app({"index_dir": str(tmp_path / "none")}).test_client()
    assert_error(client.get("/healthz"), 503, "index_unavailable")
    assert_error(client.get("/api/v1/search", query_string={"q": KCZG}), 503, "index_unavailable")
    page = client.get("/?q=科创中国")
    assert page.status_code == 503 and page.mimetype == "text/html"


def test_health_reports_the_index(web_client) -> None:
    response = web_client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert body["ok"] is True and body["status"] == "ok"
    assert body["documents"] == 401 and body["schema_version"] >= 1
    assert body["last_indexed_at"].endswith("Z") and body["generation"].startswith("gen-")


def test_search_time_limit_is_503_search_timeout(demo_index: Path) -> None:
    client = create_app({"index_dir": str(demo_index), "search_timeout": 1e-6}).test_client()
    assert_error(client.get("/api/v1/search", query_string={"q": "学会"}), 503, "search_timeout")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_is_429_with_retry_after(demo_index: Path) -> None:
    clock = Clock()
    app = create_app(
        {"index_dir": str(demo_index), "rate_limit": 0.5, "rate_burst": 2, "RATE_LIMIT_CLOCK": clock}
    )
    client = app.test_client()
    assert client.get("/api/v1/search", query_string={"q": KCZG}).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    refused = client.get("/api/v1/search", query_string={"q": KCZG})
    body = assert_error(refused, 429, "rate_limited")
    assert refused.headers["Retry-After"] == "2" and body["error"]["retry_after"] == 2
    other_client = client.get(
        "/api/v1/search", query_string={"q": KCZG}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other_client.status_code == 200
    assert (
        client.get("/").status_code == 200 and client.get("/healthz").status_code == 200
    )  # pages not limited
    clock.now += 2.0
    assert client.get("/api/v1/search", query_string={"q": KCZG}).status_code == 200


def test_cors_on_responses_and_errors(web_client) -> None:
    ok = web_client.get(
        "/api/v1/search", query_string={"q": KCZG}, headers={"Origin": "https://partner.example"}
    )
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in ok.headers["Access-Control-Expose-Headers"]
    bad = web_client.get(
        "/api/v1/search", query_string={"page": "0"}, headers={"Origin": "https://partner.example"}
    )
    assert bad.headers["Access-Control-Allow-Origin"] == "*"  # a browser client can read the error too


def test_preflight_lets_custom_headers_through(web_client) -> None:
    """R15 (in the regression suite's table): CORS lets custom client headers through (meilisearch PR
    #2056, after a ``User-Agent`` header broke browser calls)."""
    response = web_client.options(
        "/api/v1/search",
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-requested-with, user-agent, x-partner-key",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "x-requested-with, user-agent, x-partner-key"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_cors_restricted_to_configured_origins(demo_index: Path) -> None:
    app = create_app({"index_dir": str(demo_index), "cors_origins": "https://a.example, https://b.example"})
    client = app.test_client()
    allowed = client.get("/api/v1/openapi.json", headers={"Origin": "https://b.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in allowed.headers["Vary"]
    denied = client.get("/api/v1/openapi.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers
    preflight = client.options(
        "/api/v1/search", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Methods" not in preflight.headers


def test_security_headers_everywhere(demo_index: Path) -> None:
    client = create_app(
        {"index_dir": str(demo_index), "frame_ancestors": "https://society.example"}
    ).test_client()
    for path in ("/", "/api/v1/openapi.json", "/healthz", "/api/v1/nothing", "/embed.js"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert csp.endswith("frame-ancestors https://society.example")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_document_gives_event_date_and_entities_traced_to_the_text(web_client) -> None:
    """``date`` stays the publication date; ``event_date`` is the text's primary date; every facet value
    comes with the forms the text wrote and their offsets in title or body."""
    hit = web_client.get("/api/v1/search", query_string={"q": KCZG}).get_json()["hits"][0]
    doc = web_client.get(f"/api/v1/documents/{hit['id']}").get_json()["document"]
    assert doc["date"] == hit["date"]
    assert doc["event_date"] is None or len(doc["event_date"]) == 10
    assert [e["name"] for e in doc["entities"] if e["type"] == "org"] == doc["orgs"]
    assert [e["name"] for e in doc["entities"] if e["type"] == "place"] == doc["places"]
    assert doc["entities"] and all(e["forms"] for e in doc["entities"])
    for entity in doc["entities"]:
        for form in entity["forms"]:
            for pos in form["positions"]:
                assert doc[pos["field"]][pos["start"] : pos["end"]] == form["text"]
