"""Inter-annotator agreement of two independent passes over the same pages, and their disagreements.

Pass A is read as gold and pass B as prediction: strict span F1 per label is then symmetric
(P and R swap). Writes the table to ``agreement.md`` and, with ``--disagreements DIR``, one
TSV per page listing the spans only one pass has (the consolidating annotator's worklist).

Run: ``python -m eval.agreement annotations/src/real/passA annotations/src/real/passB
        --out annotations/src/real/agreement.md --disagreements /tmp/disagree``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlp_minsheng.labels import LABELS
from nlp_minsheng.markup import parse_markup
from nlp_minsheng.scoring import score


def read_pass(folder: Path) -> dict[str, tuple[str, list[tuple[int, int, str]]]]:
    return {p.stem: parse_markup(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))}


def genre(doc_id: str) -> str:
    return doc_id.rsplit("-", 1)[-1]


def agreement(a: dict, b: dict) -> dict:
    ids = sorted(set(a) & set(b))
    for i in ids:
        if a[i][0] != b[i][0]:
            raise ValueError(f"{i}: the two passes strip to different texts")
    res = score([a[i][1] for i in ids], [b[i][1] for i in ids])
    genres = sorted({genre(i) for i in ids})
    by_genre = {g: score([a[i][1] for i in ids if genre(i) == g], [b[i][1] for i in ids if genre(i) == g])
                for g in genres}
    return {"pages": len(ids), "spans_a": sum(len(a[i][1]) for i in ids), "spans_b": sum(len(b[i][1]) for i in ids),
            "strict": res["strict"], "overlap": res["overlap"],
            "by_genre": {g: {"pages": sum(genre(i) == g for i in ids), "strict_micro": r["strict"]["micro"]["f1"]}
                         for g, r in by_genre.items()}}


def render(r: dict) -> str:
    lines = [f"Agreement of pass A and pass B: {r['pages']} pages, {r['spans_a']} spans in A, {r['spans_b']} in B.",
             "", "| | " + " | ".join(LABELS) + " | micro |", "| --- |" + " --- |" * (len(LABELS) + 1)]
    for kind in ("strict", "overlap"):
        lines.append(f"| {kind} F1 | " + " | ".join(f"{r[kind][lab]['f1']:.3f}" for lab in LABELS)
                     + f" | {r[kind]['micro']['f1']:.3f} |")
    lines += ["", "| genre | pages | strict micro F1 |", "| --- | --- | --- |"]
    lines += [f"| {g} | {v['pages']} | {v['strict_micro']:.3f} |" for g, v in r["by_genre"].items()]
    return "\n".join(lines) + "\n"


def disagreements(a: dict, b: dict, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for i in sorted(set(a) & set(b)):
        text = a[i][0]
        sa, sb = set(a[i][1]), set(b[i][1])
        rows = []
        for s, e, lab in sorted(sa ^ sb):
            ctx = text[max(0, s - 15):s] + "【" + text[s:e] + "】" + text[e:e + 15]
            rows.append(f"{s}\t{e}\t{lab}\t{'A' if (s, e, lab) in sa else 'B'}\t{text[s:e]}\t{ctx.replace(chr(10), '⏎')}")
        n += len(rows)
        (out / f"{i}.tsv").write_text("start\tend\tlabel\tonly_in\ttext\tcontext\n" + "\n".join(rows) + "\n",
                                      encoding="utf-8")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pass_a", type=Path)
    ap.add_argument("pass_b", type=Path)
    ap.add_argument("--out", type=Path, help="write the Markdown table (and a .json beside it) here")
    ap.add_argument("--disagreements", type=Path, metavar="DIR")
    args = ap.parse_args(argv)
    a, b = read_pass(args.pass_a), read_pass(args.pass_b)
    r = agreement(a, b)
    md = render(r)
    print(md)
    if args.out:
        args.out.write_text(md, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(r, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.disagreements:
        print(f"{disagreements(a, b, args.disagreements)} disagreeing spans written to {args.disagreements}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
