"""The shared grammar of the four labels: every word list and span pattern, defined once.

Three users read it and nothing else defines these words:

* the value normalisers (:mod:`nlp_minsheng.values`) parse a span's text with it;
* the model's edge repair (:mod:`nlp_minsheng.repair`) snaps model spans to its matches;
* the rule baseline (:mod:`nlp_minsheng.rules`) is a thin tagger on top of it.

Patterns work on normalised text (simplified script, half-width digits and ASCII
punctuation, see :mod:`nlp_minsheng.textnorm`).
"""

from __future__ import annotations

import re


def alternation(words: object) -> str:
    """``(?:a|b|…)`` over ``words``, longest first, so ``超过`` is tried before ``超``."""
    return "(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"  # type: ignore[arg-type]


# ---------------------------------------------------------------- numbers
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
ARABIC_RE = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
NUMBER_RE = rf"(?:{ARABIC_RE}|[{CN_DIGITS}]+)(?:[万亿]+)?"
# Range separators between two numbers or dates (200-300, 3至5, 2024.1—2024.6).
RANGE_SEPARATORS = "-－—–~～至到"
RANGE_SEP = alternation(RANGE_SEPARATORS)
RANGE_RE = rf"{NUMBER_RE}(?:\s*{RANGE_SEP}\s*{NUMBER_RE})?"

# ---------------------------------------------------------------- comparators
# Word → (symbol, whether LABELS.md puts it inside the span). 达到/控制在 and the like are
# verbs before a span; the value parser still reads them when a model span includes one.
PREFIX_COMPARATORS: dict[str, tuple[str, bool]] = {
    "不少于": (">=", True), "不低于": (">=", True), "至少": (">=", True), "达到": ("=", False), "达": ("=", False),
    "超过": (">", True), "超": (">", True), "逾": (">", True), "多于": (">", False), "高于": (">", False),
    "不超过": ("<=", True), "不高于": ("<=", False), "最高": ("<=", True), "最多": ("<=", False),
    "控制在": ("<=", False), "低于": ("<", False),
    "约": ("~", True), "近": ("~", True), "大约": ("~", False), "预计": ("~", False),
}
SUFFIX_COMPARATORS: dict[str, str] = {"以上": ">=", "及以上": ">=", "余": ">", "多": ">", "左右": "~",
                                      "以内": "<=", "以下": "<="}
PREFIX_RE = alternation(PREFIX_COMPARATORS)
SPAN_PREFIX_RE = alternation(w for w, (_, inside) in PREFIX_COMPARATORS.items() if inside)
SUFFIX_RE = alternation(SUFFIX_COMPARATORS)

# ---------------------------------------------------------------- units
# Currency unit → yuan multiplier (万/亿 alone when they clearly mean yuan: 1.2亿).
CURRENCY: dict[str, int] = {"元": 1, "万元": 10_000, "亿元": 100_000_000, "千元": 1000, "百万元": 1_000_000,
                            "万": 10_000, "亿": 100_000_000}
CURRENCY_RE = alternation(u for u in CURRENCY if u.endswith("元"))
# What a price is per (0.3元/千瓦时, 200元/人).
PER_UNITS = ("千瓦时", "立方米", "吨", "人", "户", "月", "年", "平方米", "度", "次", "天", "小时")
# Measure words of a TARGET quantity, in matching order (the first that fits wins).
MEASURE_WORDS = (
    "万平方米|平方公里|平方米|公里|千米|延米|米|亩|公顷|万人次|人次|万人|万户|万名|个百分点|万个|"
    "个|家|处|所|条|户|人|名|场|次|张|台|套|座|辆|间|栋|幢|项|支|班|轮|课时|吨|棵|株|床|块|根|盏|只|部|"
    "册|本|期|站|批次|组|片|对|位|例|份|千瓦|兆瓦|车位|泊位|公顷|万册|万株|万棵|门|节|届|类|趟|艘|孔|口|段|眼|座次|餐|单元"
).split("|")
# Measure words that make "one of them" indefinite (一批, 一系列): not a quantity.
INDEFINITE_UNITS = ("批", "系列", "些", "揽子")

# ---------------------------------------------------------------- dates
CN_MONTHS: dict[str, int] = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                             "十": 10, "十一": 11, "十二": 12, "正": 1}
MONTH_RE = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九正])"
QUARTERS: dict[str, int] = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4,
                            "第一": 1, "第二": 2, "第三": 3, "第四": 4}
# Year words relative to the plan year.
# The unit words that end the name of an administrative division (城关街道, 昭阳区, 开云镇): a table row or a label
# named so is a place, not a project.
DIVISION_SUFFIXES = ("街道", "镇", "乡", "区", "县", "市", "旗", "州")
RELATIVE_YEARS: dict[str, int] = {"今年": 0, "本年": 0, "当年": 0, "年内": 0, "全年": 0, "本年度": 0, "年度": 0,
                                  "明年": 1, "下一年度": 1, "下一年": 1, "次年": 1, "下年度": 1}
