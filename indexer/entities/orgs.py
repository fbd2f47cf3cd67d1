"""Organization rules: a suffix word or head character extended to the left over name parts."""

from __future__ import annotations

import re

from search.analysis import Word, pos_tag, segmenter
from search.lexicon import Lexicon

from .flags import _lexicon, _tag, _tag_of
from .tables import (
    _DEICTIC,
    _GENERIC_BODIES,
    _HAN,
    _LATIN_RE,
    _MEETING_TAIL,
    _NOT_SUBUNIT,
    _NT_HEAD_CHARS,
    _ORG_HEAD_CHARS,
    _ORG_LAST_CHARS,
    _ORG_STOP,
    _ORG_SUFFIXES,
    _SUBUNIT_CHARS,
    _SUBUNIT_SUFFIXES,
    _SURNAME_RE,
    _TITLE_LAST_CHARS,
    _TITLE_SET,
    _TITLES,
    _is_han_char,
    _title_cut,
)

_NAME_PART_TAGS = {"n", "nz", "ns", "nt", "nr", "nrt", "nrfg", "vn", "j", "l", "b", "an", "ng", "eng", "x",
                   "s", "i", "a", "f", "m"}
_BREAK_CHARS = set("由在和与及的等是为了向对将并到同暨原该本我其"
    "这那各从于以把被给让而或又也都就还已曾再共来去"
                   "上下中内外前后时年月日个位名届次多余经即如今请据至自当随家地着"
                   "才亦仍却便必只不没未很更最太称说要需应可跟用好")
_BREAK_WORDS = {"主办", "承办", "协办", "指导", "联合", "支持", "举办", "召开", "成立", "参加", "出席",
                "包括", "以及",
                "有关", "相关", "全体", "来自", "代表", "各级", "所属", "下属", "直属", "位于", "来到",
                "依托",
                "全国", "组织", "会同", "牵头", "通过", "依托于", "隶属", "作为", "担任", "当选", "获得",
                # Quantifiers and scopes: 吉林全省科协, 部分企业科协, 2020年度省科协 are no names.
                "全省", "全市", "全县", "全区", "部分", "年度", "街镇", "各市县", "各县市", "设区市", "跟著",
                "毕业", "卒业", "就读", "任职", "就职"}
# Words that begin a verb phrase, not a name (充分发挥好学会, 进一步提高省级学会, 利用自治区科协).
_VERBAL_PREFIXES = ("充分", "进一步", "发挥", "利用", "动员", "鼓励", "号召", "搭建", "举全", "感谢",
                    "特别感谢", "宣读", "领导", "举行", "打击", "援引", "欢庆", "落到", "落实", "贯彻")


def _org_head(words: tuple[Word, ...], i: int, norm: str) -> int:
    """0 if ``words[i]`` cannot end an organization name; 1 if it can; 2 if it can only as a sub-unit of
    a named organization written right before it (清华大学计算机系, 工信部科技司, 中国自动化学会秘书处); 3
    if it is one on its own and extends over nothing (国民党, 解放军)."""
    word = words[i]
    text = word.text
    if not word.han:
        return 0
    n = len(text)
    # Cheap test first: most words cannot end an organization name.
    if text[-1] not in _ORG_LAST_CHARS and not text.endswith(_SUBUNIT_SUFFIXES):
        return 1 if text[-1] in _TITLE_LAST_CHARS and _title_cut(text) else 0
    if text in _TITLE_SET or text.endswith(_MEETING_TAIL):
        return 0
    # "学院院长": a head character that begins a title is the title's.
    if n <= 2 and norm.startswith(_TITLES, word.end - 1):
        return 0
    if text in _GENERIC_BODIES:
        # 秘书处 is part of the name when the body acts (中国自动化学会秘书处承办), a title when a role or
        # another body follows (中国科协党组书记, 中国科协党组、书记处全体成员).
        following = words[i + 1] if i + 1 < len(words) else None
        if following is None or following.text in _TITLE_SET or following.text in _GENERIC_BODIES:
            return 0
        if following.start == word.end:
            return 2 if _tag(following).startswith("v") else 0
        # In a list of bodies (中国自动化学会秘书处、中国自动化学会智能车工作委员会…承办).
        return 2 if norm[word.end] == "、" and _is_starter(following) else 0
    if text.endswith(_ORG_SUFFIXES):
        return 1
    if n > 2 and _tag(word) == "nt" and text[-1] in _NT_HEAD_CHARS and not text.endswith(_ORG_SUFFIXES):
        return 3  # the word alone (国民党, 解放军)
    if n > 2 and _tag(word) == "nt" and text[-1] in _ORG_HEAD_CHARS:
        # jieba's nt alone is noisy (最新进展, 信息科学): trusted with an organization head, but not on
        # a common word ending in one (中美关系, 新格局, 公共场所, 音乐厅).
        return 0 if text.endswith(_COMMON_HEAD_WORDS) or text in _NOT_SUBUNIT else 1
    if n == 1:
        if text == "所" and norm.startswith(_SUO_VERBS, word.end):
            return 0  # "5G所能发挥的作用": 所 + verb is the particle, not an institute
        if i == 0 or text not in _ORG_HEAD_CHARS or not _is_name_part(words[i - 1], word.start):
            return 0
        if (norm.endswith(_MEETING_TAIL, 0, word.end) and len(words[i - 1].text) == 1) or norm.startswith(
                _MEETING_TAIL, word.start):
            return 0  # 院/会: the head begins or completes a meeting word (行政院院会)
        return 0 if _function_head(words, i) else 1
    if (text[-1] in _SUBUNIT_CHARS or text.endswith(_SUBUNIT_SUFFIXES)) and text not in _NOT_SUBUNIT and (
            not text.endswith(_COMMON_UNIT_ENDINGS)):
        return 2 if _tag(word) in ("n", "nz", "nt", "j", "l") else 0
    return 0


