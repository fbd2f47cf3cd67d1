"""People, organizations and places named in an announcement (canonical Simplified names).

jieba's part-of-speech tags alone are noisy on this text (``城市``/``深度`` as places, ``杰出青年`` as a
person, unknown names cut into single characters), so extraction combines, over ONE shared jieba pass
(:func:`search.analysis.segment`, HMM off):

* the shared lexicon (``search/data/lexicon.tsv``): known names of every type, and aliases merged to one
  canonical name (``中國科協`` = ``中国科协`` = ``中国科学技术协会`` → ``中国科协``);
* organization suffix rules: a word ending in ``学会``, ``协会``, ``大学``, ``研究所``, ``委员会`` … (or a
  single-character head ``部``/``局``/``委``/``院`` … after a name part) extended to the left over name
  parts (places, nouns, other organizations) up to a function word, verb, title or punctuation;
  an organization nested in a longer one is dropped (guidelines §2: the parent counts only on its own);
* person rules on characters (unknown names are usually cut into single characters): a surname (single
  or compound) + 1–2 given characters right before a title (``王小谟院士``, ``江小涓女士``) or right after
  a role (``主席万钢``, ``书记处书记吕昭平``), names listed with ``、`` next to a confirmed name, and
  dictionary or lexicon person words in the same contexts;
* places: lexicon places, jieba ``ns`` words not on a stoplist (``城市``, ``深度``, ``全国``, ``海外`` …),
  and words ending in an administrative suffix (``省 市 县 区 镇 村 新区``); places inside organization
  names are not places of the document;
* filters: no single characters, a stoplist of generic words.

Everything is matched on the normalized text (Simplified, half-width) and reported in Simplified with the
original case of Latin letters; offsets are offsets into the input (normalization preserves length).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Container
from dataclasses import dataclass, field

from search.analysis import Word, pos_tag, segment, segmenter
from search.lexicon import Lexicon, load_lexicon
from search.normalize import HAN_CLASS, to_simplified

__all__ = ["Entities", "Mention", "extract_entities", "find_mentions", "entity_forms"]

KINDS = ("person", "org", "place")

# --- organizations -------------------------------------------------------------------------------
_ORG_SUFFIXES = (
    "委员会", "管委会", "组委会", "研究院", "研究所", "研究中心", "研究会", "实验室", "基金会", "学会",
    "协会",
    "科协", "大学", "学院", "学校", "党校", "集团", "公司", "医院", "政府", "中心", "联盟", "联合会",
    "办公室",
    "办公厅", "工会", "学组", "专家组", "工作组", "领导小组", "小组", "联合体", "分院", "报社", "杂志社",
    "出版社", "编辑部", "事业部", "事业群", "科技馆", "党委", "市委", "省委", "县委", "区委", "总局", "银行",
    "法院", "检察院", "电视台", "电台", "通讯社", "日报", "研究室", "自救会", "同学会",
    # Abbreviated commissions and party departments (国家卫计委, 北京市卫生计生委, 北京市委宣传部).
    "计委", "计生委", "卫计委", "卫健委", "发改委", "教委", "科委", "经信委", "纪委", "政法委", "宣传部",
    "组织部", "统战部", "网信办",
)
# Single-character heads, accepted only after a name part (全部, 格局 are whole jieba words anyway).
_ORG_HEAD_CHARS = set("部局委院所司署厅办系社会处")
_ORG_STOP = {
    "该学会", "本会", "我会", "学会", "全国学会", "地方科协", "主办单位", "书记处", "分会场", "有关部门",
    "政府相关部门", "各级党委", "科协", "协会", "大学", "学院", "中心", "公司", "集团", "医院", "政府",
    "委员会", "研究院", "研究所", "实验室", "高校", "企业", "该会", "本学会", "我校", "全校", "各学会",
    "市委市政府", "党委", "办公室", "中央", "国家", "社会", "学校", "总会", "大会", "全会", "年会", "分会",
    "宴会", "晚会", "例会", "峰会", "盛会", "博览会", "研讨会", "座谈会", "报告会", "运动会", "展览会",
    "科研院所", "院所", "高等院校", "科研机构", "人民政府", "公立医院", "民营医院", "私立医院", "综合医院",
    "专科医院", "三甲医院", "定点医院", "中医院", "附属医院", "医学院", "总医院",
    # Bare generic heads and types (guidelines §4: types of organizations, departments without a parent).
    "联合会", "联合体", "同业公会", "非政府", "新政府", "联合政府", "地方政府", "外国政府", "各级政府",
    "中心医院", "儿童医院", "卫生院", "医学研究中心", "国家重点实验室", "国际合作研究中心",
    "产业技术研究院", "国家技术创新中心", "国家临床医学研究中心", "国家区域医疗中心", "地方法院",
    "上市公司", "国际部", "调宣部", "学会部", "科普部", "福利部", "宣传部", "组织部", "统战部", "办公厅",
    "科创中心", "跨部会", "中央部会", "公共场所", "音乐厅", "新格局",
}
# Words ending in 会 that are meetings, not organizations.
_MEETING_TAIL = ("大会", "全会", "年会", "会议", "峰会", "研讨会", "座谈会", "报告会", "论坛", "晚会",
                 "运动会",
                 "展览会", "博览会", "交流会", "发布会", "见面会", "茶话会", "推介会", "洽谈会", "启动会",
                 "表彰会", "动员会", "培训会", "分享会", "开幕会", "闭幕会", "工作会", "例会", "宴会", "盛会",
                 "招待会", "音乐会", "游园会", "换届会", "联谊会", "演唱会", "庆祝会", "说明会", "听证会")
# Prefixes standing for "this city/province/school" (市科协, 省科协, 校团委): not a name.
_DEICTIC = set("市省区县校院本该我各全其此")
# Words a name part may not contain: titles, generic modifiers and meeting words.
_TITLES = (
    "常务副主席", "副主席", "主席", "总书记", "副书记", "书记", "副主任", "主任", "副部长", "部长",
    "副局长", "局长",
    "副理事长", "理事长", "副会长", "会长", "副秘书长", "秘书长", "副院长", "院长", "副校长", "校长",
    "副所长",
    "所长", "副总理", "总理", "副总统", "总统", "副市长", "市长", "副省长", "省长", "县长", "区长", "镇长",
    "村长", "董事长", "副总经理", "总经理", "经理", "总裁", "副总裁", "总监", "总工程师", "工程师", "院士",
    "教授", "副教授", "研究员", "副研究员", "讲师", "博士生", "博士", "硕士", "学长", "学姐", "老师", "同学",
    "同志", "先生", "女士", "委员长", "常委", "委员", "主委", "署长", "处长", "司长", "厅长", "主编",
    "副主编",
    "记者", "会士", "议员", "社长", "台长", "总台长", "团长", "馆长", "执行长", "发言人", "参议员", "大使",
    "部长助理", "巡视员", "调研员", "秘书", "干事", "组长", "队长", "主持人", "创始人", "负责人", "主讲人",
    "讲者", "专家", "监事长", "副监事长", "理事", "常务理事", "会员", "校友", "党组书记", "党组成员", "监委",
    "主任委员", "副主任委员", "首席科学家", "首席", "教练", "选手", "候选人", "医师", "主治医师", "ceo",
    "cto", "cfo", "cio", "航天员", "科学家", "得主", "获得者", "次长", "导师", "立委", "董事", "总干事",
    "副总编辑", "总编辑", "编辑", "作者", "译者", "指导员", "辅导员", "班主任", "审计长", "检察长",
    "院长助理", "国策顾问", "顾问", "副召集人", "召集人", "议长", "副议长", "总司令", "副总司令", "司令",
    "副司令", "司令员",
)
_TITLE_SET = set(_TITLES)

# --- people --------------------------------------------------------------------------------------
_SURNAME_ORDER = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
    "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
    "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲"
    "虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海"
    "阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊"
    "阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展"
    "阴昝智幸奉植衡富尧闭续洪赖萧傅怀阎游巫蔺郜"
)
_SURNAMES = set(_SURNAME_ORDER)
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
    "轩辕",
    "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "申屠", "太史", "钟离", "闻人",
)
_HAN = f"[{HAN_CLASS}]"
# Characters that end a name rather than continue it (function words, common verbs after a name).
_NOT_GIVEN = set(
    "的了在和与及等是出主致表说指对向将并也都已被把从到于以带作代获任参会上下去做讲就还同分共由副"
    "这那所而或又再曾均别率领陪赴我们你他她它巿、，。；：:;,.!?！？()（）“”\"' 《》「」"
)
# What may follow a person's name (besides a title): speech and action verbs, conjunctions, punctuation.
_AFTER_NAME = (
    "表示", "指出", "强调", "说", "介绍", "主持", "出席", "致辞", "致欢迎辞", "讲话", "发言", "认为", "参加",
    "担任", "带领", "带来", "作了", "作报告", "做了", "发表", "宣布", "宣读", "会见", "接见", "看望", "慰问",
    "同志", "等", "和", "与", "及", "、", "，", "。", "；", "：", ",", ";", ":", "(", "）", ")", "\n", " ",
    "在", "为", "向", "对", "也", "则", "还", "分别", "先后", "围绕", "以", "一行", "代表", "当选", "获得",
    "荣获", "回答", "提出", "希望", "透露", "称", "曾", "已", "现场", "亲自", "共同", "从", "就", "是",
    "来到", "发布", "颁奖", "颁发", "做", "作", "将", "的",
)
# Surname characters that are also common function words: a name starting with one needs a clear
# right boundary (和美国, 向大家, 但最终 are not names).
_WEAK_SURNAMES = set("和向但都来任宣强时于以从为连成同常应全平国元信原明海智文高")
_PLACE_FINAL = set("山河岭村庄湖江岛峰桥街路园坪湾沟港镇乡县市省区州洲城寺宫馆")
_AFTER_NAME_STRONG = _TITLES + ("表示", "指出", "强调", "介绍", "主持", "出席", "致辞", "讲话", "认为",
                                "担任", "带领", "发表", "宣布", "会见", "接见", "当选", "荣获", "同志")
_NAME_STOP = {
    "杰出青年", "全体", "同学", "同志", "院士", "教授", "主席", "书记", "主任", "记者", "代表", "人员",
    "专家", "学者", "领导", "成员", "会员", "老师", "学生", "负责人", "嘉宾", "观众", "市民", "群众",
    "工作", "研究", "相关", "有关", "主讲", "高级", "常务", "执行", "名誉", "资深", "首席", "特聘", "客座",
    "国家", "全国", "中国", "各位", "大家", "党员", "干部", "职工", "青年", "少年", "儿童", "科学", "技术",
    "司机", "总统", "副总统", "经理", "王国", "公司", "文化", "高校", "金融", "高新", "万人", "方面",
    "陆军", "海军", "空军", "时代", "平台", "石化", "史上", "明年", "明星", "高速", "高度", "高雄", "常熟",
}

# --- places --------------------------------------------------------------------------------------
_PLACE_SUFFIXES = ("自治区", "自治州", "自治县", "新区", "高新区", "开发区", "工业区", "产业园", "特区", "省",
                   "市", "县", "区", "镇", "乡", "村", "州", "岛", "山", "湖", "江", "河", "街道", "广场",
                   "公园")
_PLACE_STOP = {
    "城市", "深度", "全国", "国内", "海外", "京外", "在京", "各省", "两岸", "西方", "祖国", "我国", "本市",
    "全市", "全省", "全区", "市区", "城区", "郊区", "东区", "西区", "中区", "南区", "北区", "高新区", "新区",
    "园区", "社区", "景区", "山区", "地区", "小区", "校区", "院区", "新院区", "分区", "辖区", "该市", "该县",
    "市场", "中华", "中华民族", "华夏", "神州", "天下", "世界", "全球", "国际", "地球", "火星", "月球",
    "太空",
    "中方", "美方", "中美", "中日", "台日", "中外", "海内外", "国内外", "各地", "当地", "外地", "本地",
    "异地",
    "首都", "内地", "大陆", "沿海", "边疆", "东部", "西部", "中部", "南部", "北部", "东北", "西北", "西南",
    "东南", "华北", "华东", "华南", "华中", "江湖", "山河", "江山", "万里", "长城", "东方", "南方",
    "北方", "平安", "和平", "安全", "发展", "太平", "长安", "永安", "文明", "光明", "和谐", "共和", "民主",
    "中国人", "中关村", "无人区", "十六区", "上海交通", "市委", "市政府", "省委", "省政府", "县委", "区委",
}
# Place suffix words that are generic on their own or after a deictic character (市, 全省 …).
_LATIN_RE = re.compile(r"[a-z]")
_HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")


@dataclass(frozen=True)
class Mention:
    """One entity mention: ``kind`` (person/org/place), the ``surface`` form as written (Simplified),
    its ``canonical`` name (lexicon alias merging) and its character span in the input. ``implied``
    marks a place written only inside a longer name (中共嘉兴市委 → 嘉兴): a facet value, but not a
    mention by the gold guidelines (§2)."""

    kind: str
    surface: str
    canonical: str
    start: int
    end: int
    implied: bool = False


@dataclass(frozen=True)
class Entities:
    """Canonical Simplified names, distinct, in order of first appearance."""

    people: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


@functools.cache
def _lexicon() -> Lexicon:
    return load_lexicon()


@functools.cache
def _aliases() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for form, canon in _lexicon().canonical.items():
        groups.setdefault(canon, {canon}).add(form)
    return {canon: frozenset(forms) for canon, forms in groups.items()}


def entity_forms(name: str) -> set[str]:
    """Every form of ``name`` known to the lexicon (canonical name and aliases), normalized; for scoring."""
    canon = _lexicon().canonical_name(name)
    return set(_aliases().get(canon, frozenset({canon}))) | {canon}


def _tag(word: Word) -> str:
    if not word.han:
        return "eng"
    return _TAGS.get(word.text) or _tag_of(word.text)


#: word → jieba tag, filled as words are met. A plain dict rather than ``functools.lru_cache``: the
#: rules look a tag up about once per word of every document, and ``_TAGS.get`` is the cheapest call.
_TAGS: dict[str, str] = {}
_TAGS_MAX = 1 << 17  # cleared when full (a worker meets a few hundred thousand distinct words)


def _tag_of(text: str) -> str:
    tag = _TAGS.get(text)
    if tag is None:
        if len(_TAGS) >= _TAGS_MAX:
            _TAGS.clear()
        tag = _TAGS[text] = pos_tag(text)
    return tag


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
                "全省", "全市", "全县", "全区", "部分", "年度", "街镇", "各市县", "各县市", "设区市", "跟著"}
# Words that begin a verb phrase, not a name (充分发挥好学会, 进一步提高省级学会, 利用自治区科协).
_VERBAL_PREFIXES = ("充分", "进一步", "发挥", "利用", "动员", "鼓励", "号召", "搭建", "举全", "感谢",
                    "特别感谢", "宣读", "领导", "举行", "打击", "援引", "欢庆", "落到", "落实", "贯彻")


def _org_head(words: tuple[Word, ...], i: int, norm: str) -> int:
    """0 if ``words[i]`` cannot end an organization name; 1 if it can; 2 if it can only as a sub-unit of
    a named organization written right before it (清华大学计算机系, 工信部科技司, 中国自动化学会秘书处)."""
    word = words[i]
    text = word.text
    if not word.han:
        return 0
    n = len(text)
    # Cheap test first: most words cannot end an organization name.
    if text[-1] not in _ORG_LAST_CHARS and not text.endswith(_SUBUNIT_SUFFIXES):
        return 0
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
    if n > 2 and _tag(word) == "nt" and text[-1] in _ORG_HEAD_CHARS:
        # jieba's nt alone is noisy (最新进展, 信息科学): trusted with an organization head, but not on
        # a common word ending in one (中美关系, 新格局, 公共场所, 音乐厅).
        return 0 if text.endswith(_COMMON_HEAD_WORDS) else 1
    if n == 1:
        if text == "所" and norm.startswith(_SUO_VERBS, word.end):
            return 0  # "5G所能发挥的作用": 所 + verb is the particle, not an institute
        if i == 0 or text not in _ORG_HEAD_CHARS or not _is_name_part(words[i - 1], word.start):
            return 0
        return 0 if _function_head(words, i) else 1
    if (text[-1] in _SUBUNIT_CHARS or text.endswith(_SUBUNIT_SUFFIXES)) and text not in _NOT_SUBUNIT and (
            not text.endswith("干部")):
        return 2 if _tag(word) in ("n", "nz", "nt", "j", "l") else 0
    return 0


# Single-character heads that are also function words: modal 会 (台湾会继续), particle 所 (政府所推动),
# copula 系 (美国系…), 处/办 of places; they are no head after a place or before a verb or adverb.
_FUNCTION_HEADS = set("会所系处办厅")
_MODAL_HEADS = set("会所系处")
_VERB_TAGS = {"v", "vd", "d", "ad"}
# Common words that end in a head character (关系, 格局, 场所 …), never an organization on their own.
_COMMON_HEAD_WORDS = ("关系", "格局", "场所", "音乐厅", "大厅", "报告厅", "会议厅", "新局")


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
_PROFESSION_HEADS = ("协会", "学会", "联合会", "研究会", "工会", "联盟")
_SUO_VERBS = tuple("能以有需做在属谓得用获说提作要")
# Words ending in a unit character that name a sub-unit only after a named organization.
_SUBUNIT_CHARS = set("部局司系处厅办署")
_SUBUNIT_SUFFIXES = ("内科", "外科")
_NOT_SUBUNIT = {
    "干部", "内部", "外部", "全部", "局部", "总部", "东部", "西部", "南部", "北部", "中部", "本部", "腹部",
    "头部", "面部", "背部", "当局", "大局", "格局", "布局", "结局", "开局", "体系", "关系", "联系", "派系",
    "谱系", "水系", "星系", "各处", "好处", "到处", "此处", "出处", "何处", "难处", "深处", "远处", "近处",
    "住处", "一处", "多处", "首部", "底部", "顶部", "上部", "下部", "基层干部", "部署", "领导干部", "实处",
}
# Generic internal bodies: part of a name only when the body acts (guidelines §4).
_GENERIC_BODIES = {"秘书处", "书记处", "党组"}


_ORG_LAST_CHARS = {s[-1] for s in _ORG_SUFFIXES} | _ORG_HEAD_CHARS
# The last characters of every word _org_head may accept.
_HEAD_LAST_CHARS = frozenset(_ORG_LAST_CHARS | {s[-1] for s in _SUBUNIT_SUFFIXES})


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
            if i - j < 2 and not _named_institution(words, j, i):
                continue  # too short to be a descriptive name
            if i - j >= 2 and not _descriptive_words(words, j, i):
                continue
        elif words[starter].han or starter == j:
            j = starter
        else:
            # A Latin starter keeps the Han words before it, less a deictic first character
            # (校学生 Linux 用户协会 → 学生 Linux 用户协会).
            while j < starter and words[j].text in _DEICTIC:
                j += 1
        if mode == 2 and not any(_is_orgish(words[k]) for k in range(j, i)):
            continue
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
        end = word.end
        name = norm[start:end]
        if _acceptable_org(name, word.text):
            spans.append((start, end))
    return spans


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
    prefix = name[: len(name) - len(head)]
    if not prefix.strip():
        if not lexicon_org and len(name) == 3 and name[-1] in _BARE_UNIT_CHARS:
            return False  # a department type without its parent (卫生局, 财务处, 卫生署, guidelines §4)
        return pos_tag(name) == "nt" or lexicon_org or _institution_word(name)
    if len(prefix) == 1 and prefix in _DEICTIC:
        return False
    if re.match(f"{_HAN}{{1,2}}级", name):
        return False  # a rank, not a name (国家级临床医学研究中心, 省级重点实验室)
    # 市科协科普部, 省委宣传部: "this city's" association, not a name.
    if name[0] in _DEICTIC and name[1:].startswith(("科协", "委", "政府", "人大", "政协", "工商联", "团委")):
        return False
    return prefix not in _GENERIC_PREFIXES


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


_SEAT_TAILS = ("市委", "省委", "县委", "区委", "政府", "人民政府")
_ZONE_TAILS = ("高新区", "开发区", "新区", "工业区")
_PLACE_MERGE = {"省", "市", "县", "区", "镇", "村", "新区", "自治区", "特区", "高新区", "开发区", "工业区"}
_PLACE_FINAL_CHARS = set("省市县区镇乡村州岛山湖江河港湾")
_PLACE_BEFORE = set("在于赴到至往")
# Generic tails after a complete place name (亚太地区 → 亚太, 欧洲各国 → 欧洲).
_PLACE_TAILS = ("地区", "各国", "各地", "一带", "境内", "全境")


def _find_places(words: tuple[Word, ...], lex: Lexicon, norm: str, candidates: list[int]
                 ) -> list[tuple[int, int]]:
    """Place spans, from the words at ``candidates`` (``_F_PLACE``) and village names."""
    spans = []
    n = len(words)
    for i in candidates:
        word = words[i]
        text = word.text
        kind = lex.types.get(text)
        tag = _tag_of(text)
        nxt = words[i + 1] if i + 1 < n and words[i + 1].start == word.end else None
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
                            or norm.startswith(_SITE_WORDS, word.end)):
                        spans.append((word.start, word.end))
                continue
            spans.append((word.start, word.end))
    # Villages written "surname + 家 + landform" (王家坪, 梁家河), whatever jieba made of them.
    starts: set[int] | None = None
    for m in _VILLAGE_RE.finditer(norm):
        if starts is None:
            starts = {w.start for w in words}
        if m.start() in starts and not any(a <= m.start() < b for a, b in spans):
            spans.append(m.span())
    spans.sort()
    return spans


_VILLAGE_RE = re.compile(f"[{''.join(sorted(_SURNAMES - _WEAK_SURNAMES))}]家[坪沟河湾庄村岭塬峪洼屯寨峁]")
# Small places jieba knows as (mis-tagged) words: villages and towns, and hills or rivers whose name
# cannot be a person's (a surname first needs 家: 杨家岭, not 钟南山).
_VILLAGE_FINAL = set("村镇庄坪")
_LANDFORM_FINAL = set("山岭河湾沟")
_SMALL_PLACE_FINAL = _VILLAGE_FINAL | _LANDFORM_FINAL
_NOT_SMALL_PLACES = {"农村", "城镇", "乡村", "乡镇", "小镇", "古镇", "新村", "山村", "渔村", "小城镇",
                     "新农村", "美丽乡村"}
# Words after a place that make it a historic site, still a place (枣园革命旧址, guidelines §2).
_SITE_WORDS = ("革命旧址", "旧址", "遗址", "故居")
_SLOGANS = {"健康", "美丽", "数字", "平安", "法治", "科创", "智慧", "创新", "网络", "质量", "交通", "体育",
            "文化", "教育", "制造", "航天", "书香"}
_EVENT_WORDS = {"科技周", "科技节", "论坛", "峰会", "博览会", "国际电影节", "马拉松", "科技馆"}


# Generic nouns jieba tags ns, which name no place: a common word + 地区/城市 (偏远地区, 港口城市, not
# 东北地区, 邹城市), and two generic geographic characters (城镇, 江河, 海岛, 山村).
_GENERIC_GEO_TAILS = ("地区", "城市")
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


_SURNAME_RE = re.compile(
    "(?:" + "|".join(_COMPOUND_SURNAMES) + f"|[{''.join(sorted(_SURNAMES))}])"
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


def _is_han_char(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


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
        if tag in ("v", "vn") and freq.get(name, 0) > 0:
            return False  # a dictionary verb (揭牌), not a name
        fits = _name_fits_words(norm, span, cut, after_role, at_title, listed)
        if not fits and lex.types.get(name) != "person":
            return False
        # A bare surname + title ("李总统", "王老师") is not a name.
        return not norm.startswith(_TITLES, span[0] + 1)

    # Dictionary and lexicon person words.
    for i in index.people:
        w = words[i]
        if lex.types.get(w.text) == "person":
            found[(w.start, w.end)] = None
        elif norm.startswith(_AFTER_NAME_STRONG, w.end) and good((w.start, w.end)):
            found[(w.start, w.end)] = None

    # Names right before a title, and right after a role.
    title_ends = set()
    for m in _TITLE_RE.finditer(norm):
        t_start, t_end = m.span()
        if cut.inside(t_start) and cut.inside(t_end):
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
        if pick is not None and not bounded and len(spans) > len(cands) and pick[1] - pick[0] == 2:
            pick = None  # the three-character reading failed, so the two-character one is doubtful (齐聚首都)
        if pick is not None:
            found[pick] = None
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


def _lexicon_prefixes(name: str, lex: Lexicon, kind: str) -> list[str]:
    """Lexicon names of ``kind`` that begin ``name`` and are shorter than it."""
    return [name[:k] for k in range(2, len(name)) if lex.types.get(name[:k]) == kind]


_MEMORIAL_WORDS = ("纪念馆", "革命纪念馆", "博物馆", "陈列馆", "旧址", "革命旧址", "故居")
# Foreign countries written in front of an institution's name as its location (美国科罗拉多州立大学).
_FOREIGN_COUNTRIES = (
    "美国", "日本", "韩国", "俄罗斯", "英国", "法国", "德国", "意大利", "西班牙", "葡萄牙", "荷兰", "比利时",
    "瑞士", "瑞典", "挪威", "芬兰", "丹麦", "波兰", "奥地利", "希腊", "以色列", "印度", "泰国", "越南",
    "新加坡", "马来西亚", "澳大利亚", "新西兰", "加拿大", "巴西", "爱尔兰",
)
_LOCATED_HEADS = ("大学", "学院", "研究院", "研究所", "医院", "实验室")


def _split_countries(norm: str, words: tuple[Word, ...], orgs: list[tuple[int, int]]
                     ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Split a foreign country off the front of a university, institute or hospital name whose own
    name is a proper name (美国科罗拉多州立大学 → 科罗拉多州立大学 + 美国; not 美国医学科学院): the
    institution is named without it and the country is a place of the document."""
    out, places = [], []
    by_start: dict[int, Word] | None = None
    for start, end in orgs:
        name = norm[start:end]
        if not name.startswith(_FOREIGN_COUNTRIES):  # the common case, one C call
            out.append((start, end))
            continue
        country = next((c for c in _FOREIGN_COUNTRIES if name.startswith(c)), None)
        head = next((h for h in _LOCATED_HEADS if name.endswith(h)), None)
        if country is None or head is None or len(name) - len(country) - len(head) < 2:
            out.append((start, end))
            continue
        if by_start is None:
            by_start = {w.start: w for w in words}
        first = by_start.get(start + len(country))
        rest = name[len(country) :]
        if rest.startswith(("国", "皇家", "中央")) or rest[0].isdigit():
            out.append((start, end))
            continue
        if first is None or _tag(first) in ("nr", "nrt", "nrfg", "ns", "nz", "x", "eng"):
            places.append((start, start + len(country)))
            start += len(country)
        out.append((start, end))
    return out, places


