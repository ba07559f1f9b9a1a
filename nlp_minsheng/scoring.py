"""Span-level scores: strict and overlap P/R/F1 per label, value accuracy, confusions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .labels import LABELS

SpanT = tuple[int, int, str]


@dataclass
class PRF:
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": int(self.tp + self.fn), "tp": int(self.tp), "fp": int(self.fp), "fn": int(self.fn)}


def _overlap_match(gold: list[SpanT], pred: list[SpanT]) -> list[tuple[SpanT, SpanT]]:
    """Greedy one-to-one matching of same-label overlapping spans (largest overlap first)."""
    cands = []
    for g in gold:
        for p in pred:
            if g[2] == p[2] and g[0] < p[1] and p[0] < g[1]:
                cands.append((min(g[1], p[1]) - max(g[0], p[0]), g, p))
    cands.sort(key=lambda x: -x[0])
    used_g: set[SpanT] = set()
    used_p: set[SpanT] = set()
    pairs = []
    for _, g, p in cands:
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            pairs.append((g, p))
    return pairs


def score(gold_docs: Sequence[Sequence[SpanT]], pred_docs: Sequence[Sequence[SpanT]],
          value_fn: Callable[[int, SpanT], Any] | None = None, labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Score predictions against gold, document by document (lists aligned by index).

    ``value_fn(doc_index, span)`` returns the comparable normalised value of a
    span; value accuracy is the share of overlap-matched pairs whose values
    are equal (for AMOUNT yuan, DEADLINE start/end, TARGET quantity+unit).
    """
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"expected as many prediction documents as gold ({len(gold_docs)}), got {len(pred_docs)}")
    strict = {lab: PRF() for lab in labels}
    overlap = {lab: PRF() for lab in labels}
    val_ok: Counter[str] = Counter()
    val_n: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    per_doc = []
    for d, (gold, pred) in enumerate(zip(gold_docs, pred_docs)):
        gset, pset = set(map(tuple, gold)), set(map(tuple, pred))
        for lab in labels:
            g = {s for s in gset if s[2] == lab}
            p = {s for s in pset if s[2] == lab}
            strict[lab].tp += len(g & p)
            strict[lab].fp += len(p - g)
            strict[lab].fn += len(g - p)
        pairs = _overlap_match(sorted(gset), sorted(pset))
        for lab in labels:
            m = sum(1 for g, _ in pairs if g[2] == lab)
            overlap[lab].tp += m
            overlap[lab].fp += sum(1 for p in pset if p[2] == lab) - m
            overlap[lab].fn += sum(1 for g in gset if g[2] == lab) - m
        if value_fn is not None:
            for g, p in pairs:
                gv = value_fn(d, g)
                if gv is None:
                    continue
                val_n[g[2]] += 1
                val_ok[g[2]] += int(gv == value_fn(d, p))
        # Label confusion: same exact span, different label; and misses/spurious.
        by_pos_g = {(s[0], s[1]): s[2] for s in gset}
        by_pos_p = {(s[0], s[1]): s[2] for s in pset}
        for pos, gl in by_pos_g.items():
            confusion[(gl, by_pos_p.get(pos, "O"))] += 1
        for pos, pl in by_pos_p.items():
            if pos not in by_pos_g:
                confusion[("O", pl)] += 1
        tp = len(gset & pset)
        per_doc.append({"doc": d, "f1": (2 * tp / (len(gset) + len(pset))) if gset or pset else 1.0,
                        "gold": len(gset), "pred": len(pset)})
    def micro(table: dict[str, PRF]) -> PRF:
        return PRF(sum(x.tp for x in table.values()), sum(x.fp for x in table.values()), sum(x.fn for x in table.values()))

    return {
        "strict": {**{k: v.to_dict() for k, v in strict.items()}, "micro": micro(strict).to_dict(),
                   "macro_f1": round(sum(v.f1 for v in strict.values()) / len(labels), 4)},
        "overlap": {**{k: v.to_dict() for k, v in overlap.items()}, "micro": micro(overlap).to_dict(),
                    "macro_f1": round(sum(v.f1 for v in overlap.values()) / len(labels), 4)},
        "value_accuracy": {lab: (round(val_ok[lab] / val_n[lab], 4) if val_n[lab] else None, val_n[lab]) for lab in labels},
        "confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items()) if g != p},
        "per_doc": per_doc,
    }


