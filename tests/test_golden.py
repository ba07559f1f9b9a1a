"""Golden outputs on the five seeds and synthetic set B, pinned before refactors.

The rule pipeline is deterministic and pinned exactly. The models (the default int8 ONNX graph and
the fp32 teacher it was exported from) are pinned by :mod:`tests.pinned`: a tag may differ only
where the model itself was undecided, so the check holds on any CPU and fails on any real change.
The teacher is checked under ``ATEN_CPU_CAPABILITY=default``, ``avx2`` and the machine's own, each in
a subprocess (torch reads the variable once, at import). ONNX Runtime exposes no kernel choice: the
default model runs once, on the machine's own kernels.

A change to a golden file must come with a commit that names the fix behind it.
Regenerate: ``python -m tests.test_golden`` (rules) and ``python -m tests.pinned write`` (models).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from .pinned import GOLDEN, ROOT, docs


def rules_outputs() -> list[dict[str, Any]]:
    from nlp_minsheng.pipeline import Pipeline

    ds = docs()
    rows = []
    for d, p in zip(ds, Pipeline.rules_only().parse_batch([d.text for d in ds])):
        out = p.to_dict(include_text=False)
        out["meta"] = {}
        for e in out["entities"] + [e for it in out["items"] for e in it["entities"]]:
            e.pop("score", None)
            e.pop("min_score", None)
        rows.append({"id": d.id, **out})
    return rows


def test_rules_pipeline_output_is_pinned() -> None:
    want = json.loads((GOLDEN / "rules.json").read_text(encoding="utf-8"))
    got = rules_outputs()
    assert [r["id"] for r in got] == [r["id"] for r in want]
    for g, w in zip(got, want):
        assert g == w, f"rules.json: output changed for {g['id']}"


def _run_check(name: str, capability: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}
    if capability:
        env["ATEN_CPU_CAPABILITY"] = capability
    run = subprocess.run([sys.executable, "-m", "tests.pinned", "check", name], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{name} under ATEN_CPU_CAPABILITY={capability or '(unset)'}:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("capability", [None, "default", "avx2"])
def test_teacher_output_is_pinned_on_any_kernels(capability: str | None) -> None:
    _run_check("teacher", capability)


@pytest.mark.slow
def test_default_model_output_is_pinned() -> None:
    _run_check("default", None)


def test_pinned_check_fails_on_a_real_change() -> None:
    """The tolerance covers undecided positions only: a changed decided span is reported."""
    from .pinned import compare

    want = json.loads((GOLDEN / "default.json").read_text(encoding="utf-8"))["docs"][0]
    text = next(d.text for d in docs() if d.id == want["id"])
    from nlp_minsheng.textnorm import normalize

    norm = normalize(text)
    got = {**want, "to_original": [list(norm.starts), list(norm.ends)]}
    assert compare(want["id"], want, got) == []
    decided = next(s for s in want["raw"] if not any(p in set(want["undecided"]) for p in range(s[0] - 1, s[1] + 1)))
    moved = {**got, "raw": [s for s in want["raw"] if s != decided]}
    assert any("decided" in p for p in compare(want["id"], want, moved))
    # An undecided position lets its span differ, and only the entities in its region.
    if want["undecided"]:
        u = want["undecided"][0]
        flipped = {**got, "raw": want["raw"] + [[u, u + 1, "TARGET"]]}
        assert compare(want["id"], want, flipped) == []
    plan = json.loads(json.dumps(want["plan"]))
    plan["entities"][0]["value"] = {"changed": True}
    assert any("entity" in p for p in compare(want["id"], want, {**got, "plan": plan}))
    plan = json.loads(json.dumps(want["plan"]))
    plan["entities"][0]["score"] = plan["entities"][0]["score"] - 0.5
    assert any("score" in p for p in compare(want["id"], want, {**got, "plan": plan}))


if __name__ == "__main__":
    rows = rules_outputs()
    (GOLDEN / "rules.json").write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")
    print("wrote", GOLDEN / "rules.json")
