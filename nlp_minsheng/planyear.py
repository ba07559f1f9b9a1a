"""The plan year of a page: which year's plan it is about (GUIDELINES: from the title, the body, the dateline or
the publication date)."""

from __future__ import annotations

import re

from .grammar import RANGE_SEPARATORS, RELATIVE_YEARS, alternation
from .repair import review_sections
from .segment import SPEECH_LINE, content_lines, unwrap

# A year; mojibake may eat its first digit (?019年: GUIDELINES), which can only be a 2.
_YEAR_RE = re.compile(r"(20\d{2}|19\d{2}|[?？]0\d{2})\s*年")


def _year(token: str) -> int:
    return int("2" + token[1:]) if token[0] in "?？" else int(token)


_PLAN_WORDS = re.compile(r"实事|项目|计划|民生|民心|惠民|为民|办|票决|政府工作报告")
# A publication date or dateline: 2021-03-15, 2021/3/15, 2021年3月15日, 2021.03.15.
# Also garbled: the separator after the year lost (202209月30日).
_DATE_RE = re.compile(r"(20\d{2})\s*(?:[-/.]\s*|年\s*|(?=[01]\d月))(\d{1,2})\s*(?:[-/.]\s*|月\s*)(\d{1,2})")


_RANGE_AFTER = re.compile(rf"\s*[{RANGE_SEPARATORS}]")  # 2021-2025年: a period, not the plan year
# A year that sets goals (2015年主要目标, 2018年全市经济社会发展的主要预期目标): a plan year where no year names the
# plan's own words (a work report reviews last year's results first, then sets this year's goals).
_GOAL_WORDS = re.compile(r"目标|预期|任务|安排|打算|计划")


# A page that reports how the plan is going (截至11月底…已完成) is about the plan of the year it is dated.
# (Not 进展情况 alone: a notice asks for progress reports of the plan it publishes.)
_PROGRESS = re.compile(r"(?:截至|截止)[^，,。；;]{0,10}(?:月|目前|日前|底)|已(?:全部)?(?:完成|建成|开工|完工|竣工|投用)")


def _year_of_plan_dated(date: re.Match[str], progress: bool = False) -> int:
    """The plan year of a page dated ``date`` (a _DATE_RE match): its year, or the next one for Nov–Dec (plans are
    published before the year they are for), unless the page reports ``progress`` on a plan."""
    return int(date.group(1)) + (1 if int(date.group(2)) >= 11 and not progress else 0)


def infer_year(text: str) -> int | None:
    """The plan year, from the strongest evidence on the page.

    1. a year next to plan words (实事, 项目, 计划 …) in the title lines, else a work report's dateline;
       (a work report's look-back section, which names last year's projects, is never read);
    2. else the year named most often next to plan words in the body (a progress report or a
       news item names the plan it is about again and again), else next to goal words (目标, 预期);
    3. else the publication date near the top: its year, or the next one for Nov–Dec (plans are
       published before the year they are for; a report on the plan's progress is about its own year);
    4. else the first year in the title lines.
    """
    plain = unwrap(text)[0]
    # Related-news links name other plans, and a work report's look-back names last year's projects: they stay out.
    review = review_sections(plain)
    content = [c for c in content_lines(plain) if not any(a <= c[0] < b for a, b in review)]
    years: list[int] = []
    for _, _, line in content[:6]:  # the title lines (header_lines)
        for m in _YEAR_RE.finditer(line):
            y = _year(m.group(1))
            if _PLAN_WORDS.search(line[m.end() : m.end() + 20]):
                return y
            years.append(y)
    # A work report's dateline (——2021年2月24日在…会议上): the report sets that year's plan.
    for _, _, line in content[:6]:
        if SPEECH_LINE.match(line) and (m := _DATE_RE.search(line)):
            return _year_of_plan_dated(m)
    body = "\n".join(line for _, _, line in content)
    for words, reach in ((_PLAN_WORDS, 12), (_GOAL_WORDS, 20)):
        counts: dict[int, int] = {}
        for m in _YEAR_RE.finditer(body):
            if words.search(body[m.end() : m.end() + reach]) and not _RANGE_AFTER.match(body, m.end()):
                y = _year(m.group(1))
                counts[y] = counts.get(y, 0) + 1
        if counts:
            return max(counts, key=lambda y: (counts[y], y))
    m = _DATE_RE.search(text[:600])
    if m and 1 <= int(m.group(2)) <= 12:
        # A review published early in the year of "last year's" plan (去年的民生实事，办得怎么样？) is about that year,
        # unless its lead also speaks of this year's plan.
        lead = "\n".join(line for _, _, line in content[:6])
        if int(m.group(2)) <= 3 and _LAST_YEAR_PLAN.search(lead) and not _THIS_YEAR_PLAN.search(lead):
            return int(m.group(1)) - 1
        return _year_of_plan_dated(m, progress=bool(_PROGRESS.search(body)))
    return years[0] if years else None


_LAST_YEAR_PLAN = re.compile(r"(?:去年|过去一年|上一年).{0,20}(?:实事|民生|项目|承诺)")
_THIS_YEAR_PLAN = re.compile(rf"(?:{alternation(RELATIVE_YEARS)}|新的一年).{{0,12}}(?:实事|民生|项目)")
