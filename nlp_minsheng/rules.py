"""The rule baseline: a thin tagger on the shared grammar + jieba place names.

It is the baseline every model is compared with and the tagger of
:meth:`Pipeline.rules_only`.  The patterns are :mod:`nlp_minsheng.grammar`'s; the
context filters below (what makes a number something other than a commitment) are the
baseline's own decisions.  It works on normalised (simplified, half-width) text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .grammar import AMOUNT_RE, DEADLINE_RE, TARGET_RE
from .tables import Tables

# Contexts that make a number something other than a commitment.
_NOT_TARGET_BEFORE = re.compile(r"(第|已|已经|累计完成|完成率|截至[^，。；]{0,6}|共计|去年|惠及[^，。；]{0,2}已|编号|热线)$")
_NOT_TARGET_AFTER = re.compile(r"^(件|大|项民生|个项目|个民生|号线|号|岁|周岁|分钟|线|路|届|周年|年)")
_NOT_DEADLINE_BEFORE = re.compile(r"(截至|截止|截止到|自|于|从|去年|已于|以来|在)$")
_NOT_DEADLINE_AFTER = re.compile(r"^(\d{1,2}日|以来|开始征求|下午|上午|发布|召开)")
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

    claim(tag_amounts(text) + Tables(text).typed_cells())
    claim(tag_deadlines(text))
    claim(tag_targets(text, taken))
    claim(tag_locations(text))
    return sorted(kept)
