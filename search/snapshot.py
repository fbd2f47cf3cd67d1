"""In-memory arrays of one index generation, built once and shared by every searcher that reads it.

Whoosh scores and iterates postings one document at a time in Python, which costs tens of
milliseconds for a common word on 30,000 documents. The query side therefore reads posting lists
block by block into numpy arrays (:meth:`Snapshot.postings`, cached per term) and does set algebra,
BM25 and facet counting on whole arrays. Everything here depends only on the generation (docnums are
stable within it), so :func:`snapshot_for` keys the cache on the segments the reader sees: a new
commit or an atomic rebuild gives a new key, and a searcher per request costs nothing.

A :class:`Snapshot` never holds a reader: every method that reads postings takes the caller's.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermInfo
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader

from .normalize import normalize
from .query import raw_key, title_key
from .schema import FACET_FIELDS
from .textindex import TextIndex

__all__ = ["Postings", "FacetColumn", "Snapshot", "snapshot_for", "BM25_B", "BM25_K1"]

BM25_B = 0.75
BM25_K1 = 1.2
#: Posting lists kept per generation (a few MB for the benchmark index).
POSTINGS_CACHE = 4096
_SINGLE_VALUED = ("source", "category", "year")
_EMPTY_IDS = np.zeros(0, dtype=np.int32)


@dataclass(frozen=True)
class Postings:
    """A posting list: sorted docnums and their term frequencies."""

    ids: np.ndarray
    weights: np.ndarray

    @property
    def df(self) -> int:
        return int(self.ids.size)


EMPTY_POSTINGS = Postings(_EMPTY_IDS, np.zeros(0, dtype=np.float32))


@dataclass(frozen=True)
class FacetColumn:
    """The values of one facet: ``values`` (sorted, as stored), and for each posting (document, value)
    the arrays ``docs`` and ``vals`` (indexes into ``values``)."""

    name: str
    values: tuple[str, ...]
    docs: np.ndarray
    vals: np.ndarray
    normalized: tuple[str, ...]
    index: dict[str, int]

    def value_mask(self, wanted: set[int], size: int) -> np.ndarray:
        """Boolean mask of the documents having any of the value indexes in ``wanted``."""
        mask = np.zeros(size, dtype=bool)
        if wanted:
            hit = np.isin(self.vals, np.fromiter(wanted, dtype=np.int32))
            mask[self.docs[hit]] = True
        return mask

    def counts(self, among: np.ndarray) -> np.ndarray:
        """Number of documents of the mask ``among`` having each value."""
        return np.bincount(self.vals[among[self.docs]], minlength=len(self.values))


class Snapshot:
    """Per-generation arrays: live documents, dates, facet columns, field lengths, cached postings."""

    def __init__(self, reader: IndexReader):
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            for docnum in range(self.size):
                if reader.is_deleted(docnum):
                    self.live[docnum] = False
        self.doc_count = int(self.live.sum())
        self.facets: dict[str, FacetColumn] = {}
        for name, field in FACET_FIELDS.items():
            self.facets[name] = self._facet_column(reader, name, field)
        self.months = self._facet_column(reader, "month", "month")
        self.date_key = np.zeros(self.size, dtype=np.int32)
        dates = self._facet_column(reader, "date", "date")
        keys = np.array([_date_int(v) for v in dates.values], dtype=np.int32)
        if dates.docs.size:
            self.date_key[dates.docs] = keys[dates.vals]
        self.lengths: dict[str, np.ndarray] = {}
        self.avg_length: dict[str, float] = {}
        for field in ("title", "body"):
            lengths = np.zeros(self.size, dtype=np.float32)
            for docnum in range(self.size):
                lengths[docnum] = reader.doc_field_length(docnum, field, 0)
            self.lengths[field] = lengths
            self.avg_length[field] = float(lengths.sum() / max(self.doc_count, 1)) or 1.0
        self._lock = threading.Lock()
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._derived: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._latin_vocab: tuple[str, ...] | None = None
        self._titles: dict[int, tuple[str, str]] = {}
        # Substring matching and highlighting read the generation's bigram index of the normalized
        # texts: mapped from the files the indexer wrote after its commit when they match this
        # generation (near-instant, pages shared between workers), else built here, once.
        self.text = TextIndex.for_reader(reader)

    def title_keys(self, docnum: int, load: Callable[[int], str]) -> tuple[str, str]:
        """The comparable keys of a document's title, normalized and as written (``load`` reads the
        stored title), cached."""
        keys = self._titles.get(docnum)
        if keys is None:
            title = load(docnum)
            keys = (title_key(title), raw_key(title))
            self._titles[docnum] = keys
        return keys

    # -- facet columns -----------------------------------------------------------------------
    def _facet_column(self, reader: IndexReader, name: str, field: str) -> FacetColumn:
        # Segment by segment, in one pass over the field's term table: most values (names, dates)
        # are in one document, inlined in their term entry, so they need no look-up or matcher.
        by_value: dict[str, list[int]] = {}
        for leaf, offset in reader.leaf_readers():
            for term, info in leaf.iter_field(field):
                text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                if isinstance(info, W3TermInfo) and info.is_inlined():
                    ids = list(info.inlined_postings()[0])
                else:
                    ids = []
                    _read_matcher(leaf.postings(field, text), ids, [])
                by_value.setdefault(text, []).extend(d + offset for d in ids)
        values = sorted(by_value)
        docs: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for index, text in enumerate(values):
            docs.append(np.asarray(by_value[text], dtype=np.int32))
            vals.append(np.full(len(by_value[text]), index, dtype=np.int32))
        doc_arr = np.concatenate(docs) if docs else _EMPTY_IDS
        val_arr = np.concatenate(vals) if vals else _EMPTY_IDS
        keep = self.live[doc_arr] if doc_arr.size else np.zeros(0, dtype=bool)
        return FacetColumn(
            name,
            tuple(values),
            doc_arr[keep],
            val_arr[keep],
            tuple(normalize(v) for v in values),
            {v: i for i, v in enumerate(values)},
        )

    # -- postings --------------------------------------------------------------------------
    def postings(self, reader: IndexReader, field: str, text: str) -> Postings:
        """The posting list of ``field:text`` (empty when the term is absent), cached."""
        key = (field, text)
        with self._lock:
            hit = self._postings.get(key)
            if hit is not None:
                self._postings.move_to_end(key)
                return hit
        postings = self._read(reader, field, text)
        with self._lock:
            self._postings[key] = postings
            if len(self._postings) > POSTINGS_CACHE:
                self._postings.popitem(last=False)
        return postings

    def read_uncached(self, reader: IndexReader, field: str, text: str) -> Postings:
        """A posting list, read without entering the cache."""
        return self._read(reader, field, text)

    @staticmethod
    def _read(reader: IndexReader, field: str, text: str) -> Postings:
        ids: list[int] = []
        weights: list[float] = []
        for leaf, offset in reader.leaf_readers():
            if (field, text) not in leaf:
                continue
            matcher = leaf.postings(field, text)
            start = len(ids)
            _read_matcher(matcher, ids, weights)
            if offset:
                ids[start:] = [docnum + offset for docnum in ids[start:]]
        if not ids:
            return EMPTY_POSTINGS
        return Postings(np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32))

    def expand(self, reader: IndexReader, field: str, prefix: str) -> list[str]:
        """Terms of ``field`` starting with ``prefix`` (cached)."""
        key = ("expand", field, prefix)
        cached = self.derived(key)
        if cached is not None:
            return list(cached)
        terms = []
        for term in reader.expand_prefix(field, prefix):
            terms.append(term.decode("utf-8") if isinstance(term, bytes) else str(term))
        self.remember(key, tuple(terms))
        return terms

    def latin_vocabulary(self, reader: IndexReader) -> tuple[str, ...]:
        """Every non-Han term of the word fields, sorted (built on first use)."""
        if self._latin_vocab is None:
            vocab: set[str] = set()
            for field in ("title", "body"):
                for first in "0123456789abcdefghijklmnopqrstuvwxyz":  # Latin terms only, by prefix
                    vocab.update(self.expand(reader, field, first))
            self._latin_vocab = tuple(sorted(vocab))
        return self._latin_vocab

    # -- small derived-result cache (masks of pieces, expansions) ------------------------------
    def derived(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            value = self._derived.get(key)
            if value is not None:
                self._derived.move_to_end(key)
            return value

    def remember(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._derived[key] = value
            if len(self._derived) > POSTINGS_CACHE:
                self._derived.popitem(last=False)

    def idf(self, df: int) -> float:
        """Whoosh's BM25 idf: ``log(N / (df + 1)) + 1``."""
        return math.log(self.doc_count / (df + 1)) + 1.0


