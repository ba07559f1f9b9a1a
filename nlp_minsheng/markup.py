"""Inline annotation markup used to write gold documents by hand.

A span is written as ``[[X|text]]`` where ``X`` is one of ``T`` (TARGET),
``A`` (AMOUNT), ``D`` (DEADLINE) or ``L`` (LOCATION).  Stripping the markup
gives the plain text and exact character offsets, which is far less error
prone than counting offsets by hand.
"""

from __future__ import annotations

import re

from .labels import CODE_TO_LABEL, LABEL_TO_CODE

_SPAN = re.compile(r"\[\[([A-Z])\|(.*?)\]\]", re.S)


class MarkupError(ValueError):
    """Raised when a markup document is malformed."""


def parse_markup(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip ``[[X|...]]`` markup; return plain text and ``(start, end, label)`` spans."""
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for m in _SPAN.finditer(marked):
        before = marked[pos : m.start()]
        _check_plain(before, marked, pos)
        out.append(before)
        length += len(before)
        code, body = m.group(1), m.group(2)
        if code not in CODE_TO_LABEL:
            raise MarkupError(f"unknown label code {code!r} at {m.start()}; expected one of {'/'.join(CODE_TO_LABEL)}")
        if not body:
            raise MarkupError(f"empty span at {m.start()}")
        if "[[" in body:
            raise MarkupError(f"nested span at {m.start()}: {body[:30]!r}")
        spans.append((length, length + len(body), CODE_TO_LABEL[code]))
        out.append(body)
        length += len(body)
        pos = m.end()
    tail = marked[pos:]
    _check_plain(tail, marked, pos)
    out.append(tail)
    return "".join(out), spans


def _check_plain(chunk: str, whole: str, offset: int) -> None:
    for token in ("[[", "]]"):
        i = chunk.find(token)
        if i >= 0:
            ctx = whole[max(0, offset + i - 20) : offset + i + 20]
            raise MarkupError(f"unbalanced {token!r} near {ctx!r}")


def to_markup(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Inverse of :func:`parse_markup` (spans must not overlap)."""
    parts: list[str] = []
    pos = 0
    for start, end, label in sorted(spans):
        parts.append(text[pos:start])
        parts.append(f"[[{LABEL_TO_CODE[label]}|{text[start:end]}]]")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
