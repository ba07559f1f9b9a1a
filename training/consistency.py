"""Mechanical consistency fixes over annotated markup, for decisions annotators split on.

    python -m training.consistency annotations/src/v2/marked annotations/src/dev/marked [--write]

Rules (GUIDELINES.md):

* ``突破`` before a TARGET or AMOUNT is a comparator like 超过 and belongs inside the span.
* progress reports: a remaining quantity (剩余/其余 + number + unit) is TARGET
when its sentence gives it a DEADLINE, and not TARGET when the sentence gives it only a status (正在, 在建, 已). Prints every change; writes
only with ``--write``. The text never changes, only the markup.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from nlp_minsheng.markup import parse_markup, to_markup

_UNITS = "个|座|所|条|家|台|部|辆|户|处|盏|公里|米|项|套|间|张|名|人|村|段|個|條|臺|輛|戶|處|項|間|張"
# 剩余/其余 (+ pinyin leftover) (+ 的) + number + measure word: the remaining quantity.
_REMAINDER = re.compile(rf"(?:剩余|其余|剩餘|其餘|余下|另外)(?:\([^)]{{1,7}}\))?的?"
                        rf"(?P<q>[0-9.一二三四五六七八九十两兩]+(?:{_UNITS}))")
_STATUS = re.compile(r"正在|在建|已|尚未|未能")  # a remainder with only a status
_CLAUSE_END = re.compile(r"[。；\n]")  # a sentence: 其余64个因…，计划3月底前完成


def comparators(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], list[str]]:
    out, notes = [], []
    for s, e, lab in spans:
        if lab in ("TARGET", "AMOUNT") and text[max(0, s - 2):s] == "突破":
            notes.append(f"突破 inside {text[s - 2:e]!r}")
            s -= 2
        out.append((s, e, lab))
    return out, notes


def fix(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], list[str]]:
    spans = sorted(spans)
    notes = []
    for m in _REMAINDER.finditer(text):
        qs, qe = m.start("q"), m.end("q")
        if text[qe - 1] in "项項件" or text.startswith("项目", qe):
            continue  # the plan's own items: never TARGET, whatever the clause says
        end = _CLAUSE_END.search(text, qe)
        clause_end = end.start() if end else len(text)
        comma_start = max(text.rfind(c, 0, m.start()) for c in "，。；\n") + 1
        # Its deadline follows it in the sentence, or precedes it in the same comma clause (今年剩余44个村).
        has_deadline = any(lab == "DEADLINE" and (qe <= s < clause_end or comma_start <= s < qs) for s, _, lab in spans)
        tagged = [sp for sp in spans if sp[2] == "TARGET" and sp[0] <= qs < sp[1]]
        if has_deadline and not tagged:
            if any(s < qe and qs < e for s, e, _ in spans):
                continue  # overlaps another label: leave to a human
            spans.append((qs, qe, "TARGET"))
            notes.append(f"+T {text[max(0, qs - 4):clause_end]!r}")
        elif tagged and not has_deadline and _STATUS.search(text, qe, clause_end):
            spans = [sp for sp in spans if sp not in tagged]
            notes.append(f"-T {text[max(0, qs - 4):clause_end]!r}")
    return sorted(spans), notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    n = 0
    for folder in args.folders:
        for path in sorted(Path(folder).glob("*.txt")):
            text, spans = parse_markup(path.read_text(encoding="utf-8"))
            new, notes = comparators(text, spans)
            if path.stem.endswith(("-progress", "-table")):  # the remainder rule is about progress reports
                new, more = fix(text, new)
                notes += more
            for note in notes:
                print(f"{path.stem}: {note}")
            n += len(notes)
            if notes and args.write:
                path.write_text(to_markup(text, new), encoding="utf-8")
    print(f"{n} change(s){'' if args.write else ' (dry run)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
