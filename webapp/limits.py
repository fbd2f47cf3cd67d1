"""Size limits of a request, checked before anything else runs: URL, header fields, body.

``HUIXUN_MAX_URL_LENGTH`` (414 ``uri_too_long``), ``HUIXUN_MAX_HEADER_BYTES`` (431 ``headers_too_large``)
and ``HUIXUN_MAX_BODY_BYTES`` (413 ``payload_too_large``, also Flask's ``MAX_CONTENT_LENGTH`` for a body
without a length) answer in the one envelope. Under gunicorn the worker (``webapp.gworker``) refuses
much larger requests before they reach the app, in the same envelope.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from .errors import ApiError

__all__ = ["init_app", "header_bytes"]


def header_bytes(environ: dict[str, object]) -> int:
    """The size of the request's header fields as sent (``Name: value`` and the line end)."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            total += len(key) - 5 + 4 + len(str(value))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            total += len(key) + 4 + len(str(value))
    return total


def _check_limits() -> None:
    settings = current_app.config["HUIXUN"]
    environ = request.environ
    # The path as sent (RAW_URI: still percent-encoded) and the query string; "?" between them.
    path = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "").partition("?")[0]
    url = len(path) + 1 + len(str(environ.get("QUERY_STRING") or ""))
    if url > settings["max_url_length"]:
        raise ApiError(414, f"the request URL is longer than {settings['max_url_length']} bytes")
    if header_bytes(environ) > settings["max_header_bytes"]:
        raise ApiError(431, f"the request headers are larger than {settings['max_header_bytes']} bytes")
    if (request.content_length or 0) > settings["max_body_bytes"]:
        raise ApiError(413, f"the request body is larger than {settings['max_body_bytes']} bytes")


def init_app(app: Flask) -> None:
    app.config.setdefault("MAX_CONTENT_LENGTH", app.config["HUIXUN"]["max_body_bytes"])
    app.before_request(_check_limits)
