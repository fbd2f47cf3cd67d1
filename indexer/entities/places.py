"""Place rules: lexicon places, trusted jieba ``ns`` words, administrative suffixes, villages; and the
filter of places written inside titles of works, quoted events and facility names."""

from __future__ import annotations

import bisect
import re

from search.analysis import Word
from search.lexicon import Lexicon

from .flags import _countries, _gazetteer, _place_starts, _tag_of
from .orgs import _is_name_part
from .tables import _LANDFORM_FINAL, _MEETING_TAIL, _SURNAMES, _TITLE_SET, _VILLAGE_FINAL, _WEAK_SURNAMES

_SEAT_TAILS = ("市委", "省委", "县委", "区委", "政府", "人民政府")
_ZONE_TAILS = ("高新区", "开发区", "新区", "工业区")
_PLACE_MERGE = {"省", "市", "县", "区", "镇", "村", "新区", "自治区", "特区", "高新区", "开发区", "工业区",
                "大陆"}
_PLACE_FINAL_CHARS = set("省市县区镇乡村州岛山湖江河港湾")
# Official names of states jieba tags ns (中华民国, 大韩民国); a bare 国 ending is too noisy (回国, 大国).
_STATE_FORMS = ("民国", "共和国")
_PLACE_BEFORE = set("在于赴到至往")
# Generic tails after a complete place name (亚太地区 → 亚太, 欧洲各国 → 欧洲).
_PLACE_TAILS = ("地区", "各国", "各地", "一带", "境内", "全境")


def _find_places(words: tuple[Word, ...], lex: Lexicon, norm: str, candidates: list[int],
                 firsts: list[int]) -> list[tuple[int, int]]:
    """Place spans, from the words at ``candidates`` (``_F_PLACE``) and village names."""
    spans = []
    n = len(words)
    weak = _gazetteer()[1]
    for i in candidates:
        word = words[i]
        text = word.text
        kind = lex.types.get(text)
        tag = _tag_of(text)
        nxt = words[i + 1] if i + 1 < n and words[i + 1].start == word.end else None
        if text[0] in _SCOPE_CHARS and set(text[1:]) <= _ADMIN_CHARS:
            continue  # 各县市, 全省区: a scope, not a place
        if kind is None and text in weak:
            # A gazetteer name jieba knows as a common word (大兴, 来宾): a place in a place context only.
            merged = nxt is not None and nxt.text in _PLACE_MERGE
            if merged or _place_context(words, i, lex, norm):
                spans.append((word.start, nxt.end if merged and nxt is not None else word.end))
            continue
        if kind is None and _small_place_word(text, tag):
            spans.append((word.start, word.end))  # 魏公村, 宝塔山 (jieba tags them as names)
            continue
        if kind == "place" or (kind is None and tag == "ns"):
            if nxt is not None and (nxt.text in _PLACE_MERGE or nxt.text == "巿"):
                spans.append((word.start, nxt.end))  # 重庆 + 高新区, 延安 + 市, 高雄 + 巿 (Taiwan variant)
                continue
            if text == "中国" and i > 0 and words[i - 1].end == word.start and words[i - 1].text in _SLOGANS:
                continue  # 健康中国, 数字中国: national programmes, not the country (guidelines §2)
            if nxt is not None and nxt.text in _EVENT_WORDS:
                continue  # 北京科技周: a place inside an event's name
            if nxt is not None and nxt.text in _TITLE_SET and nxt.text[0] in "省市县区":
                # 新竹县长 → 新竹县 (a title is not a name); 江苏省省长 → 江苏省, not 江苏省省.
                spans.append((word.start, word.end + (text[-1] != nxt.text[0])))
                continue
            if kind is None:
                for tail in _PLACE_TAILS:
                    if text.endswith(tail) and lex.types.get(text[: -len(tail)]) == "place":
                        spans.append((word.start, word.end - len(tail)))
                        break
                else:
                    # jieba's ns tag is noisy (维度, 嘉宾): trust it with a place ending or after 在/赴/到.
                    before = norm[word.start - 1] if word.start else ""
                    if _common_geo_word(text):
                        pass
                    elif (text[-1] in _PLACE_FINAL_CHARS or before in _PLACE_BEFORE
                            or norm.startswith(_SITE_WORDS, word.end)
                            or len(text) >= 4 and text.endswith(_STATE_FORMS)):
                        spans.append((word.start, word.end))
                continue
            spans.append((word.start, word.end))
    spans += _split_places(words, lex, firsts)
    # Villages written "surname + 家 + landform" (王家坪, 梁家河), whatever jieba made of them.
    starts: set[int] | None = None
    for m in _VILLAGE_RE.finditer(norm):
        if starts is None:
            starts = {w.start for w in words}
        if m.start() in starts and not any(a <= m.start() < b for a, b in spans):
            spans.append(m.span())
    spans.sort()
    return spans


