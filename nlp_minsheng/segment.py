"""Split a plan into items and skip page boilerplate (the plan year is :mod:`planyear`'s job).

Works on normalised text (simplified, half-width).  Supported item styles:
``一、`` headings, ``第一件``, ``1.``/``1、``, ``(一)``/``(1)``, a number alone on
its line followed by the title, ``●``/``▶`` bullets, ``一是…二是…`` inside a
paragraph, pipe-table rows (an item-name column carried over continuation
rows) and, failing all of these, prose paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from .grammar import DIVISION_SUFFIXES, alternation
from .numbers import parse_number
from .tables import TOTAL_ROW, pipe_cells, reading_cells, row_separator, spaced_header, spaced_row, text_lines
from .textnorm import reading_before

_CN = "一二三四五六七八九十"
# A glyph that decorates a marker (▍① 新建…, ■ 1.…) in WeChat posts: the marker after it decides the style.
_DECOR = r"(?:[▌▍▎■◆●▶★►]\s*)?"
HEADING_STYLES: dict[str, re.Pattern[str]] = {
    "cn_dun": re.compile(rf"^\s*{_DECOR}(?:[{_CN}]{{1,3}}\s*)?、(?=\S)"),  # the numeral may be lost in copying (、提交途径)
    "di_jian": re.compile(rf"^\s*{_DECOR}第[{_CN}\d]{{1,3}}[件项]"),
    "paren_cn": re.compile(rf"^\s*{_DECOR}[(（][{_CN}]{{1,3}}[)）]"),
    "num_dot": re.compile(rf"^\s*{_DECOR}\d{{1,2}}\s*[.、．](?!\d)"),
    "paren_num": re.compile(rf"^\s*{_DECOR}[(（]\d{{1,2}}[)）]"),
    "num_paren": re.compile(rf"^\s*{_DECOR}\d{{1,2}}\s*[)）]"),
    "shi": re.compile(rf"^\s*{_DECOR}[{_CN}]{{1,3}}是"),
    "num_space": re.compile(r"^\s*(?:0[1-9]|[1-9]\d)\s+(?=[^\d\s])"),
    "lone_num": re.compile(r"^\s*\|?\s*\d{1,2}\s*\|?\s*$"),  # a flattened row's number, with its border or not
    "circled": re.compile(rf"^\s*{_DECOR}[①-⑳㉑-㉟㊱-㊿]"),
    "no_num": re.compile(r"^\s*N[Oo]\s*[.．]\s*\d{1,2}(?!\d)"),  # NO.1 城乡学校建设 (WeChat posts)
    # An item named by its ordinal in the plan: 实事一：, 民生实事2：, 【民生实事1】, 十件实事之一：, 项目3：.
    "named_ord": re.compile(rf"^\s*{_DECOR}[【\[]?(?:[{_CN}\d]{{1,2}}件)?(?:民生实事|实事|项目)之?[{_CN}\d]{{1,3}}"
                            r"\s*(?:[】\]]\s*[:：]?|[:：])"),
    # Last: a bullet before another marker only decorates it.
    "bullet": re.compile(r"^\s*(?:[●▶■◆★▲•◎►▌▍▎]|——)(?=\s*[^—\s])"),  # not a rule line (————)
}
# Markers of list members inside a paragraph (一是, (1), ①); group 1 is the ordinal.
_CIRCLED = "".join(map(chr, [*range(0x2460, 0x2474), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)]))  # ①…⑳㉑…㊿
INLINE_FAMILIES: dict[str, re.Pattern[str]] = {
    "shi": re.compile(rf"([{_CN}]{{1,3}})是"),
    "paren_num": re.compile(r"[(（](\d{1,2})[)）]"),
    "circled": re.compile(rf"([{_CIRCLED}])"),
    "num_dot": re.compile(r"(\d{1,2})[.．、](?!\d)"),  # 1.…。2.…。 run on in one paragraph
}
_BOUNDARY = ":：。；;，,!！?？ \t\n"
_MAX_MEMBER = 600  # characters between two markers of one inline list
# Lagging work, problems, reasons, requirements: a list introduced by these is not the plan's items.
_SLOW = "偏慢|较慢|迟缓|滞后|落后|缓慢|未达"  # work behind its schedule
_LAGGING = re.compile(rf"{_SLOW}|问题|困难|不足|差距|短板|原因|措施|做法|经验|要求|强调")
# Words that introduce the plan's list; 为/是/有/如下 only with a colon.
_INTRO = re.compile(r"(?:包括|包含|涵盖|涉及|分别是|分别为|具体为|具体是|具体包括|主要包括|主要有)\s*[:：]?|(?:为|是|有|如下)\s*[:：]")
_STATED = re.compile(rf"(\d{{1,2}}|[{_CN}两]{{1,3}})\s*(?:件|项|个方面|个)[^,，。;；:：\n]{{0,6}}?(?:实事|工程|项目)")
_PLAN_NAMED = re.compile(r"实事|项目|工程|民生")
_ETC = re.compile(r"等(?:方面|领域|项目|工程|内容|实事)?\s*$")
BOILERPLATE = re.compile(
    r"立即注册|登录|找回密码|^\s*搜索\s*$|回复|举报|首页\s*[>›»]|返回顶部|返回列表|Powered by|ICP备|发表于|阅读模式|"
    r"使用道具|快速回复|帖子地图|手机版|积分规则|Processed in|Comsenz|版权所有|打印本页|关闭窗口|分享到|上一篇|下一篇|"
    r"点击阅读原文|责任编辑|扫一扫|^\s*[\[【]?(?:打印|关闭|收藏)[\]】]?\s*$|"
    # site chrome of news pages: datelines, source/editor lines, counters, font controls, image links
    r"(?:来源|编辑|作者|记者|审核|校对|发布时间|发布日期|发布机构|浏览次数|阅读次数|点击数|索引号|文号)\s*[:：]|"
    r"^\s*时间\s*[:：]|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}|字号|字体|当前位置|!\[[^\]]*\]\(|"
    r"^\s*[(（][^()（）]{0,40}(?:摄|供图|效果图)[)）]\s*$|^\s*图为|首页\s*[|｜]|"
    r"摄\s*[)）]\s*$|效果图\s*$|^\s*\[图片\]|阅读原文|^\s*分享|在看\s*$",
    re.I,
)
# Everything after such a line is a list of links to other pages, not the plan.
RELATED = re.compile(r"^\s*[【\[]?(?:相关新闻|相关链接|相关阅读|相关文章|推荐阅读|延伸阅读|热点推荐|新闻推荐|往期回顾|往期推荐|"
                     r"精选留言|热门评论|猜你喜欢|更多阅读)")
# A heading that groups items (民生保障类(4项), 基础设施(9件), 教育方面) rather than being one.
# A class code in a table cell (Ⅰ类, A类, 一类) is not a group heading.
_GROUP = re.compile(r"[(（]\s*[\d一二三四五六七八九十]+\s*[项件个]\s*[)）]|"
                    r"(?<![ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩA-Za-z\d一二三四五六七八九十两甲乙丙丁\s])类\s*[:：]?\s*$|"
                    # a short heading naming an area (一、教育方面, 二、养老领域): the items are the headings inside it
                    r"^[^，,。；;\d]{0,12}(?:方面|领域|板块|篇)\s*[:：]?\s*$")
# The title of a section that frames a document rather than naming an item (工作目标, 各乡镇考评排名).
_BRACKET_HEADING = re.compile(r"【[^】]{1,12}】")  # 【教育篇】, 【卫生】: a group of the items below it
_FRAME = re.compile(r"^.{0,10}(?:情况|排名|要求|目标|任务|范围|时间|安排|回顾|打算|措施|意见|原则|步骤|方式|程序|对象|内容|办法|"
                    r"标准|运用|评分|计分|等次)$")
# The line under a work report's title saying when and where it was given (——2024年1月10日在…会议上):
# led by a dash like a bullet, but never an item.
SPEECH_LINE = re.compile(r"^\s*——.{0,30}[年月日].{0,40}(?:会议|大会|会)上\s*$")


@dataclass(frozen=True)
class Segment:
    """An item's range in the normalised text and its title."""

    start: int
    end: int
    title: str


