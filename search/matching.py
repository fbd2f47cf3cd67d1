"""Matching: which documents a query's pieces select, as boolean masks over a generation.

A term is planned into pieces (:func:`search.query.plan_term`); a Han piece matches where it occurs
as a substring — found through the generation's bigram index of the normalized texts
(:mod:`search.textindex`) and checked on those texts — so any substring of a document finds it,
whatever jieba made of the document; a Latin piece matches a word of ``title``/``body`` (or, cut at
an edge of the query, a word containing it). A quoted phrase must occur contiguously
(:func:`_contiguous`), and the exact tier's documents hold the whole query as written
(:func:`exact_text`, :func:`_exact_docs`). Results that the same inputs give again (substring
matches, Latin expansions, phrase masks) are kept in the generation's derived-result cache through
typed views (:mod:`search.cache`). Combining masks and scores is :mod:`search.ranking`; scores are
:mod:`search.scoring`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from .cache import Derived
from .normalize import HAN_CLASS, normalize
from .query import ParsedQuery, Piece
from .snapshot import Snapshot

__all__ = ["piece_mask", "date_mask", "exact_text", "HAN_RUN_RE"]

#: The documents containing a Han string (sorted docnums), by the string.
_GRAMS: Derived[str, np.ndarray] = Derived("grams")
#: The vocabulary words a Latin fragment stands for, by (edge, fragment).
_LATIN: Derived[tuple[str, str], tuple[str, ...]] = Derived("latin")
#: The mask of the documents holding a phrase contiguously, by the phrase.
_CONTIGUOUS: Derived[str, np.ndarray] = Derived("contiguous")
#: The documents of a Latin piece (edge, text): the union over its expansions (a number cut at an
#: edge of the query expands to thousands of vocabulary words: read once, not at every query).
_LATIN_MASK: Derived[tuple[str, str], np.ndarray] = Derived("latin-mask")
#: The documents holding a query's exact text (without spaces) among all those having its longest Han
#: run, by the text: verified once per generation, then intersected with each request's candidates.
_EXACT: Derived[str, np.ndarray] = Derived("exact")


#: A query without a Han run is checked for exactness in at most this many candidates' texts.
EXACT_VERIFY_MAX = 3000
#: At most this many vocabulary words stand for a Latin fragment (``21`` → ``2021``, ``2110`` …).
MAX_EXPANSIONS = 2048
#: A Latin fragment is checked in the texts of at most this many candidates instead of expanding it.
VERIFY_MAX_CANDIDATES = 3000


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


def _grams_ids(snap: Snapshot, reader: IndexReader, text: str) -> np.ndarray:
    """Sorted docnums of the documents containing the Han string ``text`` (any length ≥ 1), from the
    generation's bigram index (:mod:`search.textindex`), cached: a string of three characters or
    more is verified in the text of every candidate, which for a common phrase is most of a query's
    time, and the same phrases come back (the proximity bonus of every query with that run)."""
    cached = _GRAMS.get(snap.cache, text)
    if cached is None:
        cached = snap.text.docs_with(text)
        _GRAMS.put(snap.cache, text, cached)
    return cached


def _latin_terms(snap: Snapshot, reader: IndexReader, piece: Piece) -> list[str]:
    text = piece.text
    if piece.edge == "exact":
        return [text]
    vocab = snap.latin_vocabulary(reader)
    key = (piece.edge, text)
    cached = _LATIN.get(snap.cache, key)
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
    _LATIN.put(snap.cache, key, tuple(terms))
    return terms


def piece_mask(snap: Snapshot, reader: IndexReader, piece: Piece) -> np.ndarray:
    """Boolean mask of the documents a piece matches (see the module docstring)."""
    mask = np.zeros(snap.size, dtype=bool)
    if piece.kind == "han":
        mask[_grams_ids(snap, reader, piece.text)] = True
    else:
        cached = _LATIN_MASK.get(snap.cache, (piece.edge, piece.text))
        if cached is not None:
            return cached.copy()
        terms = _latin_terms(snap, reader, piece)
        for term in terms:
            for field in ("title", "body"):
                # An expansion's many postings are read without entering the postings cache (they
                # would push out every other query's lists); the piece itself is cached as usual.
                read = snap.postings if term == piece.text else snap.read_uncached
                mask[read(reader, field, term).ids] = True
        _LATIN_MASK.put(snap.cache, (piece.edge, piece.text), mask.copy())
    return mask


def _contiguous(snap: Snapshot, phrase: str, within: np.ndarray) -> np.ndarray:
    """The documents of ``within`` whose normalized text holds ``phrase`` (normalized, spaces
    collapsed) as is: a space of the phrase matches any whitespace between two Latin words and any
    or none elsewhere, and a phrase starting or ending with a Latin letter or digit does not start or
    end inside a longer Latin word or number (``"1月18日"`` is not in ``11月18日``). ``within`` must be
    the live documents having every piece of the phrase: the result is cached by phrase."""
    # ``within`` (the live documents having every piece) follows from the phrase: it is not in the key.
    cached = _CONTIGUOUS.get(snap.cache, phrase)
    if cached is not None:
        return cached
    pattern = _phrase_pattern(phrase)
    texts = snap.text.texts
    cands = np.flatnonzero(within)
    if " " not in phrase:  # a byte search narrows first (most candidates fail it)
        cands = texts.containing(cands, phrase.encode("utf-8"))
    out = np.zeros(snap.size, dtype=bool)
    out[[d for d in cands.tolist() if pattern.search(texts[d])]] = True
    _CONTIGUOUS.put(snap.cache, phrase, out)
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


def date_mask(snap: Snapshot, date_from: str | None, date_to: str | None) -> np.ndarray | None:
    """Documents dated within the inclusive bounds (``None`` when there are no bounds)."""
    if not date_from and not date_to:
        return None
    low = int(date_from.replace("-", "")) if date_from else 1
    high = int(date_to.replace("-", "")) if date_to else 99999999
    return (snap.date_key >= low) & (snap.date_key <= high)


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
    if runs and " " not in text:
        known = _EXACT.get(snap.cache, text)
        if known is not None:
            return known[cands.mask[known]]
    if runs:
        run = max(runs, key=len)
        cached = _GRAMS.get(snap.cache, run)  # (a term's run: its proximity bonus looked it up)
        if cached is not None and " " not in text and not (len(runs) == 1 and runs[0] == text):
            # Every document with the run is verified once (not only this request's candidates),
            # so that the answer serves later requests of the same text with any filters.
            every = snap.text.texts.containing(cached, text.encode("utf-8"))
            _EXACT.put(snap.cache, text, every)
            return every[cands.mask[every]]
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
