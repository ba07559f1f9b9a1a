"""Batch tagging: many files/folders/JSONL → one JSON line per document.

Safe by construction: output is appended and fsync'ed per document, so a
killed run loses at most the document in flight; ``resume`` skips ids already
written (a torn last line is cut off first); a failing document goes to the
errors file with its reason and the run goes on.
"""

from __future__ import annotations

import json
import os
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

# Tried in this order after UTF-8; GB18030 is a superset of GBK and GB2312.
LEGACY_ENCODINGS = ("gb18030", "big5")


class UndecidableEncoding(ValueError):
    pass


def decode_bytes(raw: bytes, *, source: str = "<bytes>") -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), GB18030/GBK or Big5; return ``(text, encoding)``.

    UTF-8 first. Big5 text is almost always also valid GB18030 byte by byte,
    so when both decode cleanly, ``charset-normalizer`` decides between the
    two; a page that decodes cleanly as GB18030 is never dropped.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UndecidableEncoding(f"{source}: UTF-8 byte-order mark, but byte {exc.start + 3} is not UTF-8") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decoded = {}
    for enc in LEGACY_ENCODINGS:
        try:
            decoded[enc] = raw.decode(enc)
        except UnicodeDecodeError:
            continue
    if not decoded:
        raise UndecidableEncoding(f"{source}: expected UTF-8, GB18030/GBK or Big5 text; "
                                  f"no byte-exact decoding with any of utf-8, {', '.join(LEGACY_ENCODINGS)}")
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw, cp_isolation=list(decoded)).best()
    if best is not None and best.encoding in decoded:
        return decoded[best.encoding], best.encoding
    # charset-normalizer finds every candidate too chaotic (it does on random
    # bytes, and on some GB18030 pages with 4-byte characters): keep a clean
    # GB18030 decoding, one with no private-use or unassigned code points.
    for enc, text in decoded.items():
        if not any(unicodedata.category(c) in ("Co", "Cn") for c in text):
            return text, enc
    raise UndecidableEncoding(f"{source}: expected UTF-8, GB18030/GBK or Big5 text; "
                              f"{' and '.join(decoded)} decode only to private-use or unassigned characters")


@dataclass
class Record:
    id: str
    source: str
    text: str | None = None
    error: str | None = None


def iter_inputs(inputs: Sequence[str]) -> Iterator[Record]:
    """Records from ``.txt`` files, folders (recursive ``*.txt``), JSONL ``{"id","text"}`` or ``-`` (stdin)."""
    for inp in inputs:
        if inp == "-":
            yield Record("stdin", "-", sys.stdin.read())
            continue
        p = Path(inp)
        if p.is_dir():
            for f in sorted(p.rglob("*.txt")):
                yield _file_record(f, str(f.relative_to(p)))
        elif p.suffix == ".jsonl":
            with open(p, "rb") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                        rid = str(row.get("id", f"{p.name}:{n}"))
                        text = row["text"]
                        yield Record(rid, f"{p}:{n}", text if isinstance(text, str) else None,
                                     None if isinstance(text, str) else f"expected str 'text', got {type(text).__name__}")
                    except (json.JSONDecodeError, KeyError, AttributeError) as exc:
                        yield Record(f"{p.name}:{n}", f"{p}:{n}", None, f"bad JSONL line: {exc!r}")
        elif p.exists():
            yield _file_record(p, str(p))
        else:
            yield Record(str(p), str(p), None, f"no such file or directory: {p}")


def _file_record(path: Path, rid: str) -> Record:
    try:
        text, _ = decode_bytes(path.read_bytes(), source=str(path))
        return Record(rid, str(path), text)
    except (OSError, ValueError) as exc:
        return Record(rid, str(path), None, str(exc))


