"""The OpenAPI 3.1 description of the JSON API (served at ``/api/v1/openapi.json``).

Written by hand next to the code it describes; ``tests/test_api_openapi.py`` validates it with
openapi-spec-validator and validates real responses against its schemas with jsonschema, so the
document cannot drift from the behaviour. The facet parameters come from the one table of facets
(:mod:`search.facetspec`); the response examples are built by :mod:`search.envelope` from typed
sample results, like every real body.
"""

from __future__ import annotations

from typing import Any

from search.apikeys import SCOPES
from search.envelope import document_body, health_body, query_error_body, search_body
from search.facetspec import FACET_SPECS, FACETS
from search.models import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    SORTS,
    Document,
    FacetBucket,
    Hit,
    QueryError,
    SearchRequest,
    SearchResponse,
)
from search.schema import SCHEMA_VERSION
from search.taskqueue import COUNTS, STATUSES

__all__ = ["build", "API_VERSION"]

API_VERSION = "1.0.0"

_NULLABLE_STRING = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}

_EXAMPLE_HIT = Hit(
    id="cast-120382-hant",
    title="“科創中國——科技傳播助力智能製造”專場路演活動舉辦",
    title_html="“<mark>科創中國</mark>——科技傳播助力智能製造”專場路演活動舉辦",
    snippet_html="4月30日下午，“<mark>科創中國</mark>”系列路演活動第015場…",
    url="http://www.cast.org.cn/art/2020/5/7/art_80_120382.html",
    date="2020-05-07",
    source="中国科协",
    category=None,
    people=("沈志群", "陈锐"),
    orgs=("中国科协", "中国投资协会"),
    places=("北京", "广州"),
    score=36.61,
)


def _examples() -> dict[str, dict[str, Any]]:
    """One example body per response, built by :mod:`search.envelope` from typed sample results."""
    facets: dict[str, tuple[FacetBucket, ...]] = {name: () for name in FACETS}
    facets["source"] = (FacetBucket("中国科协", 2, False),)
    facets["year"] = (FacetBucket("2020", 2, False), FacetBucket("2019", 1, False))
    response = SearchResponse(
        request=SearchRequest.create("科创中国", per_page=1),
        total=3,
        hits=(_EXAMPLE_HIT,),
        facets=facets,
        facet_values={"source": 1, "year": 2},
        took_ms=6.1,
        terms=("科创中国",),
    )
    document = Document(
        id=_EXAMPLE_HIT.id,
        title=_EXAMPLE_HIT.title,
        body="4月30日下午，“科創中國”系列路演活動第015場……",
        url=_EXAMPLE_HIT.url,
        date=_EXAMPLE_HIT.date,
        dates=("2020-04-30", "2020-05-07"),
        source=_EXAMPLE_HIT.source,
        category=None,
        people=_EXAMPLE_HIT.people,
        orgs=_EXAMPLE_HIT.orgs,
        places=_EXAMPLE_HIT.places,
        indexed_at="2026-11-28T16:29:36Z",
    )
    return {
        "SearchResponse": search_body(response),
        "DocumentResponse": document_body(document),
        "Health": health_body(401, SCHEMA_VERSION, "2026-11-28T16:29:36Z", "gen-20261128T162936Z"),
        "Error": query_error_body(QueryError("per_page", "1000", "must be between 1 and 50")),
    }


def _json_content(schema: str, examples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    if schema in examples:
        content["example"] = examples[schema]
    return {"application/json": content}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content("Error", {})}


def _entity_schema() -> dict[str, Any]:
    position = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "start", "end", "implied"],
        "properties": {
            "field": {"type": "string", "enum": ["title", "body"]},
            "start": {"type": "integer", "minimum": 0, "description": "Offset of the first character."},
            "end": {"type": "integer", "minimum": 0, "description": "Offset after the last character."},
            "implied": {"type": "boolean", "description": "Written only inside a longer name (a place in "
                        "a local government's name): a facet value, not a mention of its own."},
        },
    }
    form = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "positions"],
        "properties": {
            "text": {"type": "string", "description": "The form as the text wrote it (original script)."},
            "positions": {"type": "array", "items": position},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "type", "forms"],
        "properties": {
            "name": {"type": "string", "description": "The canonical name (the facet value)."},
            "type": {"type": "string", "enum": ["person", "org", "place"]},
            "forms": {"type": "array", "items": form},
        },
    }


