"""Round trip against a real Label Studio server (run by hand, see README "Review in Label Studio").

    label-studio start --port 8089 --no-browser --username admin@example.com --password … --user-token TOKEN
    python eval/label_studio_check.py --url http://localhost:8089 --token TOKEN --tasks review.json

Creates a project with the exported labeling config, imports the exported tasks
with their predictions, checks that every task shows its prediction, stores one
corrected annotation per task (the prediction with its first span dropped, as a
reviewer would), exports the project and reads it back with ``import``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from nlp_minsheng.formats import label_studio_config_path, load_any


def _call(url: str, token: str, method: str = "GET", body: object | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://localhost:8089")
    ap.add_argument("--token", required=True)
    ap.add_argument("--tasks", required=True, help="tasks written by `export --for label-studio`")
    args = ap.parse_args(argv)
    base = args.url.rstrip("/")
    tasks = json.loads(Path(args.tasks).read_text(encoding="utf-8"))
    config = label_studio_config_path(args.tasks).read_text(encoding="utf-8")
    project = _call(f"{base}/api/projects", args.token, "POST", {"title": "nlp_minsheng review", "label_config": config})
    pid = project["id"]
    _call(f"{base}/api/projects/{pid}/import", args.token, "POST", tasks)
    listed = _call(f"{base}/api/tasks?project={pid}&page_size=1000&fields=all", args.token)
    listed = listed["tasks"] if isinstance(listed, dict) else listed
    assert len(listed) == len(tasks), f"expected {len(tasks)} tasks in Label Studio, got {len(listed)}"
    n_pred = 0
    for t in listed:
        detail = _call(f"{base}/api/tasks/{t['id']}", args.token)
        preds = detail.get("predictions") or []
        assert preds and preds[0]["result"], f"task {t['id']} shows no prediction"
        n_pred += len(preds[0]["result"])
        corrected = preds[0]["result"][1:]  # the reviewer deletes the first span
        _call(f"{base}/api/tasks/{t['id']}/annotations", args.token, "POST", {"result": corrected})
    print(f"project {pid}: {len(listed)} tasks imported, {n_pred} predicted spans shown")
    export = _call(f"{base}/api/projects/{pid}/export?exportType=JSON", args.token)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
        docs = load_any(path)
    by_id = {d.id: d for d in docs}
    for task in tasks:
        doc = by_id[task["data"]["id"]]
        want = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                      for r in task["predictions"][0]["result"])[1:]
        assert sorted(doc.spans) == want, f"{doc.id}: the corrected annotation did not come back"
        for s, e, _ in doc.spans:
            assert doc.text[s:e] == task["data"]["text"][s:e]
    print(f"export read back by `import`: {len(docs)} documents, corrections intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
