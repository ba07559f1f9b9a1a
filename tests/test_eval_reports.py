"""The report's acceptance lines are computed, so they are tested like code."""

import json

import pytest

from eval.results import gate_line
from training.model_card import _speed


@pytest.mark.parametrize(
    ("new", "old", "labels", "verdict"),
    [
        ({"A": 0.90, "micro": 0.80}, {"A": 0.90, "micro": 0.80}, ["A"], "no A score more than 1 point below"),
        ({"A": 0.895, "micro": 0.80}, {"A": 0.90, "micro": 0.80}, ["A"], "no A score more than 1 point below"),
        ({"A": 0.88, "micro": 0.80}, {"A": 0.90, "micro": 0.80}, ["A"], "more than 1 point below on: A"),
        # Only the gated labels count: micro may fall when it is not gated.
        ({"A": 0.90, "micro": 0.70}, {"A": 0.90, "micro": 0.80}, ["A"], "no A score more than 1 point below"),
        ({"A": 0.90, "micro": 0.70}, {"A": 0.90, "micro": 0.80}, ["micro"], "more than 1 point below on: micro"),
    ],
)
def test_gate_line_verdict(new, old, labels, verdict):
    line = gate_line("new − old", new, old, labels=labels)
    assert line.startswith("new − old, strict F1 points: ")
    assert line.endswith(f"({verdict}).")


def test_gate_line_reports_signed_points():
    line = gate_line("d", {"A": 0.912, "micro": 0.85}, {"A": 0.90, "micro": 0.86}, labels=["A"])
    assert "A +1.2" in line and "micro -1.0" in line


def test_card_speed_section_renders_a_benchmark_run(tmp_path):
    assert _speed(tmp_path) == ""  # no benchmark beside the model: no section
    row = {"name": "default: x", "chars_per_s": 12345, "docs_per_s": 6.1, "cold_start_s": 0.4, "peak_rss_mb": 300,
           "dev_strict_micro_f1": 0.9}
    base = {"name": "regex baseline", "chars_per_s": 60000, "docs_per_s": 30.0, "peak_rss_mb": 190}
    run = {"date": "2026-01-01 00:00", "machine": "x86_64, 2 cores", "chars": 1000, "text": "dev", "rows": [row, base]}
    (tmp_path / "benchmark.json").write_text(json.dumps(run), encoding="utf-8")
    text = _speed(tmp_path)
    assert "| default: x | 12,345 | 6.1 | 0.4 | 300 | 0.9 |" in text
    assert "| regex baseline | 60,000 | 30.0 | – | 190 | – |" in text
    assert "timed passes" not in text  # a run of single passes (before --repeats) says nothing of passes
    run["rows"] = [{**row, "timed_passes": 3}, {**base, "timed_passes": 3}]
    (tmp_path / "benchmark.json").write_text(json.dumps(run), encoding="utf-8")
    assert "the fastest of 3 timed passes" in _speed(tmp_path)


def test_crossval_rescore_needs_the_saved_fold_models(tmp_path):
    from eval.crossval import main

    scores = tmp_path / "cv.json"
    scores.write_text(json.dumps({"folds": [{"test": "seed-000", "how": "trained for this fold", "scores": {}}]}),
                      encoding="utf-8")
    with pytest.raises(SystemExit) as err:
        main(["--rescore", "--out", str(scores)])
    assert err.value.code == 2  # argparse: --rescore without --save-dir
    with pytest.raises(SystemExit, match=r"fold seed-000: expected a saved model in .*seed-000"):
        main(["--rescore", "--save-dir", str(tmp_path / "folds"), "--out", str(scores)])


def test_card_shows_the_mistake_classes_of_the_real_shaped_dev_set():
    from nlp_minsheng.corpus import Document
    from nlp_minsheng.labels import LABELS
    from training.model_card import _table
    from training.train import _brief, _with_mistakes

    text = "截至9月底已完成改造12个小区，计划年底前再改造30个。"
    doc = Document("r1", text, [(text.index("30个"), text.index("30个") + 3, "TARGET")], {"split": "dev-real"})
    wrong = (text.index("12个"), text.index("12个") + 3, "TARGET")
    zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}

    def res():
        return {"strict": {lab: zero for lab in (*LABELS, "micro")} | {"macro_f1": 0.0},
                "overlap": {lab: zero for lab in (*LABELS, "micro")} | {"macro_f1": 0.0}, "value_accuracy": {},
                "n_docs": 1, "n_chars": len(text), "predictions": [[wrong, doc.spans[0]]]}

    brief = _brief(_with_mistakes(res(), [doc]))
    assert sum(brief["mistake_classes"].values()) == 1  # one false positive, counted once
    assert "| mistake class | errors |" in _table(brief, "dev-real")
    other = _brief(_with_mistakes(res(), [Document("d1", text, [], {"split": "dev"})]))
    assert "mistake_classes" not in other  # only the real-shaped dev set gets the table


def test_structure_scores_items_year_and_metric_by_genre() -> None:
    from nlp_minsheng.corpus import Document
    from nlp_minsheng.evaluation import evaluate_structure
    from nlp_minsheng.results import Entity, Item, Plan

    text = "1.新建幼儿园3所。\n2.改造小区12个。\n"
    a, b = (0, 10), (11, 21)
    docs = [
        Document("l1", text, [], {"genre": "list", "items": [[*a, "幼儿园"], [*b, "小区"]], "plan_year": 2024,
                                  "metrics": [[7, 9, "新建幼儿园"]]}),
        Document("r1", "报告正文。", [], {"genre": "report", "items": [], "plan_year": 2023}),
    ]
    target = Entity(7, 9, "TARGET", "3所", 0.9, {"metric": "幼儿园"})  # same head noun, not the same metric
    plans = [Plan(text, 2024, items=(Item(1, "幼儿园", *a), Item(2, "x", 11, 16)), entities=(target,)),
             Plan("报告正文。", 2024)]
    res = evaluate_structure(plans, docs)
    assert res["items"]["f1"] == pytest.approx(0.5)  # one of two items right, one wrong
    assert res["items"]["count_exact"] == 1.0
    assert res["plan_year"]["accuracy"] == 0.5
    assert (res["metric"]["exact"], res["metric"]["exact_or_head"], res["metric"]["n"]) == (0.0, 1.0, 1)
    assert res["by_genre"]["list"]["item_f1"] == pytest.approx(0.5)
    assert res["by_genre"]["report"]["item_f1"] is None  # no items on either side: no F1, not 0
    assert res["by_genre"]["report"]["count_exact"] == 1.0
    from eval.structure import markdown, summary

    lines = summary({"dev-real": res})  # the console report prints a genre without items too
    assert any(line.split()[:4] == ["report", "item", "F1", "–"] for line in lines), lines
    assert "| report | 1 | – |" in markdown({"dev-real": res, "dev": res}, "m")


def test_benchmark_reports_the_fastest_of_its_timed_passes(monkeypatch) -> None:
    from eval import benchmark

    clock = iter([0.0, 5.0, 10.0, 12.0, 20.0, 29.0])  # passes of 5 s, 2 s and 9 s
    monkeypatch.setattr(benchmark.time, "perf_counter", lambda: next(clock))
    calls = []
    best, out = benchmark._best_of(3, lambda: calls.append(1) or len(calls))
    assert best == 2.0 and out == 3 and len(calls) == 3