_SCOPE_CHARS = set("各全本该")
_ADMIN_CHARS = set("省市县区乡镇村州")
# Words before a place that say it is one (乌克兰首都基辅).
_SEAT_WORDS = ("首都", "省会", "首府")


def _is_place_word(word: Word, lex: Lexicon) -> bool:
    return word.han and (lex.types.get(word.text) == "place" or word.text in _gazetteer()[1]
                         or _tag_of(word.text) == "ns")


def _place_context(words: tuple[Word, ...], i: int, lex: Lexicon, norm: str) -> bool:
    """Whether ``words[i]`` stands where a place does: after 在/赴/到 …, after 首都/省会, right after a
    place that contains it (江西宜春, 台湾苗栗), or in a ``、`` list next to a place (到大兴、通州、丰台)."""
    word = words[i]
    before = norm[word.start - 1] if word.start else ""
    if before in _PLACE_BEFORE:
        return True
    prev = words[i - 1] if i else None
    if prev is not None and prev.end == word.start and (
            prev.text in _SEAT_WORDS or lex.types.get(prev.text) == "place"):
        return True
    if prev is not None and before == "、" and prev.end == word.start - 1 and _is_place_word(prev, lex):
        return True
    nxt = words[i + 1] if i + 1 < len(words) else None
    return (nxt is not None and norm.startswith("、", word.end) and nxt.start == word.end + 1
            and _is_place_word(nxt, lex))


def _split_places(words: tuple[Word, ...], lex: Lexicon, firsts: list[int]) -> list[tuple[int, int]]:
    """Places jieba cut into single characters (印/太, 苗/栗/县): a run of two to four one-character Han
    words (the last may be a suffix word) whose text is a lexicon or gazetteer place, starting at one of
    ``firsts`` (``_F_SPLIT``: a character that begins a place name)."""
    out = []
    n = len(words)
    starts = _place_starts()
    # Only pairs of one-character words that begin a place name (one set lookup each) go further.
    # (Two texts make a two-character string only when both are one character.)
    pairs = [k for k in firsts if k + 1 < n and words[k].text + words[k + 1].text in starts
             and words[k + 1].start == words[k].end]
    after = -1
    for k in pairs:
        if k <= after:
            continue
        w = words[k]
        found = None
        text = w.text
        for m in range(k + 1, min(n, k + 4)):
            nxt = words[m]
            if nxt.start != words[m - 1].end or not nxt.han:
                break
            text += nxt.text
            if lex.types.get(text) == "place":
                found = (w.start, nxt.end, m)
            if len(nxt.text) > 1:
                break
        if found is not None:
            out.append(found[:2])
            after = found[2]
    return out


_VILLAGE_RE = re.compile(f"[{''.join(sorted(_SURNAMES - _WEAK_SURNAMES))}]家[坪沟河湾庄村岭塬峪洼屯寨峁]")


