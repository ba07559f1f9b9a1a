"""The ONNX Runtime path: int8 export, loading without torch, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlp_minsheng import Pipeline

pytest.importorskip("onnxruntime", reason="onnxruntime is a dependency; missing here")


@pytest.fixture(scope="module")
def tiny_onnx_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("onnx", reason="exporting needs the onnx package (the train extra)")
    from training.export_onnx import ONNX_FILE, export_dir

    out = tmp_path_factory.mktemp("tiny-onnx")
    info = export_dir(tiny_model_dir, out)
    assert info["file"] == ONNX_FILE and (out / ONNX_FILE).stat().st_size == info["bytes"]
    return out


def test_onnx_int8_follows_the_torch_model(tiny_model_dir: Path, tiny_onnx_dir: Path) -> None:
    from tests.conftest import seed_texts

    text = next(iter(seed_texts().values()))[:1500]
    torch_probs = Pipeline.from_pretrained(tiny_model_dir, runtime="torch").tagger.classifier.predict_proba([text])[0]
    onnx_pipe = Pipeline.from_pretrained(tiny_onnx_dir)  # auto: the ONNX graph is there
    assert onnx_pipe.meta["runtime"] == "onnx"
    onnx_probs = onnx_pipe.tagger.classifier.predict_proba([text])[0]
    assert onnx_probs.shape == torch_probs.shape
    # int8 weights move probabilities a little, never far
    assert float(np.abs(onnx_probs - torch_probs).max()) < 0.15
    plan = onnx_pipe.parse(text)
    assert all(text[e.start : e.end] == e.text for e in plan.entities)


def test_onnx_path_never_imports_torch(tiny_onnx_dir: Path) -> None:
    code = ("import sys; from nlp_minsheng import Pipeline; "
            f"p = Pipeline.from_pretrained({str(tiny_onnx_dir)!r}); p.parse('2025年底前新建口袋公园12个'); "
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_runtime_errors_say_what_was_expected(tiny_model_dir: Path) -> None:
    with pytest.raises(FileNotFoundError, match="model.int8.onnx for runtime='onnx'"):
        Pipeline.from_pretrained(tiny_model_dir, runtime="onnx")
    with pytest.raises(ValueError, match="runtime must be 'auto', 'onnx' or 'torch', got 'tpu'"):
        Pipeline.from_pretrained(tiny_model_dir, runtime="tpu")


def test_int8_results_do_not_depend_on_batch_neighbours(tiny_onnx_dir: Path) -> None:
    """Dynamic int8 quantises activations per batch: documents never share one, so a document's
    tags are the same alone, in a batch, or in a batch of other documents."""
    from tests.conftest import seed_texts

    texts = [t[:700] for t in seed_texts().values()] + ["2025年底前新建口袋公园12个"]
    clf = Pipeline.from_pretrained(tiny_onnx_dir).tagger.classifier
    together = clf.predict_proba(texts)
    for text, probs in zip(texts, together):
        assert np.array_equal(clf.predict_proba([text])[0], probs)
    assert np.array_equal(clf.predict_proba(texts[::-1])[-1], together[0])
