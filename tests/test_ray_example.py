"""examples/ray_batch.py on a local 2-CPU Ray cluster gives what `parse_batch` gives, row for row, in order."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]'): Ray Data example not tested")

from nlp_minsheng import parse_batch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ray_batch.py"

pytestmark = pytest.mark.slow


def _load_example():
    # Not registered in sys.modules on purpose: cloudpickle then ships ParseBatch to the actors by value
    # (a by-reference pickle would make the workers `import ray_batch`, which is not on their path).
    spec = importlib.util.spec_from_file_location("ray_batch_example", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _documents() -> list[str]:
    seeds = [json.loads(line)["text"] for line in (ROOT / "annotations" / "gold" / "seeds.jsonl")
             .read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = []
    for i, text in enumerate(seeds):  # 3 chunks per seed: a head, a mid cut at odd offsets, a tail
        docs.append(text[: 150 + 97 * i])
        start = 400 + 233 * i
        docs.append(text[start : start + 700 + 311 * i])  # longer than one 256-token window for most
        docs.append(text[-(60 + 41 * i) :])
    docs += [
        "2025年底前新建口袋公园12个，总投资3000万元。",
        "年内完成老旧小区改造35个，惠及居民4200户。",
        "",
        "   \n\t ",
        "2024年6月底前在城区新增公共充电桩不少于500个，投资约1.2亿元。",
    ]
    assert len(docs) == 20
    return docs


@pytest.fixture
def local_ray(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)  # a local cluster, whatever the environment says
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def test_ray_example_matches_parse_batch(tmp_path: Path, local_ray: None) -> None:
    example = _load_example()
    docs = _documents()
    ids = [f"doc-{i:02d}" for i in range(len(docs))]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for doc_id, text in zip(ids, docs):
            f.write(json.dumps({"id": doc_id, "text": text, "source": "test"}, ensure_ascii=False) + "\n")

    n = example.run(src, dst, workers=2, batch_size=4, model=None)

    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) == len(docs)
    assert [r["id"] for r in rows] == ids
    assert all(set(r) == {"id", "plan"} for r in rows)
    expected = [json.loads(json.dumps(p.to_dict(include_text=False), ensure_ascii=False)) for p in parse_batch(docs)]
    for doc_id, row, want in zip(ids, rows, expected):
        assert row["plan"] == want, doc_id  # meta included: model and package version, nothing per worker
    assert sum(len(r["plan"]["entities"]) for r in rows) > 20  # the model did find things
    assert rows[17]["plan"]["entities"] == [] and rows[18]["plan"]["entities"] == []  # "" and whitespace
