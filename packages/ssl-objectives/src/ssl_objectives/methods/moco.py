"""MoCo v2 (Chen et al. 2020; facebookresearch/moco with the v2 flags).

Query encoder = backbone + ``Linear-ReLU-Linear`` head; key encoder = a momentum copy. Per step (training
mode): the key encoder is momentum-updated FIRST (``theta_k <- m theta_k + (1 - m) theta_q``, as the official
code does before encoding keys), keys of view 2 are computed without gradient, and the loss is InfoNCE of
view-1 queries against the keys and the queue. :meth:`MoCoV2.after_step` enqueues the step's keys
(gathered over processes under DDP), overwriting the oldest. The queue ``[K, dim]`` (random normalised
vectors at start) and its pointer are buffers, so checkpoints carry them. The queue is read in place (no
per-step copy): it changes only in :meth:`MoCoV2.after_step`, after the backward pass that read it.

Under DDP (:func:`~ssl_objectives.pretrain.pretrain`) the keys of every rank enter the shared queue, and
BatchNorm is synchronised in BOTH encoders (SyncBN, as MoCo v3 and SimCLR) instead of the v2 code's
shuffle-BN: shuffle-BN exists to stop a query and its key from sharing per-GPU BatchNorm statistics; with
statistics over the global batch no GPU-local statistic exists to exploit, and one DDP step then equals one
step on the concatenated batch (tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional

from ssl_objectives.backbones import Backbone
from ssl_objectives.distributed import gather_no_grad
from ssl_objectives.errors import ConfigError
from ssl_objectives.heads import mlp_head
from ssl_objectives.losses import info_nce
from ssl_objectives.methods.base import Logs, SSLMethod, ema_update, frozen_copy


@dataclass(frozen=True)
class MoCoV2Config:
    """MoCo v2 defaults (official).

    Attributes:
        dim: output width of the head (128).
        hidden_dim: head hidden width (None: the backbone's feature width, as the official code).
        queue_size: ``K`` negatives (65536).
        momentum: key-encoder momentum ``m`` (0.999).
        temperature: ``T`` (0.2).
        symmetric: also use view 2 as queries (an option; the official loss is one-directional).
    """

    dim: int = 128
    hidden_dim: int | None = None
    queue_size: int = 65536
    momentum: float = 0.999
    temperature: float = 0.2
    symmetric: bool = False

    def __post_init__(self) -> None:
        if self.queue_size < 1 or not 0.0 <= self.momentum <= 1.0:
            raise ConfigError(
                f"invalid MoCo queue_size/momentum: {self.queue_size}, {self.momentum}"
            )


class MoCoV2(SSLMethod):
    """MoCo v2; ``forward((view1, view2)) -> (loss, logs)`` with views ``[N, C, H, W]``."""

    method_name = "moco_v2"

    def __init__(self, backbone: Backbone, config: MoCoV2Config | None = None) -> None:
        super().__init__()
        self.config = config or MoCoV2Config()
        width = backbone.feature_dim
        self.encoder = backbone
        self.projector = mlp_head(width, self.config.hidden_dim or width, self.config.dim)
        self.key_encoder = frozen_copy(backbone)
        self.key_projector = frozen_copy(self.projector)
        queue = functional.normalize(torch.randn(self.config.queue_size, self.config.dim), dim=1)
        self.register_buffer("queue", queue)
        self.register_buffer("queue_ptr", torch.zeros((), dtype=torch.long))
        self._pending: list[Tensor] = []

    def _keys(self, x: Tensor) -> Tensor:
        return functional.normalize(self.key_projector(self.key_encoder(x)), dim=1)

    def forward(self, batch: tuple[Tensor, Tensor]) -> tuple[Tensor, Logs]:
        """Two views ``[N, C, H, W]`` -> InfoNCE loss (queries from view 1, keys from view 2)."""
        x1, x2 = batch
        with torch.no_grad():
            if self.training:
                ema_update(self.key_encoder, self.encoder, self.config.momentum)
                ema_update(self.key_projector, self.projector, self.config.momentum)
            k2 = self._keys(x2)
            k1 = self._keys(x1) if self.config.symmetric else None
        queue = self.queue
        q1 = self.projector(self.encoder(x1))
        loss = info_nce(q1, k2, queue, self.config.temperature)
        keys = [k2]
        if k1 is not None:
            q2 = self.projector(self.encoder(x2))
            loss = (loss + info_nce(q2, k1, queue, self.config.temperature)) / 2
            keys.append(k1)
        if self.training:
            self._pending.extend(k.detach() for k in keys)
            if sum(k.shape[0] for k in self._pending) > self.queue.shape[0]:
                self._pending.clear()
                raise ConfigError(
                    "MoCoV2.after_step() was not called: more keys are waiting than the queue holds. "
                    "Call method.after_step() after every optimizer.step(), or the queue never changes"
                )
        positive = (functional.normalize(q1.detach().float(), dim=1) * k2.float()).sum(dim=1).mean()
        return loss, {"loss": loss.detach(), "positive_cosine": positive}

    @torch.no_grad()
    def after_step(self) -> None:
        """Enqueue the keys of the forward passes since the last call (oldest entries replaced)."""
        for keys in self._pending:
            self.enqueue(gather_no_grad(keys))
        self._pending.clear()

    @torch.no_grad()
    def enqueue(self, keys: Tensor) -> None:
        """Write normalised ``[n, dim]`` keys at the queue pointer (wrapping around) and advance it."""
        size = self.queue.shape[0]
        if keys.shape[0] > size:
            raise ConfigError(f"a batch of {keys.shape[0]} keys does not fit a queue of {size}")
        rows = (self.queue_ptr + torch.arange(keys.shape[0], device=keys.device)) % size
        self.queue[rows] = keys.to(self.queue.dtype)
        self.queue_ptr.copy_((self.queue_ptr + keys.shape[0]) % size)