_COUNT_CHARS = set("一二两三四五六七八九十百千万多几各")
_CN_NUMERALS = set("一二三四五六七八九十百千")
_COUNTED_PLACES = set("地国岸省市县区方")
# A two-character nr word this frequent in jieba's dictionary is a common word, not a given name.
_COMMON_NR = 500


# Single-character heads that are also function words: modal 会 (台湾会继续), particle 所 (政府所推动),
# copula 系 (美国系…), 处/办 of places; they are no head after a place or before a verb or adverb.
_FUNCTION_HEADS = set("会所系处办厅")
_MODAL_HEADS = set("会所系处")
_VERB_TAGS = {"v", "vd", "d", "ad"}
# Common words that end in a head character (关系, 格局, 场所 …), never an organization on their own.
_COMMON_HEAD_WORDS = ("关系", "格局", "场所", "音乐厅", "大厅", "报告厅", "会议厅", "新局")
# Common words that end in a sub-unit character (经贸关系, 英国政局, 大山深处, 不足之处).
_COMMON_UNIT_ENDINGS = ("干部", "关系", "体系", "联系", "格局", "布局", "政局", "时局", "战局", "大局",
                        "当局", "深处", "之处", "好处", "难处", "用处", "出处", "到处", "派系")


def _function_head(words: tuple[Word, ...], i: int) -> bool:
    """Whether the single-character head ``words[i]`` is a function word here: 会 "will" (台湾会继续),
    所 before a verb (中华民国政府所推动), 系 "is" (中华民国系…), or a head right after a place or a
    person's name (澄清湖办, 李应元会); 会 and 系 also after a single character (件才会, 韩系)."""
    word, prev = words[i], words[i - 1]
    if word.text not in _FUNCTION_HEADS:
        return False
    nxt = words[i + 1] if i + 1 < len(words) else None
    if word.text == "会" and prev.text.endswith(("学", "协")):
        return False  # 学会 cut 兽医学/会, 心理学/会
    verbs = _VERB_TAGS | {"p", "zg"} if word.text == "会" else _VERB_TAGS  # 王小琪会根据…, 江启臣会选
    if word.text in _MODAL_HEADS and nxt is not None and nxt.start == word.end and nxt.han and (
        _tag(nxt) in verbs or nxt.text in _PREDICATES
    ):
        return True
    if not prev.han or len(prev.text) == 1 and word.text == "系":
        return True
    return _lexicon().types.get(prev.text) in ("place", "person") or _tag(prev) in (
        "ns", "nr", "nrfg", "nrt", "r")


# Heads after which a profession is part of the name (记者编辑协会); not 办公室 (局长办公室).
_PROFESSION_HEADS = ("协会", "学会", "联合会", "研究会", "工会", "联盟", "分会")
_SUO_VERBS = tuple("能以有需做在属谓得用获说提作要")




# Tags that end a name part (jieba's dictionary tags are noisy, so starters are checked as well).
_BREAK_TAGS = {"v", "vd", "d", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "m", "q", "a", "ad",
               "f", "t", "nr", "nrfg", "nrt", "y", "e", "o", "zg", "tg", "mq", "df", "vg", "dg", "rr", "rz"}