# Dates that are not the plan's schedule, told by the words around them (LABELS.md: DEADLINE is only scheduled
# time). What follows a year that names a document (the year of a government work report is not a DEADLINE):
# 2016年政府工作报告, 2012年度工作报告.
DOCUMENT_AFTER_YEAR = re.compile(r"度?\s*(?:政府工作报告|工作报告|统计公报)")
# What follows a date that says which buildings, not when: 改造2000年底前建成的老旧小区 (a construction-date threshold,
# like 50户以上的村寨 for TARGET). 竣工的/投入使用的 are left out: 8月底前竣工的学校 is the plan's own milestone.
BUILT_BEFORE_AFTER_DATE = re.compile(r"(?:以前|之前)?(?:建成|修建|建造)的")
# What follows the year of an earlier plan that the page reports as done (2023年确定的12件民生实事全面完成, in the
# 2024 work report): past background. The plan year reported done is the page's own and stays (LABELS.md).
PLAN_DONE_AFTER_YEAR = re.compile(r"[^。；;\n]{0,30}?(?:已全部完成|全部完成|全面完成|圆满完成|顺利完成|全部办结|全部兑现|已完成)")
# Around the date of a finished event (汛期前已完成主河槽疏浚, 已于国庆节前投入使用): a report, not a schedule
# (LABELS.md). On the same line only: a table's next cell (| 2020年全年 | 已开通11条 |) is another statement.
FINISHED_AFTER_DATE = re.compile(r"[ \u3000]*(?:均|全部|就)?已(?:经)?(?:全部)?"
                                 r"(?:完成|建成|投入使用|投用|完工|竣工|开通|通水|开工|改造)(?!项目|的)")
FINISHED_BEFORE_DATE = re.compile(r"(?:已于|已在|已经于|已经在|均已于)[ \u3000]*$")
# A government work report's look back (一、2023年工作回顾, 过去一年, 这一年，我们…) reports what was achieved: its
# figures are not commitments (LABELS.md TARGET: achieved progress is not). The section runs to the next heading
# about goals or tasks (二、2024年主要预期目标和工作安排). Only on pages that are work reports (or their news).
WORK_REPORT = re.compile(r"政府工作报告|工作报告|各位代表")
REVIEW_OPENS = re.compile(r"工作回顾|过去一年|过去的一年|过去五年|回顾过去|一年来[，,]|这一年[，,]")
REVIEW_CLOSES = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]).{0,30}(?:目标|任务|安排|计划|工作|建议|思路)"
                           r"|主要预期目标|总体要求|今年(?:政府)?(?:工作|的工作)")
# What comes before a date that recurs (每月25日前报送进展: a reporting frequency, as 每学年 is).
RECURRING_BEFORE_DATE = re.compile(r"每个?(?:月|季度|季|周|年|半年|学期)的?\s*$")
# A news dateline: the place between the outlet and the date is a place (LABELS.md: 人民日报天津2月8日电 → 天津).
DATELINE = re.compile(r"(?:新华社|中新社|中新网|本报|本网|人民网|央视网|[\u4e00-\u9fff]{2,6}(?:日报|晚报|网|台|社))\s*"
                      r"(?P<place>[\u4e00-\u9fff]{2,5}?)\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
                      r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日\s*(?:电|讯)")

# ---------------------------------------------------------------- span patterns
# The surface grammar of a span, per label (LABELS.md); the model's edge repair snaps to
# these matches and the rule baseline tags them.
_SUF = SUFFIX_RE
AMOUNT_RE = re.compile(
    rf"{SPAN_PREFIX_RE}?{RANGE_RE}{_SUF}?{CURRENCY_RE}(?:/{alternation(PER_UNITS)})?{_SUF}?"
)
TARGET_RE = re.compile(
    rf"{SPAN_PREFIX_RE}?(?:{RANGE_RE}{_SUF}?(?:{'|'.join(MEASURE_WORDS)})(?:\([^)]{{1,8}}\))?{_SUF}?"
    rf"|\d+(?:\.\d+)?(?:%|‰){_SUF}?)"
)
_SEP = f"[{RANGE_SEPARATORS}]"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])日"  # a whole date (2022年11月30日) is one span, never cut after its month
DEADLINE_RE = re.compile(
    r"(?:"
    rf"\d{{4}}[./]\d{{1,2}}\s*{_SEP}\s*\d{{4}}[./]\d{{1,2}}"
    rf"|\d{{4}}\s*{_SEP}\s*\d{{4}}年"
    rf"|(?:\d{{4}}年度?|今年|明年|本年度|下一年度|年内)?(?:{MONTH_RE}月(?:份)?(?:{_DAY}|底|末|上旬|中旬|下旬)?"
    rf"(?:\s*{_SEP}\s*(?:\d{{4}}年)?{MONTH_RE}月(?:{_DAY}|底|末)?)?"
    r"|第?[一二三四1-4]季度末?|上半年|下半年|年底|年末|春季学期|秋季学期)(?:前|以前|之前|起)?"
    r"|\d{4}年度?(?:底|末)?(?:前|以前|之前|起)?|(?:今年|年内|年底前|年底|下一年度)"
    r")"
)
SPAN_PATTERNS: dict[str, re.Pattern[str]] = {"AMOUNT": AMOUNT_RE, "TARGET": TARGET_RE, "DEADLINE": DEADLINE_RE}

# ---------------------------------------------------------------- tables
# A table header naming the currency unit of its column: 投资(万元), 金额（亿元）.
HEADER_CURRENCY = re.compile(r"[(（]\s*(万元|亿元|元)\s*[)）]")
# A header naming a planned quantity with its unit: 目标任务(个), 计划(公里).
HEADER_TARGET = re.compile(r"目标|任务|计划")
HEADER_UNIT = re.compile(r"[(（]([^)）]{1,4})[)）]")
BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
