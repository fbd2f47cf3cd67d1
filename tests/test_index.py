"""The real demo index: phrase and substring recall, script equivalence, exact offsets, and the
regression tests of REQUESTS R1, R3, R8, R9 and R12 at the index level."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import query
from whoosh.searching import Searcher

from search.analysis import WordTokenizer, segment
from search.normalize import normalize
from search.recall import substring_query
from search.store import IndexStore

from .conftest import REPO

SAMPLE_ID = "000_99532756a9d00d77"


@pytest.fixture(scope="module")
def searcher(demo_index: Path) -> Iterator[Searcher]:
    with IndexStore(demo_index).open().searcher() as s:
        yield s


def ids(searcher: Searcher, q: query.Query) -> set[str]:
    return {hit["id"] for hit in searcher.search(q, limit=None)}


def test_demo_index_holds_every_document(searcher: Searcher) -> None:
    assert searcher.doc_count() == 401  # 400 JSON lines + the sample post
    assert ids(searcher, query.Term("id", SAMPLE_ID)) == {SAMPLE_ID}


def test_word_phrases_find_the_sample_post(searcher: Searcher) -> None:
    # Simplified queries, Traditional document: positions are sequential word numbers.
    for phrase in ("科创中国", "中国自动化学会"):
        words = [w.text for w in segment(phrase).words]
        assert SAMPLE_ID in ids(searcher, query.Phrase("body", words)), phrase
        assert SAMPLE_ID in ids(searcher, substring_query(phrase)), phrase


def test_highlight_offsets_point_at_the_original_characters(searcher: Searcher) -> None:
    # The stored body is the cleaned text: 學(xué)會 has become 學會, and the analyzer's offsets
    # into it land exactly on the Traditional characters the reader sees.
    body = searcher.document(id=SAMPLE_ID)["body"]
    assert "(xué)" not in body
    tokens = [(t.text, t.startchar, t.endchar) for t in WordTokenizer()(body, chars=True)]
    first = body.index("中國自動化學會")
    assert ("中国自动化学会", first, first + 7) in tokens
    spans = [body[s:e] for text, s, e in tokens if text == "中国自动化学会"]
    assert spans and set(spans) == {"中國自動化學會"}


def test_r1_fragments_of_longer_words_find_their_document(searcher: Searcher) -> None:
    # 學會 / 學 inside 中國自動化學會 (the shape of R1's 中國化學會), Traditional queries.
    assert SAMPLE_ID in ids(searcher, substring_query("學會"))
    assert SAMPLE_ID in ids(searcher, substring_query("學"))
    # 峰论 is no word and no sub-word of 高峰论坛 in cast-93567, yet it finds the document.
    doc = searcher.document(id="cast-93567")
    words = {t.text for field in ("title", "body") for t in WordTokenizer()(doc[field])}
    assert "高峰论坛" in words and "峰论" not in words
    assert "cast-93567" in ids(searcher, substring_query("峰论"))
    assert "cast-93567" in ids(searcher, substring_query("农业"))


def test_r3_traditional_and_simplified_queries_are_interchangeable(searcher: Searcher) -> None:
    for simplified, traditional in (("中国自动化学会", "中國自動化學會"), ("蔡总统", "蔡總統")):
        found = ids(searcher, substring_query(simplified))
        assert found and found == ids(searcher, substring_query(traditional))
    assert SAMPLE_ID in ids(searcher, substring_query("中国自动化学会"))  # Simplified → Traditional doc
    assert "twpres-27138" in ids(searcher, substring_query("蔡总统"))


def test_r8_quoted_sub_phrase_across_word_boundaries(searcher: Searcher) -> None:
    # 自动化学 cuts 中国自动化学会 in the middle of a word: still found (grams phrase).
    assert SAMPLE_ID in ids(searcher, substring_query("自动化学"))
    # ... and the bigrams must be adjacent: the same characters scattered do not match.
    assert ids(searcher, substring_query("自动化学会积极")) == {SAMPLE_ID}
    assert SAMPLE_ID not in ids(searcher, substring_query("自动积极"))


def test_r9_query_side_segmentation_matches_the_indexed_words(searcher: Searcher) -> None:
    # A title cut by the same analyzer at query time is a phrase of the indexed title.
    for doc in list(searcher.documents())[:25]:
        words = [w.text for w in segment(doc["title"]).words]
        q = query.Phrase("title", words) if len(words) > 1 else query.Term("title", words[0])
        assert doc["id"] in ids(searcher, q), doc["title"]


def test_r12_numbers_versions_and_dates_are_findable_whole(searcher: Searcher) -> None:
    assert "chinatimes-3970043486" in ids(searcher, query.Term("body", "2018.1.26"))
    assert "tuna-2021-04-06-blog-ospp-summer-2021" in ids(searcher, query.Term("body", "v2.1"))
    assert "twpres-27138" in ids(searcher, query.Term("body", normalize("COVID-19")))
    assert SAMPLE_ID in ids(searcher, query.Term("body", "2021"))
    assert "xwlb-20260512-11" in ids(searcher, query.Phrase("body", ["5", "月", "12", "日"]))
    # Fragments of a whole token are not separate terms (R12's 41,413 false hits).
    assert "chinatimes-3970043486" not in ids(searcher, query.Term("body", "26"))


def test_an_index_reopened_in_a_fresh_process_finds_documents(demo_index: Path) -> None:
    code = (
        "import sys; from search.store import IndexStore; from search.recall import substring_query;"
        f"s = IndexStore({str(demo_index)!r}).open().searcher();"
        "print(sorted(h['id'] for h in s.search(substring_query('中國自動化學會'), limit=None)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert SAMPLE_ID in out.stdout
