"""Entity extraction on real text from the demo corpus (issue 3 requirements for the sample post)."""

from __future__ import annotations

import pytest

from indexer.clean import clean_text
from indexer.entities import Entities, extract_entities, find_mentions


@pytest.fixture(scope="module")
def sample_entities(sample_post_text: str) -> Entities:
    return extract_entities(clean_text(sample_post_text).text)


def test_sample_post_people(sample_entities: Entities) -> None:
    expected = ("万钢 怀进鹏 王小谟 周济 江小涓 吕昭平 束为 "
        "张兵 叶贤林 张彦敏 曹俊杰 刘兴平 陶晓明 林学春").split()
    assert [p for p in expected if p not in sample_entities.people] == []


def test_sample_post_orgs_merge_aliases(sample_entities: Entities) -> None:
    expected = "中国科协 中国自动化学会 中国工程院 清华大学 中国机械工程学会 湖北省科协".split()
    assert [o for o in expected if o not in sample_entities.orgs] == []
    # 中國科學技術協會 (first sentence) and 中國科協 are one canonical organization.
    assert "中国科学技术协会" not in sample_entities.orgs


def test_sample_post_places(sample_entities: Entities) -> None:
    expected = "北京 嘉兴 成都 济南 包头 重庆".split()
    assert [p for p in expected if p not in sample_entities.places] == []


def test_sample_post_has_no_noise(sample_entities: Entities) -> None:
    everything = sample_entities.people + sample_entities.orgs + sample_entities.places
    assert {"城市", "深度", "杰出青年"}.isdisjoint(everything)
    assert [e for e in everything if len(e) < 2] == []
    assert len(everything) == len(set(sample_entities.people)) + len(set(sample_entities.orgs)) + len(
        set(sample_entities.places)
    )


def test_traditional_and_simplified_twins_give_the_same_entities() -> None:
    # cast-70889 / cast-70889-hant (first sentences)
    simplified = "中国自动化学会理事长、西安交通大学郑南宁院士致开幕辞。常熟市副市长陈惠良在致辞中表示"
    traditional = "中國自動化學會理事長、西安交通大學鄭南寧院士致開幕辭。常熟市副市長陳惠良在致辭中表示"
    assert extract_entities(simplified) == extract_entities(traditional)
    ents = extract_entities(traditional)
    assert ents.people == ["郑南宁", "陈惠良"]
    assert ents.orgs == ["中国自动化学会", "西安交通大学"]
    assert ents.places == ["常熟市"]


def test_alias_forms_merge_to_one_canonical_name() -> None:
    text = "北京市科学技术协会主办，北京科技报社承办。积极利用北京市科协微信公众号开展宣传。"
    assert extract_entities(text).orgs == ["北京市科协", "北京科技报社"]
    surfaces = [m.surface for m in find_mentions(text) if m.kind == "org"]
    assert surfaces == ["北京市科学技术协会", "北京科技报社", "北京市科协"]


def test_names_before_titles_and_after_roles() -> None:
    # cast-71091
    text = ("国家测绘地理信息局副局长李维森出席会议并讲话，雄安集团总经理刘春成出席会议，"
            "中国科学院、中国工程院院士李德仁和中国工程院院士王家耀出席并作报告。")
    ents = extract_entities(text)
    assert ents.people == ["李维森", "刘春成", "李德仁", "王家耀"]
    assert ents.orgs == ["国家测绘地理信息局", "雄安集团", "中国科学院", "中国工程院"]


def test_listed_names() -> None:
    # ustclug-2016-05-02-2016-lug-election
    text = "会议共选出了 4 位负责人，分别是左格非、崔天一、曾键、郑子涵。"
    assert extract_entities(text).people == ["左格非", "崔天一", "曾键", "郑子涵"]


def test_bare_surname_with_title_is_not_a_person() -> None:
    # twpres-22945
    text = "李總統登輝先生今天接見美國聯邦參議員勃恩斯時指出，民主和人權是世局發展的方向和潮流。"
    assert "李总统" not in extract_entities(text).people


def test_place_inside_an_org_name_is_not_a_place_mention() -> None:
    text = "首都医科大学宣武医院院长赵国光致欢迎辞。"
    mentions = [m for m in find_mentions(text) if not m.implied]
    assert [(m.kind, m.surface) for m in mentions] == [("org", "首都医科大学宣武医院"), ("person", "赵国光")]
    # The parent organization is kept for the facets only (implied), not as a mention of its own.
    assert extract_entities(text).orgs == ["首都医科大学宣武医院", "首都医科大学"]
    assert "北京" not in extract_entities("北京大学举办讲座").places


