"""The interface every method shares.

``method(batch) -> (loss, logs)``: the scalar loss to back-propagate and a dict of detached scalar tensors
for logging (tensors, not floats, so a GPU loop never synchronises unless it prints).
``method.after_step()``: call once after each ``optimizer.step()`` (EMA targets, MoCo's queue).
``method.encoder``: the backbone to hand to downstream evaluation.
Each method holds a frozen config dataclass with the official defaults.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any, ClassVar

import torch
from torch import Tensor, nn

from ssl_objectives.backbones import Backbone

Logs = dict[str, Tensor]


class SSLMethod(nn.Module):
    """Base class: ``encoder``, ``config``, ``forward(batch) -> (loss, logs)``, ``after_step()``."""

    method_name: ClassVar[str]
    encoder: Backbone
    config: Any

    def after_step(self) -> None:
        """Momentum/EMA and queue maintenance after ``optimizer.step()``; nothing by default."""

    def set_total_steps(self, steps: int) -> None:
        """Told the run's length in optimiser steps by ``pretrain`` (EMA schedules); no-op by default."""

    def no_weight_decay(self) -> set[str]:
        """Multi-dimensional parameter names kept out of weight decay (recipes with ``decay_exclude``)."""
        return set()

    def config_dict(self) -> dict[str, Any]:
        """The config as a JSON-able dict."""
        return asdict(self.config)


@torch.no_grad()
def ema_update(target: nn.Module, online: nn.Module, momentum: float) -> None:
    """``theta_t <- m theta_t + (1 - m) theta_o`` for every parameter.

    Buffers (BatchNorm running statistics) are left alone, as in the official MoCo and I-JEPA code: the
    target runs in training mode and normalises with its own batch statistics.
    """
    target_params = list(target.parameters())
    online_params = [p.detach() for p in online.parameters()]
    torch._foreach_lerp_(target_params, online_params, 1.0 - momentum)


def frozen_copy(module: nn.Module) -> nn.Module:
    """A deep copy with ``requires_grad`` off (momentum / EMA targets)."""
    clone = copy.deepcopy(module)
    for parameter in clone.parameters():
        parameter.requires_grad_(False)
    return clone
