"""How often each mistake class of REAL_PAGES.md occurs in a gold corpus, as a negative and as a positive.

    python -m eval.coverage annotations/gold/v2.jsonl [--markdown]

Each class is found by a pattern over the gold text: a *negative* is a match
the gold leaves unlabelled (or labels otherwise) where the v1 model tended to
tag; a *positive* is the counterpart the gold does label. The patterns are
approximations written for counting, listed below so the numbers can be read
for what they are.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from nlp_minsheng.corpus import Document, iter_corpus

_NUM = r"[0-9０-９.一二三四五六七八九十百千万两]+"
_UNIT = r"(?:个|户|人次|人|所|处|条|座|家|公里|米|平方米|辆|套|张|名|项|场|间|台|次|万户|万人|%|％)"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    group: int  # the group whose span is checked against the gold
    label: str | None  # the label the positive carries (None: any label counts as positive)
    genres: tuple[str, ...] = ()  # restrict to these genres (empty: all)


def _covered(doc: Document, s: int, e: int, label: str | None) -> bool:
    return any(a <= s and e <= b and (label is None or lab == label) for a, b, lab in doc.spans)


RULES = [
    # 1. achieved progress vs planned quantity (progress reports)
    Rule("1 achieved progress", re.compile(rf"(?:已|累计|完成|实现|建成|开工|惠及)[^，。；\n]{{0,6}}?({_NUM}{_UNIT})"), 1,
         "TARGET", ("progress", "table")),
    # 2. counts of the plan's own categories and voting-procedure numbers
    Rule("2 category/procedure counts", re.compile(
        rf"(?:类|件|大类|代表|表决票|赞成票|候选项目|收回|发出)[^，。；\n]{{0,3}}?({_NUM}(?:项|个|件|名|张|票|%|％))"
        rf"|({_NUM}(?:件民生实事|件实事|名代表|张表决票|个候选|大类))"), 0, "TARGET", ("vote", "list", "notice")),
    # 3. report dates vs schedule dates
    Rule("3 report dates", re.compile(
        r"(?:截至|截止|发布时间[:：]?|今年以来|自\d{4}年以来|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?|\d{1,2}[-—~]\d{1,2}月)"
        r"[^，。；\n]{0,12}"), 0, "DEADLINE"),
    # 4. flattened table cells: a bare number alone on its line
    Rule("4 table cells", re.compile(r"(?m)^\s*(\d+(?:\.\d+)?)\s*$"), 1, None, ("table",)),
    # 5. place-like characters inside longer words
    Rule("5 place unit inside a word", re.compile(
        r"(有关|各|所在|周边|全)(?:镇|乡|街道|社区|村|县|区)[（(]?|种植|石门坎|社区|街道"), 0, "LOCATION"),
    # 6. contiguous names (two unit words) and lists of places
    Rule("6 contiguous names / lists", re.compile(
        r"[\u4e00-\u9fff]{2,6}(?:市|县|区)[\u4e00-\u9fff]{2,8}(?:区|镇|乡|街道|社区|村)"
        r"|[\u4e00-\u9fff]{2,5}(?:村|社区|镇)、[\u4e00-\u9fff]{2,5}(?:村|社区|镇)"), 0, "LOCATION"),
    # 8. non-places that look like places: editor lines, schools/markets with a bare name, transit lines
    Rule("8 look-alike non-places", re.compile(
        r"(?:编辑|记者|作者|审核|校对|通讯员)[:：]\s*([\u4e00-\u9fff]{2,4})"
        r"|([\u4e00-\u9fff]{2,4}(?:一中|二中|三中|小学|中学|农贸市场))"
        r"|((?:地铁|轨道交通|公交)?\d+号线)"), 0, "LOCATION"),
]


def _matches(rule: Rule, doc: Document) -> Iterable[tuple[int, int]]:
    for m in rule.pattern.finditer(doc.text):
        g = rule.group if rule.group else next((i for i in range(1, (m.lastindex or 0) + 1) if m.group(i)), 0)
        if m.group(g):
            yield m.start(g), m.end(g)


_UNIT_WORD = re.compile(r"(省|市|县|区|镇|乡|街道|社区|村|路|街|河|湖|山|公园|广场|小区|新村|花园|家园|旗)$")


def count(docs: list[Document]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for rule in RULES:
        neg = pos = 0
        for doc in docs:
            if rule.genres and doc.meta.get("genre") not in rule.genres:
                continue
            for s, e in _matches(rule, doc):
                if _covered(doc, s, e, rule.label) or (rule.label is None and _covered(doc, s, e, None)):
                    pos += 1
                else:
                    neg += 1
        out[rule.name] = {"negative": neg, "positive": pos}
    # Positives that no pattern can find are counted from the gold spans themselves.
    out["1 achieved progress"]["positive"] += sum(
        1 for d in docs if d.meta.get("genre") == "progress" for *_, lab in d.spans if lab == "TARGET")
    out["2 category/procedure counts"]["positive"] += sum(
        1 for d in docs if d.meta.get("genre") in ("vote", "list", "notice") for *_, lab in d.spans if lab == "TARGET")
    out["6 contiguous names / lists"]["positive"] += sum(
        1 for d in docs for s, e, lab in d.spans
        if lab == "LOCATION" and len(re.findall(r"(?:省|市|县|区|镇|乡|街道|社区|村)", d.text[s:e])) >= 2)
    out["3 report dates"]["positive"] += sum(1 for d in docs for *_, lab in d.spans if lab == "DEADLINE")
    out["5 place unit inside a word"]["positive"] += sum(
        1 for d in docs for s, e, lab in d.spans if lab == "LOCATION" and re.search(r"(社区|街道|村|镇)$", d.text[s:e]))
    # 7. bare names (no unit word): positives are such LOCATION spans, negatives the same
    # names left unlabelled elsewhere in the document (inside brands, schools, slogans).
    neg7 = pos7 = 0
    for d in docs:
        bare = {d.text[s:e] for s, e, lab in d.spans if lab == "LOCATION" and not _UNIT_WORD.search(d.text[s:e])}
        pos7 += sum(1 for s, e, lab in d.spans if lab == "LOCATION" and d.text[s:e] in bare)
        for name in bare:
            neg7 += sum(1 for m in re.finditer(re.escape(name), d.text) if not _covered(d, m.start(), m.end(), None))
    out["7 bare names"] = {"negative": neg7, "positive": pos7}
    out = dict(sorted(out.items()))
    out["8 look-alike non-places"]["positive"] += sum(1 for d in docs for *_, lab in d.spans if lab == "LOCATION")
    return out


def gazetteer_coverage(docs: list[Document]) -> tuple[int, int]:
    """Distinct county-level division names (cpca, full form) inside gold LOCATION spans, and the
    provinces of those names that are unambiguous."""
    import warnings

    from nlp_minsheng.textnorm import normalize

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca
    county: dict[str, set[str]] = {}
    for info in cpca.ad_2_addr_dict.values():
        if int(info.rank) == 2:
            county.setdefault(info.name, set()).add(info.adcode[:2])
    spans = {normalize(d.text[s:e]).text for d in docs for s, e, lab in d.spans if lab == "LOCATION"}
    found = {name: provs for name, provs in county.items()
             if len(name) >= 3 and any(name in t for t in spans) or name in spans}
    provinces = {p for provs in found.values() if len(provs) == 1 for p in provs}
    return len(found), len(provinces)


def table(counts: dict[str, dict[str, int]]) -> str:
    lines = ["| mistake class (REAL_PAGES.md) | negatives | positives |", "| --- | --- | --- |"]
    lines += [f"| {k} | {v['negative']} | {v['positive']} |" for k, v in counts.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    docs = [d for d in iter_corpus(args.paths) if "~" not in d.id]
    print(table(count(docs)))
    names, provinces = gazetteer_coverage(docs)
    print(f"\nCounty-level divisions named in LOCATION spans: {names}, from {provinces} provinces.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
