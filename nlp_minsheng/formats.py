"""Annotation-tool formats: doccano JSONL, Label Studio JSON, CoNLL/BIO.

Round trip: ``import_*(export_*(docs)) == docs`` for ids, texts and spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .corpus import Document, read_jsonl
from .scoring import spans_to_iob2


def to_doccano(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """doccano sequence-labelling JSONL rows (``label`` = [[start, end, label], …])."""
    return [{"id": d.id, "text": d.text, "label": [list(s) for s in sorted(d.spans)], "meta": d.meta} for d in docs]


def from_doccano(rows: Iterable[dict[str, Any]]) -> list[Document]:
    return [Document.from_json(r) for r in rows]


# The names that tie Label Studio results to the labeling config: one place for both.
LS_FROM_NAME = "label"
LS_TO_NAME = "text"


def label_studio_config() -> str:
    """The labeling config (XML) whose ``from_name``/``to_name`` match :func:`to_label_studio` results."""
    from .labels import COLOURS, LABELS

    labels = "\n".join(f'    <Label value="{lab}" background="{COLOURS.get(lab, "#dddddd")}"/>' for lab in LABELS)
    return (f'<View>\n  <Labels name="{LS_FROM_NAME}" toName="{LS_TO_NAME}">\n{labels}\n  </Labels>\n'
            f'  <Text name="{LS_TO_NAME}" value="$text" granularity="symbol"/>\n</View>\n')


def to_label_studio(docs: Iterable[Document], *, model_version: str | None = None,
                    scores: dict[str, list[float]] | None = None, as_predictions: bool = False) -> list[dict[str, Any]]:
    """Label Studio tasks (``from_name=label``, ``to_name=text``, ``type=labels``).

    ``as_predictions=True`` puts spans under ``predictions`` with ``score`` and
    ``model_version`` (pre-annotation for review); otherwise under ``annotations``.
    """
    tasks = []
    for d in docs:
        doc_scores = (scores or {}).get(d.id, [])
        results = []
        for k, (s, e, lab) in enumerate(sorted(d.spans)):
            r: dict[str, Any] = {"id": f"{d.id}-{k}", "from_name": LS_FROM_NAME, "to_name": LS_TO_NAME, "type": "labels",
                                 "value": {"start": s, "end": e, "text": d.text[s:e], "labels": [lab]}}
            if k < len(doc_scores):
                r["score"] = doc_scores[k]
            results.append(r)
        task: dict[str, Any] = {"data": {"id": d.id, "text": d.text, "meta": d.meta}}
        if as_predictions:
            mean = sum(doc_scores) / len(doc_scores) if doc_scores else None
            task["predictions"] = [{"model_version": model_version or "unknown", "score": mean, "result": results}]
        else:
            task["annotations"] = [{"result": results}]
        tasks.append(task)
    return tasks


def from_label_studio(tasks: Iterable[dict[str, Any]]) -> list[Document]:
    """Label Studio export → documents; a reviewed ``annotations`` entry wins over ``predictions``."""
    docs = []
    for t in tasks:
        data = t.get("data", {})
        if "text" not in data:
            raise ValueError(f"expected a Label Studio task with data.text, got keys {sorted(data)}")
        sets = [a for a in t.get("annotations", []) if not a.get("was_cancelled")] or t.get("predictions", [])
        spans = []
        for r in (sets[-1]["result"] if sets else []):
            v = r.get("value", {})
            if r.get("type") == "labels" and v.get("labels"):
                spans.append((int(v["start"]), int(v["end"]), v["labels"][0]))
        docs.append(Document(str(data.get("id", t.get("id", ""))), data["text"], sorted(spans), dict(data.get("meta") or {})))
    return docs


def to_conll(docs: Iterable[Document]) -> str:
    """Character-per-line CoNLL (``char<TAB>tag``), blank line between sentences/documents.

    Whitespace characters are written as ``<sp>`` / ``<nl>`` so offsets survive.
    """
    out = []
    for d in docs:
        out.append(f"# id = {d.id}")
        for ch, tag in zip(d.text, spans_to_iob2(len(d.text), d.spans)):
            tok = {" ": "<sp>", "\n": "<nl>", "\t": "<tab>"}.get(ch, ch)
            out.append(f"{tok}\t{tag}")
        out.append("")
    return "\n".join(out) + "\n"


def from_conll(text: str) -> list[Document]:
    docs, cur_id, chars, tags = [], "", [], []

    def flush() -> None:
        if chars:
            spans, start = [], None
            for i, t in enumerate(tags + ["O"]):
                if start is not None and not (t.startswith("I-") and t[2:] == tags[start][2:]):
                    spans.append((start, i, tags[start][2:]))
                    start = None
                if t.startswith("B-") or (t.startswith("I-") and start is None):
                    start = i
            docs.append(Document(cur_id, "".join(chars), spans))

    for line in text.split("\n"):
        if line.startswith("# id = "):
            flush()
            cur_id, chars, tags = line[7:], [], []
        elif line.strip():
            tok, tag = line.rsplit("\t", 1)
            chars.append({"<sp>": " ", "<nl>": "\n", "<tab>": "\t"}.get(tok, tok))
            tags.append(tag)
    flush()
    return docs


FORMATS = ("doccano", "label-studio", "conll", "jsonl")


def load_any(path: str | Path) -> list[Document]:
    """Read gold/corrections in any supported format (guessed from content)."""
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    stripped = raw.lstrip()
    if stripped.startswith("# id = "):
        return from_conll(raw)
    if stripped.startswith("["):
        data = json.loads(raw)
        if data and isinstance(data[0], dict) and "data" in data[0]:
            return from_label_studio(data)
        return from_doccano(data)
    return read_jsonl(path)


def label_studio_config_path(tasks_path: str | Path) -> Path:
    tasks_path = Path(tasks_path)
    return tasks_path.with_name(tasks_path.stem + ".label_config.xml")


def dump(docs: Sequence[Document], fmt: str, path: str | Path, **kwargs: Any) -> None:
    path = Path(path)
    if fmt in ("doccano", "jsonl"):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in to_doccano(docs)), encoding="utf-8")
    elif fmt == "label-studio":
        path.write_text(json.dumps(to_label_studio(docs, **kwargs), ensure_ascii=False, indent=1), encoding="utf-8")
        # The project's labeling config goes beside the tasks (tasks.json → tasks.label_config.xml).
        label_studio_config_path(path).write_text(label_studio_config(), encoding="utf-8")
    elif fmt == "conll":
        path.write_text(to_conll(docs), encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
