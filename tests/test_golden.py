"""Golden outputs: ``parse()`` on the five seeds and synthetic set B, pinned before refactors.

The rule pipeline is pinned in the default suite; the shipped v2 model (slow) too.
A change to either file must come with a commit that names the fix behind it.
Regenerate with ``python -m tests.test_golden`` (then review the diff).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nlp_minsheng.corpus import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
TEACHER = ROOT / "models" / "minsheng-ner-v2"


def _docs() -> list[Any]:
    gold = ROOT / "annotations" / "gold"
    seeds = read_jsonl(gold / "seeds.jsonl")
    set_b = [d for d in read_jsonl(gold / "synthetic.jsonl") if d.split == "test"]
    return seeds + set_b


def outputs(pipeline: Any) -> list[dict[str, Any]]:
    docs = _docs()
    plans = pipeline.parse_batch([d.text for d in docs])
    rows = []
    for d, p in zip(docs, plans):
        out = p.to_dict(include_text=False)
        out["meta"] = {}  # versions and step names may change; spans, values and items may not
        for e in out["entities"]:
            e.pop("score", None)  # float noise across BLAS builds; spans and values are the contract
        for it in out["items"]:
            for e in it["entities"]:
                e.pop("score", None)
        rows.append({"id": d.id, **out})
    return rows


def _check(name: str, got: list[dict[str, Any]]) -> None:
    want = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    assert [r["id"] for r in got] == [r["id"] for r in want]
    for g, w in zip(got, want):
        assert g == w, f"{name}: output changed for {g['id']}"


def test_rules_pipeline_output_is_pinned() -> None:
    from nlp_minsheng.pipeline import Pipeline

    _check("rules.json", outputs(Pipeline.rules_only()))


@pytest.mark.slow
def test_teacher_model_output_is_pinned() -> None:
    from nlp_minsheng.pipeline import Pipeline

    _check("teacher-v2.json", outputs(Pipeline.from_pretrained(TEACHER)))


def _write() -> None:
    from nlp_minsheng.pipeline import Pipeline

    GOLDEN.mkdir(exist_ok=True)
    for name, pipe in (("rules.json", Pipeline.rules_only()), ("teacher-v2.json", Pipeline.from_pretrained(TEACHER))):
        (GOLDEN / name).write_text(json.dumps(outputs(pipe), ensure_ascii=False, indent=0), encoding="utf-8")
        print("wrote", GOLDEN / name)


if __name__ == "__main__":
    _write()
