"""The label contract (``annotations/LABELS.md``, schema version 1) as one registry.

One :class:`LabelSpec` per label says everything the code needs to know about it: its
IOB2 tags, markup code and colour, its surface grammar (edge repair, rule baseline), its
value normaliser, the part of the value that scoring compares, and the check that a
text can be such a span at all.  Rules, repair, values, scoring, markup and rendering
read it; nothing else spells out a label's behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import grammar, values

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class LabelSpec:
    name: str
    code: str  # markup: [[T|…]]
    colour: str  # HTML view and Label Studio config
    description: str
    pattern: re.Pattern[str] | None  # surface grammar; None: no repair by grammar (LOCATION)
    value: Callable[[str, values.ValueContext], Any]  # span text + context → TypedDict value or None
    comparable: Callable[[Any], Any]  # what value accuracy compares
    grammatical: Callable[[str, bool], bool]  # (text, is a whole table cell) → can be such a span

    @property
    def tags(self) -> tuple[str, str]:
        return (f"B-{self.name}", f"I-{self.name}")


SPECS: dict[str, LabelSpec] = {
    spec.name: spec
    for spec in (
        LabelSpec("TARGET", "T", "#7aecec", "a quantified commitment (comparator + number + unit)",
                  grammar.TARGET_RE, values.target_value,
                  lambda v: (v.get("low"), v.get("high"), v.get("unit")), values.target_like),
        LabelSpec("AMOUNT", "A", "#feca74", "a sum of money (comparator + number + currency unit)",
                  grammar.AMOUNT_RE, values.amount_value,
                  lambda v: (v.get("low"), v.get("high")), values.amount_like),
        LabelSpec("DEADLINE", "D", "#bfe1d9", "a schedule date of the plan (not a report or publication date)",
                  grammar.DEADLINE_RE, values.deadline_value,
                  lambda v: (v.get("start"), v.get("end")), values.deadline_like),
        LabelSpec("LOCATION", "L", "#c887fb", "a place the plan names (division, street, compound, park …)",
                  None, values.location_value,
                  lambda v: v.get("adcode"), values.location_like),
    )
}
LABELS: tuple[str, ...] = tuple(SPECS)
# IOB2 tag inventory in a fixed order: the model's id2label follows it.
TAGS: tuple[str, ...] = ("O",) + tuple(t for spec in SPECS.values() for t in spec.tags)
TAG2ID = {t: i for i, t in enumerate(TAGS)}
COLOURS = {name: spec.colour for name, spec in SPECS.items()}
CODE_TO_LABEL = {spec.code: name for name, spec in SPECS.items()}
LABEL_TO_CODE = {name: spec.code for name, spec in SPECS.items()}


def check_label(label: str) -> str:
    if label not in SPECS:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
    return label


def comparable_value(label: str, value: Any) -> Any:
    """The part of a normalised value that value accuracy compares (``None`` for no value)."""
    return None if value is None or label not in SPECS else SPECS[label].comparable(value)
