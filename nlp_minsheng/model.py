"""Model runner: character-level token ids, sliding windows, batched inference.

Every non-space character becomes exactly one token (its single-character
piece from the encoder's vocabulary, else ``<unk>``), so every character
boundary can be an entity boundary and no sub-word piece such as ``万元``
straddles an entity edge.  Documents longer than the window are split into
overlapping windows; each character takes its probabilities from the window
in which it sits furthest from an edge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np

from .extras import require
from .labels import TAGS

ONNX_FILE = "model.int8.onnx"


@dataclass
class CharVocab:
    """Maps characters to the encoder's single-character piece ids."""

    vocab: dict[str, int]
    unk_id: int
    cls_id: int
    sep_id: int
    pad_id: int

    @classmethod
    def from_tokenizer(cls, tok: Any) -> CharVocab:
        return cls(dict(tok.get_vocab()), tok.unk_token_id, tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)

    @classmethod
    def from_tokenizer_json(cls, path: Path) -> CharVocab:
        """Read the vocabulary straight from ``tokenizer.json`` (Unigram or WordLevel), no transformers."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        model = data["model"]
        vocab = ({p: i for i, (p, _) in enumerate(model["vocab"])} if isinstance(model["vocab"], list)
                 else dict(model["vocab"]))
        for tok in data.get("added_tokens", []):
            vocab.setdefault(tok["content"], tok["id"])

        def need(token: str) -> int:
            if token not in vocab:
                raise ValueError(f"expected special token {token!r} in {path}, got none")
            return vocab[token]

        return cls(vocab, need("<unk>"), need("<s>"), need("</s>"), need("<pad>"))

    def encode(self, text: str) -> tuple[list[int], list[int]]:
        """Token ids and, per token, the index of its character in ``text`` (spaces skipped)."""
        ids, pos = [], []
        v = self.vocab
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            tid = v.get(ch)
            if tid is None:
                tid = v.get("▁" + ch, self.unk_id)
            ids.append(tid)
            pos.append(i)
        return ids, pos


def windows(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """Cover ``range(n)`` with windows of at most ``size`` that overlap by ``overlap``."""
    if size <= overlap:
        raise ValueError(f"window size {size} must exceed overlap {overlap}")
    if n <= size:
        return [(0, n)]
    out, start, step = [], 0, size - overlap
    while True:
        end = min(start + size, n)
        out.append((start, end))
        if end == n:
            return out
        start += step


class WindowedClassifier:
    """Character windows → per-character tag probabilities; subclasses run the encoder.

    When ``share_batches`` is true, the windows of all texts of one call are sorted by length
    and batched together, so a stream of short documents fills batches as well as one long
    one; otherwise each batch holds the windows of one document.
    """

    runtime = "none"
    # Whether windows of different documents may share a batch. Not for int8 graphs whose activations
    # are quantised per batch: a document's result would depend on its batch neighbours.
    share_batches = True

    def __init__(self, vocab: CharVocab, tags: tuple[str, ...], *, max_length: int = 512, overlap: int = 64,
                 batch_size: int = 16, max_positions: int = 512) -> None:
        self.vocab = vocab
        self.tags = tags
        self.max_length = min(max_length, max_positions)
        self.window = self.max_length - 2  # room for <s> and </s>
        self.overlap = min(overlap, self.window // 4)
        self.batch_size = batch_size

    def _probs(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``(batch, width, n_tags)`` probabilities for padded id and mask arrays."""
        raise NotImplementedError

    def predict_proba(self, texts: list[str]) -> list[np.ndarray]:
        """Per-character tag probabilities ``(len(text), n_tags)``; spaces get ``O`` = 1."""
        encoded = [self.vocab.encode(t) for t in texts]
        jobs: list[tuple[int, int, int]] = []  # (doc, token start, token end)
        for d, (ids, _) in enumerate(encoded):
            jobs.extend((d, s, e) for s, e in windows(len(ids), self.window, self.overlap) if e > s)
        if self.share_batches:
            # Sorting by length keeps padding (wasted compute) small in each batch.
            jobs.sort(key=lambda j: j[2] - j[1])
        tok_probs = [np.zeros((len(ids), len(self.tags)), dtype=np.float32) for ids, _ in encoded]
        tok_best = [np.full(len(ids), -1, dtype=np.int64) for ids, _ in encoded]
        # Jobs are in document order unless sorted: group each document's windows.
        groups = [jobs] if self.share_batches else [list(g) for _, g in groupby(jobs, key=lambda j: j[0])]
        for batch in (g[b : b + self.batch_size] for g in groups for b in range(0, len(g), self.batch_size)):
            width = max(e - s for _, s, e in batch) + 2
            input_ids = np.full((len(batch), width), self.vocab.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, (d, s, e) in enumerate(batch):
                row = [self.vocab.cls_id, *encoded[d][0][s:e], self.vocab.sep_id]
                input_ids[r, : len(row)] = row
                mask[r, : len(row)] = 1
            probs = self._probs(input_ids, mask)
            for r, (d, s, e) in enumerate(batch):
                n = e - s
                # Context on each side; a document edge counts as unlimited context.
                idx = np.arange(n)
                left = idx if s > 0 else np.full(n, 1 << 30)
                right = idx[::-1] if e < len(encoded[d][0]) else np.full(n, 1 << 30)
                dist = np.minimum(left, right)
                better = dist > tok_best[d][s:e]
                tok_probs[d][s:e][better] = probs[r, 1 : n + 1][better]
                tok_best[d][s:e][better] = dist[better]
        out = []
        o = self.tags.index("O")
        for text, (_, pos), tp in zip(texts, encoded, tok_probs):
            char_probs = np.zeros((len(text), len(self.tags)), dtype=np.float32)
            char_probs[:, o] = 1.0
            if pos:
                char_probs[np.asarray(pos)] = tp
            out.append(char_probs)
        return out


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float32)
    x = np.exp(x - x.max(axis=-1, keepdims=True))
    return x / x.sum(axis=-1, keepdims=True)