def _is_heading(line: str) -> bool:
    """Does ``line`` open with the marker of a heading style (一、 1. (1) ● …)?"""
    return any(rx.match(line) for rx in HEADING_STYLES.values())


def is_boilerplate(line: str) -> bool:
    return bool(BOILERPLATE.search(line))


def _title(line: str, style: str) -> str:
    rx = HEADING_STYLES.get(style.split(":")[0])
    body = rx.sub("", line, count=1).strip() if rx else line.strip()
    body = re.split(r"[。；;]", body)[0]
    return body[:60].strip(" ，,：:")


# A table row whose name cell is a numbered sub-task (``2.完成…``) continues the item of the row above.
_SUBTASK = re.compile(r"^\d{1,2}[.、]")


# A row named after a place (城关街道, 昭阳区): a table broken down by district, whose item is its subject.
_PLACE_NAME = re.compile(rf"{alternation(DIVISION_SUFFIXES)}$")
# A header cell naming the kind of division a table's rows are (省辖市, 县(市、区), 乡镇): under it, bare names
# (黄山, 铜陵) are places as much as 黄山市 would be.
_DIVISION_HEADER = re.compile(r"(?:省辖市|设区市|地级市|地市|市州|市[(（]州[)）]|县[(（]市、?区[)）]|县[(（]区[)）]|县市区|"
                              r"县区|区县|乡镇|镇街|街镇|镇[(（]街道?[)）])(?:名称)?")
_BARE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


# A row's number cell: 1, 12, or 一, 十二 (tables numbered in Chinese numerals).
_ROW_NO = re.compile(rf"\d{{1,3}}|[{_CN}]{{1,3}}")
# The header cell of the column that names each row's project (tables without a number column).
_NAME_HEADER = re.compile(r"^(?:项目名称|实事名称|实事项目|项目|民生实事|民生实事项目|实事内容|项目内容|名称)$")


def _row_no(cell: str) -> int | None:
    return _ordinal("", cell) if _ROW_NO.fullmatch(cell) else None


def _table_items(lines: list[tuple[int, int, str]]) -> list[Segment] | None:
    """The numbered rows of the first table (pipe or tab rows) that numbers its rows and lists projects (a later table
    numbered from 1 again lists the same items a second time, or others: the first listing counts); none for a table
    by district; a table of a work report's economic tasks (地区生产总值增长6%) is passed over. The number may follow a
    category column (| 教育 | 1 | 城区学校扩容 |) and be a Chinese numeral; a table with no number column lists its
    rows under a project-name header (| 项目名称 | 建设内容 |)."""
    # Each row as its cells' text range (leading and trailing pipes and spaces stay out) and its cells' values.
    rows = [(s + len(line) - len(line.lstrip(" |\t")), e - (len(line) - len(line.rstrip(" |\t"))),
             [c.value for c in pipe_cells(line.strip().strip(sep), sep=sep)]) for s, e, line in lines
            if (sep := row_separator(line)) and line.strip().strip(sep).count(sep) >= 2]
    if len(rows) < 3:
        return None
    tables: list[tuple[list[Segment], list[str]]] = []
    last = 0
    for s, e, cells in rows:
        # (A number after a category cell is a row number only before a name: | 昭阳区 | 14 | 1260 | is a district's row.)
        col = 0 if _row_no(cells[0]) else 1 if (len(cells) > 2 and _row_no(cells[1]) and len(cells[0]) <= 8
                                                 and not TOTAL_ROW.match(cells[0]) and not _PLACE_NAME.search(cells[0])
                                                 and re.match(r"[\u4e00-\u9fff]", cells[2])) else None
        if col is None and not cells[0] and tables and tables[-1][0] and any(cells) and not any(TOTAL_ROW.match(c) for c in cells):
            items = tables[-1][0]  # a sub-row without a number ((1)东关小学扩建) continues the item above
            items[-1] = Segment(items[-1].start, e, items[-1].title)
            continue
        if col is None:
            continue  # header row, group row (一、教育医疗类(3项)) or total row
        number = _row_no(cells[col]) or 0
        if not tables or number <= last:
            tables.append(([], []))  # numbered from 1 again: another table
        items, names = tables[-1]
        last = number
        name = cells[col + 1] if len(cells) > col + 1 else ""
        names.append(name)
        continues = bool(_SUBTASK.match(name)) or not name
        if continues and items:
            prev = items[-1]
            items[-1] = Segment(prev.start, e, prev.title)
        else:
            items.append(Segment(s, e, _SUBTASK.sub("", name)[:60]))
    if not tables:
        tables = _named_rows(rows)
    for items, names in tables:
        if sum(bool(_PLACE_NAME.search(n)) for n in names) * 2 > len(names):
            return None
        if items and _names_projects(items):
            return items
    return None


def _named_rows(rows: list[tuple[int, int, list[str]]]) -> list[tuple[list[Segment], list[str]]]:
    """The rows (range, cell values) under a header that names the project column (| 项目名称 | 建设内容 | 责任单位 |),
    in a table without row numbers: one item per row with a name, at least three."""
    col: int | None = None
    items: list[Segment] = []
    names: list[str] = []
    for s, e, cells in rows:
        if col is None:
            col = next((k for k, c in enumerate(cells) if _NAME_HEADER.match(c)), None)
            continue
        if all(re.fullmatch(r"[-:：\s]*", c) for c in cells):
            continue  # the header's rule (| --- | --- |)
        name = cells[col] if col < len(cells) else ""
        if not name or any(TOTAL_ROW.match(c) for c in cells):
            continue
        items.append(Segment(s, e, name[:60]))
        names.append(name)
    return [(items, names)] if len(items) >= 3 else []


def _ordinal(family: str, token: str) -> int:
    if family == "circled":
        return _CIRCLED.index(token) + 1
    value = int(token) if token.isdigit() else parse_number(token)
    return int(value) if value is not None else -1


def _sentence_end(text: str, start: int, stop: int) -> int:
    """The end of the sentence that starts at ``start`` (after its 。), at most ``stop``."""
    k = text.find("。", start, stop)
    return stop if k < 0 else k + 1


def _inline_items(text: str, content: list[tuple[int, int, str]]) -> list[Segment]:
    """Numbered members inside running text (一是…二是…, (1)…(2)…, ①…②…), possibly across line breaks.

    A family makes a list only when its markers (at a line start or after a clause boundary) run 1, 2, 3 …
    in order; the last member ends with its sentence.  A list introduced as lagging work or problems
    (推进偏慢的项目主要有：一是…) is not the plan's items."""
    items: list[Segment] = []
    notes = _note_lines(content)
    for family, rx in INLINE_FAMILIES.items():
        marks: list[tuple[int, int, int]] = []  # (ordinal, marker start, content line end)
        for k, (s, e, _) in enumerate(content):
            if k in notes:
                continue
            for m in rx.finditer(text, s, e):
                if m.start() == s or text[m.start() - 1] in _BOUNDARY:
                    marks.append((_ordinal(family, m.group(1)), m.start(), e))
        runs: list[list[tuple[int, int, int]]] = []
        for mark in marks:
            if mark[0] == 1:
                runs.append([mark])
            elif runs and mark[0] == runs[-1][-1][0] + 1 and mark[1] - runs[-1][-1][1] < _MAX_MEMBER:
                runs[-1].append(mark)
        for run in runs:
            if len(run) < 2 or _LAGGING.search(_sentence_before(text, 0, run[0][1])):
                continue
            starts = [m[1] for m in run] + [_sentence_end(text, run[-1][1], run[-1][2])]
            items += [_member(text, a, b) for a, b in zip(starts, starts[1:])]
        if items:
            return items
    return items


