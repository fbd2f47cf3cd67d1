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


def _regex_spans(text: str, marks: list[str]) -> list[tuple[int, int]]:
    """The reference for find_spans: one alternation of the marks, longest first, Latin marks as
    whole words, over the normalized text; touching matches merged."""
    parts = []
    for mark in sorted({m for m in marks if m.strip()}, key=lambda m: (-len(m), m)):
        part = re.escape(mark)
        if re.match("[0-9a-z]", mark[0]):
            part = r"(?<![0-9a-z])" + part
        if re.match("[0-9a-z]", mark[-1]):
            part += r"(?![0-9a-z])"
        parts.append(part)
    spans: list[tuple[int, int]] = []
    for match in re.finditer("|".join(parts), normalize(text)) if parts else ():
        start, end = match.span()
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def test_spans_are_the_leftmost_longest_occurrences_of_the_marks() -> None:
    # Overlapping marks, a mark inside another, repeated characters, Latin words and digits.
    marks_sets = [
        ["学会", "学会会员", "会员"],
        ["中国科协", "科协", "中国"],
        ["2021", "21", "ai", "a"],
        ["会", "会会", "学"],
        ["科技工作者", "工作", "科技"],
    ]
    texts = [d["title"] + "\n" + d["body"][:2000] for d in list(DOCS.values())[:120]]
    texts += ["会会会学会会员会", "a ai aai 2021年21日 ai2021", "学会学会会员会员"]
    checked = 0
    for text in texts:
        for marks in marks_sets:
            assert find_spans(text, marks) == _regex_spans(text, marks), (text[:40], marks)
            checked += bool(find_spans(text, marks))
    assert checked > 100
