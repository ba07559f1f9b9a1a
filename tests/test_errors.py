"""Error analysis: each mismatch gets exactly one kind; per-genre scores add up."""

from nlp_minsheng.corpus import Document
from nlp_minsheng.errors import find_errors, report
from nlp_minsheng.evaluation import by_genre


def test_error_kinds():
    text = "2024年新建3所学校，在崂山区和市南区，投资500万元。"
    gold = [(0, 5, "DEADLINE"), (7, 9, "TARGET"), (13, 16, "LOCATION"), (17, 20, "LOCATION"), (23, 28, "AMOUNT")]
    pred = [(0, 5, "DEADLINE"),            # correct
            (7, 8, "TARGET"),              # boundary
            (13, 16, "AMOUNT"),            # wrong label
            (9, 11, "LOCATION")]           # spurious; 市南区 and 500万元 missed
    doc = Document("d", text, gold, {"genre": "list"})
    errs = find_errors([doc], [pred])
    kinds = sorted((e.kind, e.label) for e in errs)
    assert kinds == [("boundary", "TARGET"), ("label", "LOCATION"), ("miss", "AMOUNT"), ("miss", "LOCATION"),
                     ("spurious", "LOCATION")]
    md = report(errs)
    assert "| TARGET | 0 | 0 | 1 | 0 | 1 |" in md and "【市南区】" in md


def test_by_genre():
    a = Document("a", "新建3所", [(2, 4, "TARGET")], {"genre": "progress"})
    b = Document("b", "新建3所", [(2, 4, "TARGET")], {"genre": "table"})
    res = by_genre([a, b], [[(2, 4, "TARGET")], []])
    assert res["progress"]["f1"] == 1.0 and res["table"]["f1"] == 0.0
    assert res["progress"]["n_docs"] == 1 and res["table"]["gold"] == 1


def test_paired_bootstrap_sees_noise_and_real_drops():
    from nlp_minsheng.scoring import paired_bootstrap, worse_beyond_noise

    gold = [[(0, 2, "TARGET"), (3, 5, "LOCATION")] for _ in range(40)]
    same = paired_bootstrap(gold, gold, gold, n=200)
    assert worse_beyond_noise(same) == [] and same["micro"]["diff"] == 0
    # New model loses every LOCATION: a drop far beyond document noise.
    no_loc = [[s for s in g if s[2] != "LOCATION"] for g in gold]
    cmp = paired_bootstrap(gold, gold, no_loc, n=200)
    assert "LOCATION" in worse_beyond_noise(cmp) and "TARGET" not in worse_beyond_noise(cmp)
    # One document worse out of 40: inside the noise for TARGET.
    one = [list(g) for g in gold]
    one[0] = [(3, 5, "LOCATION")]
    assert "TARGET" not in worse_beyond_noise(paired_bootstrap(gold, gold, one, n=500))
