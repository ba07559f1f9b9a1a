"""Result types returned by :func:`nlp_minsheng.parse`.

All offsets are half-open ``[start, end)`` indices into the ORIGINAL input
string, so ``plan.text[e.start:e.end] == e.text`` always holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A string keeps the amount exact (floats would turn 0.3 into 0.299999…).
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


@dataclass(frozen=True)
class Entity:
    """One labelled span with its confidence and normalised value."""

    start: int
    end: int
    label: str
    text: str
    score: float = 1.0
    value: dict[str, Any] | None = None  # a values.AmountValue / TargetValue / DeadlineValue / LocationValue
    source: str = "model"  # "model", "rules" (the rule tagger, or the grammar's table cells) or "gold"
    min_score: float = 1.0  # the lowest tag probability inside the span (``score`` is the mean)
    item: int | None = None  # ``Item.index`` of the item holding the entity, if any

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Item:
    """One item (实事) of a plan: its heading and the entities inside it."""

    index: int
    title: str
    start: int
    end: int
    entities: tuple[Entity, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "entities": [e.to_dict() for e in self.entities],
        }


@dataclass(frozen=True)
class Plan:
    """A parsed announcement: the input text, its year/region, items and entities."""

    text: str
    year: int | None = None
    region: str | None = None
    items: tuple[Item, ...] = ()
    entities: tuple[Entity, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "year": self.year,
            "region": self.region,
            "items": [i.to_dict() for i in self.items],
            "entities": [e.to_dict() for e in self.entities],
            "meta": _jsonable(self.meta),
        }
        if include_text:
            d = {"text": self.text, **d}
        return d

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)

    def by_label(self, label: str) -> list[Entity]:
        return [e for e in self.entities if e.label == label]