def test_generic_words_are_not_entities() -> None:
    text = "当前，上海作为第一批5G商用城市正全力推进5G网络建设工作，有关全国学会负责人参加会议。"
    ents = extract_entities(text)
    assert ents.places == ["上海"]
    assert ents.orgs == []
    assert ents.people == []


def test_empty_text() -> None:
    assert extract_entities("") == Entities([], [], [])


def test_named_sub_units_are_part_of_the_name() -> None:
    # cast-70889: a unit word after a named organization (系, 部, 事业部) and a generic body that acts.
    text = ("本届论坛由国家自然科学基金委员会信息科学部、中国科学技术协会、中国自动化学会主办，"
            "中国自动化学会秘书处、中国自动化学会智能车工作委员会承办。清华大学计算机系教授邓志东在报告中。")
    ents = extract_entities(text)
    # The parents (国家自然科学基金委员会, 清华大学) are implied organizations, kept for the facets only.
    assert ents.orgs == ["国家自然科学基金委员会信息科学部", "国家自然科学基金委员会", "中国科协",
                         "中国自动化学会", "中国自动化学会秘书处", "中国自动化学会智能车工作委员会",
                         "清华大学计算机系", "清华大学"]
    mentions = [m.surface for m in find_mentions(text) if m.kind == "org" and not m.implied]
    assert "国家自然科学基金委员会" not in mentions and "清华大学" not in mentions


def test_generic_body_before_a_role_is_a_title() -> None:
    # seed-000 (simplified): 党组, 书记处 before a role or another body are not names.
    assert extract_entities("中国科协党组、书记处全体成员出席会议。").orgs == ["中国科协"]


def test_names_with_verbs_conjunctions_and_parentheses() -> None:
    # cast-70889 and twpres-23705 (converted to Simplified by the extractor).
    text = ("博世汽车部件（苏州）有限公司底盘控制事业部自动驾驶技术经理费贤松，"
            "中国智能车综合技术研发与测试中心承办。成立「行政院能源及減碳辦公室」，定期檢討。")
    ents = extract_entities(text)
    assert ents.orgs == ["博世汽车部件（苏州）有限公司底盘控制事业部", "中国智能车综合技术研发与测试中心",
                         "行政院能源及减碳办公室", "行政院"]
    assert "苏州" not in ents.places


def test_latin_words_inside_names() -> None:
    # ustclug-2016-05-02-2016-lug-election, ustclug-2024-09-07-2024-freshmen-course
    text = "校学生 Linux 用户协会于东区活动室召开了换届会议。"
    assert extract_entities(text).orgs == ["学生 Linux 用户协会"]
    assert extract_entities("由中国科学技术大学 Linux 用户协会主办").orgs == [
        "中国科学技术大学 Linux 用户协会", "中国科学技术大学"]


def test_jieba_nt_words_without_an_organization_head_are_not_orgs() -> None:
    # cast-70889: 最新进展, 科研院所 and 信息科学 are tagged nt by jieba.
    text = "同时介绍该框架下几个在研研究项目最新进展。有关科研院所、高等院校参加。推动我国信息科学的发展。"
    assert extract_entities(text).orgs == []


def test_places_inside_titles_of_works_and_facility_names_are_not_places() -> None:
    # cast-70889, twpres-22853 (Traditional)
    assert extract_entities("TASS天欧汽车的黄汉知以《荷兰智能驾驶技术及开发和测试方法》为题").places == []
    assert extract_entities("慶祝會是於下午在台北圓山飯店舉行。").places == ["台北"]


def test_bare_form_of_a_city_written_elsewhere_is_a_place() -> None:
    # cast-70889: 常熟 (tagged as an adjective by jieba) is a place because 常熟市 is one.
    text = "智能车发展论坛在常熟举办。在江苏省常熟市举办。"
    assert extract_entities(text).places == ["常熟", "江苏", "常熟市"]  # 江苏省 is an alias of 江苏


def test_name_that_begins_with_a_country_word() -> None:
    # chinatimes-e868e00e58 (Traditional): 韓國瑜 is a person, not 韩国.
    ents = extract_entities("高市前勞工局長王秋冬出席活動，說明勞工曾在韓國瑜擔任市長時上街頭表達心聲")
    assert "韩国瑜" in ents.people
    assert "韩国" not in ents.places


