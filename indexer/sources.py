"""The source (publisher or author) an announcement states in its own text (gold guidelines §8).

Forms, tried in this order, on the normalized (Simplified, half-width) text; the result is Simplified
and keeps several names as written (``张三、李四``):

1. a labelled line or bracket: ``来源：X`` / ``（来源：X）`` / ``稿源：X`` / ``供稿：X``, ``文/X``,
   ``作者：X``, ``撰稿：X``, ``撰文及责编∣X`` — the last such label in the text wins over an earlier one
   only when it is on a line of its own at the end (a trailing source line);
2. a news opening: ``X消息（新闻联播）：`` (``央视网消息（新闻联播）：`` → ``央视网``), ``据X报道``, ``X讯``;
3. a reporter byline ``（记者X／台北报导）`` → ``X``;
4. a repost header: the first body line consisting only of an organization name (``首都医科大学宣武医院``);
5. photo credits (``摄影/X``, ``图/X``) only when nothing else is stated.

``None`` when the text states no publisher or author.
"""

from __future__ import annotations

import re

from search.normalize import normalize, to_simplified

__all__ = ["extract_source"]

# Matching runs on the normalized text, where full-width ，：（）；/｜ are already ASCII.
_SEP = r"[ \t]*[:/|∣][ \t]*"
_NAME = r"[^\n:()【】\[\]。;!?]{1,40}?"
_END = r"[ \t]*(?=$|\n|[)】\]。;]|[ \t]{2,})"

_LABEL_RE = re.compile(
    rf"(?:^|(?<=[\n(【\[ \t,。]))(?:来源|稿源|供稿|供稿单位|信息来源|文章来源|作者|撰稿|撰文|撰文及责编|文|"
    rf"编辑|责编)(?:单位)?{_SEP}(?P<name>{_NAME}){_END}",
    re.M,
)
_PHOTO_RE = re.compile(
    rf"(?:^|(?<=[\n(【\[ \t]))(?:摄影|图|图片)(?:来源)?{_SEP}(?P<name>{_NAME}){_END}", re.M
)
_OPENING_RES = (
    re.compile(r"^[ \t]*(?P<name>[^\s,。:()]{2,20}?)消息[ \t]*(?:\([^)\n]{1,12}\))?[ \t]*:", re.M),
    re.compile(r"^[ \t]*据(?P<name>[^\s,。:()]{2,20}?)(?:报道|报导|消息)", re.M),
    re.compile(r"^[ \t]*(?P<name>[^\s,。:()]{2,12}?)讯[ \t]*(?:\([^)\n]{1,20}\))?[ \t]*[:,]?", re.M),
)
_BYLINE_RE = re.compile(
    r"[(【\[][ \t]*(?:(?:本报|本社|中央社)?记者)?[ \t]*(?P<name>[^\s()【】\[\]/]{2,30}?)[ \t]*/"
    r"[^\s()【】\[\]]{1,10}?报[导道][ \t]*[)】\]]"
)
# Lines that name an organization: short, no punctuation, ending in an organization word.
_ORG_LINE_RE = re.compile(
    r"^[^\s,。:;!?、()|]{3,25}(?:医院|大学|学院|学会|协会|科协|研究院|研究所|研究会|委员会|"
    r"中心|集团|公司|报社|杂志社|出版社|秘书处|办公室|网)$"
)
# Labels whose value is a person's title or a description, not a source.
_NOT_A_NAME_RE = re.compile(r"^(?:本网|佚名|不详|网络|admin)$|为.*教授|^\d")


def _clean(name: str) -> str | None:
    name = name.strip(" \t。，,.;；")
    if not name or _NOT_A_NAME_RE.search(name):
        return None
    return name


def extract_source(text: str) -> str | None:
    """The source stated in ``text`` (Simplified), or ``None``; see the module docstring for the forms."""
    if not text:
        return None
    norm = normalize(text)
    simplified = to_simplified(text)  # same length as norm: slice it to keep case and width of Latin names

    def take(match: re.Match[str]) -> str | None:
        return _clean(simplified[match.start("name") : match.end("name")].translate(_HALF))

    labels = [m for m in _LABEL_RE.finditer(norm) if _clean(m.group("name"))]
    if labels:
        return take(labels[-1])
    head = norm[:400]
    for regex in _OPENING_RES:
        m = regex.search(head)
        if m and _plausible_opening(m.group("name")):
            return take(m)
    m = _BYLINE_RE.search(norm)
    if m:
        return take(m)
    lines = [line.strip() for line in norm.split("\n")]
    for line in lines[1:3]:  # the first line is the title (title + "\n" + body)
        if line and _ORG_LINE_RE.match(line):
            start = norm.index(line)
            return _clean(simplified[start : start + len(line)])
    m = _PHOTO_RE.search(norm)
    if m:
        return take(m)
    return None


_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _plausible_opening(name: str) -> bool:
    # "X讯" must be a news agency or paper (新华社讯, 本报讯), not a word ending in 讯 (通讯, 资讯).
    return not re.search(r"通|资|简|快|喜|短|电|视频|音", name[-1:]) and len(name) >= 2
