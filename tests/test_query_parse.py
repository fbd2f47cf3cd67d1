"""The query language (search.query): syntax, degradation of bad syntax, term planning."""

from __future__ import annotations

import pytest

from search.models import MAX_PER_PAGE, MAX_QUERY_CHARS, QueryError, SearchRequest
from search.query import FieldFilter, TextTerm, parse_query, plan_term
from search.ranking import _phrase_pattern


def test_plain_words_phrases_exclusions_or_and_fields() -> None:
    parsed = parse_query(
        '科创中国 "智能 制造" -通知 学会 OR 协会 source:中国科协 person:万钢 date:2021-01..2021-03'
    )
    assert parsed.groups == (
        (TextTerm("科创中国"),),
        (TextTerm("智能 制造", phrase=True),),
        (TextTerm("学会"), TextTerm("协会")),
    )
    assert parsed.excluded == (TextTerm("通知"),)
    assert parsed.filters == (FieldFilter("source", "中国科协"), FieldFilter("person", "万钢"))
    assert (parsed.date_from, parsed.date_to) == ("2021-01-01", "2021-03-31")
    assert parsed.notes == ()


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced 学会',
        "OR",
        "- -- OR -",
        "学会 OR",
        '""',
        "😀🎉",
        "\x00\x07学\u200b会\x1b",
        "date:2021-13",
        "：：：",
        "x" * 10_000,
    ],
)
def test_bad_syntax_never_raises_and_degrades_to_text(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    for group in parsed.groups:
        for term in group:
            plan_term(term)


def test_degradation_notes_say_what_happened() -> None:
    assert parse_query('"学会').notes == ("an unbalanced quote was ignored",)
    assert parse_query('"学会').groups == ((TextTerm("学会"),),)
    assert parse_query("学会 OR").notes == ("a trailing OR was ignored",)
    malformed = parse_query("date:2021-13 学会")
    assert malformed.date_from is None and malformed.groups[0] == (TextTerm("date:2021-13"),)
    assert parse_query("x" * 300).notes == (f"the query was cut to {MAX_QUERY_CHARS} characters",)
    assert parse_query("foo:bar").groups == ((TextTerm("foo:bar"),),)


def test_full_width_and_chinese_quotes_fold() -> None:
    parsed = parse_query("“科创中国”　ＡＩ")
    assert parsed.groups == ((TextTerm("科创中国", phrase=True),), (TextTerm("AI"),))


def test_plan_uses_the_index_analyzer_in_either_script() -> None:
    simplified, traditional = (
        plan_term(TextTerm("中国自动化学会成立")),
        plan_term(TextTerm("中國自動化學會成立")),
    )
    assert (
        [p.text for p in simplified.pieces]
        == [p.text for p in traditional.pieces]
        == ["中国自动化学会", "成立"]
    )
    assert simplified.phrases == ("中国自动化学会成立",)
    # a quoted phrase keeps its Han run whole
    assert [p.text for p in plan_term(TextTerm("前次募集", phrase=True)).pieces] == ["前次募集"]
    # Latin runs cut at the edges of a copied string may be parts of longer words
    assert [(p.text, p.edge) for p in plan_term(TextTerm("21年3.5")).pieces] == [
        ("21", "suffix"),
        ("3.5", "prefix"),
    ]


def test_a_date_written_out_is_a_phrase_and_a_phrase_of_several_runs_must_be_contiguous() -> None:
    assert parse_query("5月12日 2021年1月 5月").groups == (
        (TextTerm("5月12日", phrase=True),),
        (TextTerm("2021年1月", phrase=True),),
        (TextTerm("5月"),),  # a month alone is no date
    )
    assert plan_term(TextTerm("5月12日", phrase=True)).exact == "5月12日"
    assert plan_term(TextTerm("5月12日", phrase=True)).marks == ("5月12日",)  # not 月, 5, 12 anywhere
    assert plan_term(TextTerm("ＣＯＶＩＤ－１９ 疫苗", phrase=True)).exact == "covid-19 疫苗"
    assert plan_term(TextTerm("中國自動化學會", phrase=True)).exact is None  # one run: the substring index
    assert plan_term(TextTerm("5月12日")).exact is None


@pytest.mark.parametrize(
    ("phrase", "found", "not_found"),
    [
        ("1月18日", ["2021年1月18日", "(1月18日)"], ["11月18日", "1月180日"]),
        ("covid-19 疫苗", ["covid-19疫苗", "covid-19  疫苗"], ["covid-199 疫苗", "xcovid-19 疫苗"]),
        ("open source", ["open source", "open\nsource"], ["opensource", "open sources"]),
    ],
)
def test_contiguous_phrase_edges_and_spaces(phrase: str, found: list[str], not_found: list[str]) -> None:
    pattern = _phrase_pattern(phrase)
    assert all(pattern.search(text) for text in found)
    assert not any(pattern.search(text) for text in not_found)


def test_request_parameters_are_validated_by_name() -> None:
    for kwargs, param in (
        ({"page": -1}, "page"),
        ({"page": "x"}, "page"),
        ({"per_page": 1000}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"sort": "random"}, "sort"),
        ({"date_from": "2021-02-30"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2021-03-01", "date_to": "2021-01-01"}, "date_to"),
        ({"filters": {"colour": ["red"]}}, "colour"),
        ({"filters": {"year": ["21"]}}, "year"),
    ):
        with pytest.raises(QueryError) as info:
            SearchRequest.create("学会", **kwargs)  # type: ignore[arg-type]
        assert info.value.param == param
    request = SearchRequest.create(
        "学会", page="2", per_page=str(MAX_PER_PAGE), date_from="2021", date_to="2021-02"
    )
    assert (request.page, request.per_page, request.date_from, request.date_to) == (
        2,
        50,
        "2021-01-01",
        "2021-02-28",
    )
