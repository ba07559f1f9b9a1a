"""Consolidating pass: spans both passes agree on, plus the adjudicated disagreements.

Every span only one pass has must be decided in ``adjudication.tsv`` (keep 1/0, with the reason);
an undecided disagreement or a decision that matches no disagreement stops the build.

Run: ``python -m training.consolidate annotations/src/real``  (reads passA/, passB/, adjudication.tsv;
writes marked/)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp_minsheng.markup import parse_markup, to_markup


def read_decisions(path: Path) -> dict[tuple[str, int, int, str], bool]:
    rows = [r.split("\t") for r in path.read_text(encoding="utf-8").splitlines()[1:] if r.strip()]
    return {(r[0], int(r[1]), int(r[2]), r[3]): r[4] == "1" for r in rows}


def consolidate(root: Path) -> int:
    decisions = read_decisions(root / "adjudication.tsv")
    used: set[tuple[str, int, int, str]] = set()
    (root / "marked").mkdir(exist_ok=True)
    for pa in sorted((root / "passA").glob("*.txt")):
        pb = root / "passB" / pa.name
        text, sa = parse_markup(pa.read_text(encoding="utf-8"))
        text_b, sb = parse_markup(pb.read_text(encoding="utf-8"))
        if text != text_b:
            raise SystemExit(f"{pa.name}: the two passes strip to different texts")
        keep = set(sa) & set(sb)
        for span in sorted(set(sa) ^ set(sb)):
            key = (pa.stem, *span)
            if key not in decisions:
                raise SystemExit(f"undecided disagreement {key} {text[span[0]:span[1]]!r}: add it to adjudication.tsv")
            used.add(key)
            if decisions[key]:
                keep.add(span)
        (root / "marked" / pa.name).write_text(to_markup(text, sorted(keep)), encoding="utf-8")
    stale = set(decisions) - used
    if stale:
        raise SystemExit(f"decisions that match no disagreement: {sorted(stale)}")
    print(f"consolidated {len(list((root / 'passA').glob('*.txt')))} pages, {len(used)} adjudicated spans")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path)
    return consolidate(ap.parse_args(argv).root)


if __name__ == "__main__":
    sys.exit(main())
