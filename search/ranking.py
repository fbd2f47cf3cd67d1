"""Matching and ranking a :class:`~search.query.ParsedQuery` over a :class:`~search.snapshot.Snapshot`.

Matching (which documents): every term is planned into pieces (:func:`search.query.plan_term`); a Han
piece matches where it occurs as a substring — found through the generation's bigram index of the
normalized texts (:mod:`search.textindex`) and checked on those texts — so any substring of a document
finds it, whatever jieba made of the document; a Latin
piece matches a word of ``title``/``body`` (or, cut at an edge of the query, a word containing it).
Terms combine with AND (OR inside a group), excluded terms subtract.

Ranking (in what order), all on whole numpy arrays:

* BM25F on the word fields for each piece's words (whole-word matches), with the title boost
  :data:`search.schema.TITLE_BOOST`, declared once on the title field: the index stores title term
  frequencies times the boost (Whoosh's field boost) and a title's BM25 term counts the boost times a
  body's;
* a document where a piece occurs only inside longer words gets :data:`FRAGMENT_WEIGHT` × idf, below
  any whole-word match;
* a term's whole Han run occurring contiguously (proximity) adds :data:`PHRASE_WEIGHT` × its idf;
* the best candidates are re-ranked on their titles: the query's text inside the title, or equal to
  it (known-item search), adds a large bonus;
* recency breaks ties.

Relaxed mode: when no document contains every term, documents containing at least half of them
(else any) are ranked, more terms first, and the response says so.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from .facets import filter_mask
from .lexicon import Lexicon
from .query import ParsedQuery, Piece, TermPlan, plan_term, raw_key, title_key
from .schema import TITLE_BOOST
from .snapshot import BM25_B, BM25_K1, Snapshot

__all__ = ["Match", "match_query", "order", "title_key", "piece_mask", "date_mask"]

FRAGMENT_WEIGHT = 0.25
PHRASE_WEIGHT = 1.0
TITLE_CONTAINS_BONUS = 4.0
TITLE_EQUALS_BONUS = 20.0
SAME_SCRIPT_BONUS = 0.5
COORD_WEIGHT = 100.0
RECENCY_EPSILON = 1e-3
#: Candidates whose stored titles are compared with the query (known-item re-ranking).
RERANK_DEPTH = 20
#: Shorter queries are not re-ranked on titles (BM25F's title weight already ranks them).
RERANK_MIN_CHARS = 5
#: At most this many vocabulary words stand for a Latin fragment (``21`` → ``2021``, ``2110`` …).
MAX_EXPANSIONS = 2048


@dataclass
class Match:
    """Matched documents (``mask``) with their scores (given for the documents of ``mask`` that pass
    the ``restrict`` mask of :func:`match_query`, 0 elsewhere), the term plans (for highlighting)
    and notes."""

    mask: np.ndarray
    scores: np.ndarray
    plans: tuple[TermPlan, ...]
    relaxed: bool
    notes: tuple[str, ...]
    text_key: str
    raw_key: str = ""


@dataclass(frozen=True)
class _Candidates:
    """The documents scores are computed for: sorted ``docs``, their ``mask``, and ``rank`` (the
    position of each of them in ``docs``)."""

    docs: np.ndarray
    mask: np.ndarray
    rank: np.ndarray

    @classmethod
    def of(cls, mask: np.ndarray) -> _Candidates:
        docs = np.flatnonzero(mask)
        rank = np.empty(mask.size, dtype=np.intp)  # read only at the positions of ``docs``
        rank[docs] = np.arange(docs.size)
        return cls(docs, mask, rank)


#: Scores (float32) of the candidates, in the order of ``_Candidates.docs``.
Scorer = Callable[[_Candidates], np.ndarray]


def _bm25(snap: Snapshot, reader: IndexReader, word: str, scores: np.ndarray, cands: _Candidates) -> None:
    for field, weight in (("title", TITLE_BOOST), ("body", 1.0)):
        post, df = snap.postings_among(reader, field, word, cands.docs, cands.mask)
        if not df:
            continue
        idf = snap.idf(df)
        tf = post.weights
        dl = snap.lengths[field][post.ids]
        norm = BM25_K1 * (1.0 - BM25_B + BM25_B * dl / snap.avg_length[field])
        scores[cands.rank[post.ids]] += weight * idf * tf * (BM25_K1 + 1.0) / (tf + norm)


def _grams_ids(snap: Snapshot, reader: IndexReader, text: str) -> np.ndarray:
    """Sorted docnums of the documents containing the Han string ``text`` (any length ≥ 1), from the
    generation's bigram index (:mod:`search.textindex`), cached: a string of three characters or
    more is verified in the text of every candidate, which for a common phrase is most of a query's
    time, and the same phrases come back (the proximity bonus of every query with that run)."""
    key = ("grams", text)
    cached = snap.derived(key)
    if cached is None:
        cached = snap.text.docs_with(text)
        snap.remember(key, cached)
    return cached


def _latin_terms(snap: Snapshot, reader: IndexReader, piece: Piece) -> list[str]:
    text = piece.text
    if piece.edge == "exact":
        return [text]
    vocab = snap.latin_vocabulary(reader)
    key = ("latin", piece.edge, text)
    cached = snap.derived(key)
    if cached is not None:
        return list(cached)
    terms: list[str]
    if piece.edge == "prefix":
        start = bisect.bisect_left(vocab, text)
        terms = []
        for term in vocab[start:]:
            if not term.startswith(text) or len(terms) >= MAX_EXPANSIONS:
                break
            terms.append(term)
    elif piece.edge == "suffix":
        terms = [t for t in vocab if t.endswith(text)][:MAX_EXPANSIONS]
    else:
        terms = [t for t in vocab if text in t][:MAX_EXPANSIONS]
    if text not in terms:
        terms.insert(0, text)
    snap.remember(key, tuple(terms))
    return terms


def piece_mask(snap: Snapshot, reader: IndexReader, piece: Piece) -> np.ndarray:
    """Boolean mask of the documents a piece matches (see the module docstring)."""
    mask = np.zeros(snap.size, dtype=bool)
    if piece.kind == "han":
        mask[_grams_ids(snap, reader, piece.text)] = True
    else:
        for term in _latin_terms(snap, reader, piece):
            for field in ("title", "body"):
                mask[snap.postings(reader, field, term).ids] = True
    return mask


#: A Latin fragment is checked in the texts of at most this many candidates instead of expanding it.
VERIFY_MAX_CANDIDATES = 3000


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


#: Proximity bonuses: the documents having a run, and what it adds to their score.
_Bonuses = list[tuple[np.ndarray, float]]


def _phrase_bonus(snap: Snapshot, reader: IndexReader, plan: TermPlan, within: np.ndarray) -> _Bonuses:
    """The proximity bonus of the plan's whole runs for the documents of ``within`` having them."""
    bonuses = []
    for phrase in plan.phrases:
        ids = _grams_ids(snap, reader, phrase)
        ids = ids[within[ids]]
        if ids.size:
            bonuses.append((ids, PHRASE_WEIGHT * snap.idf(int(ids.size))))
    return bonuses


