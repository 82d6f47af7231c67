"""BatchNorm with statistics over the visible positions of every process (gloo and NCCL, CPU and CUDA).

One training-mode formula serves plain, synchronised and masked BatchNorm (:func:`batch_norm_train`). For
an input ``x`` ``[N, C, ...]`` with an optional visibility mask ``m`` (``[N, 1, ...]``, 1 = visible;
all ones when absent), per channel ``c``:

    n   = sum m                                   (summed over ranks when synchronised)
    mu  = sum m x / n                             (numerator summed over ranks)
    var = sum m (x - mu)^2 / n                    (biased, numerator summed over ranks)
    y   = ((x - mu) / sqrt(var + eps) * weight + bias) * m

Running statistics move towards ``mu`` and the unbiased ``var * n / (n - 1)`` with the module's momentum.
The sums go through :func:`~ssl_objectives.distributed.all_reduce_sum` (differentiable), two collectives
per layer: the statistics equal those of one BatchNorm over the concatenated batch, exactly (the centred
second pass avoids the cancellation of ``E[x^2] - mu^2``). Computed in float32 under bf16/fp16 autocast,
float64 stays float64.

torch's ``nn.SyncBatchNorm`` has no CPU path and would turn CNN-JEPA's masked BatchNorm into a plain one
(breaking the sparse encoder); :func:`convert_sync_batchnorm` swaps classes IN PLACE instead
(``BatchNorm1d/2d`` -> :class:`SyncBatchNorm1d` / :class:`SyncBatchNorm2d`, ``MaskedBatchNorm2d`` ->
:class:`~ssl_objectives.sparse_resnet.SyncMaskedBatchNorm2d`), keeping parameters, buffers and state-dict
keys. In one process or in eval mode the synchronised classes run exactly as the class they replaced.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from ssl_objectives.distributed import all_reduce_sum, is_distributed


def batch_norm_train(bn: _BatchNorm, x: Tensor, mask: Tensor | None, sync: bool) -> Tensor:
    """Training-mode BatchNorm of ``x`` ``[N, C, ...]`` over visible positions (see the module docstring).

    Args:
        bn: the module holding ``weight``, ``bias``, ``eps``, ``momentum`` and the running buffers.
        x: input ``[N, C]`` or ``[N, C, *spatial]``.
        mask: ``[N, 1, *spatial]`` visibility (1 = visible) or None; the output is multiplied by it.
        sync: sum the statistics over ranks.

    Returns:
        The normalised input, in the input's dtype.
    """
    dtype = x.dtype
    work = x if x.dtype == torch.float64 else x.float()
    dims = [d for d in range(work.dim()) if d != 1]
    shape = [1, work.shape[1]] + [1] * (work.dim() - 2)
    if mask is None:
        weight_mask = None
        count = work.new_full((1,), work.numel() / work.shape[1])
        total = work.sum(dim=dims)
    else:
        weight_mask = mask.to(work.dtype)
        count = weight_mask.sum().reshape(1)
        total = (work * weight_mask).sum(dim=dims)
    if sync:
        packed = all_reduce_sum(torch.cat([total, count]))
        total, count = packed[:-1], packed[-1:]
    count = count.clamp(min=1.0)
    mean = total / count
    centred = work - mean.view(shape)
    squares = centred.pow(2) if weight_mask is None else centred.pow(2) * weight_mask
    sum_squares = squares.sum(dim=dims)
    if sync:
        sum_squares = all_reduce_sum(sum_squares)
    var = sum_squares / count
    _update_running(bn, mean, var, count)
    out = centred / torch.sqrt(var + bn.eps).view(shape)
    if bn.weight is not None:
        out = out * bn.weight.to(work.dtype).view(shape) + bn.bias.to(work.dtype).view(shape)
    if weight_mask is not None:
        out = out * weight_mask
    return out.to(dtype)


@torch.no_grad()
def _update_running(bn: _BatchNorm, mean: Tensor, var: Tensor, count: Tensor) -> None:
    if not bn.track_running_stats or bn.running_mean is None or bn.running_var is None:
        return
    bn.num_batches_tracked += 1
    momentum = bn.momentum if bn.momentum is not None else 1.0 / float(bn.num_batches_tracked)
    unbiased = var * count / (count - 1).clamp(min=1.0)
    bn.running_mean.lerp_(mean.detach().to(bn.running_mean.dtype), momentum)
    bn.running_var.lerp_(unbiased.detach().to(bn.running_var.dtype), momentum)


class SyncMixin:
    """Training-mode forward with statistics summed over ranks; otherwise the parent class's forward."""

    def forward(self, x: Tensor) -> Tensor:
        """``[N, C, ...]`` -> normalised ``[N, C, ...]``."""
        bn: _BatchNorm = self  # type: ignore[assignment]
        if not (bn.training and is_distributed()):
            return super().forward(x)  # type: ignore[misc]
        return batch_norm_train(bn, x, self._visibility(x), sync=True)

    def _visibility(self, x: Tensor) -> Tensor | None:
        return None


class SyncBatchNorm1d(SyncMixin, nn.BatchNorm1d):
    """``BatchNorm1d`` with statistics over every rank's batch (projector layers)."""


class SyncBatchNorm2d(SyncMixin, nn.BatchNorm2d):
    """``BatchNorm2d`` with statistics over every rank's batch (ResNet layers)."""


def convert_sync_batchnorm(module: nn.Module) -> int:
    """Swap every BatchNorm of ``module`` for its synchronised class in place; returns how many were swapped.

    Idempotent; state dicts are unchanged. Other normalisations (LayerNorm) are left alone.
    """
    from ssl_objectives.sparse_resnet import MaskedBatchNorm2d, SyncMaskedBatchNorm2d

    swaps: dict[type, type] = {
        nn.BatchNorm1d: SyncBatchNorm1d,
        nn.BatchNorm2d: SyncBatchNorm2d,
        MaskedBatchNorm2d: SyncMaskedBatchNorm2d,
    }
    converted = 0
    for child in module.modules():
        target = swaps.get(type(child))
        if target is not None:
            child.__class__ = target
            converted += 1
    return converted