def test_one_word_institutions_with_a_distinctive_name() -> None:
    # bjndd-contentb-3: 宣武医院 is one jieba word; 航空 + 总医院; a type of hospital is no name.
    text = "协和医院李晓光教授、宣武医院韩璎教授、航空总医院邢岩教授为会员汇报了各自研究领域的新进展。"
    assert extract_entities(text).orgs == ["协和医院", "宣武医院", "航空总医院"]
    # bjndd-tradenews-1
    assert extract_entities("作为公立医院，医院将进一步突出公益性").orgs == []


def test_abbreviated_commissions_and_party_departments() -> None:
    # bjndd-tradenews-1, cast-448923
    text = "是由国家科技部、国家卫计委、中央军委后勤保障部联合。北京市卫生计生委主任雷海潮在讲话中表示"
    ents = extract_entities(text)
    assert ents.orgs == ["国家科技部", "国家卫计委", "中央军委后勤保障部", "中央军委", "北京市卫生计生委"]
    assert ents.people == ["雷海潮"]
    text = "通过联合北京市委宣传部精神文明办在市属的7000个新时代文明实践中心"
    assert extract_entities(text).orgs == ["北京市委宣传部精神文明办"]


def test_professions_inside_society_names() -> None:
    # cast-452857: 记者 and 编辑 are titles elsewhere, name parts before 协会/学会.
    text = ("首都互联网协会指导，北京科技记者编辑协会、北京地区网站联合辟谣平台共同发布，"
            "得到中国晚报科学编辑记者学会")
    assert extract_entities(text).orgs == [
        "首都互联网协会", "北京科技记者编辑协会", "中国晚报科学编辑记者学会"]


def test_this_city_prefix_and_a_verb_between_two_names() -> None:
    # cast-110167: 市动物学会 is "this city's" society; cast-115285: 收到 is the predicate.
    text = "市动物学会多位专家进入市林业局成立的专家组"
    assert [o for o in extract_entities(text).orgs if o.startswith(("市", "动物"))] == []
    text = "中国人工智能学会收到美国电气和电子工程师协会与国际粗糙集学会两个国际组织的复函。"
    assert extract_entities(text).orgs == ["中国人工智能学会", "美国电气和电子工程师协会", "国际粗糙集学会"]


def test_foreign_country_in_front_of_a_university_is_its_location() -> None:
    # cast-70889 (transliterated names jieba tags as persons), cast-115285 (a national academy keeps it)
    ents = extract_entities(
        "英国克兰菲尔德大学驾驶员认知与自动驾驶实验室主任曹东璞博士。美国科罗拉多州立大学杨柳青教授")
    assert ents.orgs == ["克兰菲尔德大学", "科罗拉多州立大学"]
    assert ents.places == ["英国", "美国"]
    ents = extract_entities("中科院生物物理所陈霖院士和美国医学科学院外籍院士戴建平教授向学会发来贺信。")
    assert "美国医学科学院" in ents.orgs


def test_sub_units_and_names_jieba_mis_tags() -> None:
    # cast-70889 (自动化系 tagged l), cast-71091 (小城镇 tagged nr, 城市 tagged ns)
    assert extract_entities("上海交通大学自动化系教授杨明带来的报告").orgs == [
        "上海交通大学自动化系", "上海交通大学"]
    text = "国家发展改革委城市和小城镇发展研究中心副主任乔润令作主题发言"
    assert extract_entities(text).orgs[0] == "国家发展改革委城市和小城镇发展研究中心"


def test_small_places_jieba_takes_for_names() -> None:
    # cast-438419: villages and hills of Yan'an; an organization inside a memorial's name is no org.
    text = ("全体学员先后到王家坪革命旧址、宝塔山、梁家河、杨家岭革命旧址、枣园革命旧址、"
            "抗日军政大学纪念馆、凤凰山革命旧址进行现场学习。")
    ents = extract_entities(text)
    assert ents.places == ["王家坪", "宝塔山", "梁家河", "杨家岭", "枣园", "凤凰山"]
    assert ents.orgs == []
    # cast-114497
    assert extract_entities("王守东同志带队先后到魏公村办公区和创新战略研究院调研").places == ["魏公村"]


def test_taiwan_variant_of_city_and_national_programmes() -> None:
    # chinatimes-e2f1675a90: 巿 (U+5DFF) written for 市; bjndd-tradenews-1: 健康中国 is a programme.
    ents = extract_entities("國民黨高雄巿議員陳若翠PO文")
    assert ents.places == ["高雄巿"]
    assert ents.people == ["陈若翠"]
    assert extract_entities("为健康中国建设提供有力保障").places == []


