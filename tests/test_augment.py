"""Mention-swapped training copies: spans still cover their mentions, only numbers and places change."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from nlp_minsheng.corpus import Document, validate

pytest.importorskip("torch", reason="training needs the train extra")

from training.augment import augment_epoch, place_pool, redraw_numbers, swap_mentions  # noqa: E402

DOC = Document("rs-X01", "2024年城关区改造老旧小区17个，投资3200万元，10月底前完成。已完成85个。",
               [(0, 5, "DEADLINE"), (5, 8, "LOCATION"), (14, 17, "TARGET"), (20, 26, "AMOUNT"), (27, 32, "DEADLINE")],
               {"corrected": True})


def test_numbers_are_redrawn_with_as_many_digits():
    rng = random.Random(1)
    for text in ("改造17个", "2024年10月31日", "0个", "共3200万元"):
        new = redraw_numbers(text, rng)
        assert len(new) == len(text) and re.sub(r"\d", "#", new) == re.sub(r"\d", "#", text)
    assert all(1 <= int(redraw_numbers("12月", rng)[:-1]) <= 12 for _ in range(50))
    assert all(1990 <= int(redraw_numbers("2024年", rng)[:4]) <= 2030 for _ in range(50))


@pytest.mark.parametrize("seed", range(20))
def test_swapped_copy_keeps_labels_layout_and_offsets(seed: int):
    rng = random.Random(seed)
    places = ["昭通市鲁甸县", "某某镇", "西岗区"]
    new = swap_mentions(DOC, places, rng)
    assert new.id == "rs-X01~aug1" and new.meta["corrected"] and not validate(new)
    assert [lab for *_, lab in new.spans] == [lab for *_, lab in DOC.spans]
    for (s, e, lab), (s0, e0, _) in zip(new.spans, DOC.spans):
        if lab == "LOCATION":
            assert new.text[s:e] in places
        else:  # the same mention with other digits
            assert re.sub(r"\d", "#", new.text[s:e]) == re.sub(r"\d", "#", DOC.text[s0:e0])
    # Outside the places, only digits changed.
    strip = lambda d: re.sub(r"\d", "#", "".join(ch for i, ch in enumerate(d.text)  # noqa: E731
                                                  if not any(s <= i < e for s, e, lab in d.spans if lab == "LOCATION")))
    assert strip(new) == strip(DOC)


def test_place_pool_is_the_corpus_locations():
    assert place_pool([DOC]) == ["城关区"]


def test_epoch_repeats_become_swapped_copies():
    from transformers import AutoTokenizer

    from nlp_minsheng.model import CharVocab
    from training.data import examples, weigh

    from .conftest import ROOT

    tok = AutoTokenizer.from_pretrained(ROOT / "models" / "minsheng-ner-v3")
    vocab = CharVocab.from_tokenizer(tok)
    other = Document("v2-x", "新建公园3个。", [(4, 6, "TARGET")])
    rows = examples([DOC, other], vocab, 32, 4)
    distinct = Counter(r["doc_id"] for r in rows)
    epoch = weigh(rows, {"@corrections": 3}, 1.0, random.Random(0))
    out = augment_epoch(epoch, distinct, {"rs-X01": DOC, "v2-x": other}, ["西岗区"], vocab, 32, 4, random.Random(0))
    assert Counter(r["doc_id"] for r in out) == Counter(r["doc_id"] for r in epoch)  # as many windows per document
    ids = [tuple(r["input_ids"]) for r in out if r["doc_id"] == "rs-X01"]
    assert len(set(ids)) > distinct["rs-X01"]  # the repeats differ from the original windows
    assert [r for r in out if r["doc_id"] == "v2-x"] == [r for r in epoch if r["doc_id"] == "v2-x"]
