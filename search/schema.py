"""The index schema, shared by the indexer (which writes it) and the query side (which reads it).

Field names are part of the public contract (the JSON API exposes stored fields under the same
names); ``SCHEMA_VERSION`` changes whenever a field, an analyzer or its output changes, and an index
built with another version refuses to open (see :mod:`search.store`).

=============  =========================================================================================
field          contents
=============  =========================================================================================
``id``         unique document id (``cast-71091``), stored
``title``      title, jieba words (BM25F, boosted above the body), stored
``body``       cleaned original text (original script), jieba words, stored
``url``        link to the original announcement, stored only
``date``       ``YYYY-MM-DD`` (announcement date), sortable, range-queryable
``year``       ``YYYY``, facet; ``month`` ``YYYY-MM``, facet within a year
``source``     publishing body, facet (normalized to Simplified)
``category``   category label, facet
``people``     persons named in the text, facet (canonical Simplified names, comma separated)
``orgs``       organizations (aliases merged to one canonical name), facet
``places``     places, facet
``dates``      every date the text states (``YYYY-MM-DD``), stored list
``event_date`` the primary date the text states (its event), ``YYYY-MM-DD``, stored only
``entities``   each canonical entity with the forms the text wrote and their positions, stored only
``origin``     the file the document came from (for ``huixun index --prune``)
``hash``       SHA-256 of the document's content, for incremental indexing
``indexed_at`` when the document was (re)indexed, ISO 8601 UTC, stored
=============  =========================================================================================

Substring and phrase recall (any string of Han characters finds its documents) is not a field: the
indexer writes a bigram index of each generation's normalized texts beside the Whoosh files
(:mod:`search.textindex`). Version 1 also had a ``grams`` field of positional bigrams, which the
query side no longer read; it cost half the postings and most of the index size.

Version 3 stores term frequencies, not positions, in ``title`` and ``body`` (Whoosh's ``Frequency``
format). A quoted phrase is matched exactly on the normalized text through the substring index, which
is stricter than word positions (it does not depend on how jieba cut either side), so nothing read
the positions; decoding them was most of the cost of reading a posting block, and writing them a
third of the postings' bytes. The tokenizers still give sequential positions (Whoosh's contract), so
a schema that wants ``phrase=True`` can have it.

Version 4 adds ``event_date`` and ``entities`` (stored only), and ``date`` of a document without a
metadata date comes from its url or file name when they carry one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from whoosh import fields, formats
from whoosh.fields import Schema
from whoosh.system import pack_uint

from .analysis import word_analyzer
from .facetspec import FACET_SPECS

__all__ = [
    "SCHEMA_VERSION",
    "build_schema",
    "PreAnalyzed",
    "TermPositionsValue",
    "FACET_FIELDS",
    "AnalyzedText",
    "encode_postings",
    "frequency_values",
]

SCHEMA_VERSION = 4

#: Facet name (as the API calls it) → index field (from the one table, :mod:`search.facetspec`).
FACET_FIELDS: dict[str, str] = {spec.name: spec.field for spec in FACET_SPECS}

TITLE_BOOST = 3.0


class PreAnalyzed:
    """Postings computed elsewhere (in an indexer worker process) by ``field.index(text)``.

    Passing ``PreAnalyzed(list(field.index(text)))`` to the writer gives exactly the postings the
    field would compute itself, without running jieba in the writer's process.
    """

    __slots__ = ("items",)

    def __init__(self, items: Iterable[tuple[bytes, int, float, bytes]]):
        self.items = list(items)


def encode_postings(field: fields.FieldType, positions: dict[str, list[int]]) -> PreAnalyzed:
    """Encode ``term → [positions]`` (e.g. from :func:`search.analysis.document_terms`) as the
    postings ``field.index`` would give for huixun's ``Frequency`` word fields: ``(term bytes,
    frequency, weight, value)``, the value being ``Frequency.encode`` (the count). Raises
    ``ValueError`` for a field of another format (positions are not indexed; see the module docstring).
    """
    fmt = field.format
    if type(fmt) is not formats.Frequency:
        raise ValueError(f"encode_postings: {type(fmt).__name__} fields are not encoded here")
    counts = [len(plist) for plist in positions.values()]
    term_weights, values = frequency_values(counts, fmt.field_boost)
    return PreAnalyzed(
        list(zip([t.encode("utf-8") for t in positions], counts, term_weights, values, strict=True))
    )


def frequency_values(counts: Sequence[int], boost: float) -> tuple[list[float], list[bytes]]:
    """The weights (count × field boost) and values (``Frequency.encode``: ``pack_uint(count)``) of
    ``Frequency`` postings with these counts, as ``Frequency.word_values`` gives them. Common counts
    share their float and bytes objects (a segment holds millions of postings)."""
    weights = _weights(boost)
    if max(counts, default=0) < len(weights):
        return [weights[n] for n in counts], [_packed_counts[n] for n in counts]
    return [float(n * boost) for n in counts], [pack_uint(n) for n in counts]


# ``Frequency.encode`` of the common counts, shared like the weights below.
_packed_counts = tuple(pack_uint(n) for n in range(64))


@functools.cache
def _weights(boost: float) -> tuple[float, ...]:
    # Shared float objects for the common small frequencies: an index holds tens of millions of
    # postings, and a float object per posting is 24 bytes and an allocation.
    return tuple(float(n * boost) for n in range(64))


class TermPositionsValue:
    """One field's ``term → [positions]`` in one document (from :func:`search.analysis.document_terms`),
    as a field value: the indexer's segment builder reads the terms and their frequencies straight from
    it, and :meth:`AnalyzedText.index` encodes it as :func:`encode_postings` does."""

    __slots__ = ("positions",)

    def __init__(self, positions: dict[str, list[int]]):
        self.positions = positions


class AnalyzedText(fields.TEXT):
    """A TEXT field that also accepts :class:`PreAnalyzed` postings and :class:`TermPositionsValue`."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, PreAnalyzed):
            return iter(value.items)
        if isinstance(value, TermPositionsValue):
            return iter(encode_postings(self, value.positions).items)
        return super().index(value, **kwargs)


def build_schema() -> Schema:
    """A new instance of the huixun schema (version :data:`SCHEMA_VERSION`)."""
    return Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=AnalyzedText(analyzer=word_analyzer(), stored=True, phrase=False, field_boost=TITLE_BOOST),
        body=AnalyzedText(analyzer=word_analyzer(), stored=True, phrase=False),
        url=fields.STORED(),
        date=fields.ID(stored=True, sortable=True),
        year=fields.ID(stored=True, sortable=True),
        month=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True),
        category=fields.ID(stored=True, sortable=True),
        people=fields.KEYWORD(stored=True, commas=True, scorable=False),
        orgs=fields.KEYWORD(stored=True, commas=True, scorable=False),
        places=fields.KEYWORD(stored=True, commas=True, scorable=False),
        dates=fields.STORED(),
        event_date=fields.STORED(),
        entities=fields.STORED(),
        origin=fields.ID(stored=True, sortable=True),
        hash=fields.ID(stored=True, sortable=True),
        indexed_at=fields.STORED(),
    )
