"""Speed, memory and accuracy of parse_batch per configuration, with baselines timed in the same run.

    python eval/benchmark.py [--chars 200000] [--out eval/benchmark.json]

Configurations: the default model (minsheng-ner-v3.1's int8 ONNX export on ONNX Runtime), the
same weights on torch fp32, the previous model v1, the pipeline without the encoder (spans
replayed), the regex baseline and jieba's POS tagger (speed reference only).

* **Text shaped like real pages**: the frozen dev set and corpus v2 (every genre of
  REAL_PAGES.md: progress reports, vote news, notices, tables, work reports, solicitations,
  plan lists), interleaved and repeated to ``--chars``.
* Each configuration runs in its own subprocess, so peak RSS (ru_maxrss) is its own.
* **Throughput** is ``parse_batch`` over all texts after a warm-up, on 2 threads: the fastest of ``--repeats``
  timed passes (3 by default; a single pass moved two models of the same graph 8% apart).
* **Cold start** is a fresh ``python -c "from nlp_minsheng import parse; parse(...)"``
  (interpreter start, import, model load, first parse), median of 3.
* **F1** is strict micro span F1 on the frozen dev set with the same configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eval" / "benchmark.json"
DEFAULT = "models/minsheng-ner-v3.1-int8"
TEACHER = "models/minsheng-ner-v3.1"
PREVIOUS = "models/.archive/minsheng-ner-v3-int8"  # not in git (history keeps it): timed where restored

CONFIGS = [
    # name, options for the child
    ("default: v3.1 int8, ONNX Runtime (minsheng-ner-v3.1-int8)", {"model": DEFAULT, "runtime": "onnx", "default": True}),
    ("v3.1 fp32, torch (minsheng-ner-v3.1, the same weights)", {"model": TEACHER, "runtime": "torch"}),
    ("previous default v3 int8, ONNX Runtime (minsheng-ner-v3-int8)", {"model": PREVIOUS, "runtime": "onnx"}),
    ("default before it, v2 int8, ONNX Runtime (minsheng-ner-v2-int8)",
     {"model": "models/.archive/minsheng-ner-v2-int8", "runtime": "onnx"}),
    ("first v3 int8 (O weight 0.3), ONNX Runtime (minsheng-ner-v3a-int8)",
     {"model": "models/.archive/minsheng-ner-v3a-int8", "runtime": "onnx"}),
    # Archived models are not in git (history keeps them): timed only where restored into models/.archive/.
    ("previous model v1 (4 layers) fp32, torch", {"model": "models/.archive/minsheng-ner-v1", "runtime": "torch"}),
    ("pipeline steps without the model (default model's spans replayed)", {"model": DEFAULT, "replay": True}),
    ("regex baseline (rules)", {"rules": True}),
    ("jieba POS tagger (speed reference)", {"jieba": True}),
]


def corpus(n_chars: int) -> list[str]:
    from nlp_minsheng.corpus import read_jsonl

    gold = ROOT / "annotations" / "gold"
    dev, v2 = read_jsonl(gold / "dev.jsonl"), read_jsonl(gold / "v2.jsonl")
    docs = [d.text for pair in zip(dev, v2) for d in pair] + [d.text for d in v2[len(dev):]]
    out, total = [], 0
    while total < n_chars:
        for t in docs:
            out.append(t)
            total += len(t)
            if total >= n_chars:
                break
    return out


def _pipeline(opts: dict):
    from nlp_minsheng import Pipeline

    if opts.get("rules"):
        return Pipeline.rules_only()
    return Pipeline.from_pretrained(ROOT / opts["model"], runtime=opts.get("runtime", "auto"), threads=2)


def _best_of(repeats: int, run) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """The shortest of ``repeats`` timed calls of ``run`` and its result: other work on the machine only ever adds
    time, so the minimum is the least noisy estimate (as ``timeit`` reports)."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t1 = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - t1)
    return best, out


