"""The JSON bodies of API version 1, written once.

``GET /api/v1/search`` (:mod:`webapp.api`), ``huixun search --json`` (:mod:`indexer.commands_search`)
and the examples of the OpenAPI document (:mod:`webapp.openapi`) all build their bodies here, so the
three cannot drift apart (``tests/test_search_cli.py`` compares the CLI's output with the API's).
The shapes are those of the README's "JSON API" section; the OpenAPI schemas describe them.

Every body is a plain ``dict`` ready for ``json.dumps``: successes carry ``"ok": true``, errors are
:func:`error_body`. A new field of a response is one line in its builder here (and one in the
OpenAPI schema, which the tests validate the body against).
"""

from __future__ import annotations

from typing import Any

from .models import Document, FacetBucket, Hit, QueryError, SearchResponse
from .taskqueue import KINDS, Task
from .urls import http_url

__all__ = [
    "search_body",
    "query_body",
    "hit_body",
    "document_body",
    "error_body",
    "query_error_body",
    "health_body",
    "task_json",
    "accepted_body",
]


def query_body(response: SearchResponse) -> dict[str, Any]:
    """The request as understood (normalized parameters) and how its text was read: ``relaxed``,
    ``notes`` (parts read differently than typed) and ``terms`` (what was highlighted)."""
    request = response.request
    return {
        "q": request.q,
        "page": request.page,
        "per_page": request.per_page,
        "sort": request.sort,
        "filters": {name: list(values) for name, values in request.filters.items()},
        "date_from": request.date_from,
        "date_to": request.date_to,
        "collapse": request.collapse,
        "relaxed": response.relaxed,
        "notes": list(response.notes),
        "terms": list(response.terms),
    }


def hit_body(hit: Hit) -> dict[str, Any]:
    """One result, field by field (no ``dataclasses.asdict``: it deep-copies, a fifth of a request)."""
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
        # "also published as": the other members of the hit's near-duplicate group
        "duplicates": [
            {"id": d.id, "source": d.source, "title": d.title, "url": http_url(d.url)} for d in hit.duplicates
        ],
    }


def _bucket_body(bucket: FacetBucket) -> dict[str, Any]:
    return {"value": bucket.value, "count": bucket.count, "selected": bucket.selected}


def search_body(response: SearchResponse) -> dict[str, Any]:
    """The body of ``GET /api/v1/search`` and of ``huixun search --json``."""
    return {
        "ok": True,
        "query": query_body(response),
        "total": response.total,
        "page": response.page,
        "per_page": response.per_page,
        "took_ms": round(response.took_ms, 2),
        "hits": [hit_body(hit) for hit in response.hits],
        "facets": {
            name: [_bucket_body(bucket) for bucket in buckets] for name, buckets in response.facets.items()
        },
        "facets_estimated": response.facets_estimated,
        "suggestion": response.suggestion,
    }


def document_body(doc: Document) -> dict[str, Any]:
    """The body of ``GET /api/v1/documents/<id>``."""
    return {
        "ok": True,
        "document": {
            "id": doc.id,
            "title": doc.title,
            "body": doc.body,
            "url": http_url(doc.url),
            "date": doc.date,
            "dates": list(doc.dates),
            "source": doc.source,
            "category": doc.category,
            "people": list(doc.people),
            "orgs": list(doc.orgs),
            "places": list(doc.places),
            "indexed_at": doc.indexed_at,
            "event_date": doc.event_date,
            "entities": list(doc.entities),
        },
    }


def health_body(
    documents: int, schema_version: int, last_indexed_at: str | None, generation: str
) -> dict[str, Any]:
    """The body of ``GET /healthz``."""
    return {
        "ok": True,
        "status": "ok",
        "documents": documents,
        "schema_version": schema_version,
        "last_indexed_at": last_indexed_at,
        "generation": generation,
    }


def error_body(
    status: int, code: str, message: str, param: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The error envelope ``{"ok": false, "status", "error": {"code", "message", "param", ...}}``
    (``extra`` adds keys to ``error``, e.g. ``retry_after``)."""
    error: dict[str, Any] = {"code": code, "message": message, "param": param}
    error.update(extra)
    return {"ok": False, "status": status, "error": error}


def query_error_body(exc: QueryError) -> dict[str, Any]:
    """The 400 body of an invalid parameter (:class:`~search.models.QueryError`)."""
    return error_body(400, "invalid_parameter", str(exc), exc.param)


def task_json(task: Task) -> dict[str, Any]:
    """A task as ``GET /api/v1/tasks/<id>`` (under ``task``) and ``GET /api/v1/tasks`` (in ``tasks``) show
    it; ``counts`` is null until it is done."""
    return {
        "task_id": task.id,
        "type": KINDS[task.kind],
        "status": task.status,
        "key": task.key_name,
        "enqueued_at": task.enqueued_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "document_ids": list(task.delete_ids) if task.kind == "delete" else None,
        "counts": task.result.counts if task.result else None,
        "failures": task.result.failures if task.result else [],
    }


def accepted_body(task: Task) -> dict[str, Any]:
    """The ``202`` body of a write (``POST`` / ``DELETE /api/v1/documents``): the task just enqueued."""
    return {"ok": True, "task_id": task.id, "status": task.status, "enqueued_at": task.enqueued_at}
