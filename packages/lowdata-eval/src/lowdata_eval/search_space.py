"""The hyperparameter search space of Appendix C and the one-cycle schedule it drives.

Per trial (Appendix C.4 of the paper): optimizer in {Adam, SGD, AdamW}; learning rate and weight decay
log-uniform; epochs an integer; the one-cycle multiplier ``m`` an integer. The one-cycle schedule
(:class:`torch.optim.lr_scheduler.OneCycleLR`, ``pct_start=0.3``, cosine) starts at the base learning rate,
rises to ``max_lr = lr * m`` (the paper's Eq. 1) and anneals to ``lr / 1e4``:

    lr(0) = lr,  max_t lr(t) = lr * m,  lr(T) = lr / 1e4   (div_factor = m, final_div_factor = 1e4)

so two configurations with the same peak but another base LR train differently (``m = 1``: flat, then
annealed). The paper's extracted text lost the numeric ranges: the default ranges below are this package's;
pass another :class:`SearchSpace` to change them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import optuna
import torch
from torch import nn

from lowdata_eval.errors import LowDataEvalError

OPTIMIZERS: tuple[str, ...] = ("adam", "sgd", "adamw")


@dataclass(frozen=True)
class SearchSpace:
    """Ranges of the tuned hyperparameters (inclusive).

    Attributes:
        optimizers: candidate optimizers, a subset of ``("adam", "sgd", "adamw")``.
        lr: base learning rate range, sampled log-uniformly.
        weight_decay: weight decay range, sampled log-uniformly.
        epochs: training epochs range (integers).
        lr_multiplier: one-cycle multiplier range (integers); ``max_lr = lr * multiplier``.
    """

    optimizers: tuple[str, ...] = OPTIMIZERS
    lr: tuple[float, float] = (1e-5, 1e-2)
    weight_decay: tuple[float, float] = (1e-6, 1e-2)
    epochs: tuple[int, int] = (5, 50)
    lr_multiplier: tuple[int, int] = (1, 10)

    def __post_init__(self) -> None:
        unknown = set(self.optimizers) - set(OPTIMIZERS)
        if unknown or not self.optimizers:
            raise LowDataEvalError(
                f"optimizers must be a non-empty subset of {OPTIMIZERS}, got {self.optimizers}"
            )
        for name in ("lr", "weight_decay", "epochs", "lr_multiplier"):
            low, high = getattr(self, name)
            if not 0 < low <= high:
                raise LowDataEvalError(
                    f"{name} range must satisfy 0 < low <= high, got {(low, high)}"
                )

    def suggest(self, trial: optuna.Trial) -> Hyperparams:
        """Sample one configuration for ``trial``."""
        return Hyperparams(
            optimizer=str(trial.suggest_categorical("optimizer", list(self.optimizers))),
            lr=trial.suggest_float("lr", *self.lr, log=True),
            weight_decay=trial.suggest_float("weight_decay", *self.weight_decay, log=True),
            epochs=trial.suggest_int("epochs", *self.epochs),
            lr_multiplier=trial.suggest_int("lr_multiplier", *self.lr_multiplier),
        )


@dataclass(frozen=True)
class Hyperparams:
    """One trial's configuration."""

    optimizer: str
    lr: float
    weight_decay: float
    epochs: int
    lr_multiplier: int

    @property
    def max_lr(self) -> float:
        """The one-cycle peak: ``lr * lr_multiplier``."""
        return self.lr * self.lr_multiplier

    def make_optimizer(self, parameters: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
        """The optimizer (SGD with Nesterov momentum 0.9; one-cycle cycles the momentum / beta1)."""
        params = [p for p in parameters if p.requires_grad]
        if self.optimizer == "adam":
            return torch.optim.Adam(params, lr=self.lr, weight_decay=self.weight_decay)
        if self.optimizer == "adamw":
            return torch.optim.AdamW(params, lr=self.lr, weight_decay=self.weight_decay)
        return torch.optim.SGD(
            params, lr=self.lr, momentum=0.9, nesterov=True, weight_decay=self.weight_decay
        )

    def make_scheduler(
        self, optimizer: torch.optim.Optimizer, steps_per_epoch: int
    ) -> torch.optim.lr_scheduler.OneCycleLR:
        """One-cycle schedule over ``epochs * steps_per_epoch`` steps from :attr:`lr` up to :attr:`max_lr`."""
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=self.max_lr,
            total_steps=max(1, self.epochs * steps_per_epoch),
            div_factor=float(self.lr_multiplier),  # initial lr = max_lr / div_factor = the base lr
            final_div_factor=1e4,
        )
