"""Response headers shared by every route: security headers, CORS for the API, caching.

* Security: a strict Content-Security-Policy (everything from our own origin, no inline scripts or
  styles, ``frame-ancestors`` from ``HUIXUN_FRAME_ANCESTORS``), ``X-Content-Type-Options: nosniff``,
  a referrer policy.
* CORS on ``/api/…`` and ``/embed.js``: origins from ``HUIXUN_CORS_ORIGINS`` (``*`` = any). A preflight
  (``OPTIONS`` with ``Access-Control-Request-Method``) is answered 204 before rate limiting and lets
  through whatever request headers the client announces (a partner's ``X-Requested-With`` or
  ``User-Agent`` must not break the call).
* Caching: :func:`conditional` gives API responses an ``ETag`` derived from the index version and the
  request, so a client's ``If-None-Match`` is answered 304 without running the search again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, Response, current_app, request

__all__ = ["init_app", "cors_applies", "conditional"]

PREFLIGHT_MAX_AGE = 600


def cors_applies() -> bool:
    return request.path.startswith("/api/") or request.path == "/embed.js"


def _allowed_origin() -> str | None:
    origins: list[str] = current_app.config["HUIXUN"]["cors_origins"]
    if "*" in origins:
        return "*"
    origin = request.headers.get("Origin")
    return origin if origin in origins else None


def _add_cors(response: Response) -> None:
    response.vary.add("Origin")
    allowed = _allowed_origin()
    if allowed is None:
        return
    response.headers["Access-Control-Allow-Origin"] = allowed
    response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"


def _preflight() -> Response | None:
    if request.method != "OPTIONS" or not cors_applies():
        return None
    if "Access-Control-Request-Method" not in request.headers:
        return None
    response = Response(status=204)
    if _allowed_origin() is not None:
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        requested = request.headers.get("Access-Control-Request-Headers")
        if requested:
            response.headers["Access-Control-Allow-Headers"] = requested
            response.vary.add("Access-Control-Request-Headers")
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _security_headers(response: Response) -> None:
    settings = current_app.config["HUIXUN"]
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {settings['frame_ancestors']}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if request.path != "/embed.js":
        # Partner pages load the widget script from another origin; everything else stays same-site.
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"


def conditional(version: str, render: Callable[[], Response]) -> Response:
    """A cacheable GET response: 304 when ``If-None-Match`` names the current ETag, else ``render()``.

    ``version`` identifies the data the response is computed from (index generation); the ETag also
    covers the path, the query string and the language, so equal ETags mean equal bodies.
    """
    key = "\0".join([version, request.path, request.query_string.decode("latin-1"), _locale_key()])
    etag = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    max_age = current_app.config["HUIXUN"]["cache_max_age"]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = render()
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _locale_key() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "")


def init_app(app: Flask) -> None:
    app.before_request(_preflight)

    @app.after_request
    def _headers(response: Response) -> Response:
        if cors_applies():
            _add_cors(response)
        _security_headers(response)
        return response
