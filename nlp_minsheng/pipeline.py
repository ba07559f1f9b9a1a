"""The pipeline: named steps over a stream of documents.

    normalize → tag → repair → resolve → values → segment → Plan

=========== ====================================================================
step        what it does
=========== ====================================================================
normalize   traditional → simplified, full → half width, HTML leftovers; offset map
tag         a :class:`Tagger` (the model, or the rule baseline) finds spans for a
            whole stream chunk in one call (see ``WindowedClassifier`` for batching)
repair      model spans snap to the label grammar; fragments it rejects are dropped, and
            so are dates that are not the plan's schedule by their context (a report's
            year, 2000年底前建成的, 每月25日前, 汛期前已完成, an earlier plan reported done)
            and figures in a work report's look back (工作回顾: achieved, not targets);
            万元-column cells and dateline places the model missed are added
resolve     the edge rule, no pinyin "places", no overlaps; offsets to the input
values      plan year and region, then each entity's normalised value
segment     the plan's items, each holding its entities
=========== ====================================================================

``Pipeline(..., disable=["values"])`` (or :meth:`Pipeline.disable`) skips steps;
``plan.meta["pipeline"]`` records the steps that ran.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from . import __version__, rules
from .decode import Span, decode
from .edges import trim
from .gazetteer import can_be_place, division
from .labels import LABELS, SCHEMA_VERSION, SPECS
from .planyear import infer_year
from .repair import (
    complete_span,
    cuts_a_number,
    grammatical,
    is_table_cell,
    missed_dateline_places,
    missed_table_amounts,
    money_cells,
    not_a_schedule,
    repair_span,
    review_sections,
)
from .results import Entity, Item, Plan
from .segment import header_lines, segment, unwrap
from .tables import Tables
from .textnorm import NormalizedText, identity, normalize
from .values import ValueContext
from .words import WordEdges

DEFAULT_MODEL_NAME = "minsheng-ner-v3.1-int8"  # the int8 ONNX export of minsheng-ner-v3.1 (eval/RESULTS.md)
STEPS: tuple[str, ...] = ("normalize", "tag", "repair", "resolve", "values", "segment")


def _models_dirs() -> list[Path]:
    """Where shipped models live: the wheel's ``nlp_minsheng/shipped``, else the checkout's ``models/``."""
    here = Path(__file__).resolve().parent
    return [d for d in (here / "shipped", here.parent / "models") if d.is_dir()]


def available_models() -> list[str]:
    """Names of the shipped models :meth:`Pipeline.from_pretrained` accepts instead of a path."""
    return sorted({p.parent.name for d in _models_dirs() for p in d.glob("*/meta.json")})


def resolve_model(name_or_path: str | Path) -> Path:
    """A model directory: an existing path, else a shipped model's name."""
    p = Path(name_or_path)
    if p.is_dir():
        return p
    for d in _models_dirs():
        if (d / str(name_or_path) / "meta.json").exists():
            return d / str(name_or_path)
    raise FileNotFoundError(
        f"expected a model directory or one of the shipped models {available_models()}, got {str(name_or_path)!r} "
        "(set NLP_MINSHENG_MODEL or pass a path; `python -m training.train` builds one)")


def default_model_path() -> Path:
    """``$NLP_MINSHENG_MODEL`` (a path or a shipped model's name), else the default shipped model."""
    env = os.environ.get("NLP_MINSHENG_MODEL")
    if env:
        return Path(env) if "/" in env else resolve_model(env)
    for d in _models_dirs():
        if (d / DEFAULT_MODEL_NAME).is_dir():
            return d / DEFAULT_MODEL_NAME
    return Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL_NAME


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


# ---------------------------------------------------------------- taggers
@runtime_checkable
class Tagger(Protocol):
    """Anything that turns normalised texts into labelled spans (one list per text)."""

    name: str

    def tag(self, texts: Sequence[str]) -> list[list[Span]]: ...


class RuleTagger:
    """The rule baseline (:mod:`nlp_minsheng.rules`) as a tagger."""

    name = "rules"

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        return [[Span(s, e, lab, 1.0, 1.0) for s, e, lab in rules.tag(t)] for t in texts]


