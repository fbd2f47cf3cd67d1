"""Which document ``url`` values may be stored and served as links: absolute ``http(s)`` URLs only.

The JSON API hands ``url`` to partner sites that render it as a link, so a ``javascript:`` or ``data:``
URL would be script injection on their pages. The indexer drops anything else at ingest with a warning
(``indexer.writer``); the API applies the same rule to indexes built before it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["http_url", "url_problem"]


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a storable link (a reason for the operator), or ``None`` when it is."""
    value = url.strip()
    if any(ord(char) < 0x20 or ord(char) == 0x7F or char.isspace() for char in value):
        return "it contains control characters or spaces"
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"its scheme {parts.scheme + ':' if parts.scheme else '(none)'} is not http(s)"
    if not parts.hostname:
        return "it has no host"
    return None


def http_url(url: str | None) -> str | None:
    """``url`` (stripped) when it is an absolute http(s) URL, else ``None``."""
    if not url or url_problem(url) is not None:
        return None
    return url.strip()
