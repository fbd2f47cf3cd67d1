"""The real demo index: phrase and substring recall, script equivalence, exact offsets, the persisted
substring index, and the regression tests of REQUESTS R1, R3, R8, R9 and R12 at the index level.

Substring recall is asserted through the real query path (:func:`search.service.run_search`, strict
results only) and through the generation's substring index (:class:`search.textindex.TextIndex`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from whoosh import query
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.searching import Searcher

from search.analysis import WordTokenizer, segment, word_analyzer
from search.models import MAX_PER_PAGE, SearchRequest
from search.normalize import normalize
from search.service import SearchSource, run_search
from search.snapshot import snapshot_for
from search.textindex import PREFIX, TextIndex, index_folder

from .conftest import REPO

SAMPLE_ID = "000_99532756a9d00d77"


def ids(searcher: Searcher, q: query.Query) -> set[str]:
    return {hit["id"] for hit in searcher.search(q, limit=None)}


def search_ids(source: SearchSource, q: str) -> set[str]:
    """Every strict result of ``run_search`` for ``q`` (none when it fell back to partial matches)."""
    found: set[str] = set()
    page = 1
    while True:
        request = SearchRequest.create(q, page=page, per_page=MAX_PER_PAGE, collapse=False)  # twins apart
        response = run_search(source, request)
        if response.relaxed:
            return set()
        found.update(hit.id for hit in response.hits)
        if page * MAX_PER_PAGE >= response.total:
            return found
        page += 1


def text_ids(searcher: Searcher, text: str) -> set[str]:
    """The live documents whose normalized title + body contain the Han run ``text``, from the
    generation's substring index."""
    snap = snapshot_for(searcher.reader())
    docnums = snap.text.docs_with(normalize(text))
    return {searcher.stored_fields(d)["id"] for d in docnums.tolist() if snap.live[d]}


def test_demo_index_holds_every_document(searcher: Searcher) -> None:
    assert searcher.doc_count() == 401  # 400 JSON lines + the sample post
    assert ids(searcher, query.Term("id", SAMPLE_ID)) == {SAMPLE_ID}


def test_word_phrases_find_the_sample_post(searcher: Searcher) -> None:
    # Simplified queries, Traditional document: every word is an indexed term, and the quoted phrase
    # matches through the substring index.
    for phrase in ("科创中国", "中国自动化学会"):
        words = [w.text for w in segment(phrase).words]
        assert SAMPLE_ID in ids(searcher, query.And([query.Term("body", w) for w in words])), phrase
        assert SAMPLE_ID in search_ids(searcher, f'"{phrase}"'), phrase
        assert SAMPLE_ID in text_ids(searcher, phrase), phrase


def test_the_analyzer_gives_whoosh_phrase_queries_sequential_positions(searcher: Searcher) -> None:
    # huixun's word fields store frequencies (phrases go through the substring index), but the
    # tokenizer keeps Whoosh's contract: in a positional field its word positions make phrases work.
    body = searcher.document(id=SAMPLE_ID)["body"]
    ix = RamStorage().create_index(Schema(body=TEXT(analyzer=word_analyzer(), phrase=True)))
    with ix.writer() as writer:
        writer.add_document(body=body)
    with ix.searcher() as ram:
        for phrase in ("科创中国咨询委员会", "中国自动化学会积极组织"):
            words = [w.text for w in segment(phrase).words]
            assert len(words) > 1 and len(ram.search(query.Phrase("body", words))) == 1, phrase
            assert len(ram.search(query.Phrase("body", words[::-1]))) == 0, phrase


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
    for fragment in ("學會", "學"):
        assert SAMPLE_ID in search_ids(searcher, fragment)
        assert SAMPLE_ID in text_ids(searcher, fragment)
    # 峰论 is no word and no sub-word of 高峰论坛 in cast-93567, yet it finds the document.
    doc = searcher.document(id="cast-93567")
    words = {t.text for field in ("title", "body") for t in WordTokenizer()(doc[field])}
    assert "高峰论坛" in words and "峰论" not in words
    assert "cast-93567" in search_ids(searcher, "峰论")
    assert "cast-93567" in text_ids(searcher, "峰论")
    assert "cast-93567" in search_ids(searcher, "农业")


def test_r3_traditional_and_simplified_queries_are_interchangeable(searcher: Searcher) -> None:
    for simplified, traditional in (("中国自动化学会", "中國自動化學會"), ("蔡总统", "蔡總統")):
        found = search_ids(searcher, f'"{simplified}"')
        assert found and found == search_ids(searcher, f'"{traditional}"')
        assert found == text_ids(searcher, simplified) == text_ids(searcher, traditional)
    assert SAMPLE_ID in search_ids(searcher, '"中国自动化学会"')  # Simplified → Traditional doc
    assert "twpres-27138" in search_ids(searcher, "蔡总统")


