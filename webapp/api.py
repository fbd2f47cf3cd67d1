"""The JSON API, version 1 (``/api/v1``), and the health check. The contract is frozen; see the README.

* ``GET /api/v1/search`` — the search (parameters and response: README "JSON API", ``openapi.json``);
* ``GET /api/v1/documents/<id>`` — one whole document;
* ``GET /api/v1/openapi.json`` — the OpenAPI 3.1 description;
* ``GET /healthz`` — document count, schema version, last indexing time; 503 without an index.

Errors use the one envelope of :mod:`webapp.errors`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from search.schema import SCHEMA_VERSION
from search.service import get_document, run_search

from . import openapi
from .deadline import time_limit
from .errors import ApiError
from .http import conditional
from .index import get_searcher, holder
from .params import parse_search_request

__all__ = ["bp", "search_body"]

bp = Blueprint("api", __name__)

#: Top-level keys of a search response, in order (the frozen contract).
SEARCH_KEYS = ("query", "total", "page", "per_page", "took_ms", "hits", "facets", "suggestion")


def search_body(data: dict[str, Any]) -> dict[str, Any]:
    """The API body from ``SearchResponse.to_json()``: the contract's keys, with how the query was read
    (``relaxed``, ``notes``, ``terms``) reported inside ``query``."""
    query = dict(data["query"])
    for key in ("relaxed", "notes", "terms"):
        query[key] = data.get(key, False if key == "relaxed" else [])
    body: dict[str, Any] = {"ok": True}
    body.update({key: data[key] for key in SEARCH_KEYS})
    body["query"] = query
    return body


def index_version() -> str:
    """Identifies the data responses are computed from: the live generation and its latest commit."""
    index = holder().index()
    return f"{holder().store.live_dir().name}:{index.latest_generation()}"


@bp.get("/api/v1/search")
def search() -> Response:
    search_request = parse_search_request(request.args)

    def render() -> Response:
        with time_limit(current_app.config["HUIXUN"]["search_timeout"]):
            result = run_search(get_searcher(), search_request)
        return jsonify(search_body(result.to_json()))

    return conditional(index_version(), render)


@bp.get("/api/v1/documents/<doc_id>")
def document(doc_id: str) -> Response:
    def render() -> Response:
        doc = get_document(get_searcher(), doc_id)
        if doc is None:
            raise ApiError(404, f"no document with id {doc_id!r}", param="id")
        return jsonify({"ok": True, "document": doc.to_json()})

    return conditional(index_version(), render)


@bp.get("/api/v1/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.build())


@bp.get("/healthz")
def healthz() -> Response:
    meta = holder().meta()
    searcher = get_searcher()
    response = jsonify(
        {
            "ok": True,
            "status": "ok",
            "documents": searcher.doc_count(),
            "schema_version": SCHEMA_VERSION,
            "last_indexed_at": meta.last_indexed_at,
            "generation": holder().store.live_dir().name,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
