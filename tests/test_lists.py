"""The list grammar (items) and the counted object (metric) on the forms real pages use (the items issue).

Made-up cases in the forms of real pages; each must give the stated items / the metric must hold the head.
Forms the segmentation does not read yet are strict xfails: a list grammar that reads them (branch
``wip/list-grammar``) raised item F1 on the real-shaped training pages from 0.34 to 0.61 but lowered the
held-out real-shaped dev set from 0.526 to 0.463, so it is not merged."""

from __future__ import annotations

import pytest

from nlp_minsheng.pipeline import value_of
from nlp_minsheng.segment import item_core, segment
from nlp_minsheng.tables import Tables
from nlp_minsheng.textnorm import normalize

ITEM_CASES = [
    ("semicolon list after 包括",
     "今年确定的6件民生实事包括：新建城区幼儿园3所；改造老旧小区42个；新增公共停车泊位1500个；建设城市书房8家；"
     "为60岁以上老人免费体检；实施农村饮水提升工程。", 6),
    ("分别是 with semicolons", "经票决，今年的民生实事分别是：新建社区食堂15个；改造公厕30座；新增公交线路4条。", 3),
    ("具体为 with semicolons", "3件实事具体为：建设口袋公园10个；改造供水管网18公里；新增托位200个。", 3),
    ("a complete 、 list of the stated N", "今年全县确定4件为民实事，具体是：城区学校扩容、农村公路提档、社区食堂建设、老旧小区改造。", 4),
    ("inline (1) in one paragraph",
     "经大会表决，以下4个项目当选：(1)新建青山湖公园。(2)改造供水管网25公里。(3)新增公交线路6条。(4)建设社区食堂20个。", 4),
    ("circled numbers", "主要包括：①新建社区食堂20个；②改造背街小巷15条；③新增托位300个。", 3),
    ("一是 in one paragraph",
     "今年重点办好三件实事：一是实施老旧小区改造，完成35个小区改造；二是建设口袋公园12个；三是新增公交线路6条。", 3),
    ("一是 across a line break", "办好三件实事：一是新建幼儿园3所；二是加大\n卫生投入，新建卫生院2所；三是新增公交线路6条。", 3),
    ("pipe table with header",
     "序号 | 项目名称 | 目标任务 | 责任单位\n1 | 新建幼儿园 | 3所 | 区教育局\n2 | 改造老旧小区 | 42个 | 区住建局\n"
     "3 | 新增停车泊位 | 1500个 | 区城管局\n", 3),
    ("flattened table",
     "序号\n\n项目名称\n\n目标任务\n\n责任单位\n\n1\n\n新建幼儿园\n\n3所\n\n区教育局\n\n2\n\n改造老旧小区\n\n42个\n\n"
     "区住建局\n\n3\n\n新增停车泊位\n\n1500个\n\n区城管局\n", 3),
    ("traditional + pinyin", "1.新建(jiàn)幼兒園(yuán)3所。\n2.改造老舊(jiù)小區(qū)42個(gè)。\n", 2),
    ("bullets", "▶新建城市书房5家。\n▶改造农贸市场3个。\n", 2),
    ("group headings", "一、教育类（2项）\n1.新建幼儿园3所。\n2.改扩建中小学5所。\n二、养老类（1项）\n3.新建社区食堂20个。\n", 3),
    ("one member per line after 具体为",
     "今年确定3件民生实事，具体为：\n新建社区食堂20个。\n改造背街小巷15条。\n新增托位300个。\n", 3),
    ("partial mention", "要重点推进老旧小区改造、停车场建设等民生项目", 0),
    ("progress without list", "截至9月底，10件民生实事已完成6件，其余4件正在推进", 0),
    ("an incomplete 、 list", "今年10件民生实事包括：城区学校扩容、农村公路提档等。", 0),
]


NOT_YET = {"semicolon list after 包括", "分别是 with semicolons", "具体为 with semicolons",
           "a complete 、 list of the stated N", "inline (1) in one paragraph", "circled numbers", "一是 in one paragraph",
           "一是 across a line break", "one member per line after 具体为"}
_XFAIL = pytest.mark.xfail(strict=True, reason="not read by the merged segmentation (see module doc)")


@pytest.mark.parametrize(("form", "text", "n"), [pytest.param(*c, marks=_XFAIL) if c[0] in NOT_YET else c
                                                  for c in ITEM_CASES], ids=[c[0] for c in ITEM_CASES])
def test_list_forms_give_their_items(form: str, text: str, n: int) -> None:
    nt = normalize(text).text
    items = segment(nt)
    assert len(items) == n, [nt[s.start:s.end] for s in items]
    for it in items:
        a, b = item_core(nt, it.start, it.end)
        assert b > a and it.title  # every item has text and a title


METRIC_CASES = [
    ("老旧小区改造工程：改造城关区17个老旧小区。", "17个", "老旧小区"),
    ("为全区3200名70周岁以上独居老人免费安装燃气报警器。", "3200名", "老人"),
    ("对春江花苑、锦绣西苑等28个小区实施雨污分流改造。", "28个", "小区"),
    ("本报记者 王某某 实习生 李某\n600个行政村配建健身器材。", "600个", "健身器材"),
    ("新设40个社区老年人助餐服务点。", "40个", "助餐服务点"),
    ("全年新建口袋公园12个。", "12个", "口袋公园"),
    ("城市社区卫生服务中心覆盖率达到95%。", "95%", "覆盖率"),
]


@pytest.mark.parametrize(("text", "target", "head"), METRIC_CASES, ids=[c[1] for c in METRIC_CASES])
def test_metric_holds_the_counted_object(text: str, target: str, head: str) -> None:
    nt = normalize(text).text
    s = nt.index(target)
    metric = value_of(nt, s, s + len(target), "TARGET", 2024, None, Tables(nt))["metric"]
    assert metric and metric.endswith(head), metric
    assert "\n" not in metric and "记者" not in metric and "城关区" not in metric and "西苑" not in metric


@pytest.mark.parametrize(("marked", "core"), [
    ("1、新建幼儿园3所。", "新建幼儿园3所"), ("(1)新建公园；", "新建公园"), ("一是实施改造；", "实施改造"),
    ("▶新建书房5家。", "新建书房5家"), ("1 | 新建幼儿园 | 3所 |", "新建幼儿园 | 3所"), ("01\n\n完成改造", "完成改造"),
    ("第一件 实现新增就业", "实现新增就业"), ("新建幼儿园3所", "新建幼儿园3所"),
])
def test_item_core_drops_markers_and_closing_punctuation(marked: str, core: str) -> None:
    a, b = item_core(marked, 0, len(marked))
    assert marked[a:b] == core
