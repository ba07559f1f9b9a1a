"""Pipeline mechanics with a tiny random-weight model and with the rule tagger."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp_minsheng import Entity, Pipeline, Plan
from nlp_minsheng.model import windows

from .conftest import seed_texts

SEEDS = seed_texts()


@pytest.fixture(scope="module")
def tiny(tiny_model_dir):
    return Pipeline.from_pretrained(tiny_model_dir)


@pytest.fixture(scope="module")
def rules():
    return Pipeline.rules_only()


def _assert_offsets(plan: Plan) -> None:
    for e in plan.entities:
        assert isinstance(e, Entity)
        assert plan.text[e.start : e.end] == e.text and e.text
        assert not e.text[0].isspace() and not e.text[-1].isspace()
    ends = [(e.start, e.end) for e in plan.entities]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:])), "entities overlap"
    for item in plan.items:
        for e in item.entities:
            assert item.start <= e.start and e.end <= item.end


def test_windows_cover_everything():
    for n in (0, 1, 509, 510, 511, 2000, 5003):
        ws = windows(n, 510, 64)
        covered = set()
        for s, e in ws:
            assert e - s <= 510
            covered.update(range(s, e))
        assert covered == set(range(n))


def test_tiny_model_on_seeds_offsets_and_json(tiny):
    plans = tiny.parse_batch(list(SEEDS.values()))
    assert len(plans) == len(SEEDS)
    for text, plan in zip(SEEDS.values(), plans):
        assert plan.text == text
        _assert_offsets(plan)
        json.loads(plan.to_json())


def test_long_document_is_windowed_not_truncated(tiny):
    # Tiny model window is 126 characters; this document is > 40 windows long.
    text = "\n".join(SEEDS.values())[:6000]
    probs = tiny.tagger.classifier.predict_proba([text])[0]
    assert probs.shape == (len(text), len(tiny.tagger.classifier.tags))
    # Every non-space character got real model output (rows sum to 1, not the O default only).
    nonspace = np.array([not c.isspace() for c in text])
    assert np.allclose(probs[nonspace].sum(axis=1), 1.0, atol=1e-4)
    assert (probs[nonspace, 0] < 0.999).mean() > 0.9
    # The head lies in the first window only: its probabilities equal those of that window run alone
    # (the text cut after the first 126 non-space characters, the tiny model's window).
    cut = [i for i, c in enumerate(text) if not c.isspace()][125] + 1
    alone = tiny.tagger.classifier.predict_proba([text[:cut]])[0]
    head = [i for i, c in enumerate(text[:cut]) if not c.isspace()][:30]
    assert np.allclose(probs[head], alone[head], atol=1e-5)


def test_batch_order_and_one_result_per_input(tiny):
    texts = ["", "新建2个骑行驿站", "   ", SEEDS["seed-003"][:400], "总投资约500万元"]
    plans = tiny.parse_batch(texts, batch_size=2)
    assert [p.text for p in plans] == texts
    assert plans[0].entities == () and plans[2].entities == ()


def test_save_reload_same_predictions(tiny, tiny_model_dir, tmp_path):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(tiny_model_dir)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(tmp_path)
    model.save_pretrained(tmp_path)
    (tmp_path / "meta.json").write_text((tiny_model_dir / "meta.json").read_text())  # required beside the weights
    again = Pipeline.from_pretrained(tmp_path)
    text = SEEDS["seed-000"][:800]
    a = tiny.tagger.classifier.predict_proba([text])[0]
    b = again.tagger.classifier.predict_proba([text])[0]
    assert np.allclose(a, b, atol=1e-5)


def test_int8_quantised_runs(tiny_model_dir):
    pipe = Pipeline.from_pretrained(tiny_model_dir, quantize="int8")
    _assert_offsets(pipe.parse(SEEDS["seed-004"]))
    assert pipe.model_version.endswith("+int8")


def test_bad_inputs(tiny):
    assert tiny.parse("").entities == ()
    assert tiny.parse(" \n\t\u3000").entities == ()
    with pytest.raises(TypeError, match="expects str, got int"):
        tiny.parse(42)
    with pytest.raises(TypeError, match="got bytes"):
        tiny.parse("新建".encode())
    assert tiny.parse("新建2个".encode(), decode_bytes=True).text == "新建2个"
    with pytest.raises(ValueError, match="UTF-8"):
        tiny.parse(b"\xff\xfe\xfa", decode_bytes=True)
    for junk in ["<html><body>&nbsp;</body></html>", "ÃƒÂ©Ã¤Â¸Â­æ–‡", "\x00\x01\x02", "😀" * 50, "a" * 3000]:
        _assert_offsets(tiny.parse(junk))


def test_missing_model_dir_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="expected a model directory"):
        Pipeline.from_pretrained(tmp_path / "nope")


def test_megabyte_document_rules(rules):
    text = (SEEDS["seed-002"] + "\n") * 170  # ~1 MB of characters
    assert len(text) > 1_000_000
    plan = rules.parse(text)
    assert len(plan.entities) > 1000
    _assert_offsets(plan)


def test_rules_on_seeds_find_items_year_region(rules):
    plan = rules.parse(SEEDS["seed-000"])
    assert plan.year == 2024 and len(plan.items) == 36
    assert plan.region in ("昆山", "昆山市")
    _assert_offsets(plan)
    texts = {e.text for e in plan.entities}
    assert {"约500万元", "3690万元", "2000余户"} <= texts


FUZZ = st.lists(st.one_of(
    st.sampled_from(list(SEEDS["seed-001"][:2000].split("\n")) + ["區(qū)", "&nbsp;", "<br/>", "😀", "｜", "２０２４年", "约500万元",
                                                                 "| 500 |", "●新建2个", "\u200b", "(1)"]),
    st.text(max_size=5)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(FUZZ)
def test_fuzzed_inputs_keep_offsets_tiny_model(tiny, text):
    _assert_offsets(tiny.parse(text))


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(FUZZ)
def test_fuzzed_inputs_keep_offsets_rules(rules, text):
    _assert_offsets(rules.parse(text))


def test_model_dir_without_meta_is_refused(tiny_model_dir, tmp_path):
    """Regression: a missing meta.json used to pass the label-schema check by default."""
    import shutil

    from nlp_minsheng import Pipeline

    bare = tmp_path / "bare"
    shutil.copytree(tiny_model_dir, bare)
    (bare / "meta.json").unlink()
    with pytest.raises(FileNotFoundError, match="meta.json"):
        Pipeline.from_pretrained(bare)
    (bare / "meta.json").write_text('{"model_version": "x"}')
    with pytest.raises(ValueError, match="label_schema_version"):
        Pipeline.from_pretrained(bare)
    (bare / "meta.json").write_text('{"model_version": "x", "label_schema_version": 2}')
    with pytest.raises(ValueError, match="label schema 2, this package expects 1"):
        Pipeline.from_pretrained(bare)
    (bare / "meta.json").write_text('{"label_schema_version": 1, "compatible_package_versions": ">=9.0"}')
    with pytest.raises(ValueError, match="needs nlp_minsheng >=9.0"):
        Pipeline.from_pretrained(bare)


def test_shipped_models_load_by_name_and_unknown_names_say_what_exists():
    from nlp_minsheng.pipeline import available_models, resolve_model

    names = available_models()
    assert "minsheng-ner-v3.1" in names
    assert resolve_model("minsheng-ner-v3.1").name == "minsheng-ner-v3.1"
    with pytest.raises(FileNotFoundError, match="one of the shipped models"):
        resolve_model("no-such-model")


def test_module_api_empty_text_names_the_model_and_decodes_bytes():
    """Regressions: parse("") had no model_version; module-level parse_batch lacked decode_bytes."""
    import inspect

    from nlp_minsheng import parse, parse_batch
    from nlp_minsheng.pipeline import DEFAULT_MODEL_NAME

    assert parse("").meta["model_version"] == DEFAULT_MODEL_NAME
    assert "decode_bytes" in inspect.signature(parse_batch).parameters


class _FixedClassifier:
    """Synthetic per-character tag probabilities: ``spans`` maps (start, end, label) to the span's probability."""

    runtime = "synthetic"

    def __init__(self, spans: dict[tuple[int, int, str], float]) -> None:
        from nlp_minsheng.labels import TAGS

        self.tags, self.spans = TAGS, spans

    def predict_proba(self, texts: list[str]) -> list[np.ndarray]:
        out = []
        for text in texts:
            p = np.full((len(text), len(self.tags)), 0.01)
            p[:, 0] = 1.0
            for (s, e, lab), prob in self.spans.items():
                for i in range(s, e):
                    tag = self.tags.index(("B-" if i == s else "I-") + lab)
                    p[i, :] = (1 - prob) / (len(self.tags) - 1)
                    p[i, tag] = prob
            out.append(p / p.sum(axis=1, keepdims=True))
        return out