# Words that may begin an organization name besides places, organizations and Latin names.
_STARTER_WORDS = {"国家", "中国", "中华", "中央", "首都", "国际", "世界", "亚洲", "欧洲", "全国", "北京",
                  "上海"}


def _is_name_part(word: Word, expected_end: int, after: Word | None = None) -> bool:
    """Whether ``word`` can continue a name to its left up to ``expected_end`` (where ``after``, the
    name's current first word, begins)."""
    if word.end != expected_end:
        # A one-space gap between Latin and Han ("PLCT 实验室", "中国科学技术大学 Linux 用户协会").
        if expected_end - word.end != 1:
            return False
        if not word.han:
            return bool(_LATIN_RE.search(word.text))
        return after is not None and not after.han and bool(_LATIN_RE.search(after.text)) and (
            _is_name_part(word, word.end))
    text = word.text
    if text in _TITLE_SET:
        # A profession inside a name, right before its head or another such word (北京科技记者编辑协会).
        return after is not None and after.text.endswith(_PROFESSION_HEADS + _TITLES)
    if text in _BREAK_WORDS or text in _PREDICATES or text.startswith(_VERBAL_PREFIXES):
        return False
    if not word.han:
        return bool(_LATIN_RE.search(text)) or text.isdigit() and len(text) <= 2
    if len(text) == 1:
        return text not in _BREAK_CHARS
    if text.endswith(_MEETING_TAIL) or text in {"会议", "论坛", "活动", "仪式", "合作"}:
        return False
    if len(text) == 2 and text[0] in _COUNT_CHARS and text[1] in _COUNTED_PLACES:
        return False  # a count of places (两地, 三省, 两岸), not a name part
    if text == "工作":  # 智能车工作委员会, 企业工作办公室; elsewhere "工作" is the activity
        return after is not None and bool(after.text.endswith(_ORG_SUFFIXES))
    kind = _lexicon().types.get(text)
    if kind in ("org", "place") or text in _STARTER_WORDS:
        return True
    if kind == "person":
        return False
    if len(text) > 2 and text.endswith(_ORG_SUFFIXES):
        return True  # a nested organization jieba mis-tags (北京市委 + 宣传部/nr)
    tag = _tag(word)
    if text in _AGE_WORDS:
        return True  # jieba tags 老年 as a time word (国家老年疾病临床医学研究中心)
    if tag in ("nr", "nrfg") and not _SURNAME_RE.match(text):
        return True  # jieba's person tag on a word that cannot be a name (小城镇, 青少年)
    if tag == "nr" and len(text) == 2 and segmenter().FREQ.get(text, 0) >= _COMMON_NR:
        return True  # a common word jieba's dictionary tags as a name (康复, 慈善, 科普: 中国康复医学会)
    return tag not in _BREAK_TAGS


def _is_soft_part(word: Word, expected_end: int) -> bool:
    """A word that continues a name only behind a word that can begin one (国家… : 中国安防技术有限公司,
    京津冀地理信息科技创新联盟, 行政院能源及减碳办公室): two-character verbs and adjectives, and the
    conjunctions 与/和/及 between descriptive words."""
    if word.end != expected_end or not word.han or word.text in _BREAK_WORDS or word.text in _TITLE_SET:
        return False
    if word.text in ("与", "和", "及"):
        return True
    return (len(word.text) == 2 and _tag(word) in ("v", "a", "vn", "ad") and word.text not in _PREDICATES
            and _lexicon().types.get(word.text) is None)


# Verbs that are the predicate of a sentence, never a word inside a name (中心主体分为临床部…).
_PREDICATES = {
    "分为", "属于", "成为", "作为", "进行", "开展", "推动", "加强", "推进", "促进", "提供", "提出", "提升",
    "实现", "完成", "建立", "设立", "决策", "部署", "落实", "参与", "加入", "前往", "走往", "徒步", "希望",
    "认为", "表示", "需要", "具有", "拥有", "形成", "打造", "构建", "设有", "下设", "负责", "承担", "召集",
    "支持", "发挥", "组成", "获批", "授予", "授牌", "揭牌", "挂牌", "启动", "依托", "成立", "带领",
    "收到", "响应", "协调", "筹建", "动员", "贯彻", "指派", "传出", "接见", "会见", "致电", "致信", "联合",
    "邀请", "委托", "批准", "发布", "举办", "主办", "承办", "协办", "召开", "组织", "深入", "迅速", "全面",
    "举行", "感谢", "宣读", "配合", "整合", "主导", "欣见", "打击", "援引", "欢庆",
}


