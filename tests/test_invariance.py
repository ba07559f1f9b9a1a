"""Items and the plan year do not depend on how a page is dressed: script, readings, blank lines, indents, chrome, marker family,
flattened tables (eval/invariance.py), on every tuning page with item gold."""

from __future__ import annotations

import pytest

from eval.invariance import NEXT, NONE, PREV, TRANSFORMS, rebuild, run, tuning_docs


def test_offset_maps_carry_ranges_with_what_was_inserted_for_them() -> None:
    text = "1.新建3所\n2.改造"
    # "1." becomes "(1)" (the "." dropped), a header goes on top, a reading after 所.
    pieces = [(NONE, "H"), (NEXT, "("), (0, "1"), (NEXT, ")"), *((i, text[i]) for i in range(2, 6)),
              (PREV, "!"), *((i, text[i]) for i in range(6, len(text)))]
    new, (start, end, _) = rebuild(text, pieces)
    assert new == "H(1)新建3所!\n2.改造"
    assert new[start[0]:end[6]] == "(1)新建3所!"  # the marker before, the reading after; not the header
    assert new[start[6]:end[len(text)]] == "\n2.改造"
    assert new[start[3]:end[5]] == "建3"


@pytest.mark.parametrize("name", [n for n in TRANSFORMS if n != "as written"])
def test_transforms_keep_the_text_of_the_page(name: str) -> None:
    from nlp_minsheng.textnorm import normalize

    text = "一、教育类\n1.新建幼儿园3所。\n2.改造小区5个。\n| 1 | 项目 | 3所 |"
    new, (start, end, _) = TRANSFORMS[name](text)
    assert all(a <= b for a, b in zip(start, start[1:])) and all(a <= b for a, b in zip(end, end[1:]))
    assert start[0] <= end[len(text)] <= len(new)
    if name not in ("traditional", "chrome", "(1) markers", "① markers", "▶ bullets"):
        assert "新建幼儿园" in normalize(new).text  # only dressing was added


# Rewrites that change where lines break, add text inside items or cut the page: items cannot be exactly the
# same, the item F1 must stay near the page as written (measured on the 207 pages: first as written 0.941, hard
# wraps 0.855, spam 0.912, one paragraph 0.930, truncated 0.916; after the corpus v2 grammar work as written 0.975,
# hard wraps 0.893, spam 0.947, one paragraph 0.965, truncated 0.943: a cut page loses the items a complete list
# would have given, more of them now that the complete page gives more).
NOT_EXACT = {"hard wraps": 0.09, "spam": 0.03, "one paragraph": 0.02, "truncated": 0.04}


def test_items_are_the_same_however_the_tuning_pages_are_dressed() -> None:
    docs = tuning_docs(["rs", "rsv", "dev", "seed"])
    assert len(docs) >= 200
    results = run(docs)
    changed = {name: r["changed"] for name, r in results.items() if r["changed"] and name not in NOT_EXACT}
    assert not changed, changed
    # The plan year too, except where a wrap cuts a year in two (20|20年) or the cut takes the only year.
    years = {name: r["year_changed"] for name, r in results.items()
             if r["year_changed"] and name not in ("hard wraps", "truncated")}
    assert not years, years
    base = results["as written"]["f1"]
    for name, drop in NOT_EXACT.items():
        assert results[name]["f1"] >= base - drop, (name, results[name]["f1"], base)


def test_entity_gold_is_carried_to_the_characters_of_each_mention() -> None:
    from eval.invariance import entity_scores
    from nlp_minsheng.corpus import Document
    from nlp_minsheng.pipeline import Pipeline

    doc = Document("x", "2024年城关区新建幼儿园3所。", [(0, 5, "DEADLINE"), (5, 8, "LOCATION"), (13, 15, "TARGET")])
    for name in ("traditional", "pinyin", "indent", "chrome", "spaced titles"):
        new, (_, _, own) = TRANSFORMS[name](doc.text)
        for s, e, _lab in doc.spans:  # the mention's own characters, in the same script or converted
            assert len(new[own[s]:own[e - 1] + 1]) >= e - s
    rules = Pipeline.rules_only()
    as_written = entity_scores([doc], TRANSFORMS["as written"], rules)["micro"]
    gold = {(s, e, lab) for s, e, lab in doc.spans}
    pred = {(x.start, x.end, x.label) for x in rules.parse(doc.text).entities}
    assert as_written["tp"] == len(gold & pred)
    assert as_written["fp"] == len(pred - gold)
    assert as_written["fn"] == len(gold - pred)
