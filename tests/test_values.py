"""Table-driven tests of the value normalisers, covering every example in LABELS.md."""

from decimal import Decimal

import pytest

from nlp_minsheng.values import normalize_amount, normalize_deadline, normalize_location, normalize_target

D = Decimal

AMOUNTS = [
    # text, before, unit_hint, yuan(low), high, comparator, per, role
    ("约500万元", "总投资", None, D(5_000_000), D(5_000_000), "~", None, "投资"),
    ("3690万元", "总投资", None, D(36_900_000), D(36_900_000), "=", None, "投资"),
    ("超过2亿元", "", None, D(200_000_000), D(200_000_000), ">", None, None),
    ("0.3元/千瓦时", "补贴", None, D("0.3"), D("0.3"), "=", "千瓦时", "补贴"),
    ("200-300万元", "", None, D(2_000_000), D(3_000_000), "=", None, None),
    ("1.2亿", "投资", None, D(120_000_000), D(120_000_000), "=", None, "投资"),
    ("200元", "每人每月", None, D(200), D(200), "=", None, None),
    ("500", "", "万元", D(5_000_000), D(5_000_000), "=", None, None),
    ("近300元", "亩均经济效益提高", None, D(300), D(300), "~", None, None),
    ("逾1000万元", "奖励", None, D(10_000_000), D(10_000_000), ">", None, "奖励"),
    ("不超过5000元", "补助", None, D(5000), D(5000), "<=", None, "补助"),
    ("50万元以上", "", None, D(500_000), D(500_000), ">=", None, None),
    ("1000余万元", "", None, D(10_000_000), D(10_000_000), ">", None, None),
    ("三千元", "", None, D(3000), D(3000), "=", None, None),
    ("２０万元", "", None, D(200_000), D(200_000), "=", None, None),
    ("1,200万元", "", None, D(12_000_000), D(12_000_000), "=", None, None),
]


@pytest.mark.parametrize("text,before,hint,low,high,cmp,per,role", AMOUNTS)
def test_amount(text, before, hint, low, high, cmp, per, role):
    v = normalize_amount(text, before=before, unit_hint=hint)
    assert v is not None, text
    assert (v["low"], v["high"], v["comparator"], v["per"], v["role"]) == (low, high, cmp, per, role)
    assert v["yuan"] == (low if low == high else None)


@pytest.mark.parametrize("text", ["", "500", "2024年", "一批", "30000个", "元", "万元", "abc", "50%"])
def test_amount_yields_nothing(text):
    assert normalize_amount(text) is None


TARGETS = [
    # text, before, after, low, high, unit, comparator, metric
    ("不少于30000个", "全市新增车位", "", D(30000), D(30000), "个", ">=", "新增车位"),
    ("2个", "新建", "骑行驿站", D(2), D(2), "个", "=", "新建骑行驿站"),
    ("2000余户", "", "", D(2000), D(2000), "户", ">", None),
    ("10处以上", "", "", D(10), D(10), "处", ">=", None),
    ("120个", "规划托位", "", D(120), D(120), "个", "=", "规划托位"),
    ("50%", "", "", D(50), D(50), "%", "=", None),
    ("8轮", "完成", "心理案例督导", D(8), D(8), "轮", "=", "完成心理案例督导"),
    ("不少于10课时", "", "", D(10), D(10), "课时", ">=", None),
    ("1000平方米", "改造提升", "", D(1000), D(1000), "平方米", "=", None),
    ("约680米", "", "", D(680), D(680), "米", "~", None),
    ("15万人次", "惠及", "", D(150_000), D(150_000), "人次", "=", None),
    ("3家", "新增社区老年食堂", "", D(3), D(3), "家", "=", "新增社区老年食堂"),
    ("一次", "每学年开展", "", D(1), D(1), "次", "=", None),
    ("4102.5平方米", "建筑面积", "", D("4102.5"), D("4102.5"), "平方米", "=", None),
    ("95%以上", "覆盖率达到", "", D(95), D(95), "%", ">=", None),
    ("20万", "", "学生", D(200_000), D(200_000), None, "=", None),
    ("200个(标准桩)以上", "", "", D(200), D(200), "个", ">=", None),
    ("36班", "", "", D(36), D(36), "班", "=", None),
    ("3-5个", "", "", D(3), D(5), "个", "=", None),
    ("两所", "新建", "幼儿园", D(2), D(2), "所", "=", "新建幼儿园"),
    ("1.5万人次", "", "", D(15_000), D(15_000), "人次", "=", None),
    ("3条", "新建", "污水管道", D(3), D(3), "条", "=", "新建污水管道"),
    # A long subject before a rate is cut at a word boundary, never inside a word (段|学校).
    ("100%", "城区义务教育阶段学校课后服务覆盖率达到", "", D(100), D(100), "%", "=", "学校课后服务覆盖率"),
    # The object ends where another quantity starts; a quantity closing the subject is not part of it.
    ("6个", "完成春柳街道、马栏街道等", "街道38个老旧小区综合整治", D(6), D(6), "个", "=", "街道"),
    ("12班", "初中部4轨", "", D(12), D(12), "班", "=", "初中部"),
    ("87%以上", "残疾人就业率从83%提高到", "", D(87), D(87), "%", ">=", "残疾人就业率"),
    ("95%", "燃气覆盖率由去年的82%提高到", "", D(95), D(95), "%", "=", "燃气覆盖率"),
    # ... but an age or a range inside the object is a modifier (35—64岁妇女).
    ("20万名", "为", "35—64岁妇女免费进行筛查", D(200_000), D(200_000), "名", "=", "妇女免费进行筛查"),  # what is done for whom: GUIDELINES
]


