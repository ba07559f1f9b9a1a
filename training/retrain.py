"""Corrections → a candidate int8 model → compared with the shipped one on the frozen sets → promote or not.

    python -m nlp_minsheng retrain --corrections fixed.json [--output-dir D] [--promote]
    python -m nlp_minsheng retrain --rollback

* The starting point is the shipped default (an int8 ONNX export) or ``--model``. Its ``meta.json``
  names the fp32 teacher it was exported from; the candidate is a warm start from that teacher with the
  teacher's architecture (layers, window, label set), then exported to int8 exactly as the default was
  (same vocabulary pruning).
* Corrections (doccano JSONL, Label Studio JSON, CoNLL or our JSONL) are validated; any problem stops the
  run before training. A correction replaces the gold document with the same id. Documents of the frozen
  sets (real-shaped dev ``dev-real``, realistic dev ``dev``, test seeds) are never taken from corrections.
* Recipe (``training/configs/retrain.yaml``): the corrections weighted up, a replay sample of the rest of
  the corpus each epoch, the epoch kept that scores best on the real-shaped dev set; sized so that the
  whole command (train + export + compare) ends within 20 minutes on 2 cores.
* The gate compares old and new int8 models on the real-shaped dev set and on the realistic dev set plus
  the test seeds: strict F1 per label and per genre, with a 95% paired bootstrap interval over documents.
  ``--promote`` swaps the candidate in only when no label (nor micro F1) is worse beyond that noise on
  either; the teacher and its int8 export are swapped together and both old ones are kept in
  ``models/.archive/`` (ignored by git); ``--rollback`` restores the last archived pair byte for byte.
* Written into the output directory: the int8 model (loadable by ``Pipeline.from_pretrained(D)`` and
  ``NLP_MINSHENG_MODEL=D``) with its meta and card, the candidate teacher in ``D/teacher/``, and the
  report as ``retrain_report.md`` + ``retrain_report.json``.
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

from . import thresholds
from .config import TrainConfig
from .train import ROOT, load_docs, log, train

CORRECTIONS_FILE = ROOT / "annotations" / "gold" / "corrections.jsonl"
FROZEN_SPLITS = ("dev", "dev-real")
TEACHER_SUBDIR = "teacher"
REAL_SET = "real-shaped dev set (dev-real)"  # the gate's first yardstick; its old score starts the gain curve
ARCHIVE = ".archive"  # under the models directory; ignored by git


def teacher_of(model: Path) -> Path:
    """The fp32 model a directory's weights come from: itself when it has them, else its ``exported_from``."""
    if (model / "model.safetensors").exists():
        return model
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    name = meta.get("exported_from")
    if not name:
        raise FileNotFoundError(f"{model} has no torch weights and its meta.json names no exported_from teacher")
    for cand in (model / name, model.parent / name, ROOT / "models" / name):
        if (cand / "model.safetensors").exists():
            return cand
    raise FileNotFoundError(f"expected the teacher {name!r} of {model} (with model.safetensors) inside it, beside it "
                            f"or in {ROOT / 'models'}, got none; the wheel does not carry teachers: retrain from the "
                            "source checkout")


def script_variants(corrections: list[Document]) -> list[Document]:
    """A traditional-script copy of each correction (``id~t``), spans carried over, every other one with pinyin
    readings (the corpus build's own variant maker); corrections that already are such copies get none."""
    from .build_corpus import traditional_variant

    out = []
    for k, d in enumerate(c for c in corrections if "~" not in c.id):
        out.append(Document.from_json(traditional_variant(d.to_json(), pinyin=k % 2 == 0)))
    return out


def merge(gold: list[Document], corrections: list[Document], frozen: set[str]) -> tuple[list[Document], dict[str, int]]:
    """Corrections win for the same id; frozen documents are never replaced."""
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


