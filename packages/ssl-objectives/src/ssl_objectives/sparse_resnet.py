"""Sparse (masked) execution of a ResNet for CNN-JEPA's context encoder.

:func:`sparsify` swaps every ``BatchNorm2d`` of a :class:`~ssl_objectives.backbones.ResNetBackbone` for a
:class:`MaskedBatchNorm2d` (same parameters and buffers, so the state dict is unchanged) and wraps the
stem's max-pool. While a mask is set (:meth:`SparseContext.masked`), each masked BatchNorm

- computes its batch statistics over VISIBLE positions only: ``mu = sum(m x) / sum(m)``,
  ``var = sum(m (x - mu)^2) / sum(m)`` (biased, as BatchNorm normalises; running stats get the unbiased
  estimate), and
- multiplies its output by the mask, so every convolution's output is re-masked (in a ResNet each
  convolution feeds a BatchNorm; residual sums of masked maps stay masked), and the max-pool output too.

The mask is a grid ``[N, g_h, g_w]`` (1 = visible) upsampled by nearest neighbour to each feature map's
size. Without a mask the modules are plain BatchNorm / max-pool (the target encoder, downstream use).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import Tensor, nn
from torch.nn import functional

from ssl_objectives.sync_batchnorm import SyncMixin, batch_norm_train


class SparseContext:
    """Holds the current visibility grid shared by the masked modules of one encoder."""

    def __init__(self) -> None:
        self.grid: Tensor | None = None

    def at(self, height: int, width: int) -> Tensor | None:
        """The visibility mask ``[N, 1, height, width]`` at a feature map's resolution, or None."""
        if self.grid is None:
            return None
        grid = self.grid[:, None].float()
        if grid.shape[-2:] == (height, width):
            return grid
        return functional.interpolate(grid, size=(height, width), mode="nearest")

    @contextmanager
    def masked(self, visible: Tensor) -> Iterator[None]:
        """Run the encoder sparsely inside this block; ``visible``: ``[N, g_h, g_w]``, 1 = visible."""
        self.grid = visible
        try:
            yield
        finally:
            self.grid = None


class MaskedBatchNorm2d(nn.BatchNorm2d):
    """BatchNorm2d whose statistics and output respect the visibility mask of a :class:`SparseContext`."""

    context: SparseContext

    def forward(self, x: Tensor) -> Tensor:
        """``[N, C, H, W]`` -> normalised, masked ``[N, C, H, W]``."""
        mask = self.context.at(x.shape[-2], x.shape[-1])
        if mask is None:
            return super().forward(x)
        if self.training:
            return batch_norm_train(self, x, mask, sync=False)
        work = x if x.dtype == torch.float64 else x.float()
        mean, var = self.running_mean.to(work.dtype), self.running_var.to(work.dtype)
        scale = self.weight.to(work.dtype) / torch.sqrt(var + self.eps)
        shift = self.bias.to(work.dtype) - mean * scale
        out = work * scale[None, :, None, None] + shift[None, :, None, None]
        return (out * mask.to(work.dtype)).to(x.dtype)


class SyncMaskedBatchNorm2d(SyncMixin, MaskedBatchNorm2d):
    """:class:`MaskedBatchNorm2d` with statistics over the visible positions of every rank (DDP)."""

    def _visibility(self, x: Tensor) -> Tensor | None:
        return self.context.at(x.shape[-2], x.shape[-1])


class MaskedMaxPool2d(nn.MaxPool2d):
    """Max-pool whose output is re-masked (a window on a mask edge must not leak into masked cells)."""

    context: SparseContext

    def forward(self, x: Tensor) -> Tensor:
        """``[N, C, H, W]`` -> pooled, masked."""
        out = super().forward(x)
        mask = self.context.at(out.shape[-2], out.shape[-1])
        return out if mask is None else out * mask.to(out.dtype)


def sparsify(module: nn.Module) -> SparseContext:
    """Swap BatchNorm2d / MaxPool2d inside ``module`` for masked versions sharing one context (in place)."""
    context = SparseContext()
    swaps = {nn.BatchNorm2d: MaskedBatchNorm2d, nn.MaxPool2d: MaskedMaxPool2d}
    for child in list(module.modules()):
        masked = swaps.get(type(child))
        if masked is not None:
            child.__class__ = masked
            object.__setattr__(child, "context", context)
    return context
