"""The report's acceptance lines are computed, so they are tested like code."""

import pytest

from eval.results import gate_line


@pytest.mark.parametrize(
    ("new", "old", "labels", "verdict"),
    [
        ({"A": 0.90, "micro": 0.80}, {"A": 0.90, "micro": 0.80}, ["A"], "no A score more than 1 point below"),
        ({"A": 0.895, "micro": 0.80}, {"A": 0.90, "micro": 0.80}, ["A"], "no A score more than 1 point below"),
        ({"A": 0.88, "micro": 0.80}, {"A": 0.90, "micro": 0.80}, ["A"], "more than 1 point below on: A"),
        # Only the gated labels count: micro may fall when it is not gated.
        ({"A": 0.90, "micro": 0.70}, {"A": 0.90, "micro": 0.80}, ["A"], "no A score more than 1 point below"),
        ({"A": 0.90, "micro": 0.70}, {"A": 0.90, "micro": 0.80}, ["micro"], "more than 1 point below on: micro"),
    ],
)
def test_gate_line_verdict(new, old, labels, verdict):
    line = gate_line("new − old", new, old, labels=labels)
    assert line.startswith("new − old, strict F1 points: ")
    assert line.endswith(f"({verdict}).")


def test_gate_line_reports_signed_points():
    line = gate_line("d", {"A": 0.912, "micro": 0.85}, {"A": 0.90, "micro": 0.86}, labels=["A"])
    assert "A +1.2" in line and "micro -1.0" in line
