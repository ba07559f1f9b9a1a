"""The annotators' loop from the shipped default (an int8 ONNX export): teacher found from meta.json, warm start
with the teacher's architecture, int8 candidate that loads with the default runtime, promote and rollback.

Uses the tiny random-weight model as teacher (mechanics, never quality)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from nlp_minsheng import Pipeline
from nlp_minsheng.corpus import Document, read_jsonl, write_jsonl

from .conftest import ROOT, SHIPPED

pytestmark = pytest.mark.slow
pytest.importorskip("onnx", reason="exporting needs the onnx package (the train extra)")


@pytest.fixture(scope="module")
def models(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models/ folder shaped like the repository's: a teacher and its int8 ONNX export naming it."""
    from training.export_onnx import export_dir

    root = tmp_path_factory.mktemp("models-root") / "models"
    teacher = root / "tiny-teacher"
    shutil.copytree(tiny_model_dir, teacher)
    meta = json.loads((teacher / "meta.json").read_text())
    meta["pipeline"] = {"max_length": 128}
    (teacher / "meta.json").write_text(json.dumps(meta))
    export_dir(teacher, root / "tiny-int8")
    # As the shipped default: per-label thresholds chosen on the realistic dev set (values here are arbitrary).
    meta_path = root / "tiny-int8" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["pipeline"].update(min_score={"TARGET": 0.9}, min_score_chosen_on="dev (42 documents), training/thresholds.py")
    meta_path.write_text(json.dumps(meta))
    return root


@pytest.fixture(scope="module")
def retrained(models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Document]]:
    import training.retrain as rt

    tmp = tmp_path_factory.mktemp("retrain")
    rt.CORRECTIONS_FILE = tmp / "gold-corrections.jsonl"
    gold = read_jsonl(ROOT / "annotations" / "gold" / "real.jsonl")
    corrections = [d for d in gold if d.split == "train"][:2]
    corr_file = tmp / "corrections.jsonl"
    write_jsonl(corrections, corr_file)
    cfg = tmp / "recipe.yaml"
    # num_layers 1 here on purpose: a warm start takes the teacher's architecture (2 layers), not the recipe's.
    cfg.write_text(f"corpus: [{ROOT / 'annotations' / 'gold'}]\ntest_ids: [seed-002]\ndev_split: dev-real\n"
                   "num_layers: 1\nepochs: 1\nbatch_size: 8\nmax_docs: 2\nreplay: 0.0\nthreads: 2\nmax_minutes: 5\n"
                   "weights: {'@corrections': 2}\nsave_fp16: false\n")
    out = tmp / "candidate"
    args = argparse.Namespace(corrections=[str(corr_file)], config=str(cfg), init="shipped", output_dir=str(out),
                              epochs=None, promote=False, rollback=False, report=None,
                              model=str(models / "tiny-int8"))
    assert rt.run_retrain(args) == 0
    return out, models / "tiny-int8", corrections


def test_the_teacher_of_the_shipped_onnx_default_is_found():
    from training.retrain import teacher_of

    meta = json.loads((SHIPPED / "meta.json").read_text())
    assert teacher_of(SHIPPED) == ROOT / "models" / meta["exported_from"]
    assert (teacher_of(SHIPPED) / "model.safetensors").exists()


def test_candidate_keeps_the_teacher_architecture(retrained):
    out, current, corrections = retrained
    cfg = json.loads((out / "teacher" / "config.json").read_text())
    assert cfg["num_hidden_layers"] == 2 and cfg["hidden_size"] == 32  # the tiny teacher's, not the recipe's 1
    meta = json.loads((out / "teacher" / "meta.json").read_text())
    assert set(meta["data"]["train_docs"]) == {d.id for d in corrections}
    assert meta["data"]["dev_split"] == "dev-real"
    assert meta["retrain"]["corrected_ids"] == [d.id for d in corrections]


