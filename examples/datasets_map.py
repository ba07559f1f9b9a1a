"""Scale-out example: run the pipeline over a corpus with `datasets.map` (batched, num_proc).

    python examples/datasets_map.py [--num-proc 2] [--docs 400] [--rules]

The same function is what a distributed engine would call per partition
(Ray Data `map_batches`, Spark `mapInPandas`): load the pipeline once per
worker, tag a batch of texts, return rows of JSON.  Prints the measured rate.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PIPE = None


def tag_batch(batch: dict, rules: bool = False) -> dict:
    """datasets.map(batched=True) function: one pipeline per worker process, built lazily."""
    global _PIPE
    if _PIPE is None:
        import torch

        from nlp_minsheng import Pipeline

        torch.set_num_threads(1)  # one core per worker; num_proc workers share the machine
        _PIPE = Pipeline.rules_only() if rules else Pipeline.from_pretrained()
    plans = _PIPE.parse_batch(batch["text"])
    return {"plan": [json.dumps(p.to_dict(include_text=False), ensure_ascii=False) for p in plans],
            "n_entities": [len(p.entities) for p in plans]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--num-proc", type=int, default=2)
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--rules", action="store_true", help="rule tagger instead of the model")
    args = ap.parse_args()
    import datasets

    from nlp_minsheng.corpus import iter_corpus

    texts = [d.text for d in iter_corpus([ROOT / "annotations" / "gold"])]
    texts = (texts * (args.docs // len(texts) + 1))[: args.docs]
    ds = datasets.Dataset.from_dict({"id": [f"doc{i}" for i in range(len(texts))], "text": texts})
    t0 = time.perf_counter()
    out = ds.map(tag_batch, batched=True, batch_size=16, num_proc=args.num_proc, fn_kwargs={"rules": args.rules},
                 load_from_cache_file=False)
    dt = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    print(json.dumps({"docs": len(out), "chars": chars, "num_proc": args.num_proc, "seconds": round(dt, 1),
                      "chars_per_s": round(chars / dt), "entities": sum(out["n_entities"])}))


if __name__ == "__main__":
    main()