_CONJ = {"与", "和", "及"}
_COMPANY_HEADS = ("公司", "集团")
# What may stand in parentheses inside a name: a place (博世汽车部件（苏州）有限公司) or a company form.
_PAREN_WORDS = {"集团", "股份", "控股", "中国", "筹"}


def _paren_before(norm: str, pos: int, lex: Lexicon) -> int | None:
    """Start of a parenthesized place or company form that ends right before ``pos``, if any."""
    if pos < 3 or norm[pos - 1] != ")":
        return None
    lp = norm.rfind("(", max(0, pos - 9), pos - 1)
    inner = norm[lp + 1 : pos - 1]
    if lp <= 0 or not inner or not all(_is_han_char(c) for c in inner):
        return None
    if inner in _PAREN_WORDS or lex.types.get(inner) == "place" or inner.endswith(("省", "市")):
        return lp
    return None


_AGE_WORDS = {"老年", "青年", "少年", "中年", "青少年", "幼儿"}
_NOT_STARTERS = {"城市", "市场", "社区", "地区", "园区"}


def _is_starter(word: Word) -> bool:
    if not word.han:
        return bool(_LATIN_RE.search(word.text))
    kind = _lexicon().types.get(word.text)
    if word.text in _NOT_STARTERS:
        return False  # 城市 (ns) in 国家发展改革委城市和小城镇发展研究中心
    return kind in ("org", "place") or word.text in _STARTER_WORDS or _tag(word) in ("ns", "nt")


def _is_seat(word: Word) -> bool:
    """Whether ``word`` is a place whose government a bureau written right after it belongs to: an
    administrative unit with its suffix (北京市 + 知识产权局, 彰化县 + 环保局), or a country."""
    if not word.han or _lexicon().types.get(word.text) != "place":
        return False
    return word.text.endswith(_SEAT_SUFFIXES) or word.text.endswith("国") and len(word.text) >= 2


_SEAT_SUFFIXES = ("省", "市", "县", "区", "州")


def _is_orgish(word: Word) -> bool:
    return word.han and (
        _lexicon().types.get(word.text) == "org" or _tag(word) == "nt" or word.text.endswith(_ORG_SUFFIXES)
    )


