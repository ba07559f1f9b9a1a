"""The HTML view: self-contained, every entity marked once with its label; renders in headless Chromium."""

import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser

import pytest

from nlp_minsheng import Pipeline
from nlp_minsheng.cli import main as cli
from nlp_minsheng.render import entity_marks, render_html

from .conftest import seed_texts

SEEDS = seed_texts()


@pytest.fixture(scope="module")
def plans():
    return Pipeline.rules_only().parse_batch(list(SEEDS.values()))


def test_every_entity_marked_once(plans):
    page = render_html(plans, list(SEEDS))
    marks = entity_marks(page)
    got = Counter((m["label"], m["text"]) for m in marks)
    want = Counter((e.label, e.text) for p in plans for e in p.entities)
    assert got == want
    assert all(m["title"].startswith(m["label"] + " · score") for m in marks)


def test_self_contained(plans):
    page = render_html(plans[:1])
    refs = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            refs.extend(v for k, v in attrs if k in ("src", "href") and v)

    P().feed(page)
    assert refs == []
    assert "<script" not in page and "http" not in page


def test_escapes_markup_in_text():
    plan = Pipeline.rules_only().parse("<b>2024年</b>新建3所学校 & 1个公园")
    page = render_html([plan])
    assert "<b>" not in page and "&lt;b&gt;" in page


def test_cli_render_and_parse_html(tmp_path):
    src = tmp_path / "seed.txt"
    src.write_text(SEEDS["seed-003"], encoding="utf-8")
    out = tmp_path / "page.html"
    assert cli(["render", str(src), "-o", str(out), "--rules"]) == 0
    assert entity_marks(out.read_text(encoding="utf-8"))
    out2 = tmp_path / "one.html"
    assert cli(["parse", str(src), "--rules", "--html", str(out2)]) == 0
    assert entity_marks(out2.read_text(encoding="utf-8")) == entity_marks(out.read_text(encoding="utf-8"))


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (Debian package: chromium)")
def test_renders_in_headless_chromium(plans, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(render_html(plans, list(SEEDS)), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-1500:]
    assert dom.stdout.count('class="ent"') == sum(len(p.entities) for p in plans)
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr
    shot = tmp_path / "page.png"
    subprocess.run([_chromium(), *flags, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
