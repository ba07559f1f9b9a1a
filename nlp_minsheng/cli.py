"""Command line: ``python -m nlp_minsheng COMMAND …`` (also the ``nlp-minsheng`` script).

Commands
  parse     tag one announcement (file or ``-`` for stdin); table or --json
  batch     tag many files / folders / JSONL into a resumable JSONL output
  validate  check gold files against the label spec (offsets, edges, overlaps)
  stats     documents, characters and entities per label per split
  export    gold or batch output → doccano / Label Studio / CoNLL (review order)
  import    doccano / Label Studio / CoNLL → our gold JSONL
  eval      score a model (and baselines) against gold JSONL
  render    parse documents into one self-contained HTML page (entities highlighted)
  retrain   merge corrections, retrain, compare with the shipped model, promote
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from . import __version__


def _read_input(path: str) -> str:
    from .batch import decode_bytes

    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if not p.is_file():
        raise SystemExit(f"error: expected a text file or '-', got {path!r} (not a file)")
    return decode_bytes(p.read_bytes(), source=path)[0]


def _pipeline(args: argparse.Namespace) -> Any:
    from .pipeline import Pipeline, default_model_path

    if getattr(args, "rules", False):
        return Pipeline.rules_only()
    return Pipeline.from_pretrained(args.model or default_model_path(), quantize=getattr(args, "quantize", None),
                                    runtime=getattr(args, "runtime", "auto"))


def _fmt_value(v: dict[str, Any] | None) -> str:
    if not v:
        return ""
    keep = {k: val for k, val in v.items() if val not in (None, "", "=")}
    if keep.get("low") == keep.get("high"):  # a single number is already shown as quantity/yuan
        keep.pop("low", None)
        keep.pop("high", None)
    return ", ".join(f"{k}={val}" for k, val in keep.items())


def cmd_parse(args: argparse.Namespace) -> int:
    text = _read_input(args.file)
    plan = _pipeline(args).parse(text, plan_year=args.year)
    if args.html:
        from .render import render_html

        Path(args.html).write_text(render_html([plan], [args.file]), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(plan.to_json(indent=2 if args.indent else None))
        return 0
    print(f"year: {plan.year}  region: {plan.region}  items: {len(plan.items)}  entities: {len(plan.entities)}"
          f"  model: {plan.meta.get('model_version')}")
    shown: set[int] = set()
    for item in plan.items:
        print(f"\n[{item.index}] {item.title}")
        for e in item.entities:
            shown.add(e.start)
            print(f"    {e.label:<9} {e.text:<16} {e.score:.2f}  {_fmt_value(e.value)}")
    rest = [e for e in plan.entities if e.start not in shown]
    if rest:
        print("\n[outside items]")
        for e in rest:
            print(f"    {e.label:<9} {e.text:<16} {e.score:.2f}  {_fmt_value(e.value)}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .batch import iter_inputs
    from .render import render_html

    records = list(iter_inputs(args.inputs))
    for r in records:
        if r.error:
            print(f"warning: skipped {r.source}: {r.error}", file=sys.stderr)
    records = [r for r in records if r.text is not None]
    if not records:
        print("error: no readable documents in " + ", ".join(args.inputs), file=sys.stderr)
        return 2
    plans = _pipeline(args).parse_batch([r.text for r in records], plan_year=args.year)
    Path(args.output).write_text(render_html(plans, [r.id for r in records]), encoding="utf-8")
    print(f"wrote {len(plans)} document(s) to {args.output}", file=sys.stderr)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch

    try:
        counts = run_batch(args.inputs, args.output, errors=args.errors, resume=args.resume, workers=args.workers,
                           model=args.model, quantize=args.quantize, runtime=args.runtime, rules_only=args.rules, plan_year=args.year,
                           progress=not args.quiet, limit=args.limit)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(counts), file=sys.stderr)
    return 1 if counts["failed"] else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .corpus import iter_corpus, validate

    n_docs = n_err = 0
    seen: Counter[str] = Counter()
    for doc in iter_corpus(args.files):
        n_docs += 1
        seen[doc.id] += 1
        for p in validate(doc):
            print(p)
            n_err += 1
    for did, k in seen.items():
        if k > 1:
            print(f"error: {did}: id occurs {k} times")
            n_err += 1
    print(f"{n_docs} documents, {n_err} problem(s)")
    return 1 if n_err or not n_docs else 0


def stats_table(paths: list[str]) -> str:
    from .corpus import iter_corpus
    from .labels import LABELS

    rows: dict[str, Counter[str]] = defaultdict(Counter)
    genres: dict[str, Counter[str]] = defaultdict(Counter)
    for d in iter_corpus(paths):
        key = ("synthetic" if d.synthetic else "real") + ("" if "~" not in d.id else "-variant")
        g = genres[f"{d.split} / {d.meta.get('genre', '?')}"]
        g["documents"] += 1
        g["characters"] += len(d.text)
        for _, _, lab in d.spans:
            g[lab] += 1
        for k in (key, "all"):
            rows[k]["documents"] += 1
            rows[k]["characters"] += len(d.text)
            for _, _, lab in d.spans:
                rows[k][lab] += 1
    cols = ["documents", "characters", *LABELS]
    lines = ["| part | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    for k in sorted(rows, key=lambda x: (x == "all", x)):
        lines.append(f"| {k} | " + " | ".join(str(rows[k][c]) for c in cols) + " |")
    lines += ["", "| split / genre | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    for k in sorted(genres):
        lines.append(f"| {k} | " + " | ".join(str(genres[k][c]) for c in cols) + " |")
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    print(stats_table(args.paths))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .corpus import Document, iter_corpus
    from .formats import dump

    docs: list[Document] = []
    scores: dict[str, list[float]] = {}
    conf: dict[str, float] = {}
    model_version = None
    for path in args.inputs:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
        row = json.loads(first) if first.strip() else {}
        if "plan" in row:  # batch output: needs the texts (from --texts or the source files)
            texts = _texts_for(args.texts)
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    r = json.loads(line)
                    text = texts.get(r["id"])
                    if text is None and Path(r["source"]).is_file():
                        text = _read_input(r["source"])
                    if text is None:
                        print(f"warning: no text for {r['id']} (pass --texts)", file=sys.stderr)
                        continue
                    ents = r["plan"]["entities"]
                    docs.append(Document(r["id"], text, [(e["start"], e["end"], e["label"]) for e in ents],
                                         {"source": r["source"]}))
                    scores[r["id"]] = [e["score"] for e in sorted(ents, key=lambda e: e["start"])]
                    conf[r["id"]] = min(scores[r["id"]], default=1.0)
                    model_version = r.get("model_version")
        else:
            docs.extend(iter_corpus([path]))
    if conf:
        # Active-learning order: least confident documents first.
        docs.sort(key=lambda d: conf.get(d.id, 1.0))
    kwargs: dict[str, Any] = {}
    if args.to == "label-studio":
        kwargs = {"model_version": model_version, "scores": scores, "as_predictions": bool(conf)}
    dump(docs, args.to, args.output, **kwargs)
    print(f"wrote {len(docs)} documents to {args.output} ({args.to})", file=sys.stderr)
    return 0


def _texts_for(paths: list[str] | None) -> dict[str, str]:
    from .batch import iter_inputs

    return {r.id: r.text for r in iter_inputs(paths or []) if r.text is not None}


def cmd_import(args: argparse.Namespace) -> int:
    from .corpus import validate, write_jsonl
    from .formats import load_any

    docs = load_any(args.input)
    problems = [p for d in docs for p in validate(d)]
    for p in problems:
        print(p, file=sys.stderr)
    write_jsonl(docs, args.output)
    print(f"imported {len(docs)} documents → {args.output} ({len(problems)} problem(s))", file=sys.stderr)
    return 1 if problems else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .corpus import iter_corpus
    from .evaluation import evaluate, pipeline_tagger

    docs = list(iter_corpus(args.gold))
    if args.split:
        docs = [d for d in docs if d.split == args.split or d.id in args.split.split(",")]
    if not docs:
        print("error: no gold documents", file=sys.stderr)
        return 2
    systems: dict[str, Any] = {}
    if not args.rules:
        systems["model"] = pipeline_tagger(_pipeline(args))
    if args.rules or args.baselines:
        from .pipeline import Pipeline

        systems["rules"] = pipeline_tagger(Pipeline.rules_only())
    if args.baselines:
        from .baselines import jieba_tagger, jionlp_tagger, lac_tagger

        systems["jionlp"] = jionlp_tagger
        systems["jieba"] = jieba_tagger
        systems["lac"] = lac_tagger
    results = {name: evaluate(fn, docs) for name, fn in systems.items()}
    if not args.rules and any("items" in d.meta or "plan_year" in d.meta for d in docs):
        # Structure beside spans: items, plan year and TARGET metric against the gold in meta.
        from .evaluation import evaluate_structure

        results["model"]["structure"] = evaluate_structure(_pipeline(args).parse_batch([d.text for d in docs]), docs)
    if args.errors:
        from .errors import find_errors, report

        name = next(iter(results))
        errs = find_errors(docs, results[name]["predictions"])
        Path(args.errors).write_text(f"# Errors of `{name}` on {len(docs)} documents\n\n" + report(errs), encoding="utf-8")
        print(f"wrote {len(errs)} errors to {args.errors}", file=sys.stderr)
    for r in results.values():
        r.pop("predictions", None)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    else:
        print(format_results(results))
    return 0


def format_results(results: dict[str, dict[str, Any]]) -> str:
    from .labels import LABELS

    out = []
    for kind in ("strict", "overlap"):
        out.append(f"\n{kind} F1 (P/R)")
        out.append("system".ljust(10) + "".join(lab.ljust(20) for lab in (*LABELS, "micro")))
        for name, r in results.items():
            cells = [f"{r[kind][lab]['f1']:.3f} ({r[kind][lab]['precision']:.2f}/{r[kind][lab]['recall']:.2f})"
                     for lab in (*LABELS, "micro")]
            out.append(name.ljust(10) + "".join(c.ljust(20) for c in cells))
    out.append("\nvalue accuracy on overlap-matched spans")
    for name, r in results.items():
        out.append(name.ljust(10) + "  ".join(f"{lab}={v[0] if v[0] is not None else '–'} (n={v[1]})"
                                              for lab, v in r["value_accuracy"].items()))
    for name, r in results.items():
        if "structure" in r:
            st = r["structure"]
            out.append(f"\n{name}: items F1 {st['items']['f1']:.3f} (count exact {st['items']['count_exact']}, "
                       f"{st['items']['n_docs']} docs); plan year {st['plan_year']['accuracy']} "
                       f"({st['plan_year']['n_docs']} docs); TARGET metric exact-or-head {st['metric']['exact_or_head']} "
                       f"({st['metric']['n']} of {st['metric']['gold']} gold metrics)")
        if len(r.get("by_genre", {})) > 1:
            out.append(f"\n{name}: strict micro by genre")
            for g, row in r["by_genre"].items():
                out.append(f"  {g:<10} docs {row['n_docs']:>3}  gold {row['gold']:>5}  P {row['precision']:.3f}  "
                           f"R {row['recall']:.3f}  F1 {row['f1']:.3f}")
    for name, r in results.items():
        out.append(f"\n{name}: label confusions {r['confusion']}")
        out.append(f"{name}: worst documents " + ", ".join(f"{w['id']} F1={w['f1']:.2f}" for w in r["worst_docs"]))
    return "\n".join(out)


def cmd_retrain(args: argparse.Namespace) -> int:
    try:
        from training.retrain import run_retrain
    except ImportError as exc:  # training/ lives in the source checkout, not in a wheel
        print(f"error: retrain needs the source checkout (training/ package): {exc}", file=sys.stderr)
        return 2
    return run_retrain(args)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="nlp-minsheng", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"nlp_minsheng {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def model_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model", help="model directory or shipped model name, e.g. minsheng-ner-v3.1 "
                                       "(default: minsheng-ner-v3.1-int8)")
        p.add_argument("--rules", action="store_true", help="use the rule tagger instead of the model")
        p.add_argument("--runtime", choices=["auto", "onnx", "torch"], default="auto",
                       help="onnx: the model's int8 ONNX graph; torch: its safetensors (auto: ONNX when shipped)")
        p.add_argument("--quantize", choices=["int8"], help="torch runtime only: torch dynamic int8 (deprecated by "
                                                            "torch; the default model is already int8 ONNX)")

    p = sub.add_parser("parse", help="tag one announcement", description="Tag one announcement and print its plan.")
    p.add_argument("file", help="UTF-8/GBK/Big5 text file, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--indent", action="store_true", help="indent the JSON")
    p.add_argument("--year", type=int, help="plan year for relative dates (default: read from the title)")
    p.add_argument("--html", metavar="OUT", help="also write a self-contained HTML view of the plan to OUT")
    model_opts(p)
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("render", help="one HTML page with the entities of one or more documents highlighted",
                       description="Parse .txt files, folders or JSONL {id,text} and write one self-contained HTML "
                                   "page: items as cards, entities coloured by label, value and score on hover.")
    p.add_argument("inputs", nargs="+", help=".txt files, folders, .jsonl files, or -")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--year", type=int, help="plan year for every document")
    model_opts(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("batch", help="tag many documents into JSONL (resumable)",
                       description="Tag .txt files, folders (recursive) and JSONL {id,text} files. One JSON line per "
                                   "document; failures go to the errors file and the run continues; exit 1 if any failed.")
    p.add_argument("inputs", nargs="+", help=".txt files, folders, .jsonl files, or -")
    p.add_argument("-o", "--output", required=True, help="output JSONL (appended)")
    p.add_argument("--errors", help="errors JSONL (default: OUTPUT.errors.jsonl)")
    p.add_argument("--resume", action="store_true", help="skip ids already in OUTPUT")
    p.add_argument("--workers", type=int, default=1, help="processes (each loads its own model)")
    p.add_argument("--year", type=int, help="plan year for every document")
    p.add_argument("--limit", type=int, default=0, help="stop after this many documents")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    model_opts(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("validate", help="check gold JSONL files against the label spec")
    p.add_argument("files", nargs="+", help="JSONL files or folders")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("stats", help="corpus statistics")
    p.add_argument("paths", nargs="+", help="JSONL files or folders")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("export", help="gold or batch output → doccano / Label Studio / CoNLL")
    p.add_argument("inputs", nargs="+", help="gold JSONL or batch output JSONL")
    p.add_argument("--for", dest="to", required=True, choices=["doccano", "label-studio", "conll"])
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--texts", nargs="*", help="inputs given to batch (to recover texts of JSONL inputs)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="doccano / Label Studio / CoNLL → gold JSONL")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("eval", help="score against gold JSONL")
    p.add_argument("--gold", nargs="+", required=True, help="gold JSONL files or folders")
    p.add_argument("--split", help="only documents of this split (or comma-separated ids)")
    p.add_argument("--baselines", action="store_true", help="also score the rule, jionlp and jieba baselines")
    p.add_argument("--errors", metavar="OUT.md", help="write the first system's errors (by label, kind, genre, "
                                                      "with context) to this markdown file")
    p.add_argument("--json", action="store_true")
    model_opts(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("retrain", help="merge corrections, retrain, compare, optionally promote")
    p.add_argument("--corrections", nargs="+", help="doccano / Label Studio / gold JSONL files")
    p.add_argument("--config", default=None, help="recipe YAML (default: training/configs/retrain.yaml)")
    p.add_argument("--init", choices=["base", "shipped"], default="shipped",
                   help="warm start from the shipped model's teacher (default) or train from the base encoder")
    p.add_argument("--output-dir", default=None, help="where the candidate model goes (default: runs/candidate)")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--promote", action="store_true", help="swap the candidate (and its teacher) in if not worse "
                                                          "beyond noise on the frozen sets; the old ones are archived")
    p.add_argument("--rollback", action="store_true", help="restore the models (and corrections) archived by the "
                                                           "last --promote, byte for byte")
    p.add_argument("--report", default=None, help="also write the comparison (markdown) here")
    p.add_argument("--model", help="the current model (default: shipped)")
    p.set_defaults(func=cmd_retrain)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (TypeError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`… parse x | head`): stop quietly. Python would otherwise report the
        # broken pipe again when it flushes stdout at exit, so point stdout at devnull first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a writer stopped by SIGPIPE
