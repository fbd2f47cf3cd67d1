"""Snippets and highlighting: the query's words marked with ``<mark>`` in the text the reader sees.

Matching happens on ``normalize(text)``, which has exactly the length of ``text`` (see
:mod:`search.normalize`), and the spans found there slice the *original* text: a Simplified query marks
the Traditional characters it matched, and offsets can never drift (REQUESTS R7). The marks are the
query's whole words and phrases (:attr:`search.query.TermPlan.marks`), longest first, so ``马克思``
is marked as one unit, never as ``马克`` plus a stray ``思`` (R6); a Latin mark must stand as a word
of its own (``ai`` is not marked inside ``said``). Touching marks merge into one.

:func:`render` is the only function that produces HTML: it escapes every character of the text and
adds nothing but ``<mark>``/``</mark>``, so markup in a document or a query comes out inert.

Whoosh's ``hit.highlights()`` is deliberately not used: it re-runs the analyzer (jieba) over every
hit's stored text, which was 80 % of the naive baseline's query time.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence

from .normalize import normalize

__all__ = ["find_spans", "render", "highlight", "snippet", "SNIPPET_CHARS", "SENTENCE_END"]

SNIPPET_CHARS = 120
SENTENCE_END = "。！？；!?;\n"
ELLIPSIS = "…"
#: Snippets come from the first characters of a text (bounds the cost of very long documents).
SNIPPET_SCAN_CHARS = 6000
#: Marks searched in a text at most (a pathological query cannot make highlighting slow).
MAX_SPANS = 500
_LATIN = re.compile(r"[0-9a-z]")


@functools.lru_cache(maxsize=256)
def _pattern(marks: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for mark in sorted({m for m in marks if m.strip()}, key=lambda m: (-len(m), m)):
        part = re.escape(mark)
        if _LATIN.match(mark[0]):
            part = r"(?<![0-9a-z])" + part
        if _LATIN.match(mark[-1]):
            part += r"(?![0-9a-z])"
        parts.append(part)
    return re.compile("|".join(parts)) if parts else None


def find_spans(text: str, marks: Iterable[str], normalized: str | None = None) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of ``text`` to mark: leftmost-longest occurrences of the normalized
    ``marks`` in ``normalize(text)``, touching spans merged."""
    pattern = _pattern(tuple(marks))
    if pattern is None or not text:
        return []
    norm = normalized if normalized is not None else normalize(text)
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(norm):
        start, end = match.span()
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
        if len(spans) >= MAX_SPANS:
            break
    return spans


def render(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """HTML of ``text`` with ``spans`` wrapped in ``<mark>``; everything HTML-escaped.

    The single place where huixun turns document or query text into HTML.
    """
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos or end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight(text: str, marks: Iterable[str]) -> str:
    """The whole of ``text`` as HTML with the marks highlighted (titles, the document page)."""
    return render(text, find_spans(text, marks))


def snippet(text: str, marks: Iterable[str], size: int = SNIPPET_CHARS, normalized: str | None = None) -> str:
    """About ``size`` characters of ``text`` around its best passage, as HTML with marks.

    The best passage is the window of ``size`` characters that covers the most distinct marks (then
    the most marks; the earliest wins ties). The window starts at the beginning of its sentence when
    that is near and ends after a sentence-ending ``。！？；`` when one follows the last mark in it;
    an ``…`` shows where text was cut mid-sentence. Without any mark, the text's opening is used.
    ``normalized`` is ``normalize(text)`` when the caller has it cached (it must be exactly that).
    """
    if not text:
        return ""
    text = text[:SNIPPET_SCAN_CHARS]
    norm = normalized[:SNIPPET_SCAN_CHARS] if normalized is not None else normalize(text)
    spans = find_spans(text, marks, norm)
    if spans:
        first, last = _best_window(norm, spans, size)
        anchor = spans[first][0]
        start = _sentence_start(text, anchor, size // 3)
        end = max(spans[last][1], min(len(text), start + size))
    else:
        start, end = 0, min(len(text), size)
    end = _sentence_end(text, start, end, spans)
    while start < end and text[start].isspace():
        start += 1
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = render(text[start:end].rstrip(), inside)
    prefix = ELLIPSIS if start > 0 and text[start - 1] not in SENTENCE_END else ""
    suffix = ELLIPSIS if end < len(text) and text[end - 1] not in SENTENCE_END else ""
    return prefix + body + suffix


def _best_window(norm: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    best = (-1, -1, 0, 0)
    right = 0
    for left in range(len(spans)):
        limit = spans[left][0] + size
        right = max(right, left)
        while right + 1 < len(spans) and spans[right + 1][1] <= limit:
            right += 1
        distinct = len({norm[s:e] for s, e in spans[left : right + 1]})
        score = (distinct, right - left + 1)
        if score > best[:2]:
            best = (*score, left, right)
    return best[2], best[3]


def _sentence_start(text: str, anchor: int, reach: int) -> int:
    low = max(0, anchor - reach)
    for pos in range(anchor - 1, low - 1, -1):
        if text[pos] in SENTENCE_END:
            return pos + 1
    return 0 if low == 0 else max(0, anchor - reach // 2)


def _sentence_end(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> int:
    if end >= len(text):
        return len(text)
    last_mark = max((e for s, e in spans if start <= s < end), default=start)
    for pos in range(end - 1, max(last_mark, start + 20) - 1, -1):
        if text[pos] in SENTENCE_END:
            return pos + 1
    return end
