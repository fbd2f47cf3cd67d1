"""One error family and one JSON envelope for every error of the API.

Every error response of ``/api/…`` and ``/healthz`` — parameter errors, unknown documents, wrong
methods, rate limits, timeouts, crashes — has the body::

    {"ok": false, "status": S, "error": {"code": "...", "message": "...", "param": "..." | null}}

(a 429 adds ``"retry_after"`` seconds to ``error``, besides the ``Retry-After`` header), built by
:func:`search.envelope.error_body`, the one place its shape is written (``huixun search --json`` prints
the same envelope). HTML pages get the same information rendered by ``error.html``. Handlers never
turn a client error into a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from search.envelope import error_body
from search.store import IndexStoreError

__all__ = [
    "ApiError",
    "SearchTimeout",
    "error_body",
    "error_response",
    "register_error_handlers",
    "wants_json",
]

log = logging.getLogger(__name__)

#: The ``error.code`` of each HTTP status we emit.
STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An HTTP ``status``, a stable machine ``code``, a human ``message`` and the ``param`` at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.param = param
        self.headers = headers or {}
        self.extra = extra or {}


class SearchTimeout(ApiError):
    """A search ran past ``HUIXUN_SEARCH_TIMEOUT``."""

    def __init__(self, seconds: float):
        super().__init__(
            503,
            f"the search took longer than {seconds:g} s and was stopped; narrow the query",
            code="search_timeout",
        )


def wants_json() -> bool:
    """Whether the current request is answered in JSON (the API and the health check) rather than HTML."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(err: ApiError) -> Response | tuple[str, int, dict[str, str]]:
    if wants_json():
        response = jsonify(error_body(err.status, err.code, err.message, err.param, **err.extra))
        response.status_code = err.status
        response.headers.update(err.headers)
        response.headers["Cache-Control"] = "no-store"
        return response
    html = render_template("error.html", error=err)
    return html, err.status, {**err.headers, "Cache-Control": "no-store"}


def _from_http(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    headers = {}
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))  # type: ignore[attr-defined]
    message = {
        404: "no such page or document",
        405: f"method {request.method} is not allowed here",
    }.get(status, exc.description or exc.name)
    return ApiError(status, message, headers=headers)


def register_error_handlers(app: Flask) -> None:
    """Handlers for ApiError, QueryError (400), index errors (503), HTTP errors and crashes (500)."""
    from search.models import QueryError  # the query side's parameter error

    @app.errorhandler(ApiError)
    def handle_api_error(err: ApiError) -> ResponseReturnValue:
        return error_response(err)

    @app.errorhandler(QueryError)
    def handle_query_error(err: QueryError) -> ResponseReturnValue:
        param = getattr(err, "param", None)
        return error_response(ApiError(400, str(err), code="invalid_parameter", param=param))

    @app.errorhandler(IndexStoreError)
    def handle_index_error(err: IndexStoreError) -> ResponseReturnValue:
        log.error("index unavailable: %s", err)
        return error_response(
            ApiError(503, "the search index is not available right now", code="index_unavailable")
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException) -> ResponseReturnValue:
        return error_response(_from_http(exc))

    @app.errorhandler(Exception)
    def handle_crash(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(ApiError(500, "internal error; it has been logged"))
