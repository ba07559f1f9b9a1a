"""Cross-validation by document: leave one REAL document out, synthetic always train-only.

    python -m eval.crossval [--config training/configs/default.yaml] [--folds seed-000,seed-001]

For every real document: train on the other real documents + all synthetic
documents (same config as the shipped model), test on the held-out one, and
score the rule / jionlp / jieba baselines on the same document.  The fold
whose held-out document is the shipped model's frozen test reuses the
shipped model's own scores when ``--reuse-shipped`` is given (same config,
same data).  Writes ``eval/cv_v2.json`` (``--out``), copies it next to the shipped model and
rewrites that model's card, which reports it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from nlp_minsheng.baselines import jieba_tagger, jionlp_tagger
from nlp_minsheng.evaluation import evaluate, pipeline_tagger
from nlp_minsheng.labels import LABELS
from nlp_minsheng.pipeline import Pipeline
from training.config import TrainConfig
from training.model_card import attach_report
from training.train import ROOT, load_docs, train

OUT = ROOT / "eval" / "cv_v2.json"  # eval/cv.json keeps the v1 recipe's CV


def folds(docs: list[Any]) -> list[str]:
    """One fold per real document (sklearn LeaveOneGroupOut over document ids)."""
    from sklearn.model_selection import LeaveOneGroupOut

    real = sorted({d.id.split("~")[0] for d in docs if not d.synthetic})
    groups = list(real)
    return [groups[test[0]] for _, test in LeaveOneGroupOut().split(real, groups=groups)]


def markdown(cv: dict[str, Any]) -> str:
    systems = list(cv["pooled"])
    lines = [f"Strict F1 pooled over the folds (each fold = one held-out real document; counts summed "
             f"over the {len(cv['folds'])} held-out documents):", "",
             "| system | " + " | ".join(LABELS) + " | micro | overlap micro |",
             "|" + " --- |" * (len(LABELS) + 3)]
    for s in systems:
        m = cv["pooled"][s]
        lines.append(f"| {s} | " + " | ".join(f"{m['strict'][lab]:.3f}" for lab in LABELS)
                     + f" | {m['strict']['micro']:.3f} | {m['overlap']['micro']:.3f} |")
    lines += ["", "Per fold (strict micro F1):", "", "| held-out | chars | " + " | ".join(systems) + " | how the model was made |",
              "|" + " --- |" * (len(systems) + 3)]
    for f in cv["folds"]:
        lines.append(f"| {f['test']} | {f['chars']} | " + " | ".join(
            f"{f['scores'][s]['strict']['micro']['f1']:.3f}" for s in systems) + f" | {f.get('how', '')} |")
    return "\n".join(lines)


def summarise(fold_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Pooled over folds: tp/fp/fn summed across held-out documents, then F1.

    (A plain mean of per-fold F1 would count a fold with no AMOUNT at all as 0.)
    """
    from nlp_minsheng.scoring import PRF

    systems = fold_rows[0]["scores"].keys()
    out = {}
    for s in systems:
        out[s] = {}
        for kind in ("strict", "overlap"):
            out[s][kind] = {}
            for lab in (*LABELS, "micro"):
                prf = PRF(*(sum(f["scores"][s][kind][lab][k] for f in fold_rows) for k in ("tp", "fp", "fn")))
                out[s][kind][lab] = round(prf.f1, 4)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(ROOT / "training/configs/default.yaml"))
    ap.add_argument("--folds", help="comma-separated held-out ids (default: every real document)")
    ap.add_argument("--reuse-shipped", action="store_true",
                    help="use the shipped model for the fold of its own frozen test document")
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--max-minutes", type=float)
    ap.add_argument("--fresh", action="store_true", help="ignore folds already in the output file")
    ap.add_argument("--out", default=str(OUT), help="scores file (default eval/cv_v2.json); folds already in it are kept")
    ap.add_argument("--save-dir", help="keep each fold's model under SAVE_DIR/<held-out id> (e.g. for distilling "
                    "a per-fold student); the fold is then scored with that saved model's pipeline settings")
    ap.add_argument("--summarise-only", action="store_true", help="recompute the summary of the scores file")
    ap.add_argument("--rescore", action="store_true",
                    help="score the folds in the scores file again with the models kept by --save-dir (and the "
                    "shipped model for its own test fold) and today's pipeline, without retraining")
    args = ap.parse_args(argv)
    base_cfg = TrainConfig.from_yaml(args.config, epochs=args.epochs, max_minutes=args.max_minutes)
    out = Path(args.out)
    if args.summarise_only:
        _write({f["test"]: f for f in json.loads(out.read_text(encoding="utf-8"))["folds"]}, ROOT / base_cfg.output_dir, out)
        return 0
    docs = load_docs(base_cfg)
    if args.rescore:
        if not args.save_dir:
            ap.error("--rescore needs --save-dir (where the fold models were kept)")
        rows = {f["test"]: f for f in json.loads(out.read_text(encoding="utf-8"))["folds"]}
        _rescore(rows, docs, Path(args.save_dir).resolve(), ROOT / base_cfg.output_dir, base_cfg.test_ids)
        _write(rows, ROOT / base_cfg.output_dir, out)
        return 0
    wanted = args.folds.split(",") if args.folds else folds(docs)
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() and not args.fresh else {"folds": []}
    rows = {f["test"]: f for f in previous.get("folds", [])}
    shipped = ROOT / base_cfg.output_dir
    for held in wanted:
        t0 = time.time()
        test = [d for d in docs if d.id.split("~")[0] == held]
        if held in rows:
            print(f"fold {held}: already in {out}, kept", flush=True)
            continue
        if args.reuse_shipped and held in base_cfg.test_ids and (shipped / "meta.json").exists():
            model_tagger = pipeline_tagger(Pipeline.from_pretrained(shipped))
            how = "shipped model (same config, same held-out document)"
        elif args.save_dir:
            fold_dir = Path(args.save_dir).resolve() / held
            cfg = TrainConfig(**{**base_cfg.to_dict(), "test_ids": [held], "output_dir": str(fold_dir)})
            res = train(cfg, docs=docs, progress=False)
            model_tagger = pipeline_tagger(Pipeline.from_pretrained(fold_dir))
            how = (f"trained for this fold in {res['train_minutes']} min, {len(res['history'])} of {cfg.epochs} "
                   f"epochs, best {res['best_epoch']}")
        else:
            cfg = TrainConfig(**{**base_cfg.to_dict(), "test_ids": [held], "output_dir": ""})
            res = train(cfg, docs=docs, progress=False)
            from nlp_minsheng.model import TokenClassifier

            model_tagger = pipeline_tagger(Pipeline(TokenClassifier(res["model"], res["tokenizer"]),
                                                    meta={"model_version": f"cv-{held}"}))
            how = f"trained for this fold in {res['train_minutes']} min"
        scores = _score(model_tagger, test)
        rows[held] = {"test": held, "chars": sum(len(d.text) for d in test), "how": how, "scores": scores,
                      "minutes": round((time.time() - t0) / 60, 2)}
        print(f"fold {held}: model strict micro {scores['model']['strict']['micro']['f1']:.3f}, "
              f"rules {scores['rules']['strict']['micro']['f1']:.3f} ({how})", flush=True)
        _write(rows, shipped, out)
    return 0


