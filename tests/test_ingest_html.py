"""HTML pages in three real layouts (CMS divs, old tables, HTML5 article) → title, date, source, body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.html import NoContent, load_sites, parse_html
from indexer.model import IngestError, RawDocument
from indexer.readers import read_paths
from tests.conftest import FIXTURES

HTML_DIR = Path(__file__).parent / "fixtures" / "html"
DOCS = {d["id"]: d for d in map(json.loads, FIXTURES.read_text(encoding="utf-8").splitlines())}
CHROME = ("打印本页", "关闭窗口", "字体", "分享到", "微信", "ICP", "版权所有", "当前位置", "网站首页",
          "相关活动", "浏览次数", "发布时间", "统计代码", "请输入关键字")


def _page(name: str) -> str:
    return (HTML_DIR / name).read_text(encoding="utf-8")


def _assert_no_chrome(body: str) -> None:
    assert [word for word in CHROME if word in body] == []


def test_cms_page_uses_the_site_rule() -> None:
    doc = DOCS["cast-74672"]
    page = parse_html(_page("cast_cms_article.html"))
    assert (page.title, page.date, page.source) == (doc["title"], "2017-12-08", "中国科协办公厅")
    first, second = doc["body"].split("。", 1)
    # Two <p>: two paragraphs; the zero-width space the CMS left stays for clean_text.
    assert page.body == f"{first}。\n\u200b{second}"
    _assert_no_chrome(page.body)


def test_cms_marker_rule_without_a_domain() -> None:
    markup = _page("cast_cms_article.html").replace('<link rel="canonical"', '<link rel="alternate"')
    page = parse_html(markup)
    # The TRS_Editor marker picks the body; title, date and source come from the generic fallbacks.
    assert page.body.startswith("12月7日，2017世界智能制造大会在南京举行")
    assert page.title == "2017世界智能制造大会在南京举行"
    assert page.date == "2017-12-08"
    _assert_no_chrome(page.body)


def test_old_table_layout_generic_fallback() -> None:
    doc = DOCS["bjndd-contentt-6"]
    page = parse_html(_page("bjndd_table_layout.html"))
    assert (page.title, page.date, page.source) == (doc["title"], "2017-11-05", None)
    # &nbsp; indents survive here (clean_text removes them); every line is the real one.
    assert [line.strip("\xa0") for line in page.body.split("\n")] == doc["body"].split("\n")
    _assert_no_chrome(page.body)


def test_html5_article_generic_fallback() -> None:
    doc = DOCS["tuna-2018-12-29-events-gentoo-bootstrap"]
    page = parse_html(_page("tuna_html5_article.html"))
    assert (page.title, page.date, page.source) == (doc["title"], "2018-12-29", None)
    assert page.body == doc["body"]
    _assert_no_chrome(page.body)


def test_ruby_keeps_base_text_and_br_breaks_lines() -> None:
    markup = (
        "<html><body><div class='content'><p>中國<ruby>科<rp>(</rp><rt>kē</rt><rp>)</rp></ruby>學技術"
        "<ruby>協<rt>xié</rt></ruby>會在北京召開年度工作會議。<br>第二段：會議由中國科協主持。</p></div></body></html>"
    )
    assert parse_html(markup).body == "中國科學技術協會在北京召開年度工作會議。\n第二段：會議由中國科協主持。"


@pytest.mark.parametrize("markup", [
    "<html><head><title>首页</title></head><body><nav><a href='/'>首页</a></nav></body></html>",
    "<html><body><div class='footer'>版权所有 京ICP备05033136号</div></body></html>",
    "",
])
def test_page_without_content(markup: str) -> None:
    with pytest.raises(NoContent):
        parse_html(markup)


def test_reader_reads_html_files_and_reports_empty_pages(tmp_path: Path) -> None:
    empty = tmp_path / "index.htm"
    empty.write_text("<html><body><div class='nav'>网站首页 | 通知公告</div></body></html>", encoding="utf-8")
    hant = DOCS["cast-74672-hant"]
    big5 = tmp_path / "big5.html"
    big5.write_bytes(
        f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=big5'>"
        f"<title>{hant['title']}</title></head><body><div class='content'><p>{hant['body']}</p></div>"
        f"</body></html>".encode("big5")
    )
    items = list(read_paths([HTML_DIR, tmp_path]))
    assert [Path(i.origin).name for i in items] == [
        "bjndd_table_layout.html", "cast_cms_article.html", "tuna_html5_article.html",
        "big5.html", "index.htm",
    ]
    assert str(items[-1]) == f"{empty}: HTML page has no content"
    assert isinstance(items[-1], IngestError)
    big5_doc = items[3]
    assert isinstance(big5_doc, RawDocument)
    assert (big5_doc.title, big5_doc.body) == (hant["title"], hant["body"])


def test_site_rules_file_loads() -> None:
    names = [rule.name for rule in load_sites()]
    assert names == ["cast", "trs-wcm"]
    with pytest.raises(ValueError, match="invalid site rules"):
        load_sites(str(FIXTURES))


def test_chrome_looking_class_does_not_drop_the_article() -> None:
    body = DOCS["bjndd-contentt-3"]["body"]
    markup = (
        "<html><body><div class='nav'><a href='/'>网站首页</a> <a href='/n'>通知公告</a></div>"
        f"<div class='main-top article'><p>{body}</p></div>"
        "<div class='footer'>版权所有：北京神经变性病学会</div></body></html>"
    )
    assert parse_html(markup).body == body
