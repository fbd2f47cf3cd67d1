"""The per-generation arrays of the query side (search.snapshot) agree with what Whoosh itself reads,
on the demo index: posting lists (whole and restricted to a few documents), the Latin vocabulary,
titles' comparable keys, and facet counts over few, many and all documents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher

from search.query import title_key
from search.snapshot import DocSet, Snapshot, snapshot_for


def _whoosh_postings(searcher: Searcher, field: str, text: str) -> tuple[list[int], list[float]]:
    """Docnums (deleted ones included) and weights, posting by posting through Whoosh's matchers."""
    ids: list[int] = []
    weights: list[float] = []
    for leaf, offset in searcher.reader().leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        while matcher.is_active():
            ids.append(matcher.id() + offset)
            weights.append(matcher.weight())
            matcher.next()
    return ids, weights


def _terms(searcher: Searcher, field: str) -> list[str]:
    terms = searcher.reader().field_terms(field)
    return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in terms]


@pytest.fixture(scope="module")
def snap(searcher: Searcher) -> Snapshot:
    return snapshot_for(searcher.reader())


@pytest.mark.parametrize("field", ["title", "body"])
def test_every_posting_list_equals_whooshs(searcher: Searcher, snap: Snapshot, field: str) -> None:
    terms = _terms(searcher, field)
    assert len(terms) > 100
    multi_block = 0
    for text in terms:
        ids, weights = _whoosh_postings(searcher, field, text)
        post = snap.read_uncached(searcher.reader(), field, text)
        assert post.ids.tolist() == ids, text
        assert post.weights.tolist() == weights, text
        multi_block += len(ids) > 128
    assert multi_block or field == "title"  # body lists of several posting blocks were read


def test_postings_among_few_documents_skip_blocks_but_agree(searcher: Searcher, snap: Snapshot) -> None:
    reader = searcher.reader()
    rng = np.random.default_rng(7)
    common = [t for t in _terms(searcher, "body") if len(_whoosh_postings(searcher, "body", t)[0]) > 128]
    assert common
    for text in common[:20] + _terms(searcher, "title")[:50]:
        full = snap.read_uncached(reader, "body", text)
        for count in (1, 3, 20):
            docs = np.sort(rng.choice(snap.size, count, replace=False))
            among = np.zeros(snap.size, dtype=bool)
            among[docs] = True
            snap._postings.clear()  # a sparse read, not the cached list
            snap._terms.clear()
            post, df = snap.postings_among(reader, "body", text, docs, among)
            keep = among[full.ids]
            assert df == full.df
            assert post.ids.tolist() == full.ids[keep].tolist()
            assert post.weights.tolist() == full.weights[keep].tolist()


def test_latin_vocabulary_is_every_word_field_term_starting_with_a_latin_letter_or_digit(
    searcher: Searcher, snap: Snapshot
) -> None:
    expected = {
        t
        for field in ("title", "body")
        for t in _terms(searcher, field)
        if t[:1].isascii() and t[:1].isalnum()
    }
    expected = {t for t in expected if t[0] in "0123456789abcdefghijklmnopqrstuvwxyz"}
    assert expected
    assert snap.latin_vocabulary(searcher.reader()) == tuple(sorted(expected))


def test_title_keys_from_the_normalized_texts_equal_those_of_the_stored_titles(
    searcher: Searcher, snap: Snapshot
) -> None:
    for docnum in range(snap.size):
        title = str(searcher.stored_fields(docnum).get("title") or "")
        assert snap.title_key(docnum) == title_key(title), docnum


@pytest.mark.parametrize("share", [0.0, 0.02, 0.3, 0.7, 1.0])
def test_facet_counts_equal_counts_from_stored_fields(
    searcher: Searcher, snap: Snapshot, share: float
) -> None:
    rng = np.random.default_rng(int(share * 100))
    among = snap.live & (rng.random(snap.size) < share)
    stored = {"person": "people", "org": "orgs", "place": "places"}
    for name, column in snap.facets.items():
        expected = np.zeros(len(column.values), dtype=np.int64)
        for docnum in np.flatnonzero(among).tolist():
            value = searcher.stored_fields(docnum).get(stored.get(name, name))
            for part in str(value or "").split(",") if name in stored else [value]:
                if part:
                    expected[column.index[part]] += 1
        assert column.counts(among).tolist() == expected.tolist(), name
        assert column.counts(among, DocSet.of(among)).tolist() == expected.tolist(), name


def test_term_tables_do_not_push_whole_generation_results_out_of_the_cache(
    searcher: Searcher, snap: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.snapshot

    monkeypatch.setattr(search.snapshot, "POSTINGS_CACHE", 8)
    snap.remember(("recency-test",), np.zeros(1))
    reader = searcher.reader()
    docs = np.arange(3)
    among = np.zeros(snap.size, dtype=bool)
    among[docs] = True
    for text in _terms(searcher, "body")[:40]:
        snap.postings_among(reader, "body", text, docs, among)
    assert len(snap._terms) <= 8
    assert snap.derived(("recency-test",)) is not None


def test_whole_generation_results_outlive_many_derived_ones(
    snap: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key of one element names a result about the whole generation (recency, suggestion names):
    # slow to build, and never pushed out by per-query results such as substring matches.
    import search.snapshot

    monkeypatch.setattr(search.snapshot, "POSTINGS_CACHE", 8)
    snap.remember(("whole-generation-test",), np.zeros(1))
    for n in range(40):
        snap.remember(("grams-test", str(n)), np.zeros(1))
    assert snap.derived(("whole-generation-test",)) is not None
    assert len(snap._derived) <= 8


def test_compound_segment_files_are_read_in_place_not_copied(demo_index: Path) -> None:
    # Issue #15: Whoosh wraps each sub-file of a mapped compound segment in io.BytesIO, a private copy
    # of the postings and the term index in every worker (200 MB per 100,000 documents).
    from search.codec import _ViewReader
    from search.store import IndexStore

    with IndexStore(demo_index).open().reader() as reader:
        leaves = [leaf for leaf, _offset in reader.leaf_readers()]
        assert leaves
        for leaf in leaves:
            postfile = leaf._terms._postfile
            assert isinstance(postfile._buf, memoryview) and isinstance(postfile.file, _ViewReader)
        # sequential reads through the file object still see the same bytes as the mapping
        postfile = leaves[0]._terms._postfile
        postfile.seek(0)
        assert postfile.read(64) == bytes(postfile._buf[:64])
        assert postfile.tell() == 64 and postfile.get(10, 5) == bytes(postfile._buf[10:15])
