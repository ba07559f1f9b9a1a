"""Output sanity: pinyin is never a place, the plan region is always a gazetteer division."""

import pytest

from nlp_minsheng import Pipeline, parse
from nlp_minsheng.corpus import iter_corpus
from nlp_minsheng.gazetteer import _names, can_be_place, division

from .conftest import ROOT


@pytest.mark.parametrize("text,ok", [
    ("qū", False), ("zhèn", False), ("xiàn", False), ("Kunshan", False), ("G106", True), ("S201", True),
    ("G15沈海", True), ("昆山市", True), ("高新區", True), ("12", False), ("", False),
])
def test_can_be_place(text, ok):
    assert can_be_place(text) is ok


@pytest.mark.parametrize("name,full", [
    ("昆山", "昆山市"), ("昆山市", "昆山市"), ("浙江温州", "温州市"), ("江苏省苏州市昆山市", "昆山市"),
    ("北京", "北京市"), ("新疆", "新疆维吾尔自治区"), ("崂山区", "崂山区"),
    # fragments and non-divisions
    ("浙江温", None), ("中山路", None), ("高新区", None), ("开发区", None), ("qū", None), ("", None),
])
def test_division(name, full):
    assert division(name) == full


def test_pinyin_never_location_rules():
    plan = Pipeline.rules_only().parse("qū zhèn xiàn")
    assert [e for e in plan.entities if e.label == "LOCATION"] == []


def _gold_texts():
    return [d.text for d in iter_corpus(sorted((ROOT / "annotations" / "gold").glob("*.jsonl")))]


def test_region_is_a_division_rules():
    full_names = {v[0] for v in _names().values()}
    plans = Pipeline.rules_only().parse_batch(_gold_texts())
    regions = [p.region for p in plans]
    assert all(r is None or r in full_names for r in regions), [r for r in regions if r not in full_names]
    assert sum(r is not None for r in regions) > len(regions) / 2  # the rule finds a region on most pages


@pytest.mark.slow
def test_pinyin_and_region_shipped_model():
    for text in ("qū zhèn xiàn", "區(qū)鎮(zhèn)縣(xiàn)", "qū zhèn xiàn G106"):
        assert all(e.text != "qū" and can_be_place(e.text) for e in parse(text).entities if e.label == "LOCATION")
    full_names = {v[0] for v in _names().values()}
    from nlp_minsheng import parse_batch

    regions = [p.region for p in parse_batch(_gold_texts()[:60])]
    assert all(r is None or r in full_names for r in regions)


@pytest.mark.parametrize("text,span,want", [
    ("在李庄社区建设", (1, 4), "李庄社区"),      # end inside 社区: outward
    ("印发某某县实施方案", (1, 5), "某某县"),    # start inside 印发 on a tie: inward
    ("石门坎村修路", (0, 2), "石门坎"),
    ("崂山区新建", (0, 3), "崂山区"),            # already on word edges: unchanged
])
def test_location_edges_snap_to_words(text, span, want):
    from nlp_minsheng.words import WordEdges

    s, e = WordEdges(text).snap(*span)
    assert text[s:e] == want
