"""Structure scores on the frozen real-shaped dev set, the frozen dev set, the real-shaped training pages, their
variants and the seeds: items, item count, plan year, TARGET metric, by genre.

    python -m eval.structure [--model DIR | --rules] [--json]

Item gold, plan years and metric gold live in the doccano ``meta`` of ``annotations/gold``
(built from ``annotations/src/{dev,real}/items``, ``seeds_items`` and ``{dev,real}/metrics``).
The list grammar is tuned on the real-shaped training pages, their variants, corpus v2 and the seeds only; the real-shaped
dev set (``dev-real``) is never looked at while writing rules.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# (set, when, item F1 (P/R), count exact, plan year) of the first reading of each tuning set, before rules were written
# from it: measured, not recomputed (the grammar has moved on since).
FIRST_READINGS = [
    ("corpus v2 (156 pages)", "2026-12-07, before its item gold was used", "0.732", "–", "–"),
    ("structure pages (st, 48 pages)", "2026-12-07, code of a4629e2", "0.769 (0.76/0.78)", "0.646", "0.958"),
    ("structure pages st-c (16 pages), after tuning on st-a and st-b only", "2026-12-07", "0.816 (0.88/0.76)", "0.688",
     "1.000"),
    ("second round of variants (rsv-*d/e/f, 81 pages of progress, table, notice, report and solicitation parents)",
     "2026-12-07, code of 0118dbe", "0.937 (0.99/0.89)", "0.889", "1.000"),
]


def markdown(res: dict, model_version: str) -> str:
    import time


    def fmt(v: float | None) -> str:
        return "–" if v is None else f"{v:.3f}"

    lines = [f"## Structure: items, plan year, metric ({time.strftime('%Y-%m-%d %H:%M')}, `{model_version}`)\n",
             "`python -m eval.structure --write`. Items: exact item spans against the item gold, compared by their core "
             "(without list marker, pipes, whitespace and closing punctuation: `segment.item_core`); "
             "count exact: share of documents with the right number of items; plan year: share of documents with "
             "the right year; metric: over gold TARGETs found with the exact span, share whose metric is equal or has "
             "the same head noun (last jieba word). The list grammar is tuned on the real-shaped training pages, their "
             "variants and corpus v2 (item gold by one annotator each) and the seeds; the realistic dev set was looked at when the first segmentation rules were written (optimistic); "
             "the real-shaped dev set never.\n",
             "| set | item F1 (P/R) | count exact | plan year | metric exact | metric exact or head | metrics scored |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in res.items():
        i, y, m = r["items"], r["plan_year"], r["metric"]
        lines.append(f"| {name} ({i['n_docs']} docs) | {i['f1']:.3f} ({i['precision']:.2f}/{i['recall']:.2f}) | "
                     f"{fmt(i['count_exact'])} | {fmt(y['accuracy'])} | {fmt(m['exact'])} | {fmt(m['exact_or_head'])} | "
                     f"{m['n']} of {m['gold']} |")
    lines += ["", "First readings: each tuning set of the list grammar was scored once before any rule was written from "
              "it (a held-out reading at the time), then tuned on:\n",
              "| set | measured | item F1 (P/R) | count exact | plan year |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {name} | {when} | {f1} | {count} | {year} |" for name, when, f1, count, year in FIRST_READINGS]
    for name in ("dev-real", "dev"):
        lines += ["", f"{name} by genre:\n", "| genre | documents | item F1 | count exact | plan year | metric exact or head |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for g, row in res[name]["by_genre"].items():
            lines.append(f"| {g} | {row['n_docs']} | {fmt(row['item_f1'])} | {row['count_exact']} | {row['year_accuracy']} "
                         f"| {fmt(row.get('metric_exact_or_head'))} |")
    return "\n".join(lines) + "\n"


def summary(res: dict) -> list[str]:
    """The console lines of a run: per set, then per genre (a genre without items in gold or plans has no item F1)."""
    lines = []
    for name, r in res.items():
        i, y, m = r["items"], r["plan_year"], r["metric"]
        lines.append(f"{name}: item F1 {i['f1']:.3f} (P {i['precision']:.3f} R {i['recall']:.3f}), item count exact "
                     f"{i['count_exact']:.3f} over {i['n_docs']} docs; plan year {y['accuracy']:.3f} over {y['n_docs']}; "
                     f"metric exact {m['exact']} / exact-or-head {m['exact_or_head']} (on {m['n']} of {m['gold']} gold "
                     "metrics whose TARGET span was found)")
        for g, row in r["by_genre"].items():
            f1 = "–" if row["item_f1"] is None else f"{row['item_f1']:.3f}"
            lines.append(f"   {g:<9} item F1 {f1}  count exact {row['count_exact']}  year {row['year_accuracy']}"
                         f"  docs {row['n_docs']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    from nlp_minsheng.corpus import iter_corpus
    from nlp_minsheng.evaluation import evaluate_structure
    from nlp_minsheng.pipeline import Pipeline
    from training.build_corpus import structure_pages

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model directory (default: the shipped model)")
    ap.add_argument("--rules", action="store_true", help="rule tagger (items and year do not depend on the tagger)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--write", action="store_true", help="also write eval/structure.md (included by eval.results)")
    args = ap.parse_args(argv)
    docs = [d for d in iter_corpus([ROOT / "annotations" / "gold"]) if "items" in d.meta or "plan_year" in d.meta]
    pipe = Pipeline.rules_only() if args.rules else Pipeline.from_pretrained(args.model)
    res = {}
    sets = (("dev-real", [d for d in docs if d.split == "dev-real"]), ("dev", [d for d in docs if d.split == "dev"]),
            ("real-shaped train", [d for d in docs if d.split == "train" and d.id.startswith("rs-")]),
            ("real-shaped variants", [d for d in docs if d.id.startswith("rsv-")]),
            ("corpus v2", [d for d in docs if d.id.startswith("v2-")]),
            ("seeds", [d for d in docs if not d.synthetic]),
            ("structure pages (st)", structure_pages("st")))
    for name, subset in sets:
        res[name] = evaluate_structure(pipe.parse_batch([d.text for d in subset]), subset)
    if args.write:
        (ROOT / "eval" / "structure.md").write_text(markdown(res, pipe.model_version), encoding="utf-8")
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print("\n".join(summary(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
