"""The label contract (``annotations/LABELS.md``, schema version 1)."""

from __future__ import annotations

SCHEMA_VERSION = 1
LABELS: tuple[str, ...] = ("TARGET", "AMOUNT", "DEADLINE", "LOCATION")
# IOB2 tag inventory in a fixed order: the model's id2label follows it.
TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{lab}" for lab in LABELS for p in ("B", "I"))
TAG2ID = {t: i for i, t in enumerate(TAGS)}
# One colour per label, shared by the HTML view and the Label Studio labeling config.
COLOURS = {"TARGET": "#7aecec", "AMOUNT": "#feca74", "DEADLINE": "#bfe1d9", "LOCATION": "#c887fb"}


def check_label(label: str) -> str:
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
    return label
