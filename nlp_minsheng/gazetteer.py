"""Administrative divisions (the cpca gazetteer) and what can be a place name at all.

One place for two output-sanity rules of the label contract:

* pinyin syllables (``qū``, ``zhèn``) and other Latin-only words are never a
  LOCATION; road and rail codes (``G106``, ``S201``) are;
* the plan's region is a gazetteer entry (province, city or county), never
  a fragment such as a province glued to the next word's first character.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Unit words of divisions, longest first, so 自治县 is stripped before 县.
_UNITS = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
          "地区", "林区", "新区", "省", "市", "区", "县", "盟", "旗")
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
# National/provincial/county roads and numbered expressways: G106, S201, X012, G15.
_ROAD_CODE = re.compile(r"[GSXYZ]\d{1,4}(?:[^\W\d_]{0,6})?")


def can_be_place(text: str) -> bool:
    """False for spans that cannot name a place: no Chinese character and no road code."""
    text = text.strip()
    return bool(_CJK.search(text)) or bool(_ROAD_CODE.fullmatch(text))


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, int]]:
    """Surface form → (full name, rank 0 province / 1 city / 2 county) for every division."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca

    table: dict[str, tuple[str, int]] = {}
    for info in cpca.ad_2_addr_dict.values():
        full, rank = info.name, int(info.rank)
        table.setdefault(full, (full, rank))
        for unit in _UNITS:
            if full.endswith(unit) and len(full) - len(unit) >= 2:
                # Short forms (昆山, 浙江) only where unambiguous between ranks:
                # a province short form wins over a county of the same name.
                short = full[: -len(unit)]
                if short not in table or table[short][1] > rank:
                    table[short] = (full, rank)
                break
    return table


def division(name: str) -> str | None:
    """The gazetteer's full name when ``name`` is exactly one division or a chain of them.

    ``昆山`` → ``昆山市``; ``浙江温州`` → ``温州市`` (the most specific part);
    ``江苏省苏州市昆山市`` → ``昆山市``; ``浙江温`` and ``中山路`` → ``None``.
    """
    table = _names()
    name = name.strip()
    best: str | None = None
    pos = 0
    while pos < len(name):
        for end in range(min(len(name), pos + 12), pos + 1, -1):
            hit = table.get(name[pos:end])
            if hit is not None:
                best = hit[0]
                pos = end
                break
        else:
            return None
    return best
