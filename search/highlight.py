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
import heapq
import html
import re
from collections.abc import Iterable, Iterator, Sequence

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


_LATIN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


@functools.lru_cache(maxsize=256)
def _ordered_marks(marks: tuple[str, ...]) -> tuple[tuple[str, bool, bool], ...]:
    """Distinct non-blank marks, longest first, each with whether it must not follow (then precede)
    a Latin letter or digit (a Latin mark is a whole word: ``ai`` is not marked inside ``said``)."""
    ordered = sorted({m for m in marks if m.strip()}, key=lambda m: (-len(m), m))
    return tuple((m, bool(_LATIN.match(m[0])), bool(_LATIN.match(m[-1]))) for m in ordered)


def _find(norm: str, mark: str, start: int, word_start: bool, word_end: bool) -> int:
    """The first occurrence of ``mark`` in ``norm`` from ``start`` that respects its word edges."""
    while True:
        found = norm.find(mark, start)
        if found < 0:
            return -1
        end = found + len(mark)
        if word_start and found > 0 and norm[found - 1] in _LATIN_CHARS:
            start = found + 1
        elif word_end and end < len(norm) and norm[end] in _LATIN_CHARS:
            start = found + 1
        else:
            return found


def _matches(norm: str, marks: tuple[tuple[str, bool, bool], ...]) -> Iterator[tuple[int, int]]:
    """Non-overlapping occurrences of the marks, left to right, the longest mark at a position
    winning: what a regular expression ``longest|…|shortest`` finds, without compiling one per
    query. One pending occurrence per mark in a heap ordered by (start, longest first)."""
    heap = []
    for index, (mark, word_start, word_end) in enumerate(marks):
        found = _find(norm, mark, 0, word_start, word_end)
        if found >= 0:
            heap.append((found, -len(mark), index))
    heapq.heapify(heap)
    pos = 0
    while heap:
        found, negative_length, index = heap[0]
        mark, word_start, word_end = marks[index]
        if found >= pos:
            yield found, found - negative_length
            pos = found - negative_length
        found = _find(norm, mark, pos, word_start, word_end)
        if found >= 0:
            heapq.heapreplace(heap, (found, negative_length, index))
        else:
            heapq.heappop(heap)


def find_spans(text: str, marks: Iterable[str], normalized: str | None = None) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of ``text`` to mark: leftmost-longest occurrences of the normalized
    ``marks`` in ``normalize(text)``, touching spans merged."""
    ordered = _ordered_marks(tuple(marks))
    if not ordered or not text:
        return []
    norm = normalized if normalized is not None else normalize(text)
    spans: list[tuple[int, int]] = []
    for start, end in _matches(norm, ordered):
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


def highlight(text: str, marks: Iterable[str], normalized: str | None = None) -> str:
    """The whole of ``text`` as HTML with the marks highlighted (titles, the document page).
    ``normalized`` is ``normalize(text)`` when the caller has it cached (it must be exactly that)."""
    return render(text, find_spans(text, marks, normalized))


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
    # For each first span ``left``, the window runs to the last span ending within ``size``
    # characters of its start (at least ``left`` itself). A window is worth the total length of the
    # distinct strings it marks (the whole phrase 马英九总统 beats 总统 three times), then their
    # number, then its marks; all counted incrementally as it slides (both ends only move forward).
    texts = [norm[s:e] for s, e in spans]
    inside: dict[str, int] = {}
    covered = 0
    best = (-1, -1, -1, 0, 0)
    right = -1
    for left in range(len(spans)):
        if left > 0:
            covered -= _remove(inside, texts[left - 1])
        if right < left:
            right = left
            covered += _add(inside, texts[left])
        limit = spans[left][0] + size
        while right + 1 < len(spans) and spans[right + 1][1] <= limit:
            right += 1
            covered += _add(inside, texts[right])
        score = (covered, len(inside), right - left + 1)
        if score > best[:3]:
            best = (*score, left, right)
    return best[3], best[4]


def _add(counter: dict[str, int], key: str) -> int:
    """Count ``key`` in; returns its length when it is new to the window, else 0."""
    count = counter.get(key, 0)
    counter[key] = count + 1
    return 0 if count else len(key)


def _remove(counter: dict[str, int], key: str) -> int:
    """Count ``key`` out; returns its length when it leaves the window, else 0."""
    if counter[key] == 1:
        del counter[key]
        return len(key)
    counter[key] -= 1
    return 0


def _last_sentence_end(text: str, low: int, high: int) -> int:
    """The last position in ``text[low:high]`` of a sentence-ending character, or -1."""
    return max(text.rfind(char, low, high) for char in SENTENCE_END)


def _sentence_start(text: str, anchor: int, reach: int) -> int:
    low = max(0, anchor - reach)
    pos = _last_sentence_end(text, low, anchor)
    if pos >= 0:
        return pos + 1
    return 0 if low == 0 else max(0, anchor - reach // 2)


def _sentence_end(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> int:
    if end >= len(text):
        return len(text)
    last_mark = max((e for s, e in spans if start <= s < end), default=start)
    pos = _last_sentence_end(text, max(last_mark, start + 20), end)
    return pos + 1 if pos >= 0 else end