def test_output_dir_loads_with_the_default_runtime(retrained, monkeypatch):
    out, _, _ = retrained
    assert (out / "model.int8.onnx").exists() and (out / "MODEL_CARD.md").exists()
    assert json.loads((out / "meta.json").read_text())["exported_from"] == "teacher"
    pipe = Pipeline.from_pretrained(out)
    assert pipe.meta["runtime"] == "onnx"
    monkeypatch.setenv("NLP_MINSHENG_MODEL", str(out))
    from nlp_minsheng.pipeline import default_model_path

    assert default_model_path() == out
    text = "2024年新建社区食堂20个。"
    assert all(text[e.start:e.end] == e.text for e in Pipeline.from_pretrained().parse(text).entities)
    report = json.loads((out / "retrain_report.json").read_text())
    assert "real-shaped dev set (dev-real)" in report["sets"]
    assert report["sets"]["real-shaped dev set (dev-real)"]["n_docs"] == 30
    assert "Gain against minutes" in (out / "retrain_report.md").read_text()


def test_candidate_thresholds_are_chosen_as_the_current_models_were(retrained):
    out, _, _ = retrained
    for d in (out, out / "teacher"):
        pipeline = json.loads((d / "meta.json").read_text())["pipeline"]
        assert pipeline["min_score_chosen_on"] == "dev (42 documents), training/thresholds.py", d
        assert set(pipeline["min_score"]) <= {"TARGET", "AMOUNT", "DEADLINE", "LOCATION"}
        assert all(0 < t < 1 for t in pipeline["min_score"].values())


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_promote_then_rollback_restores_models_byte_for_byte(retrained):
    import training.retrain as rt

    out, current, corrections = retrained
    models = current.parent
    rt.CORRECTIONS_FILE.write_text("", encoding="utf-8")  # an existing corrections file is archived too
    before, corrections_before = _snapshot(models), rt.CORRECTIONS_FILE.read_bytes()
    rt.promote(out, current, corrections)
    after = _snapshot(models)
    assert after != before
    assert json.loads((current / "meta.json").read_text())["exported_from"] == "tiny-teacher"
    assert (models / "tiny-teacher" / "meta.json").exists() and "retrain" in json.loads(
        (models / "tiny-teacher" / "meta.json").read_text())  # the teacher was swapped with its export
    assert [d.id for d in read_jsonl(rt.CORRECTIONS_FILE)] == [d.id for d in corrections]
    rt.rollback(current)
    assert _snapshot(models) == before
    assert rt.CORRECTIONS_FILE.read_bytes() == corrections_before
    assert not (models / ".archive").exists()


def test_thresholds_are_never_chosen_on_the_real_shaped_dev_set(models: Path, tmp_path: Path, capsys):
    import training.retrain as rt

    cfg = tmp_path / "recipe.yaml"
    cfg.write_text("thresholds_split: dev-real\n")
    args = argparse.Namespace(corrections=[str(tmp_path / "unused.jsonl")], config=str(cfg), init="shipped",
                              output_dir=str(tmp_path / "out"), epochs=None, promote=False, rollback=False,
                              report=None, model=str(models / "tiny-int8"))
    assert rt.run_retrain(args) == 2  # refused before anything is trained
    assert "dev-real" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_script_variants_of_corrections_keep_every_span_on_its_converted_text():
    from nlp_minsheng.corpus import Document
    from training.retrain import script_variants

    docs = [Document("c1", "2024年城关区新建幼儿园3所。", [(0, 5, "DEADLINE"), (5, 8, "LOCATION"), (13, 15, "TARGET")]),
            Document("c2", "投资500万元改造老旧小区12个。", [(2, 7, "AMOUNT"), (13, 16, "TARGET")]),
            Document("c3~t", "已是繁體的副本。", [])]
    out = script_variants(docs)
    assert [d.id for d in out] == ["c1~t", "c2~t"]  # a copy gets no copy of its own
    first = out[0]
    assert [first.text[s:e] for s, e, _ in first.spans] == ["2024年", "城關區", "3所"]
    assert [lab for _, _, lab in out[1].spans] == ["AMOUNT", "TARGET"]
    assert "(" in out[0].text  # the first copy carries pinyin readings
