"""The HTML pages: the search page ``/``, the document page ``/doc/<id>`` and the widget ``/embed.js``.

Views parse the request with :mod:`webapp.params`, call the same :func:`search.service.run_search` as the
API, and hand templates a :class:`SearchView` in which every control already has its URL (templates only
loop). Everything works with plain links and GET forms, without JavaScript.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from search.facetspec import FACETS, facet_spec
from search.models import Document, Duplicate, SearchRequest, SearchResponse, parse_date_bound
from search.service import document_duplicates, get_document, highlight_document, run_search

from .deadline import time_limit
from .errors import ApiError
from .feeds import feed_url
from .i18n import explicit_lang
from .index import get_searcher
from .links import SearchState
from .params import parse_search_request
from .timeline import Period, Timeline, build_timeline, fill_months, fill_years

__all__ = ["bp", "SearchView", "build_view"]

bp = Blueprint("pages", __name__)

EXAMPLES = ("科创中国", "中国化学会", "學術年會", "青年科学家", "科普")
#: Entity chips shown per hit, per kind (organizations first: they matter most for society news).
CHIPS_PER_KIND = {"org": 3, "person": 3, "place": 2}
PAGER_RADIUS = 2
#: Values listed when a facet is expanded ("more"): the top ones, so a page stays small.
FACET_MORE_LIMIT = 50


def facet_label(name: str) -> str:
    """The facet's label from the table of facets, translated (the catalog holds every label; a test
    checks it)."""
    return _(facet_spec(name).label)


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None
    current: bool = False


@dataclass(frozen=True)
class BucketView:
    value: str
    count: int
    selected: bool
    url: str
    feed_url: str | None = None  # the Atom feed of this value (source facet only)


@dataclass(frozen=True)
class FacetView:
    name: str
    label: str
    buckets: list[BucketView]
    more: Link | None = None  # "all N values" / "fewer", when the list was cut at the facet limit


@dataclass(frozen=True)
class Chip:
    kind: str
    kind_label: str
    label: str
    url: str
    selected: bool


@dataclass(frozen=True)
class HitView:
    id: str
    title_html: Markup
    snippet_html: Markup
    date: str | None
    source: str | None
    category: str | None
    url: str | None
    doc_url: str
    chips: list[Chip]
    #: "Also published as": the other members of the hit's near-duplicate group (document pages).
    duplicates: list[Link] = field(default_factory=list)


@dataclass
class SearchView:
    """Everything the search template shows, with every link computed."""

    total: int
    took_ms: int
    first_rank: int
    hits: list[HitView]
    facets: list[FacetView]
    active: list[Link]
    sorts: list[Link]
    pages: list[Link]
    prev_url: str | None
    next_url: str | None
    suggestion: Link | None
    relaxed: bool
    timeline: Timeline | None
    date_from: str | None
    date_to: str | None
    clear_filters_url: str
    hidden_fields: list[tuple[str, str]] = field(default_factory=list)
    feed_url: str = ""  # the Atom feed of this search (webapp.feeds)
    facets_estimated: bool = False  # counts from a sample of a huge match set (search.facets)


def _hit_chips(hit: Any, state: SearchState) -> list[Chip]:
    chips = []
    for kind, names in (("org", hit.orgs), ("person", hit.people), ("place", hit.places)):
        for name in names[: CHIPS_PER_KIND[kind]]:
            chips.append(
                Chip(kind, facet_label(kind), name, state.toggled(kind, name).url(), state.has(kind, name))
            )
    return chips


def _pager(result: SearchResponse, state: SearchState) -> tuple[list[Link], str | None, str | None]:
    last, page = result.pages, result.page
    if last <= 1:
        return [], None, None
    shown = sorted({1, last, *range(max(1, page - PAGER_RADIUS), min(last, page + PAGER_RADIUS) + 1)})
    links: list[Link] = []
    for i, number in enumerate(shown):
        if i and number - shown[i - 1] > 1:
            links.append(Link("…", None))
        links.append(Link(str(number), state.replaced(page=str(number)).url(), number == page))
    prev_url = state.replaced(page=str(page - 1)).url() if page > 1 else None
    next_url = state.replaced(page=str(page + 1)).url() if page < last else None
    return links, prev_url, next_url


def _timeline(result: SearchResponse, state: SearchState) -> Timeline | None:
    years = {bucket.value: bucket.count for bucket in result.facets.get("year", ())}
    selected_years = state.values("year")
    months = result.facets.get("month")
    if len(selected_years) == 1 and months is not None:
        year = selected_years[0]
        counts = {bucket.value: bucket.count for bucket in months}
        periods = []
        for key in fill_months(year):
            first, last = parse_date_bound(key, end=False), parse_date_bound(key, end=True)
            selected = state.get("date_from") == first and state.get("date_to") == last
            url = state.replaced(date_from=first, date_to=last).url()
            periods.append(Period(key, key[5:], counts.get(key, 0), url, selected))
        return build_timeline(
            periods, _("Matches per month in %(year)s; select a month to filter.", year=year)
        )
    periods = [
        Period(year, year, years.get(year, 0), state.replaced(year=year).url(), year in selected_years)
        for year in fill_years(years)
    ]
    return build_timeline(periods, _("Matches per year; select a year to see its months."))


def _more_link(name: str, shown: int, distinct: int, state: SearchState) -> Link | None:
    """Keeps the page's place (no page reset): expanding a list changes what is shown, not what is found."""
    if state.has("more", name):
        pairs = [pair for pair in state.pairs if pair != ("more", name)]
        return Link(_("Fewer"), SearchState(pairs).url())
    if distinct > shown:
        return Link(_("More (%(num)s)", num=distinct), SearchState([*state.pairs, ("more", name)]).url())
    return None