_NOT_SMALL_PLACES = {"农村", "城镇", "乡村", "乡镇", "小镇", "古镇", "新村", "山村", "渔村", "小城镇",
                     "新农村", "美丽乡村"}
# Words after a place that make it a historic site, still a place (枣园革命旧址, guidelines §2).
_SITE_WORDS = ("革命旧址", "旧址", "遗址", "故居")
_SLOGANS = {"健康", "美丽", "数字", "平安", "法治", "科创", "智慧", "创新", "网络", "质量", "交通", "体育",
            "文化", "教育", "制造", "航天", "书香"}
_EVENT_WORDS = {"科技周", "科技节", "论坛", "峰会", "博览会", "国际电影节", "马拉松", "科技馆"}


# Generic nouns jieba tags ns, which name no place: a common word + 地区/城市 (偏远地区, 港口城市, not
# 东北地区, 邹城市), and two generic geographic characters (城镇, 江河, 海岛, 山村).
_GENERIC_GEO_TAILS = ("地区", "城市", "园区")
_COMMON_WORD_TAGS = {"a", "n", "r", "v", "d", "vn", "b"}
_GENERIC_GEO_CHARS = set("城镇市乡村山河江湖海岛港湾洋都川峰岭")


def _common_geo_word(text: str) -> bool:
    """Whether a word jieba tags ``ns`` (and the lexicon does not know) is a common noun, not a name."""
    tail = next((t for t in _GENERIC_GEO_TAILS if text.endswith(t)), None)
    if tail is not None and len(text) > len(tail):
        return _tag_of(text[: -len(tail)]) in _COMMON_WORD_TAGS
    return len(text) == 2 and text[0] in _GENERIC_GEO_CHARS and text[1] in _GENERIC_GEO_CHARS


def _small_place_word(text: str, tag: str) -> bool:
    if len(text) != 3 or tag not in ("nr", "nrfg", "ns", "nz") or text in _NOT_SMALL_PLACES:
        return False
    if text[-1] in _VILLAGE_FINAL:
        return True
    return text[-1] in _LANDFORM_FINAL and (text[0] not in _SURNAMES or text[1] == "家")



# Facilities named after a place (圆山饭店, 松山机场): buildings, whose names hold no place (§2).
_FACILITY_WORDS = ("饭店", "大饭店", "机场", "宾馆", "酒店", "大厦", "大楼", "车站", "火车站", "体育馆",
                   "纪念馆", "会堂", "大桥", "隧道", "公墓", "处理器")
# Heads of buildings' names, which a place may begin with words between (中国 + 科技 + 会堂).
_BUILDING_HEADS = ("会堂", "大厦", "大楼", "礼堂", "体育馆", "纪念馆", "博物馆", "展览馆", "大剧院", "剧院")
# A building's name after a place begins with a Han character (not a list comma or a verb's 的).
_FACILITY_LEAD_RE = re.compile(r"[\u4e00-\u9fff]")
# Quoted names that are events, awards or programmes (「亚太永续发展国际论坛」).
_EVENT_TAILS = _MEETING_TAIL + ("奖", "赛", "计划", "工程", "行动", "周", "节", "展", "活动", "项目",
                                "开幕式", "闭幕式", "对话")
# Quoted titles of documents (“关于北京市…的建议”): a place inside them is not one of the text (§2).
_DOCUMENT_TAILS = ("建议", "意见", "通知", "办法", "方案", "规定", "条例", "决定", "倡议书", "倡议", "纲要",
                   "规划", "指南", "白皮书", "提案", "议案")
# Event heads a place may stand in front of inside the event's name (中国重症医学信息化与互联网大会).
_EVENT_HEADS = tuple(t for t in _MEETING_TAIL if t not in ("会议", "例会"))
_EVENT_NAME_WORDS = 8
_QUOTES = {"《": "》", "“": "”", "「": "」", "『": "』", '"': '"'}
# A line or sentence end, or a quote mark.
_QUOTE_SCAN_RE = re.compile("[\n。；" + re.escape("".join(sorted({*_QUOTES, *_QUOTES.values()}))) + "]")


