"""The OpenAPI 3.1 document is valid, and real responses validate against its schemas."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from webapp import create_app


@pytest.fixture(scope="module")
def spec(web_app) -> dict:
    response = web_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validator_for(spec: dict, name: str) -> jsonschema.Draft202012Validator:
    """A validator of ``#/components/schemas/<name>`` with the document's ``$ref``s resolvable."""
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(spec))
    schema = {"$ref": f"urn:openapi#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_document_is_valid_openapi_3_1(spec: dict) -> None:
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {
        "/api/v1/search",
        "/api/v1/documents/{id}",
        "/api/v1/openapi.json",
        "/healthz",
        # the ingest API (staff only, webapp.ingest_api)
        "/api/v1/documents",
        "/api/v1/tasks",
        "/api/v1/tasks/{id}",
    }
    params = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert params == {
        "q",
        "page",
        "per_page",
        "sort",
        "collapse",
        "source",
        "category",
        "year",
        "person",
        "org",
        "place",
        "date_from",
        "date_to",
    }


@pytest.mark.parametrize(
    "query",
    [
        {"q": "科创中国"},
        {"q": "学会", "per_page": "50", "sort": "date_asc"},
        {"q": "", "year": "2020"},  # one year selected: the month facet appears
        {"q": "没有这样的词语组合xyz"},
        {"q": "中国化学会", "org": "中国科协", "date_from": "2019"},
    ],
)
def test_search_responses_validate(spec: dict, web_client, query: dict) -> None:
    response = web_client.get("/api/v1/search", query_string=query)
    assert response.status_code == 200
    validator_for(spec, "SearchResponse").validate(response.get_json())


def test_every_example_is_built_by_the_envelope_and_validates(spec: dict) -> None:
    examples = 0
    for path in spec["paths"].values():
        for operation in path.values():
            for response in operation["responses"].values():
                media = response.get("content", {}).get("application/json", {})
                if "example" in media:
                    name = media["schema"]["$ref"].rsplit("/", 1)[1]
                    validator_for(spec, name).validate(media["example"])
                    examples += 1
    assert examples >= 5  # search, document, health, and the 400 of both API routes


def test_document_and_health_responses_validate(spec: dict, web_client) -> None:
    hit = web_client.get("/api/v1/search", query_string={"q": "科创中国"}).get_json()["hits"][0]
    validator_for(spec, "DocumentResponse").validate(
        web_client.get(f"/api/v1/documents/{hit['id']}").get_json()
    )
    validator_for(spec, "Health").validate(web_client.get("/healthz").get_json())


def test_error_responses_validate(spec: dict, web_client, demo_index: Path, tmp_path: Path) -> None:
    errors = validator_for(spec, "Error")
    limited = create_app({"index_dir": str(demo_index), "rate_limit": 1, "rate_burst": 1}).test_client()
    assert limited.get("/api/v1/openapi.json").status_code == 200
    for response in (
        web_client.get("/api/v1/search", query_string={"per_page": "500"}),
        web_client.get("/api/v1/documents/none"),
        web_client.delete("/api/v1/search"),
        create_app({"index_dir": str(tmp_path)}).test_client().get("/healthz"),
        limited.get("/api/v1/openapi.json"),
    ):
        errors.validate(response.get_json())


def test_month_facet_only_with_one_year(web_client) -> None:
    one = web_client.get("/api/v1/search", query_string={"year": "2020"}).get_json()
    assert one["facets"]["month"] and all(b["value"].startswith("2020-") for b in one["facets"]["month"])
    assert "month" not in web_client.get("/api/v1/search", query_string={"q": "学会"}).get_json()["facets"]


def test_every_operation_documents_what_the_shared_layers_can_answer(spec: dict, web_client) -> None:
    # Found by fuzzing (issue #10): a rate-limited DELETE, or a 414 on the task list, were valid answers
    # that the document did not list for those operations.
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "405", "413", "414", "431", "500"} <= codes, (method, path)
            if path.startswith("/api/"):
                assert {"429", "503"} <= codes, (method, path)
    # and such an answer is in the envelope, as documented
    long_url = "/api/v1/tasks?status=" + "x" * 5000
    response = web_client.get(long_url)
    assert response.status_code == 414 and response.get_json()["error"]["code"] == "uri_too_long"
