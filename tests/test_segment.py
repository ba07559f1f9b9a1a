"""Item segmentation on the five real formats and on the formats the seeds lack."""

import pytest

from nlp_minsheng.planyear import infer_year
from nlp_minsheng.segment import segment
from nlp_minsheng.textnorm import normalize

from .conftest import seed_texts

SEEDS = seed_texts()


@pytest.mark.parametrize("doc,n_items,first_title,year", [
    ("seed-000", 36, "开展老旧小区供水设施改造", 2024),      # 一、 headings
    ("seed-001", 25, "区域优质医疗能级提升行动", 2026),      # number alone on a line, traditional + pinyin
    ("seed-002", 15, "实现城镇新增就业35万人", 2024),        # forum post with boilerplate, 1. items
    ("seed-003", 4, "推进区域协调发展", None),               # work report prose paragraphs
    ("seed-004", 10, "城市空间开发利用项目", None),          # pipe table, name carried over rows
])
def test_seeds(doc, n_items, first_title, year):
    text = normalize(SEEDS[doc]).text
    items = segment(text)
    assert len(items) == n_items
    assert items[0].title.startswith(first_title)
    assert infer_year(text) == year
    assert all(a.end <= b.start for a, b in zip(items, items[1:]))


def test_forum_boilerplate_is_not_an_item():
    text = normalize(SEEDS["seed-002"]).text
    titles = " ".join(i.title for i in segment(text))
    assert "立即注册" not in titles and "Powered" not in titles


@pytest.mark.parametrize("text,n", [
    ("2025年民生实事\n一是新建学校3所，二是改造道路5条，三是新增车位800个。", 3),
    ("●新建公园2个\n●改造道路5条\n▶增设车位100个", 3),
    ("（一）教育\n新建学校3所\n（二）交通\n改造道路5条", 2),
    ("第一件 新建学校3所\n第二件 改造道路5条", 2),
    ("(1)新建学校3所\n(2)改造道路5条\n(3)新增车位", 3),
])
def test_other_formats(text, n):
    assert len(segment(text)) == n


@pytest.mark.parametrize("text,year", [
    ("某某县2021年民生实事项目清单\n一、新建学校3所", 2021),                          # title with plan words
    ("首页 > 新闻\n代表们投票表决\n会议票决产生了2024年民生实事项目10件，2024年民生实事将…", 2024),  # body, most named
    ("发布时间：2022-11-28 09:30\n区人大会议表决通过了十件实事", 2023),               # published in Nov → next year
    ("发布时间：2022-03-08 09:30\n区人大会议表决通过了十件实事", 2022),
    ("没有任何年份的一段话", None),
    ("年初，经代表投票表决，12个项目入选?019年市民生实事项目。", 2019),  # mojibake ate the first digit
    ("今年排定十件为民实事。\n新闻推荐\n《某县2012年重点工程》", None),  # related news names other plans
    ("发布时间：202211月28日 09:30\n区人大会议表决通过了十件实事", 2023),  # garbled date: the year's separator lost
    # A work report's title year is its plan year, though its review section counts last year's 实事.
    ("2024年某区政府工作报告(摘要)\n一、2023年工作回顾\n2023年民生实事全面完成，2023年实事项目投资5亿元。", 2024),
    # A work report's dateline names the year it plans, though the review counts last year's 实事 first.
    ("政府工作报告(摘登)\n——2021年2月24日在某市第二届人民代表大会第五次会议上\n代市长 杨某\n编者按:现将报告摘登如下。\n"
     "一、2020年工作回顾\n过去一年,经济平稳增长。\n2020年,市政府承诺的十件惠民实事全部完成。", 2021),
    # News of a work report: last year's results come first, then the goals of the plan year.
    ("昨天上午，市长作《政府工作报告》。\n报告指出，2014年全市实现地区生产总值7655亿元。\n主要目标\n"
     "2015年，全市经济社会发展主要预期指标如下：", 2015),
    # A review published in January of last year's plan is about last year's plan...
    ("清港发布\n2024-01-09 18:30\n去年的民生实事，办得怎么样？一文看懂！\n过去一年，区政府坚持民生实事年年办。\n"
     "■ 新增托位600个\n全年新增托位645个。\n■ 改造老旧小区22个\n22个小区全部完工。\n■ 新建口袋公园8个\n"
     "建成口袋公园9个。\n\n今年的民生实事候选项目已经出炉，将提交人代会票决。", 2023),
    # ... but a January page whose lead speaks of this year's plan is about this year's.
    ("2024-01-20 09:00\n去年承诺的十件民生实事全部兑现，今年的十件民生实事今天票决产生。\n1.新建幼儿园3所。", 2024),
    # A report on the plan's progress dated in Nov–Dec is about that year's plan, not the next one's...
    ("关于民生实事项目推进情况的通报\n发布日期：2023-12-20\n截至12月中旬，今年确定的10件民生实事已完成9件。", 2023),
    ("2022年11月30日\n截至11月底，我区民生实事项目已完成投资5.2亿元。", 2022),
    # ... but a notice that only asks for progress reports is published before its plan's year.
    ("发布日期:2014-12-26\n区政府为民办实事项目已经研究确定。区政府办公室每月汇总一次进展情况。", 2015),
    # A work report's look-back names last year's projects in its first lines; the goals name the plan year.
    ("政府工作报告（摘要）\n一、过去一年工作回顾\n2023年，全市完成重点项目投资120亿元，实施民生项目32个。\n"
     "二、2024年主要预期目标和重点工作\n地区生产总值增长6%左右。\n办好十件民生实事。", 2024),
    ("政府工作报告（节选）\n过去一年，我们完成了2023年确定的民生项目。\n今年经济社会发展的主要预期目标是：增长6%。\n"
     "今年重点办好以下民生实事：新建幼儿园3所。\n2024年1月12日", 2024),
])
def test_infer_year(text, year):
    assert infer_year(text) == year


