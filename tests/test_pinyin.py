"""Pinyin as an explicit input path (REQUESTS R5) without false hits (R4), on the real demo index."""

from __future__ import annotations

from whoosh.searching import Searcher

from search.lexicon import load_lexicon
from search.normalize import normalize
from search.pinyin import expand_pinyin, lookup_keys, reading, split_syllables
from search.query import TextTerm, parse_query
from search.service import get_document
from search.snapshot import snapshot_for

from .conftest import search

KCZG_DOCS = {"000_99532756a9d00d77", "cast-120382", "cast-120382-hant"}


def all_ids(searcher: Searcher, q: str) -> set[str]:
    response = search(searcher, q, per_page=50)
    found = {hit.id for hit in response.hits}
    page = 2
    while len(found) < response.total:
        found |= {hit.id for hit in search(searcher, q, per_page=50, page=page).hits}
        page += 1
    return found


def test_syllables_and_lookup_keys() -> None:
    assert split_syllables("kechuangzhongguo") == ("ke", "chuang", "zhong", "guo")
    assert split_syllables("xi'an") == ("xi", "an")
    assert split_syllables("Zhongguo Kexie") == ("zhong", "guo", "ke", "xie")
    assert split_syllables("qqqxz") is None and split_syllables("linux") is None
    assert lookup_keys("kechuang zhongguo") == (("kechuangzhongguo", True),)
    assert lookup_keys("zgkx") == (("zgkx", False),)
    # i, u and v begin no syllable: "linux" is neither pinyin nor initials
    assert lookup_keys("linux") == () and lookup_keys("kczg2") == ()
    assert reading("科创中国") == ("kechuangzhongguo", "kczg")
    assert reading("中国科协") == ("zhongguokexie", "zgkx")


def test_py_prefix_parsing() -> None:
    parsed = parse_query("py:kechuang zhongguo")
    assert parsed.groups == ((TextTerm("kechuang zhongguo", pinyin=True),),) and parsed.notes == ()
    assert parse_query('py:"Xi\'an" 学会').groups == ((TextTerm("xi'an", pinyin=True),), (TextTerm("学会"),))
    assert parse_query("py:kczg OR 学会").groups == ((TextTerm("kczg", pinyin=True), TextTerm("学会")),)
    # the run of Latin words after py: ends at anything else
    assert parse_query("py:kczg 2021 linux").groups == (
        (TextTerm("kczg", pinyin=True),),
        (TextTerm("2021"),),
        (TextTerm("linux"),),
    )
    parsed = parse_query("py:科创")
    assert parsed.groups == ((TextTerm("科创"),),)
    assert parsed.notes == ("py:科创 is not pinyin (Latin letters only), searched as text",)


def test_pinyin_query_suggests_the_hanzi_without_changing_results(searcher: Searcher) -> None:
    for q in ("kechuangzhongguo", "kechuang zhongguo", "KeChuang ZhongGuo"):
        response = search(searcher, q)
        assert response.suggestion == "科创中国", q
        assert response.total == 0 and response.hits == () and response.notes == ()
    for q in ("zhongguokexie", "zgkx"):
        response = search(searcher, q)
        assert response.suggestion == "中国科协", q
        assert response.total == 0 and response.notes == ()
    assert search(searcher, "wangang").suggestion == "万钢"


def test_py_prefix_searches_the_hanzi_candidates_and_says_so(searcher: Searcher) -> None:
    assert all_ids(searcher, "科创中国") == KCZG_DOCS
    for q in ("py:kczg", "py:kechuang zhongguo", "py:kechuangzhongguo"):
        response = search(searcher, q)
        assert {hit.id for hit in response.hits} == KCZG_DOCS, q
        text = q.removeprefix("py:")
        assert response.notes == (f"py:{text} was searched as its Hanzi candidates: 科创中国",)
        assert response.suggestion is None
        assert all("<mark>" in hit.title_html + hit.snippet_html for hit in response.hits)
    response = search(searcher, "py:zgkx", per_page=50)
    assert response.notes == ("py:zgkx was searched as its Hanzi candidates: 中国科协",)
    assert all_ids(searcher, "py:zgkx") == all_ids(searcher, "中国科协") and response.total > 10
    for hit in response.hits:
        doc = get_document(searcher, hit.id)
        assert doc is not None and "中国科协" in normalize(doc.title + "\n" + doc.body)
    # combined with other words like any term: 科创中国 AND 路演
    assert all_ids(searcher, "py:kczg 路演") == all_ids(searcher, "科创中国 路演")


def test_real_latin_words_search_as_themselves_r4(searcher: Searcher) -> None:
    for q in ("linux", "tuna"):
        response = search(searcher, q, per_page=50)
        assert response.total > 3 and response.suggestion is None and response.notes == (), q
        for hit in response.hits:
            doc = get_document(searcher, hit.id)
            assert doc is not None and q in (doc.title + "\n" + doc.body + "\n" + hit.id).lower()
    assert any("linux" in hit.title.lower() for hit in search(searcher, "linux").hits)


def test_non_pinyin_latin_gives_no_suggestion_and_no_error(searcher: Searcher) -> None:
    response = search(searcher, "qqqxz")
    assert response.total == 0 and response.suggestion is None and response.notes == ()
    response = search(searcher, "py:qqqxz")
    assert response.total == 0 and response.suggestion is None
    assert response.notes == ("py:qqqxz has no Hanzi candidates in this index, searched as typed",)


def test_queries_without_py_are_left_alone(searcher: Searcher) -> None:
    reader = searcher.reader()
    snap = snapshot_for(reader)
    for q in ("kechuangzhongguo", "linux 学会", "科创中国"):
        parsed = parse_query(q)
        assert expand_pinyin(snap, reader, load_lexicon(), parsed) is parsed


def test_query_syllables_are_pypinyins_toneless_syllables() -> None:
    # One table (search.syllables) for the cleaner and the query path; ü is typed v in a query.
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    from search.syllables import QUERY_SYLLABLES

    toned = {syllable for readings in set(pinyin_dict.values()) for syllable in readings.split(",")}
    normal = (to_normal(syllable) for syllable in toned)
    assert QUERY_SYLLABLES == frozenset(s for s in normal if s.isascii() and s.isalpha())
