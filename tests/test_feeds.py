"""Atom feeds of a search (/feed.atom): parsed with feedparser, checked for RFC 4287's required elements."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import feedparser
import pytest

ATOM = "{http://www.w3.org/2005/Atom}"


def required_elements_ok(xml: bytes) -> ET.Element:
    """RFC 4287 (4.1.1, 4.1.2): a feed has exactly one id, title and updated, and an author unless every
    entry has one; an entry has exactly one id, title and updated, and a link rel=alternate when it has
    no content. Timestamps are RFC 3339."""
    root = ET.fromstring(xml)
    assert root.tag == ATOM + "feed"
    date_re = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
    for name in ("id", "title", "updated"):
        assert len(root.findall(ATOM + name)) == 1, name
    assert date_re.match(root.findtext(ATOM + "updated") or "")
    entries = root.findall(ATOM + "entry")
    if not all(entry.find(ATOM + "author") is not None for entry in entries):
        assert root.find(ATOM + "author/" + ATOM + "name") is not None
    assert root.find(ATOM + "link[@rel='self']") is not None
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(ATOM + name)) == 1, name
        assert date_re.match(entry.findtext(ATOM + "updated") or "")
        if entry.find(ATOM + "content") is None:
            assert entry.find(ATOM + "link[@rel='alternate']") is not None
    return root


def test_feed_of_a_search_is_valid_atom_with_the_newest_matches(web_client) -> None:
    response = web_client.get("/feed.atom", query_string={"q": "学会"})
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = required_elements_ok(response.data)
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title == "会讯 huixun: 学会"
    assert len(parsed.entries) == 20  # more than 20 documents match 学会
    published = [entry.published for entry in parsed.entries]
    assert published == sorted(published, reverse=True)  # newest first, by announcement date
    api = web_client.get("/api/v1/search", query_string={"q": "学会", "sort": "date_desc", "per_page": 20})
    assert [entry.link for entry in parsed.entries] == [
        f"http://localhost/doc/{quote(hit['id'])}" for hit in api.get_json()["hits"]
    ]
    # Highlighted summaries (feedparser's sanitizer drops <mark>, so read the XML itself).
    for entry in root.findall(ATOM + "entry"):
        summary, title = entry.findtext(ATOM + "summary") or "", entry.findtext(ATOM + "title") or ""
        # The snippet marks the word, unless only the title holds it (the snippet is then the text's start).
        marked = re.search("<mark>(学会|學會)</mark>", summary)
        assert marked or re.search("学会|學會", title), (title, summary)
    assert {entry.find(ATOM + "summary").get("type") for entry in root.findall(ATOM + "entry")} == {"html"}
    assert all(entry.id == entry.link for entry in parsed.entries)
    assert root.findtext(ATOM + "updated") == max(entry.findtext(ATOM + "updated")
                                                   for entry in root.findall(ATOM + "entry"))


def test_feed_keeps_the_filters_and_ignores_display_parameters(web_client) -> None:
    parsed = feedparser.parse(web_client.get("/feed.atom?q=科创中国&source=中国科协&page=3&per_page=1").data)
    assert parsed.bozo == 0
    api = web_client.get("/api/v1/search?q=科创中国&source=中国科协").get_json()
    # One announcement, one entry: the feed collapses near-duplicates as the API does (its Traditional
    # twin is not a second entry).
    assert len(parsed.entries) == api["total"] == 1
    assert {entry.tags[0].term for entry in parsed.entries} == {"中国科协"}
    assert parsed.feed.links[0].href.endswith("/feed.atom?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD&"
                                              "source=%E4%B8%AD%E5%9B%BD%E7%A7%91%E5%8D%8F")


def test_a_feed_with_no_match_is_valid_and_empty(web_client) -> None:
    response = web_client.get("/feed.atom", query_string={"q": "zzqxjwv"})
    required_elements_ok(response.data)
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0 and parsed.entries == []


def test_conditional_requests_answer_304(web_client) -> None:
    first = web_client.get("/feed.atom?q=学会")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = web_client.get("/feed.atom?q=学会", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = web_client.get("/feed.atom?q=学会", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = web_client.get("/feed.atom?q=科创中国", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_a_bad_parameter_is_a_400_not_a_500(web_client) -> None:
    assert web_client.get("/feed.atom?date_from=2020-13-45").status_code == 400


def test_results_page_links_the_feed_of_its_search(web_client) -> None:
    html = web_client.get("/?q=科创中国&source=中国科协&page=1").get_data(as_text=True)
    feed = "/feed.atom?q=%E7%A7%91%E5%88%9B%E4%B8%AD%E5%9B%BD&amp;source=%E4%B8%AD%E5%9B%BD%E7%A7%91%E5%8D%8F"
    title = "关注此搜索（Atom 订阅）"
    assert f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{feed}">' in html
    link = f'<a class="follow" id="follow-search" href="{feed}" type="application/atom+xml">关注此搜索</a>'
    assert link in html


@pytest.mark.parametrize("path", ["/?q=学会", "/"])
def test_source_facet_links_each_sources_feed(web_client, path: str) -> None:
    html = web_client.get(path).get_data(as_text=True)
    facet = html[html.index('id="facet-source"'):]
    facet = facet[: facet.index("</section>")]
    source_feed = "/feed.atom?source=%E4%B8%AD%E5%9B%BD%E7%A7%91%E5%8D%8F"  # 中国科协
    assert f'<a class="feed" href="{source_feed}"' in facet
    assert html.count('class="feed"') == facet.count('class="feed"')  # other facets link no feed
    parsed = feedparser.parse(web_client.get("/feed.atom?source=中国科协").data)
    assert parsed.bozo == 0 and len(parsed.entries) == 20
    assert {entry.tags[0].term for entry in parsed.entries} == {"中国科协"}