def compare(old: dict[str, Any], new: dict[str, Any], docs: list[Document], seed: int) -> dict[str, Any]:
    cmp = paired_bootstrap([d.spans for d in docs], old["predictions"], new["predictions"], n=1000, seed=seed)
    return {"n_docs": len(docs), "labels": cmp, "worse": worse_beyond_noise(cmp),
            "old_by_genre": {g: r["f1"] for g, r in old["by_genre"].items()},
            "new_by_genre": {g: r["f1"] for g, r in new["by_genre"].items()},
            "old_pr": {k: old["strict"]["micro"][k] for k in ("precision", "recall")},
            "new_pr": {k: new["strict"]["micro"][k] for k in ("precision", "recall")}}


def _curve_step(h: dict[str, Any]) -> str:
    """A row of the gain-against-minutes curve: an epoch, the mean of the last epochs, or a mix with the start."""
    if h.get("epoch"):
        return str(h["epoch"])
    return f"mean of last {h['average_of']}" if h.get("average_of") else f"mix α={h.get('wise_alpha')}"


def render(report: dict[str, Any]) -> str:
    lines = [f"# Retrain comparison ({report['date']})", "",
             f"Old: `{report['old']}`  New: `{report['new']}` (teacher `{report['teacher_init']}` warm-started). "
             f"Corrections: {report['corrections']} ({', '.join(report['correction_files'])}); "
             f"{report['train']['windows']} training windows per epoch; wall time {report['minutes']:.1f} min "
             f"(training {report['train']['minutes']:.1f}).", ""]
    for name, c in report["sets"].items():
        lines += [f"## {name} ({c['n_docs']} documents)", "",
                  "| label | old strict F1 | new strict F1 | Δ | 95% interval of Δ |", "| --- | --- | --- | --- | --- |"]
        for lab in (*LABELS, "micro"):
            r = c["labels"][lab]
            lines.append(f"| {lab} | {r['old']:.3f} | {r['new']:.3f} | {r['diff']:+.3f} | "
                         f"[{r['low']:+.3f}, {r['high']:+.3f}] |")
        lines += ["", f"Precision / recall (micro): old {c['old_pr']['precision']:.3f} / {c['old_pr']['recall']:.3f}, "
                      f"new {c['new_pr']['precision']:.3f} / {c['new_pr']['recall']:.3f}", "",
                  "| genre | old strict micro F1 | new strict micro F1 |", "| --- | --- | --- |"]
        lines += [f"| {g} | {c['old_by_genre'].get(g, float('nan')):.3f} | {f:.3f} |" for g, f in c["new_by_genre"].items()]
        lines.append("")
    lines += ["## Gain against minutes (real-shaped dev set, fp32 candidate after each epoch)", "",
              "| epoch | minutes | strict micro F1 |", "| --- | --- | --- |",
              f"| 0 (the shipped model, int8) | 0.0 | {report['curve_start']:.3f} |" if report.get("curve_start") is not None else ""]
    lines += [f"| {_curve_step(h)} | {h['minutes']:.1f} | "
              f"{h['dev_strict_f1']:.3f} |" for h in report["train"]["history"]
              if h.get("dev_strict_f1") is not None]
    worse = report["worse"]
    lines += ["", "Verdict: the candidate is " + ("NOT worse beyond document noise (95% paired bootstrap over documents) "
                                                  "on any label of any set." if not worse else
                                                  f"WORSE beyond document noise on {', '.join(worse)}.")]
    return "\n".join(line for line in lines if line is not None) + "\n"


