"""The regression suite of the user requests R1-R15 (what users of Chinese search engines ask for, and
how mature engines fail them): one or a few tests per request, named ``test_rN_...``, each asserting
on real text of the demo corpus through a public surface: :func:`search.service.run_search` (the
``search`` helper of conftest), the JSON API through Flask's test client, the ``huixun`` CLI through
click's CliRunner, :func:`indexer.writer.index_paths` for indexing. The README's table "Regression
tests for the user requests" maps each request to its tests; the deeper tests of each feature live in
the feature's own module (test_index.py, test_highlight.py, test_api_contract.py ...).

Expected document sets come from an independent oracle where possible: a scan of the normalized
stored texts of the demo index (:func:`normalized_texts`), not from the index's own structures.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from itertools import permutations
from pathlib import Path

import jieba
import pytest
from click.testing import CliRunner
from whoosh import query
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser
from whoosh.searching import Searcher

from indexer.cli import main
from indexer.writer import index_paths
from search.analysis import reload_lexicon, segmenter, word_analyzer
from search.models import MAX_PER_PAGE, MAX_RESULT_WINDOW
from search.normalize import normalize
from search.service import get_document, highlight_document
from search.store import IndexLocked, IndexStore
from webapp import create_app

from .conftest import REPO, SAMPLE_POST, search

SAMPLE_ID = "000_99532756a9d00d77"  # the Traditional sample post (中國自動化學會, 科創中國, 萬鋼)
KCZG_DOCS = {SAMPLE_ID, "cast-120382", "cast-120382-hant"}  # every demo document naming 科创中国
MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


# --- helpers ------------------------------------------------------------------------------------


def strict_ids(searcher: Searcher, q: str) -> set[str]:
    """Every result of ``q`` (all pages), asserting that every word matched (not relaxed mode)."""
    found: set[str] = set()
    page = 1
    while True:
        response = search(searcher, q, page=page, per_page=MAX_PER_PAGE)
        assert not response.relaxed, q
        found.update(hit.id for hit in response.hits)
        if page * MAX_PER_PAGE >= response.total:
            return found
        page += 1


@pytest.fixture(scope="module")
def normalized_texts(searcher: Searcher) -> dict[str, str]:
    """The oracle: id → normalized ``title + "\\n" + body`` of every stored document."""
    return {doc["id"]: normalize(doc["title"] + "\n" + doc["body"]) for doc in searcher.documents()}


def containing(texts: dict[str, str], needle: str, *, whole: bool = False) -> set[str]:
    """Ids of the texts containing ``normalize(needle)``; with ``whole``, not glued to a Latin letter
    or digit on either side (a whole number, version or date)."""
    norm = normalize(needle)
    if not whole:
        return {doc_id for doc_id, text in texts.items() if norm in text}
    pattern = re.compile(r"(?<![0-9a-z])" + re.escape(norm) + r"(?![0-9a-z])")
    return {doc_id for doc_id, text in texts.items() if pattern.search(text)}


def plain(fragment: str) -> str:
    """The text of highlighted HTML: marks removed, entities unescaped, ellipses trimmed."""
    return html.unescape(MARK_RE.sub(r"\1", fragment)).strip("…")


def marks(fragment: str) -> list[str]:
    return [html.unescape(m) for m in MARK_RE.findall(fragment)]


def api_search(client, q: str, **params: object) -> dict:  # type: ignore[no-untyped-def]
    params.setdefault("collapse", "false")  # every member: these tests count Traditional twins apart
    response = client.get("/api/v1/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# --- R1 -----------------------------------------------------------------------------------------


def test_r1_sub_words_inside_longer_dictionary_words_find_their_documents(
    searcher: Searcher, normalized_texts: dict[str, str]
) -> None:
    """R1 "hit sub-words inside longer dictionary words": 學會 and 學 find 中國自動化學會 (the request's
    中國化學會 test). Guards against meilisearch#4874/#2499 and charabia#338, where 处理 misses 待处理
    and 农业 misses 中国农业发展银行 because only whole jieba words are indexed."""
    # 中国自动化学会 is one lexicon word of the index; 峰论 is neither a word nor a sub-word of 高峰论坛.
    for fragment, doc_id in (
        ("學會", SAMPLE_ID),
        ("學", SAMPLE_ID),
        ("峰论", "cast-93567"),
        ("農業", "cast-93567"),
    ):
        found = strict_ids(searcher, fragment)
        assert doc_id in found, fragment
        assert found == containing(normalized_texts, fragment), fragment
    doc = get_document(searcher, SAMPLE_ID)
    assert doc is not None and "中國自動化學會" in doc.body
    _, body_html = highlight_document(doc, "學會")
    assert "中國自動化<mark>學會</mark>" in body_html  # marked inside the longer word, in its own script
    assert marks(body_html) == ["學會"] * doc.body.count("學會")


# --- R2 -----------------------------------------------------------------------------------------


def test_r2_compounds_are_indexed_whole_and_in_every_meaningful_part(searcher: Searcher) -> None:
    """R2 "split compounds into every meaningful part" (测试工具箱 → 测试 / 工具 / 工具箱, cut_for_search,
    HMM off). Guards against meilisearch#2632 and charabia#226 (only jieba's ``cut`` indexed: the parts
    are not terms) and charabia#136 (the HMM invents long words that nothing else matches)."""
    sample = {SAMPLE_ID}
    for term in ("中国自动化学会", "中国", "自动化", "学会"):  # the compound and its search-mode parts
        assert sample <= {hit["id"] for hit in searcher.search(query.Term("body", term), limit=None)}, term
    # Words only jieba's HMM makes (not in its dictionary nor in the lexicon) are not indexed terms.
    body = normalize(searcher.document(id=SAMPLE_ID)["body"])
    freq = segmenter().FREQ
    invented = {w for w in jieba.lcut(body, HMM=True) if len(w) > 1 and "\u4e00" <= w[0] and not freq.get(w)}
    assert {"怀进鹏", "王小谟"} <= invented  # names in the post the HMM would glue into new words
    for word in invented:
        assert not searcher.search(query.Term("body", word), limit=None), word
    assert SAMPLE_ID in strict_ids(searcher, "怀进鹏")  # found anyway, as a substring


