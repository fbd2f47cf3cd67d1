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

from search.models import Hit, SearchResponse
from search.schema import SCHEMA_VERSION
from search.service import get_document, run_search
from search.urls import http_url

from . import openapi
from .deadline import time_limit
from .errors import ApiError
from .http import conditional
from .index import get_searcher, holder, index_version, lease
from .params import parse_search_request

__all__ = ["bp", "search_body"]

bp = Blueprint("api", __name__)

def _hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "title_html": hit.title_html,
        "snippet_html": hit.snippet_html,
        "url": http_url(hit.url),  # indexes built before ingest dropped other schemes
        "date": hit.date,
        "source": hit.source,
        "category": hit.category,
        "people": list(hit.people),
        "orgs": list(hit.orgs),
        "places": list(hit.places),
        "score": hit.score,
    }


def search_body(result: SearchResponse) -> dict[str, Any]:
    """The frozen response body of ``GET /api/v1/search``, built field by field (no ``asdict``: it
    deep-copies every hit and took a fifth of a request's time). How the query was read
    (``relaxed``, ``notes``, ``terms``) is reported inside ``query``."""
    query = result.request.to_json()
    query.update(relaxed=result.relaxed, notes=list(result.notes), terms=list(result.terms))
    return {
        "ok": True,
        "query": query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "took_ms": round(result.took_ms, 2),
        "hits": [_hit_json(hit) for hit in result.hits],
        "facets": {
            name: [{"value": b.value, "count": b.count, "selected": b.selected} for b in buckets]
            for name, buckets in result.facets.items()
        },
        "suggestion": result.suggestion,
    }


@bp.get("/api/v1/search")
def search() -> Response:
    search_request = parse_search_request(request.args)

    def render() -> Response:
        with time_limit(current_app.config["HUIXUN"]["search_timeout"]):
            result = run_search(get_searcher(), search_request)
        return jsonify(search_body(result))

    return conditional(index_version(), render)


@bp.get("/api/v1/documents/<doc_id>")
def document(doc_id: str) -> Response:
    def render() -> Response:
        doc = get_document(get_searcher(), doc_id)
        if doc is None:
            raise ApiError(404, f"no document with id {doc_id!r}", param="id")
        body = doc.to_json()
        body["url"] = http_url(body.get("url"))
        return jsonify({"ok": True, "document": body})

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
            "generation": lease().generation,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
