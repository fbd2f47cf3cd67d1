"""The HTML pages through Flask's test client: search page, document page, i18n, timeline, embed.js."""

from __future__ import annotations

import re
from pathlib import Path

from webapp import create_app

KCZG = "科创中国"


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_home_page_is_chinese_by_default_with_a_labelled_search_box(web_client) -> None:
    html = page_text(web_client.get("/"))
    assert '<html lang="zh-Hans">' in html
    assert '<label for="q" class="visually-hidden">搜索公告</label>' in html
    assert 'id="q" name="q" type="search"' in html
    assert "试试：" in html
    # the way in without a query: timeline, sources, categories; 401 documents are 371 announcements
    # (30 Traditional twins are collapsed into their group, issue #12)
    assert "浏览全部 371 条公告" in html
    assert '<svg viewBox="0 0 600 110"' in html and 'href="/?year=2020"' in html
    source = re.search(r'<a href="(/\?source=[^"]+)" aria-pressed="false"\s+data-value="([^"]+)">', html)
    assert source is not None
    browsed = page_text(web_client.get(source.group(1)))
    assert f"来源: {source.group(2)}" in browsed and "条结果" in browsed


def test_english_with_lang_parameter_or_accept_language(web_client) -> None:
    html = page_text(web_client.get("/?lang=en"))
    assert '<html lang="en">' in html and ">Search announcements</label>" in html
    assert '<input type="hidden" name="lang" value="en">' in html  # the choice survives the next search
    html = page_text(web_client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}))
    assert ">Search announcements</label>" in html
    html = page_text(web_client.get("/", headers={"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.5"}))
    assert ">搜索公告</label>" in html