# --- R3 -----------------------------------------------------------------------------------------


def test_r3_traditional_and_simplified_are_interchangeable_both_ways(
    searcher: Searcher, demo_index: Path
) -> None:
    """R3 "Traditional and Simplified interchangeable in both directions; normalize before segmenting;
    phrase-level conversion". Guards against charabia#331 (國際論坛 cut into characters), analysis-ik#591,
    nodejieba#104 (媽媽 → 媽/媽) and hanziconv#7 (per-character conversion: 乾隆 → 干隆)."""
    assert strict_ids(searcher, "科創中國") == strict_ids(searcher, "科创中国") == KCZG_DOCS
    # A Simplified query finds the Traditional 乾淨台灣 of chinatimes-5884ce6aa9, and the other way round.
    assert strict_ids(searcher, "干净台湾") == strict_ids(searcher, "乾淨台灣") == {"chinatimes-5884ce6aa9"}
    # Converted phrase by phrase: 乾淨 → 干净, but 乾隆 stays and 著名 (cast-103656) is not touched.
    assert normalize("為「乾淨台灣」而奮鬥") == "为「干净台湾」而奋斗"
    assert normalize("乾隆") == "乾隆" and normalize("著名小提琴") == "著名小提琴"
    # Normalized before segmenting: the Traditional post is indexed under the Simplified lexicon word.
    assert SAMPLE_ID in {hit["id"] for hit in searcher.search(query.Term("body", "中国自动化学会"))}
    # ... and displayed in its own script: the CLI gives the same documents for either script.
    outputs = []
    for q in ("科创中国", "科創中國"):
        args = ["search", q, "--json", "--no-collapse", "--index-dir", str(demo_index)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    assert [{h["id"] for h in out["hits"]} for out in outputs] == [KCZG_DOCS, KCZG_DOCS]
    hant = next(h for h in outputs[0]["hits"] if h["id"] == "cast-120382-hant")
    assert hant["title_html"].startswith("“<mark>科創中國</mark>——")


# --- R4 -----------------------------------------------------------------------------------------


def test_r4_no_false_hits_from_homophones_or_near_names(searcher: Searcher) -> None:
    """R4 "no false hits from homophones or over-eager typo tolerance, especially on names": 景点 must not
    match 经典, 张云 must not return other people. Guards against meilisearch#4075/#3655 (typo tolerance
    on Chinese) and #3683 (no way to turn fuzziness off)."""
    assert strict_ids(searcher, "经典") == {"cast-118824", "cast-74145", "xwlb-20251230-08"}
    assert search(searcher, "景点").total == 0  # jǐngdiǎn vs jīngdiǎn, one character apart
    assert strict_ids(searcher, "万钢") == {SAMPLE_ID, "cast-77587"}
    for name in ("万刚", "张云"):  # 万刚 sounds exactly like 万钢 (wàn gāng); no 张云 in the corpus
        response = search(searcher, name)
        assert response.total == 0 and response.hits == (), name
    person = strict_ids(searcher, "person:万钢")
    assert person
    for doc_id in person:
        doc = get_document(searcher, doc_id)
        assert doc is not None and "万钢" in doc.people


# --- R5 -----------------------------------------------------------------------------------------


def test_r5_pinyin_is_an_explicit_query_path_to_hanzi(web_client, searcher: Searcher) -> None:
    """R5 "pinyin should still work, as an explicit input path" (Latin pinyin query → Hanzi candidates,
    ``ceshi``/``cs`` → 测试). Guards against charabia#285 (no pinyin input at all) and analysis-pinyin
    #285/#308 (a pinyin analyzer in the index breaks phrases and highlight offsets)."""
    for q in ("py:kczg", "py:kechuang zhongguo"):
        body = api_search(web_client, q)
        assert {hit["id"] for hit in body["hits"]} == KCZG_DOCS, q
        assert body["query"]["notes"] == [f"{q} was searched as its Hanzi candidates: 科创中国"]
        hant = next(h for h in body["hits"] if h["id"] == "cast-120382-hant")
        assert hant["title_html"].startswith("“<mark>科創中國</mark>——")  # marks on the Hanzi
    # Without py: a pinyin query is never silently replaced: no hits, a suggestion.
    body = api_search(web_client, "kechuangzhongguo")
    assert body["total"] == 0 and body["suggestion"] == "科创中国"
    # Pinyin is not indexed (nothing to break phrases or offsets); combined terms still work.
    assert not searcher.search(query.Term("body", "kechuang"), limit=None)
    twins = {"cast-120382", "cast-120382-hant"}
    assert strict_ids(searcher, "py:kczg 路演") == strict_ids(searcher, "科创中国 路演") == twins


# --- R6 -----------------------------------------------------------------------------------------


def test_r6_highlights_mark_whole_words_and_phrases(searcher: Searcher) -> None:
    """R6 "highlight the whole matched word or phrase, not fragments". Guards against whoosh#532 (马克
    highlighted inside 马克思 by jieba's ChineseAnalyzer), meilisearch#2091 (虚拟机 only partly
    highlighted) and #895 (咳嗽 wanted as one unit)."""
    response = search(searcher, "马克思", per_page=50)
    assert response.total == 8
    for hit in response.hits:
        assert set(marks(hit.snippet_html)) == {"马克思"}, hit.id  # never 马克 alone, never 马/克/思
    response = search(searcher, "虚拟机镜像")
    (hit,) = response.hits
    assert hit.id == "ustclug-2023-04-02-Linux_Install_Party_2023"
    assert "<mark>虚拟机镜像</mark>" in hit.snippet_html  # the run, as one unit (words 虚拟机 + 镜像)
    assert "虚拟</mark>" not in hit.snippet_html and "</mark><mark>" not in hit.snippet_html
    doc = get_document(searcher, "xwlb-20230730-06")
    assert doc is not None
    _, body_html = highlight_document(doc, "马克思")
    assert marks(body_html) == ["马克思"] * doc.body.count("马克思")


@pytest.mark.parametrize(
    ("q", "doc_id", "whole"),
    [
        ("新冠肺炎疫情", "cast-113122", "新冠肺炎疫情"),
        ("抗击新冠肺炎", "cast-112377", "抗击新冠肺炎"),
        ("马英九总统", "twpres-20117", "馬英九總統"),  # the snippet showed 總統 three times, no name
    ],
)
def test_r6_snippets_show_the_whole_phrase_the_document_has(
    searcher: Searcher, q: str, doc_id: str, whole: str
) -> None:
    """R6 "highlight the whole matched word or phrase, not fragments", in the snippet: when the text
    has the query's whole run, the snippet shows it marked as one unit rather than a passage of its
    fragments (meilisearch#2091: 虚拟机 shown as 虚拟)."""
    doc = get_document(searcher, doc_id)
    assert doc is not None and whole in doc.body
    hit = next(h for h in search(searcher, q, per_page=50).hits if h.id == doc_id)
    assert whole in marks(hit.snippet_html), hit.snippet_html


# --- R7 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["中國", "科创中国", "Linux 虚拟机", "2018.1.26", "COVID-19", "學"])
def test_r7_marks_land_exactly_on_the_original_characters(web_client, searcher: Searcher, q: str) -> None:
    """R7 "highlight offsets must be exact in the original text". Guards against jieba-analysis#16 and
    analyzer-solr#2 (off by one), analysis-ik#361/#425/#664 (drift after trailing punctuation),
    elasticsearch#27638 (CJK bigrams merge hits into ``<em>香港貿發局香港</em>``) and jieba.NET#32
    (wrong offsets after spaces)."""
    body = api_search(web_client, q, per_page=50)
    terms = body["query"]["terms"]
    assert body["hits"], q
    only_terms = re.compile("(?:" + "|".join(map(re.escape, terms)) + ")+")
    for hit in body["hits"]:
        doc = get_document(searcher, hit["id"])
        assert doc is not None
        assert plain(hit["title_html"]) == doc.title  # nothing lost, shifted or added
        assert plain(hit["snippet_html"]) in doc.body
        for marked in marks(hit["title_html"]) + marks(hit["snippet_html"]):
            # each mark is exactly query text (touching hits merge, gaps are never swallowed)
            assert only_terms.fullmatch(normalize(marked)), (hit["id"], marked, terms)
    hant = get_document(searcher, "cast-120382-hant")
    assert hant is not None
    title_html, _ = highlight_document(hant, "科创中国")
    assert title_html == "“<mark>科創中國</mark>——科技傳播助力智能製造”專場路演活動舉辦"


# --- R8 -----------------------------------------------------------------------------------------


def test_r8_quoted_phrases_match_sub_phrases_and_combine_with_negation(
    searcher: Searcher, normalized_texts: dict[str, str]
) -> None:
    """R8 "quoted phrases must match sub-phrases". Guards against analysis-ik#204/#370 ("前次募集" finds
    nothing inside 前次募集资金), meilisearch#1714 ("小化妆") and #5015 (phrase plus negation fails)."""
    # 化危 cuts 化危为机 (cast-120382), 动化学 and 自动化学 cut 中國自動化學會: not words of the index.
    for phrase in ("化危", "动化学", "自动化学会积极", "科技传播助力"):
        found = strict_ids(searcher, f'"{phrase}"')
        assert found and found == containing(normalized_texts, phrase), phrase
    assert "cast-120382" in strict_ids(searcher, '"化危"')
    # The characters must be adjacent: the same characters scattered do not match.
    assert not strict_ids(searcher, '"自动积极"') and not containing(normalized_texts, "自动积极")
    # Phrase and negation together.
    expected = containing(normalized_texts, "科创中国") - containing(normalized_texts, "路演")
    assert strict_ids(searcher, '"科创中国" -路演') == expected == {SAMPLE_ID}


# --- R9 -----------------------------------------------------------------------------------------


def test_r9_index_and_query_analysis_agree(searcher: Searcher) -> None:
    """R9 "index-time and query-time analysis must agree" (one analyzer on both sides). Guards against
    analysis-ik#286/#523/#531/#872: with ik_max_word at index time and ik_smart at query time, 李建光,
    24口交换机 and 1.5匹 are not found."""
    docs = list(searcher.documents())
    for doc in docs[::4]:  # a title searched as typed finds its own document, every word matching
        assert doc["id"] in strict_ids(searcher, doc["title"]), doc["title"]
    # Names, and numbers glued to Han characters (the shape of 24口交换机 and 1.5匹).
    for q, doc_id in (("李必军", "cast-70889"), ("第015场", "cast-120382"), ("2019第12届", "cast-93567")):
        assert doc_id in strict_ids(searcher, q), q


# --- R10 ----------------------------------------------------------------------------------------


def test_r10_staff_edit_the_dictionary_and_synonyms_without_a_restart(
    searcher: Searcher, staff_lexicon: Path
) -> None:
    """R10 "a domain dictionary that staff can edit without a restart" (society names, synonyms).
    Guards against meilisearch#895 (no user dictionary), analysis-ik#32/#1084 (no reload, or a remote
    reload that silently drops words) and #1133 (synonyms cannot be hot-reloaded)."""
    society = "中国自然科学博物馆学会"  # named in cast-103555, unknown to the packaged lexicon
    before = search(searcher, society)
    assert [h.id for h in before.hits] == ["cast-103555"] and set(before.terms) > {society}
    assert search(searcher, "org:科协总会").total == 0
    text = staff_lexicon.read_text(encoding="utf-8")
    assert "org\t中国科协\t中国科学技术协会\n" in text
    text = text.replace("org\t中国科协\t中国科学技术协会\n", "org\t中国科协\t中国科学技术协会|科协总会\n")
    staff_lexicon.write_text(text + f"org\t{society}\t\n", encoding="utf-8")
    reload_lexicon()  # what a running web worker does when it sees a new lexicon fingerprint
    after = search(searcher, society)
    assert [h.id for h in after.hits] == ["cast-103555"] and after.terms == (society,)  # one word now
    assert strict_ids(searcher, "org:科协总会") == strict_ids(searcher, "org:中国科协") != set()


# --- R11 ----------------------------------------------------------------------------------------


def test_r11_snippets_are_cropped_in_characters_at_chinese_sentence_ends(
    web_client, searcher: Searcher
) -> None:
    """R11 "snippets and cropping that work in Chinese". Guards against meilisearch#5439 (crop does
    nothing for Chinese) and #2149 (match positions as byte offsets browsers cannot slice)."""
    body = api_search(web_client, "李必军")  # once, 3,800 characters into a 5,000-character report
    assert {hit["id"] for hit in body["hits"]} == {"cast-70889", "cast-70889-hant"}
    for hit in body["hits"]:
        doc = get_document(searcher, hit["id"])
        assert doc is not None and len(doc.body) > 4000
        snippet_html = hit["snippet_html"]
        text = plain(snippet_html)
        assert marks(snippet_html) == [normalize("李必军") if hit["id"] == "cast-70889" else "李必軍"]
        assert 40 <= len(text) <= 160  # characters, not bytes (a byte count would be three times this)
        start = doc.body.index(text)
        assert start > 3000  # cropped around the hit, not the opening of the text
        assert doc.body[start - 1] in "。！？；\n" or snippet_html.startswith("…")
        assert text[-1] in "。！？；" or snippet_html.endswith("…")
    # Adjacent hits merge into one mark: 科創 + 中國 → 科創中國.
    sample = next(h for h in api_search(web_client, "科创 中国")["hits"] if h["id"] == SAMPLE_ID)
    assert "<mark>科創中國</mark>" in sample["snippet_html"]


# --- R12 ----------------------------------------------------------------------------------------


def test_r12_numbers_versions_and_identifiers_stay_whole(
    searcher: Searcher, normalized_texts: dict[str, str]
) -> None:
    """R12 "keep numbers, dates and identifiers whole". Guards against jieba-rs#161 (3.6.3 matched
    41,413 documents instead of 144: search mode emitted only fragments), jieba#659 (a word with a
    full-width Ｖ1.0 ignored) and analysis-ik#660 (PD1728 misses)."""
    for token in ("2018.1.26", "v2.1", "Ｖ2.1", "COVID-19", "qt5", "2021"):
        found = strict_ids(searcher, token)
        assert found and found == containing(normalized_texts, token, whole=True), token
    # Another document has 2018 and 26, but not 2018.1.26: the fragments are not what is searched.
    apart = containing(normalized_texts, "2018", whole=True) & containing(normalized_texts, "26", whole=True)
    assert apart - {"chinatimes-3970043486"}
    assert strict_ids(searcher, "2018.1.26") == {"chinatimes-3970043486"}
    assert strict_ids(searcher, '"2021年1月18日"') == {SAMPLE_ID}


def test_r12_a_quoted_chinese_date_finds_that_date_only(
    searcher: Searcher, normalized_texts: dict[str, str]
) -> None:
    """R12 "dates such as 5月12日 face the same risk", quoted (R8: a quoted phrase is its text as is):
    "5月12日" must not return the documents of 12月5日 or of 1月12日 ... 5日."""
    for date in ("5月12日", "12月5日", "4月30日", "1月18日"):
        expected = containing(normalized_texts, date, whole=True)
        assert expected and strict_ids(searcher, f'"{date}"') == expected, date
    # ... and the date is what is marked, never its 月, 日 or numbers elsewhere in the snippet (R6).
    (hit,) = search(searcher, '"5月12日"').hits
    assert marks(hit.snippet_html) and set(marks(hit.snippet_html)) == {"5月12日"}


def test_r12_an_unquoted_chinese_date_finds_that_date_only(
    searcher: Searcher, normalized_texts: dict[str, str]
) -> None:
    """R12 "dates such as 2023-05-12 and 5月12日 face the same risk" as 3.6.3 (jieba-rs#161): typed
    without quotes, 5月12日 must find the documents stating that date, not every document holding a 5
    and a 12."""
    expected = containing(normalized_texts, "5月12日", whole=True)
    assert expected == {"xwlb-20260512-11"}
    assert strict_ids(searcher, "5月12日") == expected


# --- R13 ----------------------------------------------------------------------------------------


def test_r13_word_order_and_long_queries_do_not_zero_out_results(
    searcher: Searcher, normalized_texts: dict[str, str]
) -> None:
    """R13 "query-word order and long natural-language queries should not zero out results". Guards
    against meilisearch#4465 (告诉我如何写周报 finds nothing, the reordered query hits) and #5015
    (招商 公司 with matchingStrategy all returns no hits)."""
    for words in (("科创中国", "路演"), ("中国科协", "学会", "2020")):
        results = {frozenset(strict_ids(searcher, " ".join(order))) for order in permutations(words)}
        assert len(results) == 1 and results != {frozenset()}, words
    assert strict_ids(searcher, "招商 公司") == {"twpres-15960"}
    response = search(searcher, "告诉我如何写周报", per_page=50)
    assert response.relaxed and response.total > 0  # no document has all: the best partial matches
    for hit in response.hits:  # at least half of the words 告诉 / 如何 / 周报
        assert sum(word in normalized_texts[hit.id] for word in ("告诉", "如何", "周报")) >= 2, hit.id


# --- R14 ----------------------------------------------------------------------------------------


def test_r14_the_analyzer_plugs_into_any_whoosh_schema(searcher: Searcher) -> None:
    """R14 "a pluggable Chinese analyzer in Python stacks". Guards against django-haystack#990 (the
    analyzer is hard-coded), tantivy-py#25 and jieba#486 (``ChineseAnalyzer`` import fails without
    Whoosh): ``search.analysis.word_analyzer()`` is a plain Whoosh analyzer that imports nothing of
    the indexer or the web app."""
    doc = searcher.document(id=SAMPLE_ID)
    ix = RamStorage().create_index(Schema(id=ID(stored=True), body=TEXT(analyzer=word_analyzer())))
    with ix.writer() as writer:
        writer.add_document(id=doc["id"], body=doc["body"])
    with ix.searcher() as own:
        for q in ("中國自動化學會", "中国自动化学会", "自动化"):
            parsed = QueryParser("body", ix.schema).parse(q)
            assert [hit["id"] for hit in own.search(parsed)] == [SAMPLE_ID], q
    code = (
        "import sys, search.analysis;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('indexer', 'webapp', 'flask')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_r14_a_second_indexer_is_refused_while_searches_go_on(tmp_path: Path) -> None:
    """R14 "safe concurrent indexing". Guards against Whoosh ``LockError`` crashes with several gunicorn
    workers (flask-whooshee#37, indico#1581): one indexer at a time gets a message naming the holder,
    and readers never need the lock."""
    index_dir = tmp_path / "index"
    assert index_paths([SAMPLE_POST], index_dir, workers=1).documents == 1
    with IndexStore(index_dir).writer_lock():  # an indexing run in progress
        with pytest.raises(IndexLocked, match=r"another indexer is running on .*: pid \d+"):
            index_paths([SAMPLE_POST], index_dir, workers=1, rebuild=True)
        with IndexStore(index_dir).open().searcher() as s1, IndexStore(index_dir).open().searcher() as s2:
            assert strict_ids(s1, "中國自動化學會") == strict_ids(s2, "中国自动化学会") == {SAMPLE_ID}
    report = index_paths([SAMPLE_POST], index_dir, workers=1, rebuild=True)  # free again
    assert report.ok and report.documents == 1


# --- R15 ----------------------------------------------------------------------------------------


class _Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_r15_public_endpoint_rate_limit(demo_index: Path) -> None:
    """R15 "protections on a public, embeddable endpoint": rate limiting (meilisearch#3126)."""
    clock = _Clock()
    client = create_app(
        {"index_dir": str(demo_index), "rate_limit": 1.0, "rate_burst": 1, "RATE_LIMIT_CLOCK": clock}
    ).test_client()
    assert client.get("/api/v1/search", query_string={"q": "学会"}).status_code == 200
    refused = client.get("/api/v1/search", query_string={"q": "学会"})
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "1"
    clock.now += 1.0
    assert client.get("/api/v1/search", query_string={"q": "学会"}).status_code == 200


def test_r15_public_endpoint_time_limit(demo_index: Path) -> None:
    """R15: a search-time limit, after pathological queries ran for 217 s (meilisearch#728)."""
    client = create_app({"index_dir": str(demo_index), "search_timeout": 1e-6}).test_client()
    response = client.get("/api/v1/search", query_string={"q": "学会 OR 协会 OR 科协"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "search_timeout"


def test_r15_public_endpoint_caps_hits_pages_and_query_length(web_client) -> None:
    """R15: a hard cap on hits against scraping (meilisearch#2133), and on the query's length."""
    assert len(api_search(web_client, "学会", per_page=MAX_PER_PAGE)["hits"]) == MAX_PER_PAGE
    last_page = MAX_RESULT_WINDOW // MAX_PER_PAGE
    for params, param in (
        ({"per_page": MAX_PER_PAGE + 1}, "per_page"),
        ({"per_page": MAX_PER_PAGE, "page": last_page + 1}, "page"),
        ({"q": "学" * 201}, "q"),
    ):
        response = web_client.get("/api/v1/search", query_string={"q": "学会", **params})
        assert response.status_code == 400, params
        assert response.get_json()["error"]["param"] == param
    assert web_client.get("/api/v1/search", query_string={"q": "学会", "page": last_page}).status_code == 200
