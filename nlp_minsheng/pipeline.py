"""The pipeline: normalise → tag → repair edges → values → items → Plan."""

from __future__ import annotations

import bisect
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import __version__, rules
from .corpus import ALLOWED_TRAILING
from .decode import Span, decode
from .gazetteer import can_be_place, division
from .labels import LABELS, SCHEMA_VERSION
from .results import Entity, Item, Plan
from .segment import header_lines, infer_year, segment
from .textnorm import NormalizedText, normalize
from .values import normalize_amount, normalize_deadline, normalize_location, normalize_target
from .words import WordEdges

DEFAULT_MODEL_NAME = "minsheng-ner-v2"


def default_model_path() -> Path:
    """``$NLP_MINSHENG_MODEL``, else the shipped model.

    A wheel installs ``models/`` as ``nlp_minsheng/shipped/``; an editable
    install or a source checkout reads the repository's ``models/``.
    """
    env = os.environ.get("NLP_MINSHENG_MODEL")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    installed = here / "shipped" / DEFAULT_MODEL_NAME
    return installed if installed.is_dir() else here.parent / "models" / DEFAULT_MODEL_NAME


def _check_text(text: Any, *, decode_bytes: bool = False) -> str:
    if isinstance(text, (bytes, bytearray)):
        if not decode_bytes:
            raise TypeError("parse() expects str, got bytes; decode it first or pass decode_bytes=True (UTF-8)")
        try:
            return bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"expected UTF-8 bytes, got undecodable byte at position {exc.start}") from exc
    if not isinstance(text, str):
        raise TypeError(f"parse() expects str, got {type(text).__name__}")
    return text


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it does not start/end with whitespace or punctuation (spec rule)."""
    def bad(ch: str, trailing: bool) -> bool:
        if ch.isspace():
            return True
        if trailing and ch in ALLOWED_TRAILING:
            return False
        return unicodedata.category(ch)[0] in "PZC" or ch in "|"

    while start < end and bad(text[start], False):
        start += 1
    while end > start and bad(text[end - 1], True):
        end -= 1
    # Keep a closing bracket only when its opening bracket is inside the span.
    while end > start and text[end - 1] in ")）" and not any(c in "(（" for c in text[start:end - 1]):
        end -= 1
        while end > start and bad(text[end - 1], True):
            end -= 1
    return start, end


class Pipeline:
    """Tags one or many plans.  Use :meth:`from_pretrained` or :meth:`rules_only`.

    ``tagger`` is a :class:`~nlp_minsheng.model.TokenClassifier` or ``None``
    (rules only).  ``repair=True`` lets the value grammar fix TARGET/AMOUNT/
    DEADLINE span edges the model cut short and drop fragments no grammar
    accepts (``repair=False`` gives the raw model spans, trimmed).
    ``repair`` may also name the labels to repair (``("TARGET", "AMOUNT")``); ``None`` in
    :meth:`from_pretrained` takes the model's own setting.
    ``word_edges=True`` moves model LOCATION edges that fall inside a jieba
    word to the word's edge (:mod:`nlp_minsheng.words`).
    """

    def __init__(self, tagger: Any | None = None, *, repair: bool | Iterable[str] = True, word_edges: bool = False,
                 meta: dict[str, Any] | None = None) -> None:
        self.tagger = tagger
        self.repair = repair if isinstance(repair, bool) else tuple(repair)
        self._repair_labels = frozenset(LABELS if repair is True else () if repair is False else repair)
        self.word_edges = word_edges
        self.meta = dict(meta or {})
        self.model_version = self.meta.get("model_version", "rules" if tagger is None else "unknown")

    # ------------------------------------------------------------ loading
    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, *, quantize: str | None = None,
                        repair: bool | Iterable[str] | None = None, word_edges: bool | None = None,
                        **kwargs: Any) -> Pipeline:
        """Load a saved model directory (``config.json``, weights, tokenizer, ``meta.json``)."""
        from .model import load_meta, load_token_classifier

        path = Path(path) if path is not None else default_model_path()
        if not path.is_dir():
            raise FileNotFoundError(
                f"expected a model directory, got {path!s} (set NLP_MINSHENG_MODEL or pass a path; "
                "`python -m training.train` builds one)"
            )
        meta = load_meta(path)
        if meta["label_schema_version"] != SCHEMA_VERSION:
            raise ValueError(f"model {path} uses label schema {meta.get('label_schema_version')}, "
                             f"this package expects {SCHEMA_VERSION}")
        # Inference settings chosen for the model on the dev set travel in its meta.json: the window
        # it was trained with (a longer one scores lower) and the LOCATION word-edge step.
        settings = meta.get("pipeline", {})
        if "max_length" in settings:
            kwargs.setdefault("max_length", int(settings["max_length"]))
        tagger = load_token_classifier(path, quantize=quantize, **kwargs)
        meta.setdefault("model_version", path.name)
        if quantize:
            meta["model_version"] = f"{meta['model_version']}+{quantize}"
        if word_edges is None:
            word_edges = bool(settings.get("word_edges", False))
        if repair is None:
            repair = settings.get("repair", True)
        return cls(tagger, repair=repair, word_edges=word_edges, meta=meta)

    @classmethod
    def rules_only(cls) -> Pipeline:
        """A pipeline with the rule tagger alone (baseline, or when no model is installed)."""
        return cls(None, meta={"model_version": "rules"})

    # ------------------------------------------------------------ tagging
    def _spans(self, norms: Sequence[NormalizedText]) -> list[list[Span]]:
        if self.tagger is None:
            return [[Span(s, e, lab, 1.0, 1.0) for s, e, lab in rules.tag(n.text)] for n in norms]
        probs = self.tagger.predict_proba([n.text for n in norms])
        return [decode(p, self.tagger.tags) for p in probs]

    def __call__(self, text: str, *, plan_year: int | None = None) -> Plan:
        return self.parse(text, plan_year=plan_year)

    def parse(self, text: str, *, plan_year: int | None = None, decode_bytes: bool = False) -> Plan:
        """Parse one announcement into a :class:`Plan`."""
        return self.parse_batch([text], plan_year=plan_year, decode_bytes=decode_bytes)[0]

    def parse_batch(self, texts: Iterable[str], *, plan_year: int | None = None, batch_size: int = 8,
                    progress: bool = False, decode_bytes: bool = False) -> list[Plan]:
        """Parse many announcements; one :class:`Plan` per input, in input order."""
        items = [_check_text(t, decode_bytes=decode_bytes) for t in texts]
        out: list[Plan] = []
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=sum(len(t) for t in items), unit="char", unit_scale=True, desc="parse")
        for b in range(0, len(items), batch_size):
            chunk = items[b : b + batch_size]
            norms = [normalize(t) for t in chunk]
            live = [i for i, n in enumerate(norms) if n.text.strip()]
            spans_live = self._spans([norms[i] for i in live]) if live else []
            spans: list[list[Span]] = [[] for _ in chunk]
            for i, sp in zip(live, spans_live):
                spans[i] = sp
            for t, n, sp in zip(chunk, norms, spans):
                out.append(self._build(t, n, sp, plan_year))
                if bar is not None:
                    bar.update(len(t))
        if bar is not None:
            bar.close()
        return out

    # ------------------------------------------------------------ assembly
    def _build(self, original: str, norm: NormalizedText, spans: list[Span], plan_year: int | None) -> Plan:
        meta = {"model_version": self.model_version, "package_version": __version__}
        if not norm.text.strip():
            return Plan(text=original, year=plan_year, meta=meta)
        nt = norm.text
        fixed: list[tuple[int, int, str, float]] = []
        words = None
        for sp in spans:
            s, e = sp.start, sp.end
            repair = self.tagger is not None and sp.label in self._repair_labels
            if repair:
                s, e = rules.repair_span(nt, s, e, sp.label)
            if self.word_edges and self.tagger is not None and sp.label == "LOCATION":
                words = words or WordEdges(nt)
                s, e = words.snap(s, e)
            s, e = _trim(nt, s, e)
            if e <= s or (sp.label == "LOCATION" and not can_be_place(nt[s:e])):
                continue  # empty after trimming, or pinyin/Latin that names no place
            if (repair
                    and not rules.grammatical(nt[s:e], sp.label, table_cell=rules.is_table_cell(nt, s, e))):
                continue  # a fragment no grammar accepts (河, 以上, 2024 without 年)
            fixed.append((s, e, sp.label, sp.score))
        fixed = _non_overlapping(fixed)
        year = plan_year or infer_year(nt)
        region = _infer_region(nt, fixed)
        entities = []
        for s, e, label, score in fixed:
            os_, oe = norm.to_original(s, e)
            os_, oe = _trim(original, os_, oe)
            if oe <= os_:
                continue
            value = _value(nt, s, e, label, year, region)
            entities.append(Entity(os_, oe, label, original[os_:oe], round(score, 4), value,
                                   "rules" if self.tagger is None else "model"))
        entities.sort(key=lambda x: x.start)
        starts = [x.start for x in entities]
        items = []
        for seg in segment(nt):
            if seg.end <= seg.start:
                continue
            os_, oe = norm.to_original(seg.start, seg.end)
            # Entities are sorted and non-overlapping: bisect instead of a scan per item.
            lo, hi = bisect.bisect_left(starts, os_), bisect.bisect_left(starts, oe)
            inside = tuple(x for x in entities[lo:hi] if x.end <= oe)
            items.append(Item(len(items) + 1, seg.title, os_, oe, inside))
        return Plan(text=original, year=year, region=region, items=tuple(items), entities=tuple(entities), meta=meta)


def _non_overlapping(spans: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Edge repair can make neighbours overlap: keep the higher-scoring span."""
    if not spans:
        return []
    taken = bytearray(max(e for _, e, _, _ in spans))
    kept: list[tuple[int, int, str, float]] = []
    for sp in sorted(spans, key=lambda x: -x[3]):
        if not any(taken[sp[0] : sp[1]]):
            taken[sp[0] : sp[1]] = b"\x01" * (sp[1] - sp[0])
            kept.append(sp)
    return sorted(kept)


