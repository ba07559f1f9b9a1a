"""Batch tagging: encodings, errors file, kill -9 then resume; CLI parse."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlp_minsheng.batch import UndecidableEncoding, decode_bytes, run_batch
from nlp_minsheng.cli import main as cli

from .conftest import seed_texts

SEEDS = seed_texts()
ROOT = Path(__file__).resolve().parent.parent


def test_decode_encodings():
    s = "2024年民生实事：新建学校3所，总投资约500万元。"
    t = "2024年民生實事：新建學校3所，總投資約500萬元。"
    assert decode_bytes(s.encode("utf-8")) == (s, "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + s.encode("utf-8"))[0] == s
    assert decode_bytes(s.encode("gb18030")) == (s, "gb18030")
    assert decode_bytes(t.encode("big5")) == (t, "big5")
    with pytest.raises(UndecidableEncoding, match="no byte-exact decoding"):
        decode_bytes(bytes(range(128, 256)) * 4)
    rare = "䶮䲜𠀀𪚥龘齉爨"  # rare and 4-byte GB18030 characters: decoded, never dropped
    assert decode_bytes(rare.encode("gb18030")) == (rare, "gb18030")


def test_every_annotated_document_survives_legacy_encodings():
    """Each gold page re-encoded as GBK, GB18030 and Big5 (where encodable) decodes back exactly."""
    from nlp_minsheng.corpus import iter_corpus

    docs = list(iter_corpus(sorted((ROOT / "annotations" / "gold").glob("*.jsonl"))))
    tried, wrong = 0, []
    for d in docs:
        for enc in ("gbk", "gb18030", "big5"):
            try:
                raw = d.text.encode(enc)
            except UnicodeEncodeError:
                continue
            tried += 1
            text, _ = decode_bytes(raw, source=d.id)
            if text != d.text:
                wrong.append((d.id, enc))
    assert tried >= len(docs)  # every document encodes at least as GB18030
    assert wrong == []


def test_random_bytes_get_a_clear_error():
    import random

    rng = random.Random(7)
    failures = 0
    for _ in range(200):
        raw = bytes(rng.randrange(128, 256) for _ in range(64))
        try:
            text, enc = decode_bytes(raw)
        except UndecidableEncoding as exc:
            assert "expected UTF-8, GB18030/GBK or Big5" in str(exc)
            failures += 1
        else:  # a random string that happens to be valid is returned byte-exact
            assert text.encode(enc) == raw
    assert failures > 190


def _corpus(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    texts = list(SEEDS.values())
    for i in range(n):
        sub = folder / "sub" if i % 3 == 0 else folder
        (sub / f"doc{i:03d}.txt").write_text(texts[i % len(texts)][: 800 + 37 * i], encoding="utf-8")
    (folder / "gbk.txt").write_bytes("2024年新建学校3所，投资500万元。".encode("gb18030"))
    (folder / "broken.txt").write_bytes(bytes(range(128, 256)) * 4)
    return folder


def test_batch_errors_are_reported_and_run_continues(tmp_path):
    folder = _corpus(tmp_path, 6)
    jl = tmp_path / "more.jsonl"
    jl.write_text(json.dumps({"id": "j1", "text": "新建2个驿站"}, ensure_ascii=False) + "\n{not json\n"
                  + json.dumps({"id": "j2", "text": 5}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    counts = run_batch([str(folder), str(jl)], out, rules_only=True, progress=False)
    assert counts == {"done": 8, "skipped": 0, "failed": 3}
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} >= {"gbk.txt", "j1", "sub/doc000.txt"}
    errs = [json.loads(x) for x in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["id"] for e in errs} == {"broken.txt", "more.jsonl:2", "j2"}
    assert all(e["error"] for e in errs)
    assert cli(["batch", str(folder), "-o", str(out), "--rules", "--quiet"]) == 2  # exists, no --resume


def test_kill_and_resume_equals_uninterrupted_run(tmp_path):
    folder = _corpus(tmp_path, 60)
    full = tmp_path / "full.jsonl"
    run_batch([str(folder)], full, rules_only=True, progress=False)
    out = tmp_path / "killed.jsonl"
    cmd = [sys.executable, "-m", "nlp_minsheng", "batch", str(folder), "-o", str(out), "--rules", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") >= 10:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = out.read_bytes().count(b"\n")
    assert 10 <= written < 61, "the run should have been killed mid-way"
    with open(out, "ab") as fh:  # simulate a torn last line from the kill
        fh.write(b'{"id": "torn", "pla')
    rc = subprocess.run(cmd + ["--resume"], cwd=ROOT, capture_output=True).returncode
    assert rc == 1  # broken.txt fails in both runs
    a = [json.loads(x) for x in full.read_text(encoding="utf-8").splitlines()]
    b = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    ids_b = [r["id"] for r in b]
    assert len(ids_b) == len(set(ids_b)), "duplicates after resume"
    assert set(ids_b) == {r["id"] for r in a}
    by_id = {r["id"]: r for r in a}
    for r in b:
        assert r["plan"]["entities"] == by_id[r["id"]]["plan"]["entities"]


def test_cli_parse_json_and_table(tmp_path, capsys):
    f = tmp_path / "plan.txt"
    f.write_text(SEEDS["seed-000"], encoding="utf-8")
    assert cli(["parse", str(f), "--rules", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["year"] == 2024 and len(plan["items"]) == 36
    for e in plan["entities"]:
        assert SEEDS["seed-000"][e["start"] : e["end"]] == e["text"]
    assert cli(["parse", str(f), "--rules"]) == 0
    out = capsys.readouterr().out
    assert "[1] 开展老旧小区供水设施改造" in out and "AMOUNT" in out


def test_cli_missing_file_is_clear(tmp_path):
    with pytest.raises(SystemExit, match="expected a text file"):
        cli(["parse", str(tmp_path / "missing.txt"), "--rules"])


def test_review_export_from_batch_output_least_confident_first(tmp_path, tiny_model_dir):
    folder = _corpus(tmp_path, 4)
    out = tmp_path / "out.jsonl"
    run_batch([str(folder)], out, model=str(tiny_model_dir), progress=False)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    review = tmp_path / "review.json"
    assert cli(["export", str(out), "--for", "label-studio", "-o", str(review)]) == 0
    tasks = json.loads(review.read_text(encoding="utf-8"))
    assert len(tasks) == len(rows)
    mins = []
    for t in tasks:
        pred = t["predictions"][0]
        assert pred["model_version"] == "tiny-random"
        text = t["data"]["text"]
        for r in pred["result"]:
            v = r["value"]
            assert text[v["start"] : v["end"]] == v["text"] and 0 < r["score"] <= 1
        mins.append(min((r["score"] for r in pred["result"]), default=1.0))
    assert mins == sorted(mins), "least confident documents first"
    doccano = tmp_path / "review.jsonl"
    assert cli(["export", str(out), "--for", "doccano", "-o", str(doccano)]) == 0
    assert len(doccano.read_text(encoding="utf-8").splitlines()) == len(rows)


def test_workers_keep_the_plan_year(tmp_path):
    """Regression: with --workers 2 the worker path dropped --year (relative dates had no year)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"d{i}.txt").write_text("年底前新建3所学校。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    counts = run_batch([str(folder)], out, workers=2, rules_only=True, plan_year=2031, progress=False)
    assert counts["done"] == 3
    for row in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        assert row["plan"]["year"] == 2031
        (deadline,) = [e for e in row["plan"]["entities"] if e["label"] == "DEADLINE"]
        assert deadline["value"]["end"] == "2031-12-31"


def test_cli_stops_quietly_when_the_reader_goes_away():
    # `python -m nlp_minsheng parse x | head -1`: a closed stdout is not an error worth a traceback.
    text = "\n".join(f"{n}.新建幼儿园{n}所，改造道路{n}条。" for n in range(1, 400))
    cmd = [sys.executable, "-m", "nlp_minsheng", "parse", "-", "--rules"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(text.encode())
    proc.stdin.close()
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() in (0, 141) and "Traceback" not in err and "BrokenPipe" not in err, err
