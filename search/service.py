"""The query side's one entry point: :func:`run_search` (plus document look-ups for the document page).

The web page, the JSON endpoint and ``huixun search`` call only these functions::

    request = SearchRequest.create(q, page=..., filters={"source": [...]})   # QueryError on bad input
    response = run_search(searcher, request)                                 # never raises on query text

Steps: parse the query (:mod:`search.query`), match and score it on the generation's in-memory arrays
(:mod:`search.snapshot`, :mod:`search.ranking`), apply the request's facet selections and date range,
count facets (:mod:`search.facets`), order and page, then read the stored fields of the page's hits
only and highlight them (:mod:`search.highlight`), and add a suggestion (:mod:`search.suggest`) when
the query found little.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

import numpy as np
from whoosh.index import Index
from whoosh.reading import IndexReader, SegmentReader
from whoosh.searching import Searcher

from .analysis import on_lexicon_reload
from .facets import apply_selections, compute_facets, selection_masks
from .highlight import highlight, snippet
from .lexicon import Lexicon, load_lexicon
from .models import Document, Duplicate, Hit, SearchRequest, SearchResponse, entities_from_stored
from .pinyin import expand_pinyin
from .query import parse_query, plan_term
from .ranking import date_mask, match_query, order
from .snapshot import snapshot_for
from .store import IndexStore
from .suggest import suggest

__all__ = [
    "run_search",
    "get_document",
    "document_duplicates",
    "highlight_document",
    "query_marks",
    "SearchSource",
]

SearchSource: TypeAlias = Searcher | Index | IndexStore | str | os.PathLike[str]


@functools.cache
def _lexicon() -> Lexicon:
    return load_lexicon()


on_lexicon_reload(_lexicon.cache_clear)  # a reloaded lexicon (search.analysis.reload_lexicon) is read again


@contextmanager
def _searcher(source: SearchSource) -> Iterator[Searcher]:
    """A searcher for ``source``; one opened here is closed on exit, a caller's is left open."""
    if isinstance(source, Searcher):
        yield source
        return
    if isinstance(source, Index):
        ix = source
    else:
        store = source if isinstance(source, IndexStore) else IndexStore(source)
        ix = store.open()
    searcher = ix.searcher()
    try:
        yield searcher
    finally:
        searcher.close()


def _split(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v)
    return tuple(part for part in str(value).split(",") if part)


def query_marks(q: str) -> tuple[str, ...]:
    """The normalized strings a query highlights (every term's words and phrases, longest first)."""
    parsed = parse_query(q)
    marks: set[str] = set()
    for group in parsed.groups:
        for term in group:
            marks.update(plan_term(term).marks)
    return tuple(sorted(marks, key=lambda m: (-len(m), m)))


#: Other members of a hit's near-duplicate group listed with it (each is a stored-field read: a group
#: of a corpus gathered from many mirrors can hold dozens).
MAX_DUPLICATES = 10

def run_search(source: SearchSource, request: SearchRequest) -> SearchResponse:
    """Run ``request`` against an index (a Whoosh searcher, an index, an :class:`IndexStore` or an
    index directory). Never raises because of the query text; parameter errors were raised by
    :meth:`SearchRequest.create`. Store errors (``IndexNotFound`` …) propagate."""
    started = time.perf_counter()
    with _searcher(source) as searcher:
        reader = searcher.reader()
        snap = snapshot_for(reader)
        lexicon = _lexicon()
        parsed = expand_pinyin(snap, reader, lexicon, parse_query(request.q))  # py: terms → Hanzi
        masks = selection_masks(snap, request.filters, lexicon)
        dates = date_mask(snap, request.date_from, request.date_to)
        restrict = apply_selections(snap.live if dates is None else dates, masks)
        match = match_query(snap, reader, parsed, lexicon, restrict=restrict)
        base = match.mask if dates is None else match.mask & dates
        final = apply_selections(base, masks)
        # Collapsed: one result per near-duplicate group (its best-scoring member here), and the
        # total and facet counts count groups.
        groups = snap.groups if request.collapse else None
        if groups is not None:
            final = groups.collapse(final, match.scores)
        total = int(np.count_nonzero(final))
        facets, facet_values, estimated = compute_facets(snap, base, masks, request, groups)
        stop = request.page * request.per_page

        def title_of(docnum: int) -> str:
            return str(_stored_fields(reader, docnum).get("title") or "")

        ranked = order(snap, match, final, request.sort, stop, title_of)
        page_docs = ranked[(request.page - 1) * request.per_page : stop].tolist()
        marks = tuple(sorted({m for plan in match.plans for m in plan.marks}, key=lambda m: (-len(m), m)))
        hits = tuple(
            _hit(
                _stored_fields(reader, docnum),
                marks,
                float(match.scores[docnum]),
                request.snippet_chars,
                snap.text.texts[docnum],
                _duplicates(reader, groups.members(docnum)[:MAX_DUPLICATES]) if groups is not None else (),
            )
            for docnum in page_docs
        )
        suggestion = suggest(snap, reader, parsed, lexicon, total) if parsed.groups else None
    took = (time.perf_counter() - started) * 1000.0
    return SearchResponse(
        request=request,
        total=total,
        hits=hits,
        facets=facets,
        facet_values=facet_values,
        took_ms=took,
        relaxed=match.relaxed,
        suggestion=suggestion if suggestion and suggestion != parsed.text else None,
        terms=marks,
        notes=parsed.notes + match.notes,
        facets_estimated=estimated,
    )


