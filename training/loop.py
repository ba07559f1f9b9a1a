"""Pieces of the training loop shared by fine-tuning (train.py) and distillation (distil.py)."""

from __future__ import annotations

import time
from collections import deque
from typing import Any


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def seed_everything(seed: int, threads: int) -> None:
    """Same seed for python, numpy and torch; torch's intra-op threads (runs are compared on 1 or 2 cores)."""
    import random

    import numpy as np
    import torch

    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)


class BestEpoch:
    """Keeps the weights of the epoch with the best dev strict micro F1; says when patience ran out."""

    def __init__(self, patience: int, t0: float, keep_last: int = 0) -> None:
        self.patience, self.t0 = patience, t0
        self.best_f1, self.best_epoch, self.bad = -1.0, 0, 0
        self.state: dict[str, Any] | None = None
        self.history: list[dict[str, Any]] = []
        # The weights at the end of the last ``keep_last`` epochs, for checkpoint averaging (:meth:`average`); one
        # epoch's weights alone average to nothing, so fewer than 2 keeps none.
        self.recent: deque[dict[str, Any]] = deque(maxlen=keep_last if keep_last >= 2 else 0)
        self.averaged = 0  # how many epochs' weights the kept model averages (0: one epoch's, the best)

    def end_epoch(self, epoch: int, model: Any, loss: float, res: dict[str, Any] | None) -> bool:
        """Record the epoch; ``True`` when training should stop (no dev: the last epoch is kept)."""
        f1 = res["strict"]["micro"]["f1"] if res else -epoch
        self.history.append({"epoch": epoch, "loss": round(loss, 4), "dev_strict_f1": res and f1,
                             "minutes": round((time.time() - self.t0) / 60, 2)})
        log(f"epoch {epoch}: loss {self.history[-1]['loss']}, dev strict micro-F1 {f1:.4f}")
        if self.recent.maxlen:
            self.recent.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        if f1 > self.best_f1:
            self.best_f1, self.best_epoch, self.bad = f1, epoch, 0
            self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            return False
        self.bad += 1
        if self.bad >= self.patience:
            log(f"early stop after epoch {epoch} (best {self.best_epoch})")
            return True
        return False

    def restore(self, model: Any) -> None:
        if self.state is not None:
            model.load_state_dict(self.state)

    def average(self) -> dict[str, Any] | None:
        """The uniform average of the kept epochs' weights (checkpoint averaging: the epochs of one run lie in one
        basin, and their mean generalises better than any of them more often than not); ``None`` below 2 epochs."""
        if len(self.recent) < 2:
            return None
        last = self.recent[-1]
        return {k: (sum(s[k] for s in self.recent) / len(self.recent)).to(v.dtype) if v.is_floating_point() else v
                for k, v in last.items()}
