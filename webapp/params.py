"""Request parameters → a validated :class:`search.models.SearchRequest` (shared by the page and the API).

Validation itself lives in :meth:`SearchRequest.create` (each bad parameter is a ``QueryError`` naming
it); this module only reads the query string, adds the web app's own query-length cap, and ignores
parameters it does not know (``lang``, cache busters).
"""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import MultiDict

from search.facetspec import FACET_SPECS
from search.models import QueryError, SearchRequest

__all__ = ["parse_search_request"]


def parse_q(args: MultiDict[str, str]) -> str:
    """The query text, whitespace-trimmed. Raises ``QueryError('q')`` beyond ``HUIXUN_MAX_QUERY_LENGTH``."""
    q = args.get("q", "").strip()
    limit = current_app.config["HUIXUN"]["max_query_length"]
    if len(q) > limit:
        raise QueryError("q", q[:20] + "…", f"is {len(q)} characters long; at most {limit} are accepted")
    return q


def parse_search_request(args: MultiDict[str, str], *, facet_more: bool = False) -> SearchRequest:
    """Build the search from a query string. ``facet_more``: also read ``more`` (facets to list in full;
    a parameter of the HTML page, not of the frozen API)."""
    return SearchRequest.create(
        parse_q(args),
        page=args.get("page"),
        per_page=args.get("per_page"),
        sort=args.get("sort") or None,
        filters={spec.name: args.getlist(spec.param) for spec in FACET_SPECS if spec.param in args},
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        facet_more=args.getlist("more") if facet_more else None,
        collapse=args.get("collapse"),
    )
