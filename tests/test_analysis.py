"""The analyzer on real text: Whoosh's tokenizer contract, offsets into the original, sub-words,
whole Latin tokens, the indexer's fast path agreeing with the tokenizers (R2, R9, R12)."""

from __future__ import annotations

import json
import pickle

import pytest

from indexer.clean import clean_text
from search.analysis import (
    WordTokenizer,
    document_terms,
    grams_text,
    segment,
    segmenter,
    word_terms,
)
from search.normalize import HAN_RE, normalize
from search.schema import build_schema, encode_postings

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def sample_body(sample_post_text: str) -> str:
    """The Traditional sample post after its pinyin residue (學(xué)會) is removed, as indexed."""
    return clean_text(sample_post_text).text


@pytest.fixture(scope="module")
def fixture_docs() -> dict[str, dict[str, str]]:
    docs = {}
    with open(FIXTURES, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            docs[doc["id"]] = doc
    return docs


def test_normalization_preserves_length_and_maps_each_character(sample_body: str) -> None:
    norm = normalize(sample_body)
    assert len(norm) == len(sample_body)
    i = sample_body.index("中國自動化學會")
    assert norm[i : i + 7] == "中国自动化学会"


def test_word_tokenizer_honours_the_whoosh_contract(sample_body: str) -> None:
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in WordTokenizer()(sample_body, positions=True, chars=True, removestops=False, mode="index")
    ]
    positions = [pos for _, pos, _, _ in tokens]
    # Words are numbered 0, 1, 2, ... ; sub-words repeat the position of their word.
    assert positions[0] == 0
    assert all(b - a in (0, 1) for a, b in zip(positions, positions[1:], strict=False))
    # Every offset points at the original (Traditional) characters of its token.
    for text, _, start, end in tokens:
        assert normalize(sample_body[start:end]) == text
    # start_pos / start_char shift positions and offsets (Whoosh's multi-valued fields use them).
    shifted = [
        (t.text, t.pos, t.startchar)
        for t in WordTokenizer()(sample_body, positions=True, chars=True, start_pos=10, start_char=100)
    ]
    assert shifted == [(text, pos + 10, start + 100) for text, pos, start, _ in tokens]


def test_tokenize_false_yields_the_normalized_value_once() -> None:
    tokens = [(t.text, t.pos) for t in WordTokenizer()("中國自動化學會", tokenize=False, positions=True)]
    assert tokens == [("中国自动化学会", 0)]


def test_compound_words_keep_their_search_mode_parts_at_the_same_position(sample_body: str) -> None:
    # R2: the lexicon keeps 中国自动化学会 whole, and its meaningful parts are indexed with it.
    i = sample_body.index("中國自動化學會")
    at_word = {(text, pos) for text, pos, start, end in word_terms(sample_body) if i <= start < end <= i + 7}
    position = {pos for text, pos in at_word if text == "中国自动化学会"}
    assert len(position) == 1
    (p,) = position
    assert {"中国", "自动化", "学会"} <= {text for text, pos in at_word if pos == p}


def test_latin_numbers_versions_and_dates_stay_whole(fixture_docs: dict[str, dict[str, str]]) -> None:
    # R12, on real documents: a date with dots, a licence version, a disease code, a year.
    cases = {
        "chinatimes-3970043486": "2018.1.26",
        "tuna-2021-04-06-blog-ospp-summer-2021": "v2.1",
        "twpres-27138": "covid-19",
    }
    for doc_id, token in cases.items():
        words = {w.text for w in segment(fixture_docs[doc_id]["body"]).words}
        assert token in words, doc_id
    # 5月12日: the numbers stay whole between the Han characters, at consecutive positions.
    body = fixture_docs["xwlb-20260512-11"]["body"]
    i = body.index("5月12日")
    seq = [(t, pos) for t, pos, start, _ in word_terms(body) if i <= start < i + 5]
    assert [t for t, _ in seq] == ["5", "月", "12", "日"]
    assert [pos - seq[0][1] for _, pos in seq] == [0, 1, 2, 3]