def test_min_score_drops_model_spans_below_their_label_threshold() -> None:
    text = "新建幼儿园3所，改造小区12个。"
    a, b = text.index("3所"), text.index("12个")
    clf = _FixedClassifier({(a, a + 2, "TARGET"): 0.97, (b, b + 3, "TARGET"): 0.6})
    kept = Pipeline(clf, repair=False).parse(text).entities
    assert [e.text for e in kept] == ["3所", "12个"]
    strict = Pipeline(clf, repair=False, min_score={"TARGET": 0.9}).parse(text).entities
    assert [e.text for e in strict] == ["3所"]
    other = Pipeline(clf, repair=False, min_score={"LOCATION": 0.99}).parse(text).entities
    assert len(other) == 2  # a threshold applies to its own label only
    with pytest.raises(ValueError, match="TARGETS"):
        Pipeline(clf, min_score={"TARGETS": 0.5})


def test_min_score_travels_in_the_model_meta(tiny_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    d = tmp_path / "m"
    shutil.copytree(tiny_model_dir, d)
    meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    meta.setdefault("pipeline", {})["min_score"] = {"TARGET": 0.9}
    (d / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert Pipeline.from_pretrained(d).min_score == {"TARGET": 0.9}
    assert Pipeline.from_pretrained(d, min_score={}).min_score == {}  # an explicit argument wins


@pytest.mark.parametrize(("text", "year", "kept"), [
    ("现将《2016年政府工作报告目标任务分解表》印发", "2016年", False),
    ("落实2012年度工作报告确定的任务", "2012年", False),
    ("现将《2016年民生实事实施方案》印发", "2016年", True),  # the plan year in a document title stays (LABELS)
    ("改造2000年底前建成的老旧小区32个", "2000年底前", False),  # which compounds, not when
    ("改造2000年以前建成的老旧小区", "2000年", False),
    ("2018年8月底前竣工的学校确保秋季开学投用", "2018年8月底前", True),  # the plan's own milestone
    ("各责任单位于每月25日前报送项目进度", "25日前", False),  # a reporting frequency
    ("每年投入资金，9月25日前完成验收", "9月25日前", True),  # 每 belongs to another phrase
    ("计划6月底前完成改造", "6月底前", True),
    ("完成投资1.1亿元，汛期前已完成主河槽疏浚。", "汛期前", False),  # a finished event
    ("城南公厕已于国庆节前投入使用。", "国庆节前", False),
    ("2026年二季度末前已开工项目形象进度达到60%以上", "2026年二季度末前", True),  # 已开工项目: which projects
    ("| 2020.05-2020.12 |\n已完成2个", "2020.05-2020.12", True),  # the next table cell is another statement
])
def test_dates_that_are_not_the_schedule_are_not_deadlines(text: str, year: str, kept: bool) -> None:
    s = text.index(year)
    clf = _FixedClassifier({(s, s + len(year), "DEADLINE"): 0.99})
    got = [e.text for e in Pipeline(clf).parse(text).entities]
    assert got == ([year] if kept else [])
    assert [e.text for e in Pipeline(clf, disable=["repair"]).parse(text).entities] == [year]


@pytest.mark.parametrize(("text", "year", "kept"), [
    # The 2024 work report looks back: the earlier plan reported done is background.
    ("2024年政府工作报告\n2023年确定的12件民生实事全面完成。\n2024年民生实事项目：新建学校3所。", "2023年", False),
    ("某区2024年民生实事项目\n2023年，我市实施的十二件民生实事已全部完成。", "2023年", False),
    # The page's own plan reported done is its plan year (LABELS.md): labelled.
    ("兰山区2021年为民办实事项目全部完成\n截止2021年12月底，10件实事已全部完成。", "2021年", True),
    # An earlier year that is not reported done is the model's call.
    ("某区2024年民生实事项目\n2023年启动的供水工程年内完工。", "2023年", True),
])
def test_the_year_of_an_earlier_plan_reported_done_is_not_a_deadline(text: str, year: str, kept: bool) -> None:
    s = text.index(year)
    clf = _FixedClassifier({(s, s + len(year), "DEADLINE"): 0.99})
    got = [(e.start, e.text) for e in Pipeline(clf).parse(text).entities]
    assert got == ([(s, year)] if kept else [])
    assert Pipeline(clf).parse(text, plan_year=int(year[:4])).entities != ()  # given as the plan year: the page's own


_REPORT = ("政府工作报告\n各位代表：\n一、2023年工作回顾\n新建社区服务设施12处，新增城镇就业1.13万人。\n"
           "二、2024年主要预期目标和工作安排\n新增城镇就业1.2万人。")


@pytest.mark.parametrize(("text", "figure", "kept"), [
    (_REPORT, "1.13万人", False),  # counted in the look back: achieved
    (_REPORT, "12处", False),
    (_REPORT, "1.2万人", True),  # the year's target, after the section closes
    # Not a work report: a progress note's 一年来 is not a look-back section.
    ("某区民生实事推进情况\n一年来，\n新建社区服务设施12处。", "12处", True),
])
def test_figures_in_a_work_reports_look_back_are_not_targets(text: str, figure: str, kept: bool) -> None:
    s = text.index(figure)
    clf = _FixedClassifier({(s, s + len(figure), "TARGET"): 0.99})
    assert [e.text for e in Pipeline(clf).parse(text).entities] == ([figure] if kept else [])
    assert [e.text for e in Pipeline(clf, disable=["repair"]).parse(text).entities] == [figure]


def test_bare_numbers_in_a_currency_column_become_amounts() -> None:
    text = ("| 序号 | 项目 | 投资(万元) | 任务(个) |\n| 1 | 新建幼儿园 | 1200 | 3 |\n"
            "| 2 | 改造小区 | 860 | 12 |\n")
    model = Pipeline(_FixedClassifier({}))
    amounts = [(e.text, e.label, e.value["yuan"] if e.value else None) for e in model.parse(text).entities]
    assert [(t, lab) for t, lab, _ in amounts] == [("1200", "AMOUNT"), ("860", "AMOUNT")]  # not the TARGET column
    assert {e.source for e in model.parse(text).entities} == {"rules"}  # added by the grammar, not the model
    assert amounts[0][2] == 12_000_000  # the header's unit reaches the value
    assert Pipeline(_FixedClassifier({}), disable=["repair"]).parse(text).entities == ()
    s = text.index("1200")
    covered = Pipeline(_FixedClassifier({(s, s + 4, "TARGET"): 0.99}), repair=False).parse(text).entities
    # A model span on a money cell keeps its score and takes the column's label (LABELS.md: money is AMOUNT).
    assert [(e.text, e.label, e.source) for e in covered] == [("1200", "AMOUNT", "model"), ("860", "AMOUNT", "rules")]
    assert covered[0].score == pytest.approx(0.99, abs=0.01)
    t = text.index("| 3 |") + 2  # the 任务(个) column is not money: a span there keeps its label
    kept = Pipeline(_FixedClassifier({(t, t + 1, "TARGET"): 0.99}), repair=False).parse(text).entities
    assert ("3", "TARGET") in [(e.text, e.label) for e in kept]


@pytest.mark.parametrize(("cut", "whole"), [
    ("2016.03-2016.1", "2016.03-2016.12"),  # ends inside a number
    ("016.03-2016.12", "2016.03-2016.12"),  # starts inside one
    ("2016.03-2016", "2016.03-2016.12"),    # ends before .12
    ("2016.03-2016.", "2016.03-2016.12"),   # the cut shows only once the dot is trimmed
])
def test_a_span_that_cuts_a_number_is_repaired_whatever_its_label(cut: str, whole: str) -> None:
    text = f"| 新建亲水步道6公里 | {whole} | 860 |"
    s = text.index(cut)
    clf = _FixedClassifier({(s, s + len(cut), "DEADLINE"): 0.99})
    pipe = Pipeline(clf, repair=["TARGET", "AMOUNT", "LOCATION"])  # DEADLINE is not a repaired label
    assert [e.text for e in pipe.parse(text).entities] == [whole]
    assert [e.text for e in Pipeline(clf, disable=["repair"]).parse(text).entities] == [cut.rstrip(".")]


@pytest.mark.parametrize(("text", "short", "whole"), [
    ("各单位于2022年11月30日前报送。", "2022年11月", "2022年11月30日前"),
    ("| 口袋公园建设 | 2024年三季度 | 区住建局 |", "2024年", "2024年三季度"),
    ("力争年底前完工。", "年底", "年底前"),
])
def test_a_deadline_the_model_stops_short_is_completed_to_its_grammar_match(text: str, short: str, whole: str) -> None:
    s = text.index(short)
    clf = _FixedClassifier({(s, s + len(short), "DEADLINE"): 0.99})
    pipe = Pipeline(clf, repair=["TARGET", "AMOUNT", "LOCATION"])
    assert [e.text for e in pipe.parse(text).entities] == [whole]
    assert [e.text for e in Pipeline(clf, disable=["repair"]).parse(text).entities] == [short]


def test_a_complete_deadline_is_never_shrunk_or_moved() -> None:
    text = "力争2024年12月底前全部建成。"
    s = text.index("2024年12月底前")
    for a, b in ((s, s + len("2024年12月底前")), (s + 5, s + len("2024年12月底前"))):  # whole, or 12月底前 alone
        clf = _FixedClassifier({(a, b, "DEADLINE"): 0.99})
        pipe = Pipeline(clf, repair=["TARGET", "AMOUNT", "LOCATION"])  # DEADLINE is not a repaired label
        assert [e.text for e in pipe.parse(text).entities] == [text[a:b]]


@pytest.mark.parametrize(("text", "place"), [
    ("本网淄博1月12日讯(记者 王某)会议票决产生10件民生实事。", "淄博"),
    ("新华社天津2月8日电 天津市今年将办好20项民心工程。", "天津"),
    ("人民日报晋江1月12日电 晋江市人大会议闭幕。", "晋江"),
])
def test_the_place_of_a_dateline_is_a_place(text: str, place: str) -> None:
    got = [(e.text, e.label, e.source) for e in Pipeline(_FixedClassifier({})).parse(text).entities]
    assert (place, "LOCATION", "rules") in got
    s = text.index(place)  # a model span over it wins
    covered = Pipeline(_FixedClassifier({(s - 2, s + len(place), "LOCATION"): 0.99}), repair=False).parse(text)
    assert [e.source for e in covered.entities if e.label == "LOCATION"] == ["model"]


def test_a_hard_wrapped_page_is_read_with_its_wraps_joined() -> None:
    # Text from a PDF: every line cut at 17 characters, one cut inside 3200万元.
    body = ("今年全市围绕群众关切，计划投资3200万元用于改造城关区老旧小区，新建社区食堂二十个，完善养老服务设施，"
            "提升居民生活品质，推进公共停车场建设，增加停车泊位，改善群众出行条件，全面完成各项年度任务，"
            "让发展成果更多更公平惠及全体人民。")
    text = "\n".join(body[i:i + 17] for i in range(0, len(body), 17))
    assert "32\n00万元" in text
    entities = Pipeline.rules_only().parse(text).entities
    assert all(text[e.start:e.end] == e.text for e in entities)  # offsets are into the page as given
    money = [e for e in entities if e.label == "AMOUNT"]
    assert [(e.text, e.value["yuan"]) for e in money] == [("32\n00万元", 32_000_000)]