# A line led by a short name and a colon (城区供水管网改造：改造…, 教育：新增公办学位1.2万个).
# Also a paragraph whose first sentence is the name alone (城乡污水收集管网建设。新建污水管网480公里…), as progress
# reports restate the plan's items.
_LABEL = re.compile(r"^\s*(?:([^\s:：，,。；;!！?？\d]{2,14})[:：]|([^\s:：，,。；;!！?？“”\"\d]{2,14})。(?=.*\d))\s*(?=\S)")
# Names of fields, bylines and page furniture, never of a project.
_FIELD_LABEL = re.compile(r"情况|任务|内容|单位|时限|时间|地点|地址|来源|资金|投资|记者|编辑|作者|电话|邮箱|联系|备注|说明|"
                          r"附|标题|责编|审核|监制|摄影|图|浏览|进度|目标|措施|要求|问|答|编者|做法|成效|下一步|主持|会议")
_MIN_LABELLED = 3


def _labelled_items(text: str, content: list[tuple[int, int, str]]) -> list[Segment]:
    """Paragraphs, or short headings with their paragraphs, each led by a different project's name and a colon: at
    least three, close together (at most two lines between), most naming a figure. A name the page uses twice is a
    field (完成情况：) and a name of a field or byline never counts."""
    labels = [(i, m.group(1) or m.group(2)) for i, (_, _, line) in enumerate(content) if (m := _LABEL.match(line))]
    seen = Counter(name for _, name in labels)
    # (Not in the title lines, 晋江：2021年为民办实事…; not a place, 开云镇：8个项目当选, in a round-up of towns.)
    idxs = [i for i, name in labels if seen[name] == 1 and (i >= 2 or "。" in content[i][2])
            and not _FIELD_LABEL.search(name) and not _PLACE_NAME.search(name)]
    runs: list[list[int]] = []
    for i in idxs:
        if runs and i - runs[-1][-1] <= 3:
            runs[-1].append(i)
        else:
            runs.append([i])
    run = max(runs, key=len, default=[])
    if len(run) < _MIN_LABELLED:
        return []
    gaps = [b - a for a, b in zip(run, run[1:])]
    bounds = [(a, a + g - 1) for a, g in zip(run, gaps)] + [(run[-1], min(run[-1] + max(gaps) - 1, len(content) - 1))]
    items = []
    for a, b in bounds:
        while b > a and content[b][2].lstrip().startswith(("“", "\"")):
            b -= 1  # a quote after the item is not part of it
        m = _LABEL.match(content[a][2])
        items.append(Segment(content[a][0], content[b][1], m.group(1) or m.group(2)))
    if sum(bool(re.search(r"\d", text[it.start:it.end])) for it in items) * 2 <= len(items):
        return []
    return items


def _member(text: str, start: int, end: int) -> Segment:
    end = _tail_end(text, start, end)
    core_start, _ = item_core(text, start, end)
    return Segment(start, end, re.split(r"[,，。;；:：]", text[core_start:end])[0][:60].strip())


def _stated_count(text: str, start: int) -> int | None:
    """The number of items the page states just before ``start`` (十件民生实事, 16项惠民实事, 10个方面民生实事)."""
    found = list(_STATED.finditer(text, max(0, start - 240), start))
    return _ordinal("", found[-1].group(1)) if found else None


def _split_members(text: str, start: int, stop: int, sep: str) -> list[tuple[int, int]]:
    bounds, a = [], start
    for k in range(start, stop):
        if text[k] in sep:
            bounds.append((a, k))
            a = k + 1
    bounds.append((a, stop))
    # (an advert injected between two members is none: 【代写代发… 加微信:…】)
    return [(a, b) for a, b in bounds if text[a:b].strip() and not _ADVERT.fullmatch(text[a:b].strip())]


def _sentence_before(text: str, line_start: int, pos: int) -> str:
    """The part of the sentence before ``pos`` (from the last 。 or the line start)."""
    k = text.rfind("。", line_start, pos)
    return text[max(line_start, k + 1, pos - 60) : pos]


def _list_members(text: str, start: int, stop: int, sep: str, n: int | None) -> list[tuple[int, int]]:
    """Members of a list that starts at ``start``, separated by ``sep``, in the line ending at ``stop``.

    A 。 list runs to the line's end.  A ； or 、 list ends with its sentence; as a member may hold a 。 of
    its own, with a stated count ``n`` it ends at the first 。 where the count is reached."""
    if sep == "。":
        return _split_members(text, start, stop, sep)
    first: list[tuple[int, int]] | None = None
    k = start
    while k < stop:
        k = _sentence_end(text, k, stop)
        members = _split_members(text, start, k, sep)
        if first is None:
            first = members
        if n is None or len(members) >= n - (0 if sep == "、" else 1):
            return members
    return first or []


def _cut_off(content: list[tuple[int, int, str]]) -> bool:
    """Does the page stop mid-sentence (a copy cut off: its last line, running text rather than a short
    line of chrome, ends without a sentence end)?"""
    last = content[-1][2].strip() if content else ""
    return len(last) >= 15 and last[-1] not in "。！？!?”」）)"


def _introduced_items(text: str, content: list[tuple[int, int, str]]) -> list[Segment]:
    """A list after an introducing word (包括：A；B；C / 具体为：A。B。C / 为：⏎A⏎B), guarded by what the page says.

    Members are separated by ；, by 。, by line, or by 、 (only when the page states exactly that many
    items: a 、 list is also how a sentence names a few examples).  Without a stated count only a ； list
    after a colon that names the plan (实事, 项目 …) counts; with one, the members must number the stated
    count (one more or less for ；, 。 and lines: a page may split one item in two)."""
    for idx, (s, e, _) in enumerate(content):
        for m in _INTRO.finditer(text, s, e):
            before = _sentence_before(text, s, m.start())
            if _LAGGING.search(before):
                continue
            n = _stated_count(text, m.start())
            colon = text[m.end() - 1] in ":："
            begin, end = m.end(), e
            if not text[m.end() : e].strip():  # the intro ends its line: one member per following line
                if n is None or not colon or idx + 1 == len(content):
                    continue
                # One member per sentence over the next lines, as many as stated (a wrap may have joined members'
                # lines), else one per line (a member may hold two sentences).
                sentences: list[tuple[int, int]] = []
                for a, b, _ in content[idx + 1 :]:
                    sentences += _split_members(text, a, b, "。")
                    if len(sentences) >= n:
                        break
                if len(sentences) == n and all(len(text[a:b].strip()) >= 4 for a, b in sentences):
                    return [_member(text, a, b) for a, b in sentences]
                lines = content[idx + 1 : idx + 1 + n]
                if len(lines) == n and all(len(ln.strip()) >= 4 for _, _, ln in lines):
                    return [_member(text, a, b) for a, b, _ in lines]
                begin, end = content[idx + 1][:2]  # else the next line may hold them all (具体为：⏎A；B；C)
            for sep in (";；", "。", "、"):
                members = _list_members(text, begin, end, sep, n)
                if sep == "、":
                    ok = n is not None and len(members) == n
                    if ok:  # the last member ends before 等 / 等方面 …
                        a, b = members[-1]
                        b = _tail_end(text, a, b)
                        cut = _ETC.search(text, a, b)
                        members[-1] = (a, cut.start() if cut else b)
                        # Fields named in a word or two (涉及供水、住房、交通…等领域) are areas, not the items.
                        ok = sum(len(text[x:y].strip()) for x, y in members) >= 5 * len(members)
                elif n is not None:
                    # A page cut off inside the list has fewer members than it states.
                    cut = content[-1][1] <= end and _cut_off(content)
                    ok = len(members) >= 2 and (abs(len(members) - n) <= 1 or cut and len(members) < n)
                else:
                    ok = sep != "。" and colon and len(members) >= 3 and bool(_PLAN_NAMED.search(before))
                if ok:
                    return [_member(text, a, b) for a, b in members]
    return []