def test_document_terms_carry_the_normalized_text_of_the_substring_index(sample_body: str) -> None:
    terms = document_terms("科創中國", sample_body)
    assert terms.normalized == normalize(grams_text("科創中國", sample_body))
    assert terms.normalized.startswith("科创中国\n")
    assert "中国自动化学会" in terms.normalized and len(terms.normalized) == len(sample_body) + 5


def test_indexer_fast_path_gives_exactly_the_tokenizers_postings(
    fixture_docs: dict[str, dict[str, str]], sample_body: str
) -> None:
    # R9: the postings the indexer computes (one jieba pass, no Token objects) are the ones the
    # schema's own analyzers produce, so index-time and query-time analysis agree.
    schema = build_schema()
    docs = [(d["title"], d["body"]) for d in list(fixture_docs.values())[:40]]
    docs.append(("中國自動化學會", sample_body))
    for title, body in docs:
        terms = document_terms(title, body)
        for name, positions, text in (
            ("title", terms.title, title),
            ("body", terms.body, body),
        ):
            expected = sorted(schema[name].index(text))
            assert sorted(encode_postings(schema[name], positions).items) == expected, (name, title)


def test_schema_survives_a_pickle_round_trip(sample_body: str) -> None:
    # Whoosh pickles the schema (analyzers included) into the index's table of contents.
    schema = pickle.loads(pickle.dumps(build_schema()))
    fresh = build_schema()
    assert schema.names() == fresh.names()
    assert [type(schema[n]) for n in schema.names()] == [type(fresh[n]) for n in fresh.names()]
    assert schema["body"].analyzer == fresh["body"].analyzer
    before = [t.text for t in build_schema()["body"].analyzer(sample_body)]
    after = [t.text for t in schema["body"].analyzer(sample_body)]
    assert after == before
    assert "中国自动化学会" in after


def test_fused_cut_equals_jieba_on_the_demo_corpus(fixture_docs: dict[str, dict[str, str]]) -> None:
    # segment() replaces jieba's get_DAG + calc by one fused loop (speed); the cuts must not change.
    tok = segmenter()
    for doc in fixture_docs.values():
        seg = segment(doc["title"] + "\n" + doc["body"])
        ours = [w.text for w in seg.words if w.han]
        theirs = [word for run in HAN_RE.findall(seg.normalized) for word in tok.cut(run, HMM=False)]
        assert ours == theirs, doc["id"]


def test_the_caches_of_cut_runs_and_sub_words_are_bounded_in_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client sending distinct long Han queries must not make a web worker keep them all: the caches
    of cut runs and of sub-words are bounded by the characters they hold, not only by their entries
    (65,536 entries of 200-character runs would be about 100 MB)."""
    import random

    from search import analysis

    monkeypatch.setattr(analysis, "_CACHE_MAX_CHARS", 20_000)
    analysis.segment.cache_clear()
    analysis._cuts.clear()
    analysis._subs.clear()
    monkeypatch.setattr(analysis, "_cached_chars", {"cuts": 0, "subs": 0})
    common = "的会学中国协大科年技术发展工作在和了议委员组织"
    rng = random.Random(7)
    texts = ["".join(rng.choice(common) for _ in range(200)) for _ in range(300)]
    for text in texts:  # 60,000 characters of distinct runs
        list(word_terms(text))
    assert sum(map(len, analysis._cuts)) <= 20_000
    assert sum(map(len, analysis._subs)) <= 20_000
    assert analysis._cuts  # still a cache
    # What a cut gives does not depend on the cache.
    cached = [analysis.segment(t).words for t in texts[-3:]]
    analysis.segment.cache_clear()
    analysis._cuts.clear()
    analysis._cached_chars["cuts"] = 0
    assert [analysis.segment(t).words for t in texts[-3:]] == cached
