"""Render MODEL_CARD.md from a model's meta.json (numbers come only from the run)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from nlp_minsheng.labels import LABELS


def _table(scores: dict[str, Any] | None, title: str) -> str:
    if not scores:
        return f"_{title}: not measured in this run._\n"
    lines = [f"**{title}** ({scores['n_docs']} documents, {scores['n_chars']} characters)\n",
             "| label | strict P | strict R | strict F1 | overlap F1 | value acc. | support |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for lab in (*LABELS, "micro"):
        s, o = scores["strict"][lab], scores["overlap"][lab]
        va = scores["value_accuracy"].get(lab, (None, 0)) if lab != "micro" else (None, 0)
        vtxt = f"{va[0]:.3f} (n={va[1]})" if va and va[0] is not None else "–"
        lines.append(f"| {lab} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {o['f1']:.3f} | {vtxt} | {s['support']} |")
    lines.append(f"\nMacro strict F1 {scores['strict']['macro_f1']:.3f}, macro overlap F1 {scores['overlap']['macro_f1']:.3f}.\n")
    genres = scores.get("by_genre") or {}
    if len(genres) > 1:
        lines += ["By genre (strict):\n", "| genre | documents | gold spans | P | R | F1 | " + " | ".join(LABELS) + " |",
                  "|" + " --- |" * (6 + len(LABELS))]
        for g, r in genres.items():
            lines.append(f"| {g} | {r['n_docs']} | {r['gold']} | {r['precision']:.3f} | {r['recall']:.3f} | "
                         f"{r['f1']:.3f} | " + " | ".join(f"{r.get(lab, 0):.3f}" for lab in LABELS) + " |")
        lines.append("")
    classes = scores.get("mistake_classes")
    if classes:
        lines += ["Errors by mistake class of REAL_PAGES.md (`nlp_minsheng.errors.mistake_class`; patterns approximate; "
                  "every false positive and negative counted once):\n", "| mistake class | errors |", "| --- | --- |"]
        lines += [f"| {c} | {n} |" for c, n in classes.items()]
        lines.append("")
    return "\n".join(lines)


DEV_TITLES = {"dev-real": "Frozen real-shaped dev set (split dev-real: 30 pages written from real pages; never trained on)",
              "dev": "Frozen realistic dev set (split dev: 42 pages written from descriptions; never trained on)"}


def _dev_tables(meta: dict[str, Any]) -> str:
    """Both frozen dev sets, the real-shaped one first; the one that picked the best epoch says so."""
    chosen = meta.get("data", {}).get("dev_split", "dev")
    scores = {chosen: meta.get("dev_scores"), meta.get("data", {}).get("other_dev_split", ""): meta.get("other_dev_scores")}
    return "\n".join(_table(scores.get(k), DEV_TITLES[k] + (" — selects the best epoch" if k == chosen else ""))
                     for k in ("dev-real", "dev") if scores.get(k) or k == chosen)


def _retrain(meta: dict[str, Any]) -> str:
    """A model made by ``retrain``: the corrections it learned from and its comparison with the old model."""
    r = meta.get("retrain")
    if not r:
        return ""
    lines = ["## Retrain\n", f"Warm start from `{r['teacher_init']}` on the corrections {', '.join(r['correction_files'])} "
             f"({r['corrections']}); compared with `{r['old']}` on {r['date']} "
             "(95% paired bootstrap interval of new − old over documents):\n"]
    for name, labs in r["comparison"].items():
        lines += [f"**{name}**\n", "| label | old | new | Δ | interval |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {lab} | {c['old']:.3f} | {c['new']:.3f} | {c['diff']:+.3f} | [{c['low']:+.3f}, {c['high']:+.3f}] |"
                  for lab, c in labs.items()]
        lines.append("")
    lines.append("Worse beyond noise on: " + (", ".join(r["worse"]) or "nothing") + ".\n")
    return "\n".join(lines)


def _settings(meta: dict[str, Any]) -> str:
    p = meta.get("pipeline", {})
    text = (f"window {p.get('max_length', 512)} tokens, LOCATION word-edge snapping "
            f"{'on' if p.get('word_edges') else 'off'}.")
    if p.get("min_score"):
        text += (" Spans kept only from a score of " + ", ".join(f"{k} {v:.2f}" for k, v in p["min_score"].items())
                 + f" (precision first; chosen on {p.get('min_score_chosen_on', 'a dev split')}).")
    return text + (f" {meta['pipeline_note']}" if meta.get("pipeline_note") else "")


def _weights(out: Path, meta: dict[str, Any]) -> str:
    parts = []
    if (out / "model.safetensors").exists():
        parts.append(f"weights as {'fp16' if meta['config'].get('save_fp16', True) else 'fp32'} safetensors")
    o = meta.get("onnx")
    if o:
        fused = ", ".join(f"{k} ×{v}" for k, v in (o.get("fused_operators") or {}).items())
        parts.append(f"int8 ONNX graph `{o['file']}` {o['bytes'] / 1e6:.1f} MB ({o['quantisation']}"
                     + (f"; fused operators: {fused}" if fused else "")
                     + (f"; vocabulary cut to {o['pruned_vocabulary']} character pieces" if o.get("pruned_vocabulary")
                        else "") + "), run by ONNX Runtime by default")
    if meta.get("exported_from") and not (out / "model.safetensors").exists():
        parts.append(f"the same weights as safetensors: `{meta['exported_from']}`, loadable by name")
    return "; ".join(parts)


def _train_command(meta: dict[str, Any]) -> str:
    cfg = meta.get("config", {})
    recipe = cfg.get("recipe") or "training/configs/default.yaml"
    first = ""
    if cfg.get("init_model"):
        first = (f"# warm-starts from {cfg['init_model']}, which the same command first trains with "
                 f"{cfg['init_recipe']} when it is missing\n" if cfg.get("init_recipe")
                 else f"# first the model it warm-starts from: {cfg['init_model']}\n")
    return first + f"python -m training.train --config {recipe}   # the weights"


def _command(meta: dict[str, Any]) -> str:
    # Score thresholds chosen after training are part of the model: their command is part of reproducing it.
    thresholds = (f"\npython -m training.thresholds models/{meta['model_version']} --write"
                  if meta.get("pipeline", {}).get("min_score") else "")
    if meta.get("exported_from"):
        return (_train_command(meta) + "\n"
                f"python -m training.export_onnx models/{meta['exported_from']} models/{meta['model_version']} "
                "--prune-vocab" + thresholds)
    if meta.get("distilled"):
        return "python -m training.distil --config training/configs/student.yaml" + thresholds
    return _train_command(meta) + thresholds


def _distilled(meta: dict[str, Any]) -> str:
    """For a student: its teacher and the teacher's scores on the same documents."""
    t = meta.get("teacher")
    if not t:
        return ""
    cfg = meta["config"]

    def micro(scores: dict[str, Any] | None) -> str:
        return f"{scores['strict']['micro']['f1']:.3f}" if scores else "–"

    return (f"\nDistilled from **{t['model_version']}** ({cfg['num_layers']} of its layers, temperature "
            f"{cfg['temperature']}, gold weight {cfg['gold_weight']}, {cfg['extra_pages']} spliced unlabelled page(s) "
            f"per training page; {meta['data'].get('unlabelled_chars', '?')} unlabelled characters). Teacher strict "
            f"micro F1: dev {micro(t.get('dev_scores'))}, test {micro(t.get('test_scores'))}; this student: dev "
            f"{micro(meta.get('dev_scores'))}, test {micro(meta.get('test_scores'))}.\n")


