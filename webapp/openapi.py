"""The OpenAPI 3.1 description of the JSON API (served at ``/api/v1/openapi.json``).

Written by hand next to the code it describes; ``tests/test_api_openapi.py`` validates it with
openapi-spec-validator and validates real responses against its schemas with jsonschema, so the
document cannot drift from the behaviour.
"""

from __future__ import annotations

from typing import Any

from search.models import DEFAULT_PER_PAGE, FACETS, MAX_PER_PAGE, SORTS

__all__ = ["build", "API_VERSION"]

API_VERSION = "1.0.0"

_NULLABLE_STRING = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_FACET_HELP = {
    "source": "Publishing body (e.g. 中国科协 (cast.org.cn)).",
    "category": "Category label.",
    "year": "Four-digit year of the announcement date.",
    "person": "A person named in the text (canonical Simplified name).",
    "org": "An organization named in the text (aliases merged: 中國科協 = 中国科学技术协会 = 中国科协).",
    "place": "A place named in the text.",
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
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
        "required": ["ok", "query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion"],
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
        ],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "The whole cleaned text (plain text)."},
            "url": _NULLABLE_STRING,
            "date": _NULLABLE_STRING,
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
            "status": {"type": "integer", "enum": [400, 404, 405, 413, 414, 429, 431, 500, 503]},
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "message", "param"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "bad_request, invalid_parameter, not_found, method_not_allowed, "
                        "payload_too_large, uri_too_long, headers_too_large, "
                        "rate_limited, internal_error, unavailable, index_unavailable, search_timeout.",
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
        "DocumentResponse": {
            "type": "object",
            "additionalProperties": False,
            "required": ["ok", "document"],
            "properties": {"ok": {"const": True}, "document": {"$ref": "#/components/schemas/Document"}},
        },
        "Error": error,
        "Health": health,
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
    ]
    for name in FACETS:
        params.append(
            {
                "name": name,
                "in": "query",
                "style": "form",
                "explode": True,
                "description": _FACET_HELP[name]
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
    errors = {
        "400": _error_response("A parameter is invalid (error.param names it)."),
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
        "503": _error_response("Index unavailable, or the search ran past the time limit (search_timeout)."),
    }
    cached = {
        "ETag": {"schema": {"type": "string"}},
        "Cache-Control": {"schema": {"type": "string"}},
    }
    return {
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
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResponse"}
                                }
                            },
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
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/DocumentResponse"}
                                }
                            },
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
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Health of the index",
                    "responses": {
                        "200": {
                            "description": "Healthy",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                            },
                        },
                        "503": _error_response("The index cannot be opened."),
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