def _active_filters(state: SearchState) -> list[Link]:
    active = [
        Link(f"{facet_label(name)}: {value}", state.toggled(name, value).url())
        for name, value in state.filters()
    ]
    for name, label in (("date_from", _("From")), ("date_to", _("To"))):
        value = state.get(name)
        if value:
            active.append(Link(f"{label}: {value}", state.replaced(**{name: None}).url()))
    return active


def build_view(result: SearchResponse, state: SearchState) -> SearchView:
    """The page's view of one search result."""
    hits = [
        HitView(
            id=hit.id,
            title_html=Markup(hit.title_html),  # escaped by search.highlight; only <mark> is markup
            snippet_html=Markup(hit.snippet_html),
            date=hit.date,
            source=hit.source,
            category=hit.category,
            url=hit.url,
            doc_url=_doc_url(hit.id, result.request.q),
            chips=_hit_chips(hit, state),
            duplicates=_duplicate_links(hit.duplicates, result.request.q),
        )
        for hit in result.hits
    ]
    facets = [
        FacetView(
            name,
            facet_label(name),
            [
                BucketView(b.value, b.count, b.selected, state.toggled(name, b.value).url(),
                           _source_feed(name, b.value))
                for i, b in enumerate(buckets)
                if i < FACET_MORE_LIMIT or b.selected
            ],
            _more_link(name, len(buckets), result.facet_values.get(name, 0), state),
        )
        for name in FACETS
        if (buckets := result.facets.get(name))
    ]
    sorts = [
        Link(
            label, state.replaced(sort=None if key == "relevance" else key).url(), result.request.sort == key
        )
        for key, label in (
            ("relevance", _("Relevance")),
            ("date_desc", _("Newest")),
            ("date_asc", _("Oldest")),
        )
    ]
    pages, prev_url, next_url = _pager(result, state)
    suggestion = None
    if result.suggestion:
        suggestion = Link(result.suggestion, state.replaced(q=result.suggestion).url())
    return SearchView(
        total=result.total,
        took_ms=round(result.took_ms),
        first_rank=(result.page - 1) * result.per_page + 1,
        hits=hits,
        facets=facets,
        active=_active_filters(state),
        sorts=sorts,
        pages=pages,
        prev_url=prev_url,
        next_url=next_url,
        suggestion=suggestion,
        relaxed=result.relaxed,
        timeline=_timeline(result, state),
        date_from=result.request.date_from,
        date_to=result.request.date_to,
        clear_filters_url=state.without_filters().url(),
        hidden_fields=[(k, v) for k, v in state.pairs if k not in ("date_from", "date_to", "page")],
        feed_url=feed_url(state.pairs),
        facets_estimated=result.facets_estimated,
    )


def _source_feed(name: str, value: str) -> str | None:
    return feed_url([("source", value)]) if name == "source" else None


