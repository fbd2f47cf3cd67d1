"""Person rules on characters: surname + given name before a title, after a role or an organization,
at a sentence start, and in lists next to a confirmed name."""

from __future__ import annotations

import bisect
import re
from collections.abc import Container

from search.analysis import Word, pos_tag, segmenter
from search.lexicon import Lexicon

from .flags import _Index, _tag_of
from .tables import (
    _AFTER_NAME,
    _AFTER_NAME_STRONG,
    _COMPOUND_SURNAMES,
    _HAN,
    _NAME_STOP,
    _NOT_GIVEN,
    _PLACE_FINAL,
    _SURNAME_ORDER,
    _SURNAME_RE,
    _TITLE_SET,
    _TITLES,
    _WEAK_SURNAMES,
    _is_han_char,
)


def _name_at(norm: str, start: int, boundaries: Container[int], anchor: bool = False
             ) -> list[tuple[int, int]]:
    """Candidate name spans starting at ``start`` (surname + 1–2 Han characters), longest first;
    ``start`` must be a word boundary, unless ``anchor`` (a name may begin there anyway)."""
    if not anchor and start not in boundaries:
        return []
    m = _SURNAME_RE.match(norm, start)
    if not m:
        return []
    s_end = m.end()
    given = _GIVEN_RE.match(norm, s_end)
    if given is None:
        return []
    if given.end() - s_end == 2:
        return [(start, s_end + 2), (start, s_end + 1)]
    return [(start, s_end + 1)]


# One or two characters that may follow a surname in a name: Han (_is_han_char), not in _NOT_GIVEN.
_GIVEN_RE = re.compile(
    "(?:(?![" + re.escape("".join(sorted(_NOT_GIVEN))) + "])[\u3400-\u4dbf\u4e00-\u9fff]){1,2}"
)






_PERSON_TAGS = {"x", "nr", "nrfg", "nrt"}
# A dictionary word more frequent than this that is not tagged as a name is a word, not a name (党委).
_RARE_WORD = 300


