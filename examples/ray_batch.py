"""Scale-out example: parse a JSONL corpus on a Ray cluster with Ray Data.

    python examples/ray_batch.py INPUT.jsonl OUTPUT.jsonl [--workers N] [--batch-size B]
                                 [--model PATH] [--plan-year Y]

Shape: JSONL in, JSONL out.  Each input line is an object with ``id`` and ``text`` (other keys
are ignored).  The driver reads the lines, keeps ``(row index, text)`` in a Ray dataset and runs
``map_batches`` over a fixed pool of N actors; each actor loads ONE ``Pipeline`` in ``__init__``
(the model runtime limited to the actor's CPU) and parses batches of B texts.  Each result comes back as a
JSON string (nested dicts and Decimal-as-string amounts survive unchanged); the driver sorts
by row index and writes one line per input, in input order: ``{"id": ..., "plan": {...}}``
where ``plan`` is ``Plan.to_dict(include_text=False)``.  The ids never leave the driver, so any
JSON id type is kept as is.

Cluster: by default a local Ray instance with N CPUs is started.  To use a running cluster, set
``RAY_ADDRESS`` (``auto`` on a cluster node, or ``ray job submit -- python examples/ray_batch.py ...``),
or call ``ray.init(address=...)`` yourself before :func:`run`.  The driver reads INPUT and writes
OUTPUT locally; every worker node needs this package installed (or a ``runtime_env``), and
``--model`` must be a path that exists on the worker nodes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import ray
import ray.data


class ParseBatch:
    """Ray Data callable class: one Pipeline per actor, built once in ``__init__``."""

    def __init__(self, model: str | None = None, plan_year: int | None = None, threads: int = 1) -> None:
        from nlp_minsheng import Pipeline

        self.pipeline = Pipeline.from_pretrained(model, threads=threads)
        self.plan_year = plan_year

    def __call__(self, batch: dict) -> dict:
        plans = self.pipeline.parse_batch([str(t) for t in batch["text"]], plan_year=self.plan_year)
        return {"row": batch["row"],
                "plan": [json.dumps(p.to_dict(include_text=False), ensure_ascii=False) for p in plans]}


def read_jsonl(path: str | Path) -> tuple[list, list[str]]:
    """``(ids, texts)`` from a JSONL file; blank lines are skipped, a row without a str ``text`` is an error."""
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{n}: expected a string field 'text'")
            ids.append(row.get("id"))
            texts.append(row["text"])
    return ids, texts


def ensure_ray(workers: int) -> None:
    """Connect to RAY_ADDRESS if set, else start a local instance with ``workers`` CPUs."""
    if ray.is_initialized():
        return
    if os.environ.get("RAY_ADDRESS"):
        ray.init()
    else:
        ray.init(num_cpus=workers, include_dashboard=False)


def iter_plans(texts: list[str], workers: int = 2, batch_size: int = 8, model: str | None = None,
               plan_year: int | None = None) -> Iterator[tuple[list[int], list[str]]]:
    """Yield ``(row indices, plan JSON strings)`` per output batch, in completion order."""
    ensure_ray(workers)
    ds = ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)])
    ds = ds.map_batches(ParseBatch, batch_size=batch_size, batch_format="numpy",
                        compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                        fn_constructor_kwargs={"model": model, "plan_year": plan_year, "threads": 1})
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        yield [int(r) for r in batch["row"]], [str(p) for p in batch["plan"]]


def run(input_path: str | Path, output_path: str | Path, workers: int = 2, batch_size: int = 8,
        model: str | None = None, plan_year: int | None = None) -> int:
    """Parse INPUT.jsonl into OUTPUT.jsonl (input order); returns the number of rows written."""
    ids, texts = read_jsonl(input_path)
    plans: list[str | None] = [None] * len(texts)
    if texts:
        for rows, batch in iter_plans(texts, workers, batch_size, model, plan_year):
            for r, p in zip(rows, batch, strict=True):
                plans[r] = p
    missing = [i for i, p in enumerate(plans) if p is None]
    if missing:
        raise RuntimeError(f"{len(missing)} rows came back without a result (first: row {missing[0]})")
    with open(output_path, "w", encoding="utf-8") as f:
        for doc_id, plan in zip(ids, plans, strict=True):
            f.write(f'{{"id": {json.dumps(doc_id, ensure_ascii=False)}, "plan": {plan}}}\n')
    return len(plans)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="JSONL with 'id' and 'text' per line")
    ap.add_argument("output", help="JSONL to write: {'id', 'plan'} per line, in input order")
    ap.add_argument("--workers", type=int, default=2, help="actors, one Pipeline and one CPU each (default 2)")
    ap.add_argument("--batch-size", type=int, default=8, help="texts per map_batches call (default 8)")
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--plan-year", type=int, default=None, help="year for deadlines without one")
    args = ap.parse_args(argv)
    n = run(args.input, args.output, args.workers, args.batch_size, args.model, args.plan_year)
    print(f"wrote {n} rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