_EDGE_TAIL = " \t\r\n|。；;，,、"
_ROW_NUMBER = re.compile(r"\d{1,3}\s*(?:\||\n)")
_MARKER_TAIL = re.compile(rf"[\d{_CN}{_CIRCLED}、.．)）是件●▶■◆★▲•◎►▌▍▎—】\]:：]")


_SPACE_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|#160);?")  # HTML leftovers that indent a line


def item_core(text: str, start: int, end: int) -> tuple[int, int]:
    """An item's range without its list marker, pipes, whitespace and closing punctuation.

    Two annotations of the same item may or may not include ``1、``/``(1)``/``一是``/``▶``/a table's row
    number and the final ``。``/``；``: the core is what identifies the item (used by the item scorer)."""
    while True:
        while start < end and (text[start].isspace() or text[start] == "|" or _SPACE_ENTITY.match(text, start)):
            m = _SPACE_ENTITY.match(text, start)
            start += len(m.group(0)) if m else 1
        line = text[start:end]
        row = _ROW_NUMBER.match(line)  # a table row's number before its first cell
        if row and row.end() < len(line.rstrip()):
            start += row.end()
            continue
        m = next((m for rx in (*HEADING_STYLES.values(), *INLINE_FAMILIES.values())
                  if (m := rx.match(line)) and m.end() > 0), None)
        if m is None or m.end() >= len(line.rstrip()):
            break
        # Some heading styles match the first character after the marker too (``01 新建``): keep it.
        start += m.end() - (1 if m.group(0)[-1:].strip() and not _MARKER_TAIL.match(m.group(0)[-1]) else 0)
    return start, _tail_end(text, start, end)


def _tail_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over whitespace (full-width included), pipes, closing punctuation and the
    pinyin reading of the last character (``處(chù)``: annotators include it or not)."""
    while end > start:
        if text[end - 1] in _EDGE_TAIL or text[end - 1].isspace():
            end -= 1
        elif (r := reading_before(text, end)) < end:
            end = r
        else:
            break
    return end


def _iter_content_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Non-empty lines that are not site chrome, up to a related-news block."""
    for s, e, line in text_lines(text):
        if RELATED.match(line):
            return
        if line.strip() and not is_boilerplate(line):
            yield s, e, line


def content_lines(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, line)`` of the page's content: non-empty lines that are not chrome, up to related news."""
    return list(_iter_content_lines(text))


_SENTENCE_END = "。；;！!？?：:"
_CLAUSE_END_ONLY = "：:！!？?"  # a line ending so introduces or closes something: never joined to the next
_MIN_WRAPPED = 12  # shorter lines are headings, cells or chrome, never the body of a wrapped page


def unwrap(text: str) -> tuple[str, list[int]]:
    """``text`` with the line breaks of hard wrapping removed, and where each of its characters was in ``text``.

    A page is hard-wrapped (text taken from a newspaper PDF or a forum) when most of its longer lines have one
    width, give or take one character (an indent counts: the line was cut as printed). A line of that width that
    does not end a sentence continues on the line right below it, unless that line starts a heading. The list
    readers then see ``1.完成…`` and ``分别是：`` whole even where the wrap cut them."""
    # Rows of a table separated by spaces are never wrapped prose, however even their widths (a wrap may cut a pipe
    # row: those are joined).
    lines = [x for x in _iter_content_lines(text) if not spaced_row(x[2])]
    lengths = [len(line.rstrip()) for _, _, line in lines if len(line.strip()) >= _MIN_WRAPPED]
    breaks: list[int] = []
    if len(lengths) >= 6:
        width = Counter(lengths).most_common(1)[0][0]
        if sum(abs(n - width) <= 1 for n in lengths) * 2 >= len(lengths):
            full = [line.rstrip() for _, _, line in lines if abs(len(line.rstrip()) - width) <= 1]
            # Cut at a width, a line ends a sentence by chance (about one in ten); lines of one width that mostly
            # end sentences are a list of sentences of similar length, not wrapping.
            cut_anywhere = sum(b[-1] in _SENTENCE_END for b in full) * 4 <= len(full)
            for (_, e, line), (s2, _, nxt) in zip(lines, lines[1:]):
                body = line.rstrip()
                # (a line that starts with 、 continues a list cut by the wrap; it is not a lost section numeral)
                starts_heading = _is_heading(nxt) and nxt.lstrip()[:1] != "、"
                # A wrap may also fall right after a sentence end (a list of sentences, 完成….完成…, cut at its width):
                # a full-width line goes on unless the next line opens a heading or is indented as a new paragraph.
                ends_clause = body[-1] in _SENTENCE_END and (not cut_anywhere or body[-1] in _CLAUSE_END_ONLY
                                                             or nxt.startswith(("\u3000", "\t", "  ")))
                if s2 == e + 1 and abs(len(body) - width) <= 1 and not ends_clause and not starts_heading:
                    breaks.append(e)
    if not breaks:
        return text, list(range(len(text)))
    drop = set(breaks)
    pos = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in pos), pos


_SOLICIT = re.compile(r"征集.{0,12}(?:建议|意见|候选|项目)|(?:建议|意见|项目|实事|金点子).{0,4}征集")
# In a title 征求 says it too (关于征求2025年民生实事项目意见的公告); in prose it is how a plan was made (广泛征求意见).
_SOLICIT_TITLE = re.compile(rf"{_SOLICIT.pattern}|征求.{{0,12}}(?:建议|意见|项目|实事)")
# A headline inviting proposals (明年的民生实事，请您来“点单”！), commas and all.
_SOLICIT_HEADLINE = re.compile(r"^.{0,12}(?:实事|民生).{0,10}(?:请您|由您|听您|邀您|您来|点单).{0,10}$")
# The sections of a call for proposals (三、征集范围, 提交方式): a call says what may be proposed and how.
_SOLICIT_SECTION = re.compile(r"^\W{0,3}[一二三四五六七八九十\d]{0,2}\W{0,2}(?:征集|征求|提交|报送|建议)"
                              r"(?:时间|范围|内容|对象|方式|途径|渠道|要求|期限)\W{0,2}$")
# Sections of a report or notice that are about the work, not items of the plan.
_NOT_ITEMS_WORDS = re.compile(r"存在的?(?:主要)?(?:问题|困难|不足)|下一?步|有关要求|工作要求|保障措施|总体情况|组织领导|工作措施|打算|"
                              r"时间安排|进度安排|实施步骤|工作步骤|方法步骤|阶段安排")
# In a short section title also: rankings of places and lists of lagging sub-projects (二、考核排名, (一)尚未开工的子项目);
# an item's own line may say its work has not started yet.
_NOT_ITEMS_TITLE = re.compile(rf"^.{{0,20}}(?:排名|得分|名次|督办|总体进展|群众声音|代表声音|群众评价|"
                              rf"(?:{_SLOW}|未开工|尚未|不足\d+%).{{0,10}}子项目).{{0,12}}$")


def _not_items(line: str) -> bool:
    """Is ``line`` the title of a section about problems, next steps, requirements, rankings or lagging work?"""
    # Bracketed words are not the title's (镇(街道)考评排名 is a ranking; 宿舍楼建设(主体尚未封顶) a project).
    return bool(_NOT_ITEMS_WORDS.search(line) or _NOT_ITEMS_TITLE.match(re.sub(r"[(（][^()（）]*[)）]", "", line.strip())))
