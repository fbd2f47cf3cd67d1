"""The web app's settings, declared once in :mod:`search.settings` (name, default, help, parser).

Each is read from its default, then the ``HUIXUN_<NAME>`` environment variable, then
``create_app(test_config)``; the README's configuration table lists them all (``tests/test_settings_doc.py``).
The gunicorn settings (``workers``, ``threads``, ``bind``, ``timeout``, ``access_log``) are read by
``webapp/gunicorn_conf.py``; ``header_timeout`` and the size limits also by the worker (``webapp.gworker``).
"""

from __future__ import annotations

from search.settings import declare, parse_bool, parse_list, parse_positive_float, parse_positive_int

__all__ = ["WEB_SETTINGS"]


WEB_SETTINGS = [
    declare(
        "cors_origins",
        ["*"],
        "Origins allowed to call the JSON API and /embed.js from a browser (comma separated; * = any).",
        parse_list,
    ),
    declare(
        "rate_limit",
        10.0,
        "API requests per second allowed per client (token bucket refill rate, shared by all workers).",
        parse_positive_float,
    ),
    declare(
        "rate_burst",
        30,
        "API requests a client may make at once before the rate limit applies (token bucket size).",
        parse_positive_int,
    ),
    declare(
        "trust_proxy",
        False,
        "Take the client address from X-Forwarded-For (set it only behind a reverse proxy you run).",
        parse_bool,
    ),
    declare(
        "max_query_length",
        200,
        "Longest query accepted, in characters (longer: error 400).",
        parse_positive_int,
    ),
    declare(
        "search_timeout",
        2.0,
        "Time limit of one search in seconds; a search that exceeds it returns 503 search_timeout.",
        parse_positive_float,
    ),
    declare(
        "frame_ancestors",
        "'self'",
        "CSP frame-ancestors: the sites that may show the pages in a frame ('none', 'self', or origins).",
    ),
    declare(
        "cache_max_age", 60, "Cache-Control max-age (seconds) of API search and document responses.", int
    ),
    declare(
        "max_url_length",
        4096,
        "Longest request URL (path and query string) in bytes; longer: error 414 uri_too_long.",
        parse_positive_int,
    ),
    declare(
        "max_header_bytes",
        8192,
        "Largest total size of the request header fields in bytes; larger: error 431 headers_too_large.",
        parse_positive_int,
    ),
    declare(
        "max_body_bytes",
        1_048_576,
        "Largest request body in bytes; larger: error 413 payload_too_large.",
        parse_positive_int,
    ),
    declare(
        "header_timeout",
        10.0,
        "Seconds a client has to send a whole request (head and body) before its connection is closed.",
        parse_positive_float,
    ),
    declare(
        "threads",
        4,
        "Threads per gunicorn worker serving complete requests (slow clients never hold one).",
        parse_positive_int,
    ),
    declare("workers", 2, "Number of gunicorn worker processes (huixun serve).", parse_positive_int),
    declare("bind", "127.0.0.1:8000", "Address gunicorn listens on (host:port or unix:PATH).", str),
    declare("timeout", 30, "Seconds before gunicorn kills and restarts a silent worker.", parse_positive_int),
    declare(
        "access_log", "-", "Where gunicorn writes its access log (a path, or - for standard output).", str
    ),
]
