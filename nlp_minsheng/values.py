"""Value normalisers: pure functions from an entity's text (and its context)
to a normalised value.  None of them looks at anything but its arguments;
relative dates are resolved against an explicit ``plan_year``.

Every normaliser returns ``None`` when the text is not a value of its kind.
The value of each label is a ``TypedDict`` (:class:`AmountValue`, :class:`TargetValue`,
:class:`DeadlineValue`, :class:`LocationValue`); ``Entity.to_dict()`` writes Decimals as
strings so amounts stay exact in JSON.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TypedDict

from .grammar import (
    BARE_NUMBER,
    CN_MONTHS,
    CURRENCY,
    DEADLINE_RE,
    DIVISION_SUFFIXES,
    INDEFINITE_UNITS,
    MEASURE_WORDS,
    MONTH_RE,
    PREFIX_COMPARATORS,
    PREFIX_RE,
    QUARTERS,
    RANGE_RE,
    RANGE_SEP,
    RELATIVE_YEARS,
    SUFFIX_COMPARATORS,
    SUFFIX_RE,
    alternation,
)
from .numbers import parse_range
from .textnorm import normalize

AMOUNT_ROLES = ("总投资", "投资", "补贴", "补助", "奖励", "奖补", "资助", "资金", "经费", "预算", "拨付",
                "救助", "发放", "筹集", "安排", "费用", "津贴", "保费", "赔付", "贷款", "减免", "价格", "收费")
_AMOUNT_RE = re.compile(
    rf"^(?P<pre>{PREFIX_RE})?\s*(?P<num>{RANGE_RE})\s*(?P<suf1>{SUFFIX_RE})?\s*"
    rf"(?P<cur>{alternation(CURRENCY)})?(?:\s*/\s*(?P<per>[\u4e00-\u9fff]{{1,4}}))?\s*(?P<suf2>{SUFFIX_RE})?$"
)


class AmountValue(TypedDict):
    """An AMOUNT in yuan: ``yuan`` when exact, else the ``low``–``high`` range."""

    yuan: Decimal | None
    low: Decimal
    high: Decimal
    comparator: str  # "=", ">=", ">", "<=", "<", "~"
    per: str | None  # 0.3元/千瓦时 → "千瓦时"
    role: str | None  # 投资, 补贴 … (the role word before the amount)


class TargetValue(TypedDict):
    """A TARGET quantity with its unit and the metric (verb + object) it counts."""

    quantity: Decimal | None
    low: Decimal
    high: Decimal
    unit: str | None
    comparator: str
    metric: str | None


class DeadlineValue(TypedDict):
    """A DEADLINE as ISO dates; ``relation`` is "by" (only ``end``), "from" (only ``start``) or "during"."""

    start: str | None
    end: str | None
    relation: str
    verb: str | None  # 建成, 开工 … (the event the date schedules)


class LocationValue(TypedDict):
    """The administrative division a LOCATION lies in (cpca gazetteer)."""

    province: str | None
    city: str | None
    district: str | None
    adcode: str | None


@dataclass(frozen=True)
class ValueContext:
    """What a normaliser may read besides the span: text around it, the plan's year and region,
    and the currency unit a table column header names."""

    before: str = ""
    after: str = ""
    plan_year: int | None = None
    region: str | None = None
    unit_hint: str | None = None
    column_header: str | None = None  # the header cell of the table column holding the span, if any
    row_subject: str | None = None  # the name cell of the table row holding the span, if any


def _comparator(pre: str | None, *sufs: str | None) -> str:
    for s in sufs:
        if s:
            return SUFFIX_COMPARATORS[s]
    if pre:
        return PREFIX_COMPARATORS[pre][0]
    return "="


def _clean(text: str) -> str:
    """Normalise script/width and drop pinyin leftovers before value parsing."""
    return normalize(text).text.strip()


def normalize_amount(text: str, *, before: str = "", unit_hint: str | None = None) -> AmountValue | None:
    """AMOUNT text → ``{"yuan", "low", "high", "comparator", "per", "role"}`` (yuan as Decimal).

    ``unit_hint`` is the currency unit from a table column header (``万元``)
    for a bare number; ``before`` is the text preceding the span, whose last
    role word (投资, 补贴 …) becomes ``role``.
    """
    m = _AMOUNT_RE.match(_clean(text))
    if not m:
        return None
    cur = m.group("cur") or unit_hint
    if cur is None and re.search(r"[万亿]$", m.group("num")):
        cur = "元"  # 1.2亿 labelled as money: the multiplier is already in the number
    if cur is None or cur not in CURRENCY:
        return None
    rng = parse_range(m.group("num"))
    if rng is None:
        return None
    scale = Decimal(CURRENCY[cur])
    low, high = (rng if isinstance(rng, tuple) else (rng, rng))
    low, high = low * scale, high * scale
    return {
        "yuan": low if low == high else None,
        "low": low,
        "high": high,
        "comparator": _comparator(m.group("pre"), m.group("suf1"), m.group("suf2")),
        "per": m.group("per"),
        "role": amount_role(before),
    }


def amount_role(before: str) -> str | None:
    """The role word closest before an amount, within its clause (总投资 → 投资)."""
    clause = re.split(r"[，。；;,\n|！？]", _clean(before) if before else "")[-1]
    best: tuple[int, str] | None = None
    for role in AMOUNT_ROLES:
        i = clause.rfind(role)
        if i >= 0 and (best is None or i + len(role) > best[0]):
            best = (i + len(role), role)
    if best is None:
        return None
    return "投资" if best[1] == "总投资" else best[1]


# ---------------------------------------------------------------- TARGET
_TARGET_RE = re.compile(
    rf"^(?P<pre>{PREFIX_RE})?\s*(?P<num>{RANGE_RE})\s*(?P<suf1>{SUFFIX_RE})?\s*"
    rf"(?P<unit>%|‰|[^\d\s%‰()（）以余多左]{{0,4}}?)\s*(?:[(（][^)）]*[)）])?\s*(?P<suf2>{SUFFIX_RE})?$"
)
TARGET_VERBS = (
    "新增", "新建", "新开", "新改建", "改扩建", "改建", "扩建", "建成", "建设", "打造", "提供", "完成", "改造", "提升",
    "实施", "开展", "举办", "组织", "培训", "安装", "增加", "增设", "设置", "布设", "配置", "覆盖", "惠及", "服务",
    "帮扶", "救助", "招聘", "开发", "创建", "培育", "建立", "铺设", "修复", "整治", "更新", "更换", "种植", "植树",
    "达到", "达", "提高到", "提高", "降低", "减少", "规划", "投放", "发放", "资助", "覆盖", "受益", "新增加", "打通",
    "解决", "吸纳", "筹集", "供应", "配建", "扩容", "改善", "推广", "接种", "筛查", "体检", "慰问", "走访", "实现",
    "新设", "设立", "配备", "配送", "推进", "开通", "新开通",
)
_VERB_RE = re.compile("|".join(sorted(map(re.escape, set(TARGET_VERBS)), key=len, reverse=True)))
_VERBS = frozenset(TARGET_VERBS)
_STOP_CHARS = "，。；;,、：:\n|！？（）()《》"  # quotes stay inside a clause: 打通“断头路”9条


def normalize_target(text: str, *, before: str = "", after: str = "", unit_hint: str | None = None) -> TargetValue | None:
    """TARGET text → ``{"quantity", "low", "high", "unit", "comparator", "metric"}``.

    ``metric`` is the verb + object the quantity belongs to, read from the
    clause around the span (``全市新增车位`` + ``不少于30000个`` → ``新增车位``).
    """
    t = _clean(text)
    m = _TARGET_RE.match(t)
    if not m:
        return None
    rng = parse_range(m.group("num"))
    if rng is None:
        return None
    low, high = rng if isinstance(rng, tuple) else (rng, rng)
    unit = m.group("unit") or unit_hint or None
    if unit in INDEFINITE_UNITS and low == high == 1:
        return None  # 一批, 一系列: indefinite, not a quantity
    if unit and re.search(r"[元年月日号]$", unit) and unit not in ("人次", "户"):
        return None  # money and dates are other labels
    return {
        "quantity": low if low == high else None,
        "low": low,
        "high": high,
        "unit": unit,
        "comparator": _comparator(m.group("pre"), m.group("suf1"), m.group("suf2")),
        "metric": target_metric(before, after),
    }


_RATE_VERBS = ("达到", "达", "提高到", "提高", "降低", "提升")
# Scope words before a quantity that say where or for whom, not what is counted (在城区, 对全市, 为全区).
_SCOPE = re.compile(r"^(?:在|对|为|给|向)?(?:全市|全区|全县|全镇|全省|各区|各县|城区|农村|辖区|本市|本区)?(?:共|累计|再|将|另外|其余|其中)?$")


# Where a rate's subject ends: a comparator or a "raise/cut to" verb (开放时间均不少于…, 缩短至…).
_SUBJECT_END = re.compile(alternation([w for w in PREFIX_COMPARATORS if len(w) > 1 or w == "达"]
                                      + ["提高到", "提升至", "缩短至"]))
# Words closing an object before its quantity (车位不少于, 人数达), stripped from the metric.
_OBJECT_TAIL = re.compile(rf"(?:{PREFIX_RE}|为|共|计|合计|总数|数量|人数|规模)+$")


_CLAUSE_STOP = re.compile(rf"[{re.escape(_STOP_CHARS)}]")


def _object_after(right: str) -> str:
    """The counted object that follows a quantity (新建2个骑行驿站 → 骑行驿站), in whole words."""
    return _noun_phrase(_words(right))[0] if right.strip() else ""


# Words that are not part of a counted object: modifiers before it (70周岁以上) and adverbs after it (免费).
_LEADING_MODIFIER = re.compile(rf"^(?:[\d.%％—–~～-]+|[一二三四五六七八九十百千万两]+|周岁|岁|{alternation(SUFFIX_COMPARATORS)}|"
                               r"个|名|户|处|次|人次|场|场次|家|所|条|座|台|辆|套|张|项|间|批)$")
_NOT_OBJECT = frozenset({"免费", "全面", "统一", "集中", "分别", "全部", "进行", "实行", "每", "均", "各", "逐步", "新",
                         "将", "计划", "陆续", "已", "已经", "正在", "预计", "力争", "确保",
                         "年", "每年", "的", "等", "和", "及", "与", "并", "或", "于"}) | frozenset(SUFFIX_COMPARATORS)
# Administrative places counted as a scope (600个行政村配建健身器材): the metric is what they get.
_NOUN_SUFFIX = frozenset("点站室所队中心圈网台车场馆园器机箱柜") | {"中心", "驿站", "设施", "项目", "平台", "基地", "片区"}
_PLACE_TYPE = re.compile(r"^(?:行政村|自然村|村|村庄|社区|街道|乡镇|镇|乡|县|区|县区|县市区|市|省|地市|街镇)$")


def _words(text: str) -> list[str]:
    from .words import _tokenizer

    return [w for w in _tokenizer().lcut(text) if w.strip()]


_MAX_OBJECT = 16


def _is_date(word: str) -> bool:
    return bool(re.fullmatch(r"\d{4}年?", word) or DEADLINE_RE.fullmatch(word) or word in RELATIVE_YEARS)


def _joins_nouns(words: list[str], i: int, k: int) -> bool:
    """和/及/与 between two nouns of one object (辅道及人行道), not before another quantity (3个公园和5个广场)."""
    return (words[i] in ("和", "及", "与") and i > k and i + 1 < len(words)
            and not _LEADING_MODIFIER.match(words[i + 1]) and words[i + 1] not in _NOT_OBJECT)


_AGE_OR_RANGE = re.compile(r"[\d.]+\s*(?:周?岁|[—\-–~～至到])")  # 35—64岁妇女, 60周岁老人: a modifier


def _noun_phrase(words: list[str]) -> tuple[str, int]:
    """The noun phrase at the start of ``words`` (whole jieba words, up to a verb) and how many words it took."""
    k = 0
    while k < len(words) and _LEADING_MODIFIER.match(words[k]):
        k += 1
    if k < len(words) and _is_date(words[k]):
        return "", k  # a date is never the object (2020年春季学期启用)
    end = k
    while end < len(words) and (words[end] not in _NOT_OBJECT or _joins_nouns(words, end, k)):
        if end > k and words[end][0].isdigit() and not _AGE_OR_RANGE.match("".join(words[end:end + 3])):
            break  # another quantity starts (6个街道38个老旧小区): the object ends before it
        if words[end] in _VERBS:
            # A verb glued to a noun suffix is a noun (服务+点, 救助+站): the phrase goes on.
            if end + 1 < len(words) and words[end + 1] in _NOUN_SUFFIX:
                end += 2
                continue
            # An action closing the clause names what is done to the object (消防设施+改造): it stays.
            if end + 1 == len(words) and end > k:
                end += 1
            break
        end += 1
    # Whole words only, at most _MAX_OBJECT characters.
    out, stop = "", k
    while stop < end and len(out) + len(words[stop]) <= _MAX_OBJECT:
        out += words[stop]
        stop += 1
    return out.strip("“”\"'‘’"), end


def target_metric(before: str, after: str) -> str | None:
    """Verb + counted object of a quantity (see :func:`_target_metric`), quotes kept only in pairs; a quantity that
    only a word like 年度目标 introduces counts what its heading names (see :func:`_heading_subject`)."""
    metric = _target_metric(before, after)
    if not metric or _GENERIC_METRIC.fullmatch(metric):
        metric = _heading_subject(before) or (_clause_before(before) if metric else None) or metric
    elif _BARE_VERB.fullmatch(metric):
        metric = _heading_subject(before, any_clause=True) or metric  # 老旧小区改造：计划改造42个
    if metric and (metric.count("“") != metric.count("”") or metric.count('"') % 2):
        metric = re.sub(r"[“”\"]", "", metric)  # half of a quoted name (”模块上线…): the quotes go
    return metric or None


_SHARED_QUANTITIES = re.compile(rf"(?:、\s*[^\s\d、，。；;,]{{0,4}}?[\d.]+\s*(?:{'|'.join(MEASURE_WORDS)}))+")
# An object that only names the task (改造任务共4012个): the metric is what the task is about, before it.
_GENERIC_OBJECT = re.compile(r"^(?:任务|目标|计划|工作|规模|数量|总量)$")


# A word that introduces a quantity without saying what it counts (年度目标200公里, 目标任务:35个).
_GENERIC_METRIC = re.compile(rf"(?:{alternation(RELATIVE_YEARS)}|全年度)?"
                             r"(?:目标任务|任务目标|目标|任务|计划任务|计划|建设任务|建设规模)数?(?:为|是|共|计)?")
# A list marker opening a heading (三、 2. (一) ① 第一件).
_HEADING_MARKER = re.compile(r"^\s*(?:[(（]?[\d一二三四五六七八九十]+[)）、.．]|[①-⑳]|第[一二三四五六七八九十\d]+[件项个是]?[、:：.．]?)\s*")


_TRAILING_COUNT = re.compile(rf"(?:[\d.]+\s*万?|[一二两三四五六七八九十]+)\s*(?:{'|'.join(MEASURE_WORDS)}|次|遍)?$")


def _clause_before(before: str) -> str | None:
    """What the clause before names, when the quantity's own clause only says 年度目标 (为老年人提供免费健康体检一次，
    年度目标12万人 → 提供免费健康体检): its last words, without a count closing it; same line only."""
    clauses = re.split(r"[，,；;]", before.split("\n")[-1])
    if len(clauses) < 2:
        return None
    prev = _TRAILING_COUNT.sub("", _clean(clauses[-2])).strip()
    verbs = list(_VERB_RE.finditer(prev))
    phrase = prev[verbs[-1].start():] if verbs else prev
    phrase = _last_words(phrase, _MAX_OBJECT)
    return phrase if len(phrase) >= 2 and not _GENERIC_METRIC.fullmatch(phrase) else None


# A metric that is an action alone, maybe after 计划/年度 (计划改造42个): it names nothing counted.
_BARE_VERB = re.compile(rf"(?:计划|{alternation(RELATIVE_YEARS)})?(?:{_VERB_RE.pattern})")


def _heading_subject(before: str, any_clause: bool = False) -> str | None:
    """What a heading names when the quantity's own clause only says 目标/任务: ``三、新改建农村公路：年度目标200公里`` →
    新改建农村公路, ``1.老旧小区改造(目标任务:35个)`` → 老旧小区改造. Only across a colon or an opening bracket, on
    the same line."""
    line = before.split("\n")[-1]
    pieces = re.split(r"([：:（(])", line)
    # pieces: text, sep, text, sep, …, text (the last is the quantity's own clause)
    k, generic = len(pieces) - 1, False
    if any_clause and k >= 2:  # the quantity's own clause names nothing either (计划改造): the heading's name
        k, generic = k - 2, True
    while k >= 2 and (not pieces[k].strip() or _GENERIC_METRIC.fullmatch(_clean(pieces[k]))):
        generic = generic or bool(pieces[k].strip())
        k -= 2  # step back over one separator
    if not generic or k < 0:
        return None  # only a word like 年度目标 hands the quantity over to its heading
    head = _HEADING_MARKER.sub("", _clean(pieces[k]))
    head = _CLAUSE_STOP.split(head)[-1].strip()
    if not 2 <= len(head) <= _MAX_OBJECT or _PLACE_TYPE.match(head) or _GENERIC_METRIC.fullmatch(head):
        return None
    return head


# A clause that names whom or what a quantity is for (为…, 对…, 给…): its metric is the object and what is done.
_BENEFICIARY = re.compile(r"^[\W\d_]*(?:为|对|给)")  # after a list marker: (3)对, *为
_MAX_PREDICATE = 14


def _target_metric(before: str, after: str) -> str | None:
    """Verb + counted object of a quantity, within its clause (never across a line or inside a word).

    The object is the noun phrase after the measure word when there is one (改造城关区17个老旧小区 →
    改造老旧小区; 为3200名70周岁以上独居老人免费安装… → 独居老人), else the one before (新建口袋公园12个 →
    新建口袋公园); a scope of administrative places counts what they get (600个行政村配建健身器材 →
    配建健身器材); places, persons and list members before the number never become the object.
    """
    # The clause is cut before cleaning: cleaning strips the line break that ends it.
    left = _clean(_CLAUSE_STOP.split(before)[-1]) if before else ""
    # 新建8家、改建5家社区老年活动室: the quantities of a 、 list share the object after the last of them.
    shared = _SHARED_QUANTITIES.match(after) if after else None
    if shared:
        after = after[shared.end():]
    right = _clean(_CLAUSE_STOP.split(after)[0]) if after else ""
    words = _words(right) if right.strip() else []
    if words[:1] == ["的"]:
        words = words[1:]  # 8.6万人的饮水问题: the quantity qualifies the object after 的
    obj, used = _noun_phrase(words)
    if obj and _PLACE_TYPE.match(obj):
        rest = words[used:]
        verb = next((i for i, w in enumerate(rest) if w in _VERBS), None)
        if verb is not None:
            got, _ = _noun_phrase(rest[verb + 1:])
            if got:
                return rest[verb] + got
    if obj and _BENEFICIARY.match(re.split(r"[，,。；;：:\n]", before)[-1] if before else ""):
        # 为3200名独居老人免费安装燃气报警器, 对28个小区实施雨污分流改造: the counted object with what is done
        # for it, the rest of the clause (another quantity joined by 和/及 left out: 为18个村和6个社区配送…).
        rest = words[used:]
        if rest[:1] and rest[0] in ("和", "及", "与") and len(rest) > 1 and rest[1][:1].isdigit():
            rest = rest[next((i for i, w in enumerate(rest) if w in _VERBS), len(rest)):]
        return obj + _first_words("".join(rest), _MAX_PREDICATE)
    if obj:
        verbs = list(_VERB_RE.finditer(left))
        return (verbs[-1].group(0) if verbs else "") + obj
    return _metric_before(left, right)


def _first_words(text: str, limit: int) -> str:
    """The start of ``text`` in whole jieba words, at most ``limit`` characters."""
    out = ""
    for word in _words(text):
        if len(out) + len(word) > limit:
            break
        out += word
    return out


def _last_words(text: str, limit: int) -> str:
    """The end of ``text`` in whole jieba words, at most ``limit`` characters (户外劳动者, not 外劳动者)."""
    out = ""
    for word in reversed(_words(text)):
        if len(out) + len(word) > limit:
            break
        out = word + out
    return out


def _metric_before(left: str, right: str) -> str | None:
    """The metric read before the quantity (新建口袋公园12个 → 新建口袋公园; 覆盖率达到95% → 覆盖率)."""
    verbs = list(_VERB_RE.finditer(left))
    if verbs and verbs[-1].group(0) in _RATE_VERBS and left[: verbs[-1].start()].strip():
        verbs = []  # 签约服务率达到100%: the subject is the metric
    if not verbs:
        # No action verb: the metric is the subject before the comparator
        # (开放时间均不少于…的50% → 开放时间).
        cut = _SUBJECT_END.search(left)
        obj = left[: cut.start()] if cut else left
        obj = re.sub(r"^(全市|全区|全县|全镇|各区|年内|今年|计划|力争|累计|共|再|将|所有)+", "", obj)
        # A quantity of its own closing the subject (初中部4轨12班, 就业率从83%提高到…) is not part of the metric.
        obj = re.sub(r"(?<=[^\d.])[\d.]+[^\d.]?$", "", obj)
        obj = re.sub(r"(?:从|由)(?:去年|上年|年初|目前)?的?$", "", obj)  # 覆盖率由去年的82%提高到…
        obj = re.sub(r"(均|都|将|要|再|约|达|为|共|计|合计)+$", "", obj)
        if _SCOPE.match(obj):
            obj = _object_after(right)
        return _last_words(obj, 10) or None
    v = verbs[-1]
    obj = left[v.end():]
    obj = _OBJECT_TAIL.sub("", obj)
    if _GENERIC_OBJECT.match(obj):
        return _last_words(left[: v.end()], 10) or None  # 城镇老旧小区综合改造任务共4012个
    if not obj or _SCOPE.match(obj):
        obj = _object_after(right)  # 新建2个骑行驿站: the object follows the quantity.
    if not obj and v.end() == len(left):
        # The verb closes a noun phrase (实施农村危房改造1000户): the phrase is the metric, not the verb alone; dates,
        # scope words and adverbs before it (2024年计划完成, 预计服务) are not part of it, nor list members before 等.
        words = _words(left.rsplit("等", 1)[-1])
        while words and (_is_date(words[0]) or words[0] in _NOT_OBJECT or _SCOPE.match(words[0])
                         or words[0] in ("全市", "全区", "全县", "全镇", "年内", "累计", "共", "再")):
            words = words[1:]
        phrase = _last_words("".join(words), 10).lstrip("和及与、")
        if len(phrase) > len(v.group(0)):
            return phrase
    return (v.group(0) + obj) or None
    return (v.group(0) + obj) or None


# ---------------------------------------------------------------- DEADLINE
DEADLINE_VERBS = ("开工建设", "开工", "建成投用", "建成投运", "建成", "完工", "竣工", "完成", "投用", "投入使用",
                  "投运", "开放", "启用", "交付", "运营", "启动", "实施", "开通", "通车", "落地", "上线", "开园", "开学", "招生")
_DL_VERB_RE = re.compile("|".join(sorted(map(re.escape, DEADLINE_VERBS), key=len, reverse=True)))
_RANGE_SEP = rf"\s*{RANGE_SEP}\s*"


def _day(y: int, m: int, d: int) -> tuple[date, date] | None:
    """A single calendar day as a (start, end) pair; ``None`` for 2月30日 and the like."""
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return day, day


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _year_of(token: str | None, plan_year: int | None) -> int | None:
    """``2024年`` / ``二〇二四年`` → 2024; relative words resolve against ``plan_year``."""
    if token is None:
        return plan_year
    if token in RELATIVE_YEARS:
        return plan_year + RELATIVE_YEARS[token] if plan_year else None
    digits = token.rstrip("年")
    if len(digits) == 4 and digits.isdigit():
        return int(digits)
    if len(digits) == 4 and all(c in _CN_DIGIT for c in digits):
        return int("".join(str(_CN_DIGIT[c]) for c in digits))
    return None


def _month_of(s: str) -> int | None:
    if s.isdigit():
        m = int(s)
    else:
        m = CN_MONTHS.get(s, 0)
    return m if 1 <= m <= 12 else None


_YEAR = r"(?:\d{4}|[二〇零一三四五六七八九]{4})年?"
_REL_YEAR = alternation(RELATIVE_YEARS)


_MONTH_DAY = re.compile(rf"({MONTH_RE})月(份)?(底|末|上旬|中旬|下旬|初|中)?(?:(\d{{1,2}})日)?")
_HAS_YEAR = re.compile(rf"{_YEAR}|{_REL_YEAR}|\d{{4}}")


def _point(s: str, plan_year: int | None) -> tuple[date | None, date | None] | None:
    """Resolve one date expression (no range) to (start, end)."""
    s = s.strip()
    # Dotted or slashed numeric months: 2023.01, 2023/1, 2023-01
    m = re.fullmatch(r"(\d{4})[./-](\d{1,2})(?:[./-](\d{1,2}))?", s)
    if m:
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            return None
        if m.group(3):
            return _day(int(m.group(1)), mo, int(m.group(3)))
        return date(int(m.group(1)), mo, 1), _month_end(int(m.group(1)), mo)
    m = re.fullmatch(
        rf"(?P<y>{_YEAR}|{_REL_YEAR})?\s*(?P<rest>.*?)", s)
    if not m:
        return None
    ytok, rest = m.group("y"), m.group("rest")
    rest = re.sub(r"^(年度?|度)", "", rest)
    y = _year_of(ytok, plan_year)
    if y is None:
        return None
    if rest in ("", "年", "内", "度") or RELATIVE_YEARS.get(rest) == 0:  # the whole year (年内, 全年, 年度)
        return date(y, 1, 1), date(y, 12, 31)
    if rest in ("底", "末", "年底", "年末"):
        return date(y, 12, 1), date(y, 12, 31)
    if rest in ("上半年",):
        return date(y, 1, 1), date(y, 6, 30)
    if rest in ("下半年",):
        return date(y, 7, 1), date(y, 12, 31)
    if rest in ("年初", "初"):
        return date(y, 1, 1), date(y, 3, 31)
    if rest in ("年中",):
        return date(y, 6, 1), date(y, 7, 31)
    mq = re.fullmatch(r"(?:第)?([一二三四1-4])季度(末|底|初)?", rest)
    if mq:
        q = QUARTERS[mq.group(1)]
        start, end = date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
        if mq.group(2) in ("末", "底"):
            return date(y, 3 * q, 1), end
        if mq.group(2) == "初":
            return start, _month_end(y, 3 * q - 2)
        return start, end
    ms = re.fullmatch(r"(春季|秋季|春|秋)(学期)?", rest)
    if ms:
        if ms.group(1).startswith("春"):
            return date(y, 2, 1), date(y, 7, 31)
        return date(y, 9, 1), date(y + 1, 1, 31)
    mm = _MONTH_DAY.fullmatch(rest)
    if mm:
        mo = _month_of(mm.group(1))
        if mo is None:
            return None
        if mm.group(4):
            return _day(y, mo, int(mm.group(4)))
        part = mm.group(3)
        last = _month_end(y, mo)
        if part in ("底", "末", "下旬"):
            return date(y, mo, 21), last
        if part in ("上旬", "初"):
            return date(y, mo, 1), date(y, mo, 10)
        if part in ("中旬", "中"):
            return date(y, mo, 11), date(y, mo, 20)
        return date(y, mo, 1), last
    return None


def normalize_deadline(text: str, *, plan_year: int | None, after: str = "") -> DeadlineValue | None:
    """DEADLINE text → ``{"start", "end", "verb", "relation"}`` with ISO dates.

    ``relation`` is ``"by"`` for 前/以前/底前 (only ``end`` is meaningful),
    ``"from"`` for 起/开始 (only ``start``), else ``"during"``.  Relative words
    (年底前, 上半年, 三季度, 今年) need ``plan_year``; without it they yield
    ``None``.
    """
    t = _clean(text)
    if not t:
        return None
    relation = "during"
    mrel = re.search(r"(以前|之前|前|以后|起|开始)$", t)
    if mrel:
        relation = "by" if "前" in mrel.group(1) else "from"
        t = t[: mrel.start()]
    parts = re.split(_RANGE_SEP, t)
    if len(parts) > 2:
        return None
    first = _point(parts[0], plan_year)
    if first is None:
        # 2013—2017年: the first half has no 年
        if len(parts) == 2 and re.fullmatch(r"\d{4}", parts[0]):
            first = _point(parts[0] + "年", plan_year)
        if first is None:
            return None
    start, end = first
    if len(parts) == 2:
        second_text = parts[1]
        # 2024年1月至12月, 3月—6月: inherit the year of the first half.
        if start and not _HAS_YEAR.match(second_text):
            second_text = f"{start.year}年{second_text}" if not second_text.startswith("年") else f"{start.year}{second_text}"
        second = _point(second_text, plan_year)
        if second is None:
            return None
        end = second[1]
    if relation == "by":
        start = None
    elif relation == "from":
        end = None
    # The event verb follows the date, maybe after modal words (计划实施, 前全部建成).
    head = re.split(r"[，。；,;\n]", _clean(after))[0][:10] if after else ""
    verb_m = _DL_VERB_RE.search(head)
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "relation": relation,
        "verb": verb_m.group(0) if verb_m else None,
    }


# ---------------------------------------------------------------- LOCATION
@lru_cache(maxsize=4096)
def _cpca_lookup(name: str) -> tuple[str | None, str | None, str | None, str | None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca

        # cpca.transform wraps this per-name lookup in a pandas DataFrame; the record itself is the
        # same and costs no pandas import (a third of the non-model time on the dev set went there).
        one = getattr(cpca, "_get_one_addr", None)
        row = one(name, False, {}) if one is not None else cpca.transform([name]).iloc[0].to_dict()

    def val(col: str) -> str | None:
        v = row.get(col)
        return v if isinstance(v, str) and v else None

    code = row.get("adcode")
    return val("省"), val("市"), val("区"), (str(code) if isinstance(code, str) and code else None)


def normalize_location(text: str, *, region: str | None = None) -> LocationValue | None:
    """LOCATION text → ``{"province", "city", "district", "adcode"}`` via the cpca gazetteer.

    A name that starts with divisions (``昆山市玉山镇``, ``昆山高新区``) lies in the most
    specific of them; ``region`` (the plan's own division, e.g. ``西宁市``) disambiguates
    names that exist in several places (``城中区``). A local place the gazetteer cannot
    place — a street, town, community, road or park, including one named after another city
    (``北京路``, ``南阳新村街道``) — lies in the plan's region when there is one, else ``None``.
    """
    from .gazetteer import LOCAL_PLACE, division_prefix

    name = _clean(text)
    if not name or not re.search(r"[\u4e00-\u9fff]", name):
        return None
    prefix = division_prefix(name)
    if prefix is None:
        if region and LOCAL_PLACE.search(name):
            return _division_value(_cpca_lookup(_clean(region)))
        return None
    province, city, district, code = _cpca_lookup(name[: prefix[1]])
    if region and (province or city or district):
        rp, rc, rd, _ = _cpca_lookup(_clean(region))
        if district and ((rc and city and rc != city) or (rp and province and rp != province)):
            # A district name that exists in several cities (城中区): prefer
            # the one inside the plan's own region when there is one.
            p2, c2, d2, code2 = _cpca_lookup(_clean(region) + name[: prefix[1]])
            if d2 == district:
                province, city, district, code = p2, c2, d2, code2
    return _division_value((province, city, district, code))


def _division_value(found: tuple[str | None, str | None, str | None, str | None]) -> LocationValue | None:
    province, city, district, code = found
    if not (province or city or district):
        return None
    return {"province": province, "city": city, "district": district, "adcode": code}


# ---------------------------------------------------------------- per-label entry points
# The label registry (:mod:`nlp_minsheng.labels`) reads these: one value function and one
# "can this text be a span of the label at all" check per label.
def amount_value(span: str, ctx: ValueContext) -> AmountValue | None:
    return normalize_amount(span, before=ctx.before, unit_hint=ctx.unit_hint)


# A row's name cell that is a place (城关街道, 昭阳区): a table by district, whose figures count what the columns name.
_PLACE_ROW = re.compile(rf"{alternation((*DIVISION_SUFFIXES, '村', '社区', '合计', '小计', '总计'))}$")


def target_value(span: str, ctx: ValueContext) -> TargetValue | None:
    value = normalize_target(span, before=ctx.before, after=ctx.after)
    if value is None or not (ctx.column_header or ctx.row_subject):
        return value
    header = re.sub(r"[(（][^)）]*[)）]", "", _clean(ctx.column_header or "")).strip()
    subject = re.sub(r"^其中\s*[:：]?", "", _clean(ctx.row_subject or "")).strip()  # 其中:新增泊位, a sub-row
    if not 2 <= len(subject) <= _MAX_OBJECT or _PLACE_ROW.search(subject):
        subject = ""
    metric = value["metric"]
    if metric is None:
        # A bare number in a table counts what its column header names (改造户数, 涉及行政村), or the row's project
        # when the header only says it is the target (年度目标, 目标任务).
        value["metric"] = (subject if subject and (not header or _GENERIC_METRIC.fullmatch(header)) else header) or None
    elif subject and _VERB_RE.fullmatch(metric):
        value["metric"] = subject  # 改造42个 in the row of 老旧小区改造: the verb alone names nothing
    return value


def deadline_value(span: str, ctx: ValueContext) -> DeadlineValue | None:
    return normalize_deadline(span, plan_year=ctx.plan_year, after=ctx.after)


def location_value(span: str, ctx: ValueContext) -> LocationValue | None:
    return normalize_location(span, region=ctx.region)


def amount_like(text: str, table_cell: bool = False) -> bool:
    """Money needs a number and a currency unit, except a bare number filling a table cell."""
    return (table_cell and bool(BARE_NUMBER.fullmatch(text))) or normalize_amount(text) is not None


def target_like(text: str, table_cell: bool = False) -> bool:
    """A quantity needs a unit or 万/亿 (a bare ``6`` is not one), except in a table cell."""
    if table_cell and BARE_NUMBER.fullmatch(text):
        return True
    v = normalize_target(text)
    return v is not None and (v["unit"] is not None or bool(re.search(r"[万亿]", text)))


def deadline_like(text: str, table_cell: bool = False) -> bool:
    """A date needs a number or a time word (any plan year resolves relative words)."""
    return normalize_deadline(text, plan_year=2000) is not None


def location_like(text: str, table_cell: bool = False) -> bool:
    """No one-character place (``河``)."""
    return len(text) >= 2