# A line introducing a list that is not the plan's items (…9个子项目进度明显滞后…，已列入挂牌督办清单：).
_NOT_ITEMS_INTRO = re.compile(rf"(?:{_SLOW}|督办|预警|排名|得分|名次)[^。]*[:：]\s*$")
# A report's section that holds the plan's items (三、用心用情办好民生实事; 二、分项情况).
_ITEM_SECTION = re.compile(r"实事|分项|具体项目|项目进展|项目完成|项目内容|项目清单|项目名单|惠民工程|民生工程|票决结果|"
                           r"任务分工|责任分工")


_TABLE_NOTE = re.compile(r"^\s*[(（]?(?:注|说明|备注|附件|附表|来源|资料来源)\s*\d?\s*[:：]")


_NOTE_LIST = re.compile(r"[:：]\s*(?:[(（]?\d{1,2}[.、．)）]|$)")


def _note_lines(content: list[tuple[int, int, str]]) -> set[int]:
    """Notes and attachment lists (备注：1.…；2.…, 附件：1.… 2.…): the note line and the numbered lines right after it."""
    notes: set[int] = set()
    listing = False  # the note introduces a numbered list (备注：1.…, 附件：)
    for i, (_, _, line) in enumerate(content):
        if _TABLE_NOTE.match(line):
            notes.add(i)
            listing = bool(_NOTE_LIST.search(line))
        elif listing and i - 1 in notes and (HEADING_STYLES["num_dot"].match(line) or HEADING_STYLES["paren_num"].match(line)):
            notes.add(i)
    return notes


def _row_numbers(content: list[tuple[int, int, str]], styles: dict[int, str]) -> None:
    """A number alone on its line is a row number (of a table flattened one cell per line) only when a
    cell that is not a number follows it and the row numbers run 1, 2, 3 …; other lone numbers are cells.
    A table by district (1 城关街道 12 9 75% …) names places in its rows: its item is its subject, so its row
    numbers go; of the other tables, numbered from 1 again, the first is the listing."""
    runs: list[list[int]] = []
    expected, named = 1, False
    for idx in sorted(i for i, st in styles.items() if st == "lone_num"):
        nxt = content[idx + 1][2].strip(" |\t") if idx + 1 < len(content) else ""
        is_row = bool(nxt) and not re.fullmatch(r"[\d.%％]+", nxt)
        number = int(content[idx][2].strip(" |\t"))  # with its cell border or not (| 1)
        if is_row and number == 1 and expected > 1:
            expected, named = 1, False  # another table starts
        if is_row and number == expected:
            if expected == 1:
                runs.append([])
            expected += 1
            if named and _SUBTASK.match(nxt):
                del styles[idx]  # a continuation row, as in pipe tables
                continue
            named = named or not _SUBTASK.match(nxt)
            runs[-1].append(idx)
        else:
            del styles[idx]
    kept = False
    for run in runs:
        places = sum(bool(_PLACE_NAME.search(content[i + 1][2].strip())) for i in run)
        if kept or places * 2 > len(run):
            for i in run:
                del styles[i]
        else:
            kept = True


def _heading_items(text: str, content: list[tuple[int, int, str]], skip: frozenset[str] = frozenset()) -> list[Segment]:
    """Items introduced by a heading style used at least twice (the first such style is the item level;
    a level whose headings group items — 民生保障类(4项) — hands over to the style inside it; in a
    report or progress report whose few sections include one about the items, the items are the
    headings inside that section)."""
    found: dict[str, list[int]] = {}
    styles: dict[int, str] = {}
    notes = _note_lines(content)
    for idx, (_, _, line) in enumerate(content):
        if SPEECH_LINE.match(line) or idx in notes:
            continue
        for style, rx in HEADING_STYLES.items():
            if m := rx.match(line):
                if style == "bullet":  # each glyph is a list of its own (——results, then ▶items), unless adjacent
                    prev = styles.get(idx - 1, "")
                    style = prev if prev.startswith("bullet:") else f"bullet:{m.group(0).strip()}"
                if style not in skip:
                    styles[idx] = style
                break
    _row_numbers(content, styles)
    # A section about problems, next steps or requirements hides its own sub-headings, up to the
    # next heading of its level, and ends the item before it.
    dead: set[int] = set()
    dead_starts: list[int] = []
    order = sorted(styles)
    for idx in order:
        style = styles[idx]
        line = content[idx][2]
        if style in ("num_space", "lone_num") and idx + 1 < len(content) and not line.strip(" |").lstrip("0123456789"):
            line += content[idx + 1][2]  # 01⏎总体进展: the section's title is on the line under its number
        if idx in dead or not _not_items(line):
            continue
        nxt = next((j for j in order if j > idx and styles[j] == style), len(content))
        dead.update(range(idx, nxt))
        dead_starts.append(idx)
    # A list introduced as lagging work or a ranking (…进度滞后，已列入督办清单：) is not items either: its run of
    # headings of one style is dead.
    for idx in order:
        if idx == 0 or styles.get(idx - 1) == styles[idx]:
            continue
        if _NOT_ITEMS_INTRO.search(content[idx - 1][2]) and not _is_heading(content[idx - 1][2]):
            stop = next((j for j in order if j >= idx and styles[j] != styles[idx]), len(content))
            dead.update(range(idx, stop))
            dead_starts.append(idx)
    for idx in order:
        if idx not in dead:
            found.setdefault(styles[idx], []).append(idx)
    if "num_space" in found and not re.match(r"\s*0", content[found["num_space"][0]][2]):
        del found["num_space"]  # 01 02 … 10 11: a run of two-digit numbers is a list only from 01 (not 10 开封 216)
    if "shi" in found:
        # 三是 and 七是 at line starts with 四是…六是 inside the lines between: an inline list that a wrap cut, not
        # headings (a list of 一是 headings counts on by one).
        nums = [_ordinal("", re.search(rf"[{_CN}]+(?=是)", HEADING_STYLES["shi"].match(content[i][2]).group(0)).group(0))
                for i in found["shi"]]
        if any(b != a + 1 for a, b in zip(nums, nums[1:])):
            del found["shi"]
    candidates = sorted((idxs[0], style) for style, idxs in found.items() if len(idxs) >= 2)
    if not candidates:
        return []
    # A list introduced as the plan's items (办好12件民生实事，计划总投资5.6亿元：) is the item level, whatever lists
    # come before it (the year's results as ◆ bullets, work areas as ▶ bullets).
    # Unless the first list names the same projects (a vote tally, then the projects' sections): the first listing
    # counts.
    introduced = [c for c in candidates if _introduces(content, c[0])]
    if (introduced and introduced[0] != candidates[0] and not _introduces(content, candidates[0][0])
            and not _same_projects(content, found[candidates[0][1]], candidates[0][1],
                                   found[introduced[0][1]], introduced[0][1])):
        candidates = [introduced[0]] + [c for c in candidates if c != introduced[0]]
    style = candidates[0][1]
    sections = found[style]
    groups_level = len(candidates) > 1 and (
        sum(bool(_GROUP.search(content[i][2])) for i in found[style]) >= 2
        or _numbered_across(content, found[style], found[candidates[1][1]], candidates[1][1]))
    if style not in skip and not groups_level and (grouped := _grouped_sections(text, content, sections, style,
                                                                               dead_starts, skip)):
        return grouped
    if len(sections) <= 6 and style not in skip and not groups_level:
        inners = []
        for i in sections:
            # A section ends at the next heading of its level, a dead one (三、保障措施) included.
            end = next((j for j in order if j > i and styles[j] == style), len(content))
            inner = _heading_items(text, content[i + 1 : end], skip=skip | {style})
            if not inner and (_ITEM_SECTION.search(content[i][2]) or _STATED.search(content[i][2])):
                # A section about the items whose paragraph lists them inline (三、集中办好十件民生实事 → 具体为：A；B；…)
                listed = _inline_items(text, content[i + 1 : end]) or _introduced_items(text, content[i + 1 : end])
                if len(listed) >= 3 and _names_projects(listed):
                    return listed
            # A section about the items (三、办好民生实事), or one with such a heading inside (三、重点工作 →
            # (六)办好十件实事 → 1. 2. …): its inner headings are the items.
            if len(inner) >= 2 and any(
                    (_ITEM_SECTION.search(line) and _is_heading(line))
                    or _STATED.search(line) for a, _, line in content[i:end] if a < inner[0].start):
                if not _named_again([_title(content[j][2], style) for j in sections], [it.title for it in inner]):
                    return inner  # (unless the sections name the same projects: they are the first listing)
            inners.append(inner)
        # News sections (■票决结果 ■代表声音 ■全程监督): short titles without figures, one of which holds a list.
        listed = [inner for inner in inners if len(inner) >= 3]
        if (len(listed) == 1 and sum(bool(inner) for inner in inners) == 1
                and all(len(_title(content[i][2], style)) <= 8 and not re.search(r"\d", content[i][2])
                        for i in sections)):
            return listed[0]
    outer: list[int] = []
    if all(_FRAME.match(_title(content[i][2], style)) for i in found[style]):
        # Sections that frame the document (一、工作目标 二、重点任务) are never items; the items, if any,
        # are the next level's headings inside them.
        if len(candidates) == 1 or all(_FRAME.match(_title(content[i][2], candidates[1][1]))
                                       for i in found[candidates[1][1]]):
            return []  # (一)任务完成情况 (二)资金管理情况 under 二、考核内容: the next level frames too
        outer, style = found[style], candidates[1][1]
    elif groups_level:
        outer, style = found[style], candidates[1][1]
    # Lines that group items (医疗卫生类, 民生保障类(4项)) end the item before them too.
    groups = [i for i, (_, _, line) in enumerate(content)
              if (_GROUP.search(line) and len(line.strip()) <= 20) or _BRACKET_HEADING.fullmatch(line.strip())]
    stops = sorted(set(found[style]) | set(outer) | set(groups) | set(dead_starts))
    idxs = found[style]
    bounds = []
    for k, idx in enumerate(idxs):
        # An item ends before the next heading of its own level or of the level that groups it.
        nxt = next((j for j in stops if j > idx), len(content))
        last = nxt - 1
        if k + 1 == len(idxs) and k > 0:
            # The last item has no next heading to end it: give it no more lines than the longest
            # item before it (news pages go on with quotes and background after the list).
            longest = max(b - a for a, b in bounds)
            last = min(last, idx + longest)
            if style == "lone_num":  # a flattened table's last row ends before a note under the table
                last = next((j - 1 for j in range(idx + 1, last + 1) if _TABLE_NOTE.match(content[j][2])), last)
        bounds.append((idx, last))
    # A line the page repeats (an image caption under every block: 2019年某区民生实事安排) ends no item's text.
    seen = Counter(line.strip() for _, _, line in content)
    items = []
    for idx, last in bounds:
        while last > idx and ((seen[content[last][2].strip()] > 1 and _is_caption(content[last][2]))
                              or _PHOTO_CAPTION.match(content[last][2])):
            last -= 1
        s, e = content[idx][0], _before_space(text, content[idx][0], content[last][1])
        line = content[idx][2]
        if style == "lone_num":
            title = content[idx + 1][2].strip(" |\t")[:60] if idx + 1 < len(content) else ""
        else:
            title = _title(line, style)
        items.append(Segment(s, e, title))
    if style in _RUN_ON:
        items = _split_run_on(text, items, _RUN_ON[style])
    return items


