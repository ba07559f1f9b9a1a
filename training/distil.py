"""Distil the shipped teacher into a small, fast student (issue: a fast default model).

    python -m training.distil --config training/configs/student.yaml

1. The student is the teacher cut to its first ``num_layers`` encoder layers (dropping the
   top layers loses least, Sajjad et al. 2023) with the teacher's classifier head, and a
   vocabulary cut to the pieces the character tokenisation can ever produce (single
   characters, ``▁`` + character and the special tokens): half the embedding matrix, the
   same predictions for every input.
2. Training data: the teacher's training windows (soft labels from the teacher, gold
   tags where there are any) plus unlabelled pages made by splicing two training pages
   of the same genre (soft labels only): ``extra_pages`` of them per training page.
3. Loss: ``T² · KL(student/T ‖ teacher/T)`` on every character + ``gold_weight`` ×
   the teacher's class-weighted cross-entropy on gold characters. Best epoch on the
   frozen dev set (strict micro F1, the teacher's pipeline settings), as for the teacher.
4. Saved in the HF layout (fp16 safetensors, tokenizer, ``meta.json``, card) plus
   ``model.int8.onnx``: the encoder exported to ONNX and quantised to int8 weights by
   ONNX Runtime, which the pipeline runs by default (no torch at inference).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nlp_minsheng.corpus import Document, corpus_hash
from nlp_minsheng.evaluation import evaluate, pipeline_tagger
from nlp_minsheng.extras import require
from nlp_minsheng.labels import TAGS

from .config import YamlConfig
from .data import collate, examples, heldout_documents, length_batches, split_documents
from .loop import BestEpoch, log, seed_everything
from .train import ROOT, _brief, load_docs, under_root


@dataclass
class DistilConfig(YamlConfig):
    """Everything a distillation run depends on; saved into the student's meta.json."""

    teacher: str = "models/minsheng-ner-v3.1"
    output_dir: str = "runs/student"
    corpus: list[str] = field(default_factory=lambda: ["annotations/gold"])
    test_ids: list[str] = field(default_factory=lambda: ["seed-002"])
    num_layers: int = 2
    extra_pages: int = 1  # unlabelled spliced pages per training page (teacher labels only)
    temperature: float = 2.0
    gold_weight: float = 0.5
    o_weight: float = 0.3
    max_length: int = 256
    overlap: int = 32
    batch_size: int = 16
    epochs: int = 8
    patience: int = 2
    lr: float = 3e-4
    lr_head: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    seed: int = 13
    threads: int = 1
    max_minutes: float = 60.0
    onnx: bool = True



# ------------------------------------------------------------------ vocabulary
def char_pieces(tokenizer_json: dict[str, Any]) -> list[int]:
    """Ids the character tokenisation can produce: specials, single characters, ``▁`` + character."""
    vocab = tokenizer_json["model"]["vocab"]
    specials = {t["id"] for t in tokenizer_json.get("added_tokens", [])} | {tokenizer_json["model"]["unk_id"]}
    keep = [i for i, (piece, _) in enumerate(vocab)
            if i in specials or len(piece) == 1 or (len(piece) == 2 and piece[0] == "▁")]
    return keep


def prune_tokenizer(tokenizer_json: dict[str, Any], keep: list[int]) -> dict[str, Any]:
    """The Unigram tokenizer restricted to ``keep`` (ids renumbered in order)."""
    new_id = {old: new for new, old in enumerate(keep)}
    out = copy.deepcopy(tokenizer_json)
    out["model"]["vocab"] = [tokenizer_json["model"]["vocab"][i] for i in keep]
    out["model"]["unk_id"] = new_id[tokenizer_json["model"]["unk_id"]]
    for tok in out.get("added_tokens", []):
        tok["id"] = new_id[tok["id"]]
    post = out.get("post_processor") or {}
    for spec in (post.get("special_tokens") or {}).values():
        spec["ids"] = [new_id[i] for i in spec["ids"]]
    return out