def _drop_nested(spans: list[tuple[int, int]], outer: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` less those inside another span of ``outer`` (not counting the span itself)."""
    if not spans or not outer:
        return list(spans)
    ordered = sorted(set(outer))
    starts = [o[0] for o in ordered]
    reach = []  # reach[k]: the furthest end among ordered[: k + 1]
    furthest = -1
    for o in ordered:
        furthest = max(furthest, o[1])
        reach.append(furthest)
    kept = []
    for s in spans:
        # Nested: an outer span starting before s and reaching its end, or starting with s and
        # reaching past it (s itself starts with s and reaches exactly its end).
        before = bisect.bisect_left(starts, s[0])
        upto = bisect.bisect_right(starts, s[0])
        if (before and reach[before - 1] >= s[1]) or (upto and reach[upto - 1] > s[1]):
            continue
        kept.append(s)
    return kept


def _overlaps(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> list[bool]:
    """For each span of ``spans``: whether it overlaps a span of ``others``."""
    if not others:
        return [False] * len(spans)
    ordered = sorted(others)
    starts = [o[0] for o in ordered]
    reach = []
    furthest = -1
    for o in ordered:
        furthest = max(furthest, o[1])
        reach.append(furthest)
    out = []
    for start, end in spans:
        k = bisect.bisect_left(starts, end)  # the others that start before this span ends
        out.append(bool(k) and reach[k - 1] > start)
    return out


# What the rules need to know about one word, by its text (see _word_flags).
_F_ORG = 1  # a lexicon organization
_F_PERSON = 2  # a lexicon person, or a dictionary name word (nr/nrfg, 2–3 characters, a surname first)
_F_PLACE = 4  # a place candidate of _find_places
_F_HEAD = 8  # may end an organization name (its last character; _org_head decides)
_F_LED = 16  # a two-character lexicon place starting with a surname (韩国 of 韩国瑜)
_F_GIVEN = 32  # one character jieba tags as a given name (瑜)
_F_NR = 64  # two or three characters jieba tags as a name
#: text → flags; the lexicon and jieba's tags do not change in a process (like _TAGS). Cleared when full.
_FLAGS: dict[str, int] = {}


def _word_flags(text: str) -> int:
    """The ``_F_*`` flags of a Han word (cached)."""
    flags = _FLAGS.get(text)
    if flags is not None:
        return flags
    lex = _lexicon()
    kind = lex.types.get(text)
    n = len(text)
    tag = _tag_of(text)
    flags = 0
    if kind == "org":
        flags |= _F_ORG
    if n >= 2 and text not in _NAME_STOP and (kind == "person" or (
            n <= 3 and tag in ("nr", "nrfg") and _SURNAME_RE.match(text))):
        flags |= _F_PERSON
    small = n == 3 and text[-1] in _SMALL_PLACE_FINAL  # may be a _small_place_word
    if n >= 2 and text not in _PLACE_STOP and (kind == "place" or (kind is None and (tag == "ns" or small))):
        flags |= _F_PLACE
    if text[-1] in _HEAD_LAST_CHARS:
        flags |= _F_HEAD
    if n == 2 and text[0] in _SURNAMES and kind == "place":
        flags |= _F_LED
    if n == 1 and text not in _NOT_GIVEN and tag in ("nr", "nrfg"):
        flags |= _F_GIVEN
    if 2 <= n <= 3 and tag in ("nr", "nrfg"):
        flags |= _F_NR
    if len(_FLAGS) >= _TAGS_MAX:
        _FLAGS.clear()
    _FLAGS[text] = flags
    return flags


class _Index:
    """The positions in ``words`` of the words each rule starts from, found in one pass: most words
    are none of these, and one dictionary lookup per word is cheaper than a test per rule."""

    def __init__(self, words: tuple[Word, ...]) -> None:
        get = _FLAGS.get
        # Comprehensions rather than one loop: most words have no flag, and skipping them there is cheap.
        all_flags = [get(w.text, -1) if w.han else 0 for w in words]
        if -1 in all_flags:  # words not met before
            for i in [i for i, flags in enumerate(all_flags) if flags < 0]:
                all_flags[i] = _word_flags(words[i].text)
        flagged = [(i, flags) for i, flags in enumerate(all_flags) if flags]
        self.orgs = [i for i, flags in flagged if flags & _F_ORG]
        self.people = [i for i, flags in flagged if flags & _F_PERSON]
        self.places = [i for i, flags in flagged if flags & _F_PLACE]
        self.heads = [i for i, flags in flagged if flags & _F_HEAD]
        self.led = [i for i, flags in flagged if flags & _F_LED]
        self.given = {i for i, flags in flagged if flags & _F_GIVEN}
        self.names = [i for i, flags in flagged if flags & _F_NR]


def find_mentions(text: str) -> list[Mention]:
    """Every entity mention in ``text``, in text order; see the module docstring for the rules."""
    if not text:
        return []
    seg = segment(text)
    norm, words = seg.normalized, seg.words
    lex = _lexicon()
    index = _Index(words)
    orgs = [(words[i].start, words[i].end) for i in index.orgs]
    orgs += _find_orgs(text, norm, words, index.heads)
    orgs += _quoted_orgs(norm)
    orgs = _drop_nested(sorted(set(orgs)), orgs)
    # An organization inside the name of a building or site (抗日军政大学纪念馆) is not named (§2).
    orgs = [o for o in orgs if not norm.startswith(_MEMORIAL_WORDS, o[1])]
    orgs, located = _split_countries(norm, words, orgs)
    people = _find_people(norm, words, lex, {o[1] for o in orgs}, index)
    people = [p for p in people if not any(o[0] <= p[0] and p[1] <= o[1] for o in orgs)]
    people = _drop_nested(people + _place_led_names(words, index), people)
    places = _find_places(words, lex, norm, index.places) + located
    # A place inside an organization name is not a place of the document (guidelines §2); it is kept
    # as an *implied* place for the facets when the organization is a local government or party
    # committee (中共嘉兴市委 → 嘉兴), or the place is the parent of a zone (重庆高新区 → 重庆).
    seats = [o for o in orgs if norm.endswith(_SEAT_TAILS, o[0], o[1])]
    zones = [q for q in places if norm.endswith(_ZONE_TAILS, q[0], q[1])]
    implied = [
        p for p in places
        if any(o[0] <= p[0] and p[1] <= o[1] for o in seats)
        or any(q[0] == p[0] and p[1] < q[1] for q in zones)
    ]
    implied += [
        (q[0], q[1] - len(tail)) for q in places for tail in _ZONE_TAILS
        if norm.endswith(tail, q[0], q[1]) and lex.types.get(norm[q[0] : q[1] - len(tail)]) == "place"
    ]
    # Likewise the parent of a sub-unit (清华大学公共管理学院 → 清华大学) is an implied organization.
    implied_orgs = [
        (o[0], o[0] + len(parent)) for o in orgs for parent in _lexicon_prefixes(norm[o[0] : o[1]], lex,
         "org")
    ]
    taken = orgs + people
    places = [p for p, overlaps in zip(places, _overlaps(places, taken), strict=True) if not overlaps]
    places = _drop_nested(places, places)
    places = _contained_places(norm, words, places, taken)
    mentions = []
    groups = (("person", people, False), ("org", orgs, False), ("place", places, False),
              ("place", implied, True), ("org", implied_orgs, True))
    simplified: str | None = None  # to_simplified(text), for the few spans not all Han
    for kind, spans, is_implied in groups:
        for start, end in spans:
            if _HAN_RUN_RE.fullmatch(norm, start, end):
                # Normalization changes no Han character after t2s: the span is its Simplified form.
                surface = norm[start:end]
            else:
                if simplified is None:
                    simplified = to_simplified(text)
                surface = _surface(simplified, norm, start, end)
            if len(surface) < 2:
                continue
            canon = lex.canonical.get(norm[start:end], surface)
            mentions.append(Mention(kind, surface, canon, start, end, implied=is_implied))
    mentions.sort(key=lambda m: m.start)
    return mentions


# Facilities named after a place (圆山饭店, 松山机场): buildings, whose names hold no place (§2).
_FACILITY_WORDS = ("饭店", "大饭店", "机场", "宾馆", "酒店", "大厦", "大楼", "车站", "火车站", "体育馆",
                   "纪念馆", "会堂", "大桥", "隧道", "公墓", "处理器")
# Quoted names that are events, awards or programmes (「亚太永续发展国际论坛」).
_EVENT_TAILS = _MEETING_TAIL + ("奖", "赛", "计划", "工程", "行动", "周", "节", "展", "活动", "项目")
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
        if quote is not None and (quote[0] == "《" or quote[1].endswith(_EVENT_TAILS)):
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


def _surface(simplified: str, norm: str, start: int, end: int) -> str:
    # Simplified text keeps the case of Latin letters and full-width parentheses as written; other
    # full-width forms are folded like the normalizer.
    out = simplified[start:end]
    if out.lower() == norm[start:end]:
        return out
    pairs = zip(out, norm[start:end], strict=True)
    return "".join(c if c.lower() == n or c in "（）" else n for c, n in pairs)


def extract_entities(text: str) -> Entities:
    """People, organizations and places of ``text``: canonical Simplified names, distinct, in order of
    first appearance. Never raises on odd input; an empty text gives empty lists."""
    lists: dict[str, dict[str, None]] = {k: {} for k in KINDS}
    for m in find_mentions(text):
        lists[m.kind][m.canonical] = None
    return Entities(people=list(lists["person"]), orgs=list(lists["org"]), places=list(lists["place"]))