# An outer heading that names a field of work (一、农村道路畅通工程, 三、安居保障), not an item with its quantity.
_FIELD_TITLE = re.compile(r"^[^\d，,。；;：:]{2,12}$")
_DUTY_LINE = re.compile(r"^\s*(?:牵头单位|责任单位|主办单位|实施单位|完成时限|完成时间)\s*[:：]")


def _grouped_sections(text: str, content: list[tuple[int, int, str]], sections: list[int], style: str,
                      dead_starts: list[int], skip: frozenset[str]) -> list[Segment]:
    """Items of a report whose outer headings name fields of work, each with its own numbered list (一、安居保障 →
    (一)棚户区改造开工1200套 (二)…; 二、县本级民生实事 → 1.… 2.…): the outer headings group the items (GUIDELINES),
    whatever style each list uses and even where its numbering starts again; a field with no list of its own is one
    item. Empty when fewer than two fields, or fewer than half of them, hold a list."""
    if len(sections) < 2 or not all(_FIELD_TITLE.match(_title(content[i][2], style)) for i in sections):
        return []
    # The plan's items are the outer headings when the page counts them so (集中财力办好6件民生实事 → (一)…(六)).
    if any(_ordinal("", m.group(1)) == len(sections) for m in _STATED.finditer(text, 0, content[sections[0]][0])):
        return []
    stops = sorted(set(sections) | set(dead_starts))
    parts: list[list[Segment]] = []
    for i in sections:
        end = next((j for j in stops if j > i), len(content))
        if any(_DUTY_LINE.match(line) for _, _, line in content[i + 1 : end]):
            return []  # a heading with its own 牵头单位/完成时限 line is an item; its list holds sub-tasks
        inner = _heading_items(text, content[i + 1 : end], skip=skip | {style})
        if len(inner) >= 2:
            parts.append(inner)
        else:
            parts.append([Segment(content[i][0], _before_space(text, content[i][0], content[end - 1][1]),
                                  _title(content[i][2], style))])
    listed = sum(len(p) >= 2 for p in parts)
    if listed < 2 or listed * 2 < len(sections):
        return []
    return [item for part in parts for item in part]


def _introduced_as_not_items(content: list[tuple[int, int, str]], start: int) -> bool:
    """Is the list starting at ``start`` introduced as something else than the plan's items: by its own line's words
    before it (下一步，要做到“三个确保”：一是…), the line before it (…排名如下：, …已列入督办清单：) or a heading above
    it (二、考核排名)?"""
    k = next((i for i, (a, b, _) in enumerate(content) if a <= start <= b), None)
    if k is None:
        return False
    a, _, line = content[k]
    before = line[: start - a]
    if _not_items(before[before.rfind("。") + 1 :]):  # its own sentence: an earlier one may speak of 下一步 or 难点
        return True
    for j in range(k - 1, max(-1, k - 3), -1):
        prev = content[j][2]
        heading = _is_heading(prev)
        if _NOT_ITEMS_INTRO.search(prev) or (heading and _not_items(prev)):
            return True
        if heading or len(prev) > 60:
            break  # another heading, or a paragraph of its own: the list's introduction is above
    return False


def _introduces(content: list[tuple[int, int, str]], idx: int) -> bool:
    """The line before heading ``idx`` introduces the plan's items: it states their number and ends with a colon."""
    if idx == 0:
        return False
    line = content[idx - 1][2].strip()
    return line[-1:] in ":：" and bool(_STATED.search(line))


def _named_again(titles: list[str], others: list[str]) -> int:
    """How many of ``titles`` begin as one of ``others`` does (城区集中供热管网改造项目 赞成202票 and
    城区集中供热管网改造项目): the same project named in two listings."""
    names = {t[:6] for t in others}
    return sum(t[:6] in names for t in titles)


def _same_projects(content: list[tuple[int, int, str]], first: list[int], style: str, other: list[int],
                   other_style: str) -> bool:
    """Most headings of the first list name a project of the other (a vote tally, then the projects' sections)."""
    titles = [_title(content[i][2], style) for i in first]
    return _named_again(titles, [_title(content[i][2], other_style) for i in other]) * 2 > len(first)