class TokenClassifier(WindowedClassifier):
    """A transformers token-classification model (torch) over characters."""

    runtime = "torch"

    def __init__(self, model: Any, tokenizer: Any, *, max_length: int = 512, overlap: int = 64,
                 batch_size: int = 16, tags: tuple[str, ...] | None = None) -> None:
        import torch

        self.torch = torch
        self.model = model.eval()
        self.tokenizer = tokenizer
        id2label = getattr(model.config, "id2label", None) or {}
        super().__init__(CharVocab.from_tokenizer(tokenizer),
                         tags or tuple(id2label[i] for i in range(len(id2label))) or TAGS,
                         max_length=max_length, overlap=overlap, batch_size=batch_size,
                         max_positions=int(getattr(model.config, "max_position_embeddings", 512)))

    def _probs(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            logits = self.model(input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(mask)).logits
            return torch.softmax(logits.float(), dim=-1).numpy()


class OnnxClassifier(WindowedClassifier):
    """The model's int8 ONNX graph on ONNX Runtime: no torch, no transformers at inference.

    Activations are quantised per batch (dynamic int8), so batches hold the windows of one
    document only: a document gets the same tags whatever it is parsed with.
    """

    runtime = "onnx"
    share_batches = False

    def __init__(self, path: Path, *, max_length: int = 512, overlap: int = 64, batch_size: int = 16,
                 threads: int | None = None) -> None:
        import onnxruntime as ort

        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        id2label = config.get("id2label") or {}
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path / ONNX_FILE), opts, providers=["CPUExecutionProvider"])
        super().__init__(CharVocab.from_tokenizer_json(path / "tokenizer.json"),
                         tuple(id2label[str(i)] for i in range(len(id2label))) or TAGS,
                         max_length=max_length, overlap=overlap, batch_size=batch_size,
                         max_positions=int(config.get("max_position_embeddings", 512)))

    def _probs(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        logits = self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": mask})[0]
        return _softmax(logits)


def load_meta(path: Path) -> dict[str, Any]:
    """The model's ``meta.json``; required, since it carries the label schema the weights were trained on."""
    meta_path = Path(path) / "meta.json"
    if not meta_path.exists():
        raise FileNotFoundError(f"expected {meta_path} (model_version, label_schema_version) beside the weights; "
                                "models saved by `python -m training.train` have it")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if "label_schema_version" not in meta:
        raise ValueError(f"expected 'label_schema_version' in {meta_path}, got keys {sorted(meta)}")
    wanted = meta.get("compatible_package_versions")
    if wanted:
        from packaging.specifiers import SpecifierSet

        from . import __version__

        if __version__ not in SpecifierSet(wanted):
            raise ValueError(f"model {path} needs nlp_minsheng {wanted} (its meta.json), got {__version__}; "
                             "install a matching package version or retrain the model")
    return meta


def load_classifier(path: str | Path, *, runtime: str = "auto", quantize: str | None = None,
                    threads: int | None = None, **kwargs: Any) -> WindowedClassifier:
    """The classifier of a model directory on the asked runtime (see ``Pipeline.from_pretrained``).

    ``threads`` caps the runtime's intra-op threads (1 per worker process in batch mode).
    """
    path = Path(path)
    if runtime not in ("auto", "onnx", "torch"):
        raise ValueError(f"runtime must be 'auto', 'onnx' or 'torch', got {runtime!r}")
    has_onnx = (path / ONNX_FILE).exists()
    if runtime == "auto":
        import importlib.util

        runtime = "onnx" if has_onnx and quantize is None and importlib.util.find_spec("onnxruntime") else "torch"
    if runtime == "onnx":
        if not has_onnx:
            raise FileNotFoundError(f"expected {path / ONNX_FILE} for runtime='onnx', got none "
                                    "(python -m training.export_onnx writes it; runtime='torch' uses the safetensors)")
        if quantize not in (None, "int8"):
            raise ValueError(f"the ONNX graph is already int8; quantize must be None, got {quantize!r}")
        return OnnxClassifier(path, threads=threads, **kwargs)
    classifier = load_token_classifier(path, quantize=quantize, **kwargs)  # checks the torch extra
    if threads:
        import torch

        torch.set_num_threads(threads)
    return classifier


def load_token_classifier(path: str | Path, *, quantize: str | None = None, **kwargs: Any) -> TokenClassifier:
    """Load a saved model directory (HF layout) into a :class:`TokenClassifier`."""
    path = Path(path)
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"expected a model directory with config.json, got {path}")
    if not any((path / f).exists() for f in ("model.safetensors", "pytorch_model.bin")):
        teacher = load_meta(path).get("exported_from") if (path / "meta.json").exists() else None
        raise FileNotFoundError(
            f"expected torch weights (model.safetensors) in {path}, got none: it is an ONNX-only model"
            + (f"; its weights are the model it was exported from, {teacher!r} (in the source checkout's models/)"
               if teacher else "") + "; use runtime='onnx'")
    require("torch", "runtime='torch'")
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # The weight-loading progress bar would print on every CLI call and in every batch worker.
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(path)
    if quantize == "int8":
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    elif quantize not in (None, "none", "fp32"):
        raise ValueError(f"quantize must be None or 'int8', got {quantize!r}")
    return TokenClassifier(model, tokenizer, **kwargs)
