"""Mention-swapped copies of a gold document, for the repeats of an up-weighted document in one epoch.

A document trained four times per epoch (the corrections of ``retrain``) teaches its exact numbers and
names four times; a copy whose numbers are re-drawn and whose places are swapped for other places of
the corpus teaches the same context with other surface forms. The layout, the wording around the
entities and the labels stay; offsets are rebuilt, so every span still covers its mention.

* numbers: every run of ASCII digits, inside spans and out, is re-drawn with as many digits (a year
  stays a year near it, a month or a day before 月/日 stays a valid one);
* places: each LOCATION mention is replaced by a LOCATION mention drawn from ``places``.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from nlp_minsheng.corpus import Document

_DIGITS = re.compile(r"[0-9]+")
# The suffix after an augmented copy's id: never a frozen or corrected id, and read as a variant of its document.
SUFFIX = "~aug"


def _redraw(m: re.Match[str], text: str, rng: random.Random) -> str:
    run = m.group(0)
    after = text[m.end() : m.end() + 1]
    n = len(run)
    if n == 4 and run[:2] in ("19", "20"):
        return str(min(2030, max(1990, int(run) + rng.randint(-3, 3))))  # a year stays a plausible year
    if n <= 2 and after == "月" and 1 <= int(run) <= 12:
        return str(rng.randint(1, 12)).zfill(n)
    if n <= 2 and after in ("日", "号") and 1 <= int(run) <= 31:
        return str(rng.randint(1, 28)).zfill(n)
    if n == 1:
        return str(rng.randint(1, 9)) if run != "0" else run
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def redraw_numbers(text: str, rng: random.Random) -> str:
    """``text`` with every digit run re-drawn, same length (so offsets inside it do not move)."""
    return _DIGITS.sub(lambda m: _redraw(m, text, rng), text)


def place_pool(docs: Iterable[Document]) -> list[str]:
    """The distinct LOCATION mentions of ``docs`` (sorted: the same pool for the same corpus)."""
    return sorted({d.text[s:e] for d in docs for s, e, lab in d.spans if lab == "LOCATION" and e - s >= 2})


def swap_mentions(doc: Document, places: Sequence[str], rng: random.Random, n: int = 1) -> Document:
    """A copy of ``doc`` with numbers re-drawn and places swapped (see the module doc); id ``<id>~aug<n>``."""
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = out = 0
    for s, e, lab in sorted(doc.spans):
        if s < pos:
            continue  # overlapping gold spans are refused by validation; never here
        pieces.append(redraw_numbers(doc.text[pos:s], rng))
        out += len(pieces[-1])
        mention = doc.text[s:e]
        new = rng.choice(places) if lab == "LOCATION" and places else redraw_numbers(mention, rng)
        pieces.append(new)
        spans.append((out, out + len(new), lab))
        out += len(new)
        pos = e
    pieces.append(redraw_numbers(doc.text[pos:], rng))
    return Document(f"{doc.id}{SUFFIX}{n}", "".join(pieces), spans, dict(doc.meta))


def augment_epoch(rows: list[dict[str, Any]], distinct: Counter[str], docs: dict[str, Document],
                  places: Sequence[str], vocab: Any, max_length: int, overlap: int, rng: random.Random
                  ) -> list[dict[str, Any]]:
    """One epoch's windows with the repeats made different: a document whose windows come ``k ≥ 2`` times
    (``distinct[doc_id]`` windows each time) keeps one copy and gets ``k - 1`` mention-swapped copies."""
    from .data import examples

    count = Counter(r["doc_id"] for r in rows)
    repeated = {d: c // distinct[d] for d, c in count.items() if distinct[d] and c // distinct[d] >= 2}
    out, seen = [], set()
    for r in rows:
        if r["doc_id"] in repeated:
            if id(r) in seen:
                continue  # a repeat of this window: replaced by a swapped copy below
            seen.add(id(r))
        out.append(r)
    copies = [swap_mentions(docs[d], places, rng, i) for d, k in sorted(repeated.items()) for i in range(1, k)]
    for row in examples(copies, vocab, max_length, overlap):
        row["doc_id"] = row["doc_id"].split(SUFFIX)[0]  # weighed and reported as its document
        out.append(row)
    return out
