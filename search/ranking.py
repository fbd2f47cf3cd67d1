"""A :class:`~search.query.ParsedQuery` matched and scored over a :class:`~search.snapshot.Snapshot`:
:func:`match_query` combines the pieces' masks (:mod:`search.matching`) and scorers
(:mod:`search.scoring`) into a :class:`Match`; :func:`order` (from :mod:`search.scoring`) ranks it.
The names below stay importable from here.

Matching (which documents): every term is planned into pieces (:func:`search.query.plan_term`); a Han
piece matches where it occurs as a substring — found through the generation's bigram index of the
normalized texts (:mod:`search.textindex`) and checked on those texts — so any substring of a document
finds it, whatever jieba made of the document; a Latin
piece matches a word of ``title``/``body`` (or, cut at an edge of the query, a word containing it).
Terms combine with AND (OR inside a group), excluded terms subtract.

Ranking (in what order), all on whole numpy arrays:

* BM25F on the word fields for each piece's words (whole-word matches), with the title boost
  :data:`search.schema.TITLE_BOOST`, declared once on the title field and applied once: the index
  stores title term frequencies times the boost (Whoosh's field boost), scoring divides it out (a
  title frequency saturates like a body's) and weighs the title's BM25 term by the boost;
* a document where a piece occurs only inside longer words gets :data:`FRAGMENT_WEIGHT` × idf, below
  any whole-word match;
* a term's whole Han run occurring contiguously (proximity) adds :data:`PHRASE_WEIGHT` × its idf;
* **exact before scattered**: a document containing the whole query as written (normalized: script,
  width, case; spaces between Han characters dropped, see :func:`exact_text`) adds
  :data:`EXACT_WEIGHT`, more than any sum of the other scores, so every such document ranks above
  every document that only has the query's words apart (BM25F orders each tier);
* the best candidates are re-ranked on their titles: the query's text inside the title, or equal to
  it (known-item search), adds a large bonus; then on **proximity** (documents that are not exact
  matches): the shortest stretch of text holding every piece, compared with the pieces' length,
  adds up to :data:`PROXIMITY_WEIGHT` (words near each other above words far apart);
* recency breaks ties.

Relaxed mode: when no document contains every term, documents containing at least half of them
(else any) are ranked, more terms first, and the response says so; the best
:data:`RELAXED_DEPTH` are then re-ranked by how much of the query's text they hold in sequence
(runs of at least :data:`COVERAGE_MIN_RUN` characters), most first: a long query pasted from a
document puts that document first.
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import IndexReader

from .facets import filter_mask
from .lexicon import Lexicon
from .matching import (  # noqa: F401  (HAN_RUN_RE, exact_text, _phrase_pattern: importable here too)
    HAN_RUN_RE,
    VERIFY_MAX_CANDIDATES,
    _Candidates,
    _contiguous,
    _exact_docs,
    _phrase_pattern,
    date_mask,
    exact_text,
    piece_mask,
)
from .query import ParsedQuery, Piece, TermPlan, plan_term, raw_key, title_key
from .scoring import (  # noqa: F401  (_min_span, order: importable here too)
    COORD_WEIGHT,
    EXACT_WEIGHT,
    FRAGMENT_WEIGHT,
    RECENCY_EPSILON,
    Match,
    Scorer,
    _add_bonuses,
    _bm25,
    _Bonuses,
    _group_scorer,
    _min_span,
    _phrase_bonus,
    _recency,
    order,
)
from .snapshot import Snapshot

__all__ = ["Match", "match_query", "order", "title_key", "piece_mask", "date_mask"]


def _piece_match(
    snap: Snapshot, reader: IndexReader, piece: Piece, within: np.ndarray | None = None
) -> tuple[np.ndarray, Scorer]:
    """Mask and scorer of one piece: BM25F of its whole words, at least a fragment score.

    ``within`` (the documents the term's other pieces already allow) lets a Latin fragment (``1`` cut
    from ``2021``) be looked for in a few cached texts rather than expanded to every vocabulary word
    ending with it; the mask is then only exact inside ``within``, and the caller falls back to
    :func:`piece_mask` when nothing is left."""
    if (
        within is not None
        and piece.kind == "latin"
        and piece.edge != "exact"
        and np.count_nonzero(within) <= VERIFY_MAX_CANDIDATES
    ):
        pmask = np.zeros(snap.size, dtype=bool)
        pmask[snap.text.docs_containing(piece.text, within)] = True
        if not pmask.any():
            pmask = piece_mask(snap, reader, piece)
    else:
        pmask = piece_mask(snap, reader, piece)
    fragment = FRAGMENT_WEIGHT * snap.idf(int(np.count_nonzero(pmask)))
    words = piece.words if len(piece.words) == 1 else (piece.text,)

    def score(cands: _Candidates) -> np.ndarray:
        whole = np.zeros(cands.docs.size, dtype=np.float32)
        for word in words:
            _bm25(snap, reader, word, whole, cands)
        return np.where(pmask[cands.docs], np.maximum(whole, fragment), 0.0).astype(np.float32)

    return pmask, score


def _term_match(snap: Snapshot, reader: IndexReader, plan: TermPlan) -> tuple[np.ndarray, Scorer]:
    """Mask and scorer of one term (all its pieces)."""
    mask = snap.live.copy()
    scorers = []
    for piece in plan.pieces:
        pmask, pscore = _piece_match(snap, reader, piece)
        mask &= pmask
        scorers.append(pscore)
    if plan.exact is not None:
        mask = _contiguous(snap, plan.exact, mask)
    bonuses = _phrase_bonus(snap, reader, plan, mask)

    def score(cands: _Candidates) -> np.ndarray:
        scores = np.zeros(cands.docs.size, dtype=np.float32)
        for pscore in scorers:
            scores += pscore(cands)
        _add_bonuses(scores, bonuses, cands)
        return scores

    return mask, score


def match_query(
    snap: Snapshot,
    reader: IndexReader,
    parsed: ParsedQuery,
    lexicon: Lexicon,
    restrict: np.ndarray | None = None,
) -> Match:
    """Match and score ``parsed``. ``restrict`` (request filters) decides whether relaxed mode is
    needed: only when nothing passes both the terms and ``restrict``; scores are computed only for
    the matches passing it."""
    notes: list[str] = []
    base = filter_mask(snap, parsed.filters, lexicon)
    dates = date_mask(snap, parsed.date_from, parsed.date_to)
    if dates is not None:
        base &= dates
    plans: list[TermPlan] = []
    # Clauses that must all match (each a mask and its scorer). A group of one plain term contributes
    # one clause per piece, so that a long natural-language query can be relaxed word by word.
    clauses: list[tuple[np.ndarray, Scorer]] = []
    bonuses: _Bonuses = []
    for group in parsed.groups:
        group_plans = []
        for term in group:
            plan = plan_term(term)
            if plan.pieces:
                group_plans.append(plan)
            else:
                notes.append(f"{term.text!r} has nothing searchable and was ignored")
        plans.extend(group_plans)
        if len(group_plans) == 1 and not group_plans[0].term.phrase:
            within = snap.live.copy()
            # Han pieces first: they narrow the candidates a Latin fragment is then checked among.
            for piece in sorted(group_plans[0].pieces, key=lambda p: p.kind != "han"):
                clauses.append(_piece_match(snap, reader, piece, within if clauses else None))
                within &= clauses[-1][0]
            bonuses.extend(_phrase_bonus(snap, reader, group_plans[0], within))
        elif group_plans:
            gmask = np.zeros(snap.size, dtype=bool)
            parts = []
            for plan in group_plans:
                tmask, tscore = _term_match(snap, reader, plan)
                gmask |= tmask
                parts.append((tmask, tscore))
            clauses.append((gmask, _group_scorer(parts)))
    for term in parsed.excluded:
        plan = plan_term(term)
        if plan.pieces:
            base &= ~_term_match(snap, reader, plan)[0]
    relaxed = False
    hits: np.ndarray | None = None
    if not clauses:
        mask = base
    else:
        mask = base.copy()
        for gmask, _score in clauses:
            mask &= gmask
        within = mask if restrict is None else mask & restrict
        if len(clauses) > 1 and not within.any():
            relaxed = True
            hits = np.zeros(snap.size, dtype=np.int16)
            for gmask, _score in clauses:
                hits += gmask
            candidates = base if restrict is None else base & restrict
            need = (len(clauses) + 1) // 2
            mask = base & (hits >= need)
            if not (mask & candidates).any():
                mask = base & (hits >= 1)
    # Scores only for the documents that can be results: the postings of a query's words are then
    # decoded only where they can matter (a whole-title query matches a handful of documents).
    cands = _Candidates.of(mask if restrict is None else mask & restrict)
    part = np.zeros(cands.docs.size, dtype=np.float64)
    _add_bonuses(part, bonuses, cands)
    exact = exact_text(parsed)
    exact_docs = None
    if exact is not None and not relaxed:
        exact_docs = _exact_docs(snap, reader, exact, cands)
        part[cands.rank[exact_docs]] += EXACT_WEIGHT
    for _gmask, score in clauses:
        part += score(cands)
    if hits is not None:
        part += COORD_WEIGHT * hits[cands.docs]
    part += RECENCY_EPSILON * _recency(snap)[cands.docs]
    scores = np.zeros(snap.size, dtype=np.float64)
    scores[cands.docs] = part
    text = _plain_text(parsed)
    pieces = tuple(dict.fromkeys(p.text for plan in plans for p in plan.pieces))
    return Match(
        mask,
        scores,
        tuple(plans),
        relaxed,
        tuple(notes),
        title_key(text),
        raw_key(text),
        exact,
        exact_docs,
        pieces,
    )


def _plain_text(parsed: ParsedQuery) -> str:
    return " ".join(term.text for group in parsed.groups for term in group)
