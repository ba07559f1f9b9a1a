"""Each word list and pattern of the label grammar is defined once, in nlp_minsheng.grammar.

The test reads every other module's string literals (not their imports) and fails when a
container or a regex alternation repeats at least three words of one grammar list.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from nlp_minsheng import grammar, labels, markup

PACKAGE = Path(grammar.__file__).parent
LISTS = {
    "PREFIX_COMPARATORS": set(grammar.PREFIX_COMPARATORS),
    "SUFFIX_COMPARATORS": set(grammar.SUFFIX_COMPARATORS),
    "CURRENCY": set(grammar.CURRENCY),
    "PER_UNITS": set(grammar.PER_UNITS),
    # one-character measure words double as place suffixes (组, 站, 段): only longer ones count
    "MEASURE_WORDS": {w for w in grammar.MEASURE_WORDS if len(w) > 1},
    "CN_MONTHS": set(grammar.CN_MONTHS) - {"一", "二", "三"},  # single numerals are everywhere
    "RELATIVE_YEARS": set(grammar.RELATIVE_YEARS),
}


def _literal_groups(tree: ast.AST) -> list[tuple[int, list[str]]]:
    """Word groups a module spells out: containers of strings and ``a|b|c`` alternations."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            out.append((node.lineno, words))
        elif isinstance(node, ast.Dict):
            words = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            out.append((node.lineno, words))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "|" in node.value:
            out.append((node.lineno, re.split(r"[|()?:]+", node.value)))
    return out


@pytest.mark.parametrize("module", sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "grammar.py"))
def test_no_module_repeats_a_grammar_list(module: str) -> None:
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    for line, words in _literal_groups(tree):
        for name, members in LISTS.items():
            common = set(words) & members
            assert len(common) < 3, f"{module}:{line} repeats {sorted(common)} of grammar.{name}; import it instead"


def test_label_facts_come_from_the_registry() -> None:
    assert labels.LABELS == tuple(labels.SPECS)
    assert markup.CODE_TO_LABEL is labels.CODE_TO_LABEL
    assert labels.TAGS[0] == "O" and len(labels.TAGS) == 1 + 2 * len(labels.LABELS)
    for name, spec in labels.SPECS.items():
        assert labels.COLOURS[name] == spec.colour and labels.TAG2ID[f"B-{name}"] > 0


def test_span_prefixes_are_the_comparators_inside_spans() -> None:
    # LABELS.md: 约, 近, 超, 超过, 逾, 不少于, 不低于, 不超过 belong to the span; 达到 does not.
    assert re.fullmatch(grammar.SPAN_PREFIX_RE, "不少于") and re.fullmatch(grammar.SPAN_PREFIX_RE, "约")
    assert not re.fullmatch(grammar.SPAN_PREFIX_RE, "达到")
    assert grammar.AMOUNT_RE.fullmatch("约500万元") and not grammar.AMOUNT_RE.fullmatch("达到500万元")