def _find_orgs(text: str, norm: str, words: tuple[Word, ...], heads: list[int]) -> list[tuple[int, int]]:
    """Organization spans ending at the words at ``heads`` (``_F_HEAD``: the others cannot end one)."""
    spans: list[tuple[int, int]] = []
    lex = _lexicon()
    by_end: dict[int, int] | None = None
    for i in heads:
        word = words[i]
        mode = _org_head(words, i, norm)
        if not mode:
            continue
        if mode == 3:
            if _acceptable_org(word.text, word.text):
                spans.append((word.start, word.end))
            continue
        j = i
        chars = len(word.text)
        soft: list[int] = []
        inside: set[int] = set()  # words in parentheses, which cannot begin the name
        quoted: int | None = None  # start of a quoted name in front ("科创中国"咨询委员会)
        while j > 0 and chars < 28 and i - j < 12:
            prev = words[j - 1]
            if prev.end != words[j].start and norm[words[j].start - 1] == ")":
                lp = _paren_before(norm, words[j].start, lex)
                if lp is None:
                    break
                if by_end is None:
                    by_end = {w.end: k for k, w in enumerate(words)}
                k = by_end.get(lp)
                if k is None or not _is_name_part(words[k], lp):
                    break
                chars += words[j].start - lp
                inside.update(range(k + 1, j))
                j = k
                continue
            if prev.end != words[j].start and norm[words[j].start - 1] in "”」":
                quoted = _quoted_prefix(norm, words, words[j].start)
                if quoted is not None:
                    inside.update(k for k in range(j) if words[k].start > quoted)
                break
            if prev.end != words[j].start and norm[prev.end] != " ":
                break  # only a space may separate the words of a name
            if (prev.end != words[j].start and prev.han and word.text.endswith(_COMPANY_HEADS)
                    and not (_is_starter(prev) or _is_orgish(prev))):
                break  # a Latin brand's company (光盘 CrossWeaver 公司): a common noun before it is no part
            if _is_name_part(prev, words[j].start, words[j]):
                pass
            elif (prev.end == words[j].start and _tag(prev) == "nrt"
                  and word.text.endswith(_INSTITUTION_HEADS) and (j == i or _tag(words[j]) in ("nrt", "ns"))):
                pass  # a transliterated name before a university (科罗拉多 + 州立大学, 克兰 + 菲尔德 + 大学)
            elif _is_soft_part(prev, words[j].start) and not (
                prev.text in _CONJ and (j - 2 < 0 or not _is_name_part(words[j - 2], prev.start)
                                        or _is_starter(words[j - 2]) or _is_starter(words[j])
                                        or _is_orgish(words[j - 2]))
            ):
                soft.append(j - 1)
            else:
                break
            j -= 1
            chars += len(prev.text)
        if soft:
            # Soft words need a word that can begin a name on their left; else the name starts after them.
            first = next(
                (k for k in range(j, min(soft) + 1) if _is_starter(words[k]) or _is_orgish(words[k])), None
            )
            if first is None:
                j = max(soft) + 1
        # Start at the leftmost word that can begin a name (a place, an organization, 国家 …); without
        # one, a descriptive prefix of two or more words is accepted (车载信息服务产业应用联盟).
        starter = next((k for k in range(j, i + 1) if k not in inside and _is_starter(words[k])), None)
        if quoted is not None:
            starter = j
        if (starter is not None and starter < i and not words[starter].han and words[starter + 1].han
                and words[starter + 1].start != words[starter].end
                and _lexicon().types.get(words[starter + 1].text) in ("place", "org")):
            starter += 1  # a Latin name, a space, then a Han name (HansMarcuse 马来西亚工程师学会)
        if starter is None:
            if words[j].text in _DEICTIC:
                continue  # "this city's" (市工程师协会)
            if _titled_org(word.text):
                j = i  # a known organization with a title glued on (外交部长 → 外交部)
            elif i - j < 2 and not _named_institution(words, j, i) and not (
                    mode == 2 and j < i and _institution_word(words[j].text)):
                continue  # too short to be a descriptive name (宣武医院 + 神经内科 is a sub-unit)
            if i - j >= 2 and not _descriptive_words(words, j, i):
                continue
        elif words[starter].han or starter == j:
            j = starter
        else:
            # A Latin starter keeps the Han words before it, less a deictic first character
            # (校学生 Linux 用户协会 → 学生 Linux 用户协会).
            while j < starter and words[j].text in _DEICTIC:
                j += 1
        if mode == 2 and not any(_is_orgish(words[k]) for k in range(j, i)) and not (
                i - j == 1 and _is_seat(words[j])):
            continue  # a department type, unless a named organization or a place's government owns it
        company = "公司" in norm[words[j].start : word.end] or "集团" in norm[words[j].start : word.end]
        if starter is None and j > 0 and company and _is_brand(words, j, norm):
            j -= 1  # a company's brand name, which jieba takes for a person's (博世汽车部件（苏州）有限公司)
        start = words[j].start
        if _local_generic(words, j, word.end, norm):
            continue  # 市法医学会, 省药学会: "this city's" society (guidelines §4)
        if quoted is not None:
            start, starter = quoted, j
        # "第40届…组委会": an ordinal in front belongs to the name of an organizing committee.
        if word.text.endswith("组委会"):
            m = re.search(r"第[0-9一二三四五六七八九十百]+届$", norm[max(0, start - 8) : start])
            if m:
                start -= len(m.group(0))
        # A name that begins with a numeral jieba cut off (二 + 十国集团) takes it back.
        while start > 0 and norm[start] in _CN_NUMERALS and norm[start - 1] in _CN_NUMERALS:
            start -= 1
        cut = _title_cut(word.text) if word.text[-1] in _TITLE_LAST_CHARS else 0
        end = word.end - cut
        name = norm[start:end]
        seat = _JOINT_SEAT_RE.match(name)
        if seat is not None:
            # 吉林省委省政府: the party committee, then "the province's government" (deictic, no name).
            end = start + seat.end(1)
            name = norm[start:end]
        head = word.text[: len(word.text) - cut] if seat is None else name[-2:]
        if _acceptable_org(name, head):
            spans.append((start, end))
    return spans


# A party committee and government written together (吉林省委省政府, 中共成都市委市政府).
_JOINT_SEAT_RE = re.compile("(.+?[省市县区]委)[省市县区](?:人民)?政府$")


# Institutions jieba knows as one word with a distinctive name in front (宣武医院, 协和医院), and heads
# that make a one-word name in front distinctive (航空 + 总医院).
_INSTITUTION_HEADS = ("医院", "大学", "学院", "研究所", "研究院", "学会", "协会")
_DISTINCT_TAGS = {"ns", "nr", "nrt", "nrfg", "nz", "j", "nt"}
# Names in front of an institution head that are types, not names (师范大学, 中医院).
_GENERIC_MODIFIERS = {"师范", "中医", "西医", "中西医", "友谊", "同仁", "人民", "职业", "专科", "工业",
                      "农业"}