def _schemas() -> dict[str, Any]:
    bucket = {
        "type": "object",
        "required": ["value", "count", "selected"],
        "additionalProperties": False,
        "properties": {
            "value": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
        },
    }
    facets_props = {
        name: {"type": "array", "items": {"$ref": "#/components/schemas/FacetBucket"}} for name in FACETS
    }
    facets_props["month"] = {
        "description": "Months (YYYY-MM) of the selected year; present when exactly one year is selected.",
        "type": "array",
        "items": {"$ref": "#/components/schemas/FacetBucket"},
    }
    hit = {
        "type": "object",
        "additionalProperties": False,
        "required": [
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
        ],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string", "description": "Plain text."},
            "title_html": {"type": "string", "description": "HTML-escaped title, query words in <mark>."},
            "snippet_html": {
                "type": "string",
                "description": "About 120 characters, escaped, words in <mark>.",
            },
            "url": _NULLABLE_STRING,
            "date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "source": _NULLABLE_STRING,
            "category": _NULLABLE_STRING,
            "people": _STRINGS,
            "orgs": _STRINGS,
            "places": _STRINGS,
            "score": {"type": "number"},
            "duplicates": {
                "type": "array",
                "description": "Also published as: the other members of the hit's near-duplicate group "
                "(the same announcement in the other script, or reposted under another title). Empty "
                "when it has none, and with collapse=false. At most 10 are listed.",
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "source", "title", "url"],
                    "properties": {
                        "id": {"type": "string"},
                        "source": _NULLABLE_STRING,
                        "title": {"type": "string"},
                        "url": _NULLABLE_STRING,
                    },
                },
            },
        },
    }
    query = {
        "type": "object",
        "description": "The request as understood.",
        "required": [
            "q",
            "page",
            "per_page",
            "sort",
            "filters",
            "date_from",
            "date_to",
            "collapse",
            "relaxed",
            "notes",
            "terms",
        ],
        "properties": {
            "q": {"type": "string"},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "sort": {"enum": list(SORTS)},
            "filters": {
                "type": "object",
                "additionalProperties": False,
                "properties": {name: _STRINGS for name in FACETS},
            },
            "date_from": {"type": ["string", "null"]},
            "date_to": {"type": ["string", "null"]},
            "collapse": {"type": "boolean", "description": "One hit per near-duplicate group."},
            "relaxed": {
                "type": "boolean",
                "description": "No document contained every word; hits contain most of them.",
            },
            "notes": {**_STRINGS, "description": "Parts of the query read differently than typed."},
            "terms": {
                **_STRINGS,
                "description": "The words and phrases that were searched (for highlighting).",
            },
        },
    }
    search_response = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "ok", "query", "total", "page", "per_page", "took_ms", "hits",
            "facets", "facets_estimated", "suggestion",
        ],
        "properties": {
            "ok": {"const": True},
            "query": {"$ref": "#/components/schemas/Query"},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "took_ms": {"type": "number", "minimum": 0},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "additionalProperties": False,
                "required": list(FACETS),
                "properties": facets_props,
            },
            "facets_estimated": {
                "type": "boolean",
                "description": "True when the facet counts are estimates: more documents matched than "
                "HUIXUN_FACET_EXACT_LIMIT, and they were counted on an even sample of them, scaled up.",
            },
            "suggestion": {"type": ["string", "null"], "description": "A 'did you mean' query, or null."},
        },
    }
    document = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "title",
            "body",
            "url",
            "date",
            "dates",
            "source",
            "category",
            "people",
            "orgs",
            "places",
            "indexed_at",
            "event_date",
            "entities",
        ],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "The whole cleaned text (plain text)."},
            "url": _NULLABLE_STRING,
            "date": {**_NULLABLE_STRING, "description": "Publication date (YYYY-MM-DD): the metadata date, "
                     "else the date of the url or file name, else the text's primary date. The timeline "
                     "and the date filters use it."},
            "event_date": {**_NULLABLE_STRING, "description": "The primary date the text states (its "
                           "event, YYYY-MM-DD), or null."},
            "entities": {
                "type": "array",
                "description": "Each person, organization and place (the canonical name the facets show) "
                "with the forms the text wrote and their offsets in title or body.",
                "items": {"$ref": "#/components/schemas/Entity"},
            },
            "dates": {**_STRINGS, "description": "Every date the text states (YYYY-MM-DD)."},
            "source": _NULLABLE_STRING,
            "category": _NULLABLE_STRING,
            "people": _STRINGS,
            "orgs": _STRINGS,
            "places": _STRINGS,
            "indexed_at": _NULLABLE_STRING,
        },
    }
    error = {
        "type": "object",
        "additionalProperties": False,
        "required": ["ok", "status", "error"],
        "properties": {
            "ok": {"const": False},
            "status": {
                "type": "integer",
                "enum": [400, 401, 403, 404, 405, 413, 414, 415, 429, 431, 500, 503],
            },
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "message", "param"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "bad_request, invalid_parameter, not_found, method_not_allowed, "
                        "payload_too_large, uri_too_long, headers_too_large, "
                        "rate_limited, internal_error, unavailable, index_unavailable, search_timeout; "
                        "ingest API: unauthorized, insufficient_scope, invalid_body, "
                        "unsupported_media_type.",
                    },
                    "message": {"type": "string"},
                    "param": {"type": ["string", "null"], "description": "The parameter at fault, if any."},
                    "retry_after": {"type": "integer", "description": "With 429: seconds to wait."},
                },
            },
        },
    }
    health = {
        "type": "object",
        "additionalProperties": False,
        "required": ["ok", "status", "documents", "schema_version", "last_indexed_at", "generation"],
        "properties": {
            "ok": {"const": True},
            "status": {"const": "ok"},
            "documents": {"type": "integer", "minimum": 0},
            "schema_version": {"type": "integer"},
            "last_indexed_at": {"type": ["string", "null"], "description": "ISO 8601 UTC."},
            "generation": {"type": "string", "description": "The live index generation."},
        },
    }
    return {
        "FacetBucket": bucket,
        "Hit": hit,
        "Query": query,
        "SearchResponse": search_response,
        "Document": document,
        "Entity": _entity_schema(),
        "DocumentResponse": {
            "type": "object",
            "additionalProperties": False,
            "required": ["ok", "document"],
            "properties": {"ok": {"const": True}, "document": {"$ref": "#/components/schemas/Document"}},
        },
        "Error": error,
        "Health": health,
        **_ingest_schemas(),
    }


