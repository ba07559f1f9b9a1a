"""The one table reader: pipe tables (with Markdown rule rows) and tables flattened to one cell per line."""

from __future__ import annotations

from nlp_minsheng.tables import Tables, column_kind, is_table_cell

PIPE = """二、重点项目
| 序号 | 项目 | 新增学位(个) | 总投资(万元) | 计划建成 |
|---|---|---|---|---|
| 1 | 长流实验学校 | 2520 | 42000 | 2026年8月 |
| 2 | 第一小学 | 1620 | 26500 | 2026年二季度 |
"""

FLAT = """表1 项目进展

序号

项目名称

年度目标

投资(万元)

建设时间

1

社区养老服务中心

新建3个

2400

2024年10月

2

口袋公园

建成12个

1800

2024年9月
"""


def test_column_kinds_from_header_cells() -> None:
    assert column_kind("总投资(万元)") == ("AMOUNT", "万元")
    assert column_kind("投资（亿元）") == ("AMOUNT", "亿元")
    assert column_kind("年度目标任务(个)") == ("TARGET", "个")
    assert column_kind("项目名称") is None
    assert column_kind("完成时间(月)") is None  # a unit, but not a planned quantity


def test_pipe_table_skips_the_markdown_rule_row() -> None:
    t = Tables(PIPE)
    assert len(t.tables) == 1 and t.tables[0].kind == "pipe"
    cells = {PIPE[s:e]: lab for s, e, lab in t.typed_cells()}
    assert cells == {"42000": "AMOUNT", "26500": "AMOUNT"}  # 新增学位(个) has no 目标/任务/计划 in its header
    assert t.currency_unit(PIPE.index("26500")) == "万元"
    assert t.currency_unit(PIPE.index("2520")) is None


def test_flattened_table_rows_follow_the_header_cells() -> None:
    t = Tables(FLAT)
    assert [tab.kind for tab in t.tables] == ["flat"]
    rows = t.tables[0].rows
    assert len(rows) == 3 and rows[0].header and len(rows[1].cells) == 5
    assert {FLAT[s:e] for s, e, lab in t.typed_cells() if lab == "AMOUNT"} == {"2400", "1800"}
    assert t.currency_unit(FLAT.index("1800")) == "万元"
    assert t.header_cell(FLAT.index("口袋公园")) == "项目名称"


def test_a_flattened_table_that_keeps_the_cell_borders_reads_as_without_them() -> None:
    # An HTML table copied one cell per line, each line keeping a border: `| 2400` or `2400 |`.
    bordered = "\n".join(
        ("| " + line) if i % 2 else (line + " |") if line.strip() else line
        for i, line in enumerate(FLAT.split("\n")))
    t = Tables(bordered)
    assert [tab.kind for tab in t.tables] == ["flat"] and len(t.tables[0].rows) == 3
    assert {bordered[s:e] for s, e, lab in t.typed_cells() if lab == "AMOUNT"} == {"2400", "1800"}
    assert t.currency_unit(bordered.index("1800")) == "万元"
    assert t.header_cell(bordered.index("口袋公园")) == "项目名称"


def test_prose_and_short_lines_are_not_tables() -> None:
    prose = "今年将新建口袋公园12个。\n\n总投资3000万元。\n\n年底前完成。\n"
    assert Tables(prose).tables == []
    assert Tables("首页\n新闻中心\n通知公告\n").tables == []


def test_is_table_cell() -> None:
    assert is_table_cell("| 500 | 2024年 |", 2, 5)
    assert is_table_cell("序号\n500\n2024年", 3, 6)
    assert not is_table_cell("投资500万元", 2, 5)


def test_a_row_numbered_flattened_table_takes_every_short_line_before_row_1_as_a_header() -> None:
    # 实施地点 and 计划开工 are header cells whatever their words; the 万元 column is then the fourth.
    flat = ("序号\n项目名称\n实施地点\n投资估算(万元)\n计划开工\n1\n社区运动场\n莲前街道\n1600\n2025年3月\n"
            "2\n百姓健身房\n各街道\n720\n2025年4月\n3\n健身步道提升\n滨海街道\n1350\n2025年二季度\n")
    t = Tables(flat)
    assert [len(row.cells) for row in t.tables[0].rows] == [5, 5, 5, 5]
    assert {flat[s:e] for s, e, lab in t.typed_cells() if lab == "AMOUNT"} == {"1600", "720", "1350"}


def test_a_flattened_row_with_a_lost_cell_does_not_shift_the_rows_after_it() -> None:
    # Row 2 lost its 责任单位 cell in copying; row 3 still starts at its number.
    flat = ("序号\n项目\n投资(万元)\n责任单位\n1\n运动场\n1600\n区教育局\n2\n健身房\n720\n3\n步道\n1350\n区建设局\n"
            "合计\n\n3670\n\n")
    t = Tables(flat)
    assert [len(row.cells) for row in t.tables[0].rows][:4] == [4, 4, 3, 4]
    # The row that lost a cell is skipped (its columns are not known); the others are read.
    assert {flat[s:e] for s, e, lab in t.typed_cells() if lab == "AMOUNT"} >= {"1600", "1350"}
    assert "720" not in {flat[s:e] for s, e, lab in t.typed_cells()}


