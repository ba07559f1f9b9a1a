"""Split a plan into items, skip page boilerplate, infer plan year and region.

Works on normalised text (simplified, half-width).  Supported item styles:
``一、`` headings, ``第一件``, ``1.``/``1、``, ``(一)``/``(1)``, a number alone on
its line followed by the title, ``●``/``▶`` bullets, ``一是…二是…`` inside a
paragraph, pipe-table rows (an item-name column carried over continuation
rows) and, failing all of these, prose paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "一二三四五六七八九十"
HEADING_STYLES: dict[str, re.Pattern[str]] = {
    "cn_dun": re.compile(rf"^\s*[{_CN}]{{1,3}}\s*、"),
    "di_jian": re.compile(rf"^\s*第[{_CN}\d]{{1,3}}件"),
    "paren_cn": re.compile(rf"^\s*[(（][{_CN}]{{1,3}}[)）]"),
    "num_dot": re.compile(r"^\s*\d{1,2}\s*[.、．](?!\d)"),
    "paren_num": re.compile(r"^\s*[(（]\d{1,2}[)）]"),
    "bullet": re.compile(r"^\s*[●▶■◆★▲•◎►]"),
    "lone_num": re.compile(r"^\s*\d{1,2}\s*$"),
    "circled": re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]"),
}
_ENUM = re.compile(rf"(?:^|[。；;，,]\s*)([{_CN}]是)")
BOILERPLATE = re.compile(
    r"立即注册|登录|找回密码|^\s*搜索\s*$|回复|举报|首页\s*[>›»]|返回顶部|返回列表|Powered by|ICP备|发表于|阅读模式|"
    r"使用道具|快速回复|帖子地图|手机版|积分规则|Processed in|Comsenz|版权所有|打印本页|关闭窗口|分享到|上一篇|下一篇|"
    r"点击阅读原文|责任编辑|扫一扫|^\s*[\[【]?(?:打印|关闭|收藏)[\]】]?\s*$",
    re.I,
)
_YEAR_RE = re.compile(r"(20\d{2}|19\d{2})\s*年")


@dataclass(frozen=True)
class Segment:
    """An item's range in the normalised text and its title."""

    start: int
    end: int
    title: str


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


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
        cells = [c.strip() for c in line.split("|")]
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


def segment(text: str) -> list[Segment]:
    """Items of a plan, in order, as ranges of ``text``."""
    lines = _lines(text)
    content = [(s, e, line) for s, e, line in lines if line.strip() and not is_boilerplate(line)]
    if not content:
        return []
    table = _table_items(content)
    if table:
        return table
    # The item level is the heading style that occurs first among styles used at least twice.
    found: dict[str, list[int]] = {}
    for idx, (_, _, line) in enumerate(content):
        for style, rx in HEADING_STYLES.items():
            if rx.match(line):
                found.setdefault(style, []).append(idx)
                break
    candidates = [(idxs[0], style) for style, idxs in found.items() if len(idxs) >= 2]
    last_end = content[-1][1]
    if candidates:
        _, style = min(candidates)
        idxs = found[style]
        items = []
        for k, idx in enumerate(idxs):
            s = content[idx][0]
            e = content[idxs[k + 1]][0] if k + 1 < len(idxs) else last_end
            # Trim trailing blank / boilerplate lines from the item.
            while e > s and text[e - 1].isspace():
                e -= 1
            line = content[idx][2]
            if style == "lone_num":
                nxt = content[idx + 1][2] if idx + 1 < len(content) else ""
                title = nxt.strip()[:60]
            else:
                title = _title(line, style)
            items.append(Segment(s, e, title))
        return items
    # No headings: 一是…二是… inside paragraphs, else each prose paragraph.
    items = [seg for s, e, _ in content for seg in _enum_items(text, s, e)]
    if items:
        return items
    paras = [(s, e, line) for s, e, line in content if len(line.strip()) >= 30]
    return [Segment(s, e, _title(line, "")) for s, e, line in paras]


def header_lines(text: str, n: int = 6) -> list[tuple[int, int, str]]:
    """The first ``n`` non-empty, non-boilerplate lines (where titles live)."""
    return [(s, e, line) for s, e, line in _lines(text) if line.strip() and not is_boilerplate(line)][:n]


_PLAN_WORDS = re.compile(r"实事|项目|计划|民生|民心|惠民|为民|办|票决")
# A publication date or dateline: 2021-03-15, 2021/3/15, 2021年3月15日, 2021.03.15.
_DATE_RE = re.compile(r"(20\d{2})\s*(?:[-/.]\s*|年\s*)(\d{1,2})\s*(?:[-/.]\s*|月\s*)(\d{1,2})")


def infer_year(text: str) -> int | None:
    """The plan year, from the strongest evidence on the page.

    1. a year next to plan words (实事, 项目, 计划 …) in the title lines;
    2. else the year named most often next to plan words in the body (a progress report or a
       news item names the plan it is about again and again);
    3. else the publication date near the top: its year, or the next one for Nov–Dec (plans are
       published before the year they are for);
    4. else the first year in the title lines.
    """
    head = header_lines(text)
    years: list[int] = []
    for _, _, line in head:
        for m in _YEAR_RE.finditer(line):
            y = int(m.group(1))
            if _PLAN_WORDS.search(line[m.end() : m.end() + 20]):
                return y
            years.append(y)
    counts: dict[int, int] = {}
    for m in _YEAR_RE.finditer(text):
        if _PLAN_WORDS.search(text[m.end() : m.end() + 12]) and not re.match(r"\s*[-—~至到]", text[m.end():]):
            y = int(m.group(1))
            counts[y] = counts.get(y, 0) + 1
    if counts:
        return max(counts, key=lambda y: (counts[y], y))
    m = _DATE_RE.search(text[:600])
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)) + (1 if int(m.group(2)) >= 11 else 0)
    return years[0] if years else None
