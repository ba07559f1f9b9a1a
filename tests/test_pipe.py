"""The streaming API: pipe() batches across documents, named steps can be disabled, errors stay local."""

from __future__ import annotations

import json

import pytest

from nlp_minsheng import Pipeline
from nlp_minsheng.decode import Span
from nlp_minsheng.pipeline import STEPS, RuleTagger

TEXTS = [
    "一、新建口袋公园\n2025年底前在昆山市玉山镇新建口袋公园12个，总投资3000万元。",
    "二、增加停车位\n新增公共停车泊位不少于2000个，6月底前完成。",
    "三、老旧小区改造\n改造老旧小区30个，惠及居民1.2万户。",
]


class CountingTagger(RuleTagger):
    """The rule tagger, recording how many texts each call gets; fails on texts with BOOM."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def tag(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(len(texts))
        if any("BOOM" in t for t in texts):
            raise RuntimeError("tagger exploded")
        return super().tag(texts)


def test_pipe_batches_documents_into_one_tagger_call_per_chunk() -> None:
    tagger = CountingTagger()
    plans = list(Pipeline(tagger).pipe(TEXTS * 7, batch_size=8))
    assert len(plans) == 21
    assert tagger.calls == [8, 8, 5]
    assert [p.text for p in plans] == TEXTS * 7


def test_pipe_is_lazy_over_a_generator() -> None:
    seen: list[int] = []

    def gen():
        for i, t in enumerate(TEXTS * 4):
            seen.append(i)
            yield t

    it = Pipeline.rules_only().pipe(gen(), batch_size=2)
    next(it)
    assert len(seen) == 2  # only the first chunk has been read


def test_as_tuples_carries_context() -> None:
    out = list(Pipeline.rules_only().pipe(((t, {"id": i}) for i, t in enumerate(TEXTS)), as_tuples=True))
    assert [ctx["id"] for _, ctx in out] == [0, 1, 2]
    assert all(plan.entities for plan, _ in out)


def test_parse_batch_is_list_of_pipe() -> None:
    pipe = Pipeline.rules_only()
    assert [p.to_dict() for p in pipe.parse_batch(TEXTS)] == [p.to_dict() for p in pipe.pipe(TEXTS)]


def test_named_steps_and_disable() -> None:
    pipe = Pipeline.rules_only()
    assert pipe.pipe_names == list(STEPS)
    doc = "\n".join(TEXTS)
    full = pipe.parse(doc)
    assert full.meta["pipeline"] == list(STEPS)
    assert any(e.value for e in full.entities) and full.items

    no_values = Pipeline.rules_only(disable=["values", "segment"]).parse(doc)
    assert [(e.start, e.end, e.label) for e in no_values.entities] == [(e.start, e.end, e.label) for e in full.entities]
    assert all(e.value is None for e in no_values.entities)
    assert no_values.items == () and no_values.meta["pipeline"] == ["normalize", "tag", "repair", "resolve"]

    assert Pipeline.rules_only(disable=["tag"]).parse(TEXTS[0]).entities == ()
    with pytest.raises(ValueError, match="unknown pipeline steps \\['tagging'\\]; expected some of"):
        Pipeline.rules_only(disable=["tagging"])


def test_disabling_normalize_still_keeps_offsets() -> None:
    text = "２０２５年底前新建口袋公園１２個"
    plan = Pipeline.rules_only(disable=["normalize"]).parse(text)
    for e in plan.entities:
        assert text[e.start : e.end] == e.text


def test_entities_know_their_item_and_min_score() -> None:
    plan = Pipeline.rules_only().parse("\n".join(TEXTS))
    assert len(plan.items) == 3
    for item in plan.items:
        for e in item.entities:
            assert e.item == item.index
    inside = {id(e) for it in plan.items for e in it.entities}
    for e in plan.entities:
        assert (e.item is not None) == (id(e) in inside)
        assert 0 <= e.min_score <= e.score <= 1
    assert json.loads(plan.to_json())["entities"][0]["item"] == 1


def test_errors_are_reported_per_document_and_the_rest_is_parsed() -> None:
    tagger = CountingTagger()
    errors: list[tuple[int, str]] = []
    docs = [TEXTS[0], 42, "BOOM " + TEXTS[1], TEXTS[2]]
    out = list(Pipeline(tagger).pipe(docs, on_error=lambda i, exc: errors.append((i, str(exc)))))
    assert [p is None for p in out] == [False, True, True, False]
    assert errors[0] == (1, "parse() expects str, got int")
    assert errors[1] == (2, "tagger exploded")
    assert out[3].entities  # tagged one by one after the chunk failed
    with pytest.raises(RuntimeError, match="tagger exploded"):
        list(Pipeline(CountingTagger()).pipe(["BOOM"]))


def test_a_tagger_protocol_object_is_used_as_is() -> None:
    class Fixed:
        name = "fixed"

        def tag(self, texts):  # type: ignore[no-untyped-def]
            return [[Span(0, 2, "LOCATION", 0.9, 0.8)] for _ in texts]

    plan = Pipeline(Fixed()).parse("昆山新建公园")
    assert [(e.text, e.source, e.score, e.min_score) for e in plan.entities] == [("昆山", "fixed", 0.9, 0.8)]
    with pytest.raises(TypeError, match="expected a Tagger or a token classifier"):
        Pipeline(object())


def test_batch_uses_pipe_across_documents(tmp_path, monkeypatch) -> None:
    from nlp_minsheng import batch

    tagger = CountingTagger()
    monkeypatch.setattr(batch, "_make_pipeline", lambda *a, **k: Pipeline(tagger))
    src = tmp_path / "in.jsonl"
    rows = [{"id": f"d{i}", "text": t} for i, t in enumerate(TEXTS * 6)]
    rows[4]["text"] = "BOOM"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    counts = batch.run_batch([str(src)], out, progress=False)
    assert counts == {"done": 17, "skipped": 0, "failed": 1}
    assert tagger.calls[0] == batch.CHUNK  # one call for the first chunk of documents
    written = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == [r["id"] for r in rows if r["text"] != "BOOM"]
    err = json.loads((tmp_path / "out.errors.jsonl").read_text(encoding="utf-8"))
    assert err["id"] == "d4" and "tagger exploded" in err["error"]