def test_quoted_names_of_organizations() -> None:
    # bjndd-tradenews-1: the quotes give the extent jieba's tags cannot; seed-000: a quoted name in front.
    text = ("成立了“吴阶平老年医学论坛”、“衰老与干细胞研究中心”、“宣武医院—中科院遗传发育所联合研究中心”。"
            "近期将建立 “老年多系统疾病诊疗中心”等特色临床机构")
    assert extract_entities(text).orgs == [
        "衰老与干细胞研究中心", "宣武医院—中科院遗传发育所联合研究中心", "老年多系统疾病诊疗中心"]
    text = "宣布组建“科创中国”咨询委员会和“科创中国”联合体,并对未来三年“科创中国”建设的重点目标"
    assert extract_entities(text).orgs == ["“科创中国”咨询委员会", "“科创中国”联合体"]
    # twpres-15960 (Traditional); a short quoted brand is no name (bjndd-tradenews-1: “四个中心”).
    assert extract_entities("目前行政院成立的「促進就業專案小組」，也針對").orgs == [
        "行政院", "促进就业专案小组"]
    assert extract_entities("按照北京市“四个中心”的城市战略定位").orgs == []


def test_age_group_words_inside_names_and_ranks_in_front() -> None:
    # bjndd-tradenews-1: jieba tags 老年 as a time word; 国家级 is a rank, not a name.
    text = "9月9日上午，国家老年疾病临床医学研究中心揭牌仪式在首都医科大学宣武医院南区举行。"
    assert extract_entities(text).orgs == [
        "国家老年疾病临床医学研究中心", "首都医科大学宣武医院", "首都医科大学"]
    text = "是由国家科技部、国家食品药品监督管理总局联合批准的国家级临床医学研究中心"
    assert extract_entities(text).orgs == ["国家科技部", "国家食品药品监督管理总局"]


# --- precision: runs of characters that jieba's cut and dictionary show to be words, not names ---------


def test_no_name_begins_or_ends_inside_a_word() -> None:
    # cast-120382: 发展态势 gave 展态势, 路演企业 gave 路演企 (a list "X、Y" cut out of the middle of words).
    text = ("浙商创投合伙人陈伟民、天鹰资本投资合伙人蒋程雨、航天科工智能机器人副总经理田海峰等"
            "投资机构及企业代表围绕智能制造领域发展态势、路演企业核心技术及研发能力等方面进行互动交流，"
            "六十余家国内知名机构的专业投资人和行业专家参加观摩交流。")
    people = extract_entities(text).people
    assert "田海峰" in people
    assert {"展态势", "路演企", "和行业"}.isdisjoint(people)
    # cast-118018: a list of terms is no list of names.
    text = "提供高性能超算、云计算、信息系统集成解决方案、计算机软硬件开发及服务为一体的整体解决方案。"
    assert extract_entities(text).people == []


def test_a_name_may_end_where_jieba_glued_it_to_a_following_word() -> None:
    # bjndd-tradenews-1: jieba cuts 吕/一/平等; 等 follows names.
    text = "首都医科大学校长尚永丰院士、北京市医院管理局副局长吕一平等出席会议"
    assert extract_entities(text).people == ["尚永丰", "吕一平"]


def test_conjunction_and_preposition_are_not_surnames() -> None:
    # cast-120382 (和 + 行业专家), cast-107521 (院士和刘明院士), ustclug-2022-04-17-linux-101-3 (向大家).
    text = ("中国投资协会副会长、股权和创业投资专业委员会会长沈志群在发言中表示，"
            "六十余家国内知名机构的专业投资人和行业专家参加观摩交流。")
    assert extract_entities(text).people == ["沈志群"]
    assert extract_entities("会议学术委员会，中国科学院郝跃院士和刘明院士任学术委员会顾问").people == [
        "郝跃", "刘明"]
    assert extract_entities("首先，明宇龙同学向大家介绍了 C 与 C++ 语言在 Linux 上的开发过程。").people == [
        "明宇龙"]


def test_dictionary_words_before_a_title_are_not_names() -> None:
    # cast-108922: 荣誉 (jieba: nr) before 理事长; cast-438419: 纪委 inside the word 纪委书记.
    text = ("会议由中国工程院院士、中国科协智能制造学会联合体主席团主席、中国机械工程学会荣誉理事长周济主持，"
            "中国科协党组成员、书记处书记宋军出席会议并讲话。")
    assert extract_entities(text).people == ["周济", "宋军"]
    text = ("开班仪式由市科协党组成员、副主席、机关党委书记孙晓峰主持，"
            "市科协二级巡视员、秘书长、机关纪委书记张玉山参加")
    assert extract_entities(text).people == ["孙晓峰", "张玉山"]
    # twpres-39643: 晉見 (jieba: nr) before 總統.
    text = "衛生福利部部長石崇良陪同，前來總統府晉見總統，總統府秘書長潘孟安也在座。"
    assert extract_entities(text).people == ["石崇良", "潘孟安"]


