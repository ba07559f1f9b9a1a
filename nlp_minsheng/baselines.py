"""Third-party baselines mapped to our labels, for side-by-side evaluation.

* ``jionlp_tagger``: jionlp money extraction (→ AMOUNT), time extraction
  (→ DEADLINE) and its location recogniser (→ LOCATION).
* ``jieba_tagger``: jieba POS: ``ns`` words → LOCATION, ``m`` + measure word
  → TARGET, ``m`` + 元 → AMOUNT, ``t`` → DEADLINE.

Both run on the original text, so offsets need no mapping.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from .rules import UNITS

_UNIT_RE = re.compile(rf"^(?:{UNITS})")


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
            for loc in jio.recognize_location(text).get("domestic", []):
                name = loc[0] if isinstance(loc, (list, tuple)) else str(loc)
                for m in re.finditer(re.escape(name), text):
                    spans.append((m.start(), m.end(), "LOCATION"))
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
