"""Evaluate a pipeline (model, rules, or any tagger) on gold documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .corpus import Document
from .labels import comparable_value
from .scoring import score
from .segment import item_core
from .textnorm import normalize

Tagger = Callable[[list[str]], list[list[tuple[int, int, str]]]]


def pipeline_tagger(pipeline: Any) -> Tagger:
    def run(texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [[(e.start, e.end, e.label) for e in plan.entities] for plan in pipeline.parse_batch(texts)]

    return run


def _value_fn(docs: Sequence[Document]) -> Callable[[int, tuple[int, int, str]], Any]:
    """Normalise a span in its document context (same normalisers as parse())."""
    from .pipeline import value_of
    from .planyear import infer_year
    from .tables import Tables

    cache: dict[int, tuple[Any, ...]] = {}

    def fn(d: int, span: tuple[int, int, str]) -> Any:
        if d not in cache:
            norm = normalize(docs[d].text)
            cache[d] = (norm, infer_year(norm.text), Tables(norm.text))
        norm, year, tables = cache[d]
        s, e, lab = span
        inside = norm.from_original(s, e)
        if inside is None:
            return None
        return comparable_value(lab, value_of(norm.text, inside[0], inside[1], lab, year, None, tables))

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


def _head(metric: str) -> str:
    """The head noun of a metric: its last jieba word."""
    from .words import _tokenizer

    words = [w for w in _tokenizer().lcut(metric) if w.strip()]
    return words[-1] if words else metric


def evaluate_structure(plans: Sequence[Any], docs: Sequence[Document]) -> dict[str, Any]:
    """Items, plan year and TARGET metric against the structure gold in ``meta``.

    * items: exact item spans, compared by their core (``segment.item_core``: without list marker, pipes,
      whitespace and closing punctuation, which annotators include or not) → P/R/F1, and the share of documents whose item
      count is exact (documents with ``meta.items``);
    * plan year: share of documents with ``meta.plan_year`` (null included) where ``plan.year`` equals it;
    * metric: over the gold metrics (``meta.metrics``) whose TARGET the plan found with the same span,
      the share whose metric is equal, or has the same head noun (last jieba word); ``n`` of ``gold``.
    """
    keys = ("tp", "fp", "fn", "count_ok", "n", "year_ok", "year_n", "m_exact", "m_head", "m_n", "m_gold")
    by_genre: dict[str, Counter[str]] = {}
    for plan, doc in zip(plans, docs):
        g = by_genre.setdefault(str(doc.meta.get("genre", "?")), Counter())
        if "items" in doc.meta:
            gold = {item_core(doc.text, s, e) for s, e, _ in doc.meta["items"]}
            pred = {item_core(doc.text, it.start, it.end) for it in plan.items}
            g["tp"] += len(gold & pred)
            g["fp"] += len(pred - gold)
            g["fn"] += len(gold - pred)
            g["count_ok"] += len(plan.items) == len(gold)
            g["n"] += 1
        if "plan_year" in doc.meta:
            g["year_ok"] += plan.year == doc.meta["plan_year"]
            g["year_n"] += 1
        if doc.meta.get("metrics"):
            ents = {(e.start, e.end): e for e in plan.entities if e.label == "TARGET"}
            for s, e, metric in doc.meta["metrics"]:
                g["m_gold"] += 1
                if (s, e) not in ents:
                    continue  # a missed TARGET is a span error, scored by span F1, not here
                g["m_n"] += 1
                metric = normalize(metric).text  # metrics are reported in simplified script
                got = (ents[(s, e)].value or {}).get("metric")
                if got == metric:
                    g["m_exact"] += 1
                    g["m_head"] += 1
                elif got and _head(got) == _head(metric):
                    g["m_head"] += 1
    total = {k: sum(g[k] for g in by_genre.values()) for k in keys}
    tp, fp, fn = total["tp"], total["fp"], total["fn"]
    count_ok, count_n, year_ok, year_n = total["count_ok"], total["n"], total["year_ok"], total["year_n"]
    m_exact, m_head, m_n, m_gold = total["m_exact"], total["m_head"], total["m_n"], total["m_gold"]

    def f1(t: int, p: int, n: int) -> float:
        return round(2 * t / (2 * t + p + n), 4) if t + p + n else 0.0

    return {
        "items": {"f1": f1(tp, fp, fn), "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                  "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0, "count_exact": round(count_ok / count_n, 4)
                  if count_n else None, "n_docs": count_n},
        "plan_year": {"accuracy": round(year_ok / year_n, 4) if year_n else None, "n_docs": year_n},
        "metric": {"exact": round(m_exact / m_n, 4) if m_n else None, "exact_or_head": round(m_head / m_n, 4) if m_n else None,
                   "n": m_n, "gold": m_gold},
        # A genre where neither the gold nor the plans have items has no item F1 (not 0).
        "by_genre": {k: {"item_f1": f1(v["tp"], v["fp"], v["fn"]) if v["tp"] + v["fp"] + v["fn"] else None, "count_exact": round(v["count_ok"] / v["n"], 4) if v["n"] else None,
                         "metric_exact_or_head": round(v["m_head"] / v["m_n"], 4) if v["m_n"] else None,
                         "year_accuracy": round(v["year_ok"] / v["year_n"], 4) if v["year_n"] else None, "n_docs": v["n"]}
                     for k, v in sorted(by_genre.items())},
    }