NEWS = """首页 >> 新闻中心 >> 县区动态
某某县召开民生实事推进会
发布时间：2023-05-12 09:30　来源：某某日报　编辑：王建平　浏览次数：1387
字号：[ 大 中 小 ]　打印本页
![](/Files/img/2023/0512.jpg)
5月11日，某某县召开民生实事推进会。会议指出，今年以来各项工作有序推进，要确保年底前全部完成。
（会议现场 记者 李晓燕 摄）
相关新闻
· 某某县2022年民生实事全部完成
· 某某县召开人代会
"""


def test_news_page_without_a_list_has_no_items_and_no_chrome():
    assert segment(normalize(NEWS).text) == []
    from nlp_minsheng import Pipeline

    plan = Pipeline.rules_only().parse(NEWS)
    assert plan.items == () and plan.year == 2023
    assert all(NEWS[e.start:e.end] == e.text for e in plan.entities)


@pytest.mark.parametrize("text,titles", [
    # sections about problems / next steps are not items, nor are their sub-points
    ("二、分项情况\n（一）老旧小区改造。改造12个。\n（二）口袋公园。新建3个。\n三、存在的问题\n（一）进度慢。\n（二）资金紧。",
     ["老旧小区改造", "口袋公园"]),
    # group headings hand over to the items inside them
    ("一、民生保障类（2项）\n1.新建学校3所。\n2.新建医院1所。\n二、城市建设类（2项）\n3.改造道路5条。\n4.新建公园2个。",
     ["新建学校3所", "新建医院1所", "改造道路5条", "新建公园2个"]),
    # one item per line: 一是…, —— bullets
    ("一是新建学校3所。\n二是改造道路5条。", ["新建学校3所", "改造道路5条"]),
    ("——城市更新。改造小区58个。\n——交通出行。建成快速通道1条。", ["城市更新", "交通出行"]),
    # a call for proposals lists what may be proposed, not items
    ("关于征集2027年民生实事项目建议的公告\n一、征集范围\n二、征集时间", []),
])
def test_real_page_structures(text, titles):
    assert [s.title for s in segment(text)] == titles


def test_a_spaced_out_headline_gives_its_year_after_normalisation():
    assert infer_year(normalize("2 0 2 1 年 民 生 实 事 项 目\n区人大会议表决通过了十件实事").text) == 2021
