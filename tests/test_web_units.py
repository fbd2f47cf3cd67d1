"""Unit tests of the web app's small pure parts: the token bucket, the timeline geometry, page links."""

from __future__ import annotations

import pytest
from flask import Flask

from webapp.links import SearchState
from webapp.ratelimit import RateLimiter
from webapp.timeline import Period, build_timeline, fill_months, fill_years


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_burst_then_refuses_with_retry_after() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=0.5, burst=3, clock=clock)
    assert [limiter.hit("a").allowed for _ in range(3)] == [True, True, True]
    refused = limiter.hit("a")
    assert not refused.allowed
    assert refused.retry_after == 2  # one token at 0.5/s takes 2 s
    assert limiter.hit("b").allowed  # buckets are per client
    clock.now += 1.0
    assert limiter.hit("a").retry_after == 1  # half a token refilled
    clock.now += 1.0
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed


def test_token_bucket_never_exceeds_burst_after_long_idle() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=10, burst=2, clock=clock)
    clock.now += 3600
    assert [limiter.hit("a").allowed for _ in range(3)] == [True, True, False]


def test_token_bucket_rejects_nonsense_configuration() -> None:
    with pytest.raises(ValueError):
        RateLimiter(rate=0, burst=1)
    with pytest.raises(ValueError):
        RateLimiter(rate=1, burst=0)


def test_timeline_fills_missing_years_and_scales_bars() -> None:
    counts = {"2019": 68, "2021": 8, "unknown": 3}
    years = fill_years(counts)
    assert years == ["2019", "2020", "2021"]
    periods = [Period(y, y, counts.get(y, 0), f"/?year={y}", y == "2021") for y in years]
    timeline = build_timeline(periods, "caption")
    assert timeline is not None
    tallest, empty, small = timeline.bars
    assert tallest.h == timeline.height - 14 and tallest.y == 0
    assert empty.h == 0 and empty.url is None  # nothing to filter to: no link
    assert small.url == "/?year=2021" and small.selected and 0 < small.h < tallest.h
    assert [bar.x for bar in timeline.bars] == sorted(bar.x for bar in timeline.bars)
    slot = timeline.width / 12  # three years take three of twelve slots, centred
    assert tallest.w == round(slot - 2, 1) and tallest.x == round((timeline.width - 3 * slot) / 2 + 1, 1)


def test_timeline_of_nothing_is_none() -> None:
    assert build_timeline([], "c") is None
    assert build_timeline([Period("2020", "2020", 0, None)], "c") is None
    assert fill_months("2020")[0] == "2020-01" and fill_months("2020")[-1] == "2020-12"


@pytest.fixture
def request_ctx():
    app = Flask(__name__)
    app.add_url_rule("/", "pages.search", lambda: "")
    with app.test_request_context("/"):
        yield


def test_search_state_toggles_filters_and_resets_page(request_ctx) -> None:
    state = SearchState(
        [("q", "科创中国"), ("source", "中国科协"), ("page", "3"), ("bogus", "x"), ("year", "")]
    )
    assert state.pairs == [("q", "科创中国"), ("source", "中国科协"), ("page", "3")]
    assert state.toggled("source", "中国科协").pairs == [("q", "科创中国")]
    assert state.toggled("year", "2020").pairs == [
        ("q", "科创中国"),
        ("source", "中国科协"),
        ("year", "2020"),
    ]
    assert state.replaced(page="4").pairs == [("q", "科创中国"), ("source", "中国科协"), ("page", "4")]
    assert state.replaced(sort="date_desc").url() == (
        "/?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD&source=%E4%B8%AD%E5%9B%BD%E7%A7%91%E5%8D%8F&sort=date_desc"
    )
    assert state.without_filters().pairs == [("q", "科创中国")]


def test_time_limit_interrupts_a_block_that_swallows_exceptions() -> None:
    from webapp.deadline import time_limit
    from webapp.errors import SearchTimeout

    def stubborn_loop() -> None:
        while True:
            try:
                sum(range(1000))
            except Exception:  # code under the deadline may catch Exception; the alarm must get through
                pass

    with pytest.raises(SearchTimeout) as caught:
        with time_limit(0.01):
            stubborn_loop()
    assert caught.value.status == 503 and caught.value.code == "search_timeout"
    with time_limit(5.0):
        assert sum(range(10)) == 45  # a block that ends in time is untouched, and the timer is disarmed
