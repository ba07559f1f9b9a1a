"""Error analysis: every false positive and negative, classified, with context.

Kinds (one per mismatch, so the counts add up):

* ``miss``      a gold span no prediction overlaps;
* ``spurious``  a prediction that overlaps no gold span;
* ``boundary``  a prediction overlapping a gold span of the same label, other edges;
* ``label``     a prediction overlapping a gold span of another label.

A gold span overlapped by a wrong prediction is reported once, through that
prediction (as ``boundary`` or ``label``), not again as a miss.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .corpus import Document
from .labels import LABELS
from .textnorm import is_pinyin

KINDS = ("miss", "spurious", "boundary", "label")
SpanT = tuple[int, int, str]


@dataclass(frozen=True)
class Error:
    doc_id: str
    genre: str
    kind: str
    label: str  # the gold label for miss/boundary/label, the predicted one for spurious
    gold: SpanT | None
    pred: SpanT | None
    context: str


def _context(text: str, s: int, e: int, width: int = 18) -> str:
    left, right = text[max(0, s - width) : s], text[e : e + width]
    return f"{left}【{text[s:e]}】{right}".replace("\n", "⏎")


def find_errors(docs: Sequence[Document], preds: Sequence[Sequence[SpanT]]) -> list[Error]:
    if len(docs) != len(preds):
        raise ValueError(f"expected one prediction list per document ({len(docs)}), got {len(preds)}")
    out: list[Error] = []
    for doc, pred in zip(docs, preds):
        genre = str(doc.meta.get("genre", "?"))
        gold = set(map(tuple, doc.spans))
        pset = set(map(tuple, pred))
        explained: set[SpanT] = set()
        for p in sorted(pset - gold):
            over = [g for g in gold if g[0] < p[1] and p[0] < g[1]]
            if not over:
                out.append(Error(doc.id, genre, "spurious", p[2], None, p, _context(doc.text, p[0], p[1])))
                continue
            g = max(over, key=lambda g: (g[2] == p[2], min(g[1], p[1]) - max(g[0], p[0])))
            explained.update(over)
            kind = "boundary" if g[2] == p[2] else "label"
            s, e = min(g[0], p[0]), max(g[1], p[1])
            out.append(Error(doc.id, genre, kind, g[2], g, p,
                             _context(doc.text, s, e) + f"  gold {doc.text[g[0]:g[1]]!r} pred {doc.text[p[0]:p[1]]!r}"
                             + (f" as {p[2]}" if kind == "label" else "")))
        for g in sorted(gold - pset - explained):
            if not any(p[0] < g[1] and g[0] < p[1] for p in pset):
                out.append(Error(doc.id, genre, "miss", g[2], g, None, _context(doc.text, g[0], g[1])))
    return out


# The mistake classes of REAL_PAGES.md, told apart by the words around an error. The patterns are
# approximations written for counting (an error matching none is "other"); the first match wins.
_ACHIEVED = re.compile(r"(已|累计|实际|目前|共完成|完成了|建成|开工|完工|竣工|惠及|新增了|截至|截止|达到)[^，。；⏎]{0,8}$")
_PROCEDURE = re.compile(r"(类|大类|代表|表决|票|候选|项目|件|涉及|其中|共|包括|名单|赞成|收回|发出)[^，。；⏎]{0,4}$")
_COUNT_UNIT = re.compile(r"(项|件|类|名|张|票|个项目)$")
_ACHIEVED_AFTER = re.compile(r"^[^，。；⏎]{0,6}(为任务的|已|全部完工|投入使用|完成|实际)")
_REVIEW_GENRES = ("progress", "report", "table")  # pages that mostly report what was done
_REPORT_DATE = re.compile(r"(截至|截止|以来|发布|时间|来源|会议|会上|上午|下午|报告|《|日电|日讯|讯|当天|近日|月份|"
                          r"进入|季度|上半年|征集|附件|预算|两会|是.*第一次|年度)")
_PERSON_LINE = re.compile(r"(编辑|记者|作者|来源|审核|责任编辑|通讯员|摄)[:：\s]")
_FACILITY = re.compile(r"(小学|中学|学校|医院|幼儿园|公园|市场|广场|中心|站)$")
_CELL = re.compile(r"⏎\s*【[^】]*】\s*(⏎|\|)|\|\s*【[^】]*】\s*\|")

MISTAKE_CLASSES = (
    "1/12 achieved progress tagged TARGET", "2 category or procedure count tagged TARGET",
    "3/13 report or document date tagged DEADLINE", "4 table cell", "5/10 LOCATION edge inside a word or over-extended",
    "6 contiguous names split", "7/11 bare or dateline place missed", "8 not a place tagged LOCATION",
    "9 DEADLINE edge", "TARGET missed", "TARGET edge", "AMOUNT", "other",
)


def mistake_class(e: Error) -> str:
    """The REAL_PAGES.md mistake class an error most likely belongs to (approximate, from its context)."""
    left = e.context.split("【", 1)[0]
    span = e.context.split("【", 1)[1].split("】", 1)[0] if "【" in e.context else ""
    right = e.context.split("】", 1)[1] if "】" in e.context else ""
    if _CELL.search(e.context) and e.label in ("TARGET", "AMOUNT"):
        return "4 table cell"
    if e.label == "AMOUNT":
        return "AMOUNT"
    if e.label == "TARGET":
        if e.kind == "spurious":
            if _ACHIEVED.search(left) or _ACHIEVED_AFTER.search(right):
                return "1/12 achieved progress tagged TARGET"
            if _PROCEDURE.search(left) or _COUNT_UNIT.search(span):
                return "2 category or procedure count tagged TARGET"
            return "1/12 achieved progress tagged TARGET" if e.genre in _REVIEW_GENRES else "other"
        return "TARGET missed" if e.kind == "miss" else "TARGET edge"
    if e.label == "DEADLINE":
        if e.kind == "spurious":
            return "3/13 report or document date tagged DEADLINE" if _REPORT_DATE.search(left + span) else "other"
        return "9 DEADLINE edge" if e.kind in ("boundary", "label") else "other"
    if e.label == "LOCATION":
        if e.kind == "spurious":
            if _PERSON_LINE.search(left) or _FACILITY.search(span) or is_pinyin(span):
                return "8 not a place tagged LOCATION"
            return "other"
        if e.kind == "miss":
            return "7/11 bare or dateline place missed"
        if e.kind == "boundary" and e.gold and e.pred:
            if e.pred[0] >= e.gold[0] and e.pred[1] <= e.gold[1]:
                return "6 contiguous names split"
            return "5/10 LOCATION edge inside a word or over-extended"
    return "other"


def class_table(errors: Sequence[Error]) -> str:
    """Markdown: errors per mistake class of REAL_PAGES.md, by kind."""
    by = Counter((mistake_class(e), e.kind) for e in errors)
    lines = ["| mistake class (REAL_PAGES.md; patterns approximate) | " + " | ".join(KINDS) + " | total |",
             "|" + " --- |" * (len(KINDS) + 2)]
    for c in MISTAKE_CLASSES:
        row = [by[(c, k)] for k in KINDS]
        if sum(row):
            lines.append(f"| {c} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    return "\n".join(lines)


def report(errors: Sequence[Error], *, examples: int = 12) -> str:
    """Markdown: counts by mistake class, label × kind and genre × kind, then examples per label and kind."""
    lines = ["## Errors by mistake class", "", class_table(errors), "",
             "## Errors by label and kind", "", "| label | " + " | ".join(KINDS) + " | total |",
             "|" + " --- |" * (len(KINDS) + 2)]
    by = Counter((e.label, e.kind) for e in errors)
    for lab in LABELS:
        row = [by[(lab, k)] for k in KINDS]
        lines.append(f"| {lab} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    genres = sorted({e.genre for e in errors})
    byg = Counter((e.genre, e.kind) for e in errors)
    lines += ["", "## Errors by genre and kind", "", "| genre | " + " | ".join(KINDS) + " | total |",
              "|" + " --- |" * (len(KINDS) + 2)]
    for g in genres:
        row = [byg[(g, k)] for k in KINDS]
        lines.append(f"| {g} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    for lab in LABELS:
        for kind in KINDS:
            sel = [e for e in errors if e.label == lab and e.kind == kind]
            if not sel:
                continue
            lines += ["", f"### {lab} · {kind} ({len(sel)})", ""]
            lines += [f"- `{e.doc_id}` ({e.genre}): {e.context}" for e in sel[:examples]]
    return "\n".join(lines) + "\n"