def _search_parameters() -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": "q",
            "in": "query",
            "schema": {"type": "string"},
            "description": "Query text: words (all must "
            'match), "phrases", -excluded, OR, field:value filters, date:2021-01..2021-03.',
        },
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {
            "name": "per_page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        },
        {"name": "sort", "in": "query", "schema": {"enum": list(SORTS), "default": "relevance"}},
        {
            "name": "collapse",
            "in": "query",
            "description": "true (default): one hit per near-duplicate group (its best-ranked member; the "
            "others are the hit's duplicates), and total and facet counts count groups. false: every "
            "member is a hit of its own.",
            "schema": {"type": "boolean", "default": True},
        },
    ]
    for spec in FACET_SPECS:
        params.append(
            {
                "name": spec.param,
                "in": "query",
                "style": "form",
                "explode": True,
                "description": spec.help
                + " Repeatable: values of one facet combine with OR, different facets with AND.",
                "schema": {"type": "array", "items": {"type": "string"}},
            }
        )
    for name, help_text in (("date_from", "First day (inclusive)."), ("date_to", "Last day (inclusive).")):
        params.append(
            {
                "name": name,
                "in": "query",
                "description": help_text + " YYYY-MM-DD (YYYY, YYYY-MM widen).",
                "schema": {"type": "string"},
            }
        )
    return params


