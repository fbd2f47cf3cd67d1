"""Cleaning: scraping residue out of a document's text, with a map back to the input.

``clean_text(text) -> Cleaned`` runs a few regular-expression passes, each of which only deletes
characters or replaces a match by something no longer than itself:

1. line breaks: ``\\r\\n`` and ``\\r`` → ``\\n``;
2. HTML entities (``&amp;``, ``&#12288;``, ``&nbsp;`` …) decoded; zero-width and control characters
   (U+200B–U+200F, U+2060, BOM, C0 controls other than tab and newline, DEL) deleted;
3. pinyin annotations left by flattened ``<ruby>`` markup deleted (see below);
4. lines of site chrome deleted: ``打印本页``, ``关闭窗口``, ``【字体：大 中 小】``, share buttons
   (``分享到：微信 微博 QQ空间``), ``返回顶部``, and ICP / 公网安备 / copyright footer lines;
5. image and attachment file names left by flattened ``<img>``/``<a>`` markup, glued to the text
   (``微信图片_20200212160058.png天津师范大学…``, ``348384d9…a1.jpg人社部…``, ``image002.jpg``,
   ``http://…/s465f….jpg``, ``导览图截图.jpg``) deleted: a Latin/digit token (a URL path too), or a
   ``微信图片_``/``QQ图片``/``截图`` name, ending in an image, office or PDF extension; of a Han file name
   only the extension (``北京移动.jpg该项目`` → ``北京移动该项目``). A file name in quotes
   (``“…通知-20171105.pdf”``) is the author's text and stays;
6. whitespace: spaces, tabs, no-break and ideographic spaces at the start and end of a line dropped, runs
   inside a line → one space; blank lines dropped (paragraphs are separated by one ``\\n``, as in the
   corpus); leading and trailing whitespace of the whole text dropped.

Pinyin residue. ``學(xué)會`` and ``學（xué）會`` lose ``(xué)``: a parenthesis right after a Han character
that holds only lower-case pinyin syllables, either tone-marked (``(chuàng)``, ``(xué huì)``) or one plain
valid syllable of two letters or more (``(xue)``; plain ones only in a text with tone-marked residue
or at least :data:`MIN_PLAIN_ANNOTATIONS` plain ones). The garbled forms where ``(`` and the annotated
character were lost to mojibake, ``獲獎?wù)叽眍C`` and ``新?lián)?dāng)新``, lose the pinyin and its ``)``
but **keep the ``?``**: it stands for a character the scraper destroyed, and a reader (or a highlight)
should still see that something is missing there rather than two words silently fused (``新??新作為``).
A tone-marked syllable with ``)`` right after a Han character (``學xué)``) is residue too.

Kept: real parentheticals (``试点城市(园区)``, ``(2021-2023年)``, ``19个省(区、市)``), Latin ones
(``(AI)``, ``(USTC)``, ``(online)``, list markers ``(a)``), anything not right after a Han character or
``?``. Syllable validity comes from :data:`PINYIN_SYLLABLES` (all syllables pypinyin knows).

The output is the original script; Traditional → Simplified and width folding happen later, in
``search.normalize`` (length-preserving), so the offset map here is the only one needed to put a
highlight back on the input.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from search.normalize import HAN_CLASS
from search.syllables import PINYIN_SYLLABLES

__all__ = ["Cleaned", "clean_text", "is_pinyin", "PINYIN_SYLLABLES"]

# Lower-case letters that occur in pinyin: a–z plus the tone-marked vowels, ü and tone-marked n/m.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY_CHARS = f"a-zü{_TONED}"
_HAN = f"[{HAN_CLASS}]"
# Plain-pinyin annotations needed (without any tone-marked one) before plain ones count as residue.
MIN_PLAIN_ANNOTATIONS = 5

# Candidates only; is_pinyin() decides. Proper form: Han + ( syllables ). Garbled forms: ? + syllables + )
# and Han + tone-marked syllables + ) (the "(" lost).
_RUBY_RE = re.compile(
    rf"(?<={_HAN})[(（][ ]?(?P<p1>[{_PY_CHARS}][{_PY_CHARS}' ]{{0,24}}?)[ ]?[)）]"
    rf"|(?<=[?\ufffd])(?P<p2>[{_PY_CHARS}]{{1,7}})[)）]"
    rf"|(?<={_HAN})(?P<p3>[{_PY_CHARS}]{{1,7}})[)）]"
)
# What every _RUBY_RE match holds: a closing parenthesis after a pinyin letter, a quote or a space. A text
# without it skips the pinyin pass (most texts have parentheses, few have pinyin in them).
_RUBY_HINT_RE = re.compile(rf"[{_PY_CHARS}' ][)）]")

_LINEBREAK_RE = re.compile(r"\r\n?")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\u2061-\u2064\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")

# Site chrome: a line made only of these tokens, brackets, separators and spaces.
_CHROME_TOKENS = [
    r"打印本[页頁]", r"关闭窗口", r"關閉窗口", r"关闭本[页頁]", r"關閉本[页頁]", r"打印", r"关闭", r"關閉",
    r"字[体體号號]\s*[:：]?\s*(?:[【\[]?\s*[大中小]\s*[】\]]?\s*){2,3}", r"[大中小]\s+[大中小]\s+[大中小]",
    r"分享到", r"分享至", r"分享", r"微信", r"微博", r"新浪微博", r"腾讯微博", r"騰訊微博", r"QQ空[间間]",
    r"QQ好友", r"朋友圈", r"豆瓣", r"人人[网網]", r"Facebook", r"Twitter", r"LINE", r"Email",
    r"扫一扫", r"掃一掃", r"收藏本[页頁]", r"加入收藏", r"返回[顶頂]部", r"回到[顶頂]部", r"[返回]*首[页頁]",
    r"返回列表", r"返回", r"[【\[]?\s*[上下]一[篇条條]\s*[】\]]?\s*[:：]?\s*(?:[无無]|没有了|沒有了)?",
]
_CHROME_SEP = r"[ \t\u3000\u00a0【】\[\]|｜/·•:：,，、\-—_]*"
_CHROME_LINE_RE = re.compile(
    rf"(?m)^{_CHROME_SEP}(?:(?:{'|'.join(_CHROME_TOKENS)}){_CHROME_SEP})+$\n?"
)
# Footer lines: registration numbers anywhere in the line, copyright notices and previous/next links
# (``上一篇：…``) at its start.
_FOOTER_LINE_RE = re.compile(
    r"(?m)^[^\n]*(?:ICP[备備证證]|ICP[ ]?\d{6,}|公[网網]安[备備])[^\n]*$\n?"
    r"|^[ \t]*(?:Copyright|COPYRIGHT|©|\(c\)|版[权權]所有)[^\n]{0,120}$\n?"
    r"|^[ \t]*[【\[]?[上下]一[篇条條][】\]]?[ \t]*[:：][^\n]{0,80}$\n?"
)

# A file name: an ASCII token (not glued to a longer ASCII run on its left) or a screenshot/photo name,
# with a file extension, not followed by more ASCII letters or digits nor by a closing quote.
_FILE_EXT = r"\.(?:png|jpe?g|gif|bmp|webp|tiff?|docx?|xlsx?|pptx?|pdf|zip|rar)"
_FILE_NAME_RE = re.compile(
    # The lookahead names every character a match can begin with: it changes no match, but the engine
    # then rejects most positions with one test instead of trying each branch (4× faster on the corpus).
    r"(?=[微图圖截QA-Za-z0-9_./:%-])"
    rf"(?:(?:微信|QQ)?(?:图片|圖片|截图|截圖)_?[A-Za-z0-9_-]*(?:副本)?"
    rf"|(?<![A-Za-z0-9_./:%-])[A-Za-z0-9_./:%-]*[A-Za-z0-9]|(?<={_HAN})){_FILE_EXT}"
    r"(?![A-Za-z0-9]*[A-Za-z])(?![”」』\"'])",
    re.IGNORECASE,
)

_SPACE = "[ \t\u00a0\u3000\u2002\u2003\u2009]"
_LINE_EDGE_RE = re.compile(rf"(?m)^{_SPACE}+|{_SPACE}+$")
_SPACE_RUN_RE = re.compile(rf"{_SPACE}{{2,}}|[\t\u00a0\u2002\u2003\u2009]")
_BLANK_LINES_RE = re.compile(r"\n{2,}|^\n+|\n+$")


@dataclass(frozen=True)
class Cleaned:
    """Clean text and its offset map.

    ``spans`` holds ``(output_start, input_start)`` pairs, sorted: from ``output_start`` up to the next
    span, output character ``i`` is input character ``input_start + (i - output_start)``. A character
    that replaced a longer match (an entity, a run of spaces) maps to a character inside that match.
    """

    text: str
    spans: tuple[tuple[int, int], ...]

    def offset(self, i: int) -> int:
        """Index in the input of output character ``i`` (``0 <= i < len(text)``; else ``IndexError``)."""
        if not 0 <= i < len(self.text):
            raise IndexError(i)
        k = bisect.bisect_right(self.spans, (i, float("inf"))) - 1
        out_start, in_start = self.spans[k]
        return in_start + (i - out_start)

    @cached_property
    def offsets(self) -> list[int]:
        """``offsets[i]`` is the input index of output character ``i`` (one entry per output character)."""
        ends = [s[0] for s in self.spans[1:]] + [len(self.text)]
        return list(itertools.chain.from_iterable(
            range(in_start, in_start + (end - out_start))
            for (out_start, in_start), end in zip(self.spans, ends, strict=True)
        ))


_Repl = Callable[[re.Match[str]], str]


def _sub(text: str, pattern: re.Pattern[str], repl: str | _Repl) -> tuple[str, list[tuple[int, int]]]:
    """``pattern.sub`` that also returns the spans mapping the result back to ``text``.

    Each replacement must be no longer than its match (the map stays inside the match).
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    out = 0
    pos = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        if start > pos:
            spans.append((out, pos))
            parts.append(text[pos:start])
            out += start - pos
        new = repl if isinstance(repl, str) else repl(m)
        if len(new) > end - start:
            raise AssertionError(f"replacement {new!r} longer than match {m.group()!r}")
        if new:
            spans.append((out, start))
            parts.append(new)
            out += len(new)
        pos = end
    if not spans and pos == 0:
        return text, [(0, 0)]
    if pos < len(text):
        spans.append((out, pos))
        parts.append(text[pos:])
    return "".join(parts), spans or [(0, 0)]


