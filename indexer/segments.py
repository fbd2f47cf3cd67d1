"""Build one Whoosh segment fast, from postings computed in advance.

Why not ``IndexWriter.add_document``: profiling Whoosh's own writer on this corpus (about one posting
per character of text) put 85% of the indexing time in per-posting Python work — the posting pool's
size accounting and external sort (pickled runs merged with heapq), ``W3PostingsWriter.add_posting``
with its type asserts, and ``doc_field_length`` reading every posting's field length back from the
column file it had just written — plus a pickle + zlib call per block even for a term with one posting.

:class:`SegmentBuilder` keeps the same on-disk format (a standard W3 segment that any Whoosh reader
opens, with a plain :class:`~whoosh.codec.whoosh3.W3Codec`), and changes only how it is produced:

* postings go straight into memory, in document order (no pool files): the word fields' as flat
  arrays sorted by term once with numpy (:class:`_FrequencyPostings`), the few others into per-term
  lists;
* field lengths are remembered as the document is added, not read back;
* each posting list is written in one pass (:func:`_write_term`), not one method call per posting;
* only blocks big enough to shrink are compressed; terms in a single document are inlined in the
  term table (Whoosh supports both on reading).

Stored fields, columns and lengths still go through Whoosh's ``W3PerDocWriter`` unchanged.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.fields import FieldType, Schema
from whoosh.filedb.filestore import Storage
from whoosh.system import pack_ushort

from search.codec import add_terms, new_codec, write_term
from search.schema import PreAnalyzed, TermPositionsValue, frequency_values

__all__ = ["SegmentBuilder", "new_codec"]

# The W3 format itself (posting lists, term entries, term-table records) is written by search.codec,
# which the query side reads it with.

_FLUSH_BYTES = 8 << 20  # postings are written to the file in pieces of about this size


class _FrequencyPostings:
    """Every posting of one ``Frequency`` field of a segment, as flat arrays in the order added.

    The word fields hold about one posting per character of text; appending each posting to a
    per-term list costs a dictionary look-up and three appends in Python. Here a document adds its
    terms with one comprehension (term → id) and three C-level ``extend`` calls, and :meth:`grouped`
    sorts the postings by term once, with numpy, when the segment is written. Terms stay ``str``
    until then: each distinct term is encoded once, not once per document.
    """

    __slots__ = ("ids", "terms", "tids", "docs", "freqs")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []
        self.tids = array("i")
        self.docs = array("i")
        self.freqs = array("i")

    def add(self, docnum: int, positions: Mapping[str, list[int]]) -> int:
        """Add one document's ``term → positions``; returns the field length (sum of frequencies)."""
        get = self.ids.get
        new = self._new
        self.tids.extend([i if (i := get(t)) is not None else new(t) for t in positions])
        freqs = list(map(len, positions.values()))
        self.freqs.extend(freqs)
        self.docs.extend(itertools.repeat(docnum, len(freqs)))
        return sum(freqs)

    def _new(self, term: str) -> int:
        tid = self.ids[term] = len(self.terms)
        self.terms.append(term)
        return tid

    def __len__(self) -> int:
        return len(self.tids)

    def grouped(self) -> tuple[list[bytes], list[int], list[int], list[int], list[int]]:
        """``(term bytes, docs, freqs, starts, order)``: ``docs`` and ``freqs`` grouped by term (in
        document order within a term, since documents are added in order), the postings of term
        ``t`` at ``starts[t]:starts[t + 1]``, and ``order`` the term ids by increasing term bytes."""
        tids = np.frombuffer(self.tids, dtype=np.int32)
        by_term = np.argsort(tids, kind="stable")
        docs = np.frombuffer(self.docs, dtype=np.int32)[by_term].tolist()
        freqs = np.frombuffer(self.freqs, dtype=np.int32)[by_term].tolist()
        starts = np.zeros(len(self.terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(tids, minlength=len(self.terms)), out=starts[1:])
        encoded = [t.encode("utf-8") for t in self.terms]
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        return encoded, docs, freqs, starts.tolist(), order


class _Postings:
    """One term's postings in one segment, in document order."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.weights: list[float] = []
        self.values: list[bytes] = []


class SegmentBuilder:
    """Collects documents in memory, then writes them as one new segment of ``storage``.

    Usage: ``add(fields, stored)`` per document (the same keyword dictionary ``add_document`` takes,
    text fields as :class:`~search.schema.TermPositionsValue` or :class:`~search.schema.PreAnalyzed`,
    and the text to store for those), then ``finish()``, which writes the files and
    returns the segment to list in the index's table of contents. Document numbers are local to
    the segment, starting at 0, in the order of ``add``.
    """

    def __init__(self, storage: Storage, schema: Schema, indexname: str = "MAIN"):
        self.storage = storage
        self.schema = schema
        self.codec = new_codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self.postings = 0  # count, to decide when a segment is big enough
        self._terms: dict[str, dict[bytes, _Postings]] = {}
        self._frequencies: dict[str, _FrequencyPostings] = {}
        self._lengths: dict[str, list[int]] = {}

    def add(self, fields: Mapping[str, Any], stored: Mapping[str, Any] | None = None) -> int:
        """Add one document: ``fields`` by schema name, ``stored`` the value to store for a field
        whose indexed value is pre-analyzed (``title``, ``body``). Returns its document number in
        this segment."""
        stored_values = stored or {}
        docnum = self.docnum
        perdoc = self.perdoc
        schema = self.schema
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                if isinstance(value, TermPositionsValue) and type(field.format) is formats.Frequency:
                    length, count = self._add_frequencies(name, docnum, value.positions)
                else:
                    length, count = self._add_items(name, field, docnum, value)
                self.postings += count
                if not field.scorable:
                    length = 0
                lengths = self._lengths.get(name)
                if lengths is None:
                    lengths = self._lengths[name] = []
                lengths.extend([0] * (docnum + 1 - len(lengths)))
                lengths[docnum] = length
            kept = stored_values.get(name, value)
            perdoc.add_field(name, field, kept if field.stored else None, length)
            column = field.column_type
            if column and kept is not None:
                perdoc.add_column_value(name, column, field.to_column_value(kept))
        perdoc.finish_doc()
        self.docnum += 1
        return docnum

    def _add_frequencies(self, name: str, docnum: int, positions: Mapping[str, list[int]]) -> tuple[int, int]:
        """Add a word field's terms to its flat arrays; returns (field length, postings added)."""
        flat = self._frequencies.get(name)
        if flat is None:
            flat = self._frequencies[name] = _FrequencyPostings()
        before = len(flat)
        length = flat.add(docnum, positions)
        return length, len(flat) - before

    def _add_items(self, name: str, field: FieldType, docnum: int, value: Any) -> tuple[int, int]:
        """Add any other field's postings term by term; returns (field length, postings added)."""
        if isinstance(value, TermPositionsValue):
            value = PreAnalyzed(field.index(value))
        items = value.items if isinstance(value, PreAnalyzed) else field.index(value)
        terms = self._terms.get(name)
        if terms is None:
            terms = self._terms[name] = {}
        length = count = 0
        for tbytes, freq, weight, vbytes in items:
            plist = terms.get(tbytes)
            if plist is None:
                plist = terms[tbytes] = _Postings()
            plist.ids.append(docnum)
            plist.weights.append(weight)
            plist.values.append(vbytes)
            length += freq
            count += 1
        return length, count

    def finish(self) -> Any:
        """Write the term table and postings, close the segment and return it (a ``W3Segment``)."""
        self.perdoc.close()
        writer = W3FieldWriter(self.codec, self.storage, self.segment)
        for name in sorted(set(self._terms) | set(self._frequencies)):
            field = self.schema[name]
            writer.start_field(name, field)
            lengths = self._lengths.get(name, [])
            lengths.extend([0] * (self.docnum - len(lengths)))
            # Formats with fixed-size-0 values (``Existence`` of ID/KEYWORD fields) store none.
            fixedsize = field.format.fixed_value_size()
            has_values = fixedsize != 0
            fieldid = pack_ushort(writer._fieldid)
            postfile = writer._postfile
            base = postfile.tell()
            out = bytearray()
            entries = []
            flat = self._frequencies.get(name)
            postings = _frequency_lists(field, flat) if flat is not None else _term_lists(self._terms[name])
            for tbytes, ids, weights, values in postings:
                entry = write_term(
                    out,
                    base,
                    ids,
                    weights,
                    values if has_values else None,
                    [lengths[d] for d in ids],
                    fixedsize,
                )
                entries.append((fieldid + tbytes, entry))
                if len(out) >= _FLUSH_BYTES:
                    postfile.write(bytes(out))
                    base += len(out)
                    out.clear()
            postfile.write(bytes(out))
            add_terms(writer._tindex, entries)
            writer.finish_field()
        writer.close()
        self._terms.clear()
        self._frequencies.clear()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        return self.segment

    def cancel(self) -> None:
        """Give up: close the files (the caller removes the generation or Whoosh cleans them up)."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self._terms.clear()


#: A term's sorted postings: ``(term bytes, docnums, weights, values)``.
_TermList = tuple[bytes, list[int], list[float], list[bytes]]


def _term_lists(terms: dict[bytes, _Postings]) -> Iterator[_TermList]:
    """The posting lists of a field added term by term, in term order."""
    for tbytes in sorted(terms):
        plist = terms[tbytes]
        yield tbytes, plist.ids, plist.weights, plist.values


def _frequency_lists(field: FieldType, flat: _FrequencyPostings) -> Iterator[_TermList]:
    """The posting lists of a ``Frequency`` field, in term order: weight ``frequency × field boost``
    and value ``pack_uint(frequency)``, as ``Frequency.word_values`` gives them."""
    encoded, docs, freqs, starts, order = flat.grouped()
    boost = field.format.field_boost
    for tid in order:
        first, last = starts[tid], starts[tid + 1]
        weights, values = frequency_values(freqs[first:last], boost)
        yield encoded[tid], docs[first:last], weights, values
