"""Word tables of the entity rules: titles, surnames, organization suffixes, stoplists.

Plain data (and the regular expressions built from it) shared by the rule modules; tables one rule
alone uses live beside that rule."""

from __future__ import annotations

import re

from search.normalize import HAN_CLASS

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
    # Federations, chambers, parties and named teams (武汉市慈善总会, 澳大利亚工党, …仪仗队, NEBULA 战队).
    "总会", "商会", "红十字会", "工党", "民主党", "共和党", "共产党", "保守党", "自由党", "绿党", "战队",
    "舰队", "仪仗队", "医疗队", "陆战队", "用户组",
    # Branches and special committees of a society (…重症医学分会, …物联网专委会).
    "分会", "专委会",
    # Bodies named by a word in 会 (世界台湾同乡会, …促进会, …理事会).
    "同乡会", "校友会", "促进会", "理事会", "董事会", "监事会", "慈善会", "互助会",
    # Legislatures, party caucuses, newspapers (众议院, 高雄市议会, 国民党团, 纽约时报).
    "议院", "议会", "国会", "党团", "时报", "晚报",
    # Design institutes, commands and task forces (…规划研究设计院, 海军司令部, …工作专班).
    "设计院", "司令部", "指挥部", "工作专班",
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
    "科创中心", "跨部会", "中央部会", "公共场所", "音乐厅", "新格局", "党政军", "理事会", "董事会", "监事会",
    "校友会", "促进会", "中等学校", "高等学校", "中小学校",
}
# Words ending in 会 that are meetings, not organizations.
_MEETING_TAIL = ("大会", "全会", "年会", "会议", "峰会", "研讨会", "座谈会", "报告会", "论坛", "晚会",
                 "运动会",
                 "展览会", "博览会", "交流会", "发布会", "见面会", "茶话会", "推介会", "洽谈会", "启动会",
                 "表彰会", "动员会", "培训会", "分享会", "开幕会", "闭幕会", "工作会", "例会", "宴会", "盛会",
                 "招待会", "音乐会", "游园会", "换届会", "联谊会", "演唱会", "庆祝会", "说明会", "听证会",
                 # Sessions of a body (行政院院会, 党委会, 中常会).
                 "院会", "党委会", "常会")
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
    # Judicial, military and cabinet ranks (邵某某法官, 参谋总长某某, 阁揆某某); not 中校 (高中校长).
    "大法官", "法官", "检察官", "律师", "参谋总长", "总长", "阁揆", "上将", "中将", "少将", "舰长", "科长",
    "厂长",
)
_TITLE_SET = set(_TITLES)
_TITLE_LAST_CHARS = frozenset(t[-1] for t in _TITLES)

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
    "东南", "江湖", "山河", "江山", "万里", "长城", "东方", "南方",
    "北方", "平安", "和平", "安全", "发展", "太平", "长安", "永安", "文明", "光明", "和谐", "共和", "民主",
    "中国人", "中关村", "无人区", "十六区", "上海交通", "市委", "市政府", "省委", "省政府", "县委", "区委",
}
# Place suffix words that are generic on their own or after a deictic character (市, 全省 …).
_LATIN_RE = re.compile(r"[a-z]")
_HAN_RUN_RE = re.compile(f"[{HAN_CLASS}]+")


# Words ending in a unit character that name a sub-unit only after a named organization.
_SUBUNIT_CHARS = set("部局司系处厅办署")
_SUBUNIT_SUFFIXES = ("内科", "外科", "医学科")
_NOT_SUBUNIT = {
    "干部", "内部", "外部", "全部", "局部", "总部", "东部", "西部", "南部", "北部", "中部", "本部", "腹部",
    "头部", "面部", "背部", "当局", "大局", "格局", "布局", "结局", "开局", "体系", "关系", "联系", "派系",
    "谱系", "水系", "星系", "各处", "好处", "到处", "此处", "出处", "何处", "难处", "深处", "远处", "近处",
    "住处", "一处", "多处", "首部", "底部", "顶部", "上部", "下部", "基层干部", "部署", "领导干部", "实处",
    "中南部", "东南部", "西南部", "东北部", "西北部", "中北部", "中西部", "中东部",
}
# Generic internal bodies: part of a name only when the body acts (guidelines §4).
_GENERIC_BODIES = {"秘书处", "书记处", "党组"}


# Last characters of names jieba tags nt that are organizations as one word (国民党, 解放军): trusted
# with jieba's tag, as that word alone.
_NT_HEAD_CHARS = set("党军")
_ORG_LAST_CHARS = {s[-1] for s in _ORG_SUFFIXES} | _ORG_HEAD_CHARS | _NT_HEAD_CHARS
# The last characters of every word _org_head may accept.
_HEAD_LAST_CHARS = frozenset(_ORG_LAST_CHARS | {s[-1] for s in _SUBUNIT_SUFFIXES})


# Small places jieba knows as (mis-tagged) words: villages and towns, and hills or rivers whose name
# cannot be a person's (a surname first needs 家: 杨家岭, not 钟南山).
_VILLAGE_FINAL = set("村镇庄坪")
_LANDFORM_FINAL = set("山岭河湾沟")
_SMALL_PLACE_FINAL = _VILLAGE_FINAL | _LANDFORM_FINAL


_SURNAME_RE = re.compile(
    "(?:" + "|".join(_COMPOUND_SURNAMES) + f"|[{''.join(sorted(_SURNAMES))}])"
)


def _is_han_char(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


# Titles jieba glues to the head of an organization (教育局长, 司法部长, 大学校长, 协会会长): the name ends
# where the title begins (guidelines §4).
_UNIT_TITLES = ("局长", "部长", "院长", "所长", "处长", "厅长", "署长", "司长", "社长")


def _title_cut(text: str) -> int:
    """The length of a title glued to the end of an organization head in one jieba word, else 0:
    ``X局长`` (the unit 局 ends the name: 教育局长 → 3 of 4 characters are the name), or a name ending in an
    organization suffix + any title (大学校长, 协会会长, 学会理事长)."""
    if len(text) < 4:
        return 0
    for k in range(2, min(5, len(text) - 1)):
        if text[-k:] in _TITLE_SET and text[:-k].endswith(_ORG_SUFFIXES):
            # 党委书记, 市委书记: a compound title made with a generic body (guidelines §4), no name.
            return 0 if text[:-k].endswith(_BODY_TITLES) else k
    return 1 if text.endswith(_UNIT_TITLES) and text[-3] != text[-2] else 0


_BODY_TITLES = ("党委", "市委", "省委", "县委", "区委", "党组", "纪委", "团委", "工会")