def child(opts: dict, n_chars: int, f1: bool, repeats: int = 1) -> dict:
    import resource

    texts = corpus(n_chars)
    chars = sum(len(t) for t in texts)
    if opts.get("jieba"):
        import jieba
        import jieba.posseg as pseg

        jieba.initialize()
        list(pseg.cut(texts[0][:2000]))
        dt, n = _best_of(repeats, lambda: sum(1 for t in texts for _ in pseg.cut(t)))
        row = {"entities": None, "tokens": n}
    elif opts.get("replay"):
        # Everything but the encoder: the model's spans are computed first, then replayed by a tagger
        # that only looks them up, so the timing covers normalize, repair, resolve, values, segment.
        from nlp_minsheng import Pipeline
        from nlp_minsheng.textnorm import normalize

        model = _pipeline(opts)
        norms = [normalize(t).text for t in texts]
        spans = dict(zip(norms, model.tagger.tag(norms)))

        class Replay:
            name = "model"

            def tag(self, batch):  # type: ignore[no-untyped-def]
                return [spans[t] for t in batch]

        pipe = Pipeline(Replay(), repair=model.repair, word_edges=model.word_edges)
        pipe.parse(texts[0][:2000])
        dt, plans = _best_of(repeats, lambda: pipe.parse_batch(texts))
        row = {"entities": sum(len(p.entities) for p in plans)}
    else:
        pipe = _pipeline(opts)
        pipe.parse(texts[0][:2000])
        dt, plans = _best_of(repeats, lambda: pipe.parse_batch(texts))
        row = {"entities": sum(len(p.entities) for p in plans), "runtime": pipe.meta.get("runtime", "rules")}
        if f1:
            from nlp_minsheng.corpus import read_jsonl
            from nlp_minsheng.evaluation import evaluate, pipeline_tagger

            res = evaluate(pipeline_tagger(pipe), read_jsonl(ROOT / "annotations/gold/dev.jsonl"), values=False)
            row["dev_strict_micro_f1"] = round(res["strict"]["micro"]["f1"], 4)
    return {"chars": chars, "docs": len(texts), "seconds": round(dt, 2), "timed_passes": repeats,
            "chars_per_s": round(chars / dt),
            "docs_per_s": round(len(texts) / dt, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **row}


COLD = ("import sys; from nlp_minsheng import parse; "
        "plan = parse('2025年底前在昆山市玉山镇新建口袋公园12个，总投资3000万元。'); "
        "print(plan.meta['model_version'], plan.meta.get('runtime', ''), 'torch' in sys.modules)")


def cold_start(opts: dict, repeats: int = 3) -> dict:
    """Seconds for a fresh process to import the package and parse one sentence with this model."""
    env = dict(os.environ)
    if opts.get("rules"):
        return {}
    if not opts.get("default"):
        env["NLP_MINSHENG_MODEL"] = str(ROOT / opts["model"])
    times, out = [], ""
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-W", "always::DeprecationWarning", "-W", "always::FutureWarning",
                            "-c", COLD], capture_output=True, text=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-1500:])
        out = r.stdout.strip()
    warned = sorted({line.split(":")[-2].strip() for line in r.stderr.splitlines()
                     if "DeprecationWarning" in line or "FutureWarning" in line})
    return {"cold_start_s": round(statistics.median(times), 2), "cold_start_check": out,
            "deprecation_warnings": warned}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=200_000)
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--only", help="comma-separated config indexes")
    ap.add_argument("--no-f1", action="store_true", help="skip the dev-set F1 of each configuration")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes per configuration; the fastest is reported")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child), args.chars, not args.no_f1, args.repeats)))
        return 0
    rows = []
    chosen = [CONFIGS[int(i)] for i in args.only.split(",")] if args.only else CONFIGS
    for name, opts in chosen:
        if "model" in opts and not (ROOT / opts["model"]).is_dir():
            print(f"{name}: skipped, {opts['model']} is not on this machine", file=sys.stderr)
            continue
        cmd = [sys.executable, __file__, "--chars", str(args.chars), "--repeats", str(args.repeats), "--child",
               json.dumps(opts)]
        r = subprocess.run(cmd + (["--no-f1"] if args.no_f1 else []), capture_output=True, text=True, cwd=ROOT)
        if r.returncode != 0:
            print(f"{name}: failed\n{r.stderr[-2000:]}", file=sys.stderr)
            continue
        res = json.loads(r.stdout.strip().splitlines()[-1])
        if not opts.get("jieba") and not opts.get("replay"):
            res.update(cold_start(opts))
        res["name"] = name
        rows.append(res)
        print(f"{name}: {res['chars_per_s']} chars/s, {res['docs_per_s']} docs/s, cold {res.get('cold_start_s')} s, "
              f"peak RSS {res['peak_rss_mb']} MB, dev F1 {res.get('dev_strict_micro_f1')}", flush=True)
    base = next((r for r in rows if r["name"].startswith("regex")), None)
    for r in rows:
        r["ratio_to_regex"] = round(r["chars_per_s"] / base["chars_per_s"], 3) if base else None
    info = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "python": platform.python_version(), "chars": args.chars, "text": "dev set + corpus v2 (all genres)",
            "rows": rows}
    Path(args.out).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.only and Path(args.out).resolve() == OUT.resolve():
        # A full run into the canonical file goes on the default model's card.
        from nlp_minsheng.pipeline import default_model_path
        from training.model_card import attach_report

        attach_report(default_model_path(), OUT, "benchmark.json")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