def _longest_first(words: tuple[str, ...]) -> str:
    """A regex matching the longest of ``words`` at a position, its alternatives grouped by first
    character (``主(?:任委员|…|席|任)|…``): the engine then tries a handful of them where it tried all."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):  # stable: equal lengths keep their order
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


_TITLE_RE = re.compile(_longest_first(_TITLES))
_ROLE_GAP_RE = re.compile(r"[ :]*")


_LIST_RE = re.compile(f"(?:{_HAN}{{2,3}}、)+{_HAN}{{2,3}}")
# Where sentences start: after the spaces at the start of the text, or after a sentence end or a newline
# and the spaces that follow it (the match ends there). Matching the end marks, not every position that
# follows one, lets the engine skip ahead to them.
_SENTENCE_END_RE = re.compile(r"[。！？；\n][ \t]*")
_LEADING_SPACE_RE = re.compile(r"[ \t]*")
_ACTIONS = ("参加", "参观", "考察", "调研", "会见", "出席", "主持", "致辞", "讲话", "发言", "说", "介绍",
            "分享",
            "带来", "回顾", "宣读", "听取", "率团", "率队", "一行")
# What follows a name right after an organization, or at the start of a sentence.
_AFTER_ORG_NAME = _AFTER_NAME_STRONG + ("的", "在", "为", "以", "等", "、", "，", "和")
_AFTER_OPENING_NAME = _AFTER_NAME_STRONG + _ACTIONS
_AFTER_NAME_OR_TITLE = _AFTER_NAME + _TITLES


def _find_people(
    norm: str, words: tuple[Word, ...], lex: Lexicon, org_ends: set[int], index: _Index
) -> list[tuple[int, int]]:
    found: dict[tuple[int, int], None] = {}
    freq = segmenter().FREQ
    cut = _Cut(words)
    boundaries = cut  # the word starts

    def good(
        span: tuple[int, int], after_role: bool = False, at_title: bool = False, listed: bool = False
    ) -> bool:
        name = norm[span[0] : span[1]]
        if name in _NAME_STOP or lex.types.get(name) not in (None, "person"):
            return False
        # A dictionary word that is not a name (党委, 宣读, 项目), or a place (常熟市), is not a person.
        if name.endswith(("市", "省", "县", "区")) or lex.types.get(name) == "place":
            return False
        tag = pos_tag(name)
        if tag not in _PERSON_TAGS and freq.get(name, 0) > _RARE_WORD:
            return False
        if len(name) == 2 and name[0] == name[1]:
            return False  # a reduplicated word (单单, 常常), not a name
        if freq.get(name[:2], 0) > 0 and pos_tag(name[:2]) in _NOT_NAME_START_TAGS:
            return False  # jieba's nr on a time or function word phrase (今天上午)
        if (name[0] in _FUNCTION_SURNAMES and len(name) >= 3 and freq.get(name[1:], 0) > 0
                and pos_tag(name[1:]) not in _PERSON_TAGS):
            return False  # a function word before a word (来激发, 但高雄, 原常务), not a surname
        if tag in ("v", "vn") and freq.get(name, 0) > 0:
            return False  # a dictionary verb (揭牌), not a name
        fits = _name_fits_words(norm, span, cut, after_role, at_title, listed)
        if not fits and lex.types.get(name) != "person":
            return False
        # A bare surname + title ("李总统", "王老师") is not a name.
        return not norm.startswith(_TITLES, span[0] + 1)

    # Dictionary and lexicon person words; transliterated names (nrt, 特朗普) after a title too.
    for i in index.people:
        w = words[i]
        if lex.types.get(w.text) == "person":
            found[(w.start, w.end)] = None
            continue
        if (len(w.text) > 3 or not _SURNAME_RE.match(w.text)) and not _whole_word(norm, words, i):
            continue  # a transliterated name jieba cut out of a longer one (托卡耶夫 → 卡耶夫)
        if norm.startswith(_AFTER_NAME_STRONG, w.end) and good((w.start, w.end)):
            found[(w.start, w.end)] = None
        elif (_tag_of(w.text) in ("nr", "nrt") and freq.get(w.text, 0) < _RARE_FOREIGN
              and norm.endswith(_TITLES, 0, w.start) and _whole_word(norm, words, i)
              and good((w.start, w.end))):
            found[(w.start, w.end)] = None
    for span in _dotted_names(norm, words):
        found[span] = None

    # Names right before a title, and right after a role.
    title_ends = set()
    for m in _TITLE_RE.finditer(norm):
        t_start, t_end = m.span()
        if cut.inside(t_start) and cut.inside(t_end) and not _place_title(norm, words, cut, t_start):
            continue  # a title inside other words (大学长江学者 is not 学长)
        title_ends.add(t_end)
        for back in (3, 2, 4):
            s = t_start - back
            if s < 0:
                continue
            for span in _name_at(norm, s, boundaries):
                if span[1] == t_start and good(span, at_title=True):
                    found[span] = None
                    break
            else:
                continue
            break
        t_end = _ROLE_GAP_RE.match(norm, t_end).end()  # type: ignore[union-attr]
        spans = _name_at(norm, t_end, boundaries, anchor=True)
        cands = [c for c in spans if good(c, after_role=True, at_title=True)]
        # A third character that starts a title is not part of the name (韩璎教授).
        cands = [c for c in cands if not (c[1] - c[0] == 3 and norm.startswith(_TITLES, c[1] - 1))]
        # Prefer the candidate a name boundary follows; else the longer one (most names have 3 characters).
        bounded = [c for c in cands if norm.startswith(_AFTER_NAME_OR_TITLE, c[1])]
        pick = bounded[0] if bounded else (cands[0] if cands and norm[t_end] not in _WEAK_SURNAMES else None)
        following = cut.at(pick[1]) if pick is not None else None
        if (pick is not None and not bounded and len(spans) > len(cands) and pick[1] - pick[0] == 2
                and (freq.get(norm[pick[0] : pick[1]], 0) > 0
                     or freq.get(norm[pick[1] - 1 : pick[1] + 1], 0) > 0
                     or following is None or len(following.text) < 2)):
            # The three-character reading failed, so a two-character one is doubtful when it is a word or
            # its last character makes a word with the next one (齐聚首都: 聚首); else it stays a name
            # (主讲人：莫涛时间), unless a one-character word follows (马莱阿内: a longer foreign name).
            pick = None
        if pick is not None:
            found[pick] = None
    # Names before a count of people ("王若麟等二十五位选手", "徐晓兰等11人当选").
    def name_before(pos: int, backs: tuple[int, ...], at_title: bool = False) -> None:
        for back in backs:
            span = next((sp for sp in _name_at(norm, pos - back, boundaries) if sp[1] == pos), None)
            if span is not None and good(span, at_title=at_title):
                found[span] = None
                return

    for m in _COUNT_AFTER_RE.finditer(norm):
        name_before(m.start(), (3, 2, 4))
    # Names with their Latin form in parentheses before a title ("潘恩（Christopher Pyne）前部长").
    for m in _LATIN_GLOSS_RE.finditer(norm):
        name_before(m.start(), (3, 2), at_title=True)
    # Names right after an organization ("同济大学余卓平在…", "广汽研究院黄向东的报告") or at the start of a
    # sentence, followed by a verb of speech or action.
    starts = {_LEADING_SPACE_RE.match(norm).end()} | {m.end() for m in _SENTENCE_END_RE.finditer(norm)}  # type: ignore[union-attr]
    for anchor in sorted(set(org_ends) | starts):
        for span in _name_at(norm, anchor, boundaries, anchor=True):
            if norm.startswith(_AFTER_ORG_NAME if anchor in org_ends else _AFTER_OPENING_NAME, span[1]):
                if good(span):
                    found[span] = None
                break
    # Lists "甲、乙、丙": names when they are confirmed elsewhere, or when most items look like names.
    confirmed: set[str] | None = None
    for m in _LIST_RE.finditer(norm):
        if confirmed is None:
            confirmed = {norm[s:e] for s, e in found}
            confirmed |= {
                words[i].text for i in index.names if words[i].text not in confirmed
                and good((words[i].start, words[i].end))
            }
        spans = []
        pos = m.start()
        for item in m.group(0).split("、"):
            spans.append((pos, pos + len(item)))
            pos += len(item) + 1
        if spans[0][0] + 1 in title_ends:  # "副主任许炜、张海新": the first item began inside the title
            spans[0] = (spans[0][0] + 1, spans[0][1])
        last = spans[-1]
        if last[1] - last[0] == 3 and not norm.startswith(_AFTER_NAME, last[1]) and norm.startswith(
            _AFTER_NAME, last[1] - 1
        ):
            spans[-1] = (last[0], last[1] - 1)
        # Items sharing a first or last character are a list of terms (高起点、高水平; 国家观、文化观).
        if len({norm[a] for a, _ in spans}) == 1 or len({norm[b - 1] for _, b in spans}) == 1:
            continue
        known = any(norm[a:b] in confirmed for a, b in spans)
        names = [
            sp for sp in spans
            if _SURNAME_RE.match(norm, sp[0]) and norm[sp[1] - 1] not in _PLACE_FINAL
            and good(sp, listed=known) and pos_tag(norm[sp[0] : sp[1]]) in _PERSON_TAGS
        ]
        if not known:
            # Without a confirmed name, a dictionary word is a term of a list of terms (高技术、高水平).
            names = [sp for sp in names if freq.get(norm[sp[0] : sp[1]], 0) == 0]
        else:
            # Beside a confirmed name, a dictionary word still needs a common surname to be a name
            # (科普画廊、宣传栏、电子显示屏 lists things, not people; 王平 and 高明 can be names).
            names = [
                sp for sp in names
                if freq.get(norm[sp[0] : sp[1]], 0) == 0 or norm[sp[0]] in _COMMON_SURNAMES
            ]
        if known or (len(names) >= 2 and len(names) * 5 >= len(spans) * 3):
            for sp in names:
                found[sp] = None
    return list(found)



# Tags of a two-character dictionary word that cannot begin a name (time, locative, numeral, function).
_NOT_NAME_START_TAGS = {"t", "f", "m", "r", "p", "c", "d", "u"}
# Surname characters that are mostly function words: followed by a dictionary word, no name (来激发).
_FUNCTION_SURNAMES = set("和向但都来任宣时于以从为连同应全原")
# "等" + a count of people after a name (王若麟等二十五位选手).
_COUNT_AFTER_RE = re.compile("等(?:[0-9]+|[一二三四五六七八九十百几数]+)(?:位|名|人)")
# A Latin gloss in parentheses between a name and a title (潘恩（Christopher Pyne）前部长).
_LATIN_GLOSS_RE = re.compile(
    r"\([a-z][a-z .'-]*\)(?=前?(?:" + "|".join(sorted(_TITLES, key=len, reverse=True)) + "))"
)
# A transliterated name word (nr/nrt, 3+ characters) more frequent than this is a common word (今天上午).
_RARE_FOREIGN = 100


def _place_title(norm: str, words: tuple[Word, ...], cut: _Cut, t_start: int) -> bool:
    """Whether the title at ``t_start`` begins with the suffix of the place word it is glued to
    (苗栗县 + 长 → 县长, 台北市 + 长 → 市长): a title after all."""
    if norm[t_start] not in "省市县区":
        return False
    k = bisect.bisect_right(cut.starts, t_start) - 1
    return k >= 0 and words[k].end == t_start + 1 and len(words[k].text) >= 3


def _whole_word(norm: str, words: tuple[Word, ...], i: int) -> bool:
    """Whether ``words[i]`` stands alone: after a title, a non-Han character or a function character, and
    before a non-Han character or a word of two or more characters (not a one-character piece of the
    same name: 彭达罗夫斯基 cut 彭达/罗夫斯基, 朱杨柱 cut 朱杨/柱)."""
    w = words[i]
    before = norm[w.start - 1] if w.start else ""
    clean_start = (not before or not _is_han_char(before) or before in _NOT_GIVEN
                   or norm.endswith(_TITLES, 0, w.start))
    nxt = words[i + 1] if i + 1 < len(words) else None
    clean_end = (nxt is None or nxt.start != w.end or not nxt.han or len(nxt.text) > 1
                 or nxt.text in _NOT_GIVEN)
    return clean_start and clean_end


# The interpuncts of transliterated names (奥拉夫·朔尔茨, 戴尔‧摩坦森).
_DOT_RE = re.compile(f"(?<={_HAN})[·‧•・](?={_HAN})")
_FOREIGN_PART_TAGS = {"nr", "nrt", "nrfg", "x", "j", "nz", "ns"}
_FOREIGN_PART_CHARS = 8
_OPEN_QUOTES = set("“「『《\"")
_CLOSE_QUOTES = set("”」』》\"")


def _foreign_part(word: Word) -> bool:
    """Whether ``word`` may be part of a transliterated name: a name-like word, or one character that
    is not a function character; never a title."""
    if not word.han or word.text in _TITLE_SET:
        return False
    if len(word.text) == 1:
        return word.text not in _NOT_GIVEN
    return _tag_of(word.text) in _FOREIGN_PART_TAGS


def _dotted_names(norm: str, words: tuple[Word, ...]) -> list[tuple[int, int]]:
    """Transliterated names written with an interpunct (总理奥拉夫·朔尔茨访华 → 奥拉夫·朔尔茨): the name-like
    words right before the first dot and right after the last one (a title or a verb ends them)."""
    if "·" not in norm and "‧" not in norm and "•" not in norm and "・" not in norm:
        return []  # the common case, four C scans
    dots = [m.start() for m in _DOT_RE.finditer(norm)]
    if not dots:
        return []
    by_end = {w.end: k for k, w in enumerate(words)}
    by_start = {w.start: k for k, w in enumerate(words)}
    out = []
    k = 0
    while k < len(dots):
        last = k
        # Dots of one name: the parts between them are short runs of Han characters.
        while last + 1 < len(dots) and dots[last + 1] - dots[last] <= _FOREIGN_PART_CHARS and all(
                _is_han_char(c) for c in norm[dots[last] + 1 : dots[last + 1]]):
            last += 1
        start, end = dots[k], dots[last] + 1
        j = by_end.get(start)
        while j is not None and j >= 0 and _foreign_part(words[j]) and dots[k] - words[j].start <= 6:
            start = words[j].start
            j -= 1
            if j >= 0 and words[j].end != start:
                break
        j = by_start.get(end)
        while j is not None and j < len(words) and _foreign_part(words[j]) and words[j].end - end <= 6:
            end = words[j].end
            j += 1
            if j < len(words) and words[j].start != end:
                break
        # A quoted name with a dot is a work's or a programme's (“云里·悟理”).
        quoted = start > 0 and norm[start - 1] in _OPEN_QUOTES and norm[end : end + 1] in _CLOSE_QUOTES
        titled = norm.rfind("《", max(0, start - 30), start) > norm.rfind("》", max(0, start - 30), start)
        if start < dots[k] and end > dots[last] + 1 and not quoted and not titled:
            out.append((start, end))
        k = last + 1
    return out


class _Cut:
    """Where jieba's cut puts word boundaries: the word starting at each offset, and whether an offset is
    strictly inside a word (a name cannot begin or end there: 发展态势 → no 展态势, 路演企业 → no 路演企).

    Looked up by bisection in the sorted word starts, not stored per offset: a document asks about a
    few dozen offsets, and a table of every offset costs one entry per character."""

    def __init__(self, words: tuple[Word, ...]) -> None:
        self.words = words
        self.starts = [w.start for w in words]

    def __contains__(self, p: object) -> bool:
        """Whether a word starts at offset ``p``."""
        k = bisect.bisect_left(self.starts, p)  # type: ignore[call-overload]
        return k < len(self.starts) and self.starts[k] == p

    def at(self, p: int) -> Word | None:
        """The word starting at offset ``p``, if any."""
        k = bisect.bisect_left(self.starts, p)
        return self.words[k] if k < len(self.starts) and self.starts[k] == p else None

    def inside(self, p: int) -> bool:
        """Whether offset ``p`` is strictly inside a Han word."""
        k = bisect.bisect_right(self.starts, p) - 1
        if k < 0:
            return False
        word = self.words[k]
        return word.start < p < word.end and word.han


# The commonest surnames (the first hundred of _SURNAMES, which is in order of frequency): a dictionary
# word that starts with one may still be a name (王平, 高明); other nr-tagged words are words (荣誉, 权威).
_COMMON_SURNAMES = set(_SURNAME_ORDER[:100])
# Function words that are also (rare) surnames: 和行业专家, 向大家介绍, 于是.
_CONJ_SURNAMES = set("和与及")
_PREP_SURNAMES = set("向同对为以从由在跟")
_NUMERAL_CHARS = set("0123456789一二三四五六七八九十百千万两几数")
# Word classes of a dictionary word that cannot be the given name or the start of a name.
_WORD_TAGS = {"n", "v", "vn", "a", "an", "j", "l", "nt"}
_FUNCTION_TAGS = {"r", "p", "c", "u", "uj", "ul", "d", "m", "q", "f", "t", "vd", "ad"}


def _name_fits_words(
    norm: str, span: tuple[int, int], cut: _Cut, after_role: bool, at_title: bool, listed: bool
) -> bool:
    """Whether a candidate name agrees with jieba's cut and dictionary (the evidence that a run of
    characters is a word, not a name):

    * it neither begins nor ends inside a word (智能制造领域发展态势 → not 展态势; 路演企业 → not 路演企;
      告诉 → not 谭奕告), except where jieba glued its edge to a title (会长孙学山 cut 会/长孙/学/山,
      杨宗兴会士 cut 杨/宗/兴会/士: ``at_title``) or its last character to a word that follows names
      (吕一平等 cut 吕/一/平等, 李德仁和 cut 李/德/仁和);
    * it does not follow a numeral (114余位委员, 185位党员, 500余名);
    * a conjunction (和/与/及) is not a surname (专业投资人和行业专家, 院士和刘明院士), nor is a preposition
      in front of a dictionary word (同学向大家介绍, 向受聘老师);
    * it does not begin with a dictionary word other than a name (公众号, 宣传栏, 区块链), and a whole
      dictionary word is a name only if jieba calls it one and it is rare, or it starts with a common
      surname (荣誉理事长, 权威专家, 智库专家, 党支部书记, 晋见总统 are words; 王平, 周济 after a role,
      and 齐放 in a list with confirmed names (``listed``), are names).
    """
    start, end = span
    if cut.inside(start) and not (at_title and after_role):
        return False
    if cut.inside(end) and not (at_title and not after_role) and not norm.startswith(_AFTER_NAME, end):
        return False
    if start > 0 and norm[start - 1] in _NUMERAL_CHARS:
        return False
    first = norm[start]
    rest = norm[start + 1 : end]
    freq = segmenter().FREQ
    if first in _CONJ_SURNAMES:
        return False
    if first in _PREP_SURNAMES and len(rest) >= 2 and freq.get(rest, 0) > 0:
        return False
    if first == "任" and len(rest) >= 2 and freq.get(rest, 0) > 0 and start > 0 and _is_han_char(
            norm[start - 1]):
        return False  # 任 "serve as" after a name or title (刘明院士任学术委员会顾问); not 。任飞翔认为
    word = cut.at(start)
    if word is None:
        return True
    if word.end > end:
        return False  # the beginning of a longer word (纪委书记 → not 纪委)
    name = norm[start:end]
    if word.end < end and len(word.text) >= 2:
        tag = _tag_of(word.text)
        common_noun = tag == "n" and first in _COMMON_SURNAMES  # 王家 in 王家耀
        rare = freq.get(word.text, 0) < 10 or word.text in _COMPOUND_SURNAMES  # 季连 in 季连成, 司徒文
        if tag in _WORD_TAGS and not rare and not common_noun:
            return False
    if word.end != end or freq.get(name, 0) == 0:
        return True
    # ``name`` is one dictionary word.
    tag = _tag_of(name)
    if tag in _FUNCTION_TAGS:
        return False  # 任内, 余位
    if tag not in _PERSON_TAGS:
        return after_role  # a noun right after a role may still be a name (院长周济); else a word (智库专家)
    if len(name) == 2:
        return freq[name] < 100 or first in _COMMON_SURNAMES or listed
    # A three-character word jieba knows well whose last two characters make a common word (高水平,
    # 高素质) is a word; names in jieba's dictionary are rare words (吴建平, 马建军).
    tail = name[1:]
    return not (freq[name] >= 10 and freq.get(tail, 0) >= 100 and _tag_of(tail) in _WORD_TAGS)


def _place_led_names(words: tuple[Word, ...], index: _Index) -> list[tuple[int, int]]:
    """Names that begin with a two-character place word (韩国 + 瑜 → 韩国瑜): the place starts with a
    surname and the next word is one character jieba tags as a given name."""
    out = []
    for k in index.led:
        if k + 1 in index.given and words[k + 1].start == words[k].end:
            out.append((words[k].start, words[k + 1].end))
    return out


# Latin-script personal names (guidelines §3: kept as written): a Latin gloss in parentheses after a
# name found (纪博伟（Benoît Guidée）), two or more capitalized words right after or before a title
# (执行长 Simon Spanswick, Christopher A. Pissarides 博士), one capitalized word before an honorific
# (Mortensen 博士). An academic or courtesy prefix is no part of the name (Dr. Dale T. Mortensen).
_L = "a-zà-öø-ÿāăąćčďđēėęěğīįıķĺľłńňōőœŕřśšşťūůűųźżž"  # Latin letters (the text is lowercased)
_LATIN_WORD = rf"[{_L}]+(?:['’-][{_L}]+)*"
_LATIN_TOKEN = rf"{_LATIN_WORD}\.?"  # a word, an initial or an abbreviation (a., dr., jr.)
# Words separated by one space (an initial's period may stand for it: a.diamond); never two ways to cut.
_LATIN_NAME = rf"{_LATIN_TOKEN}(?:(?<=\.)[ ]?{_LATIN_TOKEN}|[ ]{_LATIN_TOKEN})*"
_LATIN_PREFIX_RE = re.compile(r"(?:dr|mr|mrs|ms|prof|sir)\.?\s+")
_HONORIFICS = ("博士", "教授", "先生", "女士", "院士", "夫人")
_GLOSS_RE = re.compile(rf"\(\s*({_LATIN_NAME})\s*\)")
_LATIN_RUN_RE = re.compile(rf"(?<![{_L}.]){_LATIN_NAME}")


def _latin_people(text: str, norm: str,
                  people: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Latin-script names of people in ``text`` (see above): span → the span of the Han name it glosses,
    or the span itself."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for p in people:
        m = _GLOSS_RE.match(norm, p[1])
        if m is not None:
            span = _latin_name(text, norm, m.start(1), m.end(1), 2)
            if span is not None:
                out[span] = p
    # One pass over the runs of Latin words; titles are tested at their ends (a regex alternation of
    # every title at every position costs about a tenth of the extraction).
    for m in _LATIN_RUN_RE.finditer(norm):
        start, end = m.span()
        after = end + (norm.startswith(" ", end))
        before = start - (start > 0 and norm[start - 1] == " ")
        if norm.startswith(_TITLES, after):
            least = 1 if norm.startswith(_HONORIFICS, after) else 2
        elif norm.endswith(_TITLES, 0, before):
            least = 2
        else:
            continue
        span = _latin_name(text, norm, start, end, least)
        if span is not None:
            out.setdefault(span, span)
    return out


def _latin_name(text: str, norm: str, start: int, end: int, least: int) -> tuple[int, int] | None:
    """``start:end`` less a courtesy prefix, if it is ``least`` or more words each capitalized in ``text``
    (the original case), with at least one word of two letters or more."""
    prefix = _LATIN_PREFIX_RE.match(norm, start, end)
    if prefix is not None:
        start = prefix.end()
    words = text[start:end].replace(".", ". ").split()
    full = [w for w in words if len(w.rstrip(".")) > 1]
    if len(words) < least or not full or not all(w[0].isupper() for w in words):
        return None
    if any("\u4e00" <= c <= "\u9fff" for c in text[start:end]):
        return None
    return start, end