def test_a_classifier_after_a_numeral_is_not_a_surname() -> None:
    # cast-116758: 114余位委员.
    text = "肝胆病分会114余位委员、青年委员参与到抗疫一线，其中7位支援武汉抗疫一线。"
    assert extract_entities(text).people == []


def test_a_title_inside_a_word_anchors_no_name() -> None:
    # cast-103554: 大学长江学者 holds no title 学长 (it gave the name 江学者).
    text = ("辽宁科技大学矿业学院/化工学院副院长、辽宁科技大学长江学者陶东平"
            "作题为《纳米气泡强化细颗粒浮选理论》的报告")
    assert "江学者" not in extract_entities(text).people


def test_generic_geographic_nouns_are_not_places() -> None:
    # cast-112377: 城镇 (jieba: ns) is a common noun; cast-113121: a region + 地区 is still a place.
    text = "下功夫做好距离城镇社区居民、农民群众“最后一公里”的科普服务"
    assert extract_entities(text).places == []
    assert "东北地区" in extract_entities("朱怀平教授团队以及东北地区部分生物数学学者").places


def test_place_before_a_title_that_repeats_its_suffix() -> None:
    # cast-74672: 江苏省省长 names 江苏省 (canonical 江苏), not 江苏省省; cast-101582: 仙桃市市长.
    assert extract_entities("江苏省省委书记娄勤俭，江苏省省长吴政隆").places == ["江苏"]
    assert extract_entities("仙桃市市长余珂为仙桃市科技志愿服务队授旗").places == ["仙桃市"]


def test_speaker_is_a_title_and_a_party_branch_is_no_name() -> None:
    # chinatimes-60d3e2f8f3: 議長 is a title; 黨部 (a dictionary noun) before 主委 is no name.
    text = "國民黨苗栗縣黨部前主委林祥川因健康因素請辭，由苗栗縣議會議長鍾東錦接任黨部主委"
    people = extract_entities(text).people
    assert "钟东锦" in people
    assert "党部" not in people


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # cast-70796, cast-446815: a verb phrase before a head is no name (充分发挥好学会的作用).
        ("四是创新服务方式，充分发挥好学会的“桥梁”和“纽带”作用", "充分发挥好学会"),
        ("依托“三长一家”，充分发挥基层科协组织号召力和动员力", "充分发挥基层科协"),
        # cast-113120: the society is the subject of the next clause (…科研。学会号召…, no stop written).
        ("鼓励开展抗疫科研学会号召广大畜牧兽医科技工作者", "抗疫科研学会"),
        # ustclug-2013-04-29-lug: a cohort (2010 级) is no organization.
        ("大家一致推选 2010 级物理学院的张光宇同学担任会长", "级物理学院"),
        # cast-116448: 领导 and 调研 are no name parts.
        ("河南省政协领导调研省科技馆新馆项目复工复产和疫情防控工作", "河南省政协领导调研省科技馆"),
        # twpres-23705: modal 会 "will" after a place; cast-448916: 落到实处 is an idiom, not a 处.
        ("總統：「永續」這條路　臺灣會堅定地走下去", "台湾会"),
        ("坚定不移把党中央决策部署落到实处，坚决打赢疫情防控阻击战", "党中央决策部署落到实处"),
        # twpres-16187: the particle 所 before a verb; chinatimes: copula 系 after a place.
        ("亦對中華民國政府所推動的綠能政策與節能減碳表示肯定", "中华民国政府所"),
        # Counts and rooms: a quantity or a hall is no organization.
        ("目前臺灣已有26所大學院校與瑞典20所大學簽訂合作協議", "台湾已有26所大学"),
        ("活动地点 清华大学FIT楼2楼多功能报告厅", "清华大学FIT楼2楼多功能报告厅"),
        # Bare generic heads (guidelines §4): 联合会 alone, a bureau without its parent.
        ("智能照明联合会将继续发挥这个推动器的重要作用", "联合会"),
        ("篩檢、衛教宣導，並與地方衛生局合作辦理", "卫生局"),
        ("习近平强调，中美关系的希望在人民", "中美关系"),
    ],
)
def test_verb_phrases_function_words_counts_and_generic_heads_are_no_orgs(text: str, absent: str) -> None:
    assert absent not in extract_entities(text).orgs


