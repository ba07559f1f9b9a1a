"""Score models side by side on the frozen real-shaped dev set and the frozen realistic dev set (per label,
per genre, P/R), the frozen real test seed and the held-out synthetic set B — all in one run.

    python -m eval.realistic                                  # shipped model, previous model, rules
    python -m eval.realistic --system "v2, 6 layers=runs/l6" --system "v2, O 1.0=runs/o10"
    python -m eval.realistic --ablations                      # + pipeline ablations of the shipped model

A system is ``NAME=MODEL_DIR[+option…]`` with options ``norepair`` (model spans without
the grammar's edge repair), ``nothreshold`` (no per-label minimum span score), ``repair=TARGET,AMOUNT`` (repair only these labels), ``words`` / ``nowords`` (LOCATION edges snapped to jieba words
or not) and ``windowN`` (inference window of N tokens instead of the model's own setting). Writes
``eval/realistic.json`` and ``eval/realistic.md`` (included by ``python -m eval.results``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
SETS = ("dev-real", "dev", "test seed", "synthetic B")
DEV_SETS = ("dev-real", "dev")  # scored with values, per genre, rendered in full


def _docs() -> dict[str, list[Any]]:
    from nlp_minsheng.corpus import iter_corpus

    docs = list(iter_corpus([ROOT / "annotations" / "gold"]))
    return {
        "dev-real": [d for d in docs if d.split == "dev-real"],
        "dev": [d for d in docs if d.split == "dev"],
        "test seed": [d for d in docs if d.id == "seed-002"],
        "synthetic B": [d for d in docs if d.split == "test"],
    }


def _pipeline(spec: str) -> Any:
    from nlp_minsheng.pipeline import Pipeline

    if spec == "rules":
        return Pipeline.rules_only()
    path, *opts = spec.split("+")
    kwargs: dict[str, Any] = {}
    if "norepair" in opts:
        kwargs["repair"] = False
    if "nothreshold" in opts:
        kwargs["min_score"] = {}
    if "words" in opts:
        kwargs["word_edges"] = True
    if "nowords" in opts:
        kwargs["word_edges"] = False
    for rt in ("torch", "onnx"):
        if rt in opts:
            kwargs["runtime"] = rt
    for opt in opts:
        if opt.startswith("repair="):
            kwargs["repair"] = tuple(opt[len("repair="):].split(","))
        if opt.startswith("window"):
            kwargs["max_length"] = int(opt[len("window"):])
    return Pipeline.from_pretrained(ROOT / path if not Path(path).is_absolute() else path, **kwargs)


def run(systems: dict[str, str]) -> dict[str, Any]:
    from nlp_minsheng.evaluation import evaluate, pipeline_tagger

    sets = _docs()
    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "systems": systems,
                           "n_docs": {k: len(v) for k, v in sets.items()}, "results": {}}
    for name, spec in systems.items():
        tagger = pipeline_tagger(_pipeline(spec))
        res = {}
        for set_name, docs in sets.items():
            r = evaluate(tagger, docs, values=set_name in DEV_SETS)
            res[set_name] = {k: r[k] for k in ("strict", "overlap", "value_accuracy", "by_genre", "n_docs", "n_chars")}
            if set_name == "dev-real":  # the mistake classes of REAL_PAGES.md on the real-shaped yardstick
                from collections import Counter

                from nlp_minsheng.errors import find_errors, mistake_class

                res[set_name]["mistake_classes"] = dict(Counter(
                    mistake_class(e) for e in find_errors(docs, r["predictions"])))
        out["results"][name] = res
        print(f"{name}: dev-real strict micro {res['dev-real']['strict']['micro']['f1']:.3f}, "
              f"dev {res['dev']['strict']['micro']['f1']:.3f}", file=sys.stderr)
    return out


TITLES = {
    "dev-real": ("Real-shaped dev set, frozen",
                 "30 of the 70 pages written from real pages (shape kept, content changed), stratified by genre; "
                 "annotated in two independent passes and consolidated; never trained on, never used to tune rules."),
    "dev": ("Realistic dev set, frozen",
            "Written from descriptions of real pages and annotated by helpers who saw only LABELS.md, REAL_PAGES.md "
            "and GUIDELINES.md; never trained on; used for early stopping."),
}


def _section(data: dict[str, Any], set_name: str) -> list[str]:
    from nlp_minsheng.labels import LABELS

    res = {k: r for k, r in data["results"].items() if set_name in r}
    if not res:
        return []
    title, blurb = TITLES[set_name]
    lines = [f"## {title} ({data['n_docs'][set_name]} pages; {data['date']})\n", blurb + " Strict span F1 per label "
             "(P/R):\n", "| system | " + " | ".join(LABELS) + " | micro (P/R) | overlap micro |",
             "|" + " --- |" * (len(LABELS) + 3)]
    for name, r in res.items():
        d = r[set_name]["strict"]
        lines.append(f"| {name} | " + " | ".join(f"{d[lab]['f1']:.3f} ({d[lab]['precision']:.2f}/{d[lab]['recall']:.2f})"
                                                for lab in LABELS)
                     + f" | **{d['micro']['f1']:.3f}** ({d['micro']['precision']:.2f}/{d['micro']['recall']:.2f})"
                     + f" | {r[set_name]['overlap']['micro']['f1']:.3f} |")
    genres = sorted({g for r in res.values() for g in r[set_name]["by_genre"]})
    first = res[next(iter(res))][set_name]["by_genre"]
    lines += ["", "By genre, strict micro F1 (P/R):\n",
              "| system | " + " | ".join(f"{g} ({first.get(g, {}).get('n_docs', 0)})" for g in genres) + " |",
              "|" + " --- |" * (len(genres) + 1)]
    for name, r in res.items():
        bg = r[set_name]["by_genre"]
        lines.append(f"| {name} | " + " | ".join(
            f"{bg[g]['f1']:.3f} ({bg[g]['precision']:.2f}/{bg[g]['recall']:.2f})" if g in bg else "–" for g in genres)
            + " |")
    if any("mistake_classes" in r[set_name] for r in res.values()):
        from nlp_minsheng.errors import MISTAKE_CLASSES

        names = [n for n in res if "mistake_classes" in res[n][set_name]]  # systems scored since the table existed
        lines += ["", "Errors by mistake class of REAL_PAGES.md (`nlp_minsheng.errors.mistake_class`; patterns "
                      "approximate; every false positive and negative counted once):\n",
                  "| mistake class | " + " | ".join(names) + " |", "|" + " --- |" * (len(names) + 1)]
        for c in MISTAKE_CLASSES:
            counts = [res[n][set_name].get("mistake_classes", {}).get(c, 0) for n in names]
            if any(counts):
                lines.append(f"| {c} | " + " | ".join(map(str, counts)) + " |")
    lines += ["", "Value accuracy (overlap-matched spans):\n",
              "| system | " + " | ".join(LABELS) + " |", "|" + " --- |" * (len(LABELS) + 1)]
    for name, r in res.items():
        va = r[set_name]["value_accuracy"]
        lines.append(f"| {name} | " + " | ".join("–" if va[lab][0] is None else f"{va[lab][0]:.3f} (n={va[lab][1]})"
                                                for lab in LABELS) + " |")
    return lines + [""]


def markdown(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for set_name in DEV_SETS:
        lines += _section(data, set_name)
    lines += ["## All sets, strict micro F1\n", "| system | " + " | ".join(SETS) + " |", "|" + " --- |" * (len(SETS) + 1)]
    for name, r in data["results"].items():
        lines.append(f"| {name} | " + " | ".join(f"{r[s]['strict']['micro']['f1']:.3f}" if s in r else "–"
                                                for s in SETS) + " |")
    lines += ["", "Systems: " + "; ".join(f"`{k}` = `{v}`" for k, v in data["systems"].items()), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from nlp_minsheng.pipeline import DEFAULT_MODEL_NAME

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--system", action="append", default=[], metavar="NAME=SPEC")
    ap.add_argument("--ablations", action="store_true", help="also the shipped model without repair, with word edges, "
                                                             "with other windows")
    ap.add_argument("--no-defaults", action="store_true", help="only the --system entries")
    ap.add_argument("--merge", action="store_true", help="score only the --system entries and add them to the "
                                                         "existing eval/realistic.json (other rows kept)")
    args = ap.parse_args(argv)
    shipped = f"models/{DEFAULT_MODEL_NAME}"
    systems: dict[str, str] = {}
    if not args.no_defaults:
        systems[DEFAULT_MODEL_NAME] = shipped
        # Archived models are not in git (history keeps them); scored where restored into models/.archive/.
        for old in sorted((ROOT / "models" / ".archive").glob("minsheng-ner-v*")):
            systems[old.name] = str(old.relative_to(ROOT))
        systems["rules"] = "rules"
    if args.ablations:
        systems[f"{DEFAULT_MODEL_NAME}, no edge repair"] = shipped + "+norepair"
        for labels in ("TARGET,AMOUNT", "TARGET,AMOUNT,LOCATION", "TARGET,AMOUNT,DEADLINE,LOCATION"):
            systems[f"{DEFAULT_MODEL_NAME}, repair {labels}"] = shipped + "+repair=" + labels
        systems[f"{DEFAULT_MODEL_NAME}, LOCATION word edges on"] = shipped + "+words"
        systems[f"{DEFAULT_MODEL_NAME}, window 512"] = shipped + "+window512"
        systems[f"{DEFAULT_MODEL_NAME}, window 128"] = shipped + "+window128"
    for s in args.system:
        name, _, spec = s.partition("=")
        systems[name] = spec
    if args.merge:
        systems = {k: v for k, v in systems.items() if f"{k}={v}" in args.system}
    data = run(systems)
    if args.merge and (EVAL / "realistic.json").exists():
        old = json.loads((EVAL / "realistic.json").read_text(encoding="utf-8"))
        new_results, new_systems = data["results"], data["systems"]
        data = {**old, "date": data["date"], "results": {**old["results"], **new_results},
                "systems": {**old["systems"], **new_systems}}
    (EVAL / "realistic.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    md = markdown(data)
    (EVAL / "realistic.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