def test_flattened_headers_named_by_a_unit_in_brackets_or_by_county() -> None:
    # 县区 and 已开工(个) carry no other header word: they are header cells all the same.
    flat = "县区\n\n年度任务(个)\n\n已开工(个)\n\n完工比例\n\n桥东区\n\n58\n\n41\n\n70.7%\n\n桥西区\n\n62\n\n45\n\n72.6%\n"
    t = Tables(flat)
    assert [len(row.cells) for row in t.tables[0].rows] == [4, 4, 4]
    assert {flat[s:e] for s, e, lab in t.typed_cells() if lab == "TARGET"} == {"58", "62"}


def test_a_flattened_table_ends_at_the_caption_of_the_next_one() -> None:
    # Two tables back to back: the rows of the second (7 cells) are not read with the first one's width (5),
    # and an excerpted numbering (1, 2, 8) still reads as rows of the first.
    first = "序号\n项目名称\n建设内容\n投资(万元)\n完成时限\n1\n供水\n改造管网\n6800\n11月\n2\n小区\n改造小区\n14500\n12月\n"
    first += "8\n公路\n新改建公路\n18600\n11月\n合计\n—\n—\n39900\n—\n"
    second = ("表2：推进情况\n序号\n项目\n目标\n已完成\n完成比例\n投资(万元)\n备注\n"
              "1\n供水\n58公里\n30公里\n52%\n3500\n按序时\n2\n小区\n15个\n9个\n60%\n8000\n在建\n")
    flat = first + second
    t = Tables(flat)
    assert [len(r.cells) for r in t.tables[0].rows] == [5, 5, 5, 5, 5]
    assert [len(r.cells) for r in t.tables[1].rows] == [7, 7, 7]
    amounts = {flat[s:e] for s, e, lab in t.typed_cells() if lab == "AMOUNT"}
    assert amounts == {"6800", "14500", "18600", "39900", "3500", "8000"}


MERGED = (
    "| 县(区) | 下达任务数 | 实施进展 | 完成投资(万元) |\n"
    "| 涉及行政村(个) | 改造户数(户) | 正在施工 | 已经竣工 |\n"
    "| 已启动村(个) | 户数 | 占任务(%) | 户数 | 占任务(%) | 合计 | 上级补助资金 | 农户自筹及其他 |\n"
    "| 小计(户) | 拆除重建(户) | 修缮加固(户) | 小计(户) | 拆除重建(户) | 修缮加固(户) |\n"
    "| 甲县 | 14 | 1260 | 14 | 878 | 540 | 338 | 69.7 | 382 | 210 | 172 | 30.3 | 2238 | 940 | 1298 |\n"
    "| 乙县 | 22 | 2350 | 22 | 1245 | 980 | 265 | 53.0 | 1105 | 730 | 375 | 47.0 | 4920 | 2066 | 2854 |\n"
    "| 丙县 | 19 | 1980 | 19 | 1356 | 1010 | 346 |\n"  # the page ends inside this row
)


def test_money_columns_of_a_merged_header_are_read_from_the_right_edge() -> None:
    t = Tables(MERGED)
    money = [MERGED[s:e] for s, e, label in t.typed_cells() if label == "AMOUNT"]
    assert money == ["2238", "940", "1298", "4920", "2066", "2854"]  # not the cut row, not the (户) columns
    assert t.currency_unit(MERGED.index("2066")) == "万元"
    assert t.currency_unit(MERGED.index("1245")) is None


def test_a_merged_header_whose_last_parts_are_not_money_gives_no_money_columns() -> None:
    text = ("| 项目 | 进度 | 投资(万元) |\n| 计划 | 完成 |\n| 学校 | 10 | 8 | 500 |\n| 医院 | 6 | 3 | 900 |\n")
    assert [label for _, _, label in Tables(text).typed_cells()] == []


def test_a_unit_line_above_a_table_makes_its_money_columns_money() -> None:
    text = ("项目资金安排表\n单位：万元\n序号 | 项目 | 总投资 | 上级资金 | 完成时限\n1 | 农村公路 | 9000 | 4500 | 10\n"
            "2 | 幼儿园 | 800 | 400 | 9\n")
    t = Tables(text)
    assert [text[s:e] for s, e, label in t.typed_cells() if label == "AMOUNT"] == ["9000", "4500", "800", "400"]
    assert t.currency_unit(text.index("4500")) == "万元"
    assert t.currency_unit(text.index("| 10") + 2) is None  # 完成时限 is not money
    assert Tables(text.replace("单位：万元\n", "")).typed_cells() == []


def test_a_caption_closing_with_its_unit_makes_the_money_columns_money() -> None:
    text = "资金安排表（单位：万元）\n序号 | 项目 | 总投资 | 完成时限\n1 | 农村公路 | 9000 | 10\n2 | 幼儿园 | 800 | 9\n"
    assert [text[s:e] for s, e, _ in Tables(text).typed_cells()] == ["9000", "800"]
    assert Tables(text.replace("（单位：万元）", "（单位：万元）说明见后")).typed_cells() == []