def _ids(ids: list[str]) -> str:
    """Long id lists (the dev set) are summarised by prefix."""
    if len(ids) <= 12:
        return ", ".join(ids) or "none"
    from collections import Counter

    prefixes = Counter(i.split("-")[0] + ("~t" if "~" in i else "") for i in ids)
    return f"{len(ids)} documents (" + ", ".join(f"{p}…: {n}" for p, n in sorted(prefixes.items())) + ")"


def benchmark_table(bench: dict[str, Any]) -> list[str]:
    """One row per configuration of a ``python eval/benchmark.py`` run (the card and eval/RESULTS.md)."""
    lines = ["| configuration | chars/s | docs/s | cold start (s) | peak RSS (MB) | dev strict micro F1 | × regex speed |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in bench["rows"]:
        cells = [r["name"], f"{r['chars_per_s']:,}", r["docs_per_s"], r.get("cold_start_s"), r["peak_rss_mb"],
                 r.get("dev_strict_micro_f1"), r.get("ratio_to_regex")]
        lines.append("| " + " | ".join("–" if c is None else str(c) for c in cells) + " |")
    return lines


def _speed(out: Path) -> str:
    """The benchmark run copied beside the model (``python eval/benchmark.py``), baselines included."""
    path = out / "benchmark.json"
    if not path.exists():
        return ""
    b = json.loads(path.read_text(encoding="utf-8"))
    passes = max((r.get("timed_passes", 1) for r in b["rows"]), default=1)
    timed = f"the fastest of {passes} timed passes, " if passes > 1 else ""
    intro = (f"\n## Speed\n\n`python eval/benchmark.py`, {b['date']}, {b['machine']}: {b['chars']:,} characters of "
             f"{b['text']} through `parse_batch`, each configuration in its own process, {timed}baselines in the same "
             "run; cold start = a fresh process importing the package and parsing one text.\n")
    return "\n".join([intro, *benchmark_table(b)]) + "\n"


def write_model_card(out: Path, meta: dict[str, Any]) -> None:
    cfg = meta["config"]
    data = meta.get("data", {})
    cv_path = out / "cv.json"
    cv = json.loads(cv_path.read_text(encoding="utf-8")) if cv_path.exists() else None
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    text = f"""# {meta['model_version']}

Character-level token classifier for Chinese livelihood-plan announcements
(labels {', '.join(LABELS)}, label schema v{meta['label_schema_version']}).
Used by `nlp_minsheng.parse()`; works offline.

* Base: {meta['base_model']}.
* Tokenisation: {meta['tokenisation']}.
* Package: nlp_minsheng {meta['package_version']} (compatible: {meta['compatible_package_versions']}).
* Created: {meta['created']}; training time {meta['train_minutes']} min on {cfg['threads']} CPU threads,
  best epoch {meta['best_epoch']} of {cfg['epochs']}.
* Size on disk: {size / 1e6:.1f} MB ({_weights(out, meta)}).
* Inference settings (`meta.json` → `pipeline`, read by `Pipeline.from_pretrained`): {_settings(meta)}

## Training data

Training-data sha256: `{data.get('hash', '?')}`.
{len(data.get('train_docs', []))} training documents ({data.get('train_chars', '?')} characters,
{data.get('train_spans', '?')} spans, {data.get('train_windows', '?')} windows of ≤{cfg['max_length']} tokens):
{_ids(data.get('train_docs', []))};
dev (early stopping and model selection; never trained on): {_ids(data.get('dev_docs', []))};
frozen test: {', '.join(data.get('test_docs', [])) or 'none'};
held-out synthetic test: {', '.join(data.get('heldout_docs', [])) or 'none'}.

## Reproduce

```
{_command(meta)}
```
{_distilled(meta)}

## Config

```json
{json.dumps(cfg, indent=2, ensure_ascii=False)}
```

## Scores from this run

Strict = same start, end and label; overlap = same label, any overlap
(one-to-one). Value accuracy compares the normalised values of
overlap-matched pairs. Scores are for the full `parse()` pipeline (model +
grammar edge repair) on the {meta.get('scored', {}).get('runtime') or 'torch'} runtime, computed
{meta.get('scored', {}).get('at', meta['created'])} with package version
{meta.get('scored', {}).get('package_version', meta['package_version'])}
(`python -m training.train --rescore DIR` recomputes them for unchanged weights).

{_dev_tables(meta)}
{_table(meta.get('test_scores'), 'Frozen real test document(s)')}
{_table(meta.get('heldout_scores'), 'Held-out synthetic documents (set B: tables and progress reports, never trained on)')}
{_retrain(meta)}"""
    if cv:
        text += "\n## Cross-validation by document (leave one real document out)\n\n" + cv.get("markdown", "") + "\n"
    else:
        text += "\n## Cross-validation\n\n_Run `python -m eval.crossval` to add it._\n"
    text += _speed(out)
    text += f"\n## Training history\n\n```json\n{json.dumps(meta.get('history', []), indent=1)}\n```\n"
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def attach_report(model_dir: Path, report: Path, name: str) -> None:
    """Copy a report (``cv.json``, ``benchmark.json``) beside a model and rewrite its card, which renders it."""
    shutil.copy(report, model_dir / name)
    write_model_card(model_dir, json.loads((model_dir / "meta.json").read_text(encoding="utf-8")))
