"""The wheel carries the default int8 model only and no torch requirement: installed outside the
repository, parse() works offline without importing torch."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nlp_minsheng.pipeline import DEFAULT_MODEL_NAME

from .conftest import ROOT, seed_texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Build from a clean copy of what the wheel is made of, so no stale build/ directory leaks in.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "nlp_minsheng", src / "nlp_minsheng", ignore=shutil.ignore_patterns("__pycache__"))
    for name in (DEFAULT_MODEL_NAME, "minsheng-ner-v3.1"):  # the default (int8 ONNX) and the weights it comes from
        shutil.copytree(ROOT / "models" / name, src / "models" / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(src),
                    "-w", str(out)], check=True, cwd=out)
    (whl,) = out.glob("nlp_minsheng-*.whl")
    return whl


WHEEL_MAX_MB = 25


def test_wheel_contains_the_default_model_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    model = f"nlp_minsheng/shipped/{DEFAULT_MODEL_NAME}/"
    for f in ("model.int8.onnx", "config.json", "tokenizer.json", "meta.json", "MODEL_CARD.md"):
        assert model + f in names
    # The teacher's fp32 weights stay in the repository (training, retrain, runtime="torch").
    assert not [n for n in names if n.endswith((".safetensors", ".bin"))]
    assert {n.split("/")[2] for n in names if n.startswith("nlp_minsheng/shipped/") and n.count("/") > 2} \
        == {DEFAULT_MODEL_NAME}
    assert "nlp_minsheng/py.typed" in names
    assert not any(n.startswith("training/") for n in names)  # no top-level package of that name
    assert wheel.stat().st_size <= WHEEL_MAX_MB * 2**20, f"wheel is {wheel.stat().st_size / 2**20:.1f} MB"


def test_wheel_requires_no_torch(wheel):
    """torch and transformers are extras ([torch], [train]), not requirements of the default install."""
    z = zipfile.ZipFile(wheel)
    meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    required = [line for line in meta.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert required and not [r for r in required if any(m in r for m in ("torch", "transformers", "datasets"))]
    assert any("torch" in line and 'extra == "torch"' in line for line in meta.splitlines())


def test_installed_wheel_parses_a_seed_offline(wheel, tmp_path):
    """A venv outside the repo with only the wheel installed (its dependencies are borrowed from this
    environment through a .pth line, so the test needs no network and no second torch)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "borrowed_deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True)
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_texts()["seed-000"], encoding="utf-8")
    code = ("import json, sys, nlp_minsheng; from nlp_minsheng.pipeline import default_model_path; "
            "p = nlp_minsheng.parse(open(sys.argv[1], encoding='utf-8').read()); "
            "print(json.dumps({'file': nlp_minsheng.__file__, 'model': str(default_model_path()), "
            "'n': len(p.entities), 'version': p.meta.get('model_version'), "
            "'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules}))")
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([str(py), "-c", code, str(seed)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(site))
    assert out["model"].startswith(str(site)) and out["model"].endswith(DEFAULT_MODEL_NAME)
    assert out["n"] > 50
    assert out["version"] == DEFAULT_MODEL_NAME
    assert not out["torch"] and not out["transformers"]  # the default runtime never imports them
