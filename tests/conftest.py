"""Shared fixtures: a tiny random-weight model saved in the HF layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp_minsheng.pipeline import DEFAULT_MODEL_NAME

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / DEFAULT_MODEL_NAME


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (model conversion, forward passes)")
    config.addinivalue_line("markers", "training: full training runs (excluded by default)")


def seed_texts() -> dict[str, str]:
    """The five real announcements, as stored in the project's gold file."""
    gold = ROOT / "annotations" / "gold" / "seeds.jsonl"
    out = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out[d["id"]] = d["text"]
    return out


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide random BertForTokenClassification with a character vocabulary.

    Random weights: tests using it check mechanics (windows, offsets, save/reload),
    never quality.
    """
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

    from nlp_minsheng.labels import TAGS

    chars = sorted({c for t in seed_texts().values() for c in t if not c.isspace()})
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for c in chars:
        vocab.setdefault(c, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", cls_token="<s>", sep_token="</s>")
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, pad_token_id=1, num_labels=len(TAGS),
                     id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})
    model = BertForTokenClassification(cfg)
    out = tmp_path_factory.mktemp("tiny-model")
    model.save_pretrained(out, safe_serialization=True)
    fast.save_pretrained(out)
    (out / "meta.json").write_text(json.dumps({"model_version": "tiny-random", "label_schema_version": 1}))
    return out