def test_real_names_survive_the_function_word_rules() -> None:
    # 学会 cut 兽医学/会 before a verb (cast-113120), an institute abbreviation before 与 (tuna), a sub-unit
    # 办 and 处 after a named body (cast-448923, cast-107190), a place cut before its 县 (cast-115772).
    cases = {
        "中国畜牧兽医学会聚合资源助抗“疫”": "中国畜牧兽医学会",
        "由中科院软件所与 openEuler 社区共同举办": "中科院软件所",
        "还通过联合北京市委宣传部精神文明办在市属的7000个新时代文明实践站": "北京市委宣传部精神文明办",
        "人社部鉴定中心标准处领导对编制工作给与高度肯定": "人社部鉴定中心标准处",
        "伊通县科协邀请中国农业大学专家团线上授课": "伊通县科协",
        "学会秘书王小琪会根据您提供的微信号联系您": None,
    }
    for text, org in cases.items():
        orgs = extract_entities(text).orgs
        if org is None:
            assert orgs == [] and extract_entities(text).people == ["王小琪"]
        else:
            assert org in orgs, (text, orgs)


def test_a_list_of_things_beside_a_name_gives_no_person():
    # cast-112377: 宣传栏 is a dictionary word in a list of things; jieba tags it as a name.
    text = "及时在辖区内科普画廊、宣传栏、电子显示屏、全媒体科普视窗更新宣传内容。区科协主席王平出席。"
    people = extract_entities(text).people
    assert "宣传栏" not in people
    assert "王平" in people


def _spans(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.surface) for m in find_mentions(text) if not m.implied]


def test_gazetteer_places_prefecture_county_and_foreign() -> None:
    # Prefecture-level cities the lexicon does not list, a capital after 首都, a country, a region.
    assert _spans("绵阳、宜宾两地科协联合举办活动。") == [("place", "绵阳"), ("place", "宜宾")]
    assert _spans("乌克兰首都基辅4日遭袭。") == [("place", "乌克兰"), ("place", "基辅")]
    assert _spans("立陶宛支持华南地区的合作。") == [("place", "立陶宛"), ("place", "华南")]
    # Canonical names merge a unit's forms (德意志联邦共和国 → 德国).
    assert [m.canonical for m in find_mentions("德意志联邦共和国总理访华")] == ["德国"]


def test_weak_gazetteer_name_needs_a_place_context() -> None:
    # 大兴 is also a common word ("on a large scale"): a place in a list of places or after 到.
    assert ("place", "大兴") in _spans("先后多次到大兴、通州、丰台的厂家等货。")
    assert [k for k, s in _spans("各地大兴调查研究之风。") if s == "大兴"] == []


def test_place_cut_into_single_characters() -> None:
    assert ("place", "印太") in _spans("拥护整个印太地区的自由。")


def test_transliterated_names() -> None:
    assert _spans("欢迎总理奥拉夫·朔尔茨访华。") == [("person", "奥拉夫·朔尔茨")]
    assert ("person", "特朗普") in _spans("美国总统特朗普表示")
    assert _spans("科普品牌“云里·悟理”上线。") == []  # a quoted programme, not a person


def test_title_glued_to_a_place_suffix() -> None:
    assert _spans("苗栗县长徐耀昌表示") == [("place", "苗栗县"), ("person", "徐耀昌")]


def test_common_word_tagged_as_a_name_inside_an_organization() -> None:
    # jieba tags 康复 and 慈善 as names; in front of an organization head they are name parts.
    orgs = [s for k, s in _spans("中国康复医学会与武汉市慈善总会签订协议书") if k == "org"]
    assert orgs == ["中国康复医学会", "武汉市慈善总会"]


def test_organization_precision_rules() -> None:
    # A government is named by its place; a rank or "first-class" is no name; a party committee and the
    # province's government written together give the committee.
    assert _spans("民众对联邦政府应对迟缓不满，日本政府表示关切。") == [("org", "日本政府")]
    assert ("org", "美国联邦政府") in _spans("美国联邦政府宣布")
    assert [s for k, s in _spans("建设世界一流学会，发挥吉林省级学会作用") if k == "org"] == []
    assert ("org", "吉林省委") in _spans("在吉林省委省政府领导下")
    # Branches and special committees of a society are named sub-units.
    assert ("org", "山东省医学会重症医学分会") in _spans("由山东省医学会重症医学分会主办")


