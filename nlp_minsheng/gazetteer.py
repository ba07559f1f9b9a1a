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


# What may follow a bare short form (昆山高新区) for it still to name the division; a road or a
# community after a short form is named after the city, not in it (北京路, 南阳新村街道).
_ZONE_AFTER_SHORT = re.compile(r"(?:高新区|开发区|经开区|经济开发区|高新技术产业开发区|新区|市|县|区)")
# Names of local places: when the gazetteer cannot place them, they lie in the plan's own region.
LOCAL_PLACE = re.compile(r"(?:镇|乡|街道|社区|村|组|路|街|大道|巷|弄|道|小区|新村|花园|家园|苑|公园|广场|桥|河|湖|"
                         r"渠|片区|园|段|线|号|站|湿地|山|岛)$")


def division_prefix(name: str) -> tuple[str, int] | None:
    """The most specific division that ``name`` starts with, and where it ends in ``name``.

    ``江苏省昆山市玉山镇`` → (``昆山市``, 6); ``昆山高新区`` → (``昆山市``, 2); ``北京路`` → ``None``
    (a short form only counts alone, or before a zone word or another division: ``浙江温州``).
    """
    table = _names()
    name = name.strip()
    best: tuple[str, int] | None = None
    pos = 0
    while pos < len(name):
        for end in range(min(len(name), pos + 12), pos + 1, -1):
            hit = table.get(name[pos:end])
            if hit is None:
                continue
            short = hit[0] != name[pos:end]
            if short and end < len(name) and not (
                    _ZONE_AFTER_SHORT.match(name, end)
                    or any(name[end:k] in table for k in range(end + 2, min(len(name), end + 12) + 1))):
                continue
            best, pos = (hit[0], end), end
            break
        else:
            break
    return best


def division(name: str) -> str | None:
    """The gazetteer's full name when ``name`` is exactly one division or a chain of them.

    ``昆山`` → ``昆山市``; ``浙江温州`` → ``温州市`` (the most specific part);
    ``江苏省苏州市昆山市`` → ``昆山市``; ``浙江温`` and ``中山路`` → ``None``.
    """
    found = division_prefix(name)
    return found[0] if found and found[1] == len(name.strip()) else None
