"""The search page and the embed widget in a real browser: Playwright driving Debian's chromium.

These tests fail (never skip) when chromium is missing: install it with ``make system-test-deps``.
A failing test leaves a screenshot in ``tests/artifacts/``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from webapp import create_app

from .conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ThreadedServer:
    """A WSGI app on a free local port, served from a thread for the duration of a fixture."""

    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join()


@pytest.fixture(scope="module")
def site(demo_index: Path) -> Iterator[str]:
    app = create_app({"index_dir": str(demo_index), "rate_limit": 1000.0, "rate_burst": 1000})
    with ThreadedServer(app) as server:
        yield server.url


@pytest.fixture(scope="module")
def partner_site(site: str) -> Iterator[str]:
    """Another origin (another port) whose page embeds the widget from ``site``."""
    partner = Flask("partner")

    @partner.get("/")
    def page() -> str:
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>partner</title>"
            "<style>li, p, a { color: rgb(0, 128, 0); font-size: 40px; } mark { background: black; }</style>"
            "</head><body><h1>合作伙伴网站</h1><div id='widget' data-huixun data-huixun-lang='zh'></div>"
            f"<script src='{site}/embed.js' defer></script></body></html>"
        )

    with ThreadedServer(partner) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is required for the browser tests: make system-test-deps"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def hit_ids(page) -> list[str]:
    return [
        href.split("/doc/")[1].split("?")[0]
        for href in page.locator(".hit h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ]


def result_count(page) -> int:
    return int(re.search(r"\d+", page.locator("#result-count").inner_text()).group())


def test_search_shows_highlighted_hits(page, site: str) -> None:
    page.goto(site + "/")
    page.get_by_label("搜索公告").fill("科创中国")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=%E7%A7%91"))
    assert page.get_by_label("搜索公告").input_value() == "科创中国"  # the query stays in the box
    # 3 documents, 2 announcements: cast-120382 and its Traditional twin are one result (issue #12)
    assert result_count(page) == 2
    twin = "“科創中國——科技傳播助力智能製造”專場路演活動舉辦（中国科协）"
    assert page.locator(".hit .also a").all_inner_texts() == [twin]  # "另见": the other script
    marks = page.locator(".hit mark").all_inner_texts()
    assert marks and set(marks) <= {"科创中国", "科創中國"}
    assert "毫秒" in page.locator(".took").inner_text()


def test_traditional_query_gives_the_same_results(page, site: str) -> None:
    page.goto(site + "/?q=科创中国")
    simplified = hit_ids(page)
    page.goto(site + "/?q=科創中國")
    assert hit_ids(page) == simplified and len(simplified) == 2  # twins collapsed (issue #12)


def test_source_facet_narrows_results(page, site: str) -> None:
    page.goto(site + "/?q=学会")
    total = result_count(page)
    bucket = page.locator("#facet-source li a").first
    value = bucket.get_attribute("data-value")
    count = int(bucket.locator(".count").inner_text())
    assert 0 < count < total
    bucket.click()
    page.wait_for_url(re.compile(r"source="))
    assert result_count(page) == count
    selected = page.locator(f'#facet-source a[data-value="{value}"]')
    assert selected.get_attribute("aria-pressed") == "true"
    sources = page.locator(".hit .meta dd:nth-of-type(2)").all_inner_texts()
    assert sources and set(sources) == {value}
    page.locator(".active-filters a").first.click()  # one click removes it
    page.wait_for_url(lambda url: "source=" not in url)
    assert result_count(page) == total


def test_sort_by_date_and_go_to_page_two(page, site: str) -> None:
    page.goto(site + "/?q=学会")
    first_page = hit_ids(page)
    page.get_by_role("link", name="最新").click()
    page.wait_for_url(re.compile(r"sort=date_desc"))
    dates = page.locator(".hit time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates, reverse=True)
    assert hit_ids(page) != first_page
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("ol.hits").get_attribute("start") == "11"
    later = page.locator(".hit time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert later and max(later) <= min(dates)


def test_open_a_document_with_terms_highlighted(page, site: str) -> None:
    page.goto(site + "/?q=科创中国")
    title = page.locator(".hit h2 a").first.inner_text()
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    assert page.locator("h1").inner_text() == title
    assert page.locator(".body mark").count() >= 1
    assert page.get_by_role("link", name=re.compile("返回搜索结果")).count() == 1


def test_embed_widget_works_from_another_origin(page, site: str, partner_site: str) -> None:
    assert site != partner_site
    page.goto(partner_site + "/")
    widget = page.locator("#widget")
    widget.get_by_label("搜索学会公告").fill("科创中国")
    widget.get_by_role("button", name="搜索").click()
    results = widget.locator("li")
    results.first.wait_for()
    assert results.count() == 2  # the Traditional twin is collapsed into its group (issue #12)
    assert set(widget.locator("mark").all_inner_texts()) <= {"科创中国", "科創中國"}
    # The host page's styles do not leak into the widget (shadow DOM).
    color = widget.locator("li a").first.evaluate("a => getComputedStyle(a).color")
    assert color != "rgb(0, 128, 0)"


def test_phone_width_has_no_horizontal_scroll(browser, site: str) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        for path in ("/?q=学会", "/?q=学会&year=2020", "/doc/cast-120382?q=科创中国", "/"):
            page.goto(site + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.goto(site + "/?q=学会")
        assert page.locator(".hit").first.bounding_box()["width"] <= 360
    finally:
        context.close()


def test_works_without_javascript(browser, site: str) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site + "/")
        page.get_by_label("搜索公告").fill("学会")
        page.get_by_role("button", name="搜索").click()
        page.wait_for_url(re.compile(r"q="))
        total = result_count(page)
        page.locator("#facet-category li a").first.click()
        page.wait_for_url(re.compile(r"category="))
        assert 0 < result_count(page) < total
        page.get_by_label("起").fill("2020-01-01")
        page.get_by_label("止").fill("2020-12-31")
        page.get_by_role("button", name="应用").click()
        page.wait_for_url(re.compile(r"date_from=2020-01-01"))
        dates = page.locator(".hit time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
        assert dates and all(d.startswith("2020-") for d in dates)
        assert "category=" in page.url  # the date form kept the other filters
    finally:
        context.close()


def test_keyboard_reaches_and_activates_a_facet(page, site: str) -> None:
    page.goto(site + "/?q=学会")
    target = page.locator("#facet-source li a").first.get_attribute("href")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到筛选条件"
    page.keyboard.press("Enter")  # the skip link moves focus to the filters, past the results
    for _ in range(20):  # bounded: Tab on until the first source facet has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == target:
            break
    else:
        raise AssertionError("the source facet is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"source="))
    assert page.locator('#facet-source a[aria-pressed="true"]').count() == 1
