"""The JSON API, version 1 (``/api/v1``), and the health check. The contract is frozen; see the README.

* ``GET /api/v1/search`` — the search (parameters and response: README "JSON API", ``openapi.json``);
* ``GET /api/v1/documents/<id>`` — one whole document;
* ``GET /api/v1/openapi.json`` — the OpenAPI 3.1 description;
* ``GET /healthz`` — document count, schema version, last indexing time; 503 without an index.

Every body is built by :mod:`search.envelope` (the CLI's ``--json`` prints the same ones); errors use
its error envelope through :mod:`webapp.errors`.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from search.envelope import document_body, health_body, search_body
from search.schema import SCHEMA_VERSION
from search.service import get_document, run_search

from . import openapi
from .deadline import time_limit
from .errors import ApiError
from .http import conditional
from .index import get_searcher, holder, index_version, lease
from .params import parse_search_request

__all__ = ["bp"]

bp = Blueprint("api", __name__)


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
        return jsonify(document_body(doc))

    return conditional(index_version(), render)


@bp.get("/api/v1/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.build())


@bp.get("/healthz")
def healthz() -> Response:
    meta = holder().meta()
    searcher = get_searcher()
    response = jsonify(
        health_body(searcher.doc_count(), SCHEMA_VERSION, meta.last_indexed_at, lease().generation)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
