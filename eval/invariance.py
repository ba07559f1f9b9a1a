"""Do the items and the plan year stay the same when a page varies the way real pages vary?

Each transform rewrites a page as real pages differ from one another — traditional script, a pinyin
reading after characters, blank lines between lines (an HTML copy), full-width indents, site chrome
above and related news below, another list-marker family, a pipe table flattened to one cell per line —
and carries the item gold along through an offset map. The item F1 of each transform is compared with
the page as written: a rule that holds for one form of a page and not for another shows up here on
the tuning pages, before it fails on pages nobody has seen.

    python -m eval.invariance                    # rs-train, its variants, the old dev set and the seeds
    python -m eval.invariance --sets rs --show   # per-document differences

Tuning pages only: the frozen real-shaped dev set (split ``dev-real``) is refused.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# A piece of the new text: (index of the original character it copies, the character). An inserted
# character has no index: NEXT belongs to the next original character (a marker, an indent), PREV to the
# one before (a pinyin reading), NONE to neither (a page header or footer).
NEXT, PREV, NONE = -1, -2, -3
Piece = tuple[int, str]
Maps = tuple[list[int], list[int], list[int | None]]


def rebuild(text: str, pieces: Iterable[Piece]) -> tuple[str, Maps]:
    """The new text, and maps ``start[i]`` / ``end[i]`` taking a range ``[i, j)`` of ``text`` to
    ``[start[i], end[j])`` of the new text (with what was inserted for its characters), and ``own[i]``, where
    character ``i`` itself went (``None`` if it is gone)."""
    n = len(text)
    first: list[int | None] = [None] * n
    last: list[int | None] = [None] * n
    own: list[int | None] = [None] * n
    out: list[str] = []
    pending: list[int] = []
    prev: int | None = None
    for old, ch in pieces:
        pos = len(out)
        out.append(ch)
        if old == NEXT:
            pending.append(pos)
        elif old == PREV:
            if prev is not None:
                last[prev] = pos
        elif old >= 0:
            own[old] = pos
            first[old] = pending[0] if pending else pos
            last[old] = pos
            pending, prev = [], old
    new = "".join(out)
    start, end = [len(new)] * (n + 1), [0] * (n + 1)
    nxt = len(new)
    for i in range(n - 1, -1, -1):
        nxt = first[i] if first[i] is not None else nxt
        start[i] = nxt
    prv = 0
    for i in range(1, n + 1):
        prv = last[i - 1] + 1 if last[i - 1] is not None else prv
        end[i] = prv
    return new, (start, end, own)


def _copy(text: str) -> list[Piece]:
    return list(enumerate(text))


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> tuple[str, Maps]:
    conv = _s2t()
    return rebuild(text, [(i, t if len(t := conv.convert(c)) == 1 else c) for i, c in enumerate(text)])


def _insert_after(text: str, insert: Callable[[int], str], owner: int = PREV) -> tuple[str, Maps]:
    """``text`` with ``insert(i)`` put after each character ``i``, the inserted text belonging to ``owner``."""
    pieces: list[Piece] = []
    for i, c in enumerate(text):
        pieces.append((i, c))
        pieces += [(owner, ch) for ch in insert(i)]
    return rebuild(text, pieces)


def blank_lines(text: str) -> tuple[str, Maps]:
    return _insert_after(text, lambda i: "\n" if text[i] == "\n" else "", NONE)


def indent(text: str) -> tuple[str, Maps]:
    pieces: list[Piece] = []
    for i, c in enumerate(text):
        if (i == 0 or text[i - 1] == "\n") and c != "\n":
            pieces += [(NEXT, "\u3000"), (NEXT, "\u3000")]
        pieces.append((i, c))
    return rebuild(text, pieces)


# No date in it: a page has one publication date, and the plan year may rest on it.
_HEADER = "首页 >> 信息公开 >> 正文\n浏览次数：1024  来源：某某网  编辑：张某\n【字号 大 中 小】【打印】\n"
_FOOTER = "\n\n相关新闻\n某某区召开专题会议部署重点工作\n某某街道开展志愿服务活动\n"


def chrome(text: str) -> tuple[str, Maps]:
    return rebuild(text, [(NONE, c) for c in _HEADER] + _copy(text) + [(NONE, c) for c in _FOOTER])


_CJK = re.compile(r"[\u4e00-\u9fff]")


def pinyin(text: str) -> tuple[str, Maps]:
    """A (fake but well-formed) reading after every third CJK character, as some converters leave (never a second
    reading after a character that has one: 個(gè)(shì) occurs on no page)."""
    return _insert_after(text, lambda i: "(shì)" if i % 3 == 0 and _CJK.match(text[i])
                         and text[i + 1 : i + 2] not in ("(", "（") else "")


# A numbered line (1. / 1、 / 1．) whose number is not the start of a decimal or a year (2.2012年).
_NUMBERED = re.compile(r"(?m)^([ \t\u3000]*)(\d{1,2})[.．、](?!\d)")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _renumber(text: str, marker: Callable[[int], str]) -> tuple[str, Maps]:
    pieces: list[Piece] = []
    last = 0
    for m in _NUMBERED.finditer(text):
        pieces += [(i, text[i]) for i in range(last, m.start(2))]
        pieces += [(NEXT, ch) for ch in marker(int(m.group(2)))]
        last = m.end()
    pieces += [(i, text[i]) for i in range(last, len(text))]
    return rebuild(text, pieces)


def paren_numbers(text: str) -> tuple[str, Maps]:
    return _renumber(text, lambda n: f"({n})")


def circled_numbers(text: str) -> tuple[str, Maps]:
    return _renumber(text, lambda n: _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else f"{n}.")


def bullets(text: str) -> tuple[str, Maps]:
    return _renumber(text, lambda n: "▶")


def flatten_tables(text: str) -> tuple[str, Maps]:
    """Pipe rows become one cell per line with blank lines between (an HTML table copied as text); a Markdown
    rule row (| --- | --- |) has no HTML counterpart and goes."""
    from nlp_minsheng.tables import RULE_ROW

    pieces: list[Piece] = []
    pos = 0
    for line in text.split("\n"):
        if line.count("|") < 2 or not RULE_ROW.fullmatch(line):
            for i, c in enumerate(line, pos):
                pieces += [(NONE, "\n"), (NONE, "\n")] if c == "|" else [(i, c)]
        if pos + len(line) < len(text):
            pieces.append((pos + len(line), "\n"))
        pos += len(line) + 1
    return rebuild(text, pieces)



def half_paren_numbers(text: str) -> tuple[str, Maps]:
    return _renumber(text, lambda n: f"{n})")


def wechat_numbers(text: str) -> tuple[str, Maps]:
    return _renumber(text, lambda n: f"{n:02d} ")


def hard_wraps(text: str, width: int = 24) -> tuple[str, Maps]:
    """Line breaks every ``width`` characters inside long lines, as in text taken from a newspaper PDF
    (a pinyin reading takes no width: it was added to the page's text, not printed)."""
    from nlp_minsheng.textnorm import reading_before

    reading = [False] * len(text)
    for i in range(len(text)):
        if text[i] in ")）" and (r := reading_before(text, i + 1)) <= i:
            reading[r : i + 1] = [True] * (i + 1 - r)
    pieces: list[Piece] = []
    col = 0
    for i, c in enumerate(text):
        if c == "\n":
            col = 0
        elif col and col % width == 0 and not reading[i] and text[i - 1] != "\n":
            pieces.append((NONE, "\n"))
        pieces.append((i, c))
        col = 0 if c == "\n" else col + (not reading[i])
    return rebuild(text, pieces)


_SPAM = "【代写代发各类论文 加微信:abc123】"


def spam(text: str) -> tuple[str, Maps]:
    """An advert injected after every fifth sentence end, as on some reposting sites.  It belongs to no item
    (GUIDELINES: an ad or spam line after an item is not part of it); one injected inside an item stays inside it."""
    after = {i for i, c in enumerate(text) if c == "。"}
    after = set(sorted(after)[4::5])
    return _insert_after(text, lambda i: _SPAM if i in after else "", NONE)


def one_paragraph(text: str) -> tuple[str, Maps]:
    """Consecutive numbered lines (1.… 2.…) run on in one paragraph, as news pages print a short list."""
    pieces: list[Piece] = []
    lines = text.split("\n")
    pos = 0
    for k, line in enumerate(lines):
        pieces += [(pos + j, c) for j, c in enumerate(line)]
        pos += len(line)
        if k + 1 < len(lines):
            joins = _NUMBERED.match(line) and _NUMBERED.match(lines[k + 1])
            if not joins:
                pieces.append((pos, "\n"))
            pos += 1
    return rebuild(text, pieces)


def truncated(text: str) -> tuple[str, Maps]:
    """The page cut off at 70% of its length, as many copies are (items after the cut are gone)."""
    return rebuild(text, _copy(text[: int(len(text) * 0.7)]))


_SECTION = re.compile(r"(?m)^([ \t\u3000]*)([一二三四五六七八九十]{1,3})、")


def lost_numerals(text: str) -> tuple[str, Maps]:
    """Every other 一、/二、 section numeral lost in copying (、提交途径), as on some pages."""
    pieces: list[Piece] = []
    last = 0
    for k, m in enumerate(_SECTION.finditer(text)):
        if k % 2:
            pieces += [(i, text[i]) for i in range(last, m.start(2))]
            last = m.end(2)  # the numeral goes, its 、 stays
    pieces += [(i, text[i]) for i in range(last, len(text))]
    return rebuild(text, pieces)


def spaced_titles(text: str) -> tuple[str, Maps]:
    """The first two lines spaced out character by character (民 生 实 事), as in text from a PDF headline."""
    spaced, lines_seen = set(), 0
    for i, c in enumerate(text):
        if c == "\n":
            lines_seen += bool(i and text[i - 1] != "\n")
        elif lines_seen < 2 and i + 1 < len(text) and text[i + 1] != "\n":
            spaced.add(i)
    return _insert_after(text, lambda i: " " if i in spaced else "")


_PUBLISHED = re.compile(r"(20\d{2})-(\d{1,2})-(\d{1,2})")  # a publication timestamp, not a date in the text


def garbled_dates(text: str) -> tuple[str, Maps]:
    """Dates garbled in publication: 2022-09-30 -> 202209月30日 (the separators lost, 月/日 kept or added)."""
    pieces: list[Piece] = []
    last = 0
    for m in _PUBLISHED.finditer(text):
        pieces += [(i, text[i]) for i in range(last, m.start())]
        y, mo, d = m.group(1), m.group(2).zfill(2), m.group(3).zfill(2)
        pieces += [(NEXT, ch) for ch in f"{y}{mo}月{d}日"]
        last = m.end()
    pieces += [(i, text[i]) for i in range(last, len(text))]
    return rebuild(text, pieces)


TRANSFORMS: dict[str, Callable[[str], tuple[str, Maps]]] = {
    "as written": lambda t: rebuild(t, _copy(t)),
    "traditional": traditional, "pinyin": pinyin, "blank lines": blank_lines, "indent": indent,
    "chrome": chrome, "(1) markers": paren_numbers, "① markers": circled_numbers, "▶ bullets": bullets,
    "flattened tables": flatten_tables, "1) markers": half_paren_numbers, "01 markers": wechat_numbers,
    "hard wraps": hard_wraps, "spam": spam, "one paragraph": one_paragraph, "truncated": truncated,
    "lost numerals": lost_numerals, "spaced titles": spaced_titles, "garbled dates": garbled_dates,
}


def read_page(doc: Any, transform: Callable[[str], tuple[str, Maps]]) -> tuple[tuple[int, int, int], int | None]:
    """``doc`` rewritten by ``transform`` and read as ``parse()`` reads it (segmentation and plan year need no
    model): ``(tp, fp, fn)`` of its items against the gold carried along, and its plan year."""
    from nlp_minsheng.planyear import infer_year
    from nlp_minsheng.segment import item_core, segment
    from nlp_minsheng.textnorm import normalize

    new, (start, end, _) = transform(doc.text)
    norm = normalize(new)
    # An item whose text is gone (a truncated page) is not expected any more.
    gold = {item_core(new, start[s], end[e]) for s, e, _ in doc.meta["items"] if start[s] < len(new)}
    pred = {item_core(new, *norm.to_original(sg.start, sg.end)) for sg in segment(norm.text)}
    return (len(gold & pred), len(pred - gold), len(gold - pred)), infer_year(norm.text)


def entity_scores(docs: list[Any], transform: Callable[[str], tuple[str, Maps]], pipe: Any) -> dict[str, Any]:
    """Strict scores (``nlp_minsheng.scoring``: per label and micro, with tp/fp/fn) of ``pipe`` on ``docs`` rewritten
    by ``transform``, against the gold spans carried along (a span covers its own characters; one whose characters
    are gone is not expected)."""
    from nlp_minsheng.scoring import score

    pages = [transform(d.text) for d in docs]
    plans = pipe.parse_batch([new for new, _ in pages])
    gold = [[(own[s], own[e - 1] + 1, lab) for s, e, lab in d.spans  # type: ignore[operator]
             if own[s] is not None and own[e - 1] is not None] for d, (_, (_, _, own)) in zip(docs, pages)]
    pred = [[(x.start, x.end, x.label) for x in plan.entities] for plan in plans]
    return score(gold, pred)["strict"]


def entity_run(docs: list[Any], pipe: Any) -> dict[str, dict[str, float]]:
    """Strict span F1 (micro and per label) per transform."""
    from nlp_minsheng.labels import LABELS

    out: dict[str, dict[str, float]] = {}
    for name, fn in TRANSFORMS.items():
        if name == "truncated":
            continue  # entities do not depend on where the page ends
        strict = entity_scores(docs, fn, pipe)
        out[name] = {key: strict[key]["f1"] for key in ("micro", *LABELS)}
    return out


def tuning_docs(sets: Iterable[str]) -> list[Any]:
    from nlp_minsheng.corpus import iter_corpus

    wanted = set(sets)
    return [d for d in iter_corpus([ROOT / "annotations" / "gold"])
            if d.split != "dev-real" and "items" in d.meta and d.id.split("-")[0] in wanted]


def run(docs: list[Any]) -> dict[str, dict[str, Any]]:
    """Per transform: item F1, plan-year accuracy, and the documents whose item errors or plan year
    differ from the page as written."""
    out: dict[str, dict[str, Any]] = {}
    for name, fn in TRANSFORMS.items():
        pages = {d.id: read_page(d, fn) for d in docs}
        errs = {i: errors for i, (errors, _) in pages.items()}
        years = {d.id: pages[d.id][1] for d in docs if "plan_year" in d.meta}
        tp, fp, fn_ = (sum(e[k] for e in errs.values()) for k in range(3))
        base = out.get("as written", {"errors": errs, "years": years})
        out[name] = {"f1": round(2 * tp / (2 * tp + fp + fn_), 4) if tp + fp + fn_ else 1.0,
                     "year": round(sum(years[d.id] == d.meta["plan_year"] for d in docs if d.id in years)
                                   / len(years), 4) if years else None,
                     "errors": errs, "years": years,
                     "changed": {i: e for i, e in errs.items() if e != base["errors"][i]},
                     "year_changed": {i: y for i, y in years.items() if y != base["years"][i]}}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="rs,rsv,dev,seed", help="id prefixes of tuning pages with item gold")
    ap.add_argument("--show", action="store_true", help="list the documents a transform changes")
    ap.add_argument("--entities", metavar="MODEL", nargs="?", const="",
                    help="instead: strict span F1 of a model (default: the shipped one) per transform")
    args = ap.parse_args(argv)
    docs = tuning_docs(args.sets.split(","))
    if args.entities is not None:
        from nlp_minsheng.pipeline import Pipeline

        pipe = Pipeline.from_pretrained(args.entities or None)
        print(f"{len(docs)} pages ({args.sets}); strict span F1 of {pipe.model_version} per transform")
        for name, r in entity_run(docs, pipe).items():
            print(f"  {name:17s} micro {r['micro']:.3f}   " + "  ".join(f"{k} {v:.3f}" for k, v in r.items()
                                                                         if k != "micro"))
        return 0
    print(f"{len(docs)} pages with item gold ({args.sets}); item F1 and plan-year accuracy per transform")
    for name, r in run(docs).items():
        print(f"  {name:17s} items {r['f1']:.3f} ({len(r['changed'])} pages changed)   "
              f"plan year {r['year']:.3f} ({len(r['year_changed'])} changed)")
        if args.show:
            for doc_id, (tp, fp, fn) in sorted(r["changed"].items()):
                print(f"      {doc_id}: tp {tp} fp {fp} fn {fn}")
            for doc_id, year in sorted(r["year_changed"].items()):
                print(f"      {doc_id}: plan year {year}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
