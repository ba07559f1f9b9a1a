"""Text normalisation with an offset map back to the original string.

The model and the rules see a cleaned, simplified-Chinese string; every span
found in it is mapped back to the characters of the original input, so
``original[start:end]`` is always exact.  Each normalised character remembers
the half-open range of original characters it came from.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Pinyin left behind by some traditional-Chinese converters: 區(qū), 實(shí).
# Only lower-case latin letters with at least one tone mark, or tone-less
# syllables directly after a CJK character.
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]([a-z{_TONE}]{{1,6}})[)）]")
# Text spaced out one character at a time (民 生 实 事, 项 目 名 称: a PDF headline, a table header).
_SPACED = re.compile(r"(?<![^\s])(?:[^\s] ){3,}[^\s](?![^\s])")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,200})?/?\s*>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_DELETE = object()


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, per character, its original ``[start, end)``."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of :attr:`text` to a span of :attr:`original`."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside normalised text of length {len(self.text)}")
        return self.starts[start], self.ends[end - 1]

    def from_original(self, start: int, end: int) -> tuple[int, int] | None:
        """The normalised characters lying wholly inside original ``[start, end)``, or ``None``.

        Both offset arrays are non-decreasing, so the characters form one run
        that starts at the first one whose origin begins at or after ``start``.
        """
        i = bisect.bisect_left(self.starts, start)
        j = i
        while j < len(self.text) and self.ends[j] <= end:
            j += 1
        return (i, j) if j > i else None


_SYLLABLE = re.compile(r"^(?:[zcs]h|[bpmfdtnlgkhjqxzcsryw])?[aeiouv]{1,3}(?:ng|n|r)?$")


def is_pinyin(s: str) -> bool:
    # Tone-marked syllables are unambiguous; bare ones must look like pinyin.
    return any(c in _TONE for c in s) or bool(_SYLLABLE.match(s))


def reading_before(text: str, end: int) -> int:
    """Where a pinyin reading that ends at ``end`` begins (``區(qū)`` → the ``(``), else ``end``.

    Normalisation deletes readings, so a range mapped back to the original text stops before
    the reading of its last character; callers that compare ranges of the original ignore it."""
    for m in _PINYIN.finditer(text, max(0, end - 9), end):
        if m.end() == end and is_pinyin(m.group(1)):
            return m.start()
    return end


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _fold_char(ch: str) -> str:
    """Full-width ASCII → half-width, odd spaces → ' ', keep CJK punctuation."""
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E and ch != "～":
        return chr(o - 0xFEE0)
    if ch == "\u3000" or (ch.isspace() and ch not in "\n\r\t "):
        return " "
    if ch == "\r":
        return "\n"
    return ch


def normalize(text: str, *, to_simplified: bool = True) -> NormalizedText:
    """Clean ``text`` for the tagger, keeping an exact offset map.

    Steps: drop HTML tags and zero-width characters, decode HTML entities,
    drop pinyin conversion leftovers and the spaces of text spaced out one
    character at a time (民 生 实 事), fold full-width forms and odd
    whitespace, convert traditional to simplified characters (OpenCC t2s).
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() expects str, got {type(text).__name__}")
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    # Pieces to remove or replace, as (start, end, replacement|_DELETE).
    edits: list[tuple[int, int, object]] = []
    for m in _TAG.finditer(text):
        tag = m.group(0).lower()
        # Block-level tags separate lines; inline tags vanish.
        repl = "\n" if re.match(r"<\s*/?\s*(br|p|div|li|tr|h\d)\b", tag) else _DELETE
        edits.append((m.start(), m.end(), repl))
    for m in _ENTITY.finditer(text):
        decoded = html.unescape(m.group(0))
        if decoded != m.group(0):
            edits.append((m.start(), m.end(), decoded.replace("\xa0", " ")))
    for m in _PINYIN.finditer(text):
        if is_pinyin(m.group(1)):
            edits.append((m.start(), m.end(), _DELETE))
    for m in _SPACED.finditer(text):
        if sum("\u3400" <= c <= "\u9fff" for c in m.group(0)) >= 2:
            edits += [(k, k + 1, _DELETE) for k in range(m.start() + 1, m.end(), 2)]
    edits.sort()
    pos = 0
    for s, e, repl in edits:
        if s < pos:  # overlapping edits (an entity inside a tag): first wins
            continue
        _copy(text, pos, s, out, starts, ends)
        if repl is not _DELETE:
            for ch in str(repl):
                out.append(ch)
                starts.append(s)
                ends.append(e)
        pos = e
    _copy(text, pos, len(text), out, starts, ends)
    norm = "".join(out)
    if to_simplified and any("\u3400" <= c <= "\u9fff" for c in norm):
        converted = _t2s().convert(norm)
        if len(converted) == len(norm):
            norm = converted
        else:  # a phrase changed length: fall back to one character at a time
            norm = "".join(_t2s().convert(c) if len(_t2s().convert(c)) == 1 else c for c in norm)
    return NormalizedText(text, norm, tuple(starts), tuple(ends))


class _FoldTable(dict):
    """``str.translate`` table built on demand: code point → folded character, ``None`` = drop."""

    def __missing__(self, o: int) -> str | None:
        ch = chr(o)
        folded: str | None = None
        if ch not in _ZERO_WIDTH:
            folded = _fold_char(ch)
            cat = unicodedata.category(folded)
            if cat == "Cc" and folded not in "\n\t":
                folded = " "
            elif cat == "Cs":  # lone surrogate (broken UTF-16 input): not encodable, OpenCC would crash
                folded = "\ufffd"
        self[o] = folded
        return folded


_FOLD = _FoldTable()


def _copy(text: str, a: int, b: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    # Fast path (C speed): one translate over the run; offsets are trivial when nothing was dropped.
    folded = text[a:b].translate(_FOLD)
    if len(folded) == b - a:
        out.extend(folded)
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        return
    for i in range(a, b):  # something was dropped (zero-width characters): map one by one
        folded = _FOLD[ord(text[i])]
        if folded is not None:
            out.append(folded)
            starts.append(i)
            ends.append(i + 1)


def identity(text: str) -> NormalizedText:
    """``text`` unchanged, with the trivial offset map (the ``normalize`` step disabled)."""
    return NormalizedText(text, text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
