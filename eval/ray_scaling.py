"""Throughput of examples/ray_batch.py with 1 and 2 Ray workers (actors) on this machine.

    python -m eval.ray_scaling [--workers 1 2] [--min-chars 150000] [--batch-size 8] [--out eval/ray_scaling.json]

Input: every text of annotations/gold/dev.jsonl, repeated (distinct ids) to at least --min-chars.
For each worker count a fresh local Ray instance with that many CPUs is started, then the example's
``run()`` parses the whole input with the shipped model (one Pipeline and one torch thread per actor).
Reported per worker count:
  * ``ray_init_s``: starting the local Ray instance (excluded from the rates below);
  * ``run_s`` / ``docs_per_s`` / ``chars_per_s``: ``run()`` end to end (read JSONL, start the actors,
    load one model per actor, parse, sort, write JSONL);
  * ``first_batch_s``: from ``run()`` start to the first parsed batch (actor start + model load);
  * ``steady_*``: rate over the batches that arrived after the first one (model already loaded).
The outputs of all worker counts are checked to be identical.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_example():
    spec = importlib.util.spec_from_file_location("ray_batch_example", ROOT / "examples" / "ray_batch.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_input(path: Path, min_chars: int) -> tuple[int, int]:
    rows = [json.loads(line) for line in (ROOT / "annotations" / "gold" / "dev.jsonl").read_text(encoding="utf-8")
            .splitlines() if line.strip()]
    docs = chars = rep = 0
    with path.open("w", encoding="utf-8") as f:
        while chars < min_chars:
            for r in rows:
                f.write(json.dumps({"id": f"{r['id']}#r{rep}", "text": r["text"]}, ensure_ascii=False) + "\n")
                docs += 1
                chars += len(r["text"])
            rep += 1
    return docs, chars


def measure(example, src: Path, dst: Path, workers: int, batch_size: int, texts: list[str]) -> dict:
    import ray

    arrivals: list[tuple[float, list[int]]] = []
    inner = example.iter_plans

    def timed_iter_plans(*args, **kwargs):
        for rows, plans in inner(*args, **kwargs):
            arrivals.append((time.perf_counter(), rows))
            yield rows, plans

    example.iter_plans = timed_iter_plans  # run() looks it up at call time
    try:
        t0 = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        t1 = time.perf_counter()
        n = example.run(src, dst, workers=workers, batch_size=batch_size)
        t2 = time.perf_counter()
    finally:
        example.iter_plans = inner
        ray.shutdown()
    docs, chars = n, sum(len(t) for t in texts)
    t_first = arrivals[0][0]
    later = [r for t, rows in arrivals[1:] for r in rows]
    steady_s = arrivals[-1][0] - t_first
    steady_chars = sum(len(texts[r]) for r in later)
    return {
        "workers": workers, "docs": docs, "chars": chars, "batches": len(arrivals),
        "ray_init_s": round(t1 - t0, 2), "run_s": round(t2 - t1, 2), "end_to_end_s": round(t2 - t0, 2),
        "docs_per_s": round(docs / (t2 - t1), 2), "chars_per_s": round(chars / (t2 - t1)),
        "end_to_end_chars_per_s": round(chars / (t2 - t0)),
        "first_batch_s": round(t_first - t1, 2),
        "batches_arrived_in_input_order": [r for _, rows in arrivals for r in rows] == list(range(docs)),
        "steady_docs": len(later), "steady_s": round(steady_s, 2),
        "steady_docs_per_s": round(len(later) / steady_s, 2) if steady_s > 0 else None,
        "steady_chars_per_s": round(steady_chars / steady_s) if steady_s > 0 else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--min-chars", type=int, default=150_000)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "ray_scaling.json")
    args = ap.parse_args()
    import ray

    os.environ.pop("RAY_ADDRESS", None)  # always a local instance: this measures this machine
    example = _load_example()
    results, outputs = [], []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        docs, chars = build_input(src, args.min_chars)
        _, texts = example.read_jsonl(src)
        for w in args.workers:
            dst = Path(tmp) / f"out-{w}.jsonl"
            res = measure(example, src, dst, w, args.batch_size, texts)
            print(json.dumps(res), flush=True)
            results.append(res)
            outputs.append(dst.read_bytes())
    base = results[0]
    for r in results:
        r["speedup_vs_first"] = round(r["chars_per_s"] / base["chars_per_s"], 2)
        if r["steady_chars_per_s"] and base["steady_chars_per_s"]:
            r["steady_speedup_vs_first"] = round(r["steady_chars_per_s"] / base["steady_chars_per_s"], 2)
    report = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "python": platform.python_version(),
        "ray": ray.__version__,
        "model": "shipped (default), fp32, 1 torch thread per actor",
        "input": {"source": "annotations/gold/dev.jsonl, repeated", "docs": docs, "chars": chars},
        "batch_size": args.batch_size,
        "outputs_identical_across_worker_counts": all(o == outputs[0] for o in outputs),
        "rows": results,
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("cpu_count", "outputs_identical_across_worker_counts")}))


if __name__ == "__main__":
    main()