def _compose(outer: Sequence[tuple[int, int]], inner: Sequence[tuple[int, int]], length: int
             ) -> list[tuple[int, int]]:
    """Spans of ``outer`` (text C → text B) composed with ``inner`` (B → A): C → A. ``length`` = len(C)."""
    if len(inner) == 1:
        shift = inner[0][1] - inner[0][0]
        return [(o, i + shift) for o, i in outer]
    inner_starts = [s[0] for s in inner]
    result: list[tuple[int, int]] = []
    ends = [s[0] for s in outer[1:]] + [length]
    for (out_start, mid_start), out_end in zip(outer, ends, strict=True):
        # The outer span covers B[mid_start:mid_end]; cut it where an inner span starts.
        mid_end = mid_start + (out_end - out_start)
        k = bisect.bisect_right(inner_starts, mid_start) - 1
        mid = mid_start
        while mid < mid_end:
            b_start, a_start = inner[k]
            result.append((out_start + (mid - mid_start), a_start + (mid - b_start)))
            k += 1
            if k == len(inner):
                break
            mid = inner[k][0]
    return result or [(0, 0)]


def _strip_tones(syllables: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllables)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ü", "u").replace("v", "u")


def _splits_into_syllables(word: str) -> bool:
    # Longest-match-first DP over the syllable table (a syllable is at most 6 letters: zhuang).
    n = len(word)
    ok = [True] + [False] * n
    for end in range(1, n + 1):
        starts = range(max(0, end - 6), end)
        ok[end] = any(ok[start] and word[start:end] in PINYIN_SYLLABLES for start in starts)
    return ok[n]