_LOCAL_DEICTIC = {"市", "省", "区", "县"}


def _local_generic(words: tuple[Word, ...], j: int, end: int, norm: str) -> bool:
    """Whether the name ``words[j].start:end`` follows a lone 市/省/区/县 ("this city's", not the end of a
    place name such as 伊通/县) and is a short generic society or body (市法医学会, 省药学会)."""
    if j == 0 or words[j - 1].end != words[j].start or words[j - 1].text not in _LOCAL_DEICTIC:
        return False
    before = words[j - 2] if j > 1 else None
    if before is not None and before.end == words[j - 1].start and before.han:
        return False
    return end - words[j].start <= 4


_DESCRIPTIVE_TAGS = {"n", "nz", "vn", "j", "nt", "eng", "x", "l", "b", "an", "ng", "s"}


def _descriptive_words(words: tuple[Word, ...], j: int, i: int) -> bool:
    """Whether ``words[j:i]``, with no word that can begin a name, make a descriptive name in front of
    the head ``words[i]`` (车载信息服务产业应用联盟, 防控工作领导小组, 广汽研究院 cut 广/汽): it does
    not begin with a classifier, pronoun or other function character (2010 级物理学院, 任学术委员会
    顾问), nor with a verb character right after a verb (开展抗疫科研学会号召…)."""
    for k in range(j, i):
        # 调研省科技馆: "the province's" inside a phrase; not the suffix of a place jieba cut off (伊通/县).
        if words[k].text in _LOCAL_DEICTIC and (
            k == j or len(words[k - 1].text) < 2 or _tag(words[k - 1]) in ("v", "vn", "d", "p")
        ):
            return False
    first = words[j]
    if not first.han:
        return True
    tag = _tag(first)
    if len(first.text) > 1:
        return tag in _DESCRIPTIVE_TAGS or tag in ("a", "v", "nr", "nrt", "nrfg", "ns", "t")
    if tag in ("r", "p", "c", "u", "uj", "ul", "d", "q", "f", "vd", "ad"):
        return False
    return not (tag == "v" and j > 0 and words[j - 1].end == first.start and _tag(words[j - 1]) == "v")


def _titled_org(text: str) -> bool:
    """Whether one jieba word is a lexicon organization with a title glued to its end (外交部长,
    国防部长: jieba's dictionary has the titled word, not the body's name alone)."""
    cut = _title_cut(text) if text[-1] in _TITLE_LAST_CHARS else 0
    return bool(cut) and _lexicon().types.get(text[:-cut]) == "org"


def _institution_word(text: str) -> bool:
    """Whether one jieba word ``X医院``/``X大学``… names an institution: ``X`` is a name jieba or the
    lexicon knows (宣武医院), not a type (公立医院, 师范大学)."""
    head = next((h for h in _INSTITUTION_HEADS if text.endswith(h)), None)
    if head is None:
        return False
    x = text[: -len(head)]
    if len(x) < 2 or x in _GENERIC_MODIFIERS:
        return False
    return _tag_of(x) in _DISTINCT_TAGS or _lexicon().types.get(x) == "place"


def _named_institution(words: tuple[Word, ...], j: int, i: int) -> bool:
    """Whether ``words[j : i + 1]`` (one or two words, no starter) names one institution: a word
    ``X医院``/``X大学``… whose ``X`` is a name jieba or the lexicon knows, or a noun + ``总医院``."""
    word = words[i]
    if j == i:
        return _institution_word(word.text)
    prev = words[j]
    return word.text == "总医院" and prev.han and len(prev.text) >= 2 and _tag(prev) in ("n", "nz", "ns", "j")


def _quoted_prefix(norm: str, words: tuple[Word, ...], pos: int) -> int | None:
    """Start of a short quoted name (2–8 Han characters) that ends right before ``pos``, if any."""
    close = norm[pos - 1]
    lq = norm.rfind("“" if close == "”" else "「", max(0, pos - 10), pos - 1)
    inner = norm[lq + 1 : pos - 1]
    if lq < 0 or not 2 <= len(inner) <= 8 or not all(_is_han_char(c) for c in inner):
        return None
    return lq


_NUMERALS = set("0123456789一二三四五六七八九十两百千万")
_QUOTED_RE = re.compile(r"[“「『]([^“”「」『』\s，。、；：！？,;:!?()（）]{4,30})[”」』]")