def _score(model_tagger: Any, test: list[Any]) -> dict[str, Any]:
    """The fold's model and the baselines on its held-out document."""
    scores = {
        "model": evaluate(model_tagger, test),
        "rules": evaluate(pipeline_tagger(Pipeline.rules_only()), test),
        "jionlp": evaluate(jionlp_tagger, test),
        "jieba": evaluate(jieba_tagger, test),
    }
    for v in scores.values():
        v.pop("per_doc", None)
    return scores


def _rescore(rows: dict[str, Any], docs: list[Any], save_dir: Path, shipped: Path, test_ids: list[str]) -> None:
    """Score every fold again with its saved model and today's pipeline (no retraining): a pipeline
    change is measured on the same folds. A fold without a saved model stops the run."""
    for held, row in sorted(rows.items()):
        model = shipped if held in test_ids and row["how"].startswith("shipped") else save_dir / held
        if not (model / "meta.json").exists():
            raise SystemExit(f"fold {held}: expected a saved model in {model} (crossval --save-dir), found none")
        test = [d for d in docs if d.id.split("~")[0] == held]
        row["scores"] = _score(pipeline_tagger(Pipeline.from_pretrained(model)), test)
        print(f"fold {held}: model strict micro {row['scores']['model']['strict']['micro']['f1']:.3f} "
              f"(re-scored {model.name})", flush=True)


def _write(rows: dict[str, Any], shipped: Path | None, out: Path = OUT) -> None:
    """Pooled scores + markdown into ``out``; when ``out`` is eval/cv_v2.json, also beside ``shipped`` and on its card."""
    fold_rows = [rows[k] for k in sorted(rows)]
    cv = {"date": time.strftime("%Y-%m-%d %H:%M"), "folds": fold_rows, "pooled": summarise(fold_rows)}
    cv["markdown"] = markdown(cv)
    out.write_text(json.dumps(cv, ensure_ascii=False, indent=1), encoding="utf-8")
    # Only the canonical scores file goes on the card: a run into another file (one fold at a time,
    # to merge later) must not replace the full CV beside the model.
    if shipped is not None and shipped.is_dir() and out.resolve() == OUT.resolve():
        attach_report(shipped, out, "cv.json")


if __name__ == "__main__":
    raise SystemExit(main())
