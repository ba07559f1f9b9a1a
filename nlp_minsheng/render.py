"""A self-contained HTML view of parsed plans (in the spirit of spaCy's displaCy).

One page, no external assets: inline CSS, no scripts. Each item is a card
with its title; each entity is a ``<mark>`` coloured by label whose
``title`` tooltip shows the label, score and normalised value. Entities
outside every item are shown in the running text of a last card.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from .labels import COLOURS
from .results import Entity, Plan, _jsonable

_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;
line-height:2.1;color:#222;padding:0 1em}
h1{font-size:1.3em}h2{font-size:1.05em;margin:.2em 0}
.meta,.legend{color:#555;font-size:.9em}
.doc{border-top:3px solid #444;margin-top:2em}
.item{border:1px solid #ddd;border-radius:6px;padding:.4em 1em;margin:.8em 0;white-space:pre-wrap}
.item h2{white-space:normal}
mark{padding:.1em .3em;border-radius:.3em;line-height:1}
mark .lab{font-size:.6em;font-weight:bold;margin-left:.4em;vertical-align:middle;text-transform:uppercase}
"""


def _describe(e: Entity) -> str:
    value = json.dumps(_jsonable(e.value), ensure_ascii=False) if e.value else "—"
    return f"{e.label} · score {e.score:.2f} · {value}"


def _marked(text: str, offset: int, entities: Sequence[Entity]) -> str:
    """``text`` (which starts at ``offset`` in the plan) with its entities wrapped in ``<mark>``."""
    parts: list[str] = []
    pos = 0
    for e in sorted(entities, key=lambda x: x.start):
        s, t = e.start - offset, e.end - offset
        if s < pos or t > len(text):
            continue
        parts.append(html.escape(text[pos:s]))
        parts.append(f'<mark class="ent" data-label="{e.label}" style="background:{COLOURS.get(e.label, "#ddd")}" '
                     f'title="{html.escape(_describe(e), quote=True)}">{html.escape(e.text)}'
                     f'<span class="lab" aria-hidden="true">{e.label}</span></mark>')
        pos = t
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def _plan_section(plan: Plan, name: str) -> str:
    out = [f'<section class="doc"><h1>{html.escape(name)}</h1>',
           f'<p class="meta">year {plan.year or "—"} · region {html.escape(plan.region or "—")} · '
           f'{len(plan.items)} items · {len(plan.entities)} entities · '
           f'model {html.escape(str(plan.meta.get("model_version", "—")))}</p>']
    in_items: set[int] = set()
    for item in plan.items:
        in_items.update(e.start for e in item.entities)
        out.append(f'<div class="item"><h2>{item.index}. {html.escape(item.title)}</h2>'
                   f'{_marked(plan.text[item.start:item.end], item.start, item.entities)}</div>')
    rest = [e for e in plan.entities if e.start not in in_items]
    if rest:
        # Outside the items, show each entity in its line (the page text around it).
        lines: dict[int, list[Entity]] = {}
        for e in rest:
            lines.setdefault(plan.text.rfind("\n", 0, e.start) + 1, []).append(e)
        body = []
        for start, ents in sorted(lines.items()):
            end = plan.text.find("\n", ents[-1].end)
            end = len(plan.text) if end < 0 else end
            body.append(_marked(plan.text[start:end], start, ents))
        out.append('<div class="item"><h2>outside the items</h2>' + "\n".join(body) + "</div>")
    out.append("</section>")
    return "\n".join(out)


def render_html(plans: Sequence[Plan], names: Sequence[str] | None = None, *, title: str = "nlp_minsheng") -> str:
    """One HTML page for one or more plans (``names`` label their sections)."""
    names = list(names) if names is not None else [f"document {i + 1}" for i in range(len(plans))]
    if len(names) != len(plans):
        raise ValueError(f"expected one name per plan ({len(plans)}), got {len(names)}")
    legend = " ".join(f'<mark style="background:{c}">{lab}</mark>' for lab, c in COLOURS.items())
    body = "\n".join(_plan_section(p, n) for p, n in zip(plans, names))
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{_CSS}</style></head><body><p class="legend">{legend} · hover an entity for its value</p>'
            f"\n{body}\n</body></html>\n")


def entity_marks(page: str) -> list[dict[str, Any]]:
    """The ``<mark class="ent">`` elements of a rendered page (for tests and tooling)."""
    from html.parser import HTMLParser

    found: list[dict[str, Any]] = []

    class _P(HTMLParser):
        depth = 0
        current: dict[str, Any] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "mark" and a.get("class") == "ent":
                self.current = {"label": a.get("data-label"), "title": a.get("title"), "text": ""}
            elif tag == "span" and self.current is not None:
                self.depth += 1

        def handle_endtag(self, tag: str) -> None:
            if tag == "span" and self.depth:
                self.depth -= 1
            elif tag == "mark" and self.current is not None:
                found.append(self.current)
                self.current = None

        def handle_data(self, data: str) -> None:
            if self.current is not None and not self.depth:
                self.current["text"] += data

    _P().feed(page)
    return found