def _quoted_orgs(norm: str) -> list[tuple[int, int]]:
    """Whole quoted names that end in an organization suffix (“衰老与干细胞研究中心”, 「促进就业专案小组」):
    the quotes mark the extent of the name, which jieba's tags cannot give."""
    out = []
    for m in _QUOTED_RE.finditer(norm):
        name = m.group(1)
        head = next((h for h in _ORG_SUFFIXES if name.endswith(h)), None)
        if head is None and name[-1] in "部局署" and name[-2:] not in _NOT_SUBUNIT:
            head = name[-1]
        if head is None or name.endswith(_MEETING_TAIL) or name[0] in _DEICTIC or name[0] in _NUMERALS:
            continue
        # Short quoted names are brands and slogans (“智慧科协”, “爱情办公室”, “四个中心”).
        if len(name) - len(head) >= 3 and _acceptable_org(name, head):
            out.append(m.span(1))
    return out


def _is_brand(words: tuple[Word, ...], j: int, norm: str) -> bool:
    prev = words[j - 1]
    if prev.end != words[j].start or not prev.han or not 2 <= len(prev.text) <= 3:
        return False
    if _tag(prev) not in ("nr", "nrt", "nz", "x", "nrfg"):
        return False
    return prev.start == 0 or not _is_han_char(norm[prev.start - 1])


def _acceptable_org(name: str, head: str) -> bool:
    if name in _ORG_STOP or len(name) < 3:
        return False
    if _COUNTED_RE.search(name) or any(w in name for w in _SITE_PARTS):
        return False  # 影视动漫视频12部, 台湾已有26所大学; 宣武医院教学楼3层西厅
    lexicon_org = _lexicon().types.get(name) == "org"
    if name.endswith("政府") and not lexicon_org and not _governed_place(name[:-2]):
        return False  # 联邦政府, 民进党政府: a government is named by its place (日本政府, 高雄市政府)
    prefix = name[: len(name) - len(head)]
    if not prefix.strip():
        if not lexicon_org and len(name) == 3 and name[-1] in _BARE_UNIT_CHARS:
            return False  # a department type without its parent (卫生局, 财务处, 卫生署, guidelines §4)
        return pos_tag(name) == "nt" or lexicon_org or _institution_word(name)
    if len(prefix) == 1 and prefix in _DEICTIC:
        return False
    if re.match(f"{_HAN}{{1,2}}级", name) or _RANK_RE.search(prefix):
        return False  # a rank, not a name (国家级临床医学研究中心, 省级重点实验室, 吉林省级学会, 一流学会)
    # 市科协科普部, 省委宣传部: "this city's" association, not a name.
    if name[0] in _DEICTIC and name[1:].startswith(("科协", "委", "政府", "人大", "政协", "工商联", "团委")):
        return False
    if prefix in _STATE_PREFIXES and len(head) >= 3 and _lexicon().types.get(head) == "org":
        return True  # a known body with its state written in front (国家民政部, 中央统战部)
    return prefix not in _GENERIC_PREFIXES


_STATE_PREFIXES = {"国家", "中央"}
_RANK_RE = re.compile("(?:省|市|县|区|国家|部|校|院)级|一流|世界级")
_PLACE_ENDS = ("省", "市", "县", "区", "州", "镇", "乡", "村", "国")


def _governed_place(prefix: str) -> bool:
    """Whether ``prefix`` of ``X政府`` names a place: a lexicon or gazetteer place (日本, 高雄市), or a
    name ending in an administrative unit (某某县人民 → 县 + 人民政府 is handled by the suffix)."""
    prefix = prefix.removesuffix("人民").removesuffix("联邦").removesuffix("中央")
    return _lexicon().types.get(prefix) == "place" or (len(prefix) >= 2 and prefix.endswith(_PLACE_ENDS))


# A count inside a name (26所大学, 12部, 5处) is a quantity, not a name part; an ordinal unit at the very
# end (一院15所) may be one.
_COUNTED_RE = re.compile(
    r"[0-9]+[所处部席家个名位座项](?=.)|[0-9]+[处部席]$"
    # Numbered slogans (一国一中心, 六站一中心, 百城千会, 科技三会).
    r"|[一二三四五六七八九十百千万两].[一二三四五六七八九十百千万两]|[一二三四五六七八九十两]会$"
)
# Parts of buildings and rooms: a site, not an organization (guidelines §4, buildings are nothing).
_SITE_PARTS = ("楼", "层", "号院", "教室", "会议室", "报告厅", "大厅")
# Department heads that, alone after a two-character field, are a generic department (卫生局, 财务处).
_BARE_UNIT_CHARS = set("局处厅署科所办室")