def is_pinyin(candidate: str, *, require_tone: bool = False) -> bool:
    """True when ``candidate`` reads as a pinyin annotation.

    Tone-marked: every space- or apostrophe-separated word splits into valid syllables and at least one
    tone mark is present. Plain (allowed unless ``require_tone``): exactly one valid syllable of at least
    two letters (``xue``; not ``a``, ``online``, ``ai``-like list markers of one letter).
    """
    if not candidate or candidate != candidate.lower():
        return False
    toned = any(c in _TONED for c in candidate)
    words = [w for w in re.split(r"[ ']+", _strip_tones(candidate)) if w]
    if not words:
        return False
    if toned:
        return all(_splits_into_syllables(w) for w in words)
    if require_tone:
        return False
    return len(words) == 1 and len(words[0]) >= 2 and words[0] in PINYIN_SYLLABLES


def _annotation(m: re.Match[str]) -> tuple[str, bool]:
    """The candidate pinyin of a ``_RUBY_RE`` match and whether it must be tone-marked."""
    if m.group("p1") is not None:
        return m.group("p1"), False
    if m.group("p2") is not None:
        return m.group("p2"), False
    return m.group("p3"), True


def _ruby_repl_for(text: str) -> _Repl:
    """The replacement for the pinyin pass over ``text``.

    Plain (toneless) syllables are removed only in a text that evidently went through a ruby-flattening
    scraper: one with a tone-marked annotation, or with at least :data:`MIN_PLAIN_ANNOTATIONS` plain
    ones. Alone, ``人工智能（ai）`` or a pun like ``交(mian)流(ji)`` is the author's text (both occur in the
    benchmark corpus, which has no ruby residue at all).
    """
    decided: list[bool] = []  # computed on the first plain candidate: most texts have none

    def allow_plain() -> bool:
        if not decided:
            toned = plain = 0
            for m in _RUBY_RE.finditer(text):
                candidate, require_tone = _annotation(m)
                if is_pinyin(candidate, require_tone=True):
                    toned += 1
                    break
                if not require_tone and is_pinyin(candidate):
                    plain += 1
            decided.append(toned > 0 or plain >= MIN_PLAIN_ANNOTATIONS)
        return decided[0]

    def repl(m: re.Match[str]) -> str:
        candidate, require_tone = _annotation(m)
        if is_pinyin(candidate, require_tone=True):
            return ""
        if not require_tone and is_pinyin(candidate) and allow_plain():
            return ""
        return m.group()

    return repl