@pytest.mark.parametrize("text,before,after,low,high,unit,cmp,metric", TARGETS)
def test_target(text, before, after, low, high, unit, cmp, metric):
    v = normalize_target(text, before=before, after=after)
    assert v is not None, text
    assert (v["low"], v["high"], v["unit"], v["comparator"]) == (low, high, unit, cmp)
    if metric is not None:
        assert v["metric"] == metric


@pytest.mark.parametrize("text", ["", "一批", "一系列", "500万元", "2024年", "abc", "个"])
def test_target_yields_nothing(text):
    assert normalize_target(text) is None


DEADLINES = [
    # text, plan_year, after, start, end, verb
    ("2024年", 2024, "计划实施", "2024-01-01", "2024-12-31", "实施"),
    ("2024年6月", 2024, "开工", "2024-06-01", "2024-06-30", "开工"),
    ("2025年6月", 2024, "建成", "2025-06-01", "2025-06-30", "建成"),
    ("年底前", 2024, "完成", None, "2024-12-31", "完成"),
    ("6月底前", 2023, "", None, "2023-06-30", None),
    ("2024年底", 2022, "", "2024-12-01", "2024-12-31", None),
    ("年内", 2025, "", "2025-01-01", "2025-12-31", None),
    ("上半年", 2024, "", "2024-01-01", "2024-06-30", None),
    ("三季度", 2024, "", "2024-07-01", "2024-09-30", None),
    ("2023.01-2023.12", None, "", "2023-01-01", "2023-12-31", None),
    ("2024年1月至12月", None, "", "2024-01-01", "2024-12-31", None),
    ("2026年秋季学期", None, "", "2026-09-01", "2027-01-31", None),
    ("今年", 2024, "", "2024-01-01", "2024-12-31", None),
    ("下一年度", 2024, "", "2025-01-01", "2025-12-31", None),
    ("2026年度", None, "", "2026-01-01", "2026-12-31", None),
    ("2013—2017年", None, "", "2013-01-01", "2017-12-31", None),
    ("9月份", 2024, "", "2024-09-01", "2024-09-30", None),
    ("11月底", 2024, "完成", "2024-11-21", "2024-11-30", "完成"),
    ("全年", 2024, "", "2024-01-01", "2024-12-31", None),
    ("四季度末", 2024, "", "2024-12-01", "2024-12-31", None),
    ("2024年1月1日起", None, "", "2024-01-01", None, None),
    ("２０２５年", None, "", "2025-01-01", "2025-12-31", None),
    ("2024.3—2024.10", None, "", "2024-03-01", "2024-10-31", None),
    ("二〇二五年", None, "", "2025-01-01", "2025-12-31", None),
    ("明年上半年", 2024, "", "2025-01-01", "2025-06-30", None),
    ("2025年二季度", 2024, "", "2025-04-01", "2025-06-30", None),
    ("2024年6月底前", None, "全部建成投用", None, "2024-06-30", "建成投用"),
]


@pytest.mark.parametrize("text,year,after,start,end,verb", DEADLINES)
def test_deadline(text, year, after, start, end, verb):
    v = normalize_deadline(text, plan_year=year, after=after)
    assert v is not None, text
    assert (v["start"], v["end"], v["verb"]) == (start, end, verb)


@pytest.mark.parametrize("text,year", [("", 2024), ("年底前", None), ("上半年", None), ("明天", 2024),
                                       ("一批", 2024), ("13月", 2024), ("2024.13", None), ("近日", 2024)])
def test_deadline_yields_nothing(text, year):
    assert normalize_deadline(text, plan_year=year) is None


@pytest.mark.parametrize("text,region,district,code", [
    ("平湖市", None, "平湖市", "330482"),
    ("崂山区", None, "崂山区", "370212"),
    ("昆山", None, "昆山市", "320583"),
    ("城中区", "西宁市", "城中区", "630103"),
    ("西宁市城中区", None, "城中区", "630103"),
])
def test_location(text, region, district, code):
    v = normalize_location(text, region=region)
    assert v is not None and v["district"] == district and v["adcode"] == code


@pytest.mark.parametrize("text", ["", "衡山路258号", "里厍", "abc", "12345"])
def test_location_yields_nothing(text):
    assert normalize_location(text) is None


@pytest.mark.parametrize("text,region,code", [
    ("北京路", "金水区", "410105"),          # a road named after another city lies in the plan's region
    ("南阳新村街道", "金水区", "410105"),
    ("玉山镇", "昆山市", "320583"),          # a town the gazetteer does not list
    ("昆山高新区", None, "320583"),          # short form before a zone word
    ("浙江温州", None, "330300"),            # a chain of short forms
    ("江苏省苏州市昆山市", None, "320583"),
])
def test_location_in_context(text, region, code):
    assert normalize_location(text, region=region)["adcode"] == code


@pytest.mark.parametrize("text,region", [("北京路", None), ("长三角", "昆山市"), ("南阳新村街道", None)])
def test_location_without_context_yields_nothing(text, region):
    assert normalize_location(text, region=region) is None
