"""Facet counts equal the results that selecting a value gives (search.facets), on the demo index."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from whoosh.searching import Searcher

from search.models import FACETS, SearchRequest
from search.service import run_search


def total(searcher: Searcher, q: str, filters: dict[str, list[str]]) -> int:
    return run_search(searcher, SearchRequest.create(q, filters=filters, per_page=1)).total


@pytest.mark.parametrize("q", ["学会", "科创中国", ""])
def test_every_count_equals_the_results_of_selecting_it(searcher: Searcher, q: str) -> None:
    response = run_search(searcher, SearchRequest.create(q, facet_limit=5))
    for name in FACETS:
        for bucket in response.facets[name]:
            assert not bucket.selected
            assert total(searcher, q, {name: [bucket.value]}) == bucket.count, (name, bucket.value)


def test_or_within_a_facet_and_across_facets(searcher: Searcher) -> None:
    q = "学会"
    base = run_search(searcher, SearchRequest.create(q))
    years = [b.value for b in base.facets["year"][:2]]
    both = total(searcher, q, {"year": years})
    assert both == sum(total(searcher, q, {"year": [y]}) for y in years)
    selected = run_search(searcher, SearchRequest.create(q, filters={"year": years[:1]}))
    # the selected facet still shows what choosing another value would give
    other = next(b for b in selected.facets["year"] if b.value == years[1])
    assert other.count == total(searcher, q, {"year": [years[1]]}) and not other.selected
    assert next(b for b in selected.facets["year"] if b.value == years[0]).selected
    # another facet is counted within the selection (AND across facets)
    for bucket in selected.facets["source"]:
        assert bucket.count == total(searcher, q, {"year": years[:1], "source": [bucket.value]})
    # months of the one selected year
    assert {b.value[:4] for b in selected.facets["month"]} == {years[0]}
    assert sum(b.count for b in selected.facets["month"]) <= selected.total


def test_top_n_with_more_on_request(searcher: Searcher) -> None:
    short = run_search(searcher, SearchRequest.create("", facet_limit=3))
    assert len(short.facets["org"]) == 3 and short.facet_values["org"] > 3
    full = run_search(searcher, SearchRequest.create("", facet_limit=3, facet_more=["org"]))
    assert len(full.facets["org"]) == short.facet_values["org"]
    counts = [b.count for b in full.facets["org"]]
    assert counts == sorted(counts, reverse=True)


def test_unknown_selected_value_is_listed_with_zero(searcher: Searcher) -> None:
    response = run_search(searcher, SearchRequest.create("", filters={"source": ["无此来源"]}))
    assert response.total == 0
    assert [(b.value, b.count, b.selected) for b in response.facets["source"] if b.selected] == [
        ("无此来源", 0, True)
    ]


def ids(searcher: Searcher, q: str, filters: dict[str, list[str]] | None = None) -> tuple[int, set[str]]:
    response = run_search(searcher, SearchRequest.create(q, filters=filters or {}, per_page=50))
    return response.total, {hit.id for hit in response.hits}


@pytest.mark.parametrize(
    ("facet", "value"),
    [
        ("source", "中国科协"),  # a label as stored
        ("source", "新闻联播"),  # part of a label: 央视网《新闻联播》
        ("source", "中國科協"),  # another script
        ("org", "中國科協"),  # an alias in another script: 中国科协
        ("org", "中国科学技术协会"),  # an alias
        ("person", "万钢"),
        ("year", "2019"),
        ("category", "无此类别"),  # nothing
    ],
)
def test_one_filter_rule_from_the_url_and_from_the_query_text(
    searcher: Searcher, facet: str, value: str
) -> None:
    # ``?source=…`` (the request's filters) and ``source:…`` (the query text) select the same documents.
    for q in ("学会", "科创中国", "会议"):
        from_url = ids(searcher, q, {facet: [value]})
        from_text = ids(searcher, f"{q} {facet}:{value}")
        assert from_url == from_text, (q, facet, value)
    assert (ids(searcher, "学会", {facet: [value]})[0] > 0) == (value != "无此类别")


# -- bounded work on huge match sets (issue #15): exact up to a limit, then an estimate that says so -----
@pytest.fixture
def exact_limit() -> Iterator[Callable[[int | None], None]]:
    from search.facets import use_exact_limit

    yield use_exact_limit
    use_exact_limit(None)


def test_counts_are_exact_and_not_flagged_up_to_the_limit(
    searcher: Searcher, exact_limit: Callable[[int | None], None]
) -> None:
    exact = run_search(searcher, SearchRequest.create("", collapse=False))
    exact_limit(exact.total)  # the whole match set is still counted exactly
    again = run_search(searcher, SearchRequest.create("", collapse=False))
    assert again.facets_estimated is False and exact.facets_estimated is False
    assert again.facets == exact.facets


def test_over_the_limit_counts_are_estimated_from_an_even_sample_and_flagged(
    searcher: Searcher, exact_limit: Callable[[int | None], None]
) -> None:
    request = SearchRequest.create("", collapse=False, facet_more=("source", "year"))
    exact = run_search(searcher, request)
    assert exact.total == 401
    exact_limit(100)  # every 5th of the 401 documents is counted, each count scaled by 401 / 81
    estimated = run_search(searcher, request)
    assert estimated.facets_estimated is True
    assert estimated.total == exact.total  # the total and the hits are never estimated
    assert [h.id for h in estimated.hits] == [h.id for h in exact.hits]
    for name in ("source", "year"):
        truth = {b.value: b.count for b in exact.facets[name]}
        guess = {b.value: b.count for b in estimated.facets[name]}
        assert set(guess) <= set(truth)  # only values that exist, each at least 1
        assert all(count >= 1 for count in guess.values())
        # an even sample: the estimates add up to the exact counts' sum within a tenth
        assert abs(sum(guess.values()) - sum(truth.values())) <= 0.1 * sum(truth.values())
        biggest = max(truth, key=lambda v: truth[v])
        assert abs(guess[biggest] - truth[biggest]) <= 0.2 * truth[biggest] + 5


def test_the_api_and_the_page_say_when_counts_are_estimates(
    web_client, exact_limit: Callable[[int | None], None]  # type: ignore[no-untyped-def]
) -> None:
    body = web_client.get("/api/v1/search?q=学会").get_json()
    assert body["facets_estimated"] is False
    assert "结果过多" not in web_client.get("/?q=学会").get_data(as_text=True)
    exact_limit(10)
    body = web_client.get("/api/v1/search?q=学会").get_json()
    assert body["facets_estimated"] is True
    html = web_client.get("/?q=学会").get_data(as_text=True)
    assert "结果过多，各项数目为估计值。" in html and '<span class="count">≈' in html
