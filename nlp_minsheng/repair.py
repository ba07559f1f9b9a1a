"""The model's repair step: snap span edges to the label grammar, drop fragments it rejects.

The grammar (:mod:`nlp_minsheng.grammar`) and the value normalisers decide; this module
only applies them to model spans. The rule baseline uses the same grammar for tagging,
never this step, so tuning the repair does not move the baseline's numbers.
"""

from __future__ import annotations

import re

from .grammar import (
    BUILT_BEFORE_AFTER_DATE,
    DATELINE,
    DOCUMENT_AFTER_YEAR,
    FINISHED_AFTER_DATE,
    FINISHED_BEFORE_DATE,
    PLAN_DONE_AFTER_YEAR,
    RECURRING_BEFORE_DATE,
    REVIEW_CLOSES,
    REVIEW_OPENS,
    WORK_REPORT,
)
from .labels import SPECS
from .tables import Tables, is_table_cell, text_lines

__all__ = ["complete_span", "cuts_a_number", "grammatical", "is_table_cell", "missed_dateline_places", "missed_table_amounts",
           "money_cells", "not_a_schedule", "repair_span", "review_sections"]


def repair_span(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Snap a predicted span to the grammar match of its label that overlaps it most.

    The model often drops the leading digits (``5万名`` → ``万名``) or the currency
    unit; when a grammar match overlaps the prediction, its edges win.  A label with
    no surface grammar (LOCATION), or no match, returns the span unchanged.
    """
    regex = SPECS[label].pattern
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


def complete_span(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """Extend a span the model stopped short (``[2022年11月]30日``, ``[2024年]三季度``) to the grammar match that starts
    where it starts and goes further; never shrinks or moves it (for labels whose edges are not repaired)."""
    regex = SPECS[label].pattern
    if regex is None:
        return start, end
    m = regex.match(text, start)
    return (start, m.end()) if m and m.end() > end else (start, end)


def cuts_a_number(text: str, start: int, end: int) -> bool:
    """Does ``[start, end)`` begin or end inside a number (2016.1|2, 20|16年)?  A span never does (LABELS.md:
    never inside a word), so such a span is repaired whatever its label."""
    def digit(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isdigit()

    inside_end = digit(end - 1) and (digit(end) or (end < len(text) and text[end] in ".．" and digit(end + 1)))
    return bool(end > start and (inside_end or (digit(start) and digit(start - 1))))


def grammatical(text: str, label: str, *, table_cell: bool = False) -> bool:
    """Can ``text`` (normalised) be a span of ``label`` at all?  Used to drop model fragments."""
    return SPECS[label].grammatical(text, table_cell)


_BARE_YEAR = re.compile(r"((?:19|20)\d{2})年度?")


def not_a_schedule(text: str, start: int, end: int, label: str, plan_year: int | None = None) -> bool:
    """A DEADLINE that is not a time of the plan's schedule, by its context: the year of a report
    (``2016年``政府工作报告), a construction-date threshold (改造``2000年底前``建成的老旧小区), a recurring
    reporting date (每月``25日前``报送), the date of a finished event (``汛期前``已完成, 已于``国庆节前``投入使用), or the
    year of an earlier plan reported done (``2023年``确定的实事全面完成, on a page about the 2024 plan)."""
    if label != "DEADLINE":
        return False
    if (DOCUMENT_AFTER_YEAR.match(text, end) or BUILT_BEFORE_AFTER_DATE.match(text, end) or FINISHED_AFTER_DATE.match(text, end)
            or RECURRING_BEFORE_DATE.search(text, max(0, start - 8), start)
            or FINISHED_BEFORE_DATE.search(text, max(0, start - 6), start)):
        return True
    year = _BARE_YEAR.fullmatch(text, start, end)
    return bool(plan_year and year and int(year.group(1)) < plan_year and PLAN_DONE_AFTER_YEAR.match(text, end))


def review_sections(text: str) -> list[tuple[int, int]]:
    """The look-back sections of a work report (一、2023年工作回顾 … up to 二、2024年主要预期目标), as line ranges:
    what they count was achieved, so a TARGET there is not one. Empty for pages that are not work reports (their
    first 800 characters never name one)."""
    if not WORK_REPORT.search(text, 0, 800):
        return []
    out: list[tuple[int, int]] = []
    inside = False
    for start, end, line in text_lines(text):
        if inside and REVIEW_CLOSES.search(line):
            inside = False
        if len(line) < 60 and REVIEW_OPENS.search(line):  # a heading or a short lead, not a sentence in passing
            inside = True
        if inside:
            out.append((start, end))
    return out


def money_cells(tables: Tables) -> set[tuple[int, int]]:
    """Bare numbers in a column whose header names a currency (``完成投资(万元)``): LABELS.md makes money
    AMOUNT in every such column, whatever the model says (it misses such cells, or calls them TARGET, when
    the header is far above them)."""
    return {(s, e) for s, e, label in tables.typed_cells() if label == "AMOUNT"}


def missed_table_amounts(money: set[tuple[int, int]], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The :func:`money_cells` that no span covers. (A bare number under a planned-unit header is not added:
    on the realistic dev set that added more wrong TARGETs than right ones.)"""
    return sorted((s, e) for s, e in money if _free(s, e, taken))


def missed_dateline_places(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The place of a news dateline (本网淄博1月12日讯 → 淄博) that no span covers: LABELS.md makes it a place,
    and the model, which sees few datelines, misses most of them."""
    return [m.span("place") for m in DATELINE.finditer(text) if _free(*m.span("place"), taken)]


def _free(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """No span of ``taken`` overlaps ``[start, end)``."""
    return not any(a < end and start < b for a, b in taken)
