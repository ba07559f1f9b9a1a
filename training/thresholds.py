"""Choose each label's lowest kept span score (``min_score``) on a dev split and store it with the model.

    python -m training.thresholds MODEL_DIR [--split dev] [--write]

Precision first (users load spans into databases; a false TARGET costs more than a missed one): per label,
the threshold from the grid with the best strict F1 on the split, the highest one on ties.  The choice is made
on the realistic dev set (``dev``) by default, never on the real-shaped dev set (``dev-real``), which stays the
set the result is reported on.  ``--write`` puts the choice into ``meta.json`` → ``pipeline.min_score``, which
:meth:`Pipeline.from_pretrained` applies (an explicit ``min_score=`` argument overrides it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nlp_minsheng.corpus import Document, iter_corpus
from nlp_minsheng.labels import LABELS
from nlp_minsheng.textnorm import normalize

ROOT = Path(__file__).resolve().parent.parent
CHOSEN_BY = "training/thresholds.py"
REPORT_ONLY = "dev-real"  # the split results are reported on: thresholds are never chosen on it
GRID = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def choose(model_dir: Path, docs: list[Document]) -> dict[str, Any]:
    """Per label: strict P/R/F1 at each threshold of :data:`GRID` (one model run) and the chosen threshold."""
    from nlp_minsheng.pipeline import Pipeline

    # Only spans are scored: the values and segmentation steps would be computed for nothing.
    pipe = Pipeline.from_pretrained(model_dir, min_score={}, disable=["values", "segment"])
    # The model runs once; each threshold is applied the way the pipeline applies it (before repair).
    norms = [normalize(d.text) for d in docs]
    raw = pipe.tagger.tag([n.text for n in norms])
    out: dict[str, Any] = {}
    for lab in LABELS:
        gold = sum(1 for d in docs for s in d.spans if s[2] == lab)
        rows = []
        for t in GRID:
            pipe.min_score = {lab: t}
            tp = fp = 0
            for d, n, spans in zip(docs, norms, raw):
                plan = pipe._build(d.text, n, list(spans), None)
                pred = {(e.start, e.end) for e in plan.entities if e.label == lab}
                g = {(s, e) for s, e, label in d.spans if label == lab}
                tp += len(pred & g)
                fp += len(pred - g)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / gold if gold else 0.0
            rows.append({"threshold": t, "precision": round(p, 4), "recall": round(r, 4),
                         "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0})
        best = max(rows, key=lambda x: (x["f1"], x["threshold"]))
        out[lab] = {"chosen": best["threshold"], "grid": rows}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--split", default="dev", help="the split that chooses (default: the realistic dev set)")
    ap.add_argument("--write", action="store_true", help="store the choice in the model's meta.json")
    args = ap.parse_args(argv)
    if refusal(args.split):
        print(f"error: {refusal(args.split)}", file=sys.stderr)
        return 2
    docs = [d for d in iter_corpus([ROOT / "annotations" / "gold"]) if d.split == args.split]
    if not docs:
        print(f"error: no documents with split {args.split!r} in annotations/gold", file=sys.stderr)
        return 2
    res = choose(Path(args.model), docs)
    for lab, r in res.items():
        grid = "  ".join(f"{x['threshold']:.2f}:{x['f1']:.3f}(P{x['precision']:.2f})" for x in r["grid"])
        print(f"{lab:9} chosen {r['chosen']:.2f}   {grid}")
    if args.write:
        print(f"wrote pipeline.min_score to {write(Path(args.model), res, args.split, len(docs))}")
    return 0


def refusal(split: str) -> str | None:
    """Why thresholds may not be chosen on ``split`` (the split results are reported on), or None."""
    if split == REPORT_ONLY:
        return (f"the real-shaped dev set ({REPORT_ONLY}) reports results; choose thresholds on another split, "
                "such as 'dev'")
    return None


def write(model_dir: Path, res: dict[str, Any], split: str, n_docs: int) -> Path:
    """Store the choice of :func:`choose` in ``meta.json`` → ``pipeline.min_score``; returns the meta path."""
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.setdefault("pipeline", {})["min_score"] = {lab: r["chosen"] for lab, r in res.items() if r["chosen"] > 0}
    meta["pipeline"]["min_score_chosen_on"] = f"{split} ({n_docs} documents), {CHOSEN_BY}"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta_path


def split_of(meta: dict[str, Any]) -> str | None:
    """The split a model's thresholds were chosen on (as :func:`write` records it), or None if it has none."""
    chosen_on = meta.get("pipeline", {}).get("min_score_chosen_on", "")
    return chosen_on.split(" (")[0] if chosen_on.endswith(CHOSEN_BY) else None


if __name__ == "__main__":
    sys.exit(main())