# ------------------------------------------------------------------ data
def spliced_pages(docs: list[Document], n: int, seed: int) -> list[Document]:
    """Unlabelled pages: the first half of one training page + the second half of another of its genre.

    New contexts for the teacher to label (a report's header before another's table, …).
    """
    rng = random.Random(seed)
    by_genre: dict[str, list[Document]] = {}
    for d in docs:
        by_genre.setdefault(str(d.meta.get("genre", "plan")), []).append(d)
    out = []
    for k in range(n):
        a = docs[k % len(docs)]
        pool = by_genre[str(a.meta.get("genre", "plan"))]
        b = rng.choice(pool)
        la, lb = a.text.split("\n"), b.text.split("\n")
        text = "\n".join(la[: max(1, len(la) // 2)] + lb[len(lb) // 2 :])
        out.append(Document(f"splice-{k}", text, [], {"genre": a.meta.get("genre")}))
    return out


def teacher_probs(model: Any, rows: list[dict[str, Any]], pad_id: int, batch_size: int = 32) -> list[Any]:
    """The teacher's logits for every window (the soft labels), computed once."""
    import torch

    out: list[Any] = [None] * len(rows)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["input_ids"]))
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            width = max(len(rows[i]["input_ids"]) for i in idx)
            ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for r, i in enumerate(idx):
                n = len(rows[i]["input_ids"])
                ids[r, :n] = torch.tensor(rows[i]["input_ids"])
                mask[r, :n] = 1
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
            for r, i in enumerate(idx):
                out[i] = logits[r, : len(rows[i]["input_ids"])].clone()
    return out


# ------------------------------------------------------------------ student
def make_student(teacher: Any, num_layers: int, keep: list[int]) -> Any:
    """The teacher's first ``num_layers`` layers, embeddings cut to ``keep``, the teacher's head."""
    import torch
    from transformers import BertForTokenClassification

    cfg = copy.deepcopy(teacher.config)
    cfg.num_hidden_layers = num_layers
    cfg.vocab_size = len(keep)
    student = BertForTokenClassification(cfg)
    state = teacher.state_dict()
    new = {}
    for k, v in state.items():
        if k.startswith("bert.encoder.layer."):
            if int(k.split(".")[3]) >= num_layers:
                continue
        if k == "bert.embeddings.word_embeddings.weight":
            v = v[torch.tensor(keep)]
        new[k] = v.float().clone()
    missing, unexpected = student.load_state_dict(new, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"student init: missing {missing}, unexpected {unexpected}")
    return student


def distil(cfg: DistilConfig, *, docs: list[Document] | None = None, progress: bool = True) -> dict[str, Any]:
    require("train", "distillation")
    import numpy as np
    import torch
    from transformers import AutoModelForTokenClassification, PreTrainedTokenizerFast, get_linear_schedule_with_warmup

    from nlp_minsheng.model import CharVocab, TokenClassifier
    from nlp_minsheng.pipeline import Pipeline

    t0 = time.time()
    seed_everything(cfg.seed, cfg.threads)
    teacher_dir = under_root(cfg.teacher)
    teacher_meta = json.loads((teacher_dir / "meta.json").read_text(encoding="utf-8"))
    settings = teacher_meta.get("pipeline", {})
    docs = docs if docs is not None else load_docs(_corpus_cfg(cfg))
    train_docs, dev_docs, test_docs = split_documents(docs, cfg.test_ids, 0.15, cfg.seed)
    teacher_train = set(teacher_meta.get("data", {}).get("train_docs", []))
    if teacher_train and not {d.id for d in dev_docs + test_docs}.isdisjoint(teacher_train):
        raise ValueError("the teacher was trained on documents this student is scored on; pick matching test_ids")
    log(f"documents: train {len(train_docs)}, dev {len(dev_docs)}, test {len(test_docs)}")

    teacher = AutoModelForTokenClassification.from_pretrained(teacher_dir, dtype=torch.float32).eval()
    tok_json = json.loads((teacher_dir / "tokenizer.json").read_text(encoding="utf-8"))
    t_tokenizer = PreTrainedTokenizerFast.from_pretrained(teacher_dir)
    t_vocab = CharVocab.from_tokenizer(t_tokenizer)
    keep = char_pieces(tok_json)
    remap = np.full(len(tok_json["model"]["vocab"]), -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))

    extra = spliced_pages(train_docs, cfg.extra_pages * len(train_docs), cfg.seed)
    rows = examples(train_docs + extra, t_vocab, cfg.max_length, cfg.overlap)
    log(f"windows: {len(rows)} ({len(extra)} spliced unlabelled pages); teacher soft labels …")
    soft = teacher_probs(teacher, rows, t_vocab.pad_id)
    for r in rows:
        ids = remap[np.asarray(r["input_ids"])]
        if (ids < 0).any():
            raise RuntimeError("a window uses a piece outside the character vocabulary")
        r["student_ids"] = ids.tolist()
        if r["doc_id"].startswith("splice-"):
            r["labels"] = [-100] * len(r["labels"])
    log(f"soft labels done in {(time.time() - t0) / 60:.1f} min")

    student = make_student(teacher, cfg.num_layers, keep)
    s_tok_json = prune_tokenizer(tok_json, keep)
    from tokenizers import Tokenizer

    s_tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(json.dumps(s_tok_json)), bos_token="<s>", eos_token="</s>",
        unk_token="<unk>", pad_token="<pad>", cls_token="<s>", sep_token="</s>", mask_token="<mask>")
    s_vocab = CharVocab.from_tokenizer(s_tokenizer)
    del teacher

    head = [p for n, p in student.named_parameters() if n.startswith("classifier")]
    enc = [p for n, p in student.named_parameters() if not n.startswith("classifier")]
    opt = torch.optim.AdamW([{"params": enc, "lr": cfg.lr}, {"params": head, "lr": cfg.lr_head}],
                            weight_decay=cfg.weight_decay)
    steps = math.ceil(len(rows) / cfg.batch_size) * cfg.epochs
    sched = get_linear_schedule_with_warmup(opt, int(steps * cfg.warmup_ratio), steps)
    weights = torch.ones(len(TAGS))
    weights[TAGS.index("O")] = cfg.o_weight
    ce = torch.nn.CrossEntropyLoss(weight=weights, ignore_index=-100)
    T = cfg.temperature

    def pipeline(model: Any, version: str) -> Pipeline:
        return Pipeline(TokenClassifier(model, s_tokenizer, max_length=int(settings.get("max_length", cfg.max_length))),
                        repair=settings.get("repair", True), word_edges=bool(settings.get("word_edges", False)),
                        meta={"model_version": version})

    tracker = BestEpoch(cfg.patience, t0)
    student.train()
    stop = False
    for epoch in range(1, cfg.epochs + 1):
        batches = length_batches([len(r["student_ids"]) for r in rows], cfg.batch_size)
        run = 0.0
        for step, idx in enumerate(batches, 1):
            ids, labs, mask = collate([rows[i]["student_ids"] for i in idx], [rows[i]["labels"] for i in idx],
                                      s_vocab.pad_id)
            tlog = torch.zeros((len(idx), ids.shape[1], len(TAGS)))
            for r, i in enumerate(idx):
                tlog[r, : len(rows[i]["student_ids"])] = soft[i]
            logits = student(input_ids=ids, attention_mask=mask).logits
            kl = torch.nn.functional.kl_div(torch.log_softmax(logits / T, -1), torch.softmax(tlog / T, -1),
                                            reduction="none").sum(-1)
            kl = (kl * mask).sum() / mask.sum() * T * T
            loss = kl + (cfg.gold_weight * ce(logits.view(-1, len(TAGS)), labs.view(-1))
                         if (labs >= 0).any() else 0.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            run += float(loss.detach())
            if progress and step % 50 == 0:
                log(f"epoch {epoch} step {step}/{len(batches)} loss {run / step:.4f}")
            if (time.time() - t0) / 60 > cfg.max_minutes:
                log(f"time limit {cfg.max_minutes} min reached")
                stop = True
                break
        student.eval()
        res = evaluate(pipeline_tagger(pipeline(student, "dev")), dev_docs, values=False) if dev_docs else None
        student.train()
        if tracker.end_epoch(epoch, student, run / max(1, len(batches)), res) or stop:
            break
    tracker.restore(student)
    student.eval()
    pipe = pipeline(student, "eval")
    held = heldout_documents(docs, cfg.test_ids)
    summary = {
        "train_minutes": round((time.time() - t0) / 60, 2), "best_epoch": tracker.best_epoch,
        "history": tracker.history,
        "dev": evaluate(pipeline_tagger(pipe), dev_docs) if dev_docs else None,
        "test": evaluate(pipeline_tagger(pipe), test_docs) if test_docs else None,
        "heldout": evaluate(pipeline_tagger(pipe), held) if held else None,
        "data": {
            "hash": corpus_hash(train_docs), "train_docs": [d.id for d in train_docs],
            "dev_docs": [d.id for d in dev_docs], "test_docs": [d.id for d in test_docs],
            "heldout_docs": [d.id for d in held], "train_chars": sum(len(d.text) for d in train_docs),
            "unlabelled_chars": sum(len(d.text) for d in extra), "train_windows": len(rows),
        },
    }
    if cfg.output_dir:
        save_student(student, s_tokenizer, cfg, teacher_meta, summary, under_root(cfg.output_dir))
    return {"model": student, "tokenizer": s_tokenizer, **summary}


def _corpus_cfg(cfg: DistilConfig) -> Any:
    from .config import TrainConfig

    return TrainConfig(corpus=cfg.corpus, test_ids=cfg.test_ids)


def save_student(model: Any, tokenizer: Any, cfg: DistilConfig, teacher_meta: dict[str, Any],
                 summary: dict[str, Any], out: Path) -> None:
    from nlp_minsheng import __version__
    from nlp_minsheng.labels import LABELS, SCHEMA_VERSION

    out.mkdir(parents=True, exist_ok=True)
    model.half().save_pretrained(out, safe_serialization=True)
    model.float()
    tokenizer.save_pretrained(out)
    meta = {
        "model_version": out.name,
        "package_version": __version__,
        "compatible_package_versions": ">=0.1,<0.2",
        "label_schema_version": SCHEMA_VERSION,
        "labels": list(LABELS),
        "tags": list(TAGS),
        "base_model": f"distilled from {teacher_meta.get('model_version')} (its first {cfg.num_layers} layers, "
                      "vocabulary cut to the character pieces)",
        "teacher": {k: teacher_meta.get(k) for k in ("model_version", "created", "dev_scores", "test_scores")},
        "tokenisation": "one token per non-space character (single-character pieces)",
        "config": asdict(cfg),
        "distilled": True,
        "pipeline": dict(teacher_meta.get("pipeline", {})),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "scored": {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "package_version": __version__},
        **{k: v for k, v in summary.items() if k not in ("dev", "test", "heldout")},
        "dev_scores": _brief(summary.get("dev")),
        "test_scores": _brief(summary.get("test")),
        "heldout_scores": _brief(summary.get("heldout")),
    }
    if cfg.onnx:
        from .export_onnx import export_int8

        meta["onnx"] = export_int8(model, out)
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    from .model_card import write_model_card

    write_model_card(out, meta)
    log(f"saved student to {out}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(ROOT / "training/configs/student.yaml"))
    ap.add_argument("--output-dir")
    ap.add_argument("--teacher")
    ap.add_argument("--num-layers", type=int)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--threads", type=int)
    args = ap.parse_args(argv)
    cfg = DistilConfig.from_yaml(args.config, output_dir=args.output_dir, teacher=args.teacher,
                                 num_layers=args.num_layers, epochs=args.epochs, threads=args.threads)
    res = distil(cfg)
    if res.get("dev"):
        log("dev strict: " + json.dumps({k: v["f1"] for k, v in res["dev"]["strict"].items() if isinstance(v, dict)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
