"""Gold/prediction documents in the doccano JSONL form, and their validation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .edges import is_trimmed
from .labels import LABELS, SCHEMA_VERSION


@dataclass
class Document:
    """One annotated document: ``spans`` are ``(start, end, label)`` on ``text``."""

    id: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "label": [list(s) for s in sorted(self.spans)], "meta": self.meta}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Document:
        if "text" not in d:
            raise ValueError(f"expected a document with 'text', got keys {sorted(d)}")
        raw = d.get("label", d.get("labels", d.get("entities", [])))
        spans = []
        for s in raw:
            if isinstance(s, dict):  # doccano "entities" form
                spans.append((int(s["start_offset"]), int(s["end_offset"]), str(s["label"])))
            else:
                spans.append((int(s[0]), int(s[1]), str(s[2])))
        return cls(str(d.get("id", "")), d["text"], spans, dict(d.get("meta") or {}))

    @property
    def split(self) -> str:
        return str(self.meta.get("split", "train"))

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))


def read_jsonl(path: str | Path) -> list[Document]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    docs.append(Document.from_json(json.loads(line)))
                except (json.JSONDecodeError, ValueError, KeyError, IndexError) as exc:
                    raise ValueError(f"{path}:{n}: {exc}") from exc
    return docs


def write_jsonl(docs: Iterable[Document], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d.to_json(), ensure_ascii=False) + "\n")


def iter_corpus(paths: Iterable[str | Path]) -> Iterator[Document]:
    """Documents from JSONL files or directories of them (sorted, recursive)."""
    for p in paths:
        p = Path(p)
        files = sorted(p.rglob("*.jsonl")) if p.is_dir() else [p]
        for f in files:
            yield from read_jsonl(f)


def corpus_hash(docs: Iterable[Document]) -> str:
    """sha256 over ids, texts and spans: identifies the exact training data.

    ``meta`` stays out, so adding bookkeeping (genre, item gold) never changes the hash.
    """
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda x: x.id):
        row = {"id": d.id, "text": d.text, "label": [list(s) for s in sorted(d.spans)]}
        h.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Problem:
    doc_id: str
    message: str
    context: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        ctx = f"  …{self.context}…" if self.context else ""
        return f"{self.severity}: {self.doc_id}: {self.message}{ctx}"


def validate(doc: Document) -> list[Problem]:
    """Offsets in range, non-empty spans obeying the edge rule (:mod:`nlp_minsheng.edges`), no overlaps, known labels."""
    problems: list[Problem] = []
    n = len(doc.text)
    version = doc.meta.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        problems.append(Problem(doc.id, f"schema_version {version!r}, expected {SCHEMA_VERSION}"))
    prev: tuple[int, int, str] | None = None
    for s, e, lab in sorted(doc.spans):
        ctx = doc.text[max(0, s - 10) : min(n, e + 10)].replace("\n", "⏎") if 0 <= s <= n else ""
        if lab not in LABELS:
            problems.append(Problem(doc.id, f"unknown label {lab!r} at [{s}, {e}); expected one of {LABELS}", ctx))
        if not (0 <= s < e <= n):
            problems.append(Problem(doc.id, f"span [{s}, {e}) out of range for text of length {n}"))
            continue
        frag = doc.text[s:e]
        if not is_trimmed(doc.text, s, e):
            problems.append(Problem(doc.id, f"{lab} {frag!r} at [{s}, {e}) has whitespace/punctuation at an edge "
                                            "(or a closing bracket it does not open)", ctx))
        if prev is not None and s < prev[1]:
            problems.append(Problem(doc.id, f"{lab} [{s}, {e}) overlaps {prev[2]} [{prev[0]}, {prev[1]})", ctx))
        prev = (s, e, lab) if prev is None or e > prev[1] else prev
    return problems
