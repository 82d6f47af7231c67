"""Optimisers and learning-rate schedules of the official pretraining recipes.

- :class:`LARS` (Barlow Twins / VICReg official code): SGD with momentum whose update for each weight
  matrix is rescaled by the trust ratio ``eta * |w| / |g + wd * w|``; biases and BatchNorm parameters
  (one-dimensional) get neither weight decay nor the LARS adaptation.
- :func:`official_recipe`: optimiser, base learning rate (per 256 images), weight decay and warm-up of each
  method's official code (MoCo v2: SGD 0.03, wd 1e-4; Barlow Twins / VICReg: LARS 0.2 (biases 0.0048), wd
  1e-6, 10 warm-up epochs; CNN-JEPA: AdamW 0.01, wd 0.01; MAE: AdamW 1.5e-4, betas (0.9, 0.95), wd 0.05,
  40 warm-up epochs; ConVIRT: Adam 1e-4, wd 1e-6; GLoRIA: Adam 5e-5, betas (0.5, 0.999), wd 1e-6, clip 0.25).
  The study tuned the learning rate per dataset; pass your own through :class:`OptimizerRecipe`.
- :func:`warmup_cosine`: linear warm-up to the base rate, then a half cosine to zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

import torch
from torch import Tensor, nn

from ssl_objectives.errors import ConfigError


class LARS(torch.optim.Optimizer):
    """Layer-wise adaptive rate scaling (You et al. 2017) as in facebookresearch/barlowtwins.

    Per parameter ``w`` with gradient ``g``: ``d = g + wd * w`` and ``d *= eta * |w| / |d|`` (both only
    for parameters with more than one dimension; the ratio is 1 when a norm is zero), then
    ``mu = momentum * mu + d`` and ``w -= lr * mu``.
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict[str, Any]],
        lr: float,
        weight_decay: float = 0.0,
        momentum: float = 0.9,
        eta: float = 0.001,
    ) -> None:
        super().__init__(
            params, {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "eta": eta}
        )

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:  # noqa: D102 - torch.optim.Optimizer.step
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d = p.grad
                if p.ndim > 1:
                    d = d.add(p, alpha=group["weight_decay"])
                    param_norm, update_norm = torch.norm(p), torch.norm(d)
                    one = torch.ones_like(param_norm)
                    ratio = torch.where(
                        param_norm > 0,
                        torch.where(update_norm > 0, group["eta"] * param_norm / update_norm, one),
                        one,
                    )
                    d = d.mul(ratio)
                state = self.state[p]
                if "mu" not in state:
                    state["mu"] = torch.zeros_like(p)
                mu = state["mu"]
                mu.mul_(group["momentum"]).add_(d)
                p.add_(mu, alpha=-group["lr"])
        return loss


@dataclass(frozen=True)
class OptimizerRecipe:
    """One method's optimiser settings.

    Attributes:
        name: ``"sgd" | "lars" | "adamw" | "adam"``.
        lr: base learning rate for a batch of 256 (scaled linearly with the batch size).
        weight_decay: weight decay.
        momentum: SGD / LARS momentum.
        betas: Adam(W) betas.
        bias_lr: LARS learning rate of biases and norm parameters (None: ``lr``).
        warmup_epochs: linear warm-up before the cosine decay.
        grad_clip: gradient-norm clipping (None: off).
    """

    name: Literal["sgd", "lars", "adamw", "adam"] = "sgd"
    lr: float = 0.03
    weight_decay: float = 1e-4
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    bias_lr: float | None = None
    warmup_epochs: int = 0
    grad_clip: float | None = None


_RECIPES = {
    "moco_v2": OptimizerRecipe("sgd", 0.03, 1e-4),
    "barlow_twins": OptimizerRecipe("lars", 0.2, 1e-6, bias_lr=0.0048, warmup_epochs=10),
    "vicreg": OptimizerRecipe("lars", 0.2, 1e-6, warmup_epochs=10),
    "cnn_jepa": OptimizerRecipe("adamw", 0.01, 0.01),
    "mae": OptimizerRecipe("adamw", 1.5e-4, 0.05, betas=(0.9, 0.95), warmup_epochs=40),
    "convirt": OptimizerRecipe("adam", 1e-4, 1e-6),
    "gloria": OptimizerRecipe("adam", 5e-5, 1e-6, betas=(0.5, 0.999), grad_clip=0.25),
}


def official_recipe(method_name: str, **overrides: Any) -> OptimizerRecipe:
    """The official recipe of a method, with optional field overrides (e.g. ``lr=...``)."""
    if method_name not in _RECIPES:
        raise ConfigError(f"no recipe for {method_name!r}; known: {sorted(_RECIPES)}")
    return replace(_RECIPES[method_name], **overrides)


def build_optimizer(
    model: nn.Module, recipe: OptimizerRecipe, batch_size: int
) -> torch.optim.Optimizer:
    """The recipe's optimiser over the trainable parameters, learning rates scaled by ``batch_size / 256``."""
    scale = batch_size / 256
    params = [p for p in model.parameters() if p.requires_grad]
    if recipe.name == "lars":
        weights = [p for p in params if p.ndim > 1]
        others = [p for p in params if p.ndim <= 1]
        groups = [
            {"params": weights, "lr": recipe.lr * scale},
            {"params": others, "lr": (recipe.bias_lr or recipe.lr) * scale},
        ]
        return LARS(
            groups, lr=recipe.lr * scale, weight_decay=recipe.weight_decay, momentum=recipe.momentum
        )
    if recipe.name == "sgd":
        return torch.optim.SGD(
            params, lr=recipe.lr * scale, momentum=recipe.momentum, weight_decay=recipe.weight_decay
        )
    if recipe.name in ("adam", "adamw"):
        cls = torch.optim.AdamW if recipe.name == "adamw" else torch.optim.Adam
        return cls(
            params, lr=recipe.lr * scale, betas=recipe.betas, weight_decay=recipe.weight_decay
        )
    raise ConfigError(f"unknown optimizer {recipe.name!r}")


def warmup_cosine(step: int, total: int, warmup: int) -> float:
    """Learning-rate factor: ``step / warmup`` during warm-up, then ``(1 + cos(pi * t)) / 2`` to zero."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
