"""Number parsing for the value normalisers (the number patterns live in :mod:`nlp_minsheng.grammar`).

Handles Arabic numbers (``30,000``, ``4102.5``), Chinese numerals via
``cn2an`` (``两``, ``十二``, ``一万二千``) and the multipliers 万/亿 (``1.2万``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .grammar import CN_DIGITS, RANGE_SEP

_MULT = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000), "百": Decimal(100)}


def parse_number(s: str) -> Decimal | None:
    """Parse one number (Arabic or Chinese, with 万/亿); ``None`` if not a number."""
    s = s.strip().replace(",", "").replace("，", "")
    if not s:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万亿]*)", s)
    if m:
        value = Decimal(m.group(1))
        for ch in m.group(2):
            value *= _MULT[ch]
        return value
    if all(c in CN_DIGITS for c in s):
        if s in {"万", "亿", "千", "百"}:
            return None
        import cn2an

        try:
            return Decimal(str(cn2an.cn2an(s.replace("两", "二").replace("〇", "零"), "smart")))
        except (ValueError, KeyError, InvalidOperation):
            return None
    return None


def parse_range(s: str) -> tuple[Decimal, Decimal] | Decimal | None:
    """Parse ``200-300``, ``3至5`` or a single number.

    A multiplier written once applies to both ends (``200-300万`` → 2e6..3e6).
    """
    parts = re.split(RANGE_SEP, s.strip())
    if len(parts) == 1:
        return parse_number(parts[0])
    if len(parts) != 2:
        return None
    lo_s, hi_s = parts[0].strip(), parts[1].strip()
    tail = re.search(r"[万亿]+$", hi_s)
    if tail and not re.search(r"[万亿]$", lo_s):
        lo_s += tail.group(0)
    lo, hi = parse_number(lo_s), parse_number(hi_s)
    if lo is None or hi is None:
        return None
    return (lo, hi)