def _enclosing_quote(norm: str, start: int, end: int) -> tuple[str, str] | None:
    """The quote mark and quoted text around ``start:end`` on the same line, if any."""
    # The nearest line or sentence end, or quote mark, within 30 characters before ``start``.
    marks = [m.start() for m in _QUOTE_SCAN_RE.finditer(norm, max(0, start - 30), start)]
    if not marks:
        return None
    k = marks[-1]
    c = norm[k]
    if c in _QUOTES:
        close = norm.find(_QUOTES[c], end, end + 40)
        nl = norm.find("\n", end, close) if close >= 0 else -1
        return (c, norm[k + 1 : close]) if close >= 0 and nl < 0 else None
    return None  # a line or sentence end, or a closing quote


def _in_event_name(words: tuple[Word, ...], k: int | None, heads: tuple[str, ...] = _EVENT_HEADS) -> bool:
    """Whether the words from ``words[k]`` on, name parts with no break, end in an event head within a
    few words (中国 + 重症医学信息化与互联网大会, 北京 + 国际电影节): the place is inside the event's name.
    With ``heads`` the heads of another kind of name (a building's: 中国 + 科技会堂)."""
    if k is None:
        return False
    end = words[k].start
    for j in range(k, min(len(words), k + _EVENT_NAME_WORDS)):
        w = words[j]
        if w.start != end or not w.han:
            return False
        if w.text.endswith(heads) and j > k:
            return True
        if not (_is_name_part(w, w.end) or w.text in ("与", "和", "及") and heads is _EVENT_HEADS):
            return False
        end = w.end
    return False


def _contained_places(norm: str, words: tuple[Word, ...], places: list[tuple[int, int]],
                      taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop places written inside a title of a work (《荷兰智能驾驶技术…》), a quoted event or award
    name, or a facility name; add the bare form ``X`` of a place ``X市``/``X县``/``X新区`` found in the
    same text where ``X`` stands as a word on its own (常熟市 … 在常熟举办)."""
    kept = []
    for start, end in places:
        if norm.startswith(_FACILITY_WORDS, end):
            continue
        quote = _enclosing_quote(norm, start, end)
        if quote is not None and (quote[0] == "《" or quote[1].endswith(_EVENT_TAILS + _DOCUMENT_TAILS)):
            continue
        k = bisect.bisect_left(words, end, key=lambda w: w.start)
        after = k if k < len(words) and words[k].start == end else None
        if _in_event_name(words, after):
            continue
        # A building a country's name begins (中国 + 科技会堂, 中国 + 考古博物馆); a city in front of one
        # is most often its location (台北 + 国父纪念馆, 新北市 + 板树体育馆), and so is a place before
        # another place (北京 + 中国科技会堂).
        if (after is not None and _FACILITY_LEAD_RE.match(norm, end) is not None
                and norm[start:end] in _countries()
                and _in_event_name(words, after, _BUILDING_HEADS)
                and not _starts_with_place(norm, end)):
            continue
        kept.append((start, end))
    bare = {norm[s:e - len(t)] for s, e in kept for t in ("市", "县", "新区")
            if norm.endswith(t, s, e) and e - s - len(t) >= 2}
    if bare:
        have = set(kept)
        for w in words:
            if w.text not in bare or (w.start, w.end) in have or norm.startswith(("市", "县", "新区"), w.end):
                continue
            if not any(o[0] <= w.start and w.end <= o[1] for o in taken):
                kept.append((w.start, w.end))
        kept.sort()
    return kept


def _starts_with_place(norm: str, pos: int) -> bool:
    """Whether a lexicon or gazetteer place begins at ``pos`` (北京 + 中国科技会堂: 北京 is the location)."""
    starts = _place_starts()
    return norm[pos : pos + 2] in starts