def _stored_fields(reader: IndexReader, docnum: int) -> dict[str, Any]:
    """``reader.stored_fields(docnum)``, read from the segment's per-document reader directly: the
    same dictionary without Whoosh's per-field schema check (a third of the cost)."""
    for leaf, offset in reader.leaf_readers():
        if offset <= docnum < offset + leaf.doc_count_all():
            perdoc = getattr(leaf, "_perdoc", None)
            if not isinstance(leaf, SegmentReader) or perdoc is None:
                break  # pragma: no cover - other readers
            schema = leaf.schema
            names = set(schema.names())
            fields = perdoc.stored_fields(docnum - offset)
            return {name: value for name, value in fields.items() if name in names or name in schema}
    return dict(reader.stored_fields(docnum))  # pragma: no cover


def _duplicates(reader: IndexReader, docnums: list[int]) -> tuple[Duplicate, ...]:
    out = []
    for docnum in docnums:
        fields = _stored_fields(reader, docnum)
        out.append(
            Duplicate(
                id=str(fields.get("id")),
                source=fields.get("source") or None,
                title=str(fields.get("title") or ""),
                url=fields.get("url") or None,
            )
        )
    return tuple(out)


def document_duplicates(source: SearchSource, doc_id: str) -> tuple[Duplicate, ...]:
    """The other members of the near-duplicate group of the document ``doc_id`` ("also published
    as"; empty when it has none or there is no such document)."""
    with _searcher(source) as searcher:
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return ()
        reader = searcher.reader()
        return _duplicates(reader, snapshot_for(reader).groups.members(docnum))


def _hit(
    fields: dict[str, Any],
    marks: tuple[str, ...],
    score: float,
    size: int,
    normalized: str,
    duplicates: tuple[Duplicate, ...] = (),
) -> Hit:
    """A result with highlights; ``normalized`` is the document's cached normalized grams text
    (``title + "\\n" + body``), so the snippet does not normalize the body again."""
    title = str(fields.get("title") or "")
    body = str(fields.get("body") or "")
    cached = normalized[len(title) + 1 :]
    # (a length mismatch would mean another text than this snapshot read: normalize it again)
    matches = len(cached) == len(body) and normalized[len(title) : len(title) + 1] == "\n"
    norm_title = normalized[: len(title)] if matches else None
    norm_body = cached if matches else None
    return Hit(
        id=str(fields.get("id")),
        title=title,
        title_html=highlight(title, marks, norm_title),
        snippet_html=snippet(body, marks, size, norm_body),
        url=fields.get("url") or None,
        date=fields.get("date") or None,
        source=fields.get("source") or None,
        category=fields.get("category") or None,
        people=_split(fields.get("people")),
        orgs=_split(fields.get("orgs")),
        places=_split(fields.get("places")),
        score=round(score, 4),
        duplicates=duplicates,
    )


def get_document(source: SearchSource, doc_id: str) -> Document | None:
    """The stored document with id ``doc_id``, or ``None`` when there is none."""
    with _searcher(source) as searcher:
        fields = searcher.document(id=doc_id)
    if not fields:
        return None
    return Document(
        id=str(fields.get("id")),
        title=str(fields.get("title") or ""),
        body=str(fields.get("body") or ""),
        url=fields.get("url") or None,
        date=fields.get("date") or None,
        dates=_split(fields.get("dates")),
        source=fields.get("source") or None,
        category=fields.get("category") or None,
        people=_split(fields.get("people")),
        orgs=_split(fields.get("orgs")),
        places=_split(fields.get("places")),
        indexed_at=fields.get("indexed_at") or None,
        event_date=fields.get("event_date") or None,
        entities=entities_from_stored(fields.get("entities")),
    )


def highlight_document(doc: Document, q: str | None) -> tuple[str, str]:
    """``(title_html, body_html)`` of a whole document with the query's words marked (escaped HTML;
    line breaks are kept as ``\\n``)."""
    marks = query_marks(q or "")
    return highlight(doc.title, marks), highlight(doc.body, marks)
