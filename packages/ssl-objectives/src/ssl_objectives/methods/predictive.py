"""Masked-prediction methods: CNN-JEPA (latent targets) and MAE (pixel targets).

CNN-JEPA (Kalapos & Gyires-Toth 2024): the context encoder is the backbone run SPARSELY on the visible
``patch x patch`` cells (input zeroed on masked cells, every convolution output re-masked, BatchNorm over
visible positions only; :mod:`ssl_objectives.sparse_resnet`); masked cells of its last feature map are filled
with a learned mask token; a predictor of 3 x [depthwise 3x3 conv, 1x1 conv, BN, ReLU] at the backbone
width predicts the EMA target encoder's features of the FULL image at the predicted cells. EMA momentum
follows a cosine from 0.996 to 1 over the run's length (:meth:`CNNJEPA.after_step`; ``pretrain`` sets it
from epochs x steps per epoch). No projector. ``encoder`` (what checkpoints and ``load_encoder`` hand
downstream) is the EMA TARGET encoder, as in the official evaluation; the online, sparse context encoder is
``context_encoder`` (its BatchNorm statistics were collected on masked inputs). Under DDP the loss is
normalised by the global count of predicted cells (``gather``).

MAE (He et al. 2022): a ViT encoder sees only the kept patches (per-sample random masking); a 512-wide,
8-block, 16-head decoder with a mask token and fixed 2-D sin-cos position embeddings reconstructs every
patch; the loss counts masked patches only. The encoder's position embeddings are set to fixed sin-cos
too, as in the official code, and every weight is initialised as the official ``initialize_weights``
(:meth:`MAE.initialise`): Xavier-uniform Linears (and attention input projections) with zero biases, unit
LayerNorms, the patch projection Xavier-uniform over its flattened ``[width, C * p * p]`` view, class and
mask tokens normal(0, 0.02). The optimiser leaves biases, norms, the class token and the (frozen) position
embeddings out of weight decay (:meth:`MAE.no_weight_decay`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn
from torch.nn import functional
from torchvision.models.vision_transformer import EncoderBlock

from ssl_objectives.backbones import Backbone, ResNetBackbone, ViTBackbone
from ssl_objectives.errors import ConfigError
from ssl_objectives.losses import cnn_jepa_loss, mae_loss
from ssl_objectives.masking import MaskingConfig, cnn_jepa_mask, random_patch_mask
from ssl_objectives.methods.base import Logs, SSLMethod, ema_update, frozen_copy
from ssl_objectives.sparse_resnet import sparsify


@dataclass(frozen=True)
class CNNJEPAConfig:
    """CNN-JEPA defaults (paper).

    Attributes:
        masking: masking strategy and grid cell size.
        predictor_depth: predictor blocks (3).
        momentum_start: EMA momentum at step 0 (0.996).
        momentum_end: EMA momentum at ``total_steps`` (1.0).
        total_steps: length of the cosine momentum schedule; None (default) = the run's length, set by
            ``pretrain`` (:meth:`CNNJEPA.set_total_steps`); a number overrides it.
        gather: normalise the loss by the global predicted-cell count under DDP (no-op in one process).
    """

    masking: MaskingConfig = field(default_factory=MaskingConfig)
    predictor_depth: int = 3
    momentum_start: float = 0.996
    momentum_end: float = 1.0
    total_steps: int | None = None
    gather: bool = True


def cosine_momentum(step: int, total: int, start: float, end: float) -> float:
    """``end - (end - start) * (cos(pi * min(step, total) / total) + 1) / 2``."""
    progress = min(step, total) / max(total, 1)
    return end - (end - start) * (math.cos(math.pi * progress) + 1.0) / 2.0


class CNNJEPA(SSLMethod):
    """CNN-JEPA on a ResNet; ``forward(images [N, C, H, W]) -> (loss, logs)``."""

    method_name = "cnn_jepa"

    def __init__(self, backbone: Backbone, config: CNNJEPAConfig | None = None) -> None:
        super().__init__()
        if not isinstance(backbone, ResNetBackbone):
            raise ConfigError("CNN-JEPA needs a ResNet backbone (sparse convolutional encoder)")
        self.config = config or CNNJEPAConfig()
        width = backbone.feature_dim
        self.encoder = frozen_copy(backbone)  # EMA target: handed downstream
        self.context_encoder = backbone
        self._sparse = sparsify(backbone)
        self.mask_token = nn.Parameter(torch.zeros(width))
        nn.init.trunc_normal_(self.mask_token, std=0.02)
        blocks: list[nn.Module] = []
        for _ in range(self.config.predictor_depth):
            blocks += [
                nn.Conv2d(width, width, 3, padding=1, groups=width, bias=False),
                nn.Conv2d(width, width, 1, bias=False),
                nn.BatchNorm2d(width),
                nn.ReLU(inplace=True),
            ]
        self.predictor = nn.Sequential(*blocks)
        self.register_buffer("step", torch.zeros((), dtype=torch.long))
        self.register_buffer(
            "schedule_steps", torch.tensor(self.config.total_steps or 0, dtype=torch.long)
        )

    def set_total_steps(self, steps: int) -> None:
        """Length of the momentum schedule = the run's optimiser steps (unless the config fixes one)."""
        if self.config.total_steps is None:
            self.schedule_steps.fill_(steps)

    def forward(
        self, images: Tensor, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Logs]:
        """Images ``[N, C, H, W]`` (H, W multiples of the cell size) -> loss on the predicted cells."""
        cell = self.config.masking.patch
        n, _, height, width = images.shape
        if height % cell or width % cell:
            raise ConfigError(
                f"CNN-JEPA input {height}x{width} is not a multiple of the {cell}-px cell"
            )
        predicted, strategy = cnn_jepa_mask(
            n, (height // cell, width // cell), self.config.masking, generator, images.device
        )
        visible = 1.0 - predicted
        pixels = visible.repeat_interleave(cell, dim=1).repeat_interleave(cell, dim=2)[:, None]
        with self._sparse.masked(visible):
            context = self.context_encoder.feature_maps(images * pixels.to(images.dtype))["layer4"]
        grid_visible = functional.interpolate(
            visible[:, None], size=context.shape[-2:], mode="nearest"
        )
        grid_visible = grid_visible.to(context.dtype)
        token = self.mask_token.to(context.dtype)[None, :, None, None]
        context = context * grid_visible + token * (1.0 - grid_visible)
        prediction = self.predictor(context)
        with torch.no_grad():
            target = self.encoder.feature_maps(images)["layer4"]
        target_mask = functional.interpolate(
            predicted[:, None], size=target.shape[-2:], mode="nearest"
        )[:, 0]
        loss = cnn_jepa_loss(prediction, target, target_mask, gather=self.config.gather)
        logs = {
            "loss": loss.detach(),
            "predicted_fraction": predicted.mean(),
            "multi_block": torch.tensor(float(strategy == "multi_block")),
        }
        return loss, logs

    @property
    def momentum(self) -> float:
        """EMA momentum for the current step.

        Raises:
            ConfigError: the schedule length is unknown (neither ``pretrain`` nor the config set it).
        """
        total = int(self.schedule_steps)
        if total < 1:
            raise ConfigError(
                "CNN-JEPA's momentum schedule has no length: train through pretrain() (which sets it to "
                "epochs x steps per epoch), call set_total_steps(n), or give CNNJEPAConfig(total_steps=n)"
            )
        c = self.config
        return cosine_momentum(int(self.step), total, c.momentum_start, c.momentum_end)

    @torch.no_grad()
    def after_step(self) -> None:
        """EMA update of the target encoder, then advance the schedule."""
        ema_update(self.encoder, self.context_encoder, self.momentum)
        self.step += 1


@dataclass(frozen=True)
class MAEConfig:
    """MAE defaults (official), for a ViT-S/16 encoder.

    Attributes:
        mask_ratio: fraction of patches masked (0.75; the study swept 0.25-0.7).
        decoder_width: 512. decoder_depth: 8. decoder_heads: 16. decoder_mlp_ratio: 4.
        norm_pix_loss: standardise target patches (True: the official pretraining recipe's flag; the
            code's argument default is False).
    """

    mask_ratio: float = 0.75
    decoder_width: int = 512
    decoder_depth: int = 8
    decoder_heads: int = 16
    decoder_mlp_ratio: float = 4.0
    norm_pix_loss: bool = True


def sincos_position_embedding(width: int, grid: int, cls_token: bool = True) -> Tensor:
    """Fixed 2-D sine-cosine embedding ``[1, (1 +) grid^2, width]`` (half the channels per axis)."""
    if width % 4:
        raise ConfigError(f"sin-cos position embedding needs a width divisible by 4, got {width}")
    quarter = width // 4
    omega = 1.0 / 10000 ** (torch.arange(quarter, dtype=torch.float64) / quarter)
    ys, xs = torch.meshgrid(
        torch.arange(grid, dtype=torch.float64),
        torch.arange(grid, dtype=torch.float64),
        indexing="ij",
    )

    def axis(pos: Tensor) -> Tensor:
        angles = pos.reshape(-1, 1) * omega[None]
        return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)

    embedding = torch.cat([axis(xs), axis(ys)], dim=1).float()
    if cls_token:
        embedding = torch.cat([torch.zeros(1, width), embedding], dim=0)
    return embedding[None]


