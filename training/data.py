"""Gold documents → character-level IOB2 training windows (a ``datasets.Dataset``)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from nlp_minsheng.corpus import Document
from nlp_minsheng.labels import TAG2ID
from nlp_minsheng.model import CharVocab, windows
from nlp_minsheng.textnorm import normalize


def char_tags(doc: Document) -> tuple[str, list[int]]:
    """Normalised text and one tag id per normalised character.

    A gold span covers the normalised characters whose original range lies
    inside it (pinyin leftovers dropped by normalisation simply vanish).
    """
    norm = normalize(doc.text)
    tags = [TAG2ID["O"]] * len(norm.text)
    for s, e, lab in sorted(doc.spans):
        inside = norm.from_original(s, e)
        first = True
        for i in range(*inside) if inside else ():
            if not norm.text[i].isspace():
                tags[i] = TAG2ID[("B-" if first else "I-") + lab]
                first = False
    return norm.text, tags


def examples(docs: Sequence[Document], vocab: CharVocab, max_length: int, overlap: int) -> list[dict[str, Any]]:
    """Overlapping windows of token ids and tag ids for every document."""
    out = []
    for doc in docs:
        text, tags = char_tags(doc)
        ids, pos = vocab.encode(text)
        labs = [tags[p] for p in pos]
        for s, e in windows(len(ids), max_length - 2, overlap):
            out.append({
                "input_ids": [vocab.cls_id, *ids[s:e], vocab.sep_id],
                "labels": [-100, *labs[s:e], -100],
                "doc_id": doc.id,
                "corrected": bool(doc.meta.get("corrected")),
            })
    return out


def to_dataset(rows: list[dict[str, Any]]):
    import datasets

    return datasets.Dataset.from_list(rows)


def split_documents(docs: Sequence[Document], test_ids: Sequence[str], dev_fraction: float, seed: int,
                    dev_split: str = "dev") -> tuple[list[Document], list[Document], list[Document]]:
    """Document-level split: frozen test ids, the dev set, the rest train.

    The dev set is the frozen realistic dev set (``meta.split == "dev"``) when
    the corpus has one; otherwise a ``dev_fraction`` share of the synthetic
    documents. Documents whose ``meta.split`` is ``"test"`` are in none of
    the three (see :func:`heldout_documents`). Only ``"train"`` documents train: the frozen dev sets
    (``"dev"``, and the real-shaped ``"dev-real"``) and held-out tests never do.

    Variants of one document (e.g. its traditional-Chinese copy, id ``X~t``)
    always land in the same split as the document itself.
    """
    def root(d: Document) -> str:
        return d.id.split("~")[0]

    test_set = set(test_ids)
    test = [d for d in docs if root(d) in test_set]
    rest = [d for d in docs if root(d) not in test_set and d.split == "train"]
    frozen_dev = [d for d in docs if d.split == dev_split and root(d) not in test_set]
    if frozen_dev:
        return rest, frozen_dev, test
    synth_roots = sorted({root(d) for d in rest if d.synthetic})
    rng = random.Random(seed)
    rng.shuffle(synth_roots)
    dev_roots = set(synth_roots[: max(1, round(len(synth_roots) * dev_fraction))]) if synth_roots and dev_fraction > 0 else set()
    dev = [d for d in rest if root(d) in dev_roots and "~" not in d.id]
    train = [d for d in rest if root(d) not in dev_roots]
    return train, dev, test


def weigh(rows: list[dict[str, Any]], weights: dict[str, float], replay: float, rng: random.Random
          ) -> list[dict[str, Any]]:
    """One epoch's windows: a document whose id starts with a prefix of ``weights`` counts that many times
    (the fraction by sampling), a corrected document (``meta.corrected``, set by retrain) counts
    ``weights["@corrections"]`` times, the others are sampled at the ``replay`` rate."""
    out: list[dict[str, Any]] = []
    for r in rows:
        w = weights.get("@corrections") if r.get("corrected") else None
        if w is None:
            w = next((v for k, v in weights.items() if not k.startswith("@") and r["doc_id"].startswith(k)), None)
        w = replay if w is None else w
        out.extend([r] * int(w))
        if rng.random() < w - int(w):
            out.append(r)
    return out


def heldout_documents(docs: Sequence[Document], test_ids: Sequence[str]) -> list[Document]:
    """Held-out synthetic documents (``meta.split == "test"``), not among ``test_ids``."""
    return [d for d in docs if d.split == "test" and d.id.split("~")[0] not in set(test_ids)]


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """One epoch's batches: shuffle, sort by length within chunks of 50 batches (little padding),
    then shuffle the batches. Uses the ``random`` module's state (seeded by the caller)."""
    order = list(range(len(lengths)))
    random.shuffle(order)
    chunk = batch_size * 50
    order = [i for c in range(0, len(order), chunk) for i in sorted(order[c : c + chunk], key=lambda k: lengths[k])]
    batches = [order[b : b + batch_size] for b in range(0, len(order), batch_size)]
    random.shuffle(batches)
    return batches


def collate(seqs: Sequence[Sequence[int]], labels: Sequence[Sequence[int]], pad_id: int) -> tuple[Any, Any, Any]:
    """Padded ``input_ids``, ``labels`` (-100 on padding) and ``attention_mask`` tensors."""
    import torch

    width = max(len(x) for x in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    labs = torch.full((len(seqs), width), -100, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for r, (x, y) in enumerate(zip(seqs, labels)):
        ids[r, : len(x)] = torch.tensor(x)
        labs[r, : len(y)] = torch.tensor(y)
        mask[r, : len(x)] = 1
    return ids, labs, mask
