"""build_announcement on real documents, with the real cleaning, date, source and entity modules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.entities import extract_entities
from indexer.extract import build_announcement, document_id, facet_value, title_from_body
from indexer.model import RawDocument
from indexer.readers import read_paths
from tests.conftest import FIXTURES, SAMPLE_POST

DOCS = {d["id"]: d for d in map(json.loads, FIXTURES.read_text(encoding="utf-8").splitlines())}


@pytest.fixture(scope="module")
def sample():
    (raw,) = read_paths([SAMPLE_POST])
    assert isinstance(raw, RawDocument)
    return build_announcement(raw)


def test_sample_post_fields(sample) -> None:
    assert sample.id == "000_99532756a9d00d77"
    assert sample.origin == str(SAMPLE_POST)
    assert sample.category == "Activities"
    assert sample.source == "学会秘书处"
    assert sample.date == "2021-01-18"
    assert "2021-01-18" in sample.dates
    assert sample.title == "2021年1月18日,中國科學技術協會在北京中國科技會堂召開2020“科創中國”年度工作會議"
    assert sample.url is None


def test_sample_post_body_is_clean_and_whole(sample, sample_post_text: str) -> None:
    assert "(xué)" not in sample.body and "wù)" not in sample.body
    assert sample.body.startswith("2021年1月18日,中國科學技術協會在北京中國科技會堂召開")
    assert sample.body.endswith("來源:學會秘書處")
    assert sample.body.count("。") == sample_post_text.count("。")
    assert "Activities" not in sample.body  # the category line is metadata now


def test_sample_post_entities(sample) -> None:
    assert sample.people == extract_entities(sample.body).people
    people = {"万钢", "怀进鹏", "王小谟", "江小涓", "吕昭平", "张兵", "叶贤林", "张彦敏", "曹俊杰"}
    assert people <= set(sample.people)
    assert {"中国科协", "中国自动化学会", "中国工程院", "中国机械工程学会", "湖北省科协"} <= set(sample.orgs)
    assert {"北京", "嘉兴", "成都", "济南", "包头"} <= set(sample.places)
    found = sample.people + sample.orgs + sample.places
    assert not {"城市", "深度", "杰出青年"} & set(found)
    assert all(len(name) > 1 for name in found)


def test_metadata_wins_and_facets_merge_scripts() -> None:
    simplified = build_announcement(RawDocument(origin="f.jsonl", line=3, **_meta("cast-74672")))
    traditional = build_announcement(RawDocument(origin="f.jsonl", line=4, **_meta("cast-74672-hant")))
    assert (simplified.id, simplified.date) == ("cast-74672", "2017-12-08")
    assert simplified.title == "2017世界智能制造大会在南京举行"
    assert simplified.url == "http://www.cast.org.cn/art/2017/12/8/art_160_74672.html"
    assert DOCS["cast-74672-hant"]["source"] == "中国科协 (cast.org.cn) [OpenCC s2t 机器转换繁体]"
    assert simplified.source == traditional.source == "中国科协"
    assert simplified.dates == traditional.dates == ["2017-12-07"]
    assert simplified.people == traditional.people
    assert traditional.body == DOCS["cast-74672-hant"]["body"]  # the original script is kept


def _meta(doc_id: str) -> dict[str, str | None]:
    doc = DOCS[doc_id]
    return {k: doc[k] for k in ("id", "body", "title", "date", "source", "category", "url")}


@pytest.mark.parametrize(("value", "facet"), [
    ("中国科协 (cast.org.cn)", "中国科协"),
    ("北京市科协 (bast.net.cn) [OpenCC s2t 机器转换繁体]", "北京市科协"),
    ("央视网《新闻联播》(tv.cctv.com)", "央视网《新闻联播》"),
    ("中國時報 (China Times) 【柯宗緯、洪浩軒／高雄報導】", "中国时报"),
    ("中華民國總統府 (president.gov.tw)", "中华民国总统府"),
    ("北京神经变性病学会网站 (icrcnpd.com, via lccon/GraduationProject)", "北京神经变性病学会网站"),
    ("全國學會", "全国学会"),
    ("中国科学院(筹)", "中国科学院(筹)"),  # a real parenthetical stays
    ("  ", None),
])
def test_facet_value(value: str, facet: str | None) -> None:
    assert facet_value(value) == facet


def test_text_source_when_metadata_has_none() -> None:
    doc = DOCS["bjndd-contentt-6"]
    raw = RawDocument(origin="x.txt", line=None, id=None, body=doc["body"] + "\n来源：北京神经变性病学会")
    ann = build_announcement(raw)
    assert (ann.id, ann.source) == ("x", "北京神经变性病学会")
    assert ann.title == doc["body"].split("。")[0]  # 46 characters: the whole first sentence


@pytest.mark.parametrize(("body", "title"), [
    ("通知详情请下载“京珠老年医学高峰论坛暨第四届神经心理量表培训班第一轮通知.pdf”。", None),
    ("热烈祝贺2017宣武老年医学国际论坛——中国AD临床前期联盟论坛于11月18日在北京胜利召开！详情请点击新闻。",
     "热烈祝贺2017宣武老年医学国际论坛——中国AD临床前期联盟论坛于11月18日在北京胜利召开！"),
    # Longer than 48 characters: cut at the last comma within 40, not at an enumeration comma.
    ("“每月科学流言榜”由北京市科学技术协会、北京市网信办、首都互联网协会指导，北京科技记者编辑协会共同发布。",
     "“每月科学流言榜”由北京市科学技术协会、北京市网信办、首都互联网协会指导…"),
    ("在 2018 年的尾声，我们将举办今年的最后一场金枪鱼之夜。届时，续教授将为大家介绍。",
     "在 2018 年的尾声，我们将举办今年的最后一场金枪鱼之夜"),
    ("12月7日，2017世界智能制造大会在南京举行，中国科协党组书记、常务副主席、书记处第一书记怀进鹏出席大会主论坛并致辞。",
     "12月7日，2017世界智能制造大会在南京举行…"),
])
def test_title_from_body(body: str, title: str | None) -> None:
    assert title_from_body(body) == (title or body.rstrip("。"))


def test_document_id() -> None:
    assert document_id(RawDocument("data/feed.jsonl.gz", 12, None, "正文")) == "feed-12"
    assert document_id(RawDocument("posts/news.HTML", None, None, "正文")) == "news"
    assert document_id(RawDocument("posts/news.html", None, "given", "正文")) == "given"


def test_document_without_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no text after cleaning"):
        build_announcement(RawDocument("chrome.txt", None, None, "【打印本页】 【关闭窗口】\n\u200b"))


def test_without_metadata_date_the_url_gives_date_and_reference_year() -> None:
    raw = RawDocument(origin="feed.jsonl", line=3, id="n1", title="学会召开理事会",
                      body="3月12日，学会在北京召开理事会。",
                      url="http://www.cast.org.cn/art/2020/3/20/art_80_1.html")
    ann = build_announcement(raw)
    assert (ann.date, ann.event_date, ann.dates) == ("2020-03-20", "2020-03-12", ["2020-03-12"])
    # A post's file name carries its date too; a JSON line's file name does not.
    post = RawDocument(origin="posts/notice_20190616.txt", line=None, id=None, body="12日，学会召开理事会。")
    made = build_announcement(post)
    assert (made.date, made.event_date) == ("2019-06-16", "2019-06-12")
    line = RawDocument(origin="feed_20190616.jsonl", line=1, id="x", body="12日，学会召开理事会。")
    made = build_announcement(line)
    assert (made.date, made.event_date) == (None, None)
