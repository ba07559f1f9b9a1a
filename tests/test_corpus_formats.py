"""Gold validation over annotations/, format round trips, scorer vs seqeval."""

import json
from pathlib import Path

import pytest

from nlp_minsheng.cli import main as cli
from nlp_minsheng.corpus import Document, iter_corpus, read_jsonl, validate
from nlp_minsheng.formats import from_conll, from_doccano, from_label_studio, to_conll, to_doccano, to_label_studio
from nlp_minsheng.scoring import score, spans_to_iob2

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "annotations" / "gold"


def test_all_gold_validates():
    docs = list(iter_corpus([GOLD]))
    assert len([d for d in docs if not d.synthetic]) == 5
    assert {d.meta.get("genre") for d in docs} <= {"vote", "list", "progress", "notice", "table", "report", "solicit", "mixed"}
    assert len([d for d in docs if d.synthetic]) >= 40
    problems = [p for d in docs for p in validate(d)]
    assert problems == []
    assert cli(["validate", str(GOLD)]) == 0


def test_seed_gold_matches_published_text():
    seeds = ROOT / "annotations" / "seeds"
    for d in read_jsonl(GOLD / "seeds.jsonl"):
        assert (seeds / d.meta["source"]).read_text(encoding="utf-8") == d.text


def test_validate_reports_each_problem(tmp_path):
    bad = Document("x", "新建 2个驿站，投资", [(2, 5, "TARGET"), (4, 6, "TARGET"), (0, 2, "PLACE"), (8, 20, "AMOUNT")])
    msgs = [p.message for p in validate(bad)]
    assert any("whitespace/punctuation" in m for m in msgs)
    assert any("overlaps" in m for m in msgs)
    assert any("unknown label 'PLACE'" in m for m in msgs)
    assert any("out of range" in m for m in msgs)
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps(bad.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli(["validate", str(f)]) == 1


@pytest.fixture(scope="module")
def gold_docs():
    return read_jsonl(GOLD / "seeds.jsonl")


def test_doccano_round_trip(gold_docs):
    back = from_doccano(json.loads(json.dumps(to_doccano(gold_docs), ensure_ascii=False)))
    assert [(d.id, d.text, sorted(d.spans)) for d in back] == [(d.id, d.text, sorted(d.spans)) for d in gold_docs]


def test_label_studio_round_trip(gold_docs):
    for as_pred in (False, True):
        tasks = to_label_studio(gold_docs, model_version="v1", as_predictions=as_pred,
                                scores={d.id: [0.5] * len(d.spans) for d in gold_docs})
        back = from_label_studio(json.loads(json.dumps(tasks, ensure_ascii=False)))
        assert [(d.id, d.text, sorted(d.spans)) for d in back] == [(d.id, d.text, sorted(d.spans)) for d in gold_docs]
    assert tasks[0]["predictions"][0]["model_version"] == "v1"
    assert tasks[0]["predictions"][0]["result"][0]["score"] == 0.5


def test_conll_round_trip(gold_docs):
    back = from_conll(to_conll(gold_docs))
    assert [(d.id, d.text, sorted(d.spans)) for d in back] == [(d.id, d.text, sorted(d.spans)) for d in gold_docs]


def test_cli_export_import_round_trip(tmp_path):
    src = GOLD / "seeds.jsonl"
    for fmt in ("doccano", "label-studio", "conll"):
        out = tmp_path / f"x.{fmt}"
        assert cli(["export", str(src), "--for", fmt, "-o", str(out)]) == 0
        back = tmp_path / f"back-{fmt}.jsonl"
        assert cli(["import", str(out), "-o", str(back)]) == 0
        a, b = read_jsonl(src), read_jsonl(back)
        assert [(d.id, d.text, sorted(d.spans)) for d in a] == [(d.id, d.text, sorted(d.spans)) for d in b]


def test_strict_scores_equal_seqeval(gold_docs):
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    # A perturbed prediction: drop some spans, shift some edges, relabel some.
    preds = []
    for d in gold_docs:
        p = []
        for k, (s, e, lab) in enumerate(sorted(d.spans)):
            if k % 5 == 0:
                continue
            if k % 7 == 0:
                s = max(0, s - 1)
            if k % 11 == 0:
                lab = "LOCATION" if lab != "LOCATION" else "TARGET"
            p.append((s, e, lab))
        preds.append(p)
    ours = score([d.spans for d in gold_docs], preds)
    y_true = [spans_to_iob2(len(d.text), d.spans) for d in gold_docs]
    y_pred = [spans_to_iob2(len(d.text), p) for d, p in zip(gold_docs, preds)]
    rep = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    for lab in ("TARGET", "AMOUNT", "DEADLINE", "LOCATION"):
        assert ours["strict"][lab]["f1"] == pytest.approx(rep[lab]["f1-score"], abs=1e-4)
    assert ours["strict"]["micro"]["f1"] == pytest.approx(rep["micro avg"]["f1-score"], abs=1e-4)
    assert ours["overlap"]["micro"]["f1"] >= ours["strict"]["micro"]["f1"]


def test_stats_table(capsys):
    assert cli(["stats", str(GOLD)]) == 0
    out = capsys.readouterr().out
    assert "| real | 5 |" in out and "TARGET" in out


def test_label_studio_config_matches_results(gold_docs, tmp_path):
    import xml.etree.ElementTree as ET

    from nlp_minsheng.formats import dump, label_studio_config_path
    from nlp_minsheng.labels import LABELS

    out = tmp_path / "tasks.json"
    dump(gold_docs[:2], "label-studio", out, as_predictions=True, model_version="m")
    root = ET.fromstring(label_studio_config_path(out).read_text(encoding="utf-8"))
    labels = root.find("Labels")
    text = root.find("Text")
    assert [x.get("value") for x in labels.findall("Label")] == list(LABELS)
    assert labels.get("toName") == text.get("name") and text.get("value") == "$text"
    for task in json.loads(out.read_text(encoding="utf-8")):
        assert task["predictions"][0]["model_version"] == "m"
        for r in task["predictions"][0]["result"]:
            assert (r["from_name"], r["to_name"]) == (labels.get("name"), text.get("name"))
            assert r["value"]["labels"][0] in LABELS