def patchify(images: Tensor, patch: int) -> Tensor:
    """``[N, C, H, W] -> [N, L, patch^2 * C]`` (row-major patches, pixels ordered (row, col, channel))."""
    n, c, height, width = images.shape
    h, w = height // patch, width // patch
    x = images.reshape(n, c, h, patch, w, patch)
    return torch.einsum("nchpwq->nhwpqc", x).reshape(n, h * w, patch * patch * c)


def unpatchify(patches: Tensor, patch: int, channels: int) -> Tensor:
    """Inverse of :func:`patchify` for a square grid: ``[N, L, patch^2 * C] -> [N, C, H, W]``."""
    n, length, _ = patches.shape
    side = math.isqrt(length)
    x = patches.reshape(n, side, side, patch, patch, channels)
    return torch.einsum("nhwpqc->nchpwq", x).reshape(n, channels, side * patch, side * patch)


class MAE(SSLMethod):
    """Masked autoencoder on a ViT; ``forward(images [N, C, H, W]) -> (loss, logs)``."""

    method_name = "mae"

    def __init__(self, backbone: Backbone, config: MAEConfig | None = None) -> None:
        super().__init__()
        if not isinstance(backbone, ViTBackbone):
            raise ConfigError("MAE needs a ViT backbone: build_backbone('vit_small', ...)")
        self.config = config or MAEConfig()
        spec, c = backbone.spec, self.config
        self.encoder = backbone
        with torch.no_grad():
            backbone.vit.encoder.pos_embedding.copy_(
                sincos_position_embedding(spec.width, spec.grid)
            )
        backbone.vit.encoder.pos_embedding.requires_grad_(False)
        self.decoder_embed = nn.Linear(spec.width, c.decoder_width)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, c.decoder_width))
        nn.init.normal_(self.mask_token, std=0.02)
        self.register_buffer(
            "decoder_pos", sincos_position_embedding(c.decoder_width, spec.grid), persistent=False
        )
        mlp = int(c.decoder_width * c.decoder_mlp_ratio)
        self.decoder_blocks = nn.Sequential(
            *[
                EncoderBlock(c.decoder_heads, c.decoder_width, mlp, 0.0, 0.0)
                for _ in range(c.decoder_depth)
            ]
        )
        self.decoder_norm = nn.LayerNorm(c.decoder_width, eps=1e-6)
        self.decoder_pred = nn.Linear(c.decoder_width, spec.patch_size**2 * backbone.in_channels)
        self.initialise()

    @torch.no_grad()
    def initialise(self) -> None:
        """The official MAE initialisation of encoder and decoder (module docstring)."""
        vit = self.encoder.vit
        proj = vit.conv_proj.weight
        nn.init.xavier_uniform_(proj.view(proj.shape[0], -1))
        nn.init.normal_(vit.class_token, std=0.02)
        nn.init.normal_(self.mask_token, std=0.02)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.MultiheadAttention) and module.in_proj_weight is not None:
                nn.init.xavier_uniform_(module.in_proj_weight)
                if module.in_proj_bias is not None:
                    nn.init.zeros_(module.in_proj_bias)
            elif isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)

    def no_weight_decay(self) -> set[str]:
        """Kept out of weight decay besides biases and norms: class token, position embeddings."""
        return {"encoder.vit.class_token", "encoder.vit.encoder.pos_embedding"}

    def reconstruct(
        self, images: Tensor, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Tensor]:
        """Per-patch predictions ``[N, L, P]`` and the mask ``[N, L]`` (1 = masked) for ``images``."""
        tokens = self.encoder.patch_tokens(images)
        n, length, width = tokens.shape
        mask, keep = random_patch_mask(n, length, self.config.mask_ratio, generator, images.device)
        visible = torch.gather(tokens, 1, keep[..., None].expand(-1, -1, width))
        latent = self.decoder_embed(self.encoder.encode_tokens(visible))
        full = self.mask_token.to(latent.dtype).expand(n, length, -1).clone()
        full = full.scatter(1, keep[..., None].expand(-1, -1, latent.shape[-1]), latent[:, 1:])
        x = torch.cat([latent[:, :1], full], dim=1) + self.decoder_pos.to(latent.dtype)
        x = self.decoder_norm(self.decoder_blocks(x))
        return self.decoder_pred(x)[:, 1:], mask

    def forward(
        self, images: Tensor, generator: torch.Generator | None = None
    ) -> tuple[Tensor, Logs]:
        """Images ``[N, C, H, W]`` -> reconstruction loss on the masked patches."""
        prediction, mask = self.reconstruct(images, generator)
        target = patchify(images, self.encoder.spec.patch_size)
        loss = mae_loss(prediction, target, mask, self.config.norm_pix_loss)
        return loss, {"loss": loss.detach(), "masked_fraction": mask.mean()}