_GENERIC_PREFIXES = {"全国", "地方", "各级", "有关", "相关", "各", "各区", "政府相关", "全体", "各省", "本",
                     "该", "我",
                     "校", "市", "省", "区", "县", "国家", "中国", "中央"}


# Company names made of a brand and a trade word (旷视科技, 华山资本, 东软创投): without a suffix word
# they are recognised only in a list (A、B、C等), where the items are names, and only when the brand is
# no common word (社会资本, 产业资本, 长期资本 are kinds of capital).
_TRADE_WORDS = ("资本", "创投", "传媒", "控股", "证券", "金控")
_LISTED_COMPANY_RE = re.compile(
    f"(?:^|(?<=[、，,:：\\s]))({_HAN}{{2}})(?:{'|'.join(_TRADE_WORDS)})(?=[、等和与及])"
    f"|(?<=、)({_HAN}{{2}})(?:{'|'.join(_TRADE_WORDS)})(?=[，,。;；\\s])"
)
_BRAND_TAGS = {"nr", "nrt", "nrfg", "nz", "ns", "x", "j", "nt"}
_NOT_BRAND_TAGS = {"p", "c", "u", "uj", "ul", "d", "r", "m", "q", "f", "t", "vd", "ad"}


def _listed_companies(norm: str, words: tuple[Word, ...]) -> list[tuple[int, int]]:
    """Companies named by a brand + trade word as items of a list (…、任君资本、科发资本等)."""
    if "、" not in norm:
        return []
    out = []
    by_start: dict[int, int] | None = None
    for m in _LISTED_COMPANY_RE.finditer(norm):
        before = norm[m.start() - 1] if m.start() else ""
        if "、" not in (before, norm[m.end()] if m.end() < len(norm) else ""):
            continue  # one side at least is a list comma
        start = m.start()
        if by_start is None:
            by_start = {w.start: k for k, w in enumerate(words)}
        k = by_start.get(start)
        if k is None:
            continue
        first = words[k]
        if first.end == start + 2:
            # The brand is one word: a name jieba knows (华山), not a common word (社会, 长期).
            if _tag(first) not in _BRAND_TAGS or _lexicon().types.get(first.text) == "place":
                continue
        elif first.end == start + 1 and k + 1 < len(words) and words[k + 1].end == start + 2:
            # Two characters jieba does not know as a word (旷/视, 任/君): an unknown brand.
            if any(w.text in _BREAK_CHARS or _tag(w) in _NOT_BRAND_TAGS for w in (first, words[k + 1])):
                continue
        else:
            continue
        out.append((start, m.end()))
    return out


# Heads of the names of things an organization can be part of without being named (guidelines §2):
# products and platforms (人民日报客户端, …资源共享平台), programmes and events (…创新创业项目云路演,
# …发展支持计划), columns and buildings (…中央主楼); not a website or an account, which are named by
# their owner (俄罗斯国防部网站 is the ministry's).
_CONTAINER_HEADS = ("客户端", "平台", "项目", "计划", "路演", "专栏", "主楼", "大楼", "奖")
# Heads that are verbs too (交通运输部计划全年…): a container only when no verb phrase follows.
_VERBAL_HEADS = ("计划",)
_AFTER_VERB_TAGS = {"v", "d", "p", "t", "m", "ad", "vd", "c", "r", "f"}
_CONTAINER_PART_TAGS = {"n", "nz", "vn", "j", "l", "b", "ng", "an"}
# How many words after an organization its container's head may be.
_CONTAINER_WORDS = 4


def _inside_named_thing(words: tuple[Word, ...], k: int) -> bool:
    """Whether the organization whose last word is ``words[k]`` begins the name of a product, platform,
    programme or building: nouns follow it without a break up to a head of :data:`_CONTAINER_HEADS`."""
    if k < 0:
        return False
    end = words[k].end
    for n in range(k + 1, min(len(words), k + 1 + _CONTAINER_WORDS)):
        word = words[n]
        if word.start != end or not word.han:
            return False
        if word.text.endswith(_CONTAINER_HEADS):
            nxt = words[n + 1] if n + 1 < len(words) else None
            if nxt is None or not nxt.han or nxt.start != word.end:
                return True
            # 项目官 (a title), 计划将 (a verb): the head is no head there.
            verbal = word.text.endswith(_VERBAL_HEADS) and _tag(nxt) in _AFTER_VERB_TAGS
            return len(nxt.text) > 1 and not verbal
        if word.text in _TITLE_SET or _tag(word) not in _CONTAINER_PART_TAGS:
            return False
        if word.text.endswith(_ORG_SUFFIXES):
            return False
        end = word.end
    return False