def test_places_inside_event_names_document_titles_and_scopes() -> None:
    assert [k for k, s in _spans("协办第五届中国重症医学信息化与互联网大会") if k == "place"] == []
    text = "韩鲁佳提交“关于北京市公共场所实施佩戴口罩的控制措施的建议”"
    assert [s for k, s in _spans(text) if k == "place"] == []
    assert [s for k, s in _spans("充分整合产业园区的资源，邀请各县市代表") if k == "place"] == []
    assert ("place", "北京") in _spans("在北京召开大会")


def test_people_before_a_count_after_a_speaker_field_and_with_a_latin_gloss() -> None:
    assert ("person", "王若麟") in _spans("还有王若麟等二十五位选手获得三等奖。")
    assert ("person", "徐晓兰") in _spans("徐晓兰等11人当选学会副理事长")
    assert ("person", "莫涛") in _spans("主讲人：莫涛时间：2022/03/19")
    assert ("person", "潘恩") in _spans("欢迎澳洲国防部潘恩（Christopher Pyne）前部长")


def test_name_fragments_are_not_people() -> None:
    people = [s for text in ("让更多同学来激发兴趣。", "总统今天上午出席典礼", "不单单是经贸领域",
                             "但高雄的选情不同", "中央纪委原常务副书记")
              for k, s in _spans(text) if k == "person"]
    assert people == []


def test_organization_ends_where_a_glued_title_begins() -> None:
    assert ("org", "美国司法部") in _spans("美国司法部长邦迪出席听证会")
    assert ("org", "中国女医师协会") in _spans("中国女医师协会会长乔杰院士带队")
    # A compound title with a generic body (党委书记) gives no name of its own.
    assert [s for k, s in _spans("雄安集团党委书记出席") if k == "org"] == ["雄安集团"]


def test_body_named_by_a_word_in_hui() -> None:
    assert ("org", "世界台湾同乡会") in _spans("世界台湾同乡会在台北举行年会")
    assert [s for k, s in _spans("推动黄浦经济社会发展") if k == "org"] == []


def test_pieces_of_longer_foreign_names_are_not_people() -> None:
    # jieba cuts long transliterations: a piece is no name (彭达/罗夫斯基, 阿卜杜拉/齐/格).
    assert _spans("愿同彭达罗夫斯基总统一道努力") == []
    assert _spans("参议长阿卜杜拉齐格邀请") == []
    # County names that are common words need a place context (新建的泊位; 平原 "plain").
    assert [s for k, s in _spans("作业区新建的自动化泊位投用，华北出现降雨") if k == "place"] == ["华北"]
    assert ("place", "平原") in _spans("到平原、禹城等地调研")


def test_weak_place_next_to_a_containing_place_and_mainland() -> None:
    assert ("place", "苗栗") in _spans("台湾苗栗的选情")
    assert ("place", "中国大陆") in _spans("比起其他国家，如中国大陆的百分之三十七")


def test_sessions_directions_types_and_numerals() -> None:
    assert [s for k, s in _spans("行政院院会今天通过，中南部各县市") if k == "org"] == ["行政院"]
    assert [s for k, s in _spans("卒业吴凤科技大学资讯工程系") if k == "org"] == ["吴凤科技大学资讯工程系"]
    assert ("org", "二十国集团") in _spans("出席二十国集团领导人峰会")


def _orgs(text: str) -> list[str]:
    return [s for k, s in _spans(text) if k == "org"]


def test_known_body_with_a_glued_title() -> None:
    # jieba writes 外交部长 / 国防部长 as one word: the ministry is named, the title is not part of it.
    assert "外交部" in _orgs("外交部长王某会见来访的代表团。")
    assert "国防部" in _orgs("国防部长表示将加强合作。")


def test_bureau_of_a_named_place_and_sub_unit_of_a_named_hospital() -> None:
    # A department type after a full place name is that place's government body (guidelines §4).
    assert "天津市知识产权局" in _orgs("天津市知识产权局发布年度报告。")
    # A bare department type is still no name.
    assert _orgs("知识产权局发布年度报告。") == []
    # A clinical department right after a named hospital is its sub-unit.
    assert "协和医院神经内科" in _orgs("协和医院神经内科主任介绍了病例。")


def test_state_word_in_front_of_a_known_body() -> None:
    assert "国家民政部" in _orgs("国家民政部近日印发通知。")