def _add_bonuses(scores: np.ndarray, bonuses: _Bonuses, cands: _Candidates) -> None:
    for ids, value in bonuses:
        scores[cands.rank[ids[cands.mask[ids]]]] += value


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


def _contiguous(snap: Snapshot, phrase: str, within: np.ndarray) -> np.ndarray:
    """The documents of ``within`` whose normalized text holds ``phrase`` (normalized, spaces
    collapsed) as is: a space of the phrase matches any whitespace between two Latin words and any
    or none elsewhere, and a phrase starting or ending with a Latin letter or digit does not start or
    end inside a longer Latin word or number (``"1月18日"`` is not in ``11月18日``). ``within`` must be
    the live documents having every piece of the phrase: the result is cached by phrase."""
    # ``within`` (the live documents having every piece) follows from the phrase: it is not in the key.
    key = ("contiguous", phrase)
    cached = snap.derived(key)
    if cached is not None:
        return cached
    pattern = _phrase_pattern(phrase)
    texts = snap.text.texts
    cands = np.flatnonzero(within)
    if " " not in phrase:  # a byte search narrows first (most candidates fail it)
        cands = texts.containing(cands, phrase.encode("utf-8"))
    out = np.zeros(snap.size, dtype=bool)
    out[[d for d in cands.tolist() if pattern.search(texts[d])]] = True
    snap.remember(key, out)
    return out


