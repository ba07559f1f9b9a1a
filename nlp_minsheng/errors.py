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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .corpus import Document
from .labels import LABELS

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


def report(errors: Sequence[Error], *, examples: int = 12) -> str:
    """Markdown: counts by label × kind and genre × kind, then examples per label and kind."""
    lines = ["## Errors by label and kind", "", "| label | " + " | ".join(KINDS) + " | total |",
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
