"""Atom feeds: follow a search (``/feed.atom?q=…&source=…``) in any feed reader.

``/feed.atom`` takes the search page's parameters (``q``, the facet filters, ``date_from``/``date_to``;
paging, sorting and display parameters are ignored) and answers an Atom 1.0 feed (RFC 4287) of the
:data:`FEED_ENTRIES` newest matching announcements by date: each entry has the document page as its
``id`` and link, the plain title, the highlighted snippet as an HTML ``summary``, the announcement
date as ``published`` and the time the index last wrote the document as ``updated``. The feed's
``updated`` is the newest entry's (the index's last run for an empty feed).

Conditional requests: the ``ETag`` names the index commit and the request, so a reader polling an
unchanged index gets 304 without a search; ``Last-Modified`` is the feed's ``updated``
(``If-Modified-Since`` → 304 as well). The search page links the feed of its search
(``<link rel="alternate">`` and a visible link), and the source facet links each source's feed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict

from search.models import FACETS, SearchRequest
from search.service import get_document, run_search

from .deadline import time_limit
from .index import get_searcher, holder, index_version
from .params import parse_q

__all__ = ["bp", "FEED_ENTRIES", "FEED_PARAMS", "feed_url"]

bp = Blueprint("feeds", __name__)

FEED_ENTRIES = 20
#: The search parameters a feed keeps (what is searched, not how it is shown).
FEED_PARAMS = ("q", *FACETS, "date_from", "date_to")
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def feed_url(pairs: list[tuple[str, str]]) -> str:
    """The feed of the search given as ``(name, value)`` pairs (other parameters are dropped)."""
    kept = [(name, value) for name, value in pairs if name in FEED_PARAMS and value != ""]
    query = urlencode(kept)
    return url_for("feeds.feed") + ("?" + query if query else "")


def _feed_request(args: MultiDict[str, str]) -> SearchRequest:
    return SearchRequest.create(
        parse_q(args),
        per_page=FEED_ENTRIES,
        sort="date_desc",
        filters={name: args.getlist(name) for name in FACETS if name in args},
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
    )


def _title(search: SearchRequest) -> str:
    parts = [search.q] if search.q else []
    for name, values in search.filters.items():
        parts += [f"{name}:{value}" for value in values]
    if search.date_from or search.date_to:
        parts.append(f"{search.date_from or '…'}..{search.date_to or '…'}")
    return "会讯 huixun: " + (" ".join(parts) if parts else "所有公告 (all announcements)")


def _atom_time(value: str | None) -> str | None:
    """``2026-12-06T02:30:00.123Z`` / ``2026-12-06T02:30:00Z`` / ``2026-12-06`` → RFC 3339 (seconds)."""
    if not value:
        return None
    if len(value) == 10:
        return value + "T00:00:00Z"
    return value[:19] + "Z"


def _parse_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _element(name: str, text: str, **attrs: str) -> str:
    attributes = "".join(f" {key}={quoteattr(value)}" for key, value in attrs.items())
    return f"<{name}{attributes}>{escape(text)}</{name}>"


def build_feed(search: SearchRequest) -> tuple[str, str]:
    """The feed's XML text and its ``updated`` (RFC 3339)."""
    searcher = get_searcher()
    with time_limit(current_app.config["HUIXUN"]["search_timeout"]):
        result = run_search(searcher, search)
    entries = []
    newest: str | None = None
    for hit in result.hits:
        doc = get_document(searcher, hit.id)
        updated = (_atom_time(doc.indexed_at if doc else None) or _atom_time(hit.date)
                   or "1970-01-01T00:00:00Z")
        newest = max(newest or updated, updated)
        link = url_for("pages.document", doc_id=hit.id, _external=True)
        parts = [
            _element("id", link),
            _element("title", hit.title, type="text"),
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>",
            _element("updated", updated),
        ]
        if hit.date:
            parts.append(_element("published", _atom_time(hit.date) or ""))
        parts.append(_element("summary", hit.snippet_html, type="html"))
        if hit.source:
            parts.append(f"<category term={quoteattr(hit.source)}/>")
        if hit.url and hit.url.lower().startswith(("http://", "https://")):
            parts.append(f"<link rel=\"related\" type=\"text/html\" href={quoteattr(hit.url)}/>")
        entries.append("<entry>" + "".join(parts) + "</entry>")
    updated = newest or _atom_time(holder().meta().last_indexed_at) or "1970-01-01T00:00:00Z"
    self_url = request.url_root.rstrip("/") + feed_url(list(request.args.items(multi=True)))
    pairs = [(n, v) for n, v in request.args.items(multi=True) if n in FEED_PARAMS and v != ""]
    page_url = url_for("pages.search", _external=True) + ("?" + urlencode(pairs) if pairs else "")
    head = [
        _element("id", self_url),
        _element("title", _title(search), type="text"),
        _element("subtitle", f"{result.total} matching announcements; the {FEED_ENTRIES} newest by date",
                 type="text"),
        _element("updated", updated),
        "<author>" + _element("name", "huixun (会讯)") + "</author>",
        f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(self_url)}/>",
        f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url)}/>",
        _element("generator", "huixun"),
    ]
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-Hans">'
        + "".join(head) + "".join(entries) + "</feed>\n"
    )
    return xml, updated


@bp.get("/feed.atom")
def feed() -> Response:
    search = _feed_request(request.args)
    pairs = [(n, v) for n, v in request.args.items(multi=True) if n in FEED_PARAMS]
    key = "\0".join([index_version(), request.host, urlencode(pairs)])
    etag = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    max_age = current_app.config["HUIXUN"]["cache_max_age"]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        xml, updated = build_feed(search)
        response = Response(xml, content_type=ATOM_TYPE)
        response.last_modified = _parse_time(updated)
        if request.if_modified_since and not request.if_none_match \
                and response.last_modified <= request.if_modified_since:
            response = Response(status=304)
            response.last_modified = _parse_time(updated)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response
