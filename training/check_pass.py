"""Check one annotation pass: every marked page strips to its raw page and its spans pass validation.

Used while a pass is being written (``passA/``, ``passB/``) before the consolidated
``marked/`` exists; the build (``training.build_corpus``) runs the same checks on ``marked/``.

Run: ``python -m training.check_pass annotations/src/real/passA [--raw annotations/src/real/raw]``
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from nlp_minsheng.markup import parse_markup
from training.build_corpus import same_text_problem, span_problems


def check_folder(folder: Path, raw_dir: Path) -> tuple[int, Counter]:
    errors, counts = 0, Counter()
    for path in sorted(folder.glob("*.txt")):
        raw = raw_dir / path.name
        if not raw.exists():
            print(f"{path}: expected the raw page {raw}, not found")
            errors += 1
            continue
        try:
            text, spans = parse_markup(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            text, spans, problems = "", [], [str(exc)]
        else:
            problem = same_text_problem(text, raw.read_text(encoding="utf-8"), raw.name)
            problems = [problem] if problem else span_problems(text, spans)
        for p in problems:
            print(f"{path}: {p}")
        errors += len(problems)
        counts.update(lab for _, _, lab in spans)
        counts["pages"] += 1
    return errors, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--raw", type=Path, default=None, help="folder of raw pages (default: ../raw beside FOLDER)")
    args = ap.parse_args(argv)
    raw_dir = args.raw or args.folder.parent / "raw"
    errors, counts = check_folder(args.folder, raw_dir)
    print(f"{counts.pop('pages', 0)} pages, spans {dict(counts)}, {errors} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