def run_retrain(args: argparse.Namespace) -> int:
    require("train", "retrain")
    from nlp_minsheng.pipeline import Pipeline, default_model_path

    from .export_onnx import export_dir

    if getattr(args, "rollback", False):
        rollback(Path(args.model) if args.model else default_model_path())
        return 0
    if not args.corrections:
        print("error: --corrections FILE… is required (or --rollback)", file=sys.stderr)
        return 2
    t0 = time.time()
    current = Path(args.model) if args.model else default_model_path()
    teacher = teacher_of(current)
    cfg_path = args.config or str(ROOT / "training" / "configs" / "retrain.yaml")
    cfg = TrainConfig.from_yaml(cfg_path, epochs=args.epochs)
    if thresholds.refusal(cfg.thresholds_split):  # checked before training, not after it
        print(f"error: thresholds_split: {thresholds.refusal(cfg.thresholds_split)}", file=sys.stderr)
        return 2
    if args.init == "shipped":
        cfg.init_model = str(teacher)
        cfg.max_length = int(json.loads((teacher / "meta.json").read_text(encoding="utf-8"))
                             .get("pipeline", {}).get("max_length", cfg.max_length))
    corrections: list[Document] = []
    for f in args.corrections:
        corrections.extend(load_any(f))
    problems = [p for d in corrections for p in validate(d)]
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"error: {len(problems)} problem(s) in the corrections; nothing was trained", file=sys.stderr)
        return 1
    if cfg.correction_variants:
        corrections += script_variants(corrections)
    gold = load_docs(cfg)
    frozen = set(cfg.test_ids) | {d.id.split("~")[0] for d in gold if d.split in FROZEN_SPLITS}
    merged, stats = merge(gold, corrections, frozen)
    accepted = [c.id for c in corrections if c.id.split("~")[0] not in frozen]
    # The corrections (meta.corrected) carry the recipe's "@corrections" weight; the rest is replayed at cfg.replay.
    cfg.weights = {"@corrections": 1.0, **cfg.weights}
    log(f"corrections: {len(corrections)} documents → {stats}; corpus now {len(merged)} documents; teacher {teacher}")

    out = Path(args.output_dir) if args.output_dir else ROOT / "runs" / "candidate"
    if out.exists():
        shutil.rmtree(out)
    cand_teacher = out / TEACHER_SUBDIR
    cfg.output_dir = str(cand_teacher)
    summary = train(cfg, docs=merged)
    prune = json.loads((current / "meta.json").read_text(encoding="utf-8")).get("onnx", {}).get("pruned_vocabulary")
    if (current / "model.int8.onnx").exists():
        export_dir(cand_teacher, out, prune_vocab=bool(prune))
    else:  # a torch-only current model: the candidate is compared as the teacher it is
        for f in cand_teacher.iterdir():
            shutil.copy(f, out / f.name)
    _thresholds(cfg.thresholds_split, current, out, merged)
    sets = {
        REAL_SET: [d for d in merged if d.split == "dev-real"],
        f"realistic dev set + test seeds {', '.join(cfg.test_ids)}": [d for d in merged
                                                                      if d.split == "dev" or d.id in set(cfg.test_ids)],
    }
    old_pipe, new_pipe = Pipeline.from_pretrained(current), Pipeline.from_pretrained(out)
    results, worse = {}, []
    for name, docs in sets.items():
        if not docs:
            continue
        o, n = evaluate(pipeline_tagger(old_pipe), docs), evaluate(pipeline_tagger(new_pipe), docs)
        results[name] = compare(o, n, docs, cfg.seed)
        worse += [f"{lab} ({name})" for lab in results[name]["worse"]]
    if not results:
        print(f"error: no frozen documents ({cfg.test_ids}, splits {FROZEN_SPLITS}) in the corpus", file=sys.stderr)
        return 2
    start_f1 = results[REAL_SET]["labels"]["micro"]["old"] if REAL_SET in results else None
    report = {"date": time.strftime("%Y-%m-%d %H:%M"), "old": str(current), "new": str(out),
              "teacher_init": str(teacher), "corrections": stats, "correction_files": [str(f) for f in args.corrections],
              "corrected_ids": accepted, "config": cfg.to_dict(),
              "train": {"minutes": summary["train_minutes"], "history": summary["history"],
                        "best_epoch": summary["best_epoch"], "windows": summary["data"]["train_windows"]},
              "sets": results, "worse": worse, "curve_start": start_f1, "minutes": (time.time() - t0) / 60}
    md = render(report)
    (out / "retrain_report.md").write_text(md, encoding="utf-8")
    (out / "retrain_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    _stamp(out, report)
    print(md)
    if args.report:
        Path(args.report).write_text(md, encoding="utf-8")
    if args.promote:
        if worse:
            print(f"not promoted: the candidate is worse beyond noise on {', '.join(worse)}", file=sys.stderr)
            return 3
        promote(out, current, corrections)
    return 0


def _thresholds(split: str, current: Path, out: Path, docs: list[Document]) -> None:
    """Per-label score thresholds for the candidate (its int8 export and its teacher, each on its own scores), chosen
    on the recipe's split or else on the split the current model's were chosen on; frozen, so never a correction."""
    split = split or thresholds.split_of(json.loads((current / "meta.json").read_text(encoding="utf-8"))) or ""
    chosen_on = [d for d in docs if d.split == split]
    if not chosen_on:
        return
    for d in (out, out / TEACHER_SUBDIR):
        res = thresholds.choose(d, chosen_on)
        thresholds.write(d, res, split, len(chosen_on))
        log(f"thresholds for {d.name} on {split}: " + ", ".join(f"{lab} {r['chosen']:.2f}" for lab, r in res.items()))


def _stamp(out: Path, report: dict[str, Any]) -> None:
    """The candidate's meta and card name the corrections and the comparison."""
    from .model_card import write_model_card

    for d in (out, out / TEACHER_SUBDIR):
        meta_path = d / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["retrain"] = {k: report[k] for k in ("date", "old", "teacher_init", "corrections", "correction_files",
                                                  "corrected_ids", "worse")}
        meta["retrain"]["comparison"] = {name: {lab: c["labels"][lab] for lab in (*LABELS, "micro")}
                                         for name, c in report["sets"].items()}
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        write_model_card(d, meta)


def promote(candidate: Path, current: Path, corrections: list[Document]) -> Path:
    """Swap the candidate int8 model and its teacher in together; archive both old ones (and the corrections file)."""
    models = current.parent
    archive = models / ARCHIVE / time.strftime("%Y%m%d-%H%M%S")
    archive.mkdir(parents=True)
    pairs = [(candidate, current)]
    cand_teacher = candidate / TEACHER_SUBDIR
    if cand_teacher.is_dir() and (current / "model.int8.onnx").exists():
        pairs.append((cand_teacher, teacher_of(current)))
    manifest = {"swapped": [str(dst.relative_to(models)) for _, dst in pairs], "corrections_file": None}
    for _, dst in pairs:
        shutil.move(str(dst), str(archive / dst.name))
    if CORRECTIONS_FILE.exists():
        shutil.copy2(CORRECTIONS_FILE, archive / CORRECTIONS_FILE.name)
        manifest["corrections_file"] = str(CORRECTIONS_FILE)
    (archive / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for src, dst in pairs:
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(TEACHER_SUBDIR) if src == candidate else None)
    # The promoted int8 model points at the promoted teacher under the teacher's shipped name.
    if len(pairs) == 2:
        meta_path = current / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["exported_from"] = pairs[1][1].name
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
    log(f"promoted {candidate} → {current} (and its teacher); previous models kept at {archive}")
    return archive


def rollback(current: Path) -> Path:
    """Restore the last archived models (and corrections file) byte for byte; the archive entry is removed."""
    models = current.parent
    entries = sorted((models / ARCHIVE).glob("*/manifest.json")) if (models / ARCHIVE).is_dir() else []
    if not entries:
        raise FileNotFoundError(f"expected an archived promotion in {models / ARCHIVE}, got none")
    archive = entries[-1].parent
    manifest = json.loads(entries[-1].read_text(encoding="utf-8"))
    for rel in manifest["swapped"]:
        dst = models / rel
        if dst.exists():
            shutil.rmtree(dst)
        shutil.move(str(archive / Path(rel).name), str(dst))
    if manifest.get("corrections_file"):
        shutil.move(str(archive / Path(manifest["corrections_file"]).name), manifest["corrections_file"])
    elif CORRECTIONS_FILE.exists():
        CORRECTIONS_FILE.unlink()  # there was none before the promotion
    (archive / "manifest.json").unlink()
    archive.rmdir()
    if not any((models / ARCHIVE).iterdir()):
        (models / ARCHIVE).rmdir()
    log(f"rolled back {', '.join(manifest['swapped'])} from {archive}")
    return archive