def _duplicate_links(duplicates: Iterable[Duplicate], q: str) -> list[Link]:
    """Links to the document pages of a group's other members, labelled by title and source."""
    return [
        Link(f"{d.title}（{d.source}）" if d.source else d.title, _doc_url(d.id, q)) for d in duplicates
    ]


def _doc_url(doc_id: str, q: str) -> str:
    params: dict[str, Any] = {"q": q} if q else {}
    lang = explicit_lang()
    if lang:
        params["lang"] = lang
    return url_for("pages.document", doc_id=doc_id, **params)


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    def link(endpoint: str, **params: Any) -> str:
        lang = explicit_lang()
        if lang:
            params.setdefault("lang", lang)
        return url_for(endpoint, **params)

    def switch_lang(lang: str) -> str:
        args = request.args.copy()
        args["lang"] = lang
        return (
            url_for(request.endpoint or "pages.search", **(request.view_args or {})) + "?" + _urlencode(args)
        )

    return {
        "locale": str(get_locale() or "zh"),
        "explicit_lang": explicit_lang(),
        "query_text": request.args.get("q", ""),
        "max_query_length": current_app.config["HUIXUN"]["max_query_length"],
        "link": link,
        "switch_lang": switch_lang,
    }


def _urlencode(args: Any) -> str:
    from urllib.parse import urlencode

    return urlencode(list(args.items(multi=True)))


@dataclass(frozen=True)
class Browse:
    """The home page's ways into the collection: the timeline and the top sources and categories."""

    total: int
    timeline: Timeline | None
    facets: list[FacetView]


def _browse(state: SearchState) -> Browse:
    with time_limit(current_app.config["HUIXUN"]["search_timeout"]):
        result = run_search(get_searcher(), SearchRequest.create("", per_page=1))
    facets = [
        FacetView(
            name,
            facet_label(name),
            [
                BucketView(
                    b.value, b.count, False, state.toggled(name, b.value).url(), _source_feed(name, b.value)
                )
                for b in result.facets.get(name, ())
            ],
        )
        for name in ("source", "category")
    ]
    return Browse(result.total, _timeline(result, state), [facet for facet in facets if facet.buckets])


@bp.get("/")
def search() -> str:
    state = SearchState.from_args(request.args)
    search_request = parse_search_request(request.args, facet_more=True)
    if (
        not search_request.q
        and not state.filters()
        and not (search_request.date_from or search_request.date_to)
    ):
        return render_template("search.html", view=None, examples=EXAMPLES, browse=_browse(state))
    with time_limit(current_app.config["HUIXUN"]["search_timeout"]):
        result = run_search(get_searcher(), search_request)
    return render_template("search.html", view=build_view(result, state), examples=EXAMPLES)


def safe_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, else ``None`` (a stored ``javascript:`` URL never becomes a link)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


@dataclass(frozen=True)
class DocView:
    """A document prepared for ``doc.html`` (highlighted title and body, entity lists with labels)."""

    doc: Document
    title_html: Markup
    body_html: Markup
    entities: list[tuple[str, str, tuple[str, ...]]]
    link: str | None
    duplicates: list[Link] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.doc, name)


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> str:
    doc = get_document(get_searcher(), doc_id)
    if doc is None:
        raise ApiError(404, _("There is no announcement with the id %(id)s.", id=doc_id), param="id")
    q = request.args.get("q", "")[: current_app.config["HUIXUN"]["max_query_length"]]
    title_html, body_html = highlight_document(doc, q)
    view = DocView(
        doc=doc,
        title_html=Markup(title_html),  # escaped by search.highlight; only <mark> is markup
        body_html=Markup(body_html),
        link=safe_link(doc.url),
        entities=[
            ("person", _("People"), doc.people),
            ("org", _("Organizations"), doc.orgs),
            ("place", _("Places"), doc.places),
        ],
        duplicates=_duplicate_links(document_duplicates(get_searcher(), doc_id), q),
    )
    back_url = SearchState.from_args(request.args).url() if q else None
    return render_template("doc.html", doc=view, back_url=back_url)


@functools.cache
def _embed_script(static_folder: str) -> bytes:
    return (Path(static_folder) / "embed.js").read_bytes()


@bp.get("/embed.js")
def embed_js() -> Response:
    """The widget script (served from memory with an ETag; partners' pages load it from here)."""
    response = Response(_embed_script(current_app.static_folder or "static"), mimetype="text/javascript")
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.make_conditional(request)
    return response
