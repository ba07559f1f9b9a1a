"""A rule tagger for the four labels: regex grammar + jieba place names.

It is the baseline every model is compared with, the fallback when no model
is available, and its value grammar repairs model span edges (see
:func:`repair_span`).  It works on normalised (simplified, half-width) text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .numbers import RANGE_RE

_PRE = r"(?:不少于|不低于|不超过|超过|至少|最高|逾|约|近|超)"
_SUF = r"(?:及以上|以上|以内|以下|左右|余|多)"
AMOUNT_RE = re.compile(
    rf"{_PRE}?{RANGE_RE}{_SUF}?(?:百万元|千元|万元|亿元|元)(?:/(?:千瓦时|立方米|吨|人|户|月|年|平方米|度|次|天|小时))?{_SUF}?"
)
UNITS = (
    "万平方米|平方公里|平方米|公里|千米|延米|米|亩|公顷|万人次|人次|万人|万户|万名|个百分点|万个|"
    "个|家|处|所|条|户|人|名|场|次|张|台|套|座|辆|间|栋|幢|项|支|班|轮|课时|吨|棵|株|床|块|根|盏|只|部|"
    "册|本|期|站|批次|组|片|对|位|例|份|千瓦|兆瓦|车位|泊位|公顷|万册|万株|万棵|门|节|届|类|趟|艘|孔|口|段|眼|座次|餐|单元"
)
TARGET_RE = re.compile(
    rf"{_PRE}?(?:{RANGE_RE}{_SUF}?(?:{UNITS})(?:\([^)]{{1,8}}\))?{_SUF}?|\d+(?:\.\d+)?(?:%|‰){_SUF}?)"
)
_CN_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
DEADLINE_RE = re.compile(
    r"(?:"
    r"\d{4}[./]\d{1,2}\s*[-—–~～至]\s*\d{4}[./]\d{1,2}"
    rf"|\d{{4}}\s*[-—–~～至]\s*\d{{4}}年"
    rf"|(?:\d{{4}}年度?|今年|明年|本年度|下一年度|年内)?(?:{_CN_MONTH}月(?:份)?(?:底|末|上旬|中旬|下旬)?"
    rf"(?:\s*[-—–~～至到]\s*(?:\d{{4}}年)?{_CN_MONTH}月(?:底|末)?)?"
    r"|[一二三四1-4]季度末?|上半年|下半年|年底|年末|春季学期|秋季学期)(?:前|以前|之前|起)?"
    r"|\d{4}年度?(?:底|末)?(?:前|以前|之前|起)?|(?:今年|年内|年底前|年底|下一年度)"
    r")"
)
# Contexts that make a number something other than a commitment.
_NOT_TARGET_BEFORE = re.compile(r"(第|已|已经|累计完成|完成率|截至[^，。；]{0,6}|共计|去年|惠及[^，。；]{0,2}已|编号|热线)$")
_NOT_TARGET_AFTER = re.compile(r"^(件|大|项民生|个项目|个民生|号线|号|岁|周岁|分钟|线|路|届|周年|年)")
_NOT_DEADLINE_BEFORE = re.compile(r"(截至|截止|截止到|自|于|从|去年|已于|以来|在)$")
_NOT_DEADLINE_AFTER = re.compile(r"^(\d{1,2}日|以来|开始征求|下午|上午|发布|召开)")
LOCATION_SUFFIX = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|区|县|镇|乡|街道|村|社区|新村|小区|花园|路|街|大道|大街|公园|广场|河|湖|江|山|桥|片区|古镇|景区|湿地)"
)
GENERIC_PLACES = {
    "全市", "全区", "全县", "全镇", "各区", "各县", "市区", "城区", "本市", "本区", "社区", "小区", "农村", "城市",
    "老旧小区", "街道", "乡镇", "各镇", "镇村", "村", "区", "市", "县", "镇", "山区", "景区", "园区", "开发区", "新区",
    "城乡", "辖区", "片区", "路", "街", "公园", "广场", "周边", "沿线", "全省", "各市", "本地", "地区", "城镇",
}


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    return pseg


def _spans(regex: re.Pattern[str], text: str, label: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), label) for m in regex.finditer(text) if m.end() > m.start()]


def _in_quotes(text: str, start: int) -> bool:
    """True when ``start`` sits inside “…” or 《…》 on the same line (names, slogans)."""
    line_start = text.rfind("\n", 0, start) + 1
    seg = text[line_start:start]
    return seg.count("“") > seg.count("”") or seg.count("《") > seg.count("》")


def tag_amounts(text: str) -> list[tuple[int, int, str]]:
    return _spans(AMOUNT_RE, text, "AMOUNT")


def tag_targets(text: str, taken: bytearray | None = None) -> list[tuple[int, int, str]]:
    """Quantities with a measure word; ``taken`` marks characters already labelled (money, dates)."""
    out = []
    for m in TARGET_RE.finditer(text):
        s, e = m.start(), m.end()
        if taken is not None and any(taken[s:e]):
            continue
        if s > 0 and (text[s - 1].isdigit() or text[s - 1] == "."):
            continue
        before = text[max(0, s - 10) : s]
        if _NOT_TARGET_BEFORE.search(before) or _NOT_TARGET_AFTER.match(text[e : e + 4]) or _in_quotes(text, s):
            continue
        out.append((s, e, "TARGET"))
    return out


def tag_deadlines(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in DEADLINE_RE.finditer(text):
        s, e = m.start(), m.end()
        if e - s < 2 or (s > 0 and text[s - 1].isdigit()):
            continue
        if _NOT_DEADLINE_BEFORE.search(text[max(0, s - 4) : s]) or _NOT_DEADLINE_AFTER.match(text[e : e + 4]):
            continue
        out.append((s, e, "DEADLINE"))
    return out


def tag_locations(text: str) -> list[tuple[int, int, str]]:
    """jieba ``ns`` words, extended over a following place unit word."""
    pseg = _jieba()
    out: list[tuple[int, int, str]] = []
    pos = 0
    cur: tuple[int, int] | None = None
    for word, flag in pseg.cut(text):
        s, e = pos, pos + len(word)
        pos = e
        is_place = flag == "ns" and word not in GENERIC_PLACES and len(word) > 1
        is_unit = word in {"市", "区", "县", "镇", "乡", "街道", "村", "社区", "路", "新村", "片区", "街", "大道"}
        if is_place or (cur is not None and is_unit and s == cur[1]):
            cur = (cur[0], e) if cur is not None and s == cur[1] else (s, e)
            continue
        if cur is not None:
            out.append((cur[0], cur[1], "LOCATION"))
            cur = None
    if cur is not None:
        out.append((cur[0], cur[1], "LOCATION"))
    return out


def _table_columns(text: str) -> list[tuple[int, int, str]]:
    """Bare numbers in pipe-table columns whose header names 万元/元 (AMOUNT) or a unit (TARGET)."""
    out: list[tuple[int, int, str]] = []
    header: list[str] | None = None
    pos = 0
    for line in text.split("\n"):
        cells = line.split("|")
        if len(cells) >= 3:
            if header is None or not any(re.search(r"\d", c) for c in cells):
                if not any(re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", c) for c in cells):
                    header = cells
            elif header:
                cpos = pos
                for i, cell in enumerate(cells):
                    m = re.fullmatch(r"(\s*)(\d+(?:\.\d+)?)\s*", cell)
                    if m and i < len(header) and i > 0:
                        h = header[i]
                        s = cpos + len(m.group(1))
                        if re.search(r"[(（]\s*(?:万元|亿元|元)\s*[)）]", h):
                            out.append((s, s + len(m.group(2)), "AMOUNT"))
                        elif re.search(r"目标|任务|计划", h) and re.search(r"[(（][^)）]{1,4}[)）]", h):
                            out.append((s, s + len(m.group(2)), "TARGET"))
                    cpos += len(cell) + 1
        pos += len(line) + 1
    return out


def tag(text: str) -> list[tuple[int, int, str]]:
    """All rule spans on normalised text, non-overlapping, sorted.

    Priority: money and table cells, then dates, then quantities, then places;
    a character claimed by an earlier span is not given to a later one.
    """
    taken = bytearray(len(text))
    kept: list[tuple[int, int, str]] = []

    def claim(spans: list[tuple[int, int, str]]) -> None:
        for s, e, lab in spans:
            if e > s and not any(taken[s:e]):
                taken[s:e] = b"\x01" * (e - s)
                kept.append((s, e, lab))

    claim(tag_amounts(text) + _table_columns(text))
    claim(tag_deadlines(text))
    claim(tag_targets(text, taken))
    claim(tag_locations(text))
    return sorted(kept)


_EDGE = {"AMOUNT": AMOUNT_RE, "TARGET": TARGET_RE, "DEADLINE": DEADLINE_RE}


def repair_span(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Snap a predicted TARGET/AMOUNT/DEADLINE span to the grammar match that overlaps it most.

    The model often drops the leading digits (``5万名`` → ``万名``) or the
    currency unit; when a grammar match overlaps the prediction, its edges
    win.  Other labels, or no match, return the span unchanged.
    """
    regex = _EDGE.get(label)
    if regex is None:
        return start, end
    lo, hi = max(0, start - 16), min(len(text), end + 16)
    best: tuple[int, int] | None = None
    for m in regex.finditer(text, lo, hi):
        if m.start() < end and start < m.end():
            ov = min(end, m.end()) - max(start, m.start())
            if best is None or ov > min(end, best[1]) - max(start, best[0]):
                best = (m.start(), m.end())
    return best if best else (start, end)


def is_table_cell(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is the whole content of a table cell (``| 500 |`` or a line of its own)."""
    left = max(text.rfind("|", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find("|", end), text.find("\n", end)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    return not text[left + 1 : start].strip() and not text[end:right].strip()


def grammatical(text: str, label: str, *, table_cell: bool = False) -> bool:
    """Can ``text`` (normalised) be a span of ``label`` at all?  Used to drop model fragments.

    A one-character place (``河``), money or a date without a number or time
    word, a quantity with neither unit nor 万/亿 (a bare ``6``) are not —
    except a bare number filling a table cell, whose unit is in the header.
    """
    from .values import normalize_amount, normalize_deadline, normalize_target

    if table_cell and label in ("AMOUNT", "TARGET") and re.fullmatch(r"\d+(?:\.\d+)?", text):
        return True
    if label == "LOCATION":
        return len(text) >= 2
    if label == "AMOUNT":
        return normalize_amount(text) is not None
    if label == "DEADLINE":
        return normalize_deadline(text, plan_year=2000) is not None
    if label == "TARGET":
        v = normalize_target(text)
        return v is not None and (v["unit"] is not None or bool(re.search(r"[万亿]", text)))
    return True
