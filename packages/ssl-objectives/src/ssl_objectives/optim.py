"""Optimisers and learning-rate schedules of the official pretraining recipes.

- :class:`LARS` (Barlow Twins / VICReg official code): SGD with momentum whose update for each weight
  matrix is rescaled by the trust ratio ``eta * |w| / |g + wd * w|``; biases and BatchNorm parameters
  (one-dimensional) get neither weight decay nor the LARS adaptation.
- :func:`official_recipe`: optimiser, learning rate AT A REFERENCE BATCH, the rule that adapts it to the
  run's batch, weight decay and warm-up of each method's official code (see :func:`official_recipe`).
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
        lr: learning rate at a batch of ``reference_batch`` images.
        weight_decay: weight decay.
        momentum: SGD / LARS momentum.
        betas: Adam(W) betas.
        bias_lr: LARS learning rate of biases and norm parameters (None: ``lr``).
        warmup_epochs: linear warm-up before the cosine decay.
        grad_clip: gradient-norm clipping (None: off).
        reference_batch: the batch ``lr`` is given for.
        scale_lr: scale ``lr`` linearly by ``batch / reference_batch`` (False: use ``lr`` at any batch).
        decay_exclude: Adam(W): no weight decay on one-dimensional parameters (biases, norms) and on the
            method's :meth:`~ssl_objectives.methods.base.SSLMethod.no_weight_decay` names.
    """

    name: Literal["sgd", "lars", "adamw", "adam"] = "sgd"
    lr: float = 0.03
    weight_decay: float = 1e-4
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    bias_lr: float | None = None
    warmup_epochs: int = 0
    grad_clip: float | None = None
    reference_batch: int = 256
    scale_lr: bool = True
    decay_exclude: bool = False


_RECIPES = {
    "moco_v2": OptimizerRecipe("sgd", 0.03, 1e-4),
    "barlow_twins": OptimizerRecipe("lars", 0.2, 1e-6, bias_lr=0.0048, warmup_epochs=10),
    "vicreg": OptimizerRecipe("lars", 0.2, 1e-6, warmup_epochs=10),
    "cnn_jepa": OptimizerRecipe("adamw", 0.01, 0.01, warmup_epochs=10),
    "mae": OptimizerRecipe(
        "adamw", 1.5e-4, 0.05, betas=(0.9, 0.95), warmup_epochs=40, decay_exclude=True
    ),
    "convirt": OptimizerRecipe("adam", 1e-4, 1e-6, reference_batch=32, scale_lr=False),
    "gloria": OptimizerRecipe(
        "adam",
        5e-5,
        1e-6,
        betas=(0.5, 0.999),
        grad_clip=0.25,
        reference_batch=48,
        scale_lr=False,
    ),
}


def official_recipe(method_name: str, **overrides: Any) -> OptimizerRecipe:
    """The official recipe of a method, with optional field overrides (e.g. ``lr=...``).

    Learning-rate rule per method (``lr`` at ``reference_batch``; "linear" = ``lr * batch / reference``):

    - MoCo v2: SGD 0.03 at 256, linear (the official code's rate at its batch; linear rule of Goyal et al.),
      momentum 0.9, wd 1e-4, cosine, no warm-up.
    - Barlow Twins: LARS 0.2 (biases/norms 0.0048) at 256, linear (official ``lr * batch / 256``), wd 1e-6,
      10 warm-up epochs.
    - VICReg: LARS 0.2 at 256, linear (official ``base_lr * batch / 256``), wd 1e-6, 10 warm-up epochs.
    - CNN-JEPA: AdamW 0.01 at 256, linear, wd 0.01, 10 warm-up epochs (official config: ``lr_warmup_epochs:
      10`` with a cosine schedule).
    - MAE: AdamW 1.5e-4 at 256, linear (official ``blr * eff_batch / 256``), betas (0.9, 0.95), wd 0.05
      without decay on biases, norms, class token and position embeddings, 40 warm-up epochs.
    - ConVIRT: Adam 1e-4 at 32, NOT scaled (the paper's rate at its batch is used at any batch), wd 1e-6.
    - GLoRIA: Adam 5e-5 at 48, NOT scaled (official config), betas (0.5, 0.999), wd 1e-6, clip 0.25.

    Every recipe runs the warm-up + cosine schedule of :func:`warmup_cosine` per step.
    """
    if method_name not in _RECIPES:
        raise ConfigError(f"no recipe for {method_name!r}; known: {sorted(_RECIPES)}")
    return replace(_RECIPES[method_name], **overrides)


def build_optimizer(
    model: nn.Module, recipe: OptimizerRecipe, batch_size: int
) -> torch.optim.Optimizer:
    """The recipe's optimiser over the trainable parameters (learning rate by the recipe's batch rule)."""
    scale = batch_size / recipe.reference_batch if recipe.scale_lr else 1.0
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
        groups: list[dict[str, Any]] | list[Tensor] = params
        if recipe.decay_exclude:
            groups = _decay_groups(model, recipe.weight_decay)
        return cls(
            groups, lr=recipe.lr * scale, betas=recipe.betas, weight_decay=recipe.weight_decay
        )
    raise ConfigError(f"unknown optimizer {recipe.name!r}")


def _decay_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two parameter groups: decayed weights, and biases / norms / the model's ``no_weight_decay`` names."""
    no_decay_fn = getattr(model, "no_weight_decay", None)
    skip = no_decay_fn() if callable(no_decay_fn) else set()
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if p.ndim <= 1 or name in skip else decay).append(p)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def warmup_cosine(step: int, total: int, warmup: int) -> float:
    """Learning-rate factor: ``step / warmup`` during warm-up, then ``(1 + cos(pi * t)) / 2`` to zero."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
