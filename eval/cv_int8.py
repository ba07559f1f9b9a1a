"""Seed cross-validation of the default model's recipe: each fold's teacher exported to int8 ONNX.

    python -m eval.cv_int8 [--folds-dir runs/cv] [--out eval/cv_v2_int8.json]

``python -m eval.crossval --save-dir runs/cv`` keeps every fold's teacher; this exports each one
the way the default model is exported (``training.export_onnx --prune-vocab``: vocabulary cut to
the character pieces, fused operators, per-channel int8) and scores it on that fold's held-out
document, beside the fold's fp32 teacher. The fold of the frozen test document uses the shipped
pair (minsheng-ner-v2 and minsheng-ner-v2-int8), as ``crossval --reuse-shipped`` does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval.crossval import _write
from nlp_minsheng.evaluation import evaluate, pipeline_tagger
from nlp_minsheng.pipeline import Pipeline, default_model_path
from training.config import TrainConfig
from training.model_card import attach_report
from training.train import ROOT, load_docs

DEFAULT_OUT = ROOT / "eval" / "cv_v2_int8.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds-dir", default=str(ROOT / "runs" / "cv"))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    args = ap.parse_args(argv)
    from training.export_onnx import export_dir

    cfg = TrainConfig.from_yaml(ROOT / "training/configs/default.yaml")
    docs = load_docs(cfg)
    out = Path(args.out)
    # Fold models live in runs/ (not committed): keep the folds already scored in an earlier session.
    rows = {f["test"]: f for f in json.loads(out.read_text(encoding="utf-8"))["folds"]} if out.exists() else {}
    # The shipped pair stands for the fold of its own frozen test document(s).
    pairs = {held: (ROOT / cfg.output_dir, default_model_path()) for held in cfg.test_ids}
    for fold in sorted(Path(args.folds_dir).glob("seed-*/meta.json")):
        held = fold.parent.name
        int8 = Path(args.folds_dir + "-int8") / held
        if not (int8 / "model.int8.onnx").exists():
            export_dir(fold.parent, int8, prune_vocab=True)
        pairs[held] = (fold.parent, int8)
    for held, (fp32, int8) in sorted(pairs.items()):
        test = [d for d in docs if d.id.split("~")[0] == held]
        scores = {"fp32 teacher": evaluate(pipeline_tagger(Pipeline.from_pretrained(fp32, runtime="torch")), test),
                  "int8 (default recipe)": evaluate(pipeline_tagger(Pipeline.from_pretrained(int8, runtime="onnx")), test)}
        for v in scores.values():
            v.pop("per_doc", None)
        rows[held] = {"test": held, "chars": sum(len(d.text) for d in test), "how": f"{fp32.name} → {int8.name}",
                      "scores": scores}
        print(held, {k: round(v["strict"]["micro"]["f1"], 3) for k, v in scores.items()}, flush=True)
    _write(rows, None, out)
    if out.resolve() == DEFAULT_OUT.resolve():
        attach_report(default_model_path(), out, "cv.json")  # the default's card shows its recipe's CV
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