def test_r8_quoted_sub_phrase_across_word_boundaries(searcher: Searcher) -> None:
    # 自动化学 cuts 中国自动化学会 in the middle of a word: still found (substring index).
    assert SAMPLE_ID in search_ids(searcher, '"自动化学"')
    assert SAMPLE_ID in text_ids(searcher, "自动化学")
    # ... and the characters must be adjacent: the same characters scattered do not match.
    assert search_ids(searcher, '"自动化学会积极"') == text_ids(searcher, "自动化学会积极") == {SAMPLE_ID}
    assert SAMPLE_ID not in search_ids(searcher, '"自动积极"')
    assert SAMPLE_ID not in text_ids(searcher, "自动积极")


def test_r9_query_side_segmentation_matches_the_indexed_words(searcher: Searcher) -> None:
    # A title cut by the same analyzer at query time gives terms of the indexed title.
    for doc in list(searcher.documents())[:25]:
        words = [w.text for w in segment(doc["title"]).words]
        assert doc["id"] in ids(searcher, query.And([query.Term("title", w) for w in words])), doc["title"]


def test_r12_numbers_versions_and_dates_are_findable_whole(searcher: Searcher) -> None:
    assert "chinatimes-3970043486" in ids(searcher, query.Term("body", "2018.1.26"))
    assert "tuna-2021-04-06-blog-ospp-summer-2021" in ids(searcher, query.Term("body", "v2.1"))
    assert "twpres-27138" in ids(searcher, query.Term("body", normalize("COVID-19")))
    assert SAMPLE_ID in ids(searcher, query.Term("body", "2021"))
    assert "xwlb-20260512-11" in ids(
        searcher, query.And([query.Term("body", w) for w in ("5", "月", "12", "日")])
    )
    assert "xwlb-20260512-11" in search_ids(searcher, '"5月12日"')
    # Fragments of a whole token are not separate terms (R12's 41,413 false hits).
    assert "chinatimes-3970043486" not in ids(searcher, query.Term("body", "26"))


def test_an_index_reopened_in_a_fresh_process_finds_documents(demo_index: Path) -> None:
    code = (
        "from search.models import SearchRequest; from search.service import run_search;"
        f"r = run_search({str(demo_index)!r}, SearchRequest.create('中國自動化學會', per_page=50));"
        "print(sorted(h.id for h in r.hits))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert SAMPLE_ID in out.stdout


def test_the_persisted_substring_index_equals_one_built_from_the_stored_fields(searcher: Searcher) -> None:
    reader = searcher.reader()
    folder = Path(index_folder(reader) or "")
    assert [p.name for p in folder.glob(PREFIX + "*")] == [f"{PREFIX}{reader.generation()}"]
    loaded = TextIndex.load(reader)
    assert loaded is not None and loaded.mapped
    assert snapshot_for(reader).text.mapped  # what the query side uses
    built = TextIndex.from_reader(reader)
    assert len(loaded.texts) == len(built.texts) == reader.doc_count_all()
    assert [loaded.texts[d] for d in range(reader.doc_count_all())] == [
        built.texts[d] for d in range(reader.doc_count_all())
    ]
    for a, b in ((loaded.keys, built.keys), (loaded.starts, built.starts), (loaded.docs, built.docs)):
        assert np.array_equal(a, b)
    sample = next(d for d in range(reader.doc_count_all()) if reader.stored_fields(d)["id"] == SAMPLE_ID)
    assert "中国自动化学会" in loaded.texts[sample]  # normalized: Simplified, from a Traditional post
    for run in ("学", "学会", "自动化学会积极", "蔡总统"):
        assert np.array_equal(loaded.docs_with(run), built.docs_with(run)), run
    assert sample in loaded.docs_with("自动化学会积极").tolist()


def test_docs_with_finds_exactly_the_texts_containing_the_run(searcher: Searcher) -> None:
    # The contract, checked against a scan of every normalized text: one character (start of a
    # bigram or end of a run), a bigram, odd and even lengths, a run ending a title, an absent run.
    index = snapshot_for(searcher.reader()).text
    texts = [index.texts[d] for d in range(len(index.texts))]
    title = normalize(searcher.document(id="cast-93567")["title"])
    runs = ["学", "会", "中国", "学会", "科技工作者", "自动化学会积极", "峰论", title[-2:], title[-1]]
    runs += ["蔡总统", "麒麟鳄"]
    for run in runs:
        expected = [d for d, text in enumerate(texts) if run in text]
        assert index.docs_with(run).tolist() == expected, run
        within = np.zeros(len(texts), dtype=bool)
        within[::2] = True
        assert index.docs_with(run, within).tolist() == [d for d in expected if d % 2 == 0], run
    assert not index.docs_with("麒麟鳄").size