def test_results_keep_the_query_and_show_highlighted_hits(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": KCZG, "collapse": "false"}))  # twins apart
    assert f'value="{KCZG}"' in html
    assert "共 3 条结果" in html
    assert html.count("<mark>科创中国</mark>") >= 2 and "<mark>科創中國</mark>" in html  # not double-escaped
    assert "&lt;mark&gt;" not in html
    assert 'href="/doc/cast-120382?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD"' in html


def test_facet_toggle_links_and_selected_state(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": KCZG}))
    section = html.split('id="facet-source"')[1].split("</section>")[0]
    assert 'aria-pressed="false"' in section and 'aria-pressed="true"' not in section
    link = re.search(r'href="([^"]*source=[^"]*)"', section).group(1).replace("&amp;", "&")
    narrowed = page_text(web_client.get(link))
    assert "共 2 条结果" in narrowed or "共 1 条结果" in narrowed
    section = narrowed.split('id="facet-source"')[1].split("</section>")[0]
    assert 'aria-pressed="true"' in section
    active = narrowed.split('class="active-filters"')[1].split("</ul>")[0]
    remove = re.search(r'href="([^"]*)"', active).group(1).replace("&amp;", "&")
    assert "source=" not in remove and "q=" in remove


def test_entity_chips_filter(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": KCZG}))
    chip = re.search(
        r'<a class="chip-org" href="([^"]+)" aria-pressed="false" title="机构">中国科协</a>', html
    )
    assert chip is not None
    narrowed = page_text(web_client.get(chip.group(1).replace("&amp;", "&")))
    assert "机构: 中国科协 <span" in narrowed  # shown as an active filter, removable
    assert (
        '<a class="chip-org" href="/?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD" aria-pressed="true" '
        'title="机构">中国科协</a>' in narrowed
    )


def test_timeline_years_then_months(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": "学会"}))
    svg = html.split('<figure class="timeline">')[1].split("</figure>")[0]
    assert '<svg viewBox="0 0 600 110" role="img"' in svg
    assert 'aria-label="2020: ' in svg
    year_link = re.search(r'<a href="([^"]*year=2020[^"]*)"', svg).group(1).replace("&amp;", "&")
    months = page_text(web_client.get(year_link))
    svg = months.split('<figure class="timeline">')[1].split("</figure>")[0]
    assert "2020 年每月命中数" in svg
    assert re.search(r'<a href="[^"]*date_from=2020-0\d-01&amp;date_to=2020-0\d-\d\d"', svg)


def test_sort_and_pagination_links(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": "学会"}))
    assert re.search(r'<a href="/\?q=%E5%AD%A6%E4%BC%9A&amp;sort=date_desc">最新</a>', html)
    assert re.search(r'<a href="/\?q=%E5%AD%A6%E4%BC%9A&amp;page=2" rel="next">下一页', html)
    page2 = page_text(web_client.get("/", query_string={"q": "学会", "page": "2"}))
    assert '<ol class="hits" start="11">' in page2 and 'rel="prev"' in page2


def test_empty_state_is_helpful(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": "科创中国", "year": "1992"}))
    assert 'id="empty-state"' in html and "没有找到匹配的公告" in html
    assert "清除全部筛选条件" in html


def test_document_page_highlights_query_terms(web_client) -> None:
    html = page_text(web_client.get("/doc/cast-120382", query_string={"q": KCZG}))
    assert "<h1>“<mark>科创中国</mark>——科技传播助力智能制造”专场路演活动举办</h1>" in html
    assert html.count("<mark>科创中国</mark>") >= 3
    assert 'href="http://www.cast.org.cn/art/2020/5/7/art_80_120382.html"' in html
    assert "返回搜索结果" in html
    plain = page_text(web_client.get("/doc/cast-120382"))
    assert "<mark>" not in plain


def test_unknown_document_is_a_404_page(web_client) -> None:
    response = web_client.get("/doc/nope")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "没有编号为 nope 的公告" in response.get_data(as_text=True)


def test_markup_in_a_query_stays_inert(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": '<script>alert("x")</script>科创中国'}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_pages_are_small_and_use_no_external_resources(web_client) -> None:
    response = web_client.get("/", query_string={"q": "学会"})
    html = page_text(response)
    assert len(response.data) < 64_000
    assert not re.search(r'(src|href)="(https?:)?//', html)  # every link and resource is on our origin
    assert "<script" not in html and " style=" not in html  # nothing inline for the CSP to block
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/huixun.css"]
    with web_client.get("/static/huixun.css") as css:
        text = css.get_data(as_text=True)
        assert css.status_code == 200 and "@import" not in text and "url(" not in text


def test_bad_parameter_on_the_page_is_a_400_page(web_client) -> None:
    response = web_client.get("/", query_string={"q": KCZG, "date_from": "2020-02-31"})
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)


def test_embed_js_is_served_to_other_origins(web_client) -> None:
    response = web_client.get("/embed.js", headers={"Origin": "https://partner.example"})
    assert response.status_code == 200
    assert response.content_type == "text/javascript; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    script = response.get_data(as_text=True)
    assert "attachShadow" in script and "/api/v1/search" in script
    assert "import " not in script and "require(" not in script


def test_new_generation_is_seen_without_restart(tmp_path: Path) -> None:
    from indexer.writer import index_paths  # the test builds its own index; the web app never imports indexer

    from .conftest import FIXTURES, SAMPLE_POST

    index_dir = tmp_path / "index"
    index_paths([SAMPLE_POST], index_dir, workers=1)
    client = create_app({"index_dir": str(index_dir)}).test_client()
    assert client.get("/healthz").get_json()["documents"] == 1
    first = client.get("/healthz").get_json()["generation"]
    assert client.get("/api/v1/search", query_string={"q": KCZG}).get_json()["total"] == 1
    more = tmp_path / "more.jsonl"
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    more.write_text(
        "\n".join(line for line in lines if "科创中国" in line or "科創中國" in line) + "\n", "utf-8"
    )
    index_paths([SAMPLE_POST, more], index_dir, rebuild=True, workers=1)  # atomic switch of `live`
    health = client.get("/healthz").get_json()
    assert health["documents"] == 3 and health["generation"] != first
    every = {"q": KCZG, "collapse": "false"}  # twins apart
    assert client.get("/api/v1/search", query_string=every).get_json()["total"] == 3


def test_requests_during_atomic_rebuilds_never_fail(tmp_path: Path) -> None:
    import threading

    from indexer.writer import index_paths

    from .conftest import FIXTURES, SAMPLE_POST

    corpus = tmp_path / "kczg.jsonl"
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    wanted = [line for line in lines if "科创中国" in line or "科創中國" in line]
    corpus.write_text("\n".join(wanted) + "\n", "utf-8")
    index_dir = tmp_path / "index"
    index_paths([SAMPLE_POST, corpus], index_dir, workers=1)
    app = create_app({"index_dir": str(index_dir), "rate_limit": 1e6, "rate_burst": 1_000_000})
    statuses: list[int] = []
    totals: list[int] = []
    generations: set[str] = set()
    stop = threading.Event()

    def keep_searching() -> None:
        client = app.test_client()
        while not stop.is_set():
            response = client.get("/api/v1/search", query_string={"q": KCZG, "collapse": "false"})
            statuses.append(response.status_code)
            if response.status_code == 200:
                totals.append(response.get_json()["total"])
            generations.add(client.get("/healthz").get_json().get("generation", "?"))

    threads = [threading.Thread(target=keep_searching) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            index_paths([SAMPLE_POST, corpus], index_dir, rebuild=True, workers=1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert statuses and set(statuses) == {200}
    assert set(totals) == {3}
    assert len(generations) >= 2  # the searching threads really crossed a switch


def test_only_http_links_to_originals() -> None:
    from webapp.pages import safe_link

    assert safe_link("http://www.cast.org.cn/art/2020/5/7/art_80_120382.html") is not None
    assert safe_link(" HTTPS://tuna.moe/ ") == "HTTPS://tuna.moe/"
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("data:text/html,<script>") is None
    assert safe_link(None) is None


def test_did_you_mean_links_to_the_suggestion(web_client) -> None:
    html = page_text(web_client.get("/", query_string={"q": "科创中果"}))  # a mistyped 科创中国
    assert 'id="empty-state"' in html
    assert '您是不是要找 <a href="/?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD">科创中国</a>？' in html


def test_a_long_facet_expands_to_its_top_values_and_back(web_client) -> None:
    short = page_text(web_client.get("/", query_string={"q": "学会"}))
    section = short.split('id="facet-person"')[1].split("</section>")[0]
    assert section.count("<li>") == 10
    more = re.search(r'<a class="more" href="([^"]*)">更多（共 (\d+) 项）</a>', section)
    assert more is not None and int(more.group(2)) > 50
    expanded = page_text(web_client.get(more.group(1).replace("&amp;", "&")))
    section = expanded.split('id="facet-person"')[1].split("</section>")[0]
    assert section.count("<li>") == 50
    assert re.search(r'<a class="more" href="/\?q=%E5%AD%A6%E4%BC%9A">收起</a>', section)


def test_document_page_shows_the_event_date_beside_the_publication_date(web_client) -> None:
    # cast-120382 was published 2020-05-07 about a roadshow held on 4月30日.
    html = page_text(web_client.get("/doc/cast-120382"))
    assert "<dt>事件日期</dt><dd>2020-04-30</dd>" in html
    doc = web_client.get("/api/v1/documents/cast-120382").get_json()["document"]
    assert (doc["date"], doc["event_date"]) == ("2020-05-07", "2020-04-30")
