"""Date extraction on real sentences from the demo corpus (data/demo/fixtures_zh.jsonl)."""

from __future__ import annotations

import pytest

from indexer.dates import DateInfo, extract_dates


def test_full_date_of_the_sample_post(sample_post_text: str) -> None:
    info = extract_dates(sample_post_text)
    assert info == DateInfo("2021-01-18", ["2021-01-18"])


def test_month_day_takes_the_year_of_the_reference_date() -> None:
    # cast-104519, published 2019-11-01
    text = ("10月24日，由上海市黄浦区科协主办、黄浦区信息技术协"
        "会承办的主题为“科技与5G运用”第八届黄浦科技论坛举行。")
    assert extract_dates(text, "2019-11-01") == DateInfo("2019-10-24", ["2019-10-24"])


def test_december_date_in_a_january_document_is_the_previous_year() -> None:
    assert extract_dates("12月29日，市科协召开年终总结会。", "2020-01-08").date == "2019-12-29"


def test_day_only_takes_month_from_the_reference() -> None:
    # xwlb-20240526-10
    text = "中共中央政治局常委、国务院副总理丁薛祥26日在京出席2024年全国科技活动周暨北京科技周主场活动。"
    assert extract_dates(text, "2024-05-26").dates == ["2024-05-26"]


def test_range_gives_both_ends() -> None:
    # cast-438419 and cast-95418
    text = ("市科协于12月8日至13日在延安市委党校举办“不忘初心"
        "、砥砺前行”党性锤炼培训班。9日上午，培训班举行开班式。")
    info = extract_dates(text, "2019-12-17")
    assert info == DateInfo("2019-12-08", ["2019-12-08", "2019-12-09", "2019-12-13"])
    assert extract_dates("第三届世界智能大会5月16日至19日举行", "2019-05-17").dates == ["2019-05-16",
    "2019-05-19"]


def test_list_of_days_after_a_month() -> None:
    text = "2月25日、26日，徐延豪同志带队先后到中国科学技术出版社办公区调研疫情防控。"
    assert extract_dates(text, "2020-02-29").dates == ["2020-02-25", "2020-02-26"]


def test_roc_years_and_today_in_parentheses_in_traditional_text() -> None:
    # twpres-19115
    text = ("總統府今(10)日公布「總統府人權諮詢委員會」第三屆委員名單"
        "，聘期自民國103年12月10日至民國105年12月9日止。")
    info = extract_dates(text, "2014-12-10")
    assert info == DateInfo("2014-12-10", ["2014-12-10", "2016-12-09"])
    assert extract_dates("賴清德副總統今（12）日上午前往臺北科技大學", "2022-05-12").date == "2022-05-12"
    assert extract_dates("本辦法自110年1月18日起施行。").dates == ["2021-01-18"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("活动信息：主讲人：王润基时间：2020/11/28（校历第十一周周六）19:30 UTC +08:00", "2020-11-28"),
        ("时间：2021-05-29（校历第十四周周六）", "2021-05-29"),
        ("2016 年 4 月 24 日下午 15 时，校学生 Linux 用户协会于东区活动室召开了换届会议。", "2016-04-24"),
        ("二〇二一年一月十八日，中国科协召开年度工作会议。", "2021-01-18"),
        ("二零二一年十二月三十一日印发", "2021-12-31"),
        ("２０２１年１月１８日，中國科學技術協會在北京召開會議。", "2021-01-18"),
        ("会议定于2021.1.18在北京召开。", "2021-01-18"),
    ],
)
def test_formats(text: str, expected: str) -> None:
    assert extract_dates(text).dates == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "已于2019年12月正式启动",  # month alone
        "北京优秀青年工程师评选表彰工作自1989年以来，已举办23届",  # year alone
        "二零二一年",  # year alone, Chinese numerals
        "腾讯会议 287-572-891 密码 241116 直播链接：https://youtube.com/live/2021-01-18",  # ids, URL
        "见 http://www.cast.org.cn/art/2019/4/3/art_179_93567.html",  # digits inside a URL
        "会议定于2月30日召开",  # invalid date
        "每月15日发布流言榜",  # recurring
    ],
)
def test_not_dates(text: str) -> None:
    assert extract_dates(text, "2020-03-02").dates == []


def test_deadline_is_not_the_primary_date() -> None:
    # cast-452858-hant: the call opened on 2月25日; 3月6日 is the deadline
    text = "徵集活動自2月25日開展以來，至3月6日申報截止，共徵集作品8300餘幅。"
    assert extract_dates(text, "2020-03-17") == DateInfo("2020-02-25", ["2020-02-25", "2020-03-06"])
    assert extract_dates("请于3月6日前报名。", "2020-03-01").date is None


def test_no_primary_date_when_only_recent_is_said() -> None:
    # xwlb-20241008-07
    text = ("央视网消息（新闻联播）：中共中央办公厅、国务院办公"
        "厅近日印发《关于进一步提升基层应急管理能力的意见》。")
    assert extract_dates(text, "2024-10-08") == DateInfo(None, [])


