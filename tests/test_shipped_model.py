"""The real shipped model: loads offline, meets its card, tags every seed with exact offsets."""

import json
import os
from pathlib import Path

import pytest

import nlp_minsheng
from nlp_minsheng import parse, parse_batch

from .conftest import SHIPPED, seed_texts

pytestmark = pytest.mark.slow
SEEDS = seed_texts()


def test_shipped_files_and_size():
    """The default model (int8 ONNX, ≤ 40 MB) and the fine-tuned weights it is exported from
    (safetensors, ≤ 64 MB), each with config, tokenizer, meta.json and a model card."""
    names = {p.name for p in SHIPPED.iterdir()}
    assert {"model.int8.onnx", "config.json", "tokenizer.json", "meta.json", "MODEL_CARD.md"} <= names
    assert sum(p.stat().st_size for p in SHIPPED.iterdir() if p.is_file()) <= 40 * 1024 * 1024
    meta = json.loads((SHIPPED / "meta.json").read_text())
    assert meta["label_schema_version"] == nlp_minsheng.SCHEMA_VERSION
    assert meta["test_scores"]["strict"]["micro"]["f1"] > 0
    assert meta["scored"]["runtime"] == "onnx"  # the card reports the runtime parse() uses
    weights = SHIPPED.parent / meta["exported_from"]
    names = {p.name for p in weights.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "meta.json", "MODEL_CARD.md"} <= names
    assert not any(n.endswith((".bin", ".pt", ".pkl")) for n in names)
    assert sum(p.stat().st_size for p in weights.iterdir() if p.is_file()) <= 64 * 1024 * 1024


def test_default_card_reports_speed_and_seed_cv():
    """The default model's card carries its measured speed, and its recipe's seed CV when one was run
    (issue 11); when none was, the card says so instead of showing another recipe's."""
    card = (SHIPPED / "MODEL_CARD.md").read_text(encoding="utf-8")
    bench = json.loads((SHIPPED / "benchmark.json").read_text(encoding="utf-8"))
    default = bench["rows"][0]
    assert default["name"].startswith("default") and SHIPPED.name in default["name"]
    assert f"| {default['name']} | {default['chars_per_s']:,} |" in card
    if (SHIPPED / "cv.json").exists():
        cv = json.loads((SHIPPED / "cv.json").read_text(encoding="utf-8"))
        assert len(cv["folds"]) == len(SEEDS)
        assert "## Cross-validation by document" in card and cv["markdown"] in card
    else:
        assert "_Run `python -m eval.crossval` to add it._" in card


def test_default_card_shows_the_real_shaped_dev_set_first():
    card = (SHIPPED / "MODEL_CARD.md").read_text(encoding="utf-8")
    real, old = card.find("Frozen real-shaped dev set"), card.find("Frozen realistic dev set")
    assert 0 <= real < old