def _repair_tail(path: Path) -> None:
    """Cut a torn last line (a run killed mid-write) so the file stays valid JSONL."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as fh:
        data = fh.read()
        if data.endswith(b"\n"):
            return
        cut = data.rfind(b"\n") + 1
        fh.truncate(cut)


def done_ids(path: Path) -> set[str]:
    ids: set[str] = set()
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    ids.add(json.loads(line)["id"])
                except (json.JSONDecodeError, KeyError):
                    continue
    return ids


_WORKER_PIPE: Any = None
CHUNK = 16  # documents per pipe() call: the model batches windows across them


def _worker_init(model: str | None, quantize: str | None, rules_only: bool, runtime: str = "auto") -> None:
    global _WORKER_PIPE
    _WORKER_PIPE = _make_pipeline(model, quantize, rules_only, threads=1, runtime=runtime)


def _make_pipeline(model: str | None, quantize: str | None, rules_only: bool, threads: int | None = None,
                   runtime: str = "auto") -> Any:
    from .pipeline import Pipeline, default_model_path

    if rules_only:
        return Pipeline.rules_only()
    return Pipeline.from_pretrained(model or default_model_path(), quantize=quantize, threads=threads,
                                    runtime=runtime)


Result = tuple[Record, "dict[str, Any] | None", "str | None"]


def _results(pipe: Any, records: Iterator[Record], plan_year: int | None) -> Iterator[Result]:
    """``pipe.pipe`` over records, in order; a record that fails carries its reason instead of a row."""
    failures: dict[int, str] = {}

    def on_error(index: int, exc: Exception) -> None:
        failures[index] = f"{type(exc).__name__}: {exc}"

    stream = ((rec.text if rec.error is None else None, rec) for rec in records)
    for n, (plan, rec) in enumerate(pipe.pipe(stream, as_tuples=True, batch_size=CHUNK, plan_year=plan_year,
                                              on_error=on_error)):
        if plan is None:
            yield rec, None, rec.error or failures.pop(n, "unknown error")
            continue
        row = {"id": rec.id, "source": rec.source, "model_version": pipe.model_version,
               "plan": plan.to_dict(include_text=False), "chars": len(rec.text or "")}
        yield rec, row, None


def _process_chunk(records: list[Record], plan_year: int | None = None) -> list[Result]:
    """A worker's share: one chunk of records through its own pipeline."""
    return list(_results(_WORKER_PIPE, iter(records), plan_year))


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for r in records:
        chunk.append(r)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(inputs: Sequence[str], out: str | Path, *, errors: str | Path | None = None, resume: bool = False,
              workers: int = 1, model: str | None = None, quantize: str | None = None, runtime: str = "auto",
              rules_only: bool = False, plan_year: int | None = None, progress: bool = True,
              limit: int = 0) -> dict[str, int]:
    """Tag every input document; return counts ``{"done", "skipped", "failed"}``."""
    out = Path(out)
    errors = Path(errors) if errors else out.with_name(out.stem + ".errors.jsonl")
    if out.exists() and not resume:
        raise FileExistsError(f"{out} exists; pass --resume to continue it or choose another output")
    _repair_tail(out)
    skip = done_ids(out) if resume else set()
    records = (r for r in iter_inputs(inputs) if r.id not in skip)
    counts = {"done": 0, "skipped": len(skip), "failed": 0}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="batch", dynamic_ncols=True)
    t0, chars = time.time(), 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "a", encoding="utf-8") as fo, open(errors, "a", encoding="utf-8") as fe:
        if workers > 1:
            import multiprocessing as mp

            pool = mp.get_context("spawn").Pool(workers, _worker_init, (model, quantize, rules_only, runtime))
            # plan_year travels with every task: the worker pipeline has no other way to get it.
            chunked = pool.imap(partial(_process_chunk, plan_year=plan_year), _chunks(records, CHUNK))
            results: Iterator[Result] = (r for chunk in chunked for r in chunk)
        else:
            pipe = _make_pipeline(model, quantize, rules_only, runtime=runtime)
            pool = None
            results = _results(pipe, records, plan_year)
        try:
            for rec, row, err in results:
                if err is not None:
                    fe.write(json.dumps({"id": rec.id, "source": rec.source, "error": err}, ensure_ascii=False) + "\n")
                    fe.flush()
                    counts["failed"] += 1
                else:
                    fo.write(json.dumps(row, ensure_ascii=False) + "\n")
                    fo.flush()
                    os.fsync(fo.fileno())
                    counts["done"] += 1
                    chars += row["chars"]
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(chars_s=f"{chars / max(1e-9, time.time() - t0):.0f}", failed=counts["failed"])
                if limit and counts["done"] + counts["failed"] >= limit:
                    break
        finally:
            if pool is not None:
                pool.terminate()
            if bar is not None:
                bar.close()
    return counts