def _entity_repl(m: re.Match[str]) -> str:
    decoded = html.unescape(m.group())
    if decoded == m.group():
        return decoded
    # Entities for spaces become a plain space (folded with its neighbours in the whitespace pass).
    return " " if decoded.isspace() and decoded != "\n" else decoded


def _dropped_line(m: re.Match[str]) -> str:
    # A dropped line keeps nothing, not even its newline; blank lines are folded later anyway.
    return ""


# (pattern, replacement, guard): a pass runs only if one of the guard strings (or characters, for a str
# guard) occurs in the text, or the guard function says so: a clean text costs a few substring scans
# instead of a regex pass each. An empty guard always runs. The pinyin pass runs between the two groups,
# with a replacement built from the text (_ruby_repl_for).
_Guard = str | tuple[str, ...] | Callable[[str], bool]
_Pass = tuple[re.Pattern[str], str | _Repl, _Guard]
_SPACES = _SPACE[1:-1]  # the characters of the _SPACE class


# Every footer match holds one of these (see _FOOTER_LINE_RE).
_FOOTER_GUARD = ("ICP", "公网安", "公網安", "Copyright", "COPYRIGHT", "©", "(c)", "版权所有", "版權所有",
                 "一篇", "一条", "一條")


def _may_have_blank_lines(text: str) -> bool:
    return "\n\n" in text or text.startswith("\n") or text.endswith("\n")


def _blank_lines_repl(m: re.Match[str]) -> str:
    return "" if m.start() == 0 or m.end() == len(m.string) else "\n"


_PASSES_BEFORE: tuple[_Pass, ...] = (
    (_LINEBREAK_RE, "\n", "\r"),
    (_ENTITY_RE, _entity_repl, "&"),
    (_INVISIBLE_RE, "", ""),
)
_PASSES_AFTER: tuple[_Pass, ...] = (
    (_CHROME_LINE_RE, _dropped_line, ""),
    (_FOOTER_LINE_RE, _dropped_line, _FOOTER_GUARD),
    (_FILE_NAME_RE, "", "."),
    (_LINE_EDGE_RE, "", _SPACES),
    (_SPACE_RUN_RE, " ", _SPACES),
    (_BLANK_LINES_RE, _blank_lines_repl, _may_have_blank_lines),
)


def _guard_passes(guard: _Guard, text: str) -> bool:
    if callable(guard):
        return guard(text)
    return not guard or any(s in text for s in guard)


def clean_text(text: str) -> Cleaned:
    """Clean ``text`` (see the module docstring) and return the result with its offset map.

    Never raises on any ``str``; an empty result is possible (a text of chrome only).
    """
    spans: list[tuple[int, int]] = [(0, 0)]
    current = text

    def apply(pattern: re.Pattern[str], repl: str | _Repl) -> None:
        nonlocal current, spans
        new, new_spans = _sub(current, pattern, repl)
        if new is not current:
            spans = _compose(new_spans, spans, len(new))
            current = new

    for pattern, repl, guard in _PASSES_BEFORE:
        if _guard_passes(guard, current):
            apply(pattern, repl)
    if (")" in current or "）" in current) and _RUBY_HINT_RE.search(current):
        apply(_RUBY_RE, _ruby_repl_for(current))
    for pattern, repl, guard in _PASSES_AFTER:
        if _guard_passes(guard, current):
            apply(pattern, repl)
    return Cleaned(current, tuple(spans))
