"""In-memory arrays of one index generation, built once and shared by every searcher that reads it.

Whoosh scores and iterates postings one document at a time in Python, which costs tens of
milliseconds for a common word on 30,000 documents. The query side therefore reads posting lists
block by block into numpy arrays (:meth:`Snapshot.postings`, cached per term) and does set algebra,
BM25 and facet counting on whole arrays. Everything here depends only on the generation (docnums are
stable within it), so :func:`snapshot_for` keys the cache on the segments the reader sees: a new
commit or an atomic rebuild gives a new key, and a searcher per request costs nothing. The caches
themselves (their bounds, the typed views of derived results, the per-segment parts) are
:mod:`search.cache`.

A :class:`Snapshot` never holds a reader: every method that reads postings takes the caller's.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermInfo
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound

from .cache import LRU, DerivedKey, cache_budget, derived_cache, segment_cached
from .codec import block_table, field_lengths, mapped_postings, read_block, term_keys
from .dedup import DupGroups
from .normalize import normalize
from .query import raw_key, title_key_of_normalized
from .schema import FACET_FIELDS
from .textindex import TextIndex

__all__ = ["Postings", "FacetColumn", "DocSet", "Snapshot", "snapshot_for", "BM25_B", "BM25_K1"]

BM25_B = 0.75
BM25_K1 = 1.2
#: Posting lists kept per generation (a few MB for the benchmark index).
POSTINGS_CACHE = 4096
#: :meth:`Snapshot.postings_among` skips posting blocks when the documents are fewer than one in
#: this many (with more, most blocks hold one of them: the whole list is read and cached).
SPARSE_CANDIDATES = 16
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
    the arrays ``docs`` and ``vals`` (indexes into ``values``), grouped by value.

    For counting, the same postings by document: ``indptr`` (``size + 1`` offsets) into ``doc_vals``
    (a CSR matrix document → value indexes), and, when no document has two values (``source``,
    ``category``, ``year``), ``codes``: each document's value index + 1 (0 when it has none);
    ``totals``: the number of documents having each value.
    """

    name: str
    values: tuple[str, ...]
    docs: np.ndarray
    vals: np.ndarray
    normalized: tuple[str, ...]
    index: dict[str, int]
    indptr: np.ndarray
    doc_vals: np.ndarray
    codes: np.ndarray | None
    totals: np.ndarray

    @classmethod
    def build(
        cls, name: str, values: tuple[str, ...], docs: np.ndarray, vals: np.ndarray, size: int
    ) -> FacetColumn:
        """The column of the postings ``docs``/``vals`` (grouped by value) over ``size`` documents."""
        by_doc = np.lexsort((vals, docs))
        per_doc = np.bincount(docs, minlength=size) if docs.size else np.zeros(size, dtype=np.int64)
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(per_doc, out=indptr[1:])
        codes = None
        if not docs.size or int(per_doc.max()) <= 1:
            codes = np.zeros(size, dtype=np.int32)
            codes[docs] = vals + 1
        return cls(
            name,
            values,
            docs,
            vals,
            tuple(normalize(v) for v in values),
            {v: i for i, v in enumerate(values)},
            indptr,
            np.ascontiguousarray(vals[by_doc]),
            codes,
            np.bincount(vals, minlength=len(values)),
        )

    def value_mask(self, wanted: set[int], size: int) -> np.ndarray:
        """Boolean mask of the documents having any of the value indexes in ``wanted``."""
        mask = np.zeros(size, dtype=bool)
        if wanted:
            hit = np.isin(self.vals, np.fromiter(wanted, dtype=np.int32))
            mask[self.docs[hit]] = True
        return mask

    def counts(self, among: np.ndarray, docs: DocSet | None = None) -> np.ndarray:
        """Number of documents of the mask ``among`` having each value; ``docs`` is
        ``DocSet.of(among)`` when the caller has it. The cost follows the smaller of the documents
        in ``among`` and those not in it, never the number of values."""
        docs = docs if docs is not None else DocSet.of(among)
        if docs.complement:
            return self.totals - self._count(docs.ids)
        return self._count(docs.ids)

    def uniform(self, group: np.ndarray, dup: np.ndarray) -> np.ndarray:
        """Per document: whether every member of its near-duplicate group (``group``, among the
        ``dup`` documents) has the same values as it (the usual case: a twin's facets are its
        original's), so that the group can be counted through any one member."""
        out = np.zeros(group.size, dtype=bool)
        docs = np.flatnonzero(dup)
        if not docs.size:
            return out
        # Each document's set of values as one 64-bit sum of random codes of its values (equal sets,
        # equal sums; unequal sets collide once in 2^64): a group is uniform when its members' sums
        # are all equal, i.e. their minimum is their maximum. Vectorized: no loop over documents.
        rng = np.random.default_rng(0x5EED)
        codes = rng.integers(1, 2**63, size=max(len(self.values), 1), dtype=np.uint64)
        running = np.zeros(self.doc_vals.size + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.cumsum(codes[self.doc_vals], out=running[1:])
            sums = running[self.indptr[docs + 1]] - running[self.indptr[docs]]
        groups = group[docs]
        low = np.full(group.size, np.iinfo(np.uint64).max, dtype=np.uint64)
        high = np.zeros(group.size, dtype=np.uint64)
        np.minimum.at(low, groups, sums)
        np.maximum.at(high, groups, sums)
        out[docs] = low[groups] == high[groups]
        return out

    def group_counts(
        self, docs: np.ndarray, firsts: np.ndarray, group: np.ndarray, uniform: np.ndarray
    ) -> np.ndarray:
        """For each value, the number of distinct groups (``group[docnum]``) among the documents
        ``docs`` having it (near-duplicate groups count once per value). ``firsts`` holds one of
        ``docs`` per group: a group whose members all have the same values (``uniform``) counts
        through it; the others' (value, group) pairs are counted distinct."""
        size = len(self.values)
        if not docs.size or not size:
            return np.zeros(size, dtype=np.int64)
        counts = self._count(firsts[uniform[firsts]])
        docs = docs[~uniform[docs]]
        if not docs.size:
            return counts
        positions, lengths = self._positions(docs)
        if not positions.size:
            return np.zeros(size, dtype=np.int64)
        vals = self.doc_vals[positions].astype(np.int64)
        pairs = np.unique(np.repeat(group[docs].astype(np.int64), lengths) * size + vals)
        return counts + np.bincount(pairs % size, minlength=size)

    def _count(self, docs: np.ndarray) -> np.ndarray:
        size = len(self.values)
        if self.codes is not None:
            return np.bincount(self.codes[docs], minlength=size + 1)[1:]
        positions, _lengths = self._positions(docs)
        if not positions.size:
            return np.zeros(size, dtype=np.int64)
        return np.bincount(self.doc_vals[positions], minlength=size)

    def _positions(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions in ``doc_vals`` of every (document, value) posting of ``docs`` (each document's
        run of values from its start, in order), and the number of values of each document."""
        starts = self.indptr[docs]
        lengths = self.indptr[docs + 1] - starts
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return np.arange(int(lengths.sum())) + shift, lengths


@dataclass(frozen=True)
class DocSet:
    """The documents of a mask as docnums: ``ids`` are those in the mask, or, when ``complement``,
    those not in it (whichever are fewer)."""

    ids: np.ndarray
    complement: bool

    @classmethod
    def of(cls, mask: np.ndarray) -> DocSet:
        count = int(np.count_nonzero(mask))
        if count * 2 > mask.size:
            return cls(np.flatnonzero(~mask), True)
        return cls(np.flatnonzero(mask), False)


class Snapshot:
    """Per-generation arrays: live documents, dates, facet columns, field lengths, cached postings."""

    def __init__(self, reader: IndexReader):
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            for leaf, offset in reader.leaf_readers():
                if not leaf.has_deletions():
                    continue
                segment = leaf.segment() if hasattr(leaf, "segment") else None
                if segment is not None and hasattr(segment, "deleted_docs"):
                    deleted = np.fromiter(segment.deleted_docs(), dtype=np.int64)
                else:  # pragma: no cover - other readers
                    deleted = np.array([d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)])
                self.live[deleted.astype(np.int64) + offset] = False
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
            parts = [_segment_lengths(leaf, field) for leaf, _offset in reader.leaf_readers()]
            lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
            self.lengths[field] = lengths
            self.avg_length[field] = float(lengths.sum() / max(self.doc_count, 1)) or 1.0
        # Posting lists, term look-ups and derived results (:mod:`search.cache`), each bounded by
        # :data:`POSTINGS_CACHE` (read at every insertion). Apart from the derived results: thousands
        # of terms must not push out whole-generation entries of that cache (recency, the names
        # suggestions compare with) that are slow to build.
        # Both are also bounded in bytes (half of ``HUIXUN_CACHE_MB`` each): at a million documents a
        # cached mask or a common word's postings are megabytes, and 4,096 of them would be gigabytes.
        self._postings: LRU[tuple[str, str], Postings] = LRU(_postings_cache, budget=_half_budget)
        self._terms: LRU[tuple[str, str], tuple[_TermPart, ...]] = LRU(_postings_cache)
        self._derived: LRU[DerivedKey, Any] = derived_cache(_postings_cache, _half_budget)
        self._latin_vocab: tuple[str, ...] | None = None
        self._raw_titles: dict[int, str] = {}
        # Substring matching and highlighting read the generation's bigram index of the normalized
        # texts: mapped from the files the indexer wrote after its commit when they match this
        # generation (near-instant, pages shared between workers), else built here, once.
        self.text = TextIndex.for_reader(reader)
        # Built now rather than by the first query with a Latin fragment (a tenth of a second).
        self.latin_vocabulary(reader)
        # Near-duplicate groups: persisted by the indexer with the text index (else computed here).
        self.groups = DupGroups.of(self.text.groups(self._date_of), self.live, _id_reader(reader))
        #: Per facet (and ``month``): which documents' groups count through any one member.
        self.uniform = {
            name: column.uniform(self.groups.group, self.groups.dup)
            for name, column in [*self.facets.items(), ("month", self.months)]
        }

    def _date_of(self, docnum: int) -> str | None:
        key = int(self.date_key[docnum])
        return f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}" if key else None

    def title_key(self, docnum: int) -> str:
        """:func:`search.query.title_key` of a document's title, from the generation's normalized
        texts (the grams text is ``title + "\n" + body``, normalized; titles are one line: the
        indexer folds their line breaks), so no stored fields are read."""
        return title_key_of_normalized(self.text.texts.first_line(docnum))

    def raw_title_key(self, docnum: int, load: Callable[[int], str]) -> str:
        """:func:`search.query.raw_key` of a document's title as written (``load`` reads the stored
        title), cached."""
        key = self._raw_titles.get(docnum)
        if key is None:
            key = raw_key(load(docnum))
            self._raw_titles[docnum] = key
        return key

    # -- facet columns -----------------------------------------------------------------------
    def _facet_column(self, reader: IndexReader, name: str, field: str) -> FacetColumn:
        # Segment by segment, in one pass over the field's term table: most values (names, dates)
        # are in one document, inlined in their term entry, so they need no look-up or matcher;
        # the others' blocks are read from where their term entry says.
        # Each segment's (value, docnums) pairs are cached by segment (terms and postings of a segment
        # never change; deletions are applied below): a commit of a few documents reads only its own
        # small segments, not the whole index again (seconds per commit on the benchmark index).
        by_value: dict[str, list[np.ndarray]] = {}
        for leaf, offset in reader.leaf_readers():
            for text, ids in _segment_facet_terms(leaf, field):
                by_value.setdefault(text, []).append(ids + offset if offset else ids)
        values = sorted(by_value)
        docs: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for index, text in enumerate(values):
            ids = by_value[text][0] if len(by_value[text]) == 1 else np.concatenate(by_value[text])
            docs.append(ids)
            vals.append(np.full(ids.size, index, dtype=np.int32))
        doc_arr = np.concatenate(docs) if docs else _EMPTY_IDS
        val_arr = np.concatenate(vals) if vals else _EMPTY_IDS
        keep = self.live[doc_arr] if doc_arr.size else np.zeros(0, dtype=bool)
        return FacetColumn.build(name, tuple(values), doc_arr[keep], val_arr[keep], self.size)

    # -- postings --------------------------------------------------------------------------
    def postings(self, reader: IndexReader, field: str, text: str) -> Postings:
        """The posting list of ``field:text`` (empty when the term is absent), cached."""
        key = (field, text)
        hit = self._postings.get(key)
        if hit is not None:
            return hit
        postings = self._read(reader, field, text)[0]
        self._postings.put(key, postings)
        return postings

    def read_uncached(self, reader: IndexReader, field: str, text: str) -> Postings:
        """A posting list, read without entering the cache."""
        return self._read(reader, field, text)[0]

    def postings_among(
        self, reader: IndexReader, field: str, text: str, docs: np.ndarray, among: np.ndarray
    ) -> tuple[Postings, int]:
        """The postings of ``field:text`` of the documents ``docs`` (sorted docnums; ``among`` is
        their mask) only, and the document frequency of the whole list.

        When the documents are few (see :data:`SPARSE_CANDIDATES`), only the posting blocks whose
        docnum range holds one of them are decoded (a block's header gives its last docnum). A list
        read whole (cached, or every block needed) enters the cache."""
        key = (field, text)
        hit = self._postings.get(key)
        if hit is None and docs.size * SPARSE_CANDIDATES > self.size:
            hit = self.postings(reader, field, text)
        if hit is not None:
            keep = among[hit.ids]
            return Postings(hit.ids[keep], hit.weights[keep]), hit.df
        postings, df, complete = self._read(reader, field, text, docs)
        if complete:
            self._postings.put(key, postings)
        keep = among[postings.ids]
        return Postings(postings.ids[keep], postings.weights[keep]), df

    def _read(
        self, reader: IndexReader, field: str, text: str, wanted: np.ndarray | None = None
    ) -> tuple[Postings, int, bool]:
        """The postings of ``field:text`` (all, or with ``wanted`` docnums at least those of the
        blocks holding one of them), the document frequency of the whole list, and whether every
        block was read."""
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        df, complete = 0, True
        for part in self._term(reader, field, text):
            local = None
            if wanted is not None:
                low, high = np.searchsorted(wanted, (part.offset, part.offset + part.size))
                local = wanted[low:high] - part.offset
            leaf_ids, leaf_weights, leaf_complete = part.decode(local)
            ids.append(leaf_ids + part.offset if part.offset else leaf_ids)
            weights.append(leaf_weights)
            df += part.df
            complete = complete and leaf_complete
        if not ids:
            return EMPTY_POSTINGS, df, complete
        if len(ids) == 1:
            return Postings(ids[0], weights[0]), df, complete
        return Postings(np.concatenate(ids), np.concatenate(weights)), df, complete

    def _term(self, reader: IndexReader, field: str, text: str) -> tuple[_TermPart, ...]:
        """Where the postings of ``field:text`` are, segment by segment (cached: the term look-up
        and the walk over the block headers are most of the cost of a sparse read)."""
        key = (field, text)
        parts = self._terms.get(key)
        if parts is not None:
            return parts
        tbytes = text.encode("utf-8")
        found = (_term_part(leaf, offset, field, tbytes) for leaf, offset in reader.leaf_readers())
        parts = tuple(part for part in found if part is not None)
        self._terms.put(key, parts)
        return parts

    def latin_vocabulary(self, reader: IndexReader) -> tuple[str, ...]:
        """Every term of the word fields starting with ``0-9a-z``, sorted (built on first use)."""
        if self._latin_vocab is None:
            vocab: set[str] = set()
            for leaf, _offset in reader.leaf_readers():
                for field in ("title", "body"):
                    vocab.update(_segment_latin_terms(leaf, field))
            self._latin_vocab = tuple(sorted(vocab))
        return self._latin_vocab

    # -- the derived-result cache (the query side uses its typed views) ------------------------
    @property
    def cache(self) -> LRU[DerivedKey, Any]:
        """Derived results of queries (masks of pieces, expansions, whole-generation values), read
        and written through the typed views :class:`search.cache.Derived` and :class:`~search.cache.Whole`."""
        return self._derived

    def derived(self, key: DerivedKey) -> Any:
        """``self.cache.get(key)`` (untyped: prefer a typed view)."""
        return self._derived.get(key)

    def remember(self, key: DerivedKey, value: Any) -> None:
        """Cache ``value`` under ``key``, least recently used out first; a key of one element names
        a result about the whole generation (``("recency",)``, ``("suggest-names",)`` …), slow to
        build and few: those are never pushed out by per-query results."""
        self._derived.put(key, value)

    def idf(self, df: int) -> float:
        """Whoosh's BM25 idf: ``log(N / (df + 1)) + 1``."""
        return math.log(self.doc_count / (df + 1)) + 1.0


_LATIN_FIRST = "0123456789abcdefghijklmnopqrstuvwxyz"


def _latin_terms(leaf: IndexReader, field: str) -> list[str]:
    """The terms of ``field`` in one segment that start with ``0-9a-z``.

    They sort before every Han term (term tables are in UTF-8 byte order), so they are one run of
    the segment's term table, read record by record from the mapping instead of through Whoosh's
    per-term generators (a fifth of the time)."""
    keys = term_keys(leaf, field, b"0", b"z\xff")
    if keys is None:  # pragma: no cover - other codecs
        found: list[str] = []
        for first in _LATIN_FIRST:
            found.extend(
                t.decode("utf-8") if isinstance(t, bytes) else str(t)
                for t in leaf.expand_prefix(field, first)
            )
        return found
    return [key.decode("utf-8") for key in keys if b"0" <= key[:1] <= b"9" or b"a" <= key[:1] <= b"z"]


@dataclass(frozen=True)
class _TermPart:
    """The postings of a term in one segment: inlined (``inline``: docnums and weights) or in posting
    blocks of the mapped file ``buf`` (per block: where its data is, whether it is compressed, its
    last docnum)."""

    offset: int
    size: int
    df: int
    inline: tuple[np.ndarray, np.ndarray] | None = None
    buf: Any = None
    blocks: tuple[tuple[int, int, int, int], ...] = ()  # (data start, data end, compression, max id)

    def decode(self, wanted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
        """Segment docnums and weights of every block, or with ``wanted`` (sorted segment docnums)
        of the blocks holding one of them; and whether every block was decoded.

        A block's data is the pickled tuple ``(id deltas, weights, values)`` (zlib-compressed when
        ``compression``); each block's deltas start from 0, weights are ``None`` (all 1.0), one float
        (all equal) or a tuple. Whole blocks are decoded with numpy (a cumulative sum per block for
        the ids) and the values (term frequencies or positions) are never touched."""
        if self.inline is not None:
            return self.inline[0], self.inline[1], True
        targets = wanted.tolist() if wanted is not None else None
        deltas: list[int] = []
        weights: list[float] = []
        starts: list[int] = []
        buf, previous_max, complete = self.buf, -1, True
        for start, end, compression, maxid in self.blocks:
            if targets is not None:
                # The block holds docnums previous_max + 1 .. maxid: is one of the targets among them?
                first = bisect.bisect_right(targets, previous_max)
                previous_max = maxid
                if first == len(targets) or targets[first] > maxid:
                    complete = False
                    continue
            block_ids, block_weights = read_block(buf, start, end, compression)
            starts.append(len(deltas))
            deltas.extend(block_ids)
            count = len(block_ids)
            if block_weights is None:
                weights.extend([1.0] * count)
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * count)
            else:
                weights.extend(block_weights)
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if len(starts) > 1:
            # Each block's deltas start from 0: subtract the running sum at the end of the block before.
            bounds = np.asarray(starts[1:], dtype=np.int64)
            base = np.zeros(len(starts), dtype=np.int64)
            base[1:] = ids[bounds - 1]
            ids -= np.repeat(base, np.diff(np.append(np.asarray(starts, dtype=np.int64), len(deltas))))
        return ids.astype(np.int32), np.asarray(weights, dtype=np.float32), complete


def _term_part(leaf: IndexReader, offset: int, field: str, tbytes: bytes) -> _TermPart | None:
    """The :class:`_TermPart` of ``field:tbytes`` in one segment (deleted documents included: the
    live mask removes them), None when the segment lacks the term."""
    size = leaf.doc_count_all()
    buf = mapped_postings(leaf)
    if buf is None:  # pragma: no cover - other codecs, an unmapped postings file
        found = _read_generic(leaf, field, tbytes)
        return None if found is None else _TermPart(offset, size, int(found[0].size), inline=found)
    try:
        info = leaf.term_info(field, tbytes)
    except TermNotFound:
        return None
    if info.is_inlined():
        inl_ids, inl_weights, _values = info.inlined_postings()
        ids = np.asarray(inl_ids, dtype=np.int32)
        return _TermPart(offset, size, int(ids.size), inline=(ids, np.asarray(inl_weights, dtype=np.float32)))
    blocks, df = block_table(buf, info.extent()[0])
    return _TermPart(offset, size, df, buf=buf, blocks=blocks)


def _read_generic(leaf: IndexReader, field: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    if (field, tbytes) not in leaf:
        return None
    ids: list[int] = []
    weights: list[float] = []
    _read_matcher(leaf.postings(field, tbytes), ids, weights)
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


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


def _id_reader(reader: IndexReader) -> Callable[[int], str]:
    """A document's id by docnum, from the sortable ``id`` column: reading stored fields instead
    would keep the segments' stored-field files in memory (over 50 MB for the benchmark index)."""
    if not reader.has_column("id"):  # pragma: no cover - an index without the column
        return lambda docnum: str(reader.stored_fields(docnum).get("id"))
    column = reader.column_reader("id")
    return lambda docnum: str(column[docnum])


def _date_int(value: str) -> int:
    digits = value.replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else 0


#: Generations kept in memory (the live one and the one before an atomic switch).
MAX_SNAPSHOTS = 3
_snapshots: LRU[tuple[Any, ...], Snapshot] = LRU(lambda: MAX_SNAPSHOTS)


def _postings_cache() -> int:
    return POSTINGS_CACHE


def _half_budget() -> int:
    return cache_budget() // 2


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
    snap = _snapshots.get(key)
    if snap is None:
        snap = Snapshot(reader)
        _snapshots.put(key, snap)
    return snap


def _segment_facet_terms(leaf: Any, field: str) -> list[tuple[str, np.ndarray]]:
    """(value, docnums in the segment) of every term of ``field`` in one segment, cached."""

    def build() -> list[tuple[str, np.ndarray]]:
        out: list[tuple[str, np.ndarray]] = []
        buf = mapped_postings(leaf)
        for term, info in leaf.iter_field(field):
            text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if isinstance(info, W3TermInfo) and info.is_inlined():
                ids = np.asarray(info.inlined_postings()[0], dtype=np.int32)
            elif isinstance(info, W3TermInfo) and buf is not None:
                blocks, df = block_table(buf, info.extent()[0])
                ids = np.asarray(_TermPart(0, 0, df, buf=buf, blocks=blocks).decode()[0], dtype=np.int32)
            else:  # pragma: no cover - other codecs
                found: list[int] = []
                _read_matcher(leaf.postings(field, text), found, [])
                ids = np.asarray(found, dtype=np.int32)
            out.append((text, ids))
        return out

    result: list[tuple[str, np.ndarray]] = segment_cached(leaf, ("facet", field), build)
    return result


def _segment_lengths(leaf: Any, field: str) -> np.ndarray:
    """The length of ``field`` of each document of one segment (float32), cached."""

    def build() -> np.ndarray:
        fast = field_lengths(leaf, field)
        if fast is not None:
            return fast
        lengths = np.zeros(leaf.doc_count_all(), dtype=np.float32)  # pragma: no cover - other codecs
        for docnum in range(lengths.size):  # pragma: no cover
            lengths[docnum] = leaf.doc_field_length(docnum, field, 0) or 0
        return lengths  # pragma: no cover

    result: np.ndarray = segment_cached(leaf, ("lengths", field), build)
    return result


def _segment_latin_terms(leaf: Any, field: str) -> tuple[str, ...]:
    """The terms of ``field`` starting with ``0-9a-z`` in one segment, cached."""

    def build() -> tuple[str, ...]:
        return tuple(_latin_terms(leaf, field))

    result: tuple[str, ...] = segment_cached(leaf, ("latin", field), build)
    return result
