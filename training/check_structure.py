"""Check the structure gold (items, plan year, metrics) of one annotated source, as the build reads it.

Run: ``python -m training.check_structure annotations/src/real`` (the kind is the folder's name).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp_minsheng.markup import parse_markup
from training.build_corpus import ITEM_DIRS, structure_gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path, help="annotations/src/<kind> with marked/ or raw/ (and items/, metrics/)")
    args = ap.parse_args(argv)
    kind = args.root.resolve().name
    if kind not in ITEM_DIRS:
        raise SystemExit(f"expected one of {sorted(ITEM_DIRS)} as the folder name, got {kind!r}")
    errors = items = metrics = 0
    missing = []
    marked = (args.root / "marked").is_dir()  # a structure-only source has raw pages and no span markup
    for path in sorted((args.root / ("marked" if marked else "raw")).glob("*.txt")):
        page = path.read_text(encoding="utf-8")
        text, spans = parse_markup(page) if marked else (page, [])
        meta, problems = structure_gold(kind, path.stem, text, spans)
        for p in problems:
            print(f"{path.stem}: {p}")
        errors += len(problems)
        if "items" not in meta:
            missing.append(path.stem)
        items += len(meta.get("items", []))
        metrics += len(meta.get("metrics", []))
    print(f"{items} items, {metrics} metrics, {len(missing)} pages without an item file, {errors} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
