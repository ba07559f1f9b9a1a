"""Structure scores on the frozen dev set and the seeds: items, item count, plan year, TARGET metric.

    python -m eval.structure [--model DIR | --rules] [--json]

Item gold, plan years and metric gold live in the doccano ``meta`` of ``annotations/gold``
(built from ``annotations/src/dev/items``, ``seeds_items`` and ``dev/metrics``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    from nlp_minsheng.corpus import iter_corpus
    from nlp_minsheng.evaluation import evaluate_structure
    from nlp_minsheng.pipeline import Pipeline

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model directory (default: the shipped model)")
    ap.add_argument("--rules", action="store_true", help="rule tagger (items and year do not depend on the tagger)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    docs = [d for d in iter_corpus([ROOT / "annotations" / "gold"]) if "items" in d.meta or "plan_year" in d.meta]
    pipe = Pipeline.rules_only() if args.rules else Pipeline.from_pretrained(args.model)
    res = {}
    for name, subset in (("dev", [d for d in docs if d.split == "dev"]), ("seeds", [d for d in docs if not d.synthetic])):
        res[name] = evaluate_structure(pipe.parse_batch([d.text for d in subset]), subset)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    for name, r in res.items():
        i, y, m = r["items"], r["plan_year"], r["metric"]
        print(f"{name}: item F1 {i['f1']:.3f} (P {i['precision']:.3f} R {i['recall']:.3f}), item count exact "
              f"{i['count_exact']:.3f} over {i['n_docs']} docs; plan year {y['accuracy']:.3f} over {y['n_docs']}; "
              f"metric exact {m['exact']} / exact-or-head {m['exact_or_head']} (on {m['n']} of {m['gold']} gold "
              "metrics whose TARGET span was found)")
        for g, row in r["by_genre"].items():
            print(f"   {g:<9} item F1 {row['item_f1']:.3f}  count exact {row['count_exact']}  year {row['year_accuracy']}"
                  f"  docs {row['n_docs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
