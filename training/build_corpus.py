"""Build the gold JSONL files in ``annotations/gold/`` from the markup sources.

Seeds:      annotations/src/seeds/seed-NNN.txt  (markup over the exact seed text;
            stripping the markup must give the original file byte for byte)
Synthetic:  annotations/src/synthetic/*.txt      (markup, written for this corpus)
Corpus v2:  annotations/src/v2/{raw,marked}/*.txt (pages written to look like REAL_PAGES.md by one helper,
            annotated by another; stripping ``marked`` must give ``raw`` byte for byte)
Variants:   annotations/src/rsvar/{raw,marked}/*.txt (3 shape-preserving rewrites of each real-shaped training page, ``train``)
Dev set:    annotations/src/dev/{raw,marked}/*.txt (the frozen realistic dev set, ``split: dev``: never trained on)
Real-shaped: annotations/src/real/{raw,marked}/*.txt (70 pages written from real pages; ``SPLIT.tsv`` freezes 30 as
            ``split: dev-real``, the real-shaped dev set, never trained on; the other 40 are ``train``)

The genre of a v2/dev page is the last ``-`` part of its id (``v2-a01-progress``).

Run: ``python -m training.build_corpus`` (``--check`` only validates).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlp_minsheng.corpus import Document, validate
from nlp_minsheng.markup import parse_markup

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "annotations" / "src"
GOLD = ROOT / "annotations" / "gold"
SEEDS = ROOT / "annotations" / "seeds"  # the published files, byte for byte
HELDOUT_PREFIXES = ("syn-b",)
# Written-then-annotated corpora: kind → split of every document in it.
PAIRED = {"v2": "train", "dev": "dev", "real": "by SPLIT.tsv", "rsvar": "train"}
REAL_SPLIT = SRC / "real" / "SPLIT.tsv"
GENRES = ("vote", "list", "progress", "notice", "table", "report", "solicit")
# The seeds' genres (REAL_PAGES.md categories), decided by reading them.
SEED_GENRES = {"seed-000": "list", "seed-001": "list", "seed-002": "list", "seed-003": "report", "seed-004": "table"}


def genre_of(doc_id: str) -> str:
    """Genre from the id (``v2-a01-progress`` → ``progress``); seeds from SEED_GENRES.

    The first synthetic set (``syn-*``) mixed genres inside documents and did
    not record them: ``mixed``.
    """
    if doc_id in SEED_GENRES:
        return SEED_GENRES[doc_id]
    last = doc_id.split("~")[0].rsplit("-", 1)[-1]
    return last if last in GENRES else "mixed"



def span_problems(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """The same checks as ``python -m nlp_minsheng validate`` (one implementation)."""
    return [p.message for p in validate(Document("", text, list(spans)))]


def seed_source(doc_id: str) -> Path:
    num = doc_id.split("-")[1]
    matches = sorted(SEEDS.glob(f"{num}_*.txt"))
    if len(matches) != 1:
        raise SystemExit(f"expected exactly one seed file for {doc_id} in {SEEDS}, got {matches}")
    return matches[0]


# Pinyin leftovers that some converters leave after traditional characters (區(qū)).
PINYIN = {"區": "qū", "實": "shí", "項": "xiàng", "鎮": "zhèn", "業": "yè", "為": "wèi", "務": "wù", "設": "shè",
          "計": "jì", "劃": "huà", "園": "yuán", "場": "chǎng", "個": "gè", "戶": "hù", "萬": "wàn", "億": "yì",
          "養": "yǎng", "醫": "yī", "療": "liáo", "線": "xiàn", "車": "chē", "學": "xué", "動": "dòng", "據": "jù"}


def traditional_variant(doc: dict, pinyin: bool) -> dict:
    """An OpenCC s2t copy of a simplified document, spans recomputed segment by segment.

    With ``pinyin=True`` conversion leftovers like ``區(qū)`` are inserted; one
    after a span's last character goes outside the span (spec rule).
    """
    import opencc

    conv = opencc.OpenCC("s2t")
    text, spans = doc["text"], sorted(tuple(x) for x in doc["label"])
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for s, e, lab in spans:
        pieces.append((text[pos:s], None))
        pieces.append((text[s:e], lab))
        pos = e
    pieces.append((text[pos:], None))
    out, new_spans, carry = [], [], ""
    length = 0
    for seg, lab in pieces:
        t = conv.convert(seg)
        if pinyin:
            chars = []
            for i, ch in enumerate(t):
                chars.append(ch)
                if ch in PINYIN:
                    if lab is not None and i == len(t) - 1:
                        carry = f"({PINYIN[ch]})"
                    else:
                        chars.append(f"({PINYIN[ch]})")
            t = "".join(chars)
        if lab is None and carry:
            t, carry = carry + t, ""
        if lab is not None:
            new_spans.append([length, length + len(t), lab])
        out.append(t)
        length += len(t)
    if carry:
        out.append(carry)
    variant = {"id": doc["id"] + "~t", "text": "".join(out), "label": new_spans,
               "meta": {**doc["meta"], "variant": "s2t+pinyin" if pinyin else "s2t", "parent": doc["id"]}}
    return variant


# Structure gold (issue: items, plan year, TARGET metrics): JSON/TSV files beside the markup.
ITEM_DIRS = {"dev": SRC / "dev" / "items", "seeds": SRC / "seeds_items", "real": SRC / "real" / "items",
             "rsvar": SRC / "rsvar" / "items", "v2": SRC / "v2" / "items", "st": SRC / "st" / "items"}
# Sources with structure gold only (raw pages, no span markup): never in the span corpus, never trained on; scored by
# eval.structure. "st": pages written to test items and plan year in the weak genres (progress, tables, notices).
STRUCTURE_ONLY = ("st",)
METRIC_DIRS = {"dev": SRC / "dev" / "metrics", "real": SRC / "real" / "metrics"}


def real_splits() -> dict[str, str]:
    """Page id → split (``train`` or ``dev-real``) of the real-shaped pages, from ``SPLIT.tsv``."""
    if not REAL_SPLIT.exists():
        return {}
    rows = [r.split("\t") for r in REAL_SPLIT.read_text(encoding="utf-8").splitlines()[1:] if r.strip()]
    return {r[0]: ("dev-real" if r[3] == "dev" else "train") for r in rows}


def structure_gold(kind: str, doc_id: str, text: str, spans: list[tuple[int, int, str]]) -> tuple[dict, list[str]]:
    """``meta`` fields ``plan_year``, ``items`` ([start, end, title]) and ``metrics`` ([start, end, metric])."""
    meta: dict = {}
    problems: list[str] = []
    item_file = ITEM_DIRS[kind] / f"{doc_id}.json" if kind in ITEM_DIRS else None
    if item_file is not None and item_file.exists():
        g = json.loads(item_file.read_text(encoding="utf-8"))
        items, pos = [], 0
        for it in g["items"]:
            a = text.find(it["first"], pos)
            b = text.find(it["last"], max(a, 0))
            if a < 0 or b < a:
                problems.append(f"{item_file.name}: item {it['title']!r} not found after offset {pos}")
                continue
            pos = b + len(it["last"])
            if it["title"] not in text[a:pos] and it["title"] not in text[a:pos].replace("\n", ""):
                problems.append(f"{item_file.name}: title {it['title']!r} is not inside its item")
            items.append([a, pos, it["title"]])
        meta["plan_year"] = g.get("plan_year")
        meta["items"] = items
    metric_file = METRIC_DIRS[kind] / f"{doc_id}.tsv" if kind in METRIC_DIRS else None
    if metric_file is not None and metric_file.exists():
        targets = {(s, e) for s, e, lab in spans if lab == "TARGET"}
        rows = [r.split("\t") for r in metric_file.read_text(encoding="utf-8").splitlines()[1:] if r.strip()]
        metrics = [[int(r[0]), int(r[1]), r[4]] for r in rows if len(r) == 5 and r[4].strip()]
        for s, e, _ in metrics:
            if (s, e) not in targets:
                problems.append(f"{metric_file.name}: [{s}, {e}) is not a gold TARGET")
        if metrics:
            meta["metrics"] = metrics
    return meta, problems


def structure_pages(kind: str) -> list[Document]:
    """The pages of a structure-only source (``src/<kind>/raw/*.txt`` + their item files) as documents without
    spans, with ``meta`` split ``structure``, genre, plan year and items."""
    if kind not in STRUCTURE_ONLY:
        raise ValueError(f"expected one of {STRUCTURE_ONLY}, got {kind!r}")
    docs = []
    for path in sorted((SRC / kind / "raw").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        meta, problems = structure_gold(kind, path.stem, text, [])
        if problems:
            raise ValueError(f"{path.stem}: {'; '.join(problems)}")
        if "items" in meta:
            docs.append(Document(path.stem, text, [], {"source": path.name, "split": "structure", "synthetic": True,
                                                       "genre": genre_of(path.stem), **meta}))
    return docs


def _first_difference(got: str, expected: str) -> str:
    i = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    return f"at char {i}: got {got[max(0, i - 15):i + 15]!r}, expected {expected[max(0, i - 15):i + 15]!r}"


def same_text_problem(text: str, original: str, name: str) -> str | None:
    """``None`` when stripping the markup gave the original page byte for byte, else where it differs."""
    return None if text == original else f"stripped text differs from {name}: {_first_difference(text, original)}"


def build(check_only: bool = False, only: str = "") -> int:
    errors = 0
    out: dict[str, list[dict]] = {"seeds": [], "synthetic": [], **{k: [] for k in PAIRED}}
    splits = real_splits()
    for kind in out:
        folder = SRC / kind / "marked" if kind in PAIRED else SRC / kind
        for path in sorted(folder.glob(f"{only}*.txt")):
            doc_id = path.stem
            marked = path.read_text(encoding="utf-8")
            try:
                text, spans = parse_markup(marked)
            except ValueError as exc:
                print(f"{path}: {exc}")
                errors += 1
                continue
            # Set B (tables and progress reports) is written to be a held-out
            # synthetic test set: never trained on, scored beside the real test.
            if kind == "real":
                if doc_id not in splits:
                    print(f"{path}: expected a row for {doc_id} in {REAL_SPLIT}, got none")
                    errors += 1
                    continue
                split = splits[doc_id]
            else:
                split = PAIRED.get(kind) or ("test" if doc_id.startswith(HELDOUT_PREFIXES) else "train")
            meta: dict = {"source": path.name, "split": split, "synthetic": kind != "seeds", "genre": genre_of(doc_id)}
            if kind in PAIRED:
                raw = SRC / kind / "raw" / path.name
                if not raw.exists():
                    print(f"{path}: expected the written page {raw}, not found")
                    errors += 1
                    continue
                problem = same_text_problem(text, raw.read_text(encoding="utf-8"), raw.name)
                if problem:
                    print(f"{path}: {problem}")
                    errors += 1
                    continue
            if kind == "seeds":
                src = seed_source(doc_id)
                problem = same_text_problem(text, src.read_text(encoding="utf-8"), src.name)
                if problem:
                    print(f"{path}: {problem}")
                    errors += 1
                    continue
                meta["source"] = src.name
            for p in span_problems(text, spans):
                print(f"{path}: {p}")
                errors += 1
            extra, problems = structure_gold(kind, doc_id, text, spans)
            for p in problems:
                print(f"{path}: {p}")
                errors += 1
            meta.update(extra)
            out[kind].append({"id": doc_id, "text": text, "label": [list(s) for s in spans], "meta": meta})
    if errors:
        print(f"{errors} problem(s)")
        return 1
    # Every third synthetic document also appears in traditional script,
    # half of those with pinyin leftovers (the seeds show both in the wild).
    # Chosen among training documents only, so adding held-out documents never
    # changes the training data.
    train_docs = [d for d in out["synthetic"] if d["meta"]["split"] == "train"]
    variants = [traditional_variant(d, pinyin=(k // 3) % 2 == 0) for k, d in enumerate(train_docs) if k % 3 == 0]
    for v in variants:
        for p in span_problems(v["text"], [tuple(x) for x in v["label"]]):
            print(f"{v['id']}: {p}")
    out["synthetic"].extend(variants)
    if not check_only:
        GOLD.mkdir(parents=True, exist_ok=True)
        if only:
            raise ValueError("--only checks a subset; building the gold needs every document")
        for kind, docs in out.items():
            if not docs:
                continue
            with open(GOLD / f"{kind}.jsonl", "w", encoding="utf-8") as fh:
                for d in docs:
                    fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    for kind, docs in out.items():
        n = sum(len(d["label"]) for d in docs)
        print(f"{kind}: {len(docs)} documents, {sum(len(d['text']) for d in docs)} chars, {n} spans")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    ap.add_argument("--only", default="", metavar="PREFIX", help="check only documents whose id starts with PREFIX")
    args = ap.parse_args(argv)
    return build(check_only=args.check or bool(args.only), only=args.only)


if __name__ == "__main__":
    sys.exit(main())
