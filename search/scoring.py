"""Scoring: the scores of matched documents and their order, all on whole numpy arrays.

* BM25F on the word fields for each piece's words (whole-word matches), with the title boost
  :data:`search.schema.TITLE_BOOST`, declared once on the title field and applied once: the index
  stores title term frequencies times the boost (Whoosh's field boost), :func:`_bm25` divides it out
  (a title frequency saturates like a body's) and weighs the title's BM25 term by the boost;
* a document where a piece occurs only inside longer words gets :data:`FRAGMENT_WEIGHT` × idf, below
  any whole-word match;
* a term's whole Han run occurring contiguously (proximity) adds :data:`PHRASE_WEIGHT` × its idf;
* **exact before scattered**: a document containing the whole query as written (see
  :func:`search.matching.exact_text`) adds :data:`EXACT_WEIGHT`, more than any sum of the other
  scores (added by :func:`search.ranking.match_query`);
* :func:`order` re-ranks the best candidates on their titles (known-item search), on proximity, or in
  relaxed mode on the query text they hold in sequence; recency breaks ties.

See :mod:`search.ranking` for how the pieces' masks and scorers combine into a :class:`Match`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from .cache import Whole
from .matching import _Candidates, _grams_ids
from .query import TermPlan
from .schema import TITLE_BOOST
from .snapshot import BM25_B, BM25_K1, Snapshot

__all__ = ["Match", "Scorer", "order", "exact_text_of"]

#: Each document's date rank in [0, 1] (0 undated), for tie-breaking.
_RECENCY: Whole[np.ndarray] = Whole("recency")


FRAGMENT_WEIGHT = 0.25
PHRASE_WEIGHT = 1.0
TITLE_CONTAINS_BONUS = 4.0
TITLE_EQUALS_BONUS = 20.0
SAME_SCRIPT_BONUS = 0.5
COORD_WEIGHT = 100.0
#: Added to documents holding the whole query as written: above every other score's sum.
EXACT_WEIGHT = 1000.0
#: Proximity re-ranking: at most this bonus, for the best this many non-exact candidates.
PROXIMITY_WEIGHT = 3.0
PROXIMITY_DEPTH = 30
#: Occurrences of a piece looked at per document for proximity.
PROXIMITY_MAX_HITS = 64
#: Relaxed re-ranking: candidates compared on the query text they hold in sequence, per character.
RELAXED_DEPTH = 50
COVERAGE_WEIGHT = 1000.0
COVERAGE_MIN_RUN = 3
RECENCY_EPSILON = 1e-3
#: Candidates whose stored titles are compared with the query (known-item re-ranking).
RERANK_DEPTH = 20
#: Shorter queries are not re-ranked on titles (BM25F's title weight already ranks them).
RERANK_MIN_CHARS = 5


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
    #: The whole query as written, normalized (:func:`exact_text`), and the documents holding it.
    exact: str | None = None
    exact_docs: np.ndarray | None = None
    #: The normalized strings of the query's pieces (proximity).
    pieces: tuple[str, ...] = ()


#: Scores (float32) of the candidates, in the order of ``_Candidates.docs``.
Scorer = Callable[[_Candidates], np.ndarray]


def _bm25(snap: Snapshot, reader: IndexReader, word: str, scores: np.ndarray, cands: _Candidates) -> None:
    for field, weight in (("title", TITLE_BOOST), ("body", 1.0)):
        post, df = snap.postings_among(reader, field, word, cands.docs, cands.mask)
        if not df:
            continue
        idf = snap.idf(df)
        # The title's stored frequencies carry Whoosh's field boost: undone here, so the boost is
        # applied once, as this field weight, and saturates like a body frequency.
        tf = post.weights / weight if weight != 1.0 else post.weights
        dl = snap.lengths[field][post.ids]
        norm = BM25_K1 * (1.0 - BM25_B + BM25_B * dl / snap.avg_length[field])
        scores[cands.rank[post.ids]] += weight * idf * tf * (BM25_K1 + 1.0) / (tf + norm)


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


def _group_scorer(parts: list[tuple[np.ndarray, Scorer]]) -> Scorer:
    """Scorer of OR-ed terms: the sum of the scores of the terms each document matches."""

    def score(cands: _Candidates) -> np.ndarray:
        scores = np.zeros(cands.docs.size, dtype=np.float32)
        for tmask, tscore in parts:
            scores += np.where(tmask[cands.docs], tscore(cands), 0.0).astype(np.float32)
        return scores

    return score


def _min_span(text: str, pieces: tuple[str, ...]) -> int | None:
    """Length of the shortest stretch of ``text`` holding every piece (None when one is missing)."""
    events: list[tuple[int, int, int]] = []
    for index, piece in enumerate(pieces):
        start, found = text.find(piece), 0
        while start >= 0 and found < PROXIMITY_MAX_HITS:
            events.append((start, index, start + len(piece)))
            found += 1
            start = text.find(piece, start + 1)
        if not found:
            return None
    events.sort()
    need = len(pieces)
    seen = [0] * need
    have = 0
    best: int | None = None
    left = 0
    for _start, index, end in events:
        seen[index] += 1
        have += seen[index] == 1
        while have == need:
            first_start, first_index, first_end = events[left]
            span = max(end, first_end) - first_start
            best = span if best is None or span < best else best
            seen[first_index] -= 1
            have -= seen[first_index] == 0
            left += 1
    return best


def _coverage(text: str, query: str) -> int:
    """Characters of ``query`` found in ``text`` in runs of at least :data:`COVERAGE_MIN_RUN`
    (greedy, left to right: the longest run from each position)."""
    covered, i, n = 0, 0, len(query)
    while i < n:
        length = 0
        while i + length < n and query[i : i + length + 1] in text:
            length += 1
        if length >= COVERAGE_MIN_RUN:
            covered += length
        i += max(length, 1)
    return covered


def _recency(snap: Snapshot) -> np.ndarray:
    key = _RECENCY.get(snap.cache)
    if key is None:
        dated = snap.date_key > 0
        key = np.zeros(snap.size, dtype=np.float32)
        if dated.any():
            # one value per date: documents of one day (a text and its twin) tie
            ranks = np.searchsorted(np.sort(snap.date_key), snap.date_key, side="left")
            key = (ranks / max(snap.size - 1, 1)).astype(np.float32)
            key[~dated] = 0.0
        _RECENCY.put(snap.cache, key)
    return key


def _text_bonus(
    snap: Snapshot, match: Match, docs: np.ndarray, scores: np.ndarray, top: np.ndarray
) -> np.ndarray:
    """Bonuses (aligned with ``top``, which indexes ``docs`` best first by score) from the texts of
    the best candidates. Relaxed mode: the query text the best :data:`RELAXED_DEPTH` hold in
    sequence (:data:`COVERAGE_WEIGHT` per character). Else, with several pieces, proximity for the
    best :data:`PROXIMITY_DEPTH` that are not exact matches (see the module docstring). Both depend
    on the score order only, so every page of a query sees the same order."""
    bonus = np.zeros(top.size, dtype=np.float64)
    texts = snap.text.texts
    if match.relaxed:
        query = match.exact or exact_text_of(match)
        if query:
            for k, index in enumerate(top[:RELAXED_DEPTH].tolist()):
                bonus[k] = COVERAGE_WEIGHT * _coverage(texts[int(docs[index])], query)
        return bonus
    if len(match.pieces) < 2:
        return bonus
    length = sum(len(p) for p in match.pieces)
    candidates = np.flatnonzero(scores[top] < EXACT_WEIGHT / 2)[:PROXIMITY_DEPTH]
    for k in candidates.tolist():
        span = _min_span(texts[int(docs[top[k]])], match.pieces)
        if span:
            bonus[k] = PROXIMITY_WEIGHT * min(1.0, length / span)
    return bonus


def exact_text_of(match: Match) -> str:
    """The query's text for relaxed re-ranking when it has no exact form (alternatives)."""
    return "".join(match.pieces)


