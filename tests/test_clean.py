"""clean_text on real scraped text: pinyin residue out, real parentheticals in, exact offset map."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from indexer.clean import PINYIN_SYLLABLES, clean_text, is_pinyin
from tests.conftest import FIXTURES

# Independent of indexer.clean: a parenthesis holding only lower-case (tone-marked) Latin letters, and the
# mojibake forms where "(" and the annotated character were lost ("?wù)").
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
ANNOTATION = re.compile(rf"\([a-z{_TONED}]+\)")
GARBLED = re.compile(rf"(?<=\?)[a-z{_TONED}]+\)")


def test_sample_post_has_338_annotations_and_5_garbled_ones(sample_post_text: str) -> None:
    assert len(ANNOTATION.findall(sample_post_text)) == 338
    assert GARBLED.findall(sample_post_text) == ["wù)", "wù)", "wù)", "lián)", "dāng)"]


def test_sample_post_loses_every_annotation_and_nothing_else(sample_post_text: str) -> None:
    cleaned = clean_text(sample_post_text).text
    expected = GARBLED.sub("", ANNOTATION.sub("", sample_post_text)).strip()
    assert cleaned == expected
    assert not re.search(f"[{_TONED}]", cleaned)
    assert ANNOTATION.search(cleaned) is None
    # Every sentence intact: same sentence count, and sentences read whole.
    assert cleaned.count("。") == sample_post_text.count("。") == 27
    assert cleaned.splitlines()[1].startswith(
        "2021年1月18日,中國科學技術協會在北京中國科技會堂召開2020“科創中國”年度工作會議。中國自動化學會積極組織"
    )
    assert "十三屆全國人大常委、社會建設委員會副主任委員、清華大學公共管理學院院長江小涓," in cleaned
    assert cleaned.endswith("\n來源:學會秘書處")


def test_sample_post_keeps_real_parentheticals(sample_post_text: str) -> None:
    cleaned = clean_text(sample_post_text).text
    assert re.findall(r"\([^()]*\)", cleaned) == [
        "(園區)", "(區、市)", "(園區)", "(園區)", "(園區)", "(園區)", "(2021-2023年)", "(園區)",
    ]
    assert "《“科創中國”三年行動計劃(2021-2023年)》" in cleaned


def test_mojibake_keeps_a_question_mark_for_the_lost_character(sample_post_text: str) -> None:
    cleaned = clean_text(sample_post_text).text
    assert "求是杰出青年成果轉化獎獲獎?叽眍C獎。" in cleaned
    assert "彰顯科技共同體新??新作為," in cleaned


def test_offset_map_points_at_the_same_character(sample_post_text: str) -> None:
    cleaned = clean_text(sample_post_text)
    offsets = cleaned.offsets
    assert len(offsets) == len(cleaned.text)
    assert all(sample_post_text[offsets[i]] == ch for i, ch in enumerate(cleaned.text))
    assert offsets == sorted(offsets)
    for word in ("萬鋼", "(2021-2023年)", "王小謨", "來源:"):
        i = cleaned.text.index(word)
        assert cleaned.offset(i) == sample_post_text.index(word)
    assert cleaned.offset(len(cleaned.text) - 1) == len(sample_post_text) - 1  # 處, the last character
    # 學(xué)會: the 會 right after the removed annotation maps past it.
    i = cleaned.text.index("中國科學技術協會")
    assert sample_post_text[cleaned.offset(i + 3)] == "學"
    assert sample_post_text[cleaned.offset(i + 4)] == "技"
    assert cleaned.offset(i + 4) == cleaned.offset(i + 3) + len("學(xué)")
    with pytest.raises(IndexError):
        cleaned.offset(len(cleaned.text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中國科學（xué）技術協(xié)會", "中國科學技術協會"),  # full- and half-width parentheses
        ("學(xue)會與協(xié)會", "學會與協會"),  # a plain syllable, in a text with tone-marked residue
        ("學(xue)會協(xie)會召(zhao)開(kai)會(hui)議", "學會協會召開會議"),  # five plain ones
        ("人工智能（ai）、程序设计", "人工智能（ai）、程序设计"),  # alone: the author's text
        ("线下交(mian)流(ji)机会", "线下交(mian)流(ji)机会"),
        ("學(xué huì)", "學"),  # several syllables
        ("協xié)會", "協會"),  # "(" lost
        ("人工智能(AI)与中国科学技术大学(USTC)", "人工智能(AI)与中国科学技术大学(USTC)"),
        ("试点城市(园区)", "试点城市(园区)"),
        ("会议(online)和附件(a)", "会议(online)和附件(a)"),
        ("文件(Xué)", "文件(Xué)"),  # capitalised: not an annotation
        ("Linux from Scratch (LFS) 以及", "Linux from Scratch (LFS) 以及"),
    ],
)
def test_pinyin_rules(text: str, expected: str) -> None:
    assert clean_text(text).text == expected


def test_is_pinyin() -> None:
    assert is_pinyin("chuàng") and is_pinyin("lián") and is_pinyin("xué huì") and is_pinyin("xue")
    assert is_pinyin("ai")  # a valid plain syllable of two letters
    assert not is_pinyin("online") and not is_pinyin("a") and not is_pinyin("AI") and not is_pinyin("usb")
    assert not is_pinyin("xue", require_tone=True)


def test_syllable_table_matches_pypinyin() -> None:
    from pypinyin.pinyin_dict import pinyin_dict

    derived = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            bare = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
            derived.add(bare)
    assert PINYIN_SYLLABLES == derived


def test_site_chrome_entities_and_whitespace() -> None:
    body = json.loads(FIXTURES.read_text(encoding="utf-8").splitlines()[1])["body"]  # cast-93567
    first, second = body[:40], body[40:120]
    scraped = (
        "\ufeff　　" + first + "&nbsp;&nbsp;" + "\r\n\r\n"
        "【字体：大 中 小】 【打印本页】 【关闭窗口】\n"
        "分享到：微信 微博 QQ空间\n"
        "  " + second.replace("，", "，\u200b", 1) + " \t \n"
        "上一篇：无\n"
        "京ICP备05033136号-1  京公网安备 11010802027011号\n"
        "Copyright © 2019 中国科学技术协会 版权所有\n"
    )
    cleaned = clean_text(scraped)
    assert cleaned.text == first + "\n" + second
    assert all(scraped[o] == c for o, c in zip(cleaned.offsets, cleaned.text, strict=True) if c != "\n")
    # The paragraph break maps into the line break it replaced ("\r\n\r\n" → "\n").
    assert scraped[cleaned.offset(len(first))] == "\r"


def test_entities_decoded_and_lines_of_text_kept() -> None:
    assert clean_text("北京&amp;天津&#12288;&#x4e2d;国").text == "北京&天津 中国"
    # A real sentence that mentions printing or sharing is not chrome.
    text = "请各单位打印本页后盖章寄回。\n分享到朋友圈的内容须经审核。"
    assert clean_text(text).text == text


# Independent of indexer.clean: the image and PDF file names the 400 demo documents hold (flattened markup).
IMAGE_NAME = re.compile(
    r"(?:微信图片_|微信圖片_|QQ图片|截图)?[0-9a-zA-Z_/:.-]*(?:副本)?\.(?:jpg|png|pdf)(?!”)"
)


def test_fixture_corpus_is_clean_but_for_image_file_names() -> None:
    # The 400 demo documents have no other residue: cleaning deletes the file names and nothing else.
    changed = 0
    for line in FIXTURES.read_text(encoding="utf-8").splitlines():
        body = json.loads(line)["body"]
        cleaned = clean_text(body)
        expected = re.sub(" {2,}", " ", IMAGE_NAME.sub("", body)).strip()
        assert cleaned.text == expected
        assert all(body[o] == c for o, c in zip(cleaned.offsets, cleaned.text, strict=True))
        changed += cleaned.text != body.strip()
    assert changed == 24


def test_image_and_attachment_file_names_glued_to_text() -> None:
    # cast-111844: a WeChat image name glued to the next sentence would make an organization name.
    body = next(json.loads(line)["body"] for line in FIXTURES.read_text(encoding="utf-8").splitlines()
                if json.loads(line)["id"] == "cast-111844")
    cleaned = clean_text(body)
    assert "知识点。天津师范大学副校长、天津市心理学会理事长白学军" in cleaned.text
    i = cleaned.text.index("天津师范大学")
    assert cleaned.offset(i) == body.index("微信图片_20200212160058.png天津师范大学") + len(
        "微信图片_20200212160058.png")
    assert clean_text("带队。image002.jpg2月25日，徐延豪").text == "带队。2月25日，徐延豪"
    assert clean_text("会议。348384d9849c88a7f597017f70f04a1.jpg人社部").text == "会议。人社部"
    assert clean_text("实效。http://www.zast.org.cn/picture/0/s46.jpg自疫情").text == "实效。自疫情"
    assert clean_text("附件：apply_form.docx。").text == "附件：。"
    # Kept: a file name quoted by the author, a domain, a version number, an extension inside a word.
    for text in ("见“第三轮通知-20171105.pdf”。", "访问 www.ustc.edu.cn 了解", "Python 3.11 发布",
                 "文件 a.pdfx 不是"):
        assert clean_text(text).text == text