def spans_to_iob2(text_len: int, spans: Sequence[SpanT]) -> list[str]:
    """Character-level IOB2 tags (for seqeval cross-checks and CoNLL export)."""
    tags = ["O"] * text_len
    for s, e, lab in sorted(spans):
        tags[s] = f"B-{lab}"
        for i in range(s + 1, e):
            tags[i] = f"I-{lab}"
    return tags


def by_label_counts(docs: Sequence[Sequence[SpanT]]) -> dict[str, int]:
    c: defaultdict[str, int] = defaultdict(int)
    for d in docs:
        for s in d:
            c[s[2]] += 1
    return dict(c)


def _doc_counts(gold_docs: Sequence[Sequence[SpanT]], pred_docs: Sequence[Sequence[SpanT]],
                labels: Sequence[str]) -> Any:
    """Array [doc, label, (tp, fp, fn)] of strict counts."""
    import numpy as np

    out = np.zeros((len(gold_docs), len(labels), 3))
    for d, (gold, pred) in enumerate(zip(gold_docs, pred_docs)):
        gset, pset = set(map(tuple, gold)), set(map(tuple, pred))
        for k, lab in enumerate(labels):
            g = {s for s in gset if s[2] == lab}
            p = {s for s in pset if s[2] == lab}
            out[d, k] = (len(g & p), len(p - g), len(g - p))
    return out


def paired_bootstrap(gold_docs: Sequence[Sequence[SpanT]], old: Sequence[Sequence[SpanT]],
                     new: Sequence[Sequence[SpanT]], *, n: int = 1000, seed: int = 0,
                     labels: Sequence[str] = LABELS) -> dict[str, dict[str, float]]:
    """Strict F1 of ``new`` minus ``old`` per label and micro, with a 95% interval.

    Documents are resampled with replacement (the same resample for both
    systems), so the interval shows how much of a difference is document noise.
    """
    import numpy as np

    if not (len(gold_docs) == len(old) == len(new)):
        raise ValueError(f"expected aligned lists, got {len(gold_docs)} gold, {len(old)} old, {len(new)} new")
    a, b = _doc_counts(gold_docs, old, labels), _doc_counts(gold_docs, new, labels)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(gold_docs), size=(n, len(gold_docs)))

    def f1(c: Any) -> Any:  # c[..., (tp, fp, fn)]
        tp, fp, fn = c[..., 0], c[..., 1], c[..., 2]
        den = 2 * tp + fp + fn
        return np.where(den > 0, 2 * tp / np.maximum(den, 1e-9), 0.0)

    out = {}
    for k, lab in enumerate([*labels, "micro"]):
        ca = a.sum(axis=1) if lab == "micro" else a[:, k]
        cb = b.sum(axis=1) if lab == "micro" else b[:, k]
        diffs = f1(cb[idx].sum(axis=1)) - f1(ca[idx].sum(axis=1))
        out[lab] = {"old": round(float(f1(ca.sum(axis=0))), 4), "new": round(float(f1(cb.sum(axis=0))), 4),
                    "diff": round(float(f1(cb.sum(axis=0)) - f1(ca.sum(axis=0))), 4),
                    "low": round(float(np.percentile(diffs, 2.5)), 4), "high": round(float(np.percentile(diffs, 97.5)), 4)}
    return out


def worse_beyond_noise(comparison: dict[str, dict[str, float]]) -> list[str]:
    """Labels (or ``micro``) where the whole 95% interval of new − old lies below zero."""
    return [lab for lab, c in comparison.items() if c["high"] < 0]