@functools.lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    parts = phrase.split(" ")
    body = re.escape(parts[0])
    for before, after in itertools.pairwise(parts):
        between = r"\s+" if _LATIN_EDGE.match(before[-1]) and _LATIN_EDGE.match(after[0]) else r"\s*"
        body += between + re.escape(after)
    head = "(?<![0-9a-z])" if _LATIN_EDGE.match(phrase[0]) else ""
    tail = "(?![0-9a-z])" if _LATIN_EDGE.match(phrase[-1]) else ""
    return re.compile(head + body + tail)


_LATIN_EDGE = re.compile("[0-9a-z]")


def _group_scorer(parts: list[tuple[np.ndarray, Scorer]]) -> Scorer:
    """Scorer of OR-ed terms: the sum of the scores of the terms each document matches."""

    def score(cands: _Candidates) -> np.ndarray:
        scores = np.zeros(cands.docs.size, dtype=np.float32)
        for tmask, tscore in parts:
            scores += np.where(tmask[cands.docs], tscore(cands), 0.0).astype(np.float32)
        return scores

    return score


def date_mask(snap: Snapshot, date_from: str | None, date_to: str | None) -> np.ndarray | None:
    """Documents dated within the inclusive bounds (``None`` when there are no bounds)."""
    if not date_from and not date_to:
        return None
    low = int(date_from.replace("-", "")) if date_from else 1
    high = int(date_to.replace("-", "")) if date_to else 99999999
    return (snap.date_key >= low) & (snap.date_key <= high)


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
    part = np.zeros(cands.docs.size, dtype=np.float32)
    _add_bonuses(part, bonuses, cands)
    for _gmask, score in clauses:
        part += score(cands)
    if hits is not None:
        part += COORD_WEIGHT * hits[cands.docs]
    part += RECENCY_EPSILON * _recency(snap)[cands.docs]
    scores = np.zeros(snap.size, dtype=np.float32)
    scores[cands.docs] = part
    text = _plain_text(parsed)
    return Match(mask, scores, tuple(plans), relaxed, tuple(notes), title_key(text), raw_key(text))


def _plain_text(parsed: ParsedQuery) -> str:
    return " ".join(term.text for group in parsed.groups for term in group)


def _recency(snap: Snapshot) -> np.ndarray:
    key = snap.derived(("recency",))
    if key is None:
        dated = snap.date_key > 0
        key = np.zeros(snap.size, dtype=np.float32)
        if dated.any():
            ranks = np.argsort(np.argsort(snap.date_key, kind="stable"), kind="stable")
            key = (ranks / max(snap.size - 1, 1)).astype(np.float32)
            key[~dated] = 0.0
        snap.remember(("recency",), key)
    return key


def order(
    snap: Snapshot,
    match: Match,
    mask: np.ndarray,
    sort: str,
    stop: int,
    title_of: Callable[[int], str],
) -> np.ndarray:
    """Docnums of ``mask`` in result order, the first ``stop`` of them.

    ``relevance``: score (after known-item re-ranking of the best :data:`RERANK_DEPTH`), newest first
    on ties; ``date_desc``/``date_asc``: date, then score. ``title_of(docnum)`` returns a stored title.
    """
    docs = np.flatnonzero(mask)
    if not docs.size:
        return docs
    scores = match.scores[docs]
    if sort == "relevance":
        depth = min(docs.size, max(stop, RERANK_DEPTH))
        if depth < docs.size:
            top = np.argpartition(-scores, depth - 1)[:depth]
        else:
            top = np.arange(docs.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        if len(match.text_key) >= RERANK_MIN_CHARS:
            bonus = np.zeros(top.size, dtype=np.float32)
            for i, index in enumerate(top[:RERANK_DEPTH].tolist()):
                docnum = int(docs[index])
                key = snap.title_key(docnum)
                if key == match.text_key:
                    # the same title in the script the user typed wins over its twin in the other
                    same = snap.raw_title_key(docnum, title_of) == match.raw_key
                    bonus[i] = TITLE_EQUALS_BONUS + (SAME_SCRIPT_BONUS if same else 0.0)
                elif match.text_key in key:
                    bonus[i] = TITLE_CONTAINS_BONUS
            final = scores[top] + bonus
            top = top[np.argsort(-final, kind="stable")]
        return docs[top[:stop]]
    dates = snap.date_key[docs]
    if sort == "date_desc":
        ranked = np.lexsort((-scores, -dates))
    else:
        undated = dates == 0
        ranked = np.lexsort((-scores, np.where(undated, 99999999, dates)))
    return docs[ranked[:stop]]
