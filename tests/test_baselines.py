"""Third-party baselines return valid, non-overlapping spans of our labels."""

from nlp_minsheng.baselines import jieba_tagger, jionlp_tagger
from nlp_minsheng.labels import LABELS

TEXT = "2024年青岛市崂山区计划在中韩街道新建2个驿站，总投资约500万元，平湖市和昆山也有。"


def _valid(spans):
    assert all(lab in LABELS and 0 <= s < e <= len(TEXT) for s, e, lab in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_jionlp_baseline():
    spans = jionlp_tagger([TEXT])[0]
    _valid(spans)
    got = {(TEXT[s:e], lab) for s, e, lab in spans}
    assert {("青岛市崂山区", "LOCATION"), ("约500万元", "AMOUNT"), ("平湖市", "LOCATION")} <= got


def test_jieba_baseline():
    spans = jieba_tagger([TEXT, ""])
    _valid(spans[0])
    assert spans[1] == []
    assert any(lab == "TARGET" and TEXT[s:e] == "2个" for s, e, lab in spans[0])


def test_lac_baseline():
    from nlp_minsheng.baselines import lac_tagger

    spans = lac_tagger([TEXT + "\n第二行在平湖市"])[0]
    assert all(lab in LABELS for _, _, lab in spans)
    got = {((TEXT + "\n第二行在平湖市")[s:e], lab) for s, e, lab in spans}
    assert ("平湖市", "LOCATION") in got
