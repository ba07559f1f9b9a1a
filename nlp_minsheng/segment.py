"""Split a plan into items, skip page boilerplate, infer plan year and region.

Works on normalised text (simplified, half-width).  Supported item styles:
``一、`` headings, ``第一件``, ``1.``/``1、``, ``(一)``/``(1)``, a number alone on
its line followed by the title, ``●``/``▶`` bullets, ``一是…二是…`` inside a
paragraph, pipe-table rows (an item-name column carried over continuation
rows) and, failing all of these, prose paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from .grammar import RANGE_SEPARATORS
from .tables import pipe_cells, text_lines

_CN = "一二三四五六七八九十"
HEADING_STYLES: dict[str, re.Pattern[str]] = {
    "cn_dun": re.compile(rf"^\s*[{_CN}]{{1,3}}\s*、"),
    "di_jian": re.compile(rf"^\s*第[{_CN}\d]{{1,3}}件"),
    "paren_cn": re.compile(rf"^\s*[(（][{_CN}]{{1,3}}[)）]"),
    "num_dot": re.compile(r"^\s*\d{1,2}\s*[.、．](?!\d)"),
    "paren_num": re.compile(r"^\s*[(（]\d{1,2}[)）]"),
    "bullet": re.compile(r"^\s*(?:[●▶■◆★▲•◎►]|——)"),
    "shi": re.compile(rf"^\s*[{_CN}]{{1,3}}是"),
    "num_space": re.compile(r"^\s*0\d\s+\S"),
    "lone_num": re.compile(r"^\s*\d{1,2}\s*$"),
    "circled": re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]"),
}
_ENUM = re.compile(rf"(?:^|[。；;，,]\s*)([{_CN}]是)")
# Markers of list members inside a paragraph (一是, (1), ①); group 1 is the ordinal.
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
INLINE_FAMILIES: dict[str, re.Pattern[str]] = {
    "shi": re.compile(rf"([{_CN}]{{1,3}})是"),
    "paren_num": re.compile(r"[(（](\d{1,2})[)）]"),
    "circled": re.compile(rf"([{_CIRCLED}])"),
}
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
RELATED = re.compile(r"^\s*[【\[]?(?:相关新闻|相关链接|相关阅读|相关文章|推荐阅读|延伸阅读|热点推荐|往期回顾)")
# A heading that groups items (民生保障类(4项), 基础设施(9件)) rather than being one.
_GROUP = re.compile(r"[(（]\s*[\d一二三四五六七八九十]+\s*[项件个]\s*[)）]|类\s*[:：]?\s*$")
_YEAR_RE = re.compile(r"(20\d{2}|19\d{2})\s*年")


@dataclass(frozen=True)
class Segment:
    """An item's range in the normalised text and its title."""

    start: int
    end: int
    title: str


def is_boilerplate(line: str) -> bool:
    return bool(BOILERPLATE.search(line))


def _title(line: str, style: str) -> str:
    body = HEADING_STYLES[style].sub("", line, count=1).strip() if style in HEADING_STYLES else line.strip()
    body = re.split(r"[。；;]", body)[0]
    return body[:60].strip(" ，,：:")


def _table_items(lines: list[tuple[int, int, str]]) -> list[Segment] | None:
    rows = [(s, e, line) for s, e, line in lines if line.count("|") >= 3]
    if len(rows) < 3:
        return None
    items: list[Segment] = []
    for s, e, line in rows:
        # A row item is its cells' text: leading and trailing pipes and spaces stay out.
        s += len(line) - len(line.lstrip(" |\t"))
        e -= len(line) - len(line.rstrip(" |\t"))
        cells = [c.value for c in pipe_cells(line.strip().strip("|"))]
        if not cells[0].isdigit():
            continue  # header row
        name = cells[1] if len(cells) > 1 else ""
        continues = bool(re.match(r"^\d{1,2}[.、]", name)) or not name
        if continues and items:
            prev = items[-1]
            items[-1] = Segment(prev.start, e, prev.title)
        else:
            items.append(Segment(s, e, re.sub(r"^\d{1,2}[.、]", "", name)[:60]))
    return items or None