def test_parse_offline_on_every_seed(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    plans = parse_batch(list(SEEDS.values()))
    for (doc_id, text), plan in zip(SEEDS.items(), plans):
        assert plan.items, doc_id
        assert plan.entities, doc_id
        for e in plan.entities:
            assert text[e.start : e.end] == e.text
            assert 0.0 < e.score <= 1.0
            assert e.label in nlp_minsheng.LABELS
        json.loads(plan.to_json())


def test_default_pipeline_is_cached():
    assert nlp_minsheng.get_default_pipeline() is nlp_minsheng.get_default_pipeline()


def test_known_spans_on_the_spec_sentence():
    plan = parse("2024年计划新增车位不少于30000个，总投资约500万元。")
    got = {(e.text, e.label) for e in plan.entities}
    assert ("约500万元", "AMOUNT") in got
    assert ("不少于30000个", "TARGET") in got
    amount = next(e for e in plan.entities if e.label == "AMOUNT")
    assert str(amount.value["yuan"]) == "5000000" and amount.value["role"] == "投资"


def test_frozen_test_score_matches_card():
    """Re-scoring the frozen test document gives the number written in the card."""
    from nlp_minsheng.corpus import read_jsonl
    from nlp_minsheng.evaluation import evaluate, pipeline_tagger
    from nlp_minsheng.pipeline import get_default_pipeline

    meta = json.loads((SHIPPED / "meta.json").read_text())
    gold = Path(__file__).resolve().parent.parent / "annotations" / "gold" / "seeds.jsonl"
    docs = [d for d in read_jsonl(gold) if d.id in meta["config"]["test_ids"]]
    res = evaluate(pipeline_tagger(get_default_pipeline()), docs)
    assert res["strict"]["micro"]["f1"] == pytest.approx(meta["test_scores"]["strict"]["micro"]["f1"], abs=0.005)


def test_env_override_points_elsewhere(tmp_path, monkeypatch):
    from nlp_minsheng.pipeline import default_model_path

    monkeypatch.setenv("NLP_MINSHENG_MODEL", str(tmp_path))
    assert default_model_path() == tmp_path
    monkeypatch.delenv("NLP_MINSHENG_MODEL")
    assert default_model_path() == SHIPPED
    assert "NLP_MINSHENG_MODEL" not in os.environ


def test_offsets_on_realistic_pages():
    """Every page of the frozen dev set (chrome, tables, traditional mirrors with pinyin): exact offsets,
    no overlaps, entities inside their items."""
    from nlp_minsheng.corpus import read_jsonl

    gold = Path(__file__).resolve().parent.parent / "annotations" / "gold" / "dev.jsonl"
    docs = read_jsonl(gold)
    for doc, plan in zip(docs, parse_batch([d.text for d in docs])):
        prev_end = 0
        for e in plan.entities:
            assert doc.text[e.start : e.end] == e.text, doc.id
            assert e.start >= prev_end, doc.id
            prev_end = e.end
        for item in plan.items:
            assert all(item.start <= e.start and e.end <= item.end for e in item.entities)


@pytest.mark.parametrize("which", ["dev", "other_dev"])
def test_dev_score_matches_card(which):
    """The card's scores on both frozen dev sets are what the shipped pipeline gives on them."""
    from nlp_minsheng.corpus import iter_corpus
    from nlp_minsheng.evaluation import evaluate, pipeline_tagger
    from nlp_minsheng.pipeline import get_default_pipeline

    meta = json.loads((SHIPPED / "meta.json").read_text())
    split = meta["data"]["dev_split" if which == "dev" else "other_dev_split"]
    docs = [d for d in iter_corpus([Path(__file__).resolve().parent.parent / "annotations" / "gold"]) if d.split == split]
    assert len(docs) == meta[f"{which}_scores"]["n_docs"]
    res = evaluate(pipeline_tagger(get_default_pipeline()), docs, values=False)
    assert res["strict"]["micro"]["f1"] == pytest.approx(meta[f"{which}_scores"]["strict"]["micro"]["f1"], abs=0.005)


def test_news_page_without_a_list():
    """No items, every entity in plan.entities, and none of them in site chrome."""
    from nlp_minsheng.segment import is_boilerplate

    from .test_segment import NEWS

    plan = parse(NEWS)
    assert plan.items == ()
    related = NEWS.index("相关新闻")
    for e in plan.entities:
        line = NEWS[NEWS.rfind("\n", 0, e.start) + 1 : NEWS.find("\n", e.start)]
        assert not is_boilerplate(line) and e.start < related, e


def test_default_path_prints_no_deprecation_warning():
    """Issue 11: the default parse() path must not warn (torch.ao dynamic quantisation did)."""
    import subprocess
    import sys

    code = ("from nlp_minsheng import parse; "
            "print(len(parse('2025年底前在昆山市玉山镇新建口袋公园12个，总投资3000万元。').entities))")
    out = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-W", "error::FutureWarning",
                          "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) >= 3
