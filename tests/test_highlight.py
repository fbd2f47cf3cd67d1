"""Highlighting and snippets (search.highlight) on real text from the demo corpus."""

from __future__ import annotations

import html
import json
import re

from search.highlight import find_spans, highlight, render, snippet
from search.normalize import normalize
from tests.conftest import FIXTURES

DOCS = {d["id"]: d for d in map(json.loads, FIXTURES.read_text(encoding="utf-8").splitlines())}
MARK_RE = re.compile(r"<mark>(.*?)</mark>")


def test_whole_word_not_fragment_r6() -> None:
    body = DOCS["xwlb-20230730-06"]["body"]
    marked = MARK_RE.findall(snippet(body, ["马克思"]))
    assert marked and set(marked) == {"马克思"}
    assert set(MARK_RE.findall(snippet(body, ["马克思主义", "马克思"]))) == {"马克思主义"}


def test_simplified_query_marks_traditional_text_at_exact_offsets_r7() -> None:
    text = DOCS["cast-70889-hant"]["body"]
    spans = find_spans(text, ["中国自动化学会"])
    assert spans
    for start, end in spans:
        assert text[start:end] == "中國自動化學會"
        assert normalize(text[start:end]) == "中国自动化学会"
    # the marked text, unescaped, is exactly the original
    doc = DOCS["cast-120382-hant"]
    out = highlight(doc["title"], ["科创中国"])
    assert out.startswith("“<mark>科創中國</mark>——")
    assert html.unescape(MARK_RE.sub(r"\1", out)) == doc["title"]


def test_adjacent_hits_merge_and_everything_is_escaped() -> None:
    assert render("科创中国<script>alert(1)</script>", find_spans("科创中国<script>", ["科创", "中国"])) == (
        "<mark>科创中国</mark>&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    # markup in a query is searched as text and comes out inert
    assert highlight("a <script> b", ["<script>"]) == "a <mark>&lt;script&gt;</mark> b"


def test_latin_marks_are_whole_words() -> None:
    assert highlight("said AI is", ["ai"]) == "said <mark>AI</mark> is"


def test_snippet_is_short_cut_at_sentence_ends_and_centred_on_the_best_passage_r11() -> None:
    body = DOCS["cast-120382"]["body"]
    out = snippet(body, ["自动化"])
    text = html.unescape(MARK_RE.sub(r"\1", out)).strip("…")
    assert "<mark>自动化</mark>" in out
    assert 40 <= len(text) <= 160
    assert text in body
    assert text[-1] in "。！？；" or out.endswith("…")
    # no mark: the opening of the text, still cut in characters
    opening = snippet(body, ["不存在的词"])
    assert body.startswith(html.unescape(opening).rstrip("…")[:20])
