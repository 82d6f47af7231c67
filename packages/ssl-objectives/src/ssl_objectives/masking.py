"""Masks for the predictive methods.

- :func:`random_patch_mask` (MAE, CNN-JEPA's random branch): per sample, the ``int(L * ratio)`` positions with
  the smallest of ``L`` uniform noise values are masked (``argsort`` of noise, as MAE's official code; there
  ``len_keep = int(L * (1 - ratio))`` patches are kept).
- :func:`multi_block_mask` (I-JEPA / CNN-JEPA): ``n_blocks`` target blocks per sample; one block shape per
  block index and batch (area fraction ``scale``, aspect ``aspect``), positions per sample; the predicted
  positions are the union of the blocks and the context is everything else.
- :func:`cnn_jepa_mask`: per batch, multi-block with probability ``p_multi_block`` else random at
  ``random_ratio``.

All masks: ``[N, H, W]`` (grids) or ``[N, L]`` (token sequences), 1 = masked / predicted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor

from ssl_objectives.errors import ConfigError


def random_patch_mask(
    batch: int,
    length: int,
    ratio: float,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Per-sample random masking of ``length`` positions.

    Returns:
        ``(mask [N, L] float, 1 = masked; keep_ids [N, L_keep] int64)`` with
        ``L_keep = int(L * (1 - ratio))`` and ``L - L_keep`` positions masked.
    """
    if not 0.0 <= ratio < 1.0:
        raise ConfigError(f"mask ratio must be in [0, 1), got {ratio}")
    keep = int(length * (1 - ratio))
    noise = torch.rand(batch, length, generator=generator, device=device)
    order = torch.argsort(noise, dim=1)
    keep_ids = order[:, :keep]
    mask = torch.ones(batch, length, device=device)
    mask.scatter_(1, keep_ids, 0.0)
    return mask, keep_ids


@dataclass(frozen=True)
class MaskingConfig:
    """CNN-JEPA masking (defaults of the paper on a 7 x 7 grid).

    Attributes:
        p_multi_block: probability of multi-block masking for a batch (else random).
        n_blocks: target blocks.
        block_scale: area range of one block, as a fraction of the grid.
        block_aspect: aspect-ratio range (height / width) of one block.
        random_ratio: fraction of positions predicted under random masking.
        patch: input pixels per grid cell (32 for a ResNet's stride-32 output).
    """

    p_multi_block: float = 0.75
    n_blocks: int = 4
    block_scale: tuple[float, float] = (0.15, 0.2)
    block_aspect: tuple[float, float] = (0.75, 1.5)
    random_ratio: float = 0.6
    patch: int = 32


def multi_block_mask(
    batch: int,
    grid: tuple[int, int],
    config: MaskingConfig,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> Tensor:
    """Union of ``n_blocks`` rectangular target blocks per sample: ``[N, H, W]`` float, 1 = predicted.

    The context (0 entries) always keeps at least one position: if the union would cover the whole grid the
    last block is dropped for that sample.
    """
    height, width = grid
    rows = torch.arange(height, device=device)[None, :, None]
    cols = torch.arange(width, device=device)[None, None, :]
    mask = torch.zeros(batch, height, width, device=device, dtype=torch.bool)
    for _ in range(config.n_blocks):
        u = torch.rand(2, generator=generator, device="cpu").tolist()
        low, high = config.block_scale
        area = (low + u[0] * (high - low)) * height * width
        log_aspect = math.log(config.block_aspect[0]) + u[1] * (
            math.log(config.block_aspect[1]) - math.log(config.block_aspect[0])
        )
        aspect = math.exp(log_aspect)
        block_h = max(1, min(height, round(math.sqrt(area * aspect))))
        block_w = max(1, min(width, round(math.sqrt(area / aspect))))
        top = torch.randint(
            0, height - block_h + 1, (batch, 1, 1), generator=generator, device="cpu"
        )
        left = torch.randint(
            0, width - block_w + 1, (batch, 1, 1), generator=generator, device="cpu"
        )
        top, left = top.to(device), left.to(device)
        block = (rows >= top) & (rows < top + block_h) & (cols >= left) & (cols < left + block_w)
        candidate = mask | block
        full = candidate.flatten(1).all(dim=1)[:, None, None]
        mask = torch.where(full, mask, candidate)
    return mask.float()


def cnn_jepa_mask(
    batch: int,
    grid: tuple[int, int],
    config: MaskingConfig,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, str]:
    """One batch's CNN-JEPA mask ``[N, H, W]`` (1 = predicted) and the strategy used."""
    if float(torch.rand(1, generator=generator, device="cpu")) < config.p_multi_block:
        return multi_block_mask(batch, grid, config, generator, device), "multi_block"
    mask, _ = random_patch_mask(batch, grid[0] * grid[1], config.random_ratio, generator, "cpu")
    return mask.to(device).reshape(batch, *grid), "random"
