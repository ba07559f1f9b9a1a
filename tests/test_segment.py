"""Item segmentation on the five real formats and on the formats the seeds lack."""

import pytest

from nlp_minsheng.segment import infer_year, segment
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
])
def test_infer_year(text, year):
    assert infer_year(text) == year