def test_suffix_words_of_design_institutes_commands_and_task_forces() -> None:
    assert "水利部水利水电规划设计院" in _orgs("由水利部水利水电规划设计院编制。")
    assert "湖南省防汛抗旱指挥部" in _orgs("湖南省防汛抗旱指挥部启动应急响应。")
    # A profession inside the name of a society's branch.
    assert "山东省医师协会心血管医师分会" in _orgs("山东省医师协会心血管医师分会年会召开。")


def test_companies_named_by_brand_and_trade_word_in_a_list() -> None:
    text = "华山资本、凯基证券等机构参与投资。"
    assert {"华山资本", "凯基证券"} <= set(_orgs(text))
    # Kinds of capital are no companies.
    assert _orgs("撬动社会资本、金融资本等投入。") == []


def test_common_words_ending_in_a_unit_character_are_no_sub_units() -> None:
    assert _orgs("双方讨论了英国政局与经贸关系。") == []
    assert _orgs("当地政府积极改善两岸关系。") == []


def test_organization_only_inside_the_name_of_a_product_programme_or_building() -> None:
    # Guidelines §2: a name inside the name of a product, platform, award or building is not recorded.
    assert "人民日报" not in _orgs("文章在人民日报客户端发布。")
    assert "教育部" not in _orgs("他曾获教育部学术奖。")
    assert "清华大学" not in _orgs("地点：清华大学中央主楼二层。")
    # A verb 计划 after a body is no programme name; a website is named by its owner.
    assert "交通运输部" in _orgs("交通运输部计划全年新建公路。")
    assert "俄罗斯国防部" in _orgs("据俄罗斯国防部网站消息。")


def test_party_caucus_that_jieba_cut_apart() -> None:
    # jieba cuts 国民党团 as 国民党 + 团: the caucus is the organization (guidelines §4: 党团).
    assert "民进党团" in _orgs("民进党团今天召开记者会。")
    assert "国民党" not in _orgs("民进党团与国民党团都表示反对。")


def test_common_noun_before_a_latin_brand_company() -> None:
    text = "现场赠送 100 张光盘 CrossWeaver 公司赞助的礼品"
    assert "CrossWeaver 公司" in _orgs(text)
    # A place or an organization before a Latin name is part of it.
    assert "北京 Linux 用户组" in _orgs("北京 Linux 用户组举办聚会。")


def test_judicial_and_military_titles_anchor_names() -> None:
    people = [s for k, s in _spans("会上，参谋总长黄志强报告了演习情况，王美玲法官也出席。") if k == "person"]
    assert people == ["黄志强", "王美玲"]


def test_name_before_an_organization_that_jieba_glued_to_a_title() -> None:
    # 国防部长 and 经济部长 are one jieba word each: the names between them are whole, the bodies short.
    spans = _spans("包括国防部长严德发及经济部长沈荣津等出席。")
    assert spans == [("org", "国防部"), ("person", "严德发"), ("org", "经济部"), ("person", "沈荣津")]
    # A name cannot end inside the body's word (法索 + 国防部长).
    assert _spans("布吉纳法索国防部长表示") == [("org", "国防部")]


def test_official_state_names_jieba_tags_as_places() -> None:
    assert ("place", "中华民国") in _spans("总统强调要维护中华民国的主权。")
    # A bare 国 ending is no place (回国, 大国).
    assert [s for k, s in _spans("他回国后说，大国应承担责任。") if k == "place"] == []


def test_country_at_the_head_of_a_building_name_is_no_place() -> None:
    # Guidelines §2: 中国 inside 中国科技会堂 is not recorded; a city in front of a building is its location.
    assert [s for k, s in _spans("会议在中国科技会堂召开。") if k == "place"] == []
    assert ("place", "台北") in _spans("晚会在台北国父纪念馆举行。")


def test_latin_script_names_of_people() -> None:
    # Guidelines §3: Latin names are kept as written, without a courtesy prefix.
    people = [s for k, s in _spans("协会执行长Margaret Olsen等亦出席。Hansen博士与Karl B. Weiss博士对谈。")
              if k == "person"]
    assert people == ["Margaret Olsen", "Hansen", "Karl B. Weiss"]
    # A Latin gloss after a name is a form of that person (one canonical name).
    text = "经济学家罗伯森（Dr. Paul Robertson）博士来台演讲"
    forms = {(m.surface, m.canonical) for m in find_mentions(text) if m.kind == "person"}
    assert forms == {("罗伯森", "罗伯森"), ("Paul Robertson", "罗伯森")}
    # Uncapitalized words and a company before a title are no names.
    assert [s for k, s in _spans("google工程师表示，Google 工程师也说") if k == "person"] == []