def _read_matcher(matcher: Any, ids: list[int], weights: list[float]) -> None:
    """Append a leaf matcher's postings (deleted documents included: the live mask removes them)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        # Whole blocks at a time: ~100x faster than Whoosh's per-posting iteration.
        while matcher.is_active():
            matcher._read_ids()
            ids.extend(matcher._ids)
            matcher._read_weights()
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    while matcher.is_active():  # pragma: no cover - other codecs
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()


def _date_int(value: str) -> int:
    digits = value.replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else 0


_cache_lock = threading.Lock()
_snapshots: OrderedDict[tuple[Any, ...], Snapshot] = OrderedDict()
#: Generations kept in memory (the live one and the one before an atomic switch).
MAX_SNAPSHOTS = 3


def generation_key(reader: IndexReader) -> tuple[Any, ...]:
    """Identifies what a reader sees: its segments and their document/deletion counts."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        segment = getattr(leaf, "_segment", None)
        storage = getattr(leaf, "_storage", None)
        folder = getattr(storage, "folder", None)
        segid = segment.segment_id() if segment is not None else id(leaf)
        parts.append((folder, segid, offset, leaf.doc_count_all(), leaf.doc_count()))
    return tuple(parts)


def snapshot_for(reader: IndexReader) -> Snapshot:
    """The :class:`Snapshot` of the generation ``reader`` sees, built on first use."""
    key = generation_key(reader)
    with _cache_lock:
        snap = _snapshots.get(key)
        if snap is not None:
            _snapshots.move_to_end(key)
            return snap
    snap = Snapshot(reader)
    with _cache_lock:
        _snapshots[key] = snap
        while len(_snapshots) > MAX_SNAPSHOTS:
            _snapshots.popitem(last=False)
    return snap
