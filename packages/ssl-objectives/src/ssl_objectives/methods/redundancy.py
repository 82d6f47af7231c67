"""Barlow Twins and VICReg: two views through one backbone and an expander, a batch-statistics loss.

Both views go through the backbone separately (BatchNorm statistics per view, as the official code).
Barlow Twins: expander ``8192-8192-8192`` of bias-free ``Linear-BN-ReLU`` blocks and a bias-free last Linear.
VICReg: the same widths with biased hidden Linears and a bias-free last Linear.
Both zero the last BatchNorm of every residual block of a ResNet backbone at construction
(``zero_init_residual=True`` in the official code; set the config field False to keep given weights, e.g.
ImageNet). Both gather the embeddings over processes under DDP (``gather``, a no-op in one process), and the
official code synchronises BatchNorm (SyncBN), as :func:`~ssl_objectives.pretrain.pretrain` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor

from ssl_objectives.backbones import Backbone, zero_init_residual
from ssl_objectives.heads import expander
from ssl_objectives.losses import barlow_twins_loss, vicreg_loss
from ssl_objectives.methods.base import Logs, SSLMethod


@dataclass(frozen=True)
class BarlowTwinsConfig:
    """Barlow Twins defaults (official).

    Attributes:
        projector_dims: expander widths after the backbone (8192, 8192, 8192).
        lambd: off-diagonal weight (0.0051).
        gather: global-batch statistics under DDP (no-op in one process).
        zero_init_residual: zero the last BatchNorm weight of each residual block at construction.
    """

    projector_dims: tuple[int, ...] = (8192, 8192, 8192)
    lambd: float = 0.0051
    gather: bool = True
    zero_init_residual: bool = True


@dataclass(frozen=True)
class VICRegConfig:
    """VICReg defaults (official).

    Attributes:
        projector_dims: expander widths after the backbone (8192, 8192, 8192).
        sim_coeff: invariance weight (25). std_coeff: variance weight (25). cov_coeff: covariance (1).
        gather: global-batch variance/covariance under DDP (no-op in one process).
        zero_init_residual: zero the last BatchNorm weight of each residual block at construction.
    """

    projector_dims: tuple[int, ...] = (8192, 8192, 8192)
    sim_coeff: float = 25.0
    std_coeff: float = 25.0
    cov_coeff: float = 1.0
    gather: bool = True
    zero_init_residual: bool = True


class BarlowTwins(SSLMethod):
    """Barlow Twins; ``forward((view1, view2)) -> (loss, logs)``."""

    method_name = "barlow_twins"

    def __init__(self, backbone: Backbone, config: BarlowTwinsConfig | None = None) -> None:
        super().__init__()
        self.config = config or BarlowTwinsConfig()
        if self.config.zero_init_residual:
            zero_init_residual(backbone)
        self.encoder = backbone
        self.projector = expander(
            (backbone.feature_dim, *self.config.projector_dims), hidden_bias=False
        )

    def forward(self, batch: tuple[Tensor, Tensor]) -> tuple[Tensor, Logs]:
        """Two views ``[N, C, H, W]`` -> Barlow Twins loss."""
        z1 = self.projector(self.encoder(batch[0]))
        z2 = self.projector(self.encoder(batch[1]))
        loss = barlow_twins_loss(z1, z2, self.config.lambd, gather=self.config.gather)
        return loss, {"loss": loss.detach()}


class VICReg(SSLMethod):
    """VICReg; ``forward((view1, view2)) -> (loss, logs)``."""

    method_name = "vicreg"

    def __init__(self, backbone: Backbone, config: VICRegConfig | None = None) -> None:
        super().__init__()
        self.config = config or VICRegConfig()
        if self.config.zero_init_residual:
            zero_init_residual(backbone)
        self.encoder = backbone
        self.projector = expander(
            (backbone.feature_dim, *self.config.projector_dims), hidden_bias=True
        )

    def forward(self, batch: tuple[Tensor, Tensor]) -> tuple[Tensor, Logs]:
        """Two views ``[N, C, H, W]`` -> VICReg loss."""
        z1 = self.projector(self.encoder(batch[0]))
        z2 = self.projector(self.encoder(batch[1]))
        c = self.config
        loss = vicreg_loss(z1, z2, c.sim_coeff, c.std_coeff, c.cov_coeff, gather=c.gather)
        return loss, {"loss": loss.detach()}
