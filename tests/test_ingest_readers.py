"""read_paths on real documents: formats, encodings, bad input reported with path and line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from indexer.model import IngestError, RawDocument
from indexer.readers import DecodeError, ReadLimits, decode_bytes, read_paths, split_category_line
from tests.conftest import DEMO_DIR, FIXTURES, SAMPLE_POST

DOCS = {d["id"]: d for d in map(json.loads, FIXTURES.read_text(encoding="utf-8").splitlines())}


def _one(paths: list[Path | str]) -> RawDocument | IngestError:
    items = list(read_paths(paths))
    assert len(items) == 1, items
    return items[0]


def test_sample_post(sample_post_text: str) -> None:
    raw = _one([SAMPLE_POST])
    assert isinstance(raw, RawDocument)
    assert raw.category == "Activities"
    assert raw.line is None and raw.id is None and raw.title is None and raw.source is None
    assert raw.body == sample_post_text.removeprefix("Activities\n")
    assert raw.body.startswith("2021年1月18日,中國科學(xué)技術(shù)協(xié)會")
    assert raw.body.endswith("來源:學(xué)會秘書處")  # the source line stays for the extractor


def test_jsonl_fixtures_all_read() -> None:
    items = list(read_paths([FIXTURES]))
    assert len(items) == 400 and all(isinstance(i, RawDocument) for i in items)
    first = items[0]
    assert isinstance(first, RawDocument)
    assert (first.id, first.line, first.date, first.category) == ("cast-452857", 1, "2020-03-02", "地方科协")
    assert first.source == "北京市科协 (bast.net.cn)"
    assert first.body == DOCS["cast-452857"]["body"]


def test_directory_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "post.txt").write_text(DOCS["cast-74672"]["body"], encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps(DOCS["tuna-2018-12-29-events-gentoo-bootstrap"]) + "\n")
    (tmp_path / ".hidden.txt").write_text("隐藏文件的内容不应被读取。", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("版本库内部文件。", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not text")
    origins = [item.origin for item in read_paths([tmp_path])]
    assert origins == [str(tmp_path / "a.jsonl"), str(tmp_path / "b" / "post.txt")]


def test_invalid_json_line_reported_and_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(DOCS["cast-74672"], ensure_ascii=False),
        '{"id": "broken", "body": "未闭合',
        json.dumps({"id": "no-text", "title": "只有标题", "body": "  "}),
        "[1, 2]",
        "",
        json.dumps({"id": "bad-type", "body": "正文", "title": ["列表"]}),
        json.dumps(DOCS["tuna-2018-12-29-events-gentoo-bootstrap"], ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([path]))
    assert [str(i) for i in items if isinstance(i, IngestError)] == [
        f"{path}:2: invalid JSON: Invalid control character at (column 30)",
        f"{path}:3: record has no text (no non-empty 'body' or 'html')",
        f"{path}:4: not a JSON object (list)",
        f"{path}:6: field 'title' must be a string, not list",
    ]
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [(d.id, d.line) for d in docs] == [
        ("cast-74672", 1), ("tuna-2018-12-29-events-gentoo-bootstrap", 7),
    ]


def test_jsonl_html_record_uses_the_page(tmp_path: Path) -> None:
    page = (Path(__file__).parent / "fixtures" / "html" / "cast_cms_article.html").read_text(encoding="utf-8")
    path = tmp_path / "pages.jsonl"
    records = [{"id": "p1", "html": page}, {"id": "p2", "html": "<html><body><nav>首页</nav></body></html>"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    first, second = read_paths([path])
    assert isinstance(first, RawDocument)
    assert (first.date, first.source) == ("2017-12-08", "中国科协办公厅")
    assert first.title == "2017世界智能制造大会在南京举行"
    assert first.body.startswith("12月7日，2017世界智能制造大会在南京举行")
    assert isinstance(second, IngestError) and str(second) == f"{path}:2: HTML page has no content"


def test_gzip_jsonl_and_json_array(tmp_path: Path) -> None:
    docs = [DOCS["cast-74672"], DOCS["cast-74672-hant"]]
    with gzip.open(tmp_path / "feed.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    (tmp_path / "list.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    items = list(read_paths([tmp_path / "feed.jsonl.gz", tmp_path / "list.json"]))
    assert [(i.id, i.line) for i in items if isinstance(i, RawDocument)] == [
        ("cast-74672", 1), ("cast-74672-hant", 2), ("cast-74672", 1), ("cast-74672-hant", 2)]


@pytest.mark.parametrize(("doc_id", "encoding"), [
    ("cast-452857", "gbk"),  # Simplified
    ("cast-74672-hant", "gb18030"),  # Traditional text in a GB file
    ("twpres-39643", "big5"),
    ("cast-74672-hant", "big5"),
])
def test_legacy_encodings_decode_right(tmp_path: Path, doc_id: str, encoding: str) -> None:
    body = DOCS[doc_id]["body"]
    path = tmp_path / f"{doc_id}.txt"
    path.write_bytes(body.encode(encoding))
    raw = _one([path])
    assert isinstance(raw, RawDocument)
    assert raw.body == body


def test_utf8_bom_and_category_line(tmp_path: Path) -> None:
    body = DOCS["bjndd-contentb-1"]["body"]
    path = tmp_path / "news.txt"
    path.write_bytes(("学会新闻\n" + body).encode("utf-8-sig"))
    raw = _one([path])
    assert isinstance(raw, RawDocument)
    assert (raw.category, raw.body) == ("学会新闻", body)


def test_bad_bytes_reported(tmp_path: Path) -> None:
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(0x80, 0x100)) * 8)
    corrupt = tmp_path / "corrupt.txt"
    good = DOCS["cast-452857"]["body"].encode("utf-8")
    corrupt.write_bytes(good[:300] + b"\xff" + good[301:])
    errors = list(read_paths([noise, corrupt]))
    assert [str(e) for e in errors] == [
        f"{noise}: cannot decode: not UTF-8, GB18030/GBK or Big5",
        f"{corrupt}: invalid UTF-8 at byte 300 (3 bad sequence(s))",
    ]


def test_mojibake_is_not_accepted() -> None:
    # Big5 bytes also decode "strictly" as GB18030, into rare characters: Big5 wins on plausibility.
    body = DOCS["twpres-39643"]["body"]
    assert body.encode("big5").decode("gb18030") != body
    assert decode_bytes(body.encode("big5")) == (body, "cp950")
    # Bytes that decode both ways, into rare characters only, are refused rather than guessed.
    with pytest.raises(DecodeError, match="implausible text"):
        decode_bytes(b"\xc9\x40" * 8)


def test_size_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(DOCS["cast-452857"]["body"] * 8, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    records = [{"id": "long", "body": "长" * 5000}, {"id": "short", "body": DOCS["cast-74672"]["body"]}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    limits = ReadLimits(max_file_bytes=4096, max_line_bytes=2048)
    items = list(read_paths([big, feed], limits))
    assert [str(i) for i in items if isinstance(i, IngestError)] == [
        f"{big}: file larger than 4096 bytes",
        f"{feed}:1: line longer than 2048 bytes",
    ]
    assert [i.id for i in items if isinstance(i, RawDocument)] == ["short"]


def test_missing_path_reported() -> None:
    missing = DEMO_DIR / "no-such-file.jsonl"
    assert [str(i) for i in read_paths([missing])] == [f"{missing}: no such file or directory"]


@pytest.mark.parametrize(("text", "category"), [
    ("Activities\n2021年1月18日,中國科學技術協會召開會議。", "Activities"),
    ("通知公告\n通知详情请下载附件。", "通知公告"),
    ("學會新聞\n學會召開理事會。", "學會新聞"),
    ("events/event\n秋季学期百团大战就要到了。", "events/event"),
    # Real first sentences and titles are not labels.
    ("承德市召开第五届互联网大会\n12月21日，大会举行。", None),
    ("热烈祝贺论坛胜利召开！\n详情请点击新闻。", None),
    ("Linux 101 第四课\n2021 年 5 月 16 日，举办课程。", None),
    ("通知公告", None),  # nothing after it
])
def test_category_line(text: str, category: str | None) -> None:
    found, rest = split_category_line(text)
    assert found == category
    assert rest == (text.split("\n", 1)[1] if category else text)