def _infer_region(text: str, spans: list[tuple[int, int, str, float]]) -> str | None:
    """The plan's own place: a gazetteer division (its full name), never a fragment.

    The first LOCATION in the title lines that is a division (or a chain of
    them, the most specific part taken), else the one named most often (a plan
    names its own city or district again and again), else ``None``.
    """
    head_end = max((e for _, e, _ in header_lines(text, 4)), default=0)
    known = [(s, name) for s, e, lab, _ in spans if lab == "LOCATION" and (name := division(text[s:e])) is not None]
    for s, name in known:
        if s < head_end:
            return name
    if not known:
        return None
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for s, name in known:
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, s)
    return max(counts, key=lambda n: (counts[n], -first[n]))


_TABLE_UNIT = re.compile(r"[(（]\s*(万元|亿元|元)\s*[)）]")


def _column_unit(text: str, start: int) -> str | None:
    """The currency unit named by the header of the pipe-table column holding ``start``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if line.count("|") < 2:
        return None
    col = text[line_start:start].count("|")
    # Walk back to the nearest header line (one with no bare numbers in cells).
    pos = line_start
    while pos > 0:
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        prev = text[prev_start : pos - 1]
        cells = prev.split("|")
        if len(cells) > col and _TABLE_UNIT.search(cells[col]):
            return _TABLE_UNIT.search(cells[col]).group(1)
        if prev.count("|") < 2:
            return None
        pos = prev_start
    return None


def _value(text: str, s: int, e: int, label: str, year: int | None, region: str | None) -> dict[str, Any] | None:
    span = text[s:e]
    before, after = text[max(0, s - 40) : s], text[e : e + 40]
    if label == "AMOUNT":
        return normalize_amount(span, before=before, unit_hint=_column_unit(text, s))
    if label == "TARGET":
        return normalize_target(span, before=before, after=after)
    if label == "DEADLINE":
        return normalize_deadline(span, plan_year=year, after=after)
    if label == "LOCATION":
        return normalize_location(span, region=region)
    return None


# ---------------------------------------------------------------- module API
_DEFAULT: Pipeline | None = None
_LOCK = threading.Lock()


def get_default_pipeline() -> Pipeline:
    """The shipped model, loaded once on first use and cached."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Pipeline.from_pretrained(default_model_path())
        return _DEFAULT


def parse(text: str, *, plan_year: int | None = None, decode_bytes: bool = False) -> Plan:
    """Parse one announcement with the default (shipped) model."""
    text = _check_text(text, decode_bytes=decode_bytes)
    if not text.strip():  # no model load for nothing; the result still names the default model
        return Plan(text=text, year=plan_year, meta={"model_version": default_model_path().name,
                                                     "package_version": __version__})
    return get_default_pipeline().parse(text, plan_year=plan_year)


def parse_batch(texts: Iterable[str], *, plan_year: int | None = None, batch_size: int = 8,
                progress: bool = False, decode_bytes: bool = False) -> list[Plan]:
    """Parse many announcements with the default model; one result per input, in order."""
    return get_default_pipeline().parse_batch(texts, plan_year=plan_year, batch_size=batch_size, progress=progress,
                                              decode_bytes=decode_bytes)