def _numbered_across(content: list[tuple[int, int, str]], outer: list[int], inner: list[int], style: str) -> bool:
    """The inner headings are numbered on across the outer ones ((一)住房改善 1. 2. (二)为老服务 3. 4.): the outer
    level groups the items (a plan item's own sub-points start again at 1 under each item)."""
    def number(i: int) -> int | None:
        m = re.search(rf"\d{{1,2}}|[{_CIRCLED}]|[{_CN}]{{1,3}}",
                      HEADING_STYLES[style.split(":")[0]].match(content[i][2]).group(0))
        if m is None:
            return None
        n = _ordinal("circled" if m.group(0) in _CIRCLED else "", m.group(0))
        return n if n > 0 else None
    firsts = [next((j for j in inner if j > o), None) for o in outer[1:]]
    firsts = [j for j in firsts if j is not None]
    nums = [number(j) for j in firsts]
    return len(nums) >= 1 and all(n is not None and n > 1 for n in nums) and len(inner) > len(outer)


# A photo's caption under an item (（图为改造后的金陵新村中心广场）, 记者 王某 摄): not the item's own text.
_PHOTO_CAPTION = re.compile(r"^\s*[(（]?\s*(?:图为|图片|图：|图:|摄影)|^.{0,30}摄\s*[)）]?\s*$|"
                            r"^\s*[(（][^()（）]{0,30}摄影?\s*[^()（）\s]{0,6}\s*[)）]\s*$|"  # (新园区一角 摄影 周立新)
                            r"^\s*/[^/]{2,30}/\s*$")  # /滨湖社区改造后的中心花园/


def _is_caption(line: str) -> bool:
    """A title-like line (ten characters or more, eight of them Chinese, no colon or clause punctuation), not a
    table cell that repeats (区教育局, 2016.03-2016.12) nor a line of the item (配合单位：有关乡镇人民政府)."""
    t = line.strip()
    return (len(t) >= 10 and sum("\u4e00" <= c <= "\u9fff" for c in t) >= 8
            and not re.search(r"[:：。，,；;]", t))


# Numbered headings whose next members may run on in the same paragraph (1.…。2.…。3.…).
_RUN_ON = {"num_dot": INLINE_FAMILIES["num_dot"], "paren_num": INLINE_FAMILIES["paren_num"]}


def _split_run_on(text: str, items: list[Segment], rx: re.Pattern[str]) -> list[Segment]:
    """Split an item that holds the next members of its list after a sentence end: headings 1., 4., 7.
    with 2. and 3. inside the paragraph of 1. are seven items. Only when every missing ordinal is found,
    in order, between the two headings."""
    ordinals = []
    for it in items:
        m = rx.search(text, it.start, min(it.end, it.start + 8))
        ordinals.append(_ordinal("", m.group(1)) if m else -1)
    out: list[Segment] = []
    for k, it in enumerate(items):
        first = ordinals[k]
        want = ordinals[k + 1] - 1 if k + 1 < len(items) else None
        starts = [it.start]
        if first > 0 and (want is None or want > first):
            n = first + 1
            for m in rx.finditer(text, it.start + 1, it.end):
                if want is not None and n > want:
                    break
                if _ordinal("", m.group(1)) == n and text[m.start() - 1] in "。；;!！?？":
                    starts.append(m.start())
                    n += 1
            if want is not None and n != want + 1:
                starts = [it.start]  # not every missing member was found: leave the item whole
        bounds = [*starts, it.end]
        out += [it] if len(starts) == 1 else [_member(text, a, b) for a, b in zip(bounds, bounds[1:])]
    return out


# Headings that are not projects: how the work is run (细化任务清单, 压实推进责任) and how many projects are
# in a state (提前完成全年任务的项目6个).
_MEASURE = re.compile(r"^(?:细化|压实|强化|加强|健全|完善|落实|严格|做好|抓好|建立)\S{0,8}?"
                      r"(?:责任|机制|督查|督导|考核|宣传|清单|保障|领导|管理|调度|协调|制度)")
_PROJECT_COUNT = re.compile(r"(?:项目|实事|工程)\s*\d+\s*[个件项]\s*$")
# An instruction of a notice (各责任单位要…, 请于每月5日前…, 不得擅自…, 各项目实行月报制度): how the work is run.
_INSTRUCTION = re.compile(r"(?<!主)(?<!重)要(?!求|点)|请于|请各|不得|必须|务必|报送|备案|拨付|制度")


# Economic work and indicators (全力稳定工业增长, 地区生产总值增长9%): the tasks of a work report, not 民生实事.
_ECONOMY = re.compile(r"生产总值|GDP|增加值|预算收入|固定资产投资|零售总额|进出口|招商引资|工业|实体经济|开发区|新区|园区|产业|"
                      r"增长\s*[\d.]+\s*%|失业率|居民消费价格|可支配收入|节能减排|能耗")


def _names_projects(items: list[Segment]) -> bool:
    """False when most headings say how the work is run, count projects by state or set economic tasks, rather than
    name livelihood projects."""
    odd = sum(bool(_MEASURE.match(it.title) or _PROJECT_COUNT.search(it.title) or _ECONOMY.search(it.title)
                   or _INSTRUCTION.search(it.title)) for it in items)
    return odd * 2 < len(items)


def _is_call_for_proposals(content: list[tuple[int, int, str]]) -> bool:
    """A call for proposals says so in its first lines or in a title line (short, no sentence) after site chrome,
    or has the sections of one (征集范围 and 提交方式: two such headings)."""
    if _SOLICIT.search(" ".join(line for _, _, line in content[:3] if len(line.strip()) <= 40)):
        return True  # a title, maybe broken over lines (a lead's 网上征集等方式广泛收集意见 is how the plan was made)
    if any(len(line.strip()) <= 40 and not re.search("[。，,]", line) and _SOLICIT_TITLE.search(line)
           for _, _, line in content[:6]):
        return True
    if any(_SOLICIT_HEADLINE.match(line.strip()) for _, _, line in content[:6]):
        return True
    return sum(bool(_SOLICIT_SECTION.match(line.strip())) for _, _, line in content) >= 2


def segment(text: str) -> list[Segment]:
    """Items of a plan, in order, as ranges of ``text`` (read with hard-wrapped lines joined, see :func:`unwrap`)."""
    joined, pos = unwrap(text)
    if len(joined) == len(text):
        return [_own_text(text, sg) for sg in _segment(text)]
    pos.append(len(text))  # where the end of the joined text is

    def back(start: int, end: int) -> tuple[int, int]:
        return pos[start], (pos[end - 1] + 1 if end > start else pos[start])

    return [Segment(*back(sg.start, sg.end), sg.title) for sg in (_own_text(joined, sg) for sg in _segment(joined))]


# A note under an item or its table (an attached table, 附表：…, may be the item's own).
_NOTE = re.compile(r"^\s*[(（]?(?:注|说明|备注)\s*\d?\s*[:：]")
# A quote paragraph after an item (“家门口就有食堂了。”居民林阿姨说): news about the item, not its text.
_QUOTE_LINE = re.compile(r"^\s*[“「\"].{6,}(?:[”」\"]\s*$|[”」\"].{0,30}(?:说|表示|介绍|告诉))")


# An advert injected into the page (【代写代发各类论文 加微信:abc123】), as reposting sites do: never an item's text.
_ADVERT = re.compile(r"【[^】\n]{0,40}?(?:微信|[Qq]{2}|加[Vv]|代写|代发|论文|客服|www\.|https?:)[^】\n]{0,40}】")


def _after_adverts(text: str, start: int, end: int) -> int:
    """``start`` moved past the adverts and whitespace that open ``[start, end)``."""
    while (m := _ADVERT.match(text, start, end)) or (start < end and text[start].isspace()):
        start = m.end() if m else start + 1
    return start


