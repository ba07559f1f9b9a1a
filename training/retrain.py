"""Corrections → merged gold → retrain → compare old vs new on the frozen dev set + test seeds → promote.

    python -m nlp_minsheng retrain --corrections fixed.json [--promote]

* Corrections (doccano JSONL, Label Studio JSON, CoNLL or our JSONL) are
  validated; any problem stops the run before training.
* Merge: a correction replaces the gold document with the same id; new ids
  are added; nothing is duplicated.  Documents of the frozen dev set and the
  frozen test seeds are never taken from corrections, so old and new are
  compared on text neither was trained on.
* The yardstick is the frozen realistic dev set plus the frozen test seeds:
  strict F1 per label with a 95% paired bootstrap interval over documents.
* ``--promote`` replaces the shipped model only when the candidate is not
  worse beyond that noise on any label nor on micro F1; the previous model
  is kept in ``models/.archive/`` (ignored by git) for rollback.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from nlp_minsheng.corpus import Document, validate, write_jsonl
from nlp_minsheng.evaluation import evaluate, pipeline_tagger
from nlp_minsheng.extras import require
from nlp_minsheng.formats import load_any
from nlp_minsheng.labels import LABELS
from nlp_minsheng.scoring import paired_bootstrap, worse_beyond_noise

from .config import TrainConfig
from .train import ROOT, load_docs, log, train

CORRECTIONS_FILE = ROOT / "annotations" / "gold" / "corrections.jsonl"


def merge(gold: list[Document], corrections: list[Document], frozen: set[str]) -> tuple[list[Document], dict[str, int]]:
    """Corrections win for the same id; frozen test documents are never replaced."""
    by_id = {d.id: d for d in gold}
    stats = {"replaced": 0, "added": 0, "refused_frozen": 0}
    for c in corrections:
        if c.id.split("~")[0] in frozen:
            stats["refused_frozen"] += 1
            continue
        # A reviewed document is training material from now on, whatever split it had.
        c.meta = {**(by_id[c.id].meta if c.id in by_id else {}), **c.meta, "corrected": True, "split": "train"}
        stats["replaced" if c.id in by_id else "added"] += 1
        by_id[c.id] = c
    return list(by_id.values()), stats


def compare_table(old: dict[str, Any], new: dict[str, Any], cmp: dict[str, dict[str, float]]) -> str:
    lines = ["| label | old strict F1 | new strict F1 | Δ | 95% interval of Δ | old overlap F1 | new overlap F1 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for lab in (*LABELS, "micro"):
        o, n = old["strict"][lab]["f1"], new["strict"][lab]["f1"]
        lines.append(f"| {lab} | {o:.3f} | {n:.3f} | {n - o:+.3f} | [{cmp[lab]['low']:+.3f}, {cmp[lab]['high']:+.3f}] | "
                     f"{old['overlap'][lab]['f1']:.3f} | {new['overlap'][lab]['f1']:.3f} |")
    return "\n".join(lines)


def genre_table(old: dict[str, Any], new: dict[str, Any]) -> str:
    lines = ["| genre | documents | old strict micro F1 | new strict micro F1 |", "| --- | --- | --- | --- |"]
    for g, row in new.get("by_genre", {}).items():
        o = old.get("by_genre", {}).get(g, {}).get("f1", float("nan"))
        lines.append(f"| {g} | {row['n_docs']} | {o:.3f} | {row['f1']:.3f} |")
    return "\n".join(lines)


def run_retrain(args: argparse.Namespace) -> int:
    require("train", "retrain")
    from nlp_minsheng.pipeline import Pipeline, default_model_path

    t0 = time.time()
    cfg_path = args.config or str(ROOT / "training" / "configs" / "retrain.yaml")
    cfg = TrainConfig.from_yaml(cfg_path, epochs=args.epochs)
    corrections: list[Document] = []
    for f in args.corrections:
        corrections.extend(load_any(f))
    problems = [p for d in corrections for p in validate(d)]
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"error: {len(problems)} problem(s) in the corrections; nothing was trained", file=sys.stderr)
        return 1
    gold = load_docs(cfg)
    frozen = set(cfg.test_ids) | {d.id.split("~")[0] for d in gold if d.split == "dev"}
    merged, stats = merge(gold, corrections, frozen)
    log(f"corrections: {len(corrections)} documents → {stats}; corpus now {len(merged)} documents")

    old_path = Path(args.model) if args.model else default_model_path()
    out = Path(args.output_dir) if args.output_dir else ROOT / "runs" / "candidate"
    cfg.output_dir = str(out)
    if args.init == "shipped":
        cfg.base_model = str(old_path)
    train(cfg, docs=merged)
    eval_docs = [d for d in merged if d.id.split("~")[0] in frozen]
    if not eval_docs:
        print(f"error: no frozen dev or test documents ({cfg.test_ids}, split=dev) in the corpus", file=sys.stderr)
        return 2
    old_res = evaluate(pipeline_tagger(Pipeline.from_pretrained(old_path)), eval_docs)
    new_res = evaluate(pipeline_tagger(Pipeline.from_pretrained(out)), eval_docs)
    gold_spans = [d.spans for d in eval_docs]
    cmp = paired_bootstrap(gold_spans, old_res["predictions"], new_res["predictions"], n=1000, seed=cfg.seed)
    worse = worse_beyond_noise(cmp)
    table = compare_table(old_res, new_res, cmp)
    minutes = (time.time() - t0) / 60
    verdict = not worse
    report = (f"# Retrain comparison ({time.strftime('%Y-%m-%d %H:%M')})\n\n"
              f"Yardstick: {len(eval_docs)} frozen documents (dev set + test seeds {', '.join(cfg.test_ids)}); "
              f"corrections: {stats}; init: {args.init}; epochs: {cfg.epochs}; wall time {minutes:.1f} min.\n\n"
              f"Old: {old_path}  New: {out}\n\n{table}\n\n{genre_table(old_res, new_res)}\n\n"
              f"Verdict: the new model is "
              + ("NOT worse beyond document noise (95% paired bootstrap over documents) on any label."
                 if verdict else f"WORSE beyond document noise on {', '.join(worse)}.") + "\n")
    print(report)
    if args.report:
        Path(args.report).write_text(report, encoding="utf-8")
    if args.promote:
        if not verdict:
            print(f"not promoted: the candidate is worse beyond noise on {', '.join(worse)}", file=sys.stderr)
            return 3
        promote(out, old_path, corrections)
    return 0


def promote(candidate: Path, current: Path, corrections: list[Document]) -> Path:
    """Swap the candidate in; keep the old model in models/.archive/ (not in git) and the corrections in gold."""
    archive = current.parent / ".archive" / f"{current.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    archive.parent.mkdir(parents=True, exist_ok=True)
    if current.exists():
        shutil.move(str(current), str(archive))
    shutil.copytree(candidate, current)
    meta_path = current / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    old_meta = json.loads((archive / "meta.json").read_text(encoding="utf-8")) if (archive / "meta.json").exists() else {}
    meta["model_version"] = f"{current.name}+r{int(old_meta.get('revision', 0)) + 1}"
    meta["revision"] = int(old_meta.get("revision", 0)) + 1
    meta["previous_model"] = str(archive)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    from .model_card import write_model_card

    write_model_card(current, meta)
    # Keep the corrections as gold so the next full training includes them.
    existing = {}
    if CORRECTIONS_FILE.exists():
        from nlp_minsheng.corpus import read_jsonl

        existing = {d.id: d for d in read_jsonl(CORRECTIONS_FILE)}
    existing.update({d.id: d for d in corrections})
    write_jsonl(existing.values(), CORRECTIONS_FILE)
    log(f"promoted {candidate} → {current}; previous model kept at {archive}")
    return archive
