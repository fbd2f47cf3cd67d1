"""The typed boundary of the query side: what a caller asks (:class:`SearchRequest`) and what it gets
back (:class:`SearchResponse`).

The web page, the JSON endpoint and ``huixun search`` all build a :class:`SearchRequest` (with
:meth:`SearchRequest.create`, which validates every parameter) and call
:func:`search.service.run_search`. Every class here is a frozen dataclass; their JSON bodies are built in
one place, :mod:`search.envelope`.

Limits (documented in the README, "Search syntax"):

* :data:`MAX_QUERY_CHARS` — a longer query is cut to this many characters (never an error);
* ``page`` ≥ 1, ``1 ≤ per_page ≤`` :data:`MAX_PER_PAGE`, ``page × per_page ≤`` :data:`MAX_RESULT_WINDOW`;
* dates are ``YYYY-MM-DD`` (``YYYY`` and ``YYYY-MM`` are accepted and widened to the whole year/month).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .facetspec import FACETS

__all__ = [
    "QueryError",
    "SearchRequest",
    "SearchResponse",
    "Hit",
    "Duplicate",
    "FacetBucket",
    "Document",
    "FACETS",
    "SORTS",
    "MAX_QUERY_CHARS",
    "MAX_PER_PAGE",
    "MAX_RESULT_WINDOW",
    "DEFAULT_PER_PAGE",
    "DEFAULT_FACET_LIMIT",
    "parse_date_bound",
]

SORTS: tuple[str, ...] = ("relevance", "date_desc", "date_asc")
MAX_QUERY_CHARS = 256
MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 10
#: No deep paging: page × per_page may not exceed this (the endpoint is public; see REQUESTS R15).
MAX_RESULT_WINDOW = 1000
DEFAULT_FACET_LIMIT = 10
MAX_FACET_LIMIT = 1000

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_YEAR_RE = re.compile(r"^\d{4}$")


class QueryError(ValueError):
    """A request parameter is invalid. ``param`` names it, ``value`` is what was given.

    Query *text* never raises this: syntax the parser cannot read degrades to a plain-text search.
    """

    def __init__(self, param: str, value: object, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.value = value
        self.message = message


def parse_date_bound(value: str, *, end: bool) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → a ``YYYY-MM-DD`` bound (the first day of the period,
    or the last one when ``end``); ``None`` when ``value`` is not a valid date."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is None:
        month = 12 if end else 1
    if not 1 <= month <= 12 or year < 1:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last if end else 1
    if not 1 <= day <= last:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _int_param(name: str, value: object, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise QueryError(name, value, "must be an integer")
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise QueryError(name, value, "must be an integer") from None
    if not low <= number <= high:
        raise QueryError(name, value, f"must be between {low} and {high}")
    return number


def _bool_param(name: str, value: object, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise QueryError(name, value, "must be true or false")


def _strings(name: str, values: object) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise QueryError(name, values, "must be a string or a list of strings")
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise QueryError(name, value, "must be a string")
        value = value.strip()
        if value and value not in out:
            out.append(value)
    return tuple(out)


@dataclass(frozen=True)
class SearchRequest:
    """One search, validated. Build it with :meth:`create` (the constructor does not validate).

    ``filters`` maps a facet name (:data:`FACETS`) to the selected values: values of one facet combine
    with OR, facets with AND. ``date_from``/``date_to`` are inclusive ``YYYY-MM-DD`` bounds.
    ``facet_limit`` is the number of buckets per facet (``year`` and the months of a selected year are
    never cut); ``facet_more`` names facets for which every value is wanted.
    """

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    facet_limit: int = DEFAULT_FACET_LIMIT
    facet_more: tuple[str, ...] = ()
    snippet_chars: int = 120
    #: One result per near-duplicate group (:mod:`search.dedup`); False lists every member.
    collapse: bool = True

    @classmethod
    def create(
        cls,
        q: str | None = "",
        *,
        page: object = None,
        per_page: object = None,
        sort: str | None = None,
        filters: Mapping[str, object] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        facet_limit: object = None,
        facet_more: object = None,
        collapse: object = None,
    ) -> SearchRequest:
        """Validate raw parameters (strings from a URL or the CLI, or typed values).

        Raises :class:`QueryError` naming the parameter: ``page`` < 1, ``per_page`` outside
        1–:data:`MAX_PER_PAGE`, a result window beyond :data:`MAX_RESULT_WINDOW`, an unknown ``sort``
        or facet, a year that is not four digits, a malformed or reversed date range, a ``collapse``
        that is not a boolean (``true``/``false``/``1``/``0``; default true).
        """
        if q is not None and not isinstance(q, str):
            raise QueryError("q", q, "must be a string")
        page_n = _int_param("page", page, 1, 1, MAX_RESULT_WINDOW)
        per_page_n = _int_param("per_page", per_page, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        if page_n * per_page_n > MAX_RESULT_WINDOW:
            raise QueryError("page", page, f"results beyond the first {MAX_RESULT_WINDOW} are not served")
        sort_s = (sort or "relevance").strip()
        if sort_s not in SORTS:
            raise QueryError("sort", sort, f"must be one of {', '.join(SORTS)}")
        selected: dict[str, tuple[str, ...]] = {}
        for name, values in (filters or {}).items():
            if name not in FACETS:
                raise QueryError(name, values, f"unknown facet (known: {', '.join(FACETS)})")
            strings = _strings(name, values)
            if name == "year":
                for value in strings:
                    if not _YEAR_RE.match(value):
                        raise QueryError("year", value, "must be a four-digit year")
            if strings:
                selected[name] = strings
        bounds: dict[str, str | None] = {}
        for bound_name, raw, end in (("date_from", date_from, False), ("date_to", date_to, True)):
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                bounds[bound_name] = None
                continue
            if not isinstance(raw, str):
                raise QueryError(bound_name, raw, "must be a date YYYY-MM-DD")
            bound = parse_date_bound(raw, end=end)
            if bound is None:
                raise QueryError(bound_name, raw, "must be a date YYYY-MM-DD")
            bounds[bound_name] = bound
        if bounds["date_from"] and bounds["date_to"] and bounds["date_from"] > bounds["date_to"]:
            raise QueryError("date_to", date_to, "is before date_from")
        limit = _int_param("facet_limit", facet_limit, DEFAULT_FACET_LIMIT, 1, MAX_FACET_LIMIT)
        more = _strings("facet_more", facet_more)
        for name in more:
            if name not in FACETS:
                raise QueryError("facet_more", name, f"unknown facet (known: {', '.join(FACETS)})")
        return cls(
            q=q or "",
            collapse=_bool_param("collapse", collapse, True),
            page=page_n,
            per_page=per_page_n,
            sort=sort_s,
            filters=selected,
            date_from=bounds["date_from"],
            date_to=bounds["date_to"],
            facet_limit=limit,
            facet_more=more,
        )



@dataclass(frozen=True)
class FacetBucket:
    """One value of a facet: ``count`` is the number of results selecting it would give
    (counted with every *other* facet's selection applied; see :mod:`search.facets`)."""

    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Duplicate:
    """Another member of a result's near-duplicate group ("also published as")."""

    id: str
    source: str | None
    title: str
    url: str | None


@dataclass(frozen=True)
class Hit:
    """One result. ``title_html``/``snippet_html`` are HTML-escaped text with ``<mark>`` around the
    query's words; everything else is plain text. ``duplicates`` are the other members of the hit's
    near-duplicate group (empty when results are not collapsed, or when it has none)."""

    id: str
    title: str
    title_html: str
    snippet_html: str
    url: str | None
    date: str | None
    source: str | None
    category: str | None
    people: tuple[str, ...]
    orgs: tuple[str, ...]
    places: tuple[str, ...]
    score: float
    duplicates: tuple[Duplicate, ...] = ()


@dataclass(frozen=True)
class SearchResponse:
    """The result of :func:`search.service.run_search`.

    ``total`` counts every matching document (before paging); collapsed (``request.collapse``, the
    default), it counts near-duplicate groups, as do the facet counts. ``relaxed`` is true when no document
    contained all the query's words and the results are the documents containing most of them.
    ``suggestion`` is a "did you mean" query (the results are never those of the suggestion).
    ``facets`` has one list of buckets per name in :data:`FACETS`, plus ``month`` (the months of the
    selected year) when exactly one year is selected; ``facet_values`` gives the number of distinct
    values of each facet, so a caller can tell when a list was cut at ``facet_limit`` (the page's
    "More (N)" link, ``huixun stats``; the API body leaves it out, see :mod:`search.envelope`).
    ``facets_estimated`` is true when the counts were estimated from a sample of the matches (more of
    them than the ``facet_exact_limit`` setting; see :mod:`search.facets`).
    ``notes`` explains any part of the query that was read differently than typed.
    """

    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, tuple[FacetBucket, ...]]
    facet_values: Mapping[str, int]
    took_ms: float
    relaxed: bool = False
    suggestion: str | None = None
    terms: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    facets_estimated: bool = False

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def per_page(self) -> int:
        return self.request.per_page

    @property
    def pages(self) -> int:
        """Number of pages that can be served (capped by the result window)."""
        served = min(self.total, MAX_RESULT_WINDOW)
        return max(1, -(-served // self.per_page))


def entities_from_stored(value: Any) -> tuple[dict[str, Any], ...]:
    """The stored ``entities`` field (``((name, type, ((text, ((field, start, end, implied), …)), …)), …)``,
    written by :meth:`indexer.model.EntityRecord.to_stored`) as JSON-ready dicts:
    ``{"name", "type", "forms": [{"text", "positions": [{"field", "start", "end", "implied"}]}]}``."""
    out = []
    for name, kind, forms in value or ():
        out.append({
            "name": name,
            "type": kind,
            "forms": [
                {"text": text, "positions": [
                    {"field": f, "start": start, "end": end, "implied": bool(implied)}
                    for f, start, end, implied in positions
                ]}
                for text, positions in forms
            ],
        })
    return tuple(out)


@dataclass(frozen=True)
class Document:
    """A whole stored document (``GET /api/v1/documents/<id>``, the document page).

    ``date`` is the publication date (the timeline and the date filters use it), ``event_date`` the
    primary date the text states; ``entities`` traces each facet value to the forms the text wrote
    (:func:`entities_from_stored`)."""

    id: str
    title: str
    body: str
    url: str | None
    date: str | None
    dates: tuple[str, ...]
    source: str | None
    category: str | None
    people: tuple[str, ...]
    orgs: tuple[str, ...]
    places: tuple[str, ...]
    indexed_at: str | None
    event_date: str | None = None
    entities: tuple[dict[str, Any], ...] = ()

