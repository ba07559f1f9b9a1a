"""The one span-edge rule (LABELS.md): no span starts or ends with whitespace, punctuation,
separators, control characters or a table pipe; a span may end with ``% ‰ 号`` and with a
closing bracket whose opening bracket it holds (``200个(标准桩)``).

The pipeline trims predictions with :func:`trim`; corpus validation and training data
checks accept a gold span only when :func:`is_trimmed`.
"""

from __future__ import annotations

import unicodedata

ALLOWED_TRAILING = frozenset("%‰号)）")


def edge_bad(ch: str, trailing: bool) -> bool:
    """Can ``ch`` not be the first (``trailing=False``) or last character of a span?"""
    if ch.isspace():
        return True
    if trailing and ch in ALLOWED_TRAILING:
        return False
    return unicodedata.category(ch)[0] in "PZC" or ch == "|"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` shrunk until both edges obey the rule (possibly empty: ``start == end``)."""
    while start < end and edge_bad(text[start], False):
        start += 1
    while end > start and edge_bad(text[end - 1], True):
        end -= 1
    # Keep a closing bracket only when its opening bracket is inside the span.
    while end > start and text[end - 1] in ")）" and not any(c in "(（" for c in text[start : end - 1]):
        end -= 1
        while end > start and edge_bad(text[end - 1], True):
            end -= 1
    return start, end


def is_trimmed(text: str, start: int, end: int) -> bool:
    """Does the non-empty span ``[start, end)`` already obey the edge rule?"""
    return start < end and trim(text, start, end) == (start, end)
