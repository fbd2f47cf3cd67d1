"""Source extraction (guidelines §8) on real text from the demo corpus."""

from __future__ import annotations

import pytest

from indexer.clean import clean_text
from indexer.sources import extract_source


def test_trailing_traditional_source_line_of_the_sample_post(sample_post_text: str) -> None:
    assert extract_source(clean_text(sample_post_text).text) == "学会秘书处"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("钱正英同志遗体在京火化\n央视网消息（新闻联播）：中国共产党的优秀党员，久经考验的忠诚的共产主义战士",
         "央视网"),
        ("宣医新闻|国家老年疾病临床医学研究中心在宣武医院揭牌\n"
            "首都医科大学宣武医院\n9月9日上午，揭牌仪式举行。",
         "首都医科大学宣武医院"),
        ("学会下一步将逐步建立专委会。\n撰文及责编∣北京神经变性病学会\n摄影∣王晓怡、邓紫云（六六脑）",
         "北京神经变性病学会"),
        ("科学幻想画征集活动硕果累累。（来源：北京市科协）", "北京市科协"),
        ("文/张三、李四\n近日，中国自动化学会召开理事会。", "张三、李四"),
        ("新華社訊 中國科協日前召開會議。", "新华社"),
        ("據中央社報導，立法院今天三讀通過。", "中央社"),
        ("（記者王正寧／台北報導）國民黨主席選舉今天投票。", "王正宁"),
        ("活动现场。\n摄影/王晓怡", "王晓怡"),
    ],
)
def test_source_forms(text: str, expected: str) -> None:
    assert extract_source(text) == expected


def test_no_source_stated() -> None:
    # twpres-22945
    text = ("總統接見美國聯邦參議員勃恩斯\n李總統登輝先生今天接見美國"
        "聯邦參議員勃恩斯時指出，民主和人權是世局發展的方向和潮流。")
    assert extract_source(text) is None
    assert extract_source("（作者為元智大學資訊管理學系教授）") is None
