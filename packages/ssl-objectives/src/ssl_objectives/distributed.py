"""Opt-in gathering of embeddings across processes, with gradients.

Batch-statistics losses (Barlow Twins, VICReg's variance and covariance terms, the contrastive negatives of
ConVIRT) should see the global batch under DDP. :func:`gather_with_grad` concatenates ``[N_local, ...]``
tensors from every rank into ``[N_global, ...]``; its backward all-reduces the incoming gradient and returns
this rank's rows. Every rank computes the same global loss, so each slice receives ``world_size`` times its
share, and DDP's gradient averaging restores exactly the gradient of the global-batch loss. Without an
initialised process group (or with one process) it returns its input unchanged. Every rank must pass the
same number of rows (use ``drop_last``).
"""

from __future__ import annotations

import torch
from torch import Tensor


def world_size() -> int:
    """Number of processes in the default group, 1 when torch.distributed is not initialised."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return int(torch.distributed.get_world_size())
    return 1


def gather_with_grad(x: Tensor) -> Tensor:
    """``[N_local, ...]`` on every rank -> ``[N_local * world_size, ...]``, differentiable."""
    if world_size() == 1:
        return x
    return _GatherWithGrad.apply(x)


class _GatherWithGrad(torch.autograd.Function):
    """All-gather whose backward all-reduces the gradient and keeps this rank's rows (gloo and NCCL)."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: Tensor) -> Tensor:
        ctx.rows = x.shape[0]  # type: ignore[attr-defined]
        return gather_no_grad(x)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: Tensor) -> Tensor:
        grad = grad.contiguous()
        torch.distributed.all_reduce(grad)
        start = torch.distributed.get_rank() * ctx.rows  # type: ignore[attr-defined]
        return grad[start : start + ctx.rows]  # type: ignore[attr-defined]


def gather_no_grad(x: Tensor) -> Tensor:
    """``[N_local, ...]`` -> ``[N_global, ...]`` without gradients (MoCo keys for the shared queue)."""
    if world_size() == 1:
        return x
    parts = [torch.empty_like(x) for _ in range(world_size())]
    torch.distributed.all_gather(parts, x.contiguous())
    return torch.cat(parts, dim=0)