def order(
    snap: Snapshot,
    match: Match,
    mask: np.ndarray,
    sort: str,
    stop: int,
    title_of: Callable[[int], str],
) -> np.ndarray:
    """Docnums of ``mask`` in result order, the first ``stop`` of them.

    ``relevance``: score (after known-item re-ranking of the best :data:`RERANK_DEPTH`, and the
    proximity or relaxed-coverage bonus of :func:`_text_bonus`), newest first on ties;
    ``date_desc``/``date_asc``: date, then score. ``title_of(docnum)`` returns a stored title.
    """
    docs = np.flatnonzero(mask)
    if not docs.size:
        return docs
    scores = match.scores[docs]
    if sort == "relevance":
        depth = max(stop, RERANK_DEPTH, RELAXED_DEPTH if match.relaxed else 0)
        if not match.relaxed and len(match.pieces) > 1:
            exact = int(np.count_nonzero(scores >= EXACT_WEIGHT / 2))
            if exact < stop:  # the page shows documents of the proximity-ranked tier
                depth = max(depth, exact + PROXIMITY_DEPTH)
        depth = min(docs.size, depth)
        if depth < docs.size:
            top = np.argpartition(-scores, depth - 1)[:depth]
        else:
            top = np.arange(docs.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        bonus = _text_bonus(snap, match, docs, scores, top)
        if len(match.text_key) >= RERANK_MIN_CHARS:
            for i, index in enumerate(top[:RERANK_DEPTH].tolist()):
                docnum = int(docs[index])
                key = snap.title_key(docnum)
                if key == match.text_key:
                    # the same title in the script the user typed wins over its twin in the other
                    same = snap.raw_title_key(docnum, title_of) == match.raw_key
                    bonus[i] += TITLE_EQUALS_BONUS + (SAME_SCRIPT_BONUS if same else 0.0)
                elif match.text_key in key:
                    bonus[i] += TITLE_CONTAINS_BONUS
        if bonus.any():
            top = top[np.argsort(-(scores[top] + bonus), kind="stable")]
        return docs[top[:stop]]
    dates = snap.date_key[docs]
    if sort == "date_desc":
        ranked = np.lexsort((-scores, -dates))
    else:
        undated = dates == 0
        ranked = np.lexsort((-scores, np.where(undated, 99999999, dates)))
    return docs[ranked[:stop]]
