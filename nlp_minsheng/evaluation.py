"""Evaluate a pipeline (model, rules, or any tagger) on gold documents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .corpus import Document
from .scoring import comparable_value, score
from .textnorm import normalize

Tagger = Callable[[list[str]], list[list[tuple[int, int, str]]]]


def pipeline_tagger(pipeline: Any) -> Tagger:
    def run(texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [[(e.start, e.end, e.label) for e in plan.entities] for plan in pipeline.parse_batch(texts)]

    return run


def _value_fn(docs: Sequence[Document]) -> Callable[[int, tuple[int, int, str]], Any]:
    """Normalise a span in its document context (same normalisers as parse())."""
    from .pipeline import _value
    from .segment import infer_year

    cache: dict[int, tuple[Any, ...]] = {}

    def fn(d: int, span: tuple[int, int, str]) -> Any:
        if d not in cache:
            norm = normalize(docs[d].text)
            cache[d] = (norm, infer_year(norm.text))
        norm, year = cache[d]
        s, e, lab = span
        inside = norm.from_original(s, e)
        if inside is None:
            return None
        return comparable_value(lab, _value(norm.text, inside[0], inside[1], lab, year, None))

    return fn


def evaluate(tagger: Tagger, docs: Sequence[Document], *, values: bool = True) -> dict[str, Any]:
    """Score ``tagger`` on ``docs``: strict/overlap P/R/F1, value accuracy, confusions, worst documents."""
    preds = tagger([d.text for d in docs])
    result = score([d.spans for d in docs], preds, _value_fn(docs) if values else None)
    for row in result["per_doc"]:
        row["id"] = docs[row["doc"]].id
    result["worst_docs"] = sorted(result["per_doc"], key=lambda r: r["f1"])[:5]
    result["n_docs"] = len(docs)
    result["n_chars"] = sum(len(d.text) for d in docs)
    result["by_genre"] = by_genre(docs, preds)
    result["predictions"] = [list(map(tuple, p)) for p in preds]
    return result


def by_genre(docs: Sequence[Document], preds: Sequence[Sequence[tuple[int, int, str]]]) -> dict[str, Any]:
    """Strict scores per genre (``meta.genre``): micro P/R/F1 and F1 per label."""
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        groups.setdefault(str(d.meta.get("genre", "?")), []).append(i)
    out = {}
    for genre, idx in sorted(groups.items()):
        r = score([docs[i].spans for i in idx], [preds[i] for i in idx])["strict"]
        out[genre] = {"n_docs": len(idx), "gold": r["micro"]["support"], "precision": r["micro"]["precision"],
                      "recall": r["micro"]["recall"], "f1": r["micro"]["f1"],
                      **{lab: r[lab]["f1"] for lab in r if lab not in ("micro", "macro_f1")}}
    return out