def _enum_items(text: str, start: int, end: int) -> list[Segment]:
    para = text[start:end]
    marks = [m.start(1) for m in _ENUM.finditer(para)]
    if len(marks) < 2:
        return []
    bounds = marks + [len(para)]
    return [
        Segment(start + a, start + b, re.split(r"[，。；,;]", para[a + 2 : b])[0][:60].strip())
        for a, b in zip(bounds, bounds[1:])
    ]


_EDGE_TAIL = " \t\r\n|。；;，,、"
_ROW_NUMBER = re.compile(r"\d{1,3}\s*(?:\||\n)")
_MARKER_TAIL = re.compile(rf"[\d{_CN}{_CIRCLED}、.．)）是件●▶■◆★▲•◎►—]")


def item_core(text: str, start: int, end: int) -> tuple[int, int]:
    """An item's range without its list marker, pipes, whitespace and closing punctuation.

    Two annotations of the same item may or may not include ``1、``/``(1)``/``一是``/``▶``/a table's row
    number and the final ``。``/``；``: the core is what identifies the item (used by the item scorer)."""
    while True:
        while start < end and text[start] in " \t\r\n|":
            start += 1
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
    while end > start and text[end - 1] in _EDGE_TAIL:
        end -= 1
    return start, end


def _iter_content_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Non-empty lines that are not site chrome, up to a related-news block."""
    for s, e, line in text_lines(text):
        if RELATED.match(line):
            return
        if line.strip() and not is_boilerplate(line):
            yield s, e, line


def _content_lines(text: str) -> list[tuple[int, int, str]]:
    return list(_iter_content_lines(text))


_SOLICIT = re.compile(r"征集.{0,12}(?:建议|意见|候选|项目)|(?:建议|意见|项目).{0,4}征集")
# Sections of a report or notice that are about the work, not items of the plan.
_NOT_ITEMS = re.compile(r"存在的?(?:问题|困难|不足)|下一?步|有关要求|工作要求|保障措施|总体情况|组织领导|工作措施|打算")
# A report's section that holds the plan's items (三、用心用情办好民生实事; 二、分项情况).
_ITEM_SECTION = re.compile(r"实事|分项|具体项目|项目进展|项目完成|惠民工程|民生工程")


def _heading_items(text: str, content: list[tuple[int, int, str]], skip: str = "") -> list[Segment]:
    """Items introduced by a heading style used at least twice (the first such style is the item level;
    a level whose headings group items — 民生保障类(4项) — hands over to the style inside it; in a
    report or progress report whose few sections include one about the items, the items are the
    headings inside that section)."""
    found: dict[str, list[int]] = {}
    styles: dict[int, str] = {}
    for idx, (_, _, line) in enumerate(content):
        for style, rx in HEADING_STYLES.items():
            if style != skip and rx.match(line):
                styles[idx] = style
                break
    # A section about problems, next steps or requirements hides its own sub-headings, up to the
    # next heading of its level, and ends the item before it.
    dead: set[int] = set()
    dead_starts: list[int] = []
    order = sorted(styles)
    for idx in order:
        style = styles[idx]
        if idx in dead or not _NOT_ITEMS.search(content[idx][2]):
            continue
        nxt = next((j for j in order if j > idx and styles[j] == style), len(content))
        dead.update(range(idx, nxt))
        dead_starts.append(idx)
    for idx in order:
        if idx not in dead:
            found.setdefault(styles[idx], []).append(idx)
    candidates = sorted((idxs[0], style) for style, idxs in found.items() if len(idxs) >= 2)
    if not candidates:
        return []
    style = candidates[0][1]
    sections = found[style]
    if len(sections) <= 6 and not skip:
        for k, i in enumerate(sections):
            if not _ITEM_SECTION.search(content[i][2]):
                continue
            end = sections[k + 1] if k + 1 < len(sections) else len(content)
            inner = _heading_items(text, content[i + 1 : end], skip=style)
            if len(inner) >= 2:
                return inner
    outer: list[int] = []
    if sum(bool(_GROUP.search(content[i][2])) for i in found[style]) >= 2 and len(candidates) > 1:
        outer, style = found[style], candidates[1][1]
    # Lines that group items (医疗卫生类, 民生保障类(4项)) end the item before them too.
    groups = [i for i, (_, _, line) in enumerate(content) if _GROUP.search(line) and len(line.strip()) <= 20]
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
        bounds.append((idx, last))
    items = []
    for idx, last in bounds:
        s, e = content[idx][0], content[last][1]
        while e > s and text[e - 1].isspace():
            e -= 1
        line = content[idx][2]
        if style == "lone_num":
            title = content[idx + 1][2].strip()[:60] if idx + 1 < len(content) else ""
        else:
            title = _title(line, style)
        items.append(Segment(s, e, title))
    return items


def segment(text: str) -> list[Segment]:
    """Items of a plan, in order, as ranges of ``text``.

    Site chrome (datelines, source and editor lines, counters, font controls, image links,
    breadcrumbs, related news) never becomes an item, and neither do paragraphs of prose:
    a page that only reports on a plan has no items.
    """
    content = _content_lines(text)
    if not content or _SOLICIT.search(" ".join(line for _, _, line in content[:3])):
        return []  # a call for proposals lists what may be proposed, not the plan's items
    table = _table_items(content)
    items = _heading_items(text, content)
    # A notice may list the items as sections and again as a task table: the first listing wins.
    if items and (not table or items[0].start < table[0].start):
        return items
    if table:
        return table
    # No headings: 一是…二是… inside paragraphs.
    return [seg for s, e, _ in content for seg in _enum_items(text, s, e)]


def header_lines(text: str, n: int = 6) -> list[tuple[int, int, str]]:
    """The first ``n`` non-empty, non-boilerplate lines (where titles live)."""
    return list(islice(_iter_content_lines(text), n))


_PLAN_WORDS = re.compile(r"实事|项目|计划|民生|民心|惠民|为民|办|票决")
# A publication date or dateline: 2021-03-15, 2021/3/15, 2021年3月15日, 2021.03.15.
_DATE_RE = re.compile(r"(20\d{2})\s*(?:[-/.]\s*|年\s*)(\d{1,2})\s*(?:[-/.]\s*|月\s*)(\d{1,2})")


_RANGE_AFTER = re.compile(rf"\s*[{RANGE_SEPARATORS}]")  # 2021-2025年: a period, not the plan year


def infer_year(text: str) -> int | None:
    """The plan year, from the strongest evidence on the page.

    1. a year next to plan words (实事, 项目, 计划 …) in the title lines;
    2. else the year named most often next to plan words in the body (a progress report or a
       news item names the plan it is about again and again);
    3. else the publication date near the top: its year, or the next one for Nov–Dec (plans are
       published before the year they are for);
    4. else the first year in the title lines.
    """
    content = _content_lines(text)  # related-news links name other plans: they stay out
    years: list[int] = []
    for _, _, line in content[:6]:  # the title lines (header_lines)
        for m in _YEAR_RE.finditer(line):
            y = int(m.group(1))
            if _PLAN_WORDS.search(line[m.end() : m.end() + 20]):
                return y
            years.append(y)
    counts: dict[int, int] = {}
    body = "\n".join(line for _, _, line in content)
    for m in _YEAR_RE.finditer(body):
        if _PLAN_WORDS.search(body[m.end() : m.end() + 12]) and not _RANGE_AFTER.match(body, m.end()):
            y = int(m.group(1))
            counts[y] = counts.get(y, 0) + 1
    if counts:
        return max(counts, key=lambda y: (counts[y], y))
    m = _DATE_RE.search(text[:600])
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)) + (1 if int(m.group(2)) >= 11 else 0)
    return years[0] if years else None