def build() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict)."""
    examples = _examples()
    errors = {
        "400": {
            "description": "The request cannot be parsed (bad_request), or a parameter is invalid "
            "(error.param names it).",
            "content": _json_content("Error", examples),
        },
        "404": _error_response("Unknown path or document."),
        "405": _error_response("Method not allowed."),
        "413": _error_response("The request body is larger than HUIXUN_MAX_BODY_BYTES."),
        "414": _error_response("The request URL is longer than HUIXUN_MAX_URL_LENGTH."),
        "429": {
            **_error_response("Rate limited; see the Retry-After header."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
        "431": _error_response("The request headers are larger than HUIXUN_MAX_HEADER_BYTES."),
        "500": _error_response("Internal error."),
        "503": _error_response(
            "Index or task queue unavailable, or the search ran past the time limit (search_timeout)."
        ),
    }
    cached = {
        "ETag": {"schema": {"type": "string"}},
        "Cache-Control": {"schema": {"type": "string"}},
    }
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "huixun (会讯) search API",
            "version": API_VERSION,
            "description": "Full-text search over the announcements of Chinese academic societies. "
            "Read-only; "
            "CORS-enabled; rate limited per client.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search announcements",
                    "parameters": _search_parameters(),
                    "responses": {
                        "200": {
                            "description": "Results",
                            "headers": cached,
                            "content": _json_content("SearchResponse", examples),
                        },
                        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
                        **errors,
                    },
                }
            },
            "/api/v1/documents/{id}": {
                "get": {
                    "operationId": "getDocument",
                    "summary": "One whole document",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The document",
                            "headers": cached,
                            "content": _json_content("DocumentResponse", examples),
                        },
                        "304": {"description": "Not modified."},
                        **errors,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
            **_ingest_paths(errors),
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Health of the index",
                    "responses": {
                        "200": {
                            "description": "Healthy",
                            "content": _json_content("Health", examples),
                        },
                        "503": _error_response("The index cannot be opened."),
                    },
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from `huixun keys create` (hx_…), "
                    "as Authorization: Bearer <key>. "
                    "Scopes: " + "; ".join(f"{name}: {text}" for name, text in SCOPES.items()),
                }
            },
        },
    }
    spec["paths"]["/api/v1/documents/{id}"]["delete"] = _delete_operation()
    _add_layer_errors(spec, errors)
    return spec


#: Statuses the shared layers in front of every route can answer, whatever the route (webapp.limits:
#: sizes; gunicorn: an unparsable request; errors: an unknown method, a bug), and under /api/ also the
#: rate limiter and an index or task queue that cannot be opened.
_EVERY_ROUTE = ("400", "405", "413", "414", "431", "500")
_API_ROUTES = ("429", "503")


def _add_layer_errors(spec: dict[str, Any], errors: dict[str, Any]) -> None:
    """Document on every operation the statuses the shared layers can answer (found by fuzzing: an
    operation that did not list them made a valid answer look undocumented), as ``errors`` describes
    them. A route's own, more precise description of a status stays."""
    for path, item in spec["paths"].items():
        codes = _EVERY_ROUTE + (_API_ROUTES if path.startswith("/api/") else ())
        for operation in item.values():
            for code in codes:
                operation["responses"].setdefault(code, errors[code])


