"""Pinned model outputs that hold on any CPU, and fail on any real change.

Another CPU's kernels (``ATEN_CPU_CAPABILITY=default``/``avx2``/``avx512``, another ONNX Runtime
build) round the model's probabilities differently in the last bits. Where the model is sure of a
tag, that changes nothing; where its two best tags are nearly tied, the tag can flip. So a golden
file records, per document, the model's raw spans, the positions where the two best tag
probabilities are within ``MARGIN`` on the machine that wrote it (the undecided positions), and
the full plan output. A check then allows:

* a raw span present on one side only if it touches an undecided position (inside or next to it);
* a difference in the plan only inside the region of such spans (their entities, the plan region
  inferred from spans); everything else (spans, values, items, years) must be equal;
* scores within ``SCORE_TOL`` of the pinned ones, never equality of floats.

Write:   ``python -m tests.pinned write``           (then review the diff and name the fix behind it)
Check:   ``python -m tests.pinned check teacher``   (exit 1 with the problems; the tests run this
          under each ``ATEN_CPU_CAPABILITY`` in a subprocess, since torch reads it once at import)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
MARGIN = 0.05  # two best tag probabilities closer than this: the model is undecided there
SCORE_TOL = 0.02
FLOATS = ("score", "min_score")


def models() -> dict[str, tuple[str, dict[str, Any]]]:
    """Pinned pipelines: golden file name → (model dir, from_pretrained kwargs)."""
    from nlp_minsheng.pipeline import DEFAULT_MODEL_NAME

    teacher = json.loads((ROOT / "models" / DEFAULT_MODEL_NAME / "meta.json").read_text(encoding="utf-8"))
    teacher_name = Path(teacher["exported_from"]).name
    return {"teacher": (str(ROOT / "models" / teacher_name), {"runtime": "torch"}),
            "default": (str(ROOT / "models" / DEFAULT_MODEL_NAME), {"runtime": "onnx"})}


def docs() -> list[Any]:
    from nlp_minsheng.corpus import read_jsonl

    gold = ROOT / "annotations" / "gold"
    return read_jsonl(gold / "seeds.jsonl") + [d for d in read_jsonl(gold / "synthetic.jsonl") if d.split == "test"]


def _plan_dict(plan: Any) -> dict[str, Any]:
    out = plan.to_dict(include_text=False)
    out["meta"] = {}  # versions and step names may change; spans, values and items may not
    return out


class _Recording:
    """A classifier proxy that keeps the probabilities it returned, by input text."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.seen = inner, {}

    def predict_proba(self, texts: list[str]) -> list[Any]:
        out = self.inner.predict_proba(texts)
        self.seen.update(zip(texts, out))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def observe(pipeline: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Raw model spans, undecided positions and the plan of each text (normalised-text offsets for the first two)."""
    import numpy as np

    from nlp_minsheng.decode import decode
    from nlp_minsheng.textnorm import normalize

    # The model runs once: the pipeline's own call is recorded, and its probabilities give the raw spans.
    recorder = _Recording(pipeline.tagger.classifier)
    pipeline.tagger.classifier = recorder
    try:
        plans = pipeline.parse_batch(texts)
    finally:
        pipeline.tagger.classifier = recorder.inner
    classifier = recorder.inner
    rows = []
    for text, plan in zip(texts, plans):
        norm = normalize(text)
        probs = recorder.seen[norm.text]
        top2 = np.sort(probs, axis=1)[:, -2:]
        undecided = np.flatnonzero(top2[:, 1] - top2[:, 0] < MARGIN).tolist()
        rows.append({"raw": [[s.start, s.end, s.label] for s in decode(probs, classifier.tags)],
                     "undecided": undecided, "to_original": [list(norm.starts), list(norm.ends)],
                     "plan": _plan_dict(plan)})
    return rows


def _entities(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every entity with where it sits (the plan's list, or an item's)."""
    return [("plan", e) for e in plan["entities"]] + [(f"item {it['index']}", e) for it in plan["items"]
                                                       for e in it["entities"]]


def _key(where: str, e: dict[str, Any]) -> str:
    return where + ": " + json.dumps({k: v for k, v in e.items() if k not in FLOATS}, ensure_ascii=False, sort_keys=True)


def compare(doc_id: str, want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Problems (empty when ``got`` matches ``want`` up to the model's undecided positions)."""
    undecided = set(want["undecided"])
    diff = {tuple(s) for s in want["raw"]} ^ {tuple(s) for s in got["raw"]}
    problems = [f"{doc_id}: raw span {s} differs where the model was decided (margin ≥ {MARGIN})"
                for s in sorted(diff) if not any(p in undecided for p in range(s[0] - 1, s[1] + 1))]
    if problems:
        return problems
    starts, ends = got["to_original"]  # normalisation depends on the text only, not on the model
    # Original-text region of the allowed differences; entities touching it may differ.
    region = [(starts[s], ends[e - 1]) for s, e, _ in diff]

    def free(e: dict[str, Any]) -> bool:
        return not any(e["start"] <= b and a <= e["end"] for a, b in region)

    wp, gp = want["plan"], got["plan"]
    for field in ("year",) + (() if diff else ("region",)):
        if wp.get(field) != gp.get(field):
            problems.append(f"{doc_id}: plan {field} {gp.get(field)!r}, pinned {wp.get(field)!r}")
    w_items = [(it["index"], it["title"], it["start"], it["end"]) for it in wp["items"]]
    g_items = [(it["index"], it["title"], it["start"], it["end"]) for it in gp["items"]]
    if w_items != g_items:
        problems.append(f"{doc_id}: items changed: got {g_items[:3]}…, pinned {w_items[:3]}…")
    w_ents = {_key(w, e): e for w, e in _entities(wp) if free(e)}
    g_ents = {_key(w, e): e for w, e in _entities(gp) if free(e)}
    for k in sorted(set(w_ents) ^ set(g_ents)):
        side = "pinned only" if k in w_ents else "new"
        problems.append(f"{doc_id}: entity {side}: {k[:160]}")
    for k in set(w_ents) & set(g_ents):
        for f in FLOATS:
            a, b = w_ents[k].get(f), g_ents[k].get(f)
            if a is not None and b is not None and abs(a - b) > SCORE_TOL:
                problems.append(f"{doc_id}: {f} {b} differs from pinned {a} by more than {SCORE_TOL}: {k[:80]}")
    return problems


def check(name: str) -> list[str]:
    from nlp_minsheng.pipeline import Pipeline

    path, kwargs = models()[name]
    pinned = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    ds = docs()
    if [d.id for d in ds] != [r["id"] for r in pinned["docs"]]:
        return [f"documents changed: pinned {[r['id'] for r in pinned['docs']]}, got {[d.id for d in ds]}"]
    got = observe(Pipeline.from_pretrained(path, **kwargs), [d.text for d in ds])
    return [p for w, g in zip(pinned["docs"], got) for p in compare(w["id"], w, g)]


def write() -> None:
    from nlp_minsheng.pipeline import Pipeline

    GOLDEN.mkdir(exist_ok=True)
    ds = docs()
    for name, (path, kwargs) in models().items():
        rows = observe(Pipeline.from_pretrained(path, **kwargs), [d.text for d in ds])
        data = {"model": Path(path).name, "margin": MARGIN,
                "docs": [{"id": d.id, **{k: v for k, v in r.items() if k != "to_original"}} for d, r in zip(ds, rows)]}
        (GOLDEN / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                                             encoding="utf-8")
        print("wrote", GOLDEN / f"{name}.json", sum(len(r["undecided"]) for r in rows), "undecided positions")


def main(argv: list[str]) -> int:
    if argv[:1] == ["write"]:
        write()
        return 0
    if argv[:1] == ["check"] and len(argv) == 2:
        problems = check(argv[1])
        print("\n".join(problems) if problems else f"{argv[1]}: matches the pinned output")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
