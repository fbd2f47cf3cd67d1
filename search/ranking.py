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
from .normalize import HAN_CLASS, normalize
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
#: A query without a Han run is checked for exactness in at most this many candidates' texts.
EXACT_VERIFY_MAX = 3000
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
    #: The whole query as written, normalized (:func:`exact_text`), and the documents holding it.
    exact: str | None = None
    exact_docs: np.ndarray | None = None
    #: The normalized strings of the query's pieces (proximity).
    pieces: tuple[str, ...] = ()


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


_SPACE_RE = re.compile(r"\s+")


def exact_text(parsed: ParsedQuery) -> str | None:
    """The whole query as written, normalized for the exact-match tier: every term (no ``OR``
    alternatives, no pinyin) in order, normalized (script, width, case), whitespace collapsed to one
    space and dropped unless it separates two Latin letters or digits. None when the query has
    alternatives or nothing to match."""
    if not parsed.groups or any(len(group) != 1 or group[0].pinyin for group in parsed.groups):
        return None
    norm = normalize(" ".join(group[0].text for group in parsed.groups)).strip()
    parts = _SPACE_RE.split(norm)
    out = parts[0]
    for part in parts[1:]:
        if out and part and _LATIN_EDGE.match(out[-1]) and _LATIN_EDGE.match(part[0]):
            out += " "
        out += part
    return out or None


def _exact_docs(snap: Snapshot, reader: IndexReader, text: str, cands: _Candidates) -> np.ndarray:
    """The candidates whose normalized text holds ``text`` (:func:`exact_text`; a space there matches
    any whitespace), narrowed first by the bigram index on its longest Han run."""
    runs = HAN_RUN_RE.findall(text)
    if runs:
        run = max(runs, key=len)
        cached = snap.derived(("grams", run))  # (a term's run: its proximity bonus looked it up)
        # else only among the candidates, uncached: a run joined across the query's words is new
        ids = cached[cands.mask[cached]] if cached is not None else snap.text.docs_with(run, cands.mask)
        if len(runs) == 1 and runs[0] == text:
            return ids
    elif cands.docs.size <= EXACT_VERIFY_MAX:
        ids = cands.docs
    else:  # a common Latin phrase: its words' scores order it
        return cands.docs[:0]
    if " " not in text:
        return snap.text.texts.containing(ids, text.encode("utf-8"))
    pattern = _loose_pattern(text)
    texts = snap.text.texts
    return np.asarray([d for d in ids.tolist() if pattern.search(texts[d])], dtype=np.int32)


@functools.lru_cache(maxsize=256)
def _loose_pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(part) for part in text.split(" ")))


HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")


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
    key = snap.derived(("recency",))
    if key is None:
        dated = snap.date_key > 0
        key = np.zeros(snap.size, dtype=np.float32)
        if dated.any():
            # one value per date: documents of one day (a text and its twin) tie
            ranks = np.searchsorted(np.sort(snap.date_key), snap.date_key, side="left")
            key = (ranks / max(snap.size - 1, 1)).astype(np.float32)
            key[~dated] = 0.0
        snap.remember(("recency",), key)
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