def test_unanchored_day_is_dropped() -> None:
    assert extract_dates("28日上午，八宝山革命公墓礼堂庄严肃穆。").dates == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("http://www.cast.org.cn/art/2020/3/20/art_80_114055.html", "2020-03-20"),
        ("https://tv.cctv.com/2024/08/15/VIDE1zz4q92SxABxG3CKgoRt240815.shtml", "2024-08-15"),
        ("data/posts/notice_20260616.html", "2026-06-16"),
        ("posts/000_99532756a9d00d77.txt", None),  # eight digits that make no date
        ("https://www.president.gov.tw/NEWS/22288", None),
        (None, None),
    ],
)
def test_date_in_a_url_or_file_name(name: str | None, expected: str | None) -> None:
    from indexer.dates import date_in_name

    assert date_in_name(name) == expected


def test_reference_date_prefers_metadata_then_url_then_file_name() -> None:
    from indexer.dates import reference_date

    url = "http://www.cast.org.cn/art/2020/2/26/art_80_114055.html"
    assert reference_date("2020-02-27", url, "x_20190101.html") == "2020-02-27"
    assert reference_date(None, url, "x_20190101.html") == "2020-02-26"
    assert reference_date("not a date", None, "x_20190101.html") == "2019-01-01"
    assert reference_date(None, None, None) is None


def test_without_reference_the_first_full_date_anchors_earlier_days() -> None:
    # A notice without metadata date: the year-less day before the full date takes its year and month.
    text = "本会定于12日召开理事会，报名截止2023年5月10日，会议议程另行通知。"
    assert extract_dates(text).dates == ["2023-05-10", "2023-05-12"]
    assert extract_dates("定于12日召开理事会。").dates == []  # nothing to anchor on: dropped


def test_second_day_of_a_range_or_list_before_one_day_mark() -> None:
    assert extract_dates("10月22-24日举行", "2020-10-01").dates == ["2020-10-22", "2020-10-24"]
    assert extract_dates("10月22、23日举行", "2020-10-01").dates == ["2020-10-22", "2020-10-23"]


def test_relative_year_and_month_words_anchor_on_the_reference() -> None:
    # xwlb/chinatimes style: 去年 is the reference year less one and anchors no later bare day.
    text = "李哲华指出，去年9月4日的全代会通过，再送20日全代会。"
    assert extract_dates(text, "2017-08-05").dates == ["2016-09-04", "2017-08-20"]
    assert extract_dates("自本月3日列车脱轨后", "2023-02-20").dates == ["2023-02-03"]


def test_day_after_a_colon_of_words_is_a_date() -> None:
    info = extract_dates("央视网消息(新闻联播)：4日下午，国务院总理会见德国总理。", "2022-11-04")
    assert info == DateInfo("2022-11-04", ["2022-11-04"])


def test_month_slash_day_in_parentheses_or_after_a_time_field() -> None:
    assert extract_dates("时间：校历第三周周六（9/28） 19:00", "2019-09-28").dates == ["2019-09-28"]
    assert extract_dates("版本 3/28 发布", "2019-09-28").dates == []  # not clearly a date


def test_report_date_is_not_the_event_date() -> None:
    text = "据美国媒体19日报道，救援人员才于18日抵达事发地。"
    assert extract_dates(text, "2023-02-20") == DateInfo("2023-02-18", ["2023-02-18", "2023-02-19"])


def test_relative_past_year_is_background_not_the_primary_date() -> None:
    text = "李哲华指出，去年9月4日的全代会通过直选案。"
    assert extract_dates(text, "2017-08-05") == DateInfo(None, ["2016-09-04"])


def test_time_field_a_few_words_before_the_date() -> None:
    text = "一" * 300 + "\n时间：校历第三周周六（9/28） 19:00"
    assert extract_dates(text, "2019-09-28").date == "2019-09-28"


def test_today_opening_makes_an_earlier_written_day_background() -> None:
    # The event is "today" (the reference date); 五日 is when something else happened.
    text = "院长今天上午出席校庆活动并致词。他回顾说，学校图书馆已于五日完成改建。"
    assert extract_dates(text, "2019-05-08") == DateInfo(None, ["2019-05-05"])
    # Today's day written too (今(8)日): that is the primary date.
    text = "院长今天出席校庆。他表示，今（8）日也是学校建校七十周年。图书馆已于五日完成改建。"
    assert extract_dates(text, "2019-05-08").date == "2019-05-08"
    # A relative day inside quotes is a name or a slogan, not the event's day.
    text = "“今日科学”频道3日播出了对该院士的专访。"
    assert extract_dates(text, "2019-05-08").date == "2019-05-03"


def test_period_report_takes_its_first_dated_activity() -> None:
    # A report over a period lists activities; its date is the earliest of them (the first day).
    text = ("近日，省医学会组织专家深入基层开展义诊。3月12日、13日，专家组先后到两个县调研。"
            "3月9日，学会秘书处召开动员会。")
    assert extract_dates(text, "2021-03-20").date == "2021-03-09"
    # Not when the first date is the day of publication (a news item of that day).
    text = "近日，多地开展植树活动。今天(3月12日)，省林业局发布数据。10日，某市启动造林计划。"
    assert extract_dates(text, "2021-03-12").date == "2021-03-12"
    # Not without the opening period clause.
    text = "3月12日、13日，专家组先后到两个县调研。3月9日，学会秘书处召开动员会。"
    assert extract_dates(text, "2021-03-20").date == "2021-03-12"
