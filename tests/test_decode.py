"""Decoding on synthetic probabilities: legal IOB2, spans and scores."""

import numpy as np
import pytest

from nlp_minsheng.decode import decode, viterbi
from nlp_minsheng.labels import TAGS


def probs_for(tags: list[str], conf: float = 0.9) -> np.ndarray:
    p = np.full((len(tags), len(TAGS)), (1 - conf) / (len(TAGS) - 1), dtype=np.float32)
    for i, t in enumerate(tags):
        p[i, TAGS.index(t)] = conf
    return p


def test_simple_spans_and_mean_score():
    tags = ["O", "B-TARGET", "I-TARGET", "O", "B-AMOUNT", "I-AMOUNT", "I-AMOUNT"]
    spans = decode(probs_for(tags))
    assert [(s.start, s.end, s.label) for s in spans] == [(1, 3, "TARGET"), (4, 7, "AMOUNT")]
    assert spans[0].score == pytest.approx(0.9)


def test_i_without_b_is_repaired():
    # argmax would give O I-LOC I-LOC: the decoder must start the span with B- (never a bare I-).
    p = probs_for(["O", "I-LOCATION", "I-LOCATION"], conf=0.6)
    p[1, TAGS.index("B-LOCATION")] = 0.35
    path = viterbi(np.log(p))
    assert TAGS[path[1]] == "B-LOCATION" and TAGS[path[2]] == "I-LOCATION"
    assert [(s.start, s.end, s.label) for s in decode(p)] == [(1, 3, "LOCATION")]


def test_label_switch_inside_span_is_not_allowed():
    tags = ["B-TARGET", "I-AMOUNT", "I-AMOUNT"]
    path = [TAGS[i] for i in viterbi(np.log(probs_for(tags, conf=0.5)))]
    for a, b in zip(path, path[1:]):
        if b.startswith("I-"):
            assert a[2:] == b[2:]


def test_adjacent_spans_and_min_score():
    tags = ["B-LOCATION", "I-LOCATION", "B-LOCATION", "I-LOCATION"]
    p = probs_for(tags)
    p[3] = probs_for(["I-LOCATION"], conf=0.5)[0]
    spans = decode(p)
    assert [(s.start, s.end) for s in spans] == [(0, 2), (2, 4)]
    assert spans[1].min_score == pytest.approx(0.5)


def test_empty_and_wrong_width():
    assert decode(np.zeros((0, len(TAGS)))) == []
    with pytest.raises(ValueError, match="expected 9"):
        viterbi(np.zeros((3, 4)))
