"""Turn per-character tag probabilities into labelled spans.

Decoding is a constrained Viterbi over log-probabilities in which every
IOB2-illegal transition (``O → I-X``, ``B-X → I-Y``) is forbidden, so the
output never contains an ``I-`` without its ``B-``.  A span's score is the
MEAN probability of its tags (the minimum is also kept in ``min_score``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .labels import TAGS


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    score: float
    min_score: float
    source: str | None = None  # None: the tagger that produced it; "rules": added by the grammar


def _allowed(tags: tuple[str, ...]) -> np.ndarray:
    n = len(tags)
    ok = np.ones((n, n), dtype=bool)
    for j, t in enumerate(tags):
        if t.startswith("I-"):
            lab = t[2:]
            for i, p in enumerate(tags):
                ok[i, j] = p in (f"B-{lab}", f"I-{lab}")
    return ok


_ALLOWED_CACHE: dict[tuple[str, ...], np.ndarray] = {}


def viterbi(logprobs: np.ndarray, tags: tuple[str, ...] = TAGS) -> list[int]:
    """Best legal IOB2 tag path for a ``(n, len(tags))`` array of log-probabilities."""
    n = logprobs.shape[0]
    if n == 0:
        return []
    if logprobs.shape[1] != len(tags):
        raise ValueError(f"expected {len(tags)} tag scores per position, got {logprobs.shape[1]}")
    allowed = _ALLOWED_CACHE.setdefault(tags, _allowed(tags))
    trans = np.where(allowed, 0.0, -np.inf)
    start_ok = np.array([not t.startswith("I-") for t in tags])
    score = np.where(start_ok, logprobs[0], -np.inf)
    back = np.zeros((n, len(tags)), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans  # from i-1 tag (rows) to i tag (cols)
        back[i] = cand.argmax(axis=0)
        score = cand.max(axis=0) + logprobs[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def spans_from_tags(path: list[int], probs: np.ndarray, tags: tuple[str, ...] = TAGS) -> list[Span]:
    """Collect B-/I- runs of a (legal) tag path into spans with scores."""
    spans: list[Span] = []
    cur: tuple[int, str] | None = None

    def close(end: int) -> None:
        if cur is not None:
            s, lab = cur
            p = probs[np.arange(s, end), path[s:end]]
            spans.append(Span(s, end, lab, float(p.mean()), float(p.min())))

    for i, t in enumerate(path):
        tag = tags[t]
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[1] != tag[2:])):
            close(i)
            cur = (i, tag[2:])
        elif tag == "O":
            close(i)
            cur = None
    close(len(path))
    return spans


def decode(probs: np.ndarray, tags: tuple[str, ...] = TAGS) -> list[Span]:
    """Per-position probabilities ``(n, len(tags))`` → legal spans."""
    if probs.shape[0] == 0:
        return []
    path = viterbi(np.log(np.clip(probs, 1e-9, 1.0)), tags)
    return spans_from_tags(path, probs, tags)
