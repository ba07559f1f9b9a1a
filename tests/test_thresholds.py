"""Choosing per-label span score thresholds: on a dev split, never on the real-shaped dev set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from nlp_minsheng.corpus import Document
from training import thresholds


def test_choose_scores_every_label_on_the_grid(tiny_model_dir: Path) -> None:
    text = "新建幼儿园3所，投资1200万元，2024年底前完成。"
    doc = Document(id="t1", text=text, spans=[(text.index("3所"), text.index("3所") + 2, "TARGET")])
    res = thresholds.choose(tiny_model_dir, [doc])
    assert set(res) == {"TARGET", "AMOUNT", "DEADLINE", "LOCATION"}
    for r in res.values():
        assert [g["threshold"] for g in r["grid"]] == list(thresholds.GRID)
        best = max(g["f1"] for g in r["grid"])
        # The highest threshold among the best F1 (precision first).
        assert r["chosen"] == max(g["threshold"] for g in r["grid"] if g["f1"] == best)


def test_the_real_shaped_dev_set_never_chooses(capsys) -> None:  # type: ignore[no-untyped-def]
    assert thresholds.main(["models/minsheng-ner-v3.1-int8", "--split", "dev-real"]) == 2
    assert "reports results" in capsys.readouterr().err


def test_write_stores_the_choice_in_meta(tiny_model_dir: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "m"
    shutil.copytree(tiny_model_dir, d)
    fake = {lab: {"chosen": t, "grid": []} for lab, t in (("TARGET", 0.9), ("AMOUNT", 0.0), ("DEADLINE", 0.5),
                                                           ("LOCATION", 0.0))}
    monkeypatch.setattr(thresholds, "choose", lambda model, docs: fake)
    assert thresholds.main([str(d), "--write"]) == 0
    pipeline = json.loads((d / "meta.json").read_text(encoding="utf-8"))["pipeline"]
    assert pipeline["min_score"] == {"TARGET": 0.9, "DEADLINE": 0.5}  # 0.0 keeps every span: not stored
    assert pipeline["min_score_chosen_on"].startswith("dev (")
