"""Word boundaries (jieba) and the rule that a place name never starts or ends inside a word.

LABELS.md: "A span never starts or ends inside a word (`有关镇` from
`有关镇(街道)` is wrong; `李庄社区`, not `李庄社`)". A LOCATION edge that
falls inside a jieba word moves to that word's edge: outward when the span
holds more of the word than it leaves out, inward when it holds less. On a
tie the end moves outward (a cut unit word: ``李庄社|区`` → ``李庄社区``) and
the start inward (a verb glued on: ``印|发某县`` → ``某县``).
"""

from __future__ import annotations

import bisect
from functools import lru_cache


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


class WordEdges:
    """The word boundaries of one text, computed once."""

    def __init__(self, text: str) -> None:
        self.starts = [s for _, s, _ in _tokenizer().tokenize(text)]
        self.ends = self.starts[1:] + [len(text)]

    def _word(self, pos: int) -> tuple[int, int]:
        """The word holding character ``pos``."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.starts[i], self.ends[i]

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """``(start, end)`` with each edge moved off the inside of a word (see module doc)."""
        ws, we = self._word(start)
        if ws < start:
            start = ws if we - start > (we - ws) / 2 else we
        if end > start:
            ws, we = self._word(end - 1)
            if we > end:
                end = we if end - ws >= (we - ws) / 2 else ws
        return start, max(start, end)
