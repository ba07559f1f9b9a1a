"""Speed and memory of parse_batch: model (fp32 / int8, levers) beside the regex baseline.

    python eval/benchmark.py [--chars 200000] [--out eval/benchmark.json]

Every configuration runs in its own subprocess so that peak RSS (ru_maxrss)
and cold start (import + model load + first parse) are its own.  The text is
real-shaped: the gold documents (real + synthetic) repeated until the
requested number of characters.  Throughput excludes the cold start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eval" / "benchmark.json"

CONFIGS = [
    # name, options for the child (the shipped model with its own settings unless said otherwise)
    ("regex baseline (rules)", {"rules": True}),
    ("model fp32, 2 threads (shipped settings: window 256)", {}),
    ("model int8, 2 threads", {"quantize": "int8"}),
    ("model fp32, 1 thread", {"threads": 1}),
    ("model fp32, 2 threads, window 512", {"max_length": 512}),
    ("previous model v1 (4 layers), fp32, 2 threads, window 512", {"model": "models/archive/minsheng-ner-v1"}),
]


def corpus(n_chars: int) -> list[str]:
    from nlp_minsheng.corpus import iter_corpus

    docs = [d.text for d in iter_corpus([ROOT / "annotations" / "gold"])]
    out, total = [], 0
    while total < n_chars:
        for t in docs:
            out.append(t)
            total += len(t)
            if total >= n_chars:
                break
    return out


def child(opts: dict, n_chars: int) -> dict:
    t0 = time.perf_counter()
    import resource

    import torch

    torch.set_num_threads(opts.get("threads", 2))
    from nlp_minsheng import Pipeline

    texts = corpus(n_chars)
    if opts.get("rules"):
        pipe = Pipeline.rules_only()
    else:
        extra = {"max_length": opts["max_length"]} if "max_length" in opts else {}
        model = ROOT / opts["model"] if opts.get("model") else None
        pipe = Pipeline.from_pretrained(model, quantize=opts.get("quantize"), **extra)
    pipe.parse(texts[0][:2000])
    cold = time.perf_counter() - t0
    t1 = time.perf_counter()
    plans = pipe.parse_batch(texts, batch_size=16)
    dt = time.perf_counter() - t1
    chars = sum(len(t) for t in texts)
    return {"chars": chars, "docs": len(texts), "seconds": round(dt, 2), "chars_per_s": round(chars / dt),
            "docs_per_s": round(len(texts) / dt, 2), "cold_start_s": round(cold, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "entities": sum(len(p.entities) for p in plans)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=200_000)
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--only", help="comma-separated config indexes")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child), args.chars)))
        return 0
    rows = []
    chosen = [CONFIGS[int(i)] for i in args.only.split(",")] if args.only else CONFIGS
    for name, opts in chosen:
        r = subprocess.run([sys.executable, __file__, "--chars", str(args.chars), "--child", json.dumps(opts)],
                           capture_output=True, text=True, cwd=ROOT)
        if r.returncode != 0:
            print(f"{name}: failed\n{r.stderr[-2000:]}", file=sys.stderr)
            continue
        res = json.loads(r.stdout.strip().splitlines()[-1])
        res["name"] = name
        rows.append(res)
        print(f"{name}: {res['chars_per_s']} chars/s, {res['docs_per_s']} docs/s, cold {res['cold_start_s']} s, "
              f"peak RSS {res['peak_rss_mb']} MB", flush=True)
    base = next((r for r in rows if r["name"].startswith("regex")), None)
    for r in rows:
        r["ratio_to_regex"] = round(r["chars_per_s"] / base["chars_per_s"], 3) if base else None
    info = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "python": platform.python_version(), "chars": args.chars, "rows": rows}
    Path(args.out).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