def _before_space(text: str, start: int, end: int) -> int:
    """``end`` moved back over the whitespace that closes ``[start, end)``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _own_text(text: str, item: Segment) -> Segment:
    """An item ends with its own text (GUIDELINES): a note under it (备注：1.…) and what follows, and a photo caption or
    a quote paragraph closing it, are not part of it. Its first line always is. An advert at either edge is left
    out."""
    start = _after_adverts(text, item.start, item.end)
    if start < item.end and start != item.start:
        item = Segment(start, item.end, item.title)
    lines = text_lines(text[item.start:item.end])
    keep = next((k for k in range(1, len(lines)) if _NOTE.match(lines[k][2])), len(lines))
    while keep > 1:
        line = lines[keep - 1][2]
        if line.strip() and not (_PHOTO_CAPTION.match(line) or _QUOTE_LINE.match(line)):
            break
        keep -= 1
    end = _before_space(text, item.start, item.start + lines[keep - 1][1])
    if (ad := next((m for m in _ADVERT.finditer(text, item.start, end) if m.end() == end), None)) and ad.start() > item.start:
        end = _before_space(text, item.start, ad.start())
    return item if end == item.end else Segment(item.start, end, item.title)


def _segment(text: str) -> list[Segment]:
    """Items of a plan, in order, as ranges of ``text``.

    Site chrome (datelines, source and editor lines, counters, font controls, image links,
    breadcrumbs, related news) never becomes an item, and neither do paragraphs of prose:
    a page that only reports on a plan has no items.
    """
    content = content_lines(text)
    if not content or _is_call_for_proposals(content):
        return []  # a call for proposals lists what may be proposed, not the plan's items
    table = _table_items(content)
    items = _heading_items(text, content)
    if items and not _names_projects(items):
        items = []
    # A list after an introducing word that comes first (主要目标是：A；B；C…, then the tables): the first listing.
    first = items[0].start if items else table[0].start if table else None
    if first is not None:
        listed = _introduced_items(text, content)
        if len(listed) >= 3 and listed[-1].end <= first and _names_projects(listed):
            return listed
    # Few sections, one of which holds a longer table of the items (一、总体推进情况 | 1 | 棚户区改造 |): the
    # sections frame the page, the rows are the items.
    if (items and table and len(items) <= 6 and len(table) >= 3 and len(table) > len(items)
            and any(it.start < table[0].start < it.end for it in items)):
        return table
    # A notice may list the items as sections and again as a task table: the first listing wins.
    if items and (not table or items[0].start < table[0].start):
        return items
    if table:
        # Paragraphs led by the projects' names before the table (排水防涝：… then 附：进度一览): the first listing.
        labelled = _labelled_items(text, content)
        if (labelled and labelled[-1].end <= table[0].start and _names_projects(labelled)
                and not _introduced_as_not_items(content, labelled[0].start)):
            return labelled
        return table
    # No headings: paragraphs led by the project's name (城区供水管网改造：改造…), numbered members inside paragraphs
    # (一是…二是…, (1)…, ①…), else a list after an introducing word.
    found = _labelled_items(text, content) or _inline_items(text, content) or _introduced_items(text, content)
    if found and _names_projects(found) and not _introduced_as_not_items(content, found[0].start):
        return found
    # A page that only reports progress by district in tables: each table is one item (GUIDELINES).
    return _district_tables(text)


_TABLE_TITLE = re.compile(r"表|月报|情况|进度|进展|统计|排名|汇总")
_DATA_NOTE = re.compile(r"^[(（]?\s*(?:数据(?:统计)?截[至止]|截[至止]|单位|统计时间|统计截[至止]|填报)")


_FIGURE = re.compile(r"[\d.,%％—\-]+")


def _district_tables(text: str) -> list[Segment]:
    """Tables broken down by district, one item each (GUIDELINES): at least three cells naming a place (昭阳区,
    鲁甸县 …, or bare names under a header such as 省辖市), each followed by its row's figures, read the same from pipe rows or one cell per line. The item runs
    from the paragraph that introduces the table (or else its caption or title) to its total row (or else its last
    figure)."""
    cells = reading_cells(text)
    rows: list[list[int]] = []  # runs of place cells, each followed by figures up to the next place
    width = 0  # figures after the previous place
    # The header may be one cell or a whole spaced header line (序号 省辖市 已开工小区(个) 开工比例).
    header = next((k for k, (_, _, v) in enumerate(cells)
                   if len(v) <= 60 and any(_DIVISION_HEADER.fullmatch(w) for w in v.split())), len(cells))
    for i, (_, _, v) in enumerate(cells):
        place = _PLACE_NAME.search(v) and len(v) <= 8 or i > header and _BARE_NAME.fullmatch(v)
        if not place or TOTAL_ROW.match(v):
            continue
        figures = 0
        for _, _, w in cells[i + 1 : i + 30]:
            if not _FIGURE.fullmatch(w):
                break
            figures += 1
        # A row may end with a cell or two that are not figures (高笋塘街道办事处) and the next starts with its number;
        # the page may end inside the last row (田林县 | 23).
        if rows and figures and i - rows[-1][-1] <= width + 4:
            rows[-1].append(i)
        elif figures >= 2:
            rows.append([i])
        else:
            continue
        width = max(width, figures) if len(rows[-1]) > 1 else figures
    items = []
    for run in rows:
        if len(run) < 3:
            continue
        last = run[-1]
        while last + 1 < len(cells) and _FIGURE.fullmatch(cells[last + 1][2]):
            last += 1
        # The total row, maybe after the last row's cells that are not figures (五桥街道办事处).
        total = next((k for k in range(last + 1, min(last + 4, len(cells))) if TOTAL_ROW.match(cells[k][2])), None)
        if total is not None and all(len(cells[k][2]) <= 12 for k in range(last + 1, total)):
            last = total
            while last + 1 < len(cells) and _FIGURE.fullmatch(cells[last + 1][2]):
                last += 1
        start, title = _table_start(text, cells, run[0])
        items.append(Segment(start, cells[last][1], title[:60]))
    return items


_NEWS_LEAD = re.compile(r"^(?:本报讯|本网讯|本台讯)\s*")


def _table_start(text: str, cells: list[tuple[int, int, str]], first: int) -> tuple[int, str]:
    """Before the first row of a table by district: its header cells (short), data notes (数据截至…), then its title
    (昭通市2013年农村危房改造进度月报, 表1 …) and maybe the paragraph that introduces it (…各街道进度如下：). The item
    starts at that paragraph, else at the title, else at the header."""
    k = first - 1
    while k >= 0 and (cells[first][0] - cells[k][0] < 400) and not cells[k][2].endswith("。") and (
            len(cells[k][2]) <= 12 or spaced_header(cells[k][2])):
        k -= 1  # header cells (or a spaced header line) and row numbers
    header = cells[k + 1][0] if k + 1 < first else cells[first][0]
    while k >= 0 and _DATA_NOTE.match(cells[k][2]):
        k -= 1
    title: tuple[int, str] | None = None
    if k >= 0 and len(cells[k][2]) <= 40 and "。" not in cells[k][2] and _TABLE_TITLE.search(cells[k][2]) \
            and not cells[k][2].startswith("附件"):
        title = (cells[k][0], cells[k][2])
        k -= 1
    if k >= 0 and cells[k][2][-1:] in "。：:" and len(cells[k][2]) > 20:
        lead = _NEWS_LEAD.match(cells[k][2])  # the outlet's 本报讯 before the paragraph is not the item's
        return cells[k][0] + (lead.end() if lead else 0), title[1] if title else cells[k][2][:20]
    return title if title else (header, text[header:].split("\n", 1)[0].strip(" |")[:20])


def header_lines(text: str, n: int = 6) -> list[tuple[int, int, str]]:
    """The first ``n`` non-empty, non-boilerplate lines (where titles live)."""
    return list(islice(_iter_content_lines(text), n))