# -- the ingest API (staff only; see webapp.ingest_api) --------------------------------------------------
_WRITE_NOTE = (
    " Needs an API key with the scope {scope}. Until a key exists (huixun keys create) this route does not "
    "exist: 404."
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ingest_schemas() -> dict[str, Any]:
    counts = {
        "type": ["object", "null"],
        "description": "What applying the task did (null until it is done).",
        "additionalProperties": False,
        "required": list(COUNTS),
        "properties": {name: {"type": "integer", "minimum": 0} for name in COUNTS},
    }
    task = {
        "type": "object",
        "additionalProperties": False,
        "required": ["task_id", "type", "status", "key", "enqueued_at", "started_at", "finished_at",
                     "document_ids", "counts", "failures"],
        "properties": {
            "task_id": {"type": "integer"},
            "type": {"enum": ["documents.add", "documents.delete"]},
            "status": {"enum": list(STATUSES)},
            "key": {"type": ["string", "null"], "description": "Name of the API key that sent it."},
            "enqueued_at": {"type": "string"},
            "started_at": _NULLABLE_STRING,
            "finished_at": _NULLABLE_STRING,
            "document_ids": {"type": ["array", "null"], "items": {"type": "string"},
                             "description": "The ids a deletion task deletes (null for an add task)."},
            "counts": counts,
            "failures": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["document", "reason"],
                    "properties": {
                        "document": {"type": "string", "description": "file:line of an upload, or an id."},
                        "reason": {"type": "string"},
                    },
                },
            },
        },
    }
    return {
        "TaskAccepted": {
            "type": "object",
            "additionalProperties": False,
            "required": ["ok", "task_id", "status", "enqueued_at"],
            "properties": {
                "ok": {"const": True},
                "task_id": {"type": "integer"},
                "status": {"const": "enqueued"},
                "enqueued_at": {"type": "string", "description": "ISO 8601 UTC, milliseconds."},
            },
        },
        "Task": task,
        "TaskResponse": {
            "type": "object",
            "additionalProperties": False,
            "required": ["ok", "task"],
            "properties": {"ok": {"const": True}, "task": {"$ref": "#/components/schemas/Task"}},
        },
        "TaskList": {
            "type": "object",
            "additionalProperties": False,
            "required": ["ok", "tasks"],
            "properties": {"ok": {"const": True},
                           "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}},
        },
    }


def _ingest_paths(errors: dict[str, Any]) -> dict[str, Any]:
    auth = {
        "401": _error_response("No API key, or a wrong or revoked one (WWW-Authenticate: Bearer)."),
        "403": _error_response("The key lacks the route's scope (insufficient_scope)."),
    }
    accepted = {
        "202": {
            "description": "Queued; huixun worker applies it. Poll the task (Location header).",
            "headers": {"Location": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskAccepted"}}},
        }
    }
    document_schema = {
        "type": "object",
        "description": "As a JSON Lines record of huixun index: body (plain text) or html, and optional id, "
        "title, date, source, category, url.",
        "properties": {
            name: {"type": "string"}
            for name in ("id", "title", "body", "html", "date", "source", "category", "url")
        },
    }
    return {
        "/api/v1/documents": {
            "post": {
                "operationId": "addDocuments",
                "summary": "Add or replace documents",
                "description": "One JSON object or an array of them, JSON Lines, or a multipart upload of "
                "the files huixun index reads (.txt posts, .html pages, .json, .jsonl, each optionally .gz). "
                "A document with the id of an indexed one replaces it; one without an id gets "
                "task-<task id>-<n> (JSON) or "
                "its file name (posts, pages). Limits: HUIXUN_INGEST_MAX_BYTES per request, "
                "HUIXUN_INGEST_MAX_DOCUMENTS documents (413 beyond)."
                + _WRITE_NOTE.format(scope="documents.write"),
                "security": [{"apiKey": ["documents.write"]}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"oneOf": [
                            document_schema, {"type": "array", "items": document_schema, "minItems": 1}]}},
                        "application/x-ndjson": {"schema": {"type": "string"}},
                        "multipart/form-data": {"schema": {
                            "type": "object",
                            "properties": {"file": {"type": "array", "items": {"type": "string",
                                                                                "contentMediaType":
                                                                                    "application/octet-stream"}}},
                        }},
                    },
                },
                "responses": {
                    **accepted,
                    "400": _error_response("The body cannot be read as its Content-Type (invalid_body)."),
                    **auth,
                    "404": _error_response("No API key has been created: the route does not exist."),
                    "413": _error_response("Too many bytes or documents (payload_too_large)."),
                    "415": _error_response("Unsupported Content-Type."),
                    "429": errors["429"],
                },
            }
        },
        "/api/v1/tasks": {
            "get": {
                "operationId": "listTasks",
                "summary": "The newest tasks",
                "description": "Newest first." + _WRITE_NOTE.format(scope="tasks.read"),
                "security": [{"apiKey": ["tasks.read"]}],
                "parameters": [
                    {"name": "status", "in": "query", "schema": {"enum": list(STATUSES)}},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                ],
                "responses": {
                    "200": {"description": "Tasks",
                            "content": {"application/json": {"schema": _ref("TaskList")}}},
                    "400": errors["400"],
                    **auth,
                    "404": _error_response("No API key has been created: the route does not exist."),
                },
            }
        },
        "/api/v1/tasks/{id}": {
            "get": {
                "operationId": "getTask",
                "summary": "One task: status, counts, failures, timestamps, key name",
                "description": _WRITE_NOTE.format(scope="tasks.read").strip(),
                "security": [{"apiKey": ["tasks.read"]}],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "The task",
                            "content": {"application/json": {"schema": _ref("TaskResponse")}}},
                    **auth,
                    "404": _error_response("Unknown task (or no API key has been created)."),
                },
            }
        },
    }


def _delete_operation() -> dict[str, Any]:
    """``DELETE /api/v1/documents/{id}``, merged into that path's item by :func:`build`."""
    return {
        "operationId": "deleteDocument",
        "summary": "Delete a document",
        "description": "Queues the deletion; a task that finds no such document reports it as a failure."
        + _WRITE_NOTE.format(scope="documents.write"),
        "security": [{"apiKey": ["documents.write"]}],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {
            "202": {
                "description": "Queued.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskAccepted"}}},
            },
            "401": _error_response("No API key, or a wrong or revoked one."),
            "403": _error_response("The key lacks documents.write."),
            "404": _error_response("No API key has been created: the route does not exist."),
        },
    }