def _joined(norm: NormalizedText) -> NormalizedText:
    """A hard-wrapped page (text from a PDF: most lines cut at one width) read with its wraps joined, so that the
    tagger, the grammar and the values see ``城关区`` where the page has ``城关⏎区``; offsets still map to the page."""
    joined, pos = unwrap(norm.text)
    if len(joined) == len(norm.text):
        return norm
    return NormalizedText(norm.original, joined, tuple(norm.starts[p] for p in pos), tuple(norm.ends[p] for p in pos))


class ModelTagger:
    """A token classifier (torch or ONNX Runtime) + constrained IOB2 decoding."""

    name = "model"

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        probs = self.classifier.predict_proba(list(texts))
        return [decode(p, self.classifier.tags) for p in probs]


class Pipeline:
    """Tags one or many plans.  Use :meth:`from_pretrained` or :meth:`rules_only`.

    ``tagger`` is a :class:`Tagger`, a token classifier (anything with ``predict_proba``
    and ``tags``: wrapped in :class:`ModelTagger`) or ``None`` (the rule baseline).
    ``repair`` names the labels whose model spans the grammar may repair (``True``: all,
    ``False``: none); ``word_edges=True`` moves model LOCATION edges that fall inside a
    jieba word to the word's edge. ``min_score`` maps a label to the lowest span score a model span of
    that label needs to be kept (precision first: a false TARGET costs more than a missed one).
    ``disable`` names steps to skip (see :data:`STEPS`).
    """

    def __init__(self, tagger: Any | None = None, *, repair: bool | Iterable[str] = True, word_edges: bool = False,
                 meta: dict[str, Any] | None = None, disable: Iterable[str] = (),
                 min_score: dict[str, float] | None = None) -> None:
        if tagger is None:
            tagger = RuleTagger()
        elif not isinstance(tagger, Tagger):
            if not hasattr(tagger, "predict_proba"):
                raise TypeError(f"expected a Tagger or a token classifier with predict_proba, got {type(tagger).__name__}")
            tagger = ModelTagger(tagger)
        self.tagger: Tagger = tagger
        self.repair = repair if isinstance(repair, bool) else tuple(repair)
        self._repair_labels = frozenset(LABELS if repair is True else () if repair is False else repair)
        self.word_edges = word_edges
        unknown = sorted(set(min_score or {}) - set(LABELS))
        if unknown:
            raise ValueError(f"min_score: expected labels among {list(LABELS)}, got {unknown}")
        self.min_score = dict(min_score or {})
        self.meta = dict(meta or {})
        self.model_version = self.meta.get("model_version", "rules" if self.tagger.name == "rules" else "unknown")
        self._disabled: set[str] = set()
        self.disable(*disable)

    # ------------------------------------------------------------ steps
    @property
    def pipe_names(self) -> list[str]:
        """The steps that run, in order."""
        return [s for s in STEPS if s not in self._disabled]

    def disable(self, *names: str) -> Pipeline:
        unknown = [n for n in names if n not in STEPS]
        if unknown:
            raise ValueError(f"unknown pipeline steps {unknown}; expected some of {list(STEPS)}")
        self._disabled.update(names)
        return self

    def enable(self, *names: str) -> Pipeline:
        self._disabled.difference_update(names)
        return self

    # ------------------------------------------------------------ loading
    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, *, runtime: str = "auto", quantize: str | None = None,
                        repair: bool | Iterable[str] | None = None, word_edges: bool | None = None,
                        disable: Iterable[str] = (), min_score: dict[str, float] | None = None,
                        **kwargs: Any) -> Pipeline:
        """Load a model directory, or a shipped model by name (:func:`available_models`).

        ``runtime``: ``"onnx"`` runs the model's int8 ONNX graph with ONNX Runtime (no torch),
        ``"torch"`` the safetensors weights with transformers, ``"auto"`` (default) ONNX when
        the model ships one and onnxruntime is installed. ``quantize="int8"`` applies torch
        dynamic quantisation to the torch runtime.
        """
        from .model import load_classifier, load_meta

        path = resolve_model(path) if path is not None else default_model_path()
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
        # it was trained with (a longer one scores lower), the repaired labels, the word-edge step.
        settings = meta.get("pipeline", {})
        if "max_length" in settings:
            kwargs.setdefault("max_length", int(settings["max_length"]))
        classifier = load_classifier(path, runtime=runtime, quantize=quantize, **kwargs)
        meta.setdefault("model_version", path.name)
        meta["runtime"] = classifier.runtime
        if quantize:
            meta["model_version"] = f"{meta['model_version']}+{quantize}"
        if word_edges is None:
            word_edges = bool(settings.get("word_edges", False))
        if repair is None:
            repair = settings.get("repair", True)
        if min_score is None:
            min_score = {k: float(v) for k, v in settings.get("min_score", {}).items()}
        return cls(classifier, repair=repair, word_edges=word_edges, meta=meta, disable=disable, min_score=min_score)

    @classmethod
    def rules_only(cls, *, disable: Iterable[str] = ()) -> Pipeline:
        """A pipeline with the rule tagger alone (baseline, or when no model is installed)."""
        return cls(None, meta={"model_version": "rules"}, disable=disable)

    # ------------------------------------------------------------ running
    def __call__(self, text: str, *, plan_year: int | None = None) -> Plan:
        return self.parse(text, plan_year=plan_year)

    def parse(self, text: str, *, plan_year: int | None = None, decode_bytes: bool = False) -> Plan:
        """Parse one announcement into a :class:`Plan`."""
        return next(self.pipe([text], plan_year=plan_year, decode_bytes=decode_bytes))  # type: ignore[arg-type]

    def parse_batch(self, texts: Iterable[str], *, plan_year: int | None = None, batch_size: int | None = None,
                    progress: bool = False, decode_bytes: bool = False) -> list[Plan]:
        """Parse many announcements; one :class:`Plan` per input, in input order (``list(pipe(...))``).

        By default the model windows of the whole input are sorted and batched together;
        ``batch_size`` (documents per model call) bounds memory for very large inputs.
        """
        items = list(texts)
        # One chunk unless a progress bar needs steps to show.
        batch_size = batch_size or (64 if progress else max(1, len(items)))
        return list(self.pipe(items, plan_year=plan_year, batch_size=batch_size,
                              progress=progress, decode_bytes=decode_bytes))  # type: ignore[arg-type]

    def pipe(self, texts: Iterable[Any], *, batch_size: int = 64, as_tuples: bool = False,
             plan_year: int | None = None, decode_bytes: bool = False, progress: bool = False,
             on_error: Callable[[int, Exception], None] | None = None) -> Iterator[Any]:
        """Stream plans: reads ``batch_size`` documents at a time, tags them in one tagger call
        (the torch runtime batches their windows together, sorted by length) and yields one
        :class:`Plan` per input, in order.

        ``as_tuples=True`` takes ``(text, context)`` pairs and yields ``(plan, context)``.
        ``on_error(index, exception)``, when given, is told about a document that cannot
        be parsed (not a string, undecodable bytes, a failure inside a step), whose place in
        the output is ``None``; without it the exception propagates.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        it = iter(texts)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(unit="char", unit_scale=True, desc="parse")
        index = 0
        try:
            while True:
                chunk = list(islice(it, batch_size))
                if not chunk:
                    return
                contexts = [None] * len(chunk)
                if as_tuples:
                    contexts = [c for _, c in chunk]
                    chunk = [t for t, _ in chunk]
                plans = self._run_chunk(chunk, index, plan_year, decode_bytes, on_error)
                for plan, ctx, raw in zip(plans, contexts, chunk):
                    if bar is not None and isinstance(raw, str):
                        bar.update(len(raw))
                    yield (plan, ctx) if as_tuples else plan
                index += len(chunk)
        finally:
            if bar is not None:
                bar.close()

    def _run_chunk(self, chunk: list[Any], index: int, plan_year: int | None, decode_bytes: bool,
                   on_error: Callable[[int, Exception], None] | None) -> list[Plan | None]:
        texts: list[str | None] = []
        for k, raw in enumerate(chunk):
            try:
                texts.append(_check_text(raw, decode_bytes=decode_bytes))
            except (TypeError, ValueError) as exc:
                if on_error is None:
                    raise
                on_error(index + k, exc)
                texts.append(None)
        norms = [None if t is None else (_joined(normalize(t)) if "normalize" not in self._disabled else identity(t))
                 for t in texts]
        live = [k for k, n in enumerate(norms) if n is not None and n.text.strip()]
        spans: dict[int, list[Span]] = {k: [] for k in range(len(chunk))}
        if live and "tag" not in self._disabled:
            try:
                tagged = self.tagger.tag([norms[k].text for k in live])  # type: ignore[union-attr]
                spans.update(zip(live, tagged))
            except Exception:
                if on_error is None:
                    raise
                for k in live:  # find the document that fails; the others are still tagged
                    try:
                        spans[k] = self.tagger.tag([norms[k].text])[0]  # type: ignore[union-attr]
                    except Exception as exc:  # noqa: BLE001 - reported to the caller, document skipped
                        on_error(index + k, exc)
                        norms[k] = None
        out: list[Plan | None] = []
        for k, (text, norm) in enumerate(zip(texts, norms)):
            if text is None or norm is None:
                out.append(None)
                continue
            try:
                out.append(self._build(text, norm, spans[k], plan_year))
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(index + k, exc)
                out.append(None)
        return out

    # ------------------------------------------------------------ steps after tagging
    def _repair(self, nt: str, spans: list[Span], tables: Tables, plan_year: int | None) -> list[Span]:
        """Model spans of the repaired labels snap to the grammar; fragments it rejects go, and dates that are not the
        plan's schedule (``plan_year``: the page's)."""
        out = []
        words = None
        review = review_sections(nt)
        for sp in spans:
            s, e = sp.start, sp.end
            if not_a_schedule(nt, s, e, sp.label, plan_year):
                continue
            if sp.label == "TARGET" and any(a <= s < b for a, b in review):
                continue  # counted in a work report's look back: achieved, not committed
            # A span cut inside a number is repaired whatever its label, also when only its trimmed edge shows the
            # cut (2023.03-2023. | 12).
            fix = sp.label in self._repair_labels or cuts_a_number(nt, s, e) or cuts_a_number(nt, *trim(nt, s, e))
            if fix:
                s, e = repair_span(nt, s, e, sp.label)
            else:
                s, e = complete_span(nt, s, e, sp.label)
            if self.word_edges and sp.label == "LOCATION":
                words = words or WordEdges(nt)
                s, e = words.snap(s, e)
            s, e = trim(nt, s, e)
            if fix and e > s and not grammatical(nt[s:e], sp.label, table_cell=is_table_cell(nt, s, e)):
                continue  # a fragment no grammar accepts (河, 以上, 2024 without 年)
            out.append(replace(sp, start=s, end=e))
        money = money_cells(tables)
        out = [replace(sp, label="AMOUNT") if sp.label != "AMOUNT" and (sp.start, sp.end) in money else sp
               for sp in out]
        # Grammar spans carry score 1.0, as the rule tagger's do.
        taken = [(sp.start, sp.end) for sp in out]
        out += [Span(s, e, "AMOUNT", 1.0, 1.0, "rules") for s, e in missed_table_amounts(money, taken)]
        out += [Span(s, e, "LOCATION", 1.0, 1.0, "rules") for s, e in missed_dateline_places(nt, taken)]
        return out

    def _build(self, original: str, norm: NormalizedText, spans: list[Span], plan_year: int | None) -> Plan:
        meta = {"model_version": self.model_version, "package_version": __version__, "pipeline": self.pipe_names}
        if "runtime" in self.meta:
            meta["runtime"] = self.meta["runtime"]
        if not norm.text.strip():
            return Plan(text=original, year=plan_year, meta=meta)
        nt = norm.text
        table_reader = Tables(nt)  # lazy: the text's tables are read once, by repair or values, if at all
        if self.min_score and self.tagger.name == "model":
            spans = [sp for sp in spans if sp.score >= self.min_score.get(sp.label, 0.0)]
        repairs = "repair" not in self._disabled and self.tagger.name == "model"
        # The page's plan year is read once, when a step uses it: repair drops earlier plans' years, values resolve
        # dates against it (the plan keeps the caller's plan_year when values are off).
        page_year = plan_year or infer_year(nt) if repairs or "values" not in self._disabled else plan_year
        if repairs:
            spans = self._repair(nt, spans, table_reader, page_year)
        if "resolve" not in self._disabled:
            spans = _resolve(nt, spans)
        # Offsets back to the input; the edge rule again on the input's own characters.
        placed: list[tuple[int, int, Span]] = []
        for sp in spans:
            os_, oe = norm.to_original(sp.start, sp.end)
            os_, oe = trim(original, os_, oe)
            if oe > os_:
                placed.append((os_, oe, sp))
        placed.sort(key=lambda x: x[0])
        year, region, tables = plan_year, None, None
        if "values" not in self._disabled:
            year = page_year
            region = _infer_region(nt, spans)
            tables = table_reader
        segments = []
        if "segment" not in self._disabled:
            for seg in segment(nt):
                if seg.end > seg.start:
                    segments.append((*norm.to_original(seg.start, seg.end), seg.title))
        seg_starts = [s for s, _, _ in segments]
        entities = []
        for os_, oe, sp in placed:
            value = value_of(nt, sp.start, sp.end, sp.label, year, region, tables) if tables is not None else None
            k = bisect.bisect_right(seg_starts, os_) - 1
            item = k + 1 if k >= 0 and oe <= segments[k][1] else None
            entities.append(Entity(os_, oe, sp.label, original[os_:oe], round(sp.score, 4), value, sp.source or self.tagger.name,
                                   round(sp.min_score, 4), item))
        starts = [x.start for x in entities]
        items = []
        for n, (os_, oe, title) in enumerate(segments, 1):
            # Entities are sorted and non-overlapping: bisect instead of a scan per item.
            lo, hi = bisect.bisect_left(starts, os_), bisect.bisect_left(starts, oe)
            items.append(Item(n, title, os_, oe, tuple(x for x in entities[lo:hi] if x.end <= oe)))
        return Plan(text=original, year=year, region=region, items=tuple(items), entities=tuple(entities), meta=meta)


def _resolve(nt: str, spans: list[Span]) -> list[Span]:
    """The edge rule, no place without a Chinese character or road code, no overlaps (higher score wins)."""
    kept = []
    for sp in spans:
        s, e = trim(nt, sp.start, sp.end)
        if e <= s or (sp.label == "LOCATION" and not can_be_place(nt[s:e])):
            continue  # empty after trimming, or pinyin/Latin that names no place
        kept.append(replace(sp, start=s, end=e) if (s, e) != (sp.start, sp.end) else sp)
    if not kept:
        return []
    taken = bytearray(max(sp.end for sp in kept))
    out: list[Span] = []
    for sp in sorted(kept, key=lambda x: -x.score):
        if not any(taken[sp.start : sp.end]):
            taken[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
            out.append(sp)
    return sorted(out, key=lambda x: (x.start, x.end))


def _infer_region(text: str, spans: list[Span]) -> str | None:
    """The plan's own place: a gazetteer division (its full name), never a fragment.

    The first LOCATION in the title lines that is a division (or a chain of
    them, the most specific part taken), else the one named most often (a plan
    names its own city or district again and again), else ``None``.
    """
    head_end = max((e for _, e, _ in header_lines(text, 4)), default=0)
    known = [(sp.start, name) for sp in spans
             if sp.label == "LOCATION" and (name := division(text[sp.start : sp.end])) is not None]
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


def value_of(text: str, s: int, e: int, label: str, year: int | None, region: str | None,
             tables: Tables | None = None) -> Any:
    """The normalised value of ``text[s:e]`` as ``parse()`` computes it (used by evaluation)."""
    tables = tables if tables is not None else Tables(text)
    ctx = ValueContext(before=text[max(0, s - 40) : s], after=text[e : e + 40], plan_year=year, region=region,
                       unit_hint=tables.currency_unit(s) if label == "AMOUNT" else None,
                       column_header=tables.header_cell(s) if label == "TARGET" else None,
                       row_subject=tables.row_subject(s) if label == "TARGET" else None)
    return SPECS[label].value(text[s:e], ctx)


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


def parse_batch(texts: Iterable[str], *, plan_year: int | None = None, batch_size: int | None = None,
                progress: bool = False, decode_bytes: bool = False) -> list[Plan]:
    """Parse many announcements with the default model; one result per input, in order."""
    return get_default_pipeline().parse_batch(texts, plan_year=plan_year, batch_size=batch_size, progress=progress,
                                              decode_bytes=decode_bytes)
